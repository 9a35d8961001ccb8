"""In-article speaker resolution: who each attribution's source refers to.

A named source resolves to the entity mention under its head token; a pronoun or
relative to the most recent compatible speaker or mention; a definite description ("the
Observatory", "the soldier", "the Syrian leader") to an earlier mention or speaker it
names; anything else is its own text. Each speaker gets a type (person, organization,
media, official, anonymous, unknown). Linking speakers to corpus entities is a later,
corpus-level step (:mod:`newscope.resolve.speakers`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Token

from newscope.lexicon import words
from newscope.records import Attribution, Mention, Speaker

PRONOUNS_PERSON = frozenset("he she him her i me".split())
PRONOUNS_GROUP = frozenset("it they them we us".split())
RELATIVE = frozenset("who which that whom".split())
PERSON_LABELS = frozenset({"PERSON"})
GROUP_LABELS = frozenset({"ORG", "NORP", "GPE"})
SPEAKER_LABELS = PERSON_LABELS | GROUP_LABELS | {"FAC"}  # mentions a source can name
ANON_NOUNS = words("anonymous_nouns")
MEDIA_WORDS = words("media_words")
OFFICIAL_WORDS = words("official_words")
OFFICIAL_NAMES = words("official_names")
ROLE_NOUNS = words("role_nouns")


def resolve_speakers(attributions: Sequence[Attribution], mentions: Sequence[Mention]) -> None:
    """Set every attribution's :class:`~newscope.records.Speaker`, in the order of their
    cues (contents for those without one): a speaker may refer back to an earlier one.
    ``mentions`` are the article's entity mentions in text order."""
    history: list[Attribution] = []
    for a in sorted(attributions, key=lambda x: x.cue[0] if x.cue is not None else x.content[0]):
        if a.continues is not None:
            a.speaker = a.continues.speaker
        elif a.source is not None:
            a.speaker = _resolve_source(a, mentions, history)
        else:
            a.speaker = Speaker()
        history.append(a)


def _resolve_source(a: Attribution, mentions: Sequence[Mention], history: list[Attribution]) -> Speaker:
    src = a.text_of(a.source)
    tok = a.head
    words = {w.lower() for w in re.findall(r"[\w-]+", src)}
    head = tok.lower_ if tok is not None else src.lower()
    if tok is not None and (head in PRONOUNS_PERSON | PRONOUNS_GROUP or head in RELATIVE):
        return _antecedent(a, tok, mentions, history) or Speaker()
    m = _mention_at(mentions, tok)
    if m is not None:
        return _mention_speaker(m, {w.lower() for w in re.findall(r"[\w-]+", m.key)} | words)
    head_lemma = tok.lemma_.lower() if tok is not None else src.split()[-1].lower()
    indefinite = tok is not None and any(c.lower_ in ("a", "an", "one", "some", "another") for c in tok.children)
    if tok is not None and not indefinite:
        ante = _description(a, tok, mentions, history)
        if ante is not None:
            return ante
    return Speaker(src, type=_type_of(None, words | {head_lemma}))


def _mention_at(mentions: Sequence[Mention], head: Token | None) -> Mention | None:
    """The mention holding the source's head token."""
    if head is not None:
        for m in mentions:
            if m.start <= head.idx < m.end and m.label in SPEAKER_LABELS:
                return m
    return None


def _mention_speaker(m: Mention, words: set[str]) -> Speaker:
    """A speaker resolved to mention ``m``, typed by its label and ``words``."""
    return Speaker(m.key, m.start, m.end, _type_of(m.label, words))


def _type_of(label: str | None, words: set[str]) -> str:
    if label == "PERSON":
        return "person"
    if words & MEDIA_WORDS and not words & {"official", "officials"}:
        return "media"
    if label in GROUP_LABELS or label == "FAC":
        if words & OFFICIAL_NAMES:
            return "official"
        return "organization"
    if words & ANON_NOUNS:
        return "anonymous"
    if words & OFFICIAL_WORDS:
        return "official"
    return "unknown"


def _antecedent(a: Attribution, tok: Token, mentions: Sequence[Mention], history: list[Attribution]) -> Speaker | None:
    """Most recent compatible prior speaker or mention for a pronoun / relative."""
    low = tok.lower_
    pos = a.source[0]
    if low in RELATIVE:
        h = tok.head.head if tok.head.dep_ == "relcl" else None
        if h is not None:
            m = _mention_at(mentions, h)
            if m is not None:
                return _mention_speaker(m, set())
            return Speaker(a.doc_text[h.left_edge.idx : h.idx + len(h.text)], type=_type_of(None, {h.lower_, h.lemma_.lower()}))
        return None
    want_person = low in PRONOUNS_PERSON
    labels = PERSON_LABELS if want_person else GROUP_LABELS
    window = pos - 1500
    best_hist = None
    for h in reversed(history):
        if h.speaker is None or h.speaker.name is None or (h.cue and h.cue[0] or h.content[0]) < window:
            continue
        if h.source is not None and h.source[0] >= pos:
            continue
        ok = h.speaker.type in (("person", "anonymous", "unknown") if want_person else ("organization", "media", "official"))
        if ok:
            best_hist = h
            break
    best_m = None
    for m in reversed(mentions):
        if m.end <= pos and m.label in labels and m.start >= window:
            if not want_person and low == "it" and m.label in ("GPE", "NORP"):
                continue
            best_m = m
            break
    hist_pos = (best_hist.source[0] if best_hist.source else 0) if best_hist else -1
    if best_hist is not None and (best_m is None or hist_pos >= best_m.start or not want_person):
        return best_hist.speaker
    if best_m is not None:
        return _mention_speaker(best_m, set(best_m.key.lower().split()))
    return None


def _description(a: Attribution, tok: Token, mentions: Sequence[Mention], history: list[Attribution]) -> Speaker | None:
    """'the Observatory' -> Syrian Observatory for Human Rights; 'the soldier' -> 'one soldier'."""
    pos = a.source[0]
    head = tok.text.lower()
    for m in reversed(mentions):
        if m.end <= pos and tok.text[:1].isupper() and head in m.key.lower().split():
            return _mention_speaker(m, set(m.key.lower().split()))
    for h in reversed(history):
        source_text = h.text_of(h.source)
        if source_text and head in source_text.lower().split() and h.source[0] < pos:
            return h.speaker
    if tok.lemma_.lower() in ROLE_NOUNS:
        # "the embattled Syrian leader": the most recently named person
        for m in reversed(mentions):
            if m.end <= pos and m.label == "PERSON":
                return Speaker(m.key, m.start, m.end, "person")
    return None
