"""Typed per-article records the annotators produce, each written out by one ``to_row()``."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(slots=True)
class Mention:
    """One entity mention: character offsets into the article's text, the NER label voted
    over its in-article group, sentence and paragraph indexes, and ``key``, the name it is
    linked to inside the article."""

    start: int
    end: int
    text: str
    label: str
    sentence: int
    paragraph: int
    key: str

    def to_row(self) -> dict:
        """The ``mentions`` table's per-article columns."""
        return dataclasses.asdict(self)
