"""The extraction rules run over quote marks and lines once the token rules are done:
colon quotes, quotes framed by any verb, transcript labels, "from X:" lead-ins, dash
credits and quote paragraphs that continue the previous speaker."""

from __future__ import annotations

import re

from spacy.tokens import Token

from newscope.attribution.builder import Builder
from newscope.attribution.rules import channel
from newscope.attribution.spans import trim_ws
from newscope.attribution.tree import cue_span, source_span
from newscope.records import Attribution

_LABEL = re.compile(r"^[ \t]*[\"“]?((?:[A-Z][\w.'’-]*\.?[ \t]+){0,3}[A-Z][\w.'’-]*)[ \t]*:[ \t]+(\S.*)$", re.M)
_FROM_LEAD_IN = re.compile(r"\bfrom[ \t]+([^:\n]{2,80}?)[ \t]*:[ \t]*\n?[ \t]*$")
_DASH = re.compile(r"\s*[―—–-]{1,2}\s*((?:[A-Z][\w.'’-]*\s?){1,4})")


def colon_quotes(b: Builder) -> None:
    """X said: "..."  where the quote was parsed as a separate sentence."""
    covered = b.covered()
    for qs, qe in b.quotes:
        if any(cs <= qs + 1 and ce >= qe - 1 for cs, ce in covered):
            continue
        before = b.text[max(0, qs - 3) : qs]
        if ":" not in before:
            continue
        prev = [a for a in b.out if a.cue is not None and 0 <= qs - a.cue[1] < 80]
        prev = [a for a in prev if a.content[1] <= qs + 1]
        if not prev:
            continue
        a = prev[-1]
        if a.content[1] > a.cue[1] and a.content[1] >= qs - 3:
            a.content = (min(a.content[0], qs), qe)
        else:
            a.content = (qs, qe)
        a.kind = b.kind(a.content, a.source, a.cue)


def framed_quotes(b: Builder) -> None:
    """'"...," Toomey fumed.' / 'Toomey fumed: "..."': any verb with a subject framing a
    quote counts as its cue, also outside the lexicon."""
    doc = b.doc
    covered = b.covered()
    for qs, qe in b.quotes:
        if any(s0 < qe and e0 > qs for s0, e0 in covered) or len(re.findall(r"\w+", b.text[qs:qe])) < 2:
            continue
        verb = subj = None
        after = doc.char_span(qe, min(len(b.text), qe + 80), alignment_mode="contract")
        first = next((t for t in after if not (t.is_punct or t.is_space)), None) if after is not None else None
        if first is not None and not re.search(r"[\w\n]", b.text[qe : first.idx]):
            for t in after:
                if t.pos_ == "VERB" and t.i - first.i <= 8:
                    sub = next((c for c in t.children if c.dep_ == "nsubj"), None)
                    if sub is None and t.i == first.i and any(c.dep_ == "ccomp" and c.i < t.i for c in t.children):
                        # '"...," sighed the mayor': inverted, the speaker parsed as an object
                        sub = next((c for c in t.rights if c.dep_ in ("dobj", "attr")), None)
                    # not a verb stating its own clause: '"pro-life." More people said abortion is wrong'
                    states_own = any(c.dep_ == "ccomp" and t.i < c.left_edge.i <= t.i + 2
                                     and not any(w.is_quote for w in c.subtree) for c in t.children)
                    frames = sub is not None and (sub.left_edge.i == first.i or (t.i == first.i and sub.i > t.i))
                    if frames and not states_own:
                        verb, subj = t, sub
                    break
        if verb is None:
            before = doc.char_span(max(0, qs - 3), qs, alignment_mode="expand")
            prev = doc[before.start - 1] if before is not None and before.start > 0 else None
            if prev is not None and prev.text in (":", ",") and prev.i > 0 and "\n" not in b.text[prev.idx : qs]:
                t = doc[prev.i - 1]
                sub = next((c for c in t.children if c.dep_ == "nsubj"), None)
                if t.pos_ == "VERB" and sub is not None:
                    verb, subj = t, sub
        if verb is None:
            continue
        source, subj = source_span(subj, verb)
        lemma = verb.lemma_.lower()
        b.add(source, cue_span(verb), (qs, qe), "direct", lemma, channel(verb, lemma), subj)
        covered.append((qs, qe))


