"""Typed per-article records the annotators produce, each written out by one ``to_row()``."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token


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


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who an attribution's source refers to: ``name`` (a mention's in-article key, an
    earlier speaker or the source text), the offsets of the mention it resolved to (None
    when it resolved to none) and ``type`` (person, organization, media, official,
    anonymous or unknown)."""

    name: str | None = None
    start: int | None = None
    end: int | None = None
    type: str = "unknown"

    def to_row(self) -> dict:
        """The ``speaker*`` columns of the ``attributions`` table."""
        return {"speaker": self.name, "speaker_start": self.start, "speaker_end": self.end,
                "speaker_type": self.type}


#: The ``speaker*`` columns of an attribution whose speaker was never resolved (a
#: continuation of an attribution whose cue comes after it: resolved in cue order).
NO_SPEAKER_ROW = {"speaker": None, "speaker_start": None, "speaker_end": None, "speaker_type": None}


@dataclass(eq=False, slots=True)
class Attribution:
    """One attribution: a source (who), a cue (how it was said: verb, noun, "according
    to", a colon) and a content (what), each a ``(start, end)`` character span of
    ``doc_text`` (source and cue may be missing). ``kind`` is direct, indirect, mixed,
    according-to or continuation; ``channel`` the text of who it was told to or where it
    appeared. ``head`` (the token naming the source) and ``continues`` (the attribution a
    speakerless quote continues) guide speaker resolution and are not written out."""

    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    content: tuple[int, int]
    kind: str
    cue_lemma: str | None
    channel: str | None
    doc_text: str = field(repr=False)
    head: Token | None = field(default=None, repr=False)
    continues: Attribution | None = field(default=None, repr=False)
    speaker: Speaker | None = None  # None until resolved
    act: str | None = None  # speech or stance (attribution.cues.cue_act), set when extraction ends
    irrealis: bool = field(default=False, repr=False)  # only possible, conditional or denied ("could ask")

    def text_of(self, span: tuple[int, int] | None) -> str | None:
        """The text of one of this attribution's spans."""
        return None if span is None else self.doc_text[span[0] : span[1]]

    def to_row(self) -> dict:
        """The ``attributions`` table's per-article columns."""
        row: dict = {}
        for role in ("source", "cue", "content"):
            span = getattr(self, role)
            row[f"{role}_start"], row[f"{role}_end"] = span if span is not None else (None, None)
            row[f"{role}_text"] = self.text_of(span)
        row.update(kind=self.kind, cue_lemma=self.cue_lemma, act=self.act, channel=self.channel)
        return {**row, **(self.speaker.to_row() if self.speaker is not None else NO_SPEAKER_ROW)}
