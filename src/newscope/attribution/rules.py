"""The extraction rules run at each token: verb cues, noun cues, "according to", polls.

Each rule reads the parse around one token and hands its candidates to
:meth:`Builder.add <newscope.attribution.builder.Builder.add>`; the passes over quote
marks that run afterwards are in :mod:`newscope.attribution.quote_rules`.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from newscope.attribution.builder import Builder
from newscope.attribution.cues import ADDRESSEE_CUES, CLAUSE_ONLY_CUES, CUE_NOUNS, cue_act
from newscope.attribution.speakers import MEDIA_WORDS
from newscope.attribution.tree import (
    after_comma_or_quote,
    agent,
    branch,
    compact_np,
    cue_span,
    cut_aside,
    irrealis,
    is_passive,
    source_span,
    span_chars,
    stray_subject,
    subject,
    subtree_span,
    that_clause,
    unfulfilled,
)
from newscope.lexicon import words

#: Words that make a phrase after a cue its channel: media ("on state television") and
#: platforms ("on Twitter").
CHANNEL_WORDS = MEDIA_WORDS | words("platforms")
#: Nouns whose "that" clause reports no one's words ("the fact that ...").
NOT_CUE_NOUNS = words("not_cue_nouns")
_ADJUNCT_PREPS = frozenset("in at during after before from since until amid despite throughout".split())
_COMPLEMENTS = frozenset("dobj attr oprd dative ccomp xcomp pcomp acomp prep".split())
_CUE_ADJUNCTS = frozenset({"prep", "npadvmod", "advmod", "nsubj", "punct", "agent"})


# --------------------------------------------------------------------------- verb cues
def verb_cue(b: Builder, verb: Token, lemma: str) -> None:
    """"X said (that) ...", "X told AFP ...", '"...," X said', passive and phrasal cues; what
    was only possible, conditional, not said or only wanted ("could ask", "did not say",
    "plans to announce") is marked ``irrealis``."""
    found = len(b.out)
    _verb_cue(b, verb, lemma)
    hypothetical = irrealis(verb, speech=cue_act(lemma, "indirect") == "speech")
    wanted = unfulfilled(verb)  # a quote shows the words were said: "she tried to explain"
    for a in b.out[found:]:
        a.irrealis = hypothetical or wanted and a.kind == "indirect"


def _verb_cue(b: Builder, verb: Token, lemma: str) -> None:
    clause = _clause_content(verb, b.text)
    subj = subject(verb)
    # "Asked whether ..., Westling said": a participle's inherited subject was asked, not
    # asking; but "worried that ..." is its subject's worry
    participle = verb.tag_ == "VBN" and verb.dep_ == "advcl" and not any(
        c.dep_ in ("nsubj", "nsubjpass") for c in verb.children) and not (
        cue_act(lemma, "indirect") == "stance" and any(c.dep_ == "ccomp" for c in verb.children))
    passive = is_passive(verb) or participle
    if passive:
        by = agent(verb)
        patient = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        if clause is None and lemma not in ("ask", "tell", "quote") and patient is not None:
            # "Wasserman Schultz was booed", "The stakes are expected to trigger ...":
            # what is said about the passive subject is the content ("is known as",
            # "was seen leaving" without an agent are descriptions)
            if by is None and lemma in ("know", "see"):
                return
            xcomp = next((c for c in verb.rights if c.dep_ == "xcomp"), None)
            hi = xcomp.right_edge.i if xcomp is not None else patient.right_edge.i
            content = span_chars(verb.doc[patient.left_edge.i : hi + 1])
            source = compact_np(by) if by is not None else None
            b.add(source, cue_span(verb), content, "indirect", lemma, None, by)
            return
        if lemma in ("ask", "tell", "quote") and by is None:
            subj = None if lemma != "quote" else subj
        elif by is not None:
            subj = by
        elif clause is None:
            return
        else:
            subj = None
    if lemma in ("seem", "appear") and subj is not None and subj.i < verb.i and clause is None:
        # "Clinton seemed irritated": an evidential with no source; the whole clause is content
        comp = [c for c in verb.rights if c.dep_ in ("acomp", "xcomp", "attr", "oprd", "ccomp")]
        if comp:
            content = span_chars(verb.doc[subj.left_edge.i : comp[-1].right_edge.i + 1])
            b.add(None, cue_span(verb), content, "indirect", lemma, None, None)
        return
    source = None
    if subj is None and not passive and verb.tag_ not in ("VBG", "VBN"):
        stray = stray_subject(verb)
        if stray is None:
            return  # imperative ("Add a comment") or a fragment: no one is speaking
        source, subj = span_chars(stray), stray.root
    elif subj is not None:
        source, subj = source_span(subj, verb)
        gap = b.text[min(source[1], verb.idx) : max(source[0], verb.idx)]
        if "\n" in gap:
            return  # subject and verb in different paragraphs: a misparse of page furniture
    cue = cue_span(verb)
    chan = channel(verb, lemma)
    if chan is None and lemma == "tell" and clause is not None:
        # "told AFP troops entered ...": the parser folds the addressee into the clause
        first = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
        if first is not None and first.ent_type_ == "ORG" and first.ent_iob_ == "B" and clause.left_edge.i == first.i:
            end = first.i
            while end + 1 < len(verb.doc) and verb.doc[end + 1].ent_iob_ == "I":
                end += 1
            chan = span_chars(verb.doc[first.i : end + 1])
            content = span_chars(verb.doc[end + 1 : clause.right_edge.i + 1])
            b.add(source, cue, content, "indirect", lemma, chan, subj)
            return
    content: tuple[int, int] | None = None
    if clause is not None and clause.i > verb.i:
        content = subtree_span(clause, cut_asides=True)
    if content is None:
        content = _adjacent_quote(b, verb, subj, chan)
    if content is None and clause is not None:
        # "The middle fifth paid 8.9 percent, the agency said in a report, and ...": a cue
        # set off by commas inside its content
        content = span_chars(verb.sent) if subj is not None and _set_off(verb, subj) else subtree_span(clause)
    if content is None and subj is not None and source is not None:
        # "African-Americans, he said, can ...": a parenthetical cue inside its content
        sent = verb.sent
        before = b.text[max(sent.start_char, source[0] - 3) : source[0]]
        after_i = max(verb.i, subj.right_edge.i) + 1
        if "," in before and after_i < sent.end and verb.doc[after_i].text == ",":
            content = span_chars(sent)
    if content is None and subj is not None:
        # "..., the Observatory said." with the clause parsed elsewhere in the sentence
        sent = verb.sent
        if verb.i == sent.end - 1 or all(t.is_punct or t.dep_ in ("prep", "pobj", "npadvmod", "advmod") or t.head.dep_ in ("prep", "pobj") for t in sent[verb.i - sent.start + 1 :]):
            left = subj.left_edge.i
            if left > sent.start + 2 and after_comma_or_quote(verb.doc, left):
                content = span_chars(sent[: left - sent.start])
    if content is None and not passive and lemma not in CLAUSE_ONLY_CUES:
        content = _object_content(verb, chan)
    if content is None and lemma in ADDRESSEE_CUES:
        objs = [c for c in verb.rights if c.dep_ in ("xcomp", "ccomp")]
        if objs:
            content = subtree_span(objs[0])
    if content is None:
        return
    if source is not None and content[0] <= source[0] < content[1] and not content[0] <= cue[0] < content[1]:
        source = None  # the "subject" is inside what was said, the cue outside: a misparse
    b.add(source, cue, content, "indirect", lemma, chan, subj)


def _clause_content(verb: Token, text: str) -> Token | None:
    """The complement clause of a cue verb ("said (that) ...", "asked whether ...")."""
    comps = [c for c in verb.children if c.dep_ == "ccomp"]
    right = [c for c in comps if c.i > verb.i]
    if right:
        return right[0]
    for c in comps:  # a clause before the verb, unless the parser ran over a paragraph break
        if "\n" not in text[c.right_edge.idx : verb.idx]:
            return c
    for c in verb.children:
        if c.dep_ == "advcl" and c.i > verb.i and any(m.lower_ in ("if", "whether", "how") for m in c.children):
            return c
    return None


def _object_content(verb: Token, chan: tuple[int, int] | None) -> tuple[int, int] | None:
    """From the verb's first complement to its last ("criticized him for ...", "called for
    Clinton to be prosecuted", "urged X to ..."), skipping leading adjuncts and the channel."""

    def is_complement(c: Token) -> bool:
        if c.dep_ == "advcl":
            return any(m.lower_ in ("for", "to") and m.dep_ in ("mark", "aux") for m in c.children)
        return c.dep_ in _COMPLEMENTS

    def is_adjunct(c: Token) -> bool:
        if chan is not None and (chan[0] <= c.idx < chan[1] + 1 or any(chan[0] <= p.idx < chan[1] for p in c.children)):
            return True  # the channel, or the preposition before it ("on Twitter")
        return c.dep_ == "prep" and (
            c.lower_ in _ADJUNCT_PREPS or any(p.ent_type_ in ("DATE", "TIME") for p in c.children)
        )

    keep = [c for c in verb.rights if is_complement(c)]
    while keep and is_adjunct(keep[0]):
        keep.pop(0)
    while len(keep) > 1 and is_adjunct(keep[-1]):
        keep.pop()
    if not keep:
        return None
    first, last = keep[0], keep[-1]
    lo = first.left_edge.i if first.dep_ != "prep" else first.i + 1
    if lo > last.right_edge.i:
        return None
    return span_chars(verb.doc[lo : cut_aside(verb.doc, lo, last.right_edge.i) + 1])