def speaker_labels(b: Builder) -> None:
    """Transcript lines "NAME: text" (interviews, debates, headlines "Sanders: ..."), also
    when quoted as paragraphs of one long quote ('"WALLACE: ...')."""
    covered = b.covered()
    for m in _LABEL.finditer(b.text):
        cs, ce = m.start(2), m.end(2)
        if any(s0 <= cs < e0 for s0, e0 in covered):
            continue
        name = (m.start(1), m.end(1))
        colon = b.text.index(":", name[1])
        cs, ce = trim_ws(b.text, cs, ce)
        if ce - cs < 3:
            continue
        b.add(name, (colon, colon + 1), (cs, ce), "direct", ":", None, _name_head(b, name), expand=False)


def from_lead_ins(b: Builder) -> None:
    """'And from Chairwoman Maxine Waters: "..."': a quote introduced by "from" and a name
    with no verb (the name must be one the article mentions, see attribution.holders)."""
    covered = b.covered()
    for qs, qe in b.quotes:
        if any(s0 < qe and e0 > qs for s0, e0 in covered):
            continue
        m = _FROM_LEAD_IN.search(b.text, max(0, qs - 120), qs)
        if m is None:
            continue
        name = trim_ws(b.text, m.start(1), m.end(1))
        colon = b.text.rindex(":", 0, qs)
        b.add(name, (colon, colon + 1), (qs, qe), "direct", ":", None, _name_head(b, name))
        covered.append((qs, qe))


def dash_credits(b: Builder) -> None:
    """'"..." ― Sonya Herridge': a quote credited after a dash, also on the next line as in
    a list of quotes ('"..."\n\n-- President Obama at the unveiling.'), where the quote must be
    its whole paragraph and the dash long ("--", "—", "―"), not a bullet."""
    covered = b.covered()
    for qs, qe in b.quotes:
        m = _DASH.match(b.text, qe)
        if m is None or any(s0 < qe and e0 > qs for s0, e0 in covered):
            continue
        next_line = "\n" in b.text[qe : m.start(1)]
        whole_paragraph = not b.text[b.text.rfind("\n", 0, qs) + 1 : qs].strip()
        if next_line and not (whole_paragraph and re.search(r"--|—|―", b.text[qe : m.start(1)])):
            continue  # a live blog's sign-off ("-- Brakkton Booker") under a paragraph that quotes
        name = trim_ws(b.text, m.start(1), m.end(1))
        dash = m.start() + len(b.text[m.start() : m.start(1)].rstrip()) - 1
        b.add(name, (dash, dash + 1), (qs, qe), "direct", "―", None, _name_head(b, name), clip=not next_line)


def _name_head(b: Builder, name: tuple[int, int]) -> Token | None:
    """The head token of a name found by pattern rather than by the parse."""
    span = b.doc.char_span(name[0], name[1], alignment_mode="expand")
    return span.root if span is not None else None


def orphan_quotes(b: Builder) -> None:
    """Quote paragraphs with no cue continue the previous speaker, unless they repeat words
    quoted elsewhere in the article (a pull quote)."""
    text = b.text
    covered = b.covered()
    for qs, qe in b.quotes:
        if any(cs < qe and ce > qs for cs, ce in covered):
            continue
        para_start = text.rfind("\n", 0, qs) + 1
        if text[para_start:qs].strip():
            continue  # quote inside running text: scare quotes or unmarked speech
        rest = text[qe : b.paragraph_end(qe)]
        if len(re.findall(r"\w+", rest)) > 3:
            continue
        if len(re.findall(r"\w+", text[qs:qe])) < 4:
            continue
        words = text[qs:qe].strip("\"“”'‘’ ,.")
        if text.find(words) < qs - 1 or text.find(words, qe) >= 0:
            continue  # a pull quote, repeating words the article quotes elsewhere
        prev = [a for a in b.out if a.content[1] <= qs and a.kind != "according-to"]
        if not prev:
            continue
        p = max(prev, key=lambda a: a.content[1])
        between = text[p.content[1] : qs]
        if between.count("\n") > 4 or len(re.findall(r"\w+", between)) > 40:
            continue
        b.out.append(Attribution(None, None, (qs, qe), "continuation", None, None, doc_text=text, continues=p))
        covered.append((qs, qe))
