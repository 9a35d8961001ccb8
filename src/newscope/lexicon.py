"""Word lists kept as data: the files of ``newscope/data/words/``, read by one loader.

A ``.txt`` list has one entry a line (entries may be several words: "point out");
``#`` starts a comment. A ``.tsv`` table has a header line and one row a line. Users read
and extend these files; they are part of the annotation cache key (see ``nlp.py``) and of
the ``annotate`` stage's deps, so editing one re-annotates what it affects.
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources

WORDS = resources.files("newscope") / "data" / "words"


def _lines(name: str) -> list[str]:
    text = (WORDS / name).read_text(encoding="utf-8")
    return [line.split("#", 1)[0].strip() for line in text.splitlines()]


@functools.cache
def words(name: str) -> frozenset[str]:
    """The entries of word list ``data/words/<name>.txt``."""
    return frozenset(line for line in _lines(f"{name}.txt") if line)


@functools.cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of table ``data/words/<name>.tsv`` as dicts keyed by its header."""
    text = "\n".join(line for line in _lines(f"{name}.tsv") if line)
    return tuple(csv.DictReader(io.StringIO(text), delimiter="\t"))
