"""newscope: who and what is in the news, and who gets to speak.

The architecture (modules, data flow, tables, where to add what) is in docs/DESIGN.md.
"""

__version__ = "0.1.0"
