"""The candidate builder: collects one article's attributions as the rules find them.

:meth:`Builder.add` is where every rule's candidate goes through the same clean-up
(clip to the cue's paragraph, widen to the quotes it touches, classify direct / mixed /
indirect); :meth:`Builder.dedupe` keeps one attribution per content at the end.
"""

from __future__ import annotations

import re

import numpy as np
from spacy.tokens import Doc, Token

from newscope.attribution.cues import CUE_VERBS
from newscope.attribution.quotes import find_quotes
from newscope.attribution.spans import dice, lstrip_ws, trim_ws
from newscope.attribution.speakers import is_media
from newscope.records import Attribution


#: Source words that name nobody in particular: their "attributions" are the writer's own.
GENERIC_SOURCES = frozenset({"you"})


def block_quotes(doc: Doc) -> list[tuple[int, int]]:
    """Paragraphs quoted without marks, as a block after a lead-in that ends in a cue verb and
    a colon ("Roberts felt he had to comment, saying:\n\nI think it is appropriate ...",
    "He continued:"): a paragraph of twelve words or more with no quote mark of its own."""
    text = doc.text
    spans = []
    for lead in re.finditer(r":[ \t]*\n+", text):
        start = lead.end()
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        para = text[start:end].rstrip()
        colon = next((t for t in doc if t.idx == lead.start()), None)
        verb = doc[colon.i - 1] if colon is not None and colon.i > 0 else None
        if (len(re.findall(r"\w+", para)) >= 12 and not re.search(r"[\"“”«»]", para) and para[:1].isalpha()
                and not re.match(r"[\w.'’ -]{1,30}:", para)  # a transcript's "Brown: ..." line
                and verb is not None and verb.pos_ == "VERB" and verb.lemma_.lower() in CUE_VERBS):
            spans.append((start, start + len(para)))
    return spans