def channel(verb: Token, lemma: str) -> tuple[int, int] | None:
    """Who the statement was made to or where it appeared."""
    for c in verb.children:
        if lemma == "tell" and c.dep_ in ("dative", "dobj") and c.i > verb.i:
            return compact_np(c)
        if c.dep_ == "prep" and c.lower_ in ("to", "on", "in") and c.i > verb.i:
            for p in c.children:
                if p.dep_ != "pobj":
                    continue
                if p.lemma_.lower() == "interview":
                    for q in p.children:
                        if q.dep_ == "prep" and q.lower_ in ("with", "on"):
                            for r in q.children:
                                if r.dep_ == "pobj":
                                    return compact_np(r)
                    continue
                phrase = {t.lower_ for t in p.subtree}
                if c.lower_ == "to" and lemma in ("say", "speak", "write", "talk", "explain") or phrase & CHANNEL_WORDS:
                    return compact_np(p)
    return None


def _set_off(verb: Token, subj: Token) -> bool:
    """Is the cue set off by commas inside its content ("Lenox was a juggernaut, Mr.
    Clarke said, until it went bankrupt")? Then the whole sentence is the content."""
    doc, sent = verb.doc, verb.sent
    lo = subj.left_edge.i
    if lo < sent.start + 2 or doc[lo - 1].text != ",":
        return False
    for j in range(verb.i + 1, min(verb.i + 8, sent.end)):
        if doc[j].text == ",":
            rest = [t for t in doc[j + 1 : sent.end] if not t.is_punct]
            if len(rest) < 2:
                return False
            # what follows continues the content ("..., and those ... paid"), not the cue
            # (", citing new data", ", adding that ...", ", according to ...", ", as ...")
            child = branch(verb, rest[0])
            if child is not None and child.dep_ == "cc":
                child = next((c for c in verb.rights if c.dep_ == "conj" and c.i > rest[0].i), None)
                return child is not None and any(c.dep_ in ("nsubj", "nsubjpass") for c in child.children)
            return child is None
        child = branch(verb, doc[j])
        if child is None or child.dep_ not in _CUE_ADJUNCTS:
            return False
    return False


