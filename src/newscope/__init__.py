"""newscope: who and what is in the news, and who gets to speak."""

__version__ = "0.1.0"