class Builder:
    """Collects the :class:`~newscope.records.Attribution` candidates of one doc."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc.text
        self.quotes = sorted(find_quotes(self.text) + block_quotes(doc))
        self.inside = np.zeros(len(self.text) + 1, dtype=bool)  # is a character inside a quote?
        for qs, qe in self.quotes:
            self.inside[qs + 1 : qe] = True
        self.out: list[Attribution] = []

    def covered(self) -> list[tuple[int, int]]:
        """The content spans found so far."""
        return [a.content for a in self.out]

    def add(
        self,
        source: tuple[int, int] | None,
        cue: tuple[int, int] | None,
        content: tuple[int, int],
        kind: str,
        cue_lemma: str | None,
        channel: tuple[int, int] | None = None,
        source_tok: Token | None = None,
        expand: bool = True,
        clip: bool = True,
    ) -> None:
        """Record one attribution; ``expand``: widen the content to the quotes it touches;
        ``clip``: keep the content to the cue's paragraph."""
        if content[1] - content[0] < 2:
            return
        if source_tok is not None and source_tok.lower_ in GENERIC_SOURCES:
            return  # "you agree to receive ...", "if you want to ...": nobody in particular
        if source is not None:
            clipped = self._clip_to_line(source, cue)
            if clipped != source and source_tok is not None and not clipped[0] <= source_tok.idx < clipped[1]:
                span = self.doc.char_span(*clipped, alignment_mode="expand")
                source_tok = span.root if span is not None and len(span) else None
            source = clipped
        if source is not None and source[0] <= content[0] and content[1] < source[1] and (
                source_tok is None or source_tok.idx >= content[1]):
            # "A concept dear to many, federalist principles may ..., scholars say": the parser
            # ran the subject over its content; the source is what follows it
            start = content[1]
            while start < source[1] and (self.text[start].isspace() or self.text[start] in ",;:"):
                start += 1
            source = (start, source[1])
        if source is not None and source[1] <= source[0]:
            source = None
        if channel is not None and channel[1] <= channel[0]:
            channel = None
        if cue is not None and clip:
            # the parser sometimes runs a sentence over a paragraph break: clip to the cue's
            # paragraph (quotes spanning paragraphs are restored by the quote expansion)
            p_start = self.text.rfind("\n", 0, cue[0]) + 1
            lo, hi = max(content[0], p_start), min(content[1], self.paragraph_end(cue[1]))
            if hi - lo < 2:
                return
            content = trim_ws(self.text, *lstrip_ws(self.text, lo, hi))
        if expand:
            content = self._expand_quotes(content, cue, source)
        if cue is not None and content[0] > cue[1] and self.text[cue[1] : content[0]].strip() == ":":
            # "The governor added: It's typical ... ." runs to the end of the paragraph
            content = (content[0], max(content[1], trim_ws(self.text, content[0], self.paragraph_end(content[0]))[1]))
        if kind not in ("according-to", "continuation"):
            kind = self.kind(content, source, cue, channel)
        self.out.append(Attribution(
            source, cue, content, kind, cue_lemma,
            channel=self.text[channel[0] : channel[1]] if channel else None,
            doc_text=self.text, head=source_tok,
        ))

    def _clip_to_line(self, source: tuple[int, int], cue: tuple[int, int] | None) -> tuple[int, int]:
        """A source the parser ran over a line break (a headline or caption glued to the
        sentence) keeps only its line nearest the cue."""
        s, e = source
        if "\n" not in self.text[s:e]:
            return source
        anchor = e - 1 if cue is None or cue[0] >= e else s
        lo = max(s, self.text.rfind("\n", 0, anchor) + 1)
        hi = self.text.find("\n", anchor)
        return trim_ws(self.text, *lstrip_ws(self.text, lo, e if hi == -1 else min(e, hi)))

    def has_cue(self, start: int, end: int) -> bool:
        """Is there another cue verb between ``start`` and ``end`` ("..., adding, ...")?"""
        span = self.doc.char_span(start, end, alignment_mode="contract")
        return span is not None and any(t.pos_ == "VERB" and t.lemma_.lower() in CUE_VERBS for t in span)

    def paragraph_end(self, i: int) -> int:
        """Offset of the first line break at or after ``i`` (or the text's end)."""
        end = self.text.find("\n", i)
        return len(self.text) if end < 0 else end

    def sentence_end(self, i: int) -> int:
        """End offset of the sentence holding character ``i``, at most its paragraph's end."""
        para_end = self.paragraph_end(i)
        tok = self.doc.char_span(i, i + 1, alignment_mode="expand")
        return min(tok.sent.end_char, para_end) if tok is not None else para_end

    def kind(self, content: tuple[int, int], *skip: tuple[int, int] | None) -> str:
        """direct: every word of the content (outside the embedded source/cue) is quoted;
        mixed: some are; indirect: none."""
        s, e = content
        inside = [q for q in self.quotes if q[0] < e and q[1] > s]
        if not inside:
            return "indirect"
        holes = [x for x in skip if x] + inside
        words = [m.start() for m in re.finditer(r"\w", self.text[s:e])]
        outside = sum(1 for w in words if not any(h[0] <= s + w < h[1] for h in holes))
        return "direct" if outside == 0 else "mixed"

    def _expand_quotes(
        self, content: tuple[int, int], cue: tuple[int, int] | None, source: tuple[int, int] | None
    ) -> tuple[int, int]:
        s, e = content
        for qs, qe in self.quotes:
            if qs < e and qe > s and (qs <= s + 1 or qe >= e - 1):
                s, e = min(s, qs), max(e, qe)
        # "A," he said, "B."  /  "A," he said. "B."  -> one content, outer extent.
        marks = [x for x in (cue, source) if x]
        if marks and self.text[s : s + 1] in "“\"'`" and max(m[1] for m in marks) <= s:
            before = min(m[0] for m in marks)
            for qs, qe in self.quotes:
                if qe <= before and not re.search(r"[\w\n]", self.text[qe:before]):
                    s = qs
        if marks and self.text[s : s + 1] in "“\"'`" and max(m[1] for m in marks) > e:
            after = max(m[1] for m in marks)
            para_end = self.paragraph_end(after)
            for qs, qe in self.quotes:
                if after <= qs < para_end and qe <= para_end:
                    gap = self.text[after:qs]
                    # the next quote continues the speech if it opens a sentence or
                    # follows the cue directly: "A," he said. "B."
                    if (
                        re.search(r"([.,:;!?]|[.!?][”\"'])\s*$", gap)
                        and len(re.findall(r"\w+", self.text[qs:qe])) > 1
                        and not self.has_cue(after, qs)
                        and not self.has_cue(qe, self.sentence_end(qe - 1))  # its own cue: "B," she said
                    ):
                        e = max(e, qe)
                        after = qe
        return s, e

    def dedupe(self) -> None:
        """Keep one attribution per content: near-identical contents (Dice >= 0.8) come from
        a cue nested in another ("explained ... by saying", "claimed he learned"); keep the
        one with a source, then the outer (earlier) cue. Then drop attributions nested whole
        (cue and content) in another's content: what a speaker said someone thinks, wants or
        showed is part of that speaker's statement ("he said polls showed him victorious"), but an
        outlet's "according to" around someone's statement is only its channel."""
        def rank(a: Attribution) -> tuple:
            return (a.source is None, a.cue[0] if a.cue is not None else a.content[0])

        keep: list[Attribution] = []
        for a in sorted(self.out, key=rank):
            if not any(dice(a.content, k.content) >= 0.8 for k in keep):
                keep.append(a)

        def inside(a: Attribution, k: Attribution) -> bool:
            return (k is not a and a.cue is not None and k.content[0] <= min(a.cue[0], a.content[0])
                    and max(a.cue[1], a.content[1]) <= k.content[1])

        # "..., Jack Langer said in a statement, according to The New York Times": an outlet
        # an attribution is reported through is its channel, not the speaker
        outlets = {id(k) for k in keep if self._is_outlet(k) and any(inside(a, k) and a.source for a in keep)}
        for k in (k for k in keep if id(k) in outlets):
            for a in keep:
                if inside(a, k) and a.channel is None:
                    a.channel = self.text[k.source[0] : k.source[1]]
        self.out = [a for a in keep if id(a) not in outlets
                    and not any(inside(a, k) for k in keep if id(k) not in outlets)]

    def _is_outlet(self, a: Attribution) -> bool:
        """Is ``a`` an "according to" a news outlet by name ("according to The New York Times")?"""
        return (a.cue_lemma == "according to" and a.source is not None
                and is_media(self.text[a.source[0] : a.source[1]]))