def _adjacent_quote(
    b: Builder, verb: Token, subj: Token | None, chan: tuple[int, int] | None
) -> tuple[int, int] | None:
    """A quote right before or right after the speaker-and-cue cluster ('"...," X said')."""
    doc = verb.doc
    lo = min(verb.i, subj.left_edge.i) if subj is not None else verb.i
    hi = max(verb.i, subj.right_edge.i) if subj is not None else verb.i
    start = doc[lo].idx
    end = doc[hi].idx + len(doc[hi].text)
    if chan is not None and chan[0] >= end and chan[0] - end < 8:
        end = chan[1]
    for qs, qe in b.quotes:
        if qe <= start and start - qe <= 4 and not re.search(r"[\w\n]", b.text[qe:start]):
            return qs, qe
        if qs >= end and qs - end <= 4 and re.search(r"[:,]", b.text[end:qs]) and not re.search(r"\w", b.text[end:qs]):
            return qs, qe
    return None


# --------------------------------------------------------------------------- other cues
def poll(b: Builder, prep: Token) -> None:
    """"In a Fox poll, Cruz had 38 percent": the poll is the source of its clause."""
    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if pobj is None or pobj.lemma_.lower() not in ("poll", "survey"):
        return
    source = span_chars(prep.doc[prep.i + 1 : pobj.right_edge.i + 1])
    content = subtree_span(prep.head, exclude=prep)
    b.add(source, (prep.idx, prep.idx + len(prep.text)), content, "according-to", "in", None, pobj)


