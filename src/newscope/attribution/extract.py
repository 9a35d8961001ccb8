"""The order the rules run in: one article's parse -> its attribution rows."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from newscope.attribution import quote_rules, rules
from newscope.attribution.builder import Builder
from newscope.attribution.cues import CUE_VERBS, cue_act
from newscope.attribution.holders import voiced
from newscope.attribution.speakers import resolve_speakers
from newscope.config import ATTRIBUTION_SCHEMES, EntitySettings
from newscope.entities import article_mentions
from newscope.records import Mention


def extract_attributions(doc: Doc, mentions: Sequence[Mention] | None = None, *,
                         labels: Sequence[str] | None = None, scheme: str = "voices") -> list[dict]:
    """The attributions in ``doc`` as rows (:meth:`Attribution.to_row
    <newscope.records.Attribution.to_row>`) with exact char offsets into ``doc.text``.

    ``scheme="voices"`` keeps those that give someone a voice (:mod:`holders
    <newscope.attribution.holders>`): the ``attributions`` table. ``scheme="polnear"`` keeps
    every attribution the PolNeAR scheme annotates, also with an implicit holder or only
    hypothetical or denied: ``newscope attributions`` and ``evaluate``.

    Speakers resolve to the entity layer's ``mentions`` of this doc (``annotate`` has
    them already); without them they are computed here with the entity ``labels``
    (default: those of ``entities.labels``' default), so every entry point resolves
    speakers alike.
    """
    if mentions is None:
        mentions = article_mentions(doc, labels or EntitySettings().labels)
    b = Builder(doc)
    for tok in doc:
        lemma = tok.lemma_.lower()
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            rules.according_to(b, tok)
            continue
        if b.inside[tok.idx]:
            continue
        if tok.lower_ == "in" and tok.dep_ == "prep" and tok.head.pos_ in ("VERB", "AUX"):
            rules.poll(b, tok)
        elif tok.pos_ == "VERB" and lemma in CUE_VERBS:
            rules.verb_cue(b, tok, lemma)
        elif tok.pos_ == "NOUN":
            rules.noun_cue(b, tok, lemma)
    quote_rules.colon_quotes(b)
    quote_rules.framed_quotes(b)
    quote_rules.speaker_labels(b)
    quote_rules.from_lead_ins(b)
    quote_rules.dash_credits(b)
    quote_rules.orphan_quotes(b)
    b.dedupe()
    b.out.sort(key=lambda a: a.content)
    resolve_speakers(b.out, sorted(mentions, key=lambda m: m.start), b.quotes)
    for a in b.out:
        a.act = cue_act(a.cue_lemma, a.kind)
    if scheme not in ATTRIBUTION_SCHEMES:
        raise ValueError(f"scheme must be one of {', '.join(ATTRIBUTION_SCHEMES)}, got {scheme!r}")
    return [a.to_row() for a in (voiced(doc, b.out) if scheme == "voices" else b.out)]