def noun_cue(b: Builder, noun: Token, lemma: str) -> None:
    """"Mr. Trump's claims that ...", "her criticism of the plan", "growing fears that ...":
    holder, noun, complement (any noun with a "that" clause but those of not_cue_nouns.txt:
    "the fact that")."""
    if lemma in NOT_CUE_NOUNS:
        return
    clause = that_clause(noun)
    if lemma not in CUE_NOUNS and clause is None:
        return
    holder = next((c for c in noun.children if c.dep_ == "poss"), None)
    if holder is None:
        by = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "by"), None)
        holder = next((g for g in by.children if g.dep_ == "pobj"), None) if by is not None else None
    if holder is None and clause is None or holder is not None and holder.lower_ in ("its", "their") and holder.head != noun:
        return
    content = None
    cue_end = noun.idx + len(noun.text)
    for c in noun.rights:
        if c == clause:
            content = subtree_span(c)
            break
        if c.dep_ == "prep" and c.lower_ in ("of", "for", "on", "about", "against", "to") and lemma not in ("question",):
            pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if pobj is not None:
                content = span_chars(noun.doc[c.i + 1 : c.right_edge.i + 1])
                cue_end = c.idx + len(c.text)
                break
    if content is None:
        return
    if holder is None:
        source = None
    elif holder.tag_ == "PRP$":
        source = (holder.idx, holder.idx + len(holder.text))
    else:
        source = span_chars(noun.doc[holder.left_edge.i : holder.i + 1])
    b.add(source, (noun.idx, cue_end), content, "indirect", lemma, None, holder)


def according_to(b: Builder, tok: Token) -> None:
    """"..., according to X": X is the source of the rest of the sentence."""
    doc = b.doc
    to = doc[tok.i + 1]
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    if pobj is None:
        if to.i + 1 < len(doc):
            pobj = doc[to.i + 1]
        else:
            return
    src_lo = to.i + 1
    src_hi = max(pobj.right_edge.i, src_lo)
    source = span_chars(doc[src_lo : src_hi + 1])
    cue = (tok.idx, to.idx + len(to.text))
    sent = tok.sent
    # content: the rest of the sentence
    if tok.i - sent.start > 2:
        content = span_chars(doc[sent.start : tok.i])
        after = doc[src_hi + 1 : sent.end]
        if len([t for t in after if not t.is_punct and not t.is_space]) > 3:
            content = (content[0], span_chars(after)[1])
    else:
        content = span_chars(doc[src_hi + 1 : sent.end])
    b.add(source, cue, content, "according-to", "according to", None, pobj)
