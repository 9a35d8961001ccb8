"""Quotes and reported speech -> (source, cue, content, speaker), by rules over the parse.

The extractor works on a parsed spaCy ``Doc`` and returns character offsets into
``doc.text`` exactly (no cleaning). Patterns covered: reported speech with a cue verb
("X said (that) ...", "X told AFP ...", passive and phrasal cues), direct quotes with the
speaker before, inside or after the quote, mixed quotes, "according to X", quotes running
over several sentences or paragraphs, and speakerless quote paragraphs that continue the
previous speaker. Speakers are resolved from pronouns and definite descriptions to earlier
named mentions.

>>> from newscope.model import load_model
>>> doc = load_model()("“We will win,” the senator said.")
>>> [a["cue_lemma"] for a in extract_attributions(doc)]
['say']
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from tqdm.auto import tqdm

from newscope.config import ConfigError
from newscope.tables import read_jsonl

log = logging.getLogger(__name__)

# Reporting, cognition and stance verbs (lemmas) that introduce an attribution in news.
# Curated from the cue lemmas of the PolNeAR training split: the lemmas whose candidate
# attributions were right at least 30% of the time (a word list, not trained weights).
CUE_VERBS: frozenset[str] = frozenset(
    """
    accuse acknowledge acquiesce add admire admit advocate affirm agree allege allude
    announce answer apologize appear applaud argue articulate ask assail assert assure
    attack attribute back beg believe bemoan blame blast boast boo brag brush calculate
    call care caution chant characterize chide cite claim clarify coin comment complain
    concede conclude condemn confirm congratulate contemplate contend contradict
    convince counter credit criticize cry decide declare decline decry deem defend
    demand denounce deny deride describe detail disagree disavow disclose discuss
    dismiss dispute distance document doubt downplay dub echo elaborate emphasize
    endorse envision estimate expect explain explore express fear find float foresee
    forget frame hail heap highlight hint hop hope illustrate imagine imply indicate
    inform insist insult interject invoke joke judge justify knock label lambast lament
    learn like liken list love mention mock muse name note offer oppose opt order
    outline perceive plead pledge point portray position post praise predict prefer
    press proclaim promise pronounce propose question quip quote rail reaffirm realize
    rebut recall recite recognize recommend recount refer reference refuse regard regret
    reiterate reject relish remark remember remind renounce repeat reply report
    repudiate resist respond retweete retweet reveal rip rule savage say seek seem shout
    show shrug side signal slam speculate state stress suggest suspect talk tell testify
    thank think threaten tout tweet underscore urge voice vouch vow warn wish witness
    wonder worry write yell observe exclaim retort scoff know see want support consider
    plan view welcome request email notice guess intend persuade chime trumpet champion
    cheer approve determine mull paint pitch demur continue share feel read understand
    favor encourage accept issue
    """.split()
)
# Nouns that report speech or stance when they have a holder ("Trump's claim that ...",
# "her criticism of ..."). Any noun completed by a "that" clause is one too, holder or not
# ("growing fears that ..."), except "the fact that".
CUE_NOUNS: frozenset[str] = frozenset(
    """
    claim criticism assertion allegation suggestion argument remark warning
    promise accusation denial insistence contention admission complaint endorsement
    prediction comment announcement critique assessment declaration reply
    """.split()
)
# Cue verbs only when they frame a clause or a quote ("the statement read: “...”", "she
# continued, “...”", "found that ..."), not with an object ("read the bill", "added 200 jobs").
SPEECH_ONLY_CUES: frozenset[str] = frozenset("add continue convince determine distance find issue knock read".split())
# Verbs whose object is the addressee (channel), not the content.
ADDRESSEE_CUES: frozenset[str] = frozenset("tell ask inform advise assure remind warn urge".split())

OPEN_QUOTES = "“«„"
CLOSE_QUOTES = "”»"
PRONOUNS_PERSON = frozenset("he she him her i me".split())
PRONOUNS_GROUP = frozenset("it they them we us".split())
RELATIVE = frozenset("who which that whom".split())
ANON_NOUNS = frozenset(
    """
    source sources official officials soldier soldiers witness witnesses resident residents
    activist activists diplomat diplomats aide aides insider insiders person people someone
    observer observers member members staffer staffers employee employees expert experts
    analyst analysts adviser advisers advisor advisors spokesman spokeswoman spokesperson
    officer officers fighter fighters rebel rebels commander commanders doctor doctors
    """.split()
)
MEDIA_WORDS = frozenset(
    """
    television tv radio newspaper paper agency afp reuters ap press news times post journal
    cnn bbc nbc abc cbs msnbc fox network channel magazine broadcaster daily tribune herald
    gazette politico breitbart axios bloomberg telegraph guardian wire media outlet website
    """.split()
)
OFFICIAL_WORDS = frozenset(
    """
    government ministry minister army military police regime department administration
    authorities authority pentagon kremlin spokesman spokeswoman spokesperson ministry
    council parliament congress senate court embassy agency commission prosecutor
    """.split()
)
ROLE_NOUNS = frozenset(
    """
    leader president minister candidate nominee senator governor chief director secretary
    spokesman spokeswoman man woman official lawmaker mayor chairman chairwoman founder
    businessman billionaire king prince premier general commander head
    """.split()
)
PERSON_LABELS = frozenset({"PERSON"})
GROUP_LABELS = frozenset({"ORG", "NORP", "GPE"})


# --------------------------------------------------------------------------- quotes
def find_quotes(text: str) -> list[tuple[int, int]]:
    """Quote spans ``(start, end)`` including the marks; never raises.

    Curly quotes pair open/close; straight ``"`` and ``''`` toggle within a paragraph. A
    quote left open at the end of a paragraph runs to that paragraph's end (the convention
    for quotes continued over several paragraphs). A closing mark typed as an opener (at
    the start of a word after space: ``”Fear. I am ...”``) opens; a nested curly quote
    counts only when enough closing marks follow it; other stray marks are ignored.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        opened: int | None = None
        depth = 0  # nested curly quotes inside the open one
        i, n = 0, len(para)
        while i < n:
            ch = para[i]
            two = para[i : i + 2]
            width = 2 if two in ("''", "``") else 1
            if width == 2 or ch == '"':
                if opened is not None:
                    spans.append((pos + opened, pos + i + width))
                    opened = None
                elif two != "''" or _starts_word(para, i + 2):  # '' before a space is an apostrophe pair
                    opened = i
            elif ch in OPEN_QUOTES:
                if opened is None:
                    opened = i
                elif sum(para.count(c, i) for c in CLOSE_QUOTES) > depth + 1:
                    depth += 1
            elif ch in CLOSE_QUOTES:
                if opened is not None and depth:
                    depth -= 1
                elif opened is not None:
                    spans.append((pos + opened, pos + i + 1))
                    opened = None
                elif (i == 0 or para[i - 1].isspace()) and i + 1 < n and para[i + 1].isalnum():
                    opened = i
            i += width
        if opened is not None and n - opened > 1:
            spans.append((pos + opened, pos + len(para.rstrip())))
        pos += n + 1
    return spans


def _starts_word(s: str, i: int) -> bool:
    return i < len(s) and not s[i].isspace()


# --------------------------------------------------------------------------- helpers
def _span_chars(tokens: Span) -> tuple[int, int]:
    """Char span of ``tokens`` without surrounding white space and non-quote punctuation."""
    toks = [t for t in tokens if not t.is_space]
    while toks and toks[-1].is_punct and toks[-1].text not in "”\"'’" and not (
        toks[-1].text == ")" and any(t.text == "(" for t in toks)  # "Rep. Elijah Cummings (D-Md.)"
    ):
        toks.pop()
    while toks and toks[0].is_punct and toks[0].text not in "“\"'‘":
        toks.pop(0)
    if not toks:
        return tokens.start_char, tokens.start_char
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


_ASIDES = frozenset({"relcl", "acl", "advcl"})


def _cut_aside(doc: Doc, lo: int, hi: int) -> int:
    """Last token of ``doc[lo:hi+1]`` before a trailing aside the writer added after a
    comma (", which ...", ", who ...", ", contradicting ..."); quoted text is kept whole."""
    if any(t.is_quote for t in doc[lo : hi + 1]):
        return hi
    for k in range(lo + 1, hi):
        if doc[k].text != ",":
            continue
        for d in doc[k + 1 : hi + 1]:
            if (d.dep_ in _ASIDES and d.left_edge.i == k + 1 and d.right_edge.i >= hi - 1 and lo <= d.head.i < k
                    and not any(c.dep_ == d.dep_ and c.i < d.i for c in d.head.children)):  # "who ..., who ..."
                return k - 1
    return hi


def _subtree_span(tok: Token, exclude: Token | None = None, cut_aside: bool = False) -> tuple[int, int]:
    """Char span of ``tok``'s subtree; if ``exclude`` is inside, keep ``tok``'s side of it;
    ``cut_aside``: without a trailing writer's aside (speech after its cue, see
    :func:`_cut_aside`)."""
    doc = tok.doc
    lo, hi = tok.left_edge.i, tok.right_edge.i
    if exclude is not None and lo <= exclude.i <= hi:
        elo, ehi = exclude.left_edge.i, exclude.right_edge.i
        if tok.i < elo:
            hi = elo - 1
        elif tok.i > ehi:
            lo = ehi + 1
    return _span_chars(doc[lo : (_cut_aside(doc, lo, hi) if cut_aside else hi) + 1])


def _compact_np(tok: Token) -> tuple[int, int]:
    """The noun phrase of ``tok`` without trailing prepositional phrases / clauses."""
    lo = tok.left_edge.i
    hi = tok.i
    for c in tok.rights:
        if c.dep_ in ("compound", "flat", "appos", "nummod", "amod") or (c.dep_ == "prep" and c.text.lower() == "of"):
            hi = max(hi, c.right_edge.i)
    return _span_chars(tok.doc[lo : hi + 1])


def _subject(verb: Token) -> Token | None:
    """Subject of ``verb``, inherited from the governing verb for xcomp/conj/advcl, through
    a preposition ("they ended by announcing ...") and past an occasion or document a
    participle hangs on ("the governor held a news conference announcing ...")."""
    tok = verb
    for _ in range(4):
        # of two subjects the nearest: in '"My reaction was ...," the strategist said' the
        # parser may hang the quote's subject on "said" as well
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return min(subjects, key=lambda c: abs(c.i - tok.i))
        if tok.dep_ in ("xcomp", "conj", "advcl", "pcomp", "acl", "prep") and tok.head != tok:
            if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN", "PRON"):
                noun = tok.head
                author = _document_author(noun)
                if author is not None:
                    return author
                governor = next((a for a in noun.ancestors if a.pos_ in ("VERB", "AUX")), None)
                lemma = noun.lemma_.lower()
                if governor is None or not (lemma in _OCCASIONS or lemma in _DOCUMENTS and governor.lemma_ in _ISSUE):
                    return noun
                # "held a news conference announcing ...", "issued a statement saying ...":
                # the speaker is the subject of the clause the occasion or document is in
                tok = governor
                continue
            tok = tok.head
            continue
        if tok.dep_ == "relcl":
            return tok.head
        break
    return None


# Occasions and documents a participle may hang on ("held a news conference announcing
# ...", "issued a statement saying ..."): the speaker is the subject of the clause they are
# in (for documents only when it issued them, not when it "obtained a memo saying ...").
_OCCASIONS = frozenset(
    "conference briefing hearing meeting session interview appearance event rally speech remarks".split()
)
_DOCUMENTS = frozenset("statement letter memo email message tweet video ad advertisement release filing paper".split())
_ISSUE = frozenset("issue release file send post tweet write sign deliver air run put publish".split())


def _document_author(noun: Token) -> Token | None:
    """X in "a letter from X saying ..."."""
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "from":
            return next((g for g in prep.children if g.dep_ == "pobj"), None)
    return None


def _stray_subject(verb: Token) -> Span | None:
    """The name right before a finite verb the parser left without a subject ("In a
    meeting with the editorial board of the Post Trump said that ..."): its entity, or
    the pronoun or proper noun itself."""
    if verb.tag_ not in ("VBD", "VBZ", "VBP") or verb.i == 0:
        return None
    doc = verb.doc
    prev = doc[verb.i - 1]
    if prev.pos_ not in ("PROPN", "PRON") or prev.sent != verb.sent:
        return None
    if prev.ent_iob_ == "O":
        return doc[prev.i : verb.i]
    return next((e for e in doc.ents if e.start <= prev.i < e.end == verb.i), None)


def _agent(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    return None


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


# --------------------------------------------------------------------------- extraction
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


_ADJUNCT_PREPS = frozenset("in at during after before from since until amid despite throughout".split())
_COMPLEMENTS = frozenset("dobj attr oprd dative ccomp xcomp pcomp acomp prep".split())


def _object_content(verb: Token, channel: tuple[int, int] | None) -> tuple[int, int] | None:
    """From the verb's first complement to its last ("criticized him for ...", "called for
    Clinton to be prosecuted", "urged X to ..."), skipping leading adjuncts and the channel."""

    def is_complement(c: Token) -> bool:
        if c.dep_ == "advcl":
            return any(m.lower_ in ("for", "to") and m.dep_ in ("mark", "aux") for m in c.children)
        return c.dep_ in _COMPLEMENTS

    def is_adjunct(c: Token) -> bool:
        if channel is not None and channel[0] <= c.idx < channel[1] + 1:
            return True
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
    return _span_chars(verb.doc[lo : _cut_aside(verb.doc, lo, last.right_edge.i) + 1])


def _channel(verb: Token, lemma: str) -> tuple[int, int] | None:
    """Who the statement was made to or where it appeared."""
    for c in verb.children:
        if lemma == "tell" and c.dep_ in ("dative", "dobj") and c.i > verb.i:
            return _compact_np(c)
        if c.dep_ == "prep" and c.lower_ in ("to", "on", "in") and c.i > verb.i:
            for p in c.children:
                if p.dep_ != "pobj":
                    continue
                if p.lemma_.lower() == "interview":
                    for q in p.children:
                        if q.dep_ == "prep" and q.lower_ in ("with", "on"):
                            for r in q.children:
                                if r.dep_ == "pobj":
                                    return _compact_np(r)
                    continue
                words = {t.lower_ for t in p.subtree}
                if c.lower_ == "to" and lemma in ("say", "speak", "write", "talk", "explain") or words & MEDIA_WORDS:
                    return _compact_np(p)
    return None


def _cue_span(verb: Token) -> tuple[int, int]:
    lo = hi = verb.i
    for c in verb.children:
        if c.dep_ == "prt" and c.i == hi + 1:
            hi = c.i
        if c.dep_ in ("aux", "auxpass", "neg") and c.i < lo and verb.i - c.i <= 3:
            lo = c.i
    doc = verb.doc
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


class _Builder:
    """Collects attribution dicts for one doc."""

    def __init__(self, doc: Doc, mentions: Sequence[dict] | None) -> None:
        self.doc = doc
        self.text = doc.text
        self.quotes = find_quotes(self.text)
        self._inside = np.zeros(len(self.text) + 1, dtype=bool)
        for qs, qe in self.quotes:
            self._inside[qs + 1 : qe] = True
        self.out: list[dict] = []
        self.mentions = _prepare_mentions(doc, self.text, mentions)

    # -- emit
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
    ) -> None:
        """Record one attribution; ``expand``: widen the content to the quotes it touches."""
        if content[1] - content[0] < 2:
            return
        if source is not None and source[1] <= source[0]:
            source = None
        if channel is not None and channel[1] <= channel[0]:
            channel = None
        if cue is not None:
            # the parser sometimes runs a sentence over a paragraph break: clip to the cue's
            # paragraph (quotes spanning paragraphs are restored by the quote expansion)
            p_start = self.text.rfind("\n", 0, cue[0]) + 1
            lo, hi = max(content[0], p_start), min(content[1], self._paragraph_end(cue[1]))
            if hi - lo < 2:
                return
            content = _trim_ws(self.text, *_lstrip_ws(self.text, lo, hi))
        if expand:
            content = self._expand_quotes(content, cue, source)
        if cue is not None and content[0] > cue[1] and self.text[cue[1] : content[0]].strip() == ":":
            # "The governor added: It's typical ... ." runs to the end of the paragraph
            content = (content[0], max(content[1], _trim_ws(self.text, content[0], self._paragraph_end(content[0]))[1]))
        if kind not in ("according-to", "continuation"):
            kind = self._kind(content, source, cue, channel)
        t = self.text
        self.out.append(
            {
                "source_start": source[0] if source else None,
                "source_end": source[1] if source else None,
                "source_text": t[source[0] : source[1]] if source else None,
                "cue_start": cue[0] if cue else None,
                "cue_end": cue[1] if cue else None,
                "cue_text": t[cue[0] : cue[1]] if cue else None,
                "content_start": content[0],
                "content_end": content[1],
                "content_text": t[content[0] : content[1]],
                "kind": kind,
                "cue_lemma": cue_lemma,
                "channel": t[channel[0] : channel[1]] if channel else None,
                "_source_tok": source_tok,
            }
        )

    def _has_cue(self, start: int, end: int) -> bool:
        """Is there another cue verb between ``start`` and ``end`` ("..., adding, ...")?"""
        span = self.doc.char_span(start, end, alignment_mode="contract")
        return span is not None and any(t.pos_ == "VERB" and t.lemma_.lower() in CUE_VERBS for t in span)

    def _paragraph_end(self, i: int) -> int:
        """Offset of the first line break at or after ``i`` (or the text's end)."""
        end = self.text.find("\n", i)
        return len(self.text) if end < 0 else end

    def _sentence_end(self, i: int) -> int:
        """End offset of the sentence holding character ``i``, at most its paragraph's end."""
        para_end = self._paragraph_end(i)
        tok = self.doc.char_span(i, i + 1, alignment_mode="expand")
        return min(tok.sent.end_char, para_end) if tok is not None else para_end

    def _kind(self, content: tuple[int, int], *skip: tuple[int, int] | None) -> str:
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
            para_end = self._paragraph_end(after)
            for qs, qe in self.quotes:
                if after <= qs < para_end and qe <= para_end:
                    gap = self.text[after:qs]
                    # the next quote continues the speech if it opens a sentence or
                    # follows the cue directly: "A," he said. "B."
                    if (
                        re.search(r"([.,:;!?]|[.!?][”\"'])\s*$", gap)
                        and len(re.findall(r"\w+", self.text[qs:qe])) > 1
                        and not self._has_cue(after, qs)
                        and not self._has_cue(qe, self._sentence_end(qe - 1))  # its own cue: "B," she said
                    ):
                        e = max(e, qe)
                        after = qe
        return s, e


def extract_attributions(doc: Doc, mentions: Sequence[dict] | None = None) -> list[dict]:
    """All attributions in ``doc`` as dicts with exact char offsets into ``doc.text``.

    ``mentions`` are the entity layer's rows for this doc (``start, end, text, label,
    key``); speakers resolve to them when given, else to ``doc.ents``.
    """
    b = _Builder(doc, mentions)
    for tok in doc:
        lemma = tok.lemma_.lower()
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            _according(b, tok)
            continue
        if b._inside[tok.idx]:
            continue
        if tok.lower_ == "in" and tok.dep_ == "prep" and tok.head.pos_ in ("VERB", "AUX"):
            _poll(b, tok)
        elif tok.pos_ == "VERB" and lemma in CUE_VERBS:
            _verb_cue(b, tok, lemma)
        elif tok.pos_ == "NOUN":
            _noun_cue(b, tok, lemma)
    _colon_quotes(b)
    _framed_quotes(b)
    _speaker_labels(b)
    _dash_credits(b)
    _orphan_quotes(b)
    _dedupe(b)
    b.out.sort(key=lambda a: (a["content_start"], a["content_end"]))
    _resolve_speakers(b)
    return b.out


def _verb_cue(b: _Builder, verb: Token, lemma: str) -> None:
    clause = _clause_content(verb, b.text)
    subj = _subject(verb)
    passive = _is_passive(verb)
    if passive:
        agent = _agent(verb)
        patient = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        if clause is None and lemma not in ("ask", "tell", "quote") and patient is not None:
            # "Wasserman Schultz was booed", "The stakes are expected to trigger ...":
            # what is said about the passive subject is the content ("is known as",
            # "was seen leaving" without an agent are descriptions)
            if agent is None and lemma in ("know", "see"):
                return
            xcomp = next((c for c in verb.rights if c.dep_ == "xcomp"), None)
            hi = xcomp.right_edge.i if xcomp is not None else patient.right_edge.i
            content = _span_chars(verb.doc[patient.left_edge.i : hi + 1])
            source = _compact_np(agent) if agent is not None else None
            b.add(source, _cue_span(verb), content, "indirect", lemma, None, agent)
            return
        if lemma in ("ask", "tell", "quote") and agent is None:
            subj = None if lemma != "quote" else subj
        elif agent is not None:
            subj = agent
        elif clause is None:
            return
        else:
            subj = None
    if lemma in ("seem", "appear") and subj is not None and subj.i < verb.i and clause is None:
        # "Clinton seemed irritated": an evidential with no source; the whole clause is content
        comp = [c for c in verb.rights if c.dep_ in ("acomp", "xcomp", "attr", "oprd", "ccomp")]
        if comp:
            content = _span_chars(verb.doc[subj.left_edge.i : comp[-1].right_edge.i + 1])
            b.add(None, _cue_span(verb), content, "indirect", lemma, None, None)
        return
    source = None
    if subj is None and not passive and verb.tag_ not in ("VBG", "VBN"):
        stray = _stray_subject(verb)
        if stray is None:
            return  # imperative ("Add a comment") or a fragment: no one is speaking
        source, subj = _span_chars(stray), stray.root
    elif subj is not None:
        source, subj = _source_span(b, subj, verb)
        gap = b.text[min(source[1], verb.idx) : max(source[0], verb.idx)]
        if "\n" in gap:
            return  # subject and verb in different paragraphs: a misparse of page furniture
    cue = _cue_span(verb)
    channel = _channel(verb, lemma)
    if channel is None and lemma == "tell" and clause is not None:
        # "told AFP troops entered ...": the parser folds the addressee into the clause
        first = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
        if first is not None and first.ent_type_ == "ORG" and first.ent_iob_ == "B" and clause.left_edge.i == first.i:
            end = first.i
            while end + 1 < len(verb.doc) and verb.doc[end + 1].ent_iob_ == "I":
                end += 1
            channel = _span_chars(verb.doc[first.i : end + 1])
            content = _span_chars(verb.doc[end + 1 : clause.right_edge.i + 1])
            b.add(source, cue, content, "indirect", lemma, channel, subj)
            return
    content: tuple[int, int] | None = None
    if clause is not None and clause.i > verb.i:
        content = _subtree_span(clause, cut_aside=True)
    if content is None:
        content = _adjacent_quote(b, verb, subj, channel)
    if content is None and clause is not None:
        # "The middle fifth paid 8.9 percent, the agency said in a report, and ...": a cue
        # set off by commas inside its content
        content = _span_chars(verb.sent) if subj is not None and _set_off(verb, subj) else _subtree_span(clause)
    if content is None and subj is not None and source is not None:
        # "African-Americans, he said, can ...": a parenthetical cue inside its content
        sent = verb.sent
        before = b.text[max(sent.start_char, source[0] - 3) : source[0]]
        after_i = max(verb.i, subj.right_edge.i) + 1
        if "," in before and after_i < sent.end and verb.doc[after_i].text == ",":
            content = _span_chars(sent)
    if content is None and subj is not None:
        # "..., the Observatory said." with the clause parsed elsewhere in the sentence
        sent = verb.sent
        if verb.i == sent.end - 1 or all(t.is_punct or t.dep_ in ("prep", "pobj", "npadvmod", "advmod") or t.head.dep_ in ("prep", "pobj") for t in sent[verb.i - sent.start + 1 :]):
            left = subj.left_edge.i
            if left > sent.start + 2 and doc_text_before_comma(verb.doc, left):
                content = _span_chars(sent[: left - sent.start])
    if content is None and not passive and lemma not in SPEECH_ONLY_CUES:
        content = _object_content(verb, channel)
    if content is None and lemma in ADDRESSEE_CUES:
        objs = [c for c in verb.rights if c.dep_ in ("xcomp", "ccomp")]
        if objs:
            content = _subtree_span(objs[0])
    if content is None:
        return
    if source is not None and content[0] <= source[0] < content[1] and not content[0] <= cue[0] < content[1]:
        source = None  # the "subject" is inside what was said, the cue outside: a misparse
    b.add(source, cue, content, "indirect", lemma, channel, subj)


_CUE_ADJUNCTS = frozenset({"prep", "npadvmod", "advmod", "nsubj", "punct", "agent"})


def _branch(verb: Token, tok: Token) -> Token | None:
    """The child of ``verb`` whose subtree holds ``tok`` (None outside the verb's subtree)."""
    return next((a for a in [tok, *tok.ancestors] if a.head == verb and a != verb), None)


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
            child = _branch(verb, rest[0])
            if child is not None and child.dep_ == "cc":
                child = next((c for c in verb.rights if c.dep_ == "conj" and c.i > rest[0].i), None)
                return child is not None and any(c.dep_ in ("nsubj", "nsubjpass") for c in child.children)
            return child is None
        child = _branch(verb, doc[j])
        if child is None or child.dep_ not in _CUE_ADJUNCTS:
            return False
    return False


def _source_span(b: _Builder, subj: Token, verb: Token) -> tuple[tuple[int, int], Token]:
    """Source span (all coordinated/split subjects) and the token naming the speaker."""
    if subj.dep_ not in ("nsubj", "nsubjpass", "pobj"):
        return _compact_np(subj), subj
    doc = verb.doc
    sibs = [
        c for c in subj.head.children
        if c.dep_ == subj.dep_ and c.i < verb.i  # not a subject inside the quote before it
        and not any(t.is_quote for t in doc[min(c.right_edge.i, subj.left_edge.i) : max(c.left_edge.i, subj.right_edge.i)])
    ] if subj.i < verb.i else [subj]
    sibs = sibs or [subj]
    lo = min(c.left_edge.i for c in sibs)
    hi = max(c.right_edge.i for c in sibs)
    if hi >= verb.i > lo:
        hi = verb.i - 1
    span = _span_chars(doc[lo : hi + 1]) if hi >= lo else _subtree_span(subj, exclude=verb)
    named = [c for c in sibs if c.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")]
    return span, (named[-1] if named else sibs[-1])


def _adjacent_quote(
    b: _Builder, verb: Token, subj: Token | None, channel: tuple[int, int] | None
) -> tuple[int, int] | None:
    """A quote right before or right after the speaker-and-cue cluster ('"...," X said')."""
    doc = verb.doc
    lo = min(verb.i, subj.left_edge.i) if subj is not None else verb.i
    hi = max(verb.i, subj.right_edge.i) if subj is not None else verb.i
    start = doc[lo].idx
    end = doc[hi].idx + len(doc[hi].text)
    if channel is not None and channel[0] >= end and channel[0] - end < 8:
        end = channel[1]
    for qs, qe in b.quotes:
        if qe <= start and start - qe <= 4 and not re.search(r"[\w\n]", b.text[qe:start]):
            return qs, qe
        if qs >= end and qs - end <= 4 and re.search(r"[:,]", b.text[end:qs]) and not re.search(r"\w", b.text[end:qs]):
            return qs, qe
    return None


def _poll(b: _Builder, prep: Token) -> None:
    """"In a Fox poll, Cruz had 38 percent": the poll is the source of its clause."""
    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if pobj is None or pobj.lemma_.lower() not in ("poll", "survey"):
        return
    source = _span_chars(prep.doc[prep.i + 1 : pobj.right_edge.i + 1])
    content = _subtree_span(prep.head, exclude=prep)
    b.add(source, (prep.idx, prep.idx + len(prep.text)), content, "according-to", "in", None, pobj)


def _noun_cue(b: _Builder, noun: Token, lemma: str) -> None:
    """"Mr. Trump's claims that ...", "her criticism of the plan", "growing fears that ...":
    holder, noun, complement (any noun with a "that" clause but "the fact that")."""
    clause = _that_clause(noun) if lemma != "fact" else None
    if lemma not in CUE_NOUNS and clause is None:
        return
    holder = next((c for c in noun.children if c.dep_ == "poss"), None)
    if holder is None:
        agent = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "by"), None)
        holder = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None
    if holder is None and clause is None or holder is not None and holder.lower_ in ("its", "their") and holder.head != noun:
        return
    content = None
    cue_end = noun.idx + len(noun.text)
    for c in noun.rights:
        if c == clause:
            content = _subtree_span(c)
            break
        if c.dep_ == "prep" and c.lower_ in ("of", "for", "on", "about", "against", "to") and lemma not in ("question",):
            pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if pobj is not None:
                content = _span_chars(noun.doc[c.i + 1 : c.right_edge.i + 1])
                cue_end = c.idx + len(c.text)
                break
    if content is None:
        return
    if holder is None:
        source = None
    elif holder.tag_ == "PRP$":
        source = (holder.idx, holder.idx + len(holder.text))
    else:
        source = _span_chars(noun.doc[holder.left_edge.i : holder.i + 1])
    b.add(source, (noun.idx, cue_end), content, "indirect", lemma, None, holder)


def _that_clause(noun: Token) -> Token | None:
    """The "that" clause completing a noun ("fears that ...", "the suggestion that ...")."""
    return next(
        (c for c in noun.rights if c.dep_ in ("acl", "ccomp") and any(m.lower_ == "that" and m.dep_ == "mark" for m in c.children)),
        None,
    )


def doc_text_before_comma(doc: Doc, i: int) -> bool:
    """True when the token before ``i`` is a comma or closing quote (speaker after content)."""
    j = i - 1
    while j >= 0 and doc[j].is_space:
        j -= 1
    return j >= 0 and doc[j].text in (",", "”", '"', "''", "—", "--")


def _according(b: _Builder, tok: Token) -> None:
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
    source = _span_chars(doc[src_lo : src_hi + 1])
    cue = (tok.idx, to.idx + len(to.text))
    sent = tok.sent
    # content: the rest of the sentence
    if tok.i - sent.start > 2:
        content = _span_chars(doc[sent.start : tok.i])
        after = doc[src_hi + 1 : sent.end]
        if len([t for t in after if not t.is_punct and not t.is_space]) > 3:
            content = (content[0], _span_chars(after)[1])
    else:
        content = _span_chars(doc[src_hi + 1 : sent.end])
    b.add(source, cue, content, "according-to", "according to", None, pobj)


def _colon_quotes(b: _Builder) -> None:
    """X said: "..."  where the quote was parsed as a separate sentence."""
    covered = [(a["content_start"], a["content_end"]) for a in b.out]
    for qs, qe in b.quotes:
        if any(cs <= qs + 1 and ce >= qe - 1 for cs, ce in covered):
            continue
        before = b.text[max(0, qs - 3) : qs]
        if ":" not in before:
            continue
        prev = [a for a in b.out if a["cue_end"] is not None and 0 <= qs - a["cue_end"] < 80]
        prev = [a for a in prev if a["content_end"] <= qs + 1]
        if not prev:
            continue
        a = prev[-1]
        if a["content_end"] > a["cue_end"] and a["content_end"] >= qs - 3:
            a["content_start"] = min(a["content_start"], qs)
            a["content_end"] = qe
        else:
            a["content_start"], a["content_end"] = qs, qe
        a["content_text"] = b.text[a["content_start"] : a["content_end"]]
        src = (a["source_start"], a["source_end"]) if a["source_start"] is not None else None
        a["kind"] = b._kind((a["content_start"], a["content_end"]), src, (a["cue_start"], a["cue_end"]))


def _framed_quotes(b: _Builder) -> None:
    """'"...," Toomey fumed.' / 'Toomey fumed: "..."': any verb with a subject framing a
    quote counts as its cue, also outside the lexicon."""
    doc = b.doc
    covered = [(a["content_start"], a["content_end"]) for a in b.out]
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
                    if sub is not None and (sub.left_edge.i == first.i or (t.i == first.i and sub.i > t.i)):
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
        source, subj = _source_span(b, subj, verb)
        b.add(source, _cue_span(verb), (qs, qe), "direct", verb.lemma_.lower(), _channel(verb, verb.lemma_.lower()), subj)
        covered.append((qs, qe))


_LABEL = re.compile(r"^[ \t]*[\"“]?((?:[A-Z][\w.'’-]*\.?[ \t]+){0,3}[A-Z][\w.'’-]*)[ \t]*:[ \t]+(\S.*)$", re.M)


def _speaker_labels(b: _Builder) -> None:
    """Transcript lines "NAME: text" (interviews, debates, headlines "Sanders: ..."), also
    when quoted as paragraphs of one long quote ('"WALLACE: ...')."""
    covered = [(a["content_start"], a["content_end"]) for a in b.out]
    for m in _LABEL.finditer(b.text):
        cs, ce = m.start(2), m.end(2)
        if any(s0 <= cs < e0 for s0, e0 in covered):
            continue
        name = (m.start(1), m.end(1))
        colon = b.text.index(":", name[1])
        cs, ce = _trim_ws(b.text, cs, ce)
        if ce - cs < 3:
            continue
        head = b.doc.char_span(name[0], name[1], alignment_mode="expand")
        b.add(name, (colon, colon + 1), (cs, ce), "direct", ":", None, head.root if head is not None else None,
              expand=False)


_DASH = re.compile(r"\s*[―—–-]{1,2}\s*((?:[A-Z][\w.'’-]*\s?){1,4})")


def _dash_credits(b: _Builder) -> None:
    """'"..." ― Sonya Herridge': a quote credited after a dash."""
    covered = [(a["content_start"], a["content_end"]) for a in b.out]
    for qs, qe in b.quotes:
        m = _DASH.match(b.text, qe)
        if m is None or any(s0 < qe and e0 > qs for s0, e0 in covered):
            continue
        name = _trim_ws(b.text, m.start(1), m.end(1))
        dash = m.start() + len(b.text[m.start() : m.start(1)].rstrip()) - 1
        head = b.doc.char_span(name[0], name[1], alignment_mode="expand")
        b.add(name, (dash, dash + 1), (qs, qe), "direct", "―", None, head.root if head is not None else None)


def _lstrip_ws(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    return s, e


def _trim_ws(text: str, s: int, e: int) -> tuple[int, int]:
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _orphan_quotes(b: _Builder) -> None:
    """Quote paragraphs with no cue continue the previous speaker."""
    text = b.text
    covered = [(a["content_start"], a["content_end"]) for a in b.out]
    for qs, qe in b.quotes:
        if any(cs < qe and ce > qs for cs, ce in covered):
            continue
        para_start = text.rfind("\n", 0, qs) + 1
        if text[para_start:qs].strip():
            continue  # quote inside running text: scare quotes or unmarked speech
        rest = text[qe : b._paragraph_end(qe)]
        if len(re.findall(r"\w+", rest)) > 3:
            continue
        if len(re.findall(r"\w+", text[qs:qe])) < 4:
            continue
        prev = [a for a in b.out if a["content_end"] <= qs and a["kind"] != "according-to"]
        if not prev:
            continue
        p = max(prev, key=lambda a: a["content_end"])
        between = text[p["content_end"] : qs]
        if between.count("\n") > 4 or len(re.findall(r"\w+", between)) > 40:
            continue
        b.out.append(
            {
                "source_start": None,
                "source_end": None,
                "source_text": None,
                "cue_start": None,
                "cue_end": None,
                "cue_text": None,
                "content_start": qs,
                "content_end": qe,
                "content_text": text[qs:qe],
                "kind": "continuation",
                "cue_lemma": None,
                "channel": None,
                "_source_tok": None,
                "_continues": p,
            }
        )
        covered.append((qs, qe))


def _dedupe(b: _Builder) -> None:
    """Keep one attribution per content: near-identical contents (Dice >= 0.8) come from
    a cue nested in another ("explained ... by saying", "claimed he learned"); keep the
    one with a source, then the outer (earlier) cue. Then drop attributions nested whole
    (cue and content) in another's content: what a speaker said someone thinks, wants or
    showed is part of that speaker's statement ("he said polls showed him victorious")."""
    def rank(a: dict) -> tuple:
        return (a["source_start"] is None, a["cue_start"] if a["cue_start"] is not None else a["content_start"])

    keep: list[dict] = []
    for a in sorted(b.out, key=rank):
        if not any(dice((a["content_start"], a["content_end"]), (k["content_start"], k["content_end"])) >= 0.8 for k in keep):
            keep.append(a)

    def nested(a: dict) -> bool:
        return a["cue_start"] is not None and any(
            k is not a and k["content_start"] <= min(a["cue_start"], a["content_start"])
            and max(a["cue_end"], a["content_end"]) <= k["content_end"] for k in keep
        )

    b.out = [a for a in keep if not nested(a)]


def dice(x: tuple[int, int] | None, y: tuple[int, int] | None) -> float:
    """Character Dice coefficient 2|x∩y| / (|x|+|y|) of two spans (0.0 when one is missing)."""
    if x is None or y is None:
        return 0.0
    inter = max(0, min(x[1], y[1]) - max(x[0], y[0]))
    total = (x[1] - x[0]) + (y[1] - y[0])
    return 2 * inter / total if total else 0.0


# --------------------------------------------------------------------------- speakers
def _prepare_mentions(doc: Doc, text: str, mentions: Sequence[dict] | None) -> list[dict]:
    """Mentions sorted by start, each with a canonical ``key``."""
    if mentions:
        return sorted((m.to_row() for m in mentions), key=lambda m: m["start"])
    ents = [e for e in doc.ents if e.label_ in ("PERSON", "ORG", "NORP", "GPE", "FAC", "LOC")]
    rows = [
        {"start": e.start_char, "end": e.end_char, "text": e.text, "label": e.label_, "key": _strip_the(e.text)}
        for e in ents
    ]
    _canonicalise(rows, text)
    return rows


def _strip_the(s: str) -> str:
    s = re.sub(r"^(the|The)\s+", "", s.strip())
    s = re.sub(r"[’']s$", "", s)
    return s


def _canonicalise(rows: list[dict], text: str) -> None:
    """In-article aliasing: 'Assad' -> 'Bashar al-Assad', 'SNC' -> 'Syrian National Council'."""
    for m in rows:
        tail = text[m["end"] : m["end"] + 12]
        acr = re.match(r"\s*\(([A-Z][A-Za-z]{1,7})\)", tail)
        if acr:
            m["_acronym"] = acr.group(1)
    by_acr = {m["_acronym"]: m["key"] for m in rows if "_acronym" in m}
    names: dict[str, set[str]] = {}
    for m in rows:
        names.setdefault(m["label"], set()).add(m["key"])
    surname = {k: re.split(r"[\s-]", k)[-1] for k in names.get("PERSON", ())}
    wordsets = {k: set(k.split()) for ks in names.values() for k in ks}
    for m in rows:
        k = m["key"]
        if k in by_acr:
            m["key"] = by_acr[k]
            continue
        words = k.split()
        if not words:
            continue
        if m["label"] == "PERSON":
            same = [o for o in names["PERSON"] if len(o) > len(k) and surname[o] == surname[k]]
        else:
            same = [o for o in names[m["label"]] if len(o) > len(k) and wordsets[o].issuperset(words)]
        if not same and len(words) == 1:
            # a one-word mention mislabelled by NER: 'Observatory' (PERSON) -> the ORG
            same = [o for o in names.get("ORG", ()) if len(o) > len(k) and k in wordsets[o]]
            if same:
                m["label"] = "ORG"
        if same:
            m["key"] = max(sorted(same), key=len)


def _mention_at(b: _Builder, s: int, e: int, head: Token | None) -> dict | None:
    """The mention holding the source's head token."""
    labels = ("PERSON", "ORG", "NORP", "GPE", "FAC")
    if head is not None:
        for m in b.mentions:
            if m["start"] <= head.idx < m["end"] and m["label"] in labels:
                return m
    return None


def _type_of(label: str | None, words: set[str], name: str = "") -> str:
    if label == "PERSON":
        return "person"
    if words & MEDIA_WORDS and not words & {"official", "officials"}:
        return "media"
    if label in ("ORG", "NORP", "GPE", "FAC"):
        if words & {"government", "ministry", "army", "military", "police", "regime", "pentagon", "kremlin", "white"}:
            return "official"
        return "organization"
    if words & ANON_NOUNS:
        return "anonymous"
    if words & OFFICIAL_WORDS:
        return "official"
    return "unknown"


def _resolve_speakers(b: _Builder) -> None:
    """Fill speaker, speaker_start/end and speaker_type for every attribution."""
    text = b.text
    history: list[dict] = []
    for a in sorted(b.out, key=lambda x: x["cue_start"] if x["cue_start"] is not None else x["content_start"]):
        tok: Token | None = a.pop("_source_tok", None)
        cont = a.pop("_continues", None)
        a.update(speaker=None, speaker_start=None, speaker_end=None, speaker_type="unknown")
        if cont is not None:
            for k in ("speaker", "speaker_start", "speaker_end", "speaker_type"):
                a[k] = cont.get(k)
        elif a["source_start"] is not None:
            _resolve_one(b, a, tok, history)
        history.append(a)


def _resolve_one(b: _Builder, a: dict, tok: Token | None, history: list[dict]) -> None:
    s, e = a["source_start"], a["source_end"]
    src = b.text[s:e]
    words = {w.lower() for w in re.findall(r"[\w-]+", src)}
    head = tok.lower_ if tok is not None else src.lower()
    if tok is not None and (head in PRONOUNS_PERSON | PRONOUNS_GROUP or head in RELATIVE):
        ante = _antecedent(b, a, tok, history)
        if ante is not None:
            a.update(ante)
        return
    m = _mention_at(b, s, e, tok)
    if m is not None:
        a.update(speaker=m["key"], speaker_start=m["start"], speaker_end=m["end"])
        a["speaker_type"] = _type_of(m["label"], {w.lower() for w in re.findall(r"[\w-]+", m["key"])} | words)
        return
    head_lemma = tok.lemma_.lower() if tok is not None else src.split()[-1].lower()
    indefinite = tok is not None and any(c.lower_ in ("a", "an", "one", "some", "another") for c in tok.children)
    if tok is not None and not indefinite:
        ante = _description(b, a, tok, history)
        if ante is not None:
            a.update(ante)
            return
    a["speaker"] = src
    a["speaker_type"] = _type_of(None, words | {head_lemma})


def _antecedent(b: _Builder, a: dict, tok: Token, history: list[dict]) -> dict | None:
    """Most recent compatible prior speaker or mention for a pronoun / relative."""
    low = tok.lower_
    pos = a["source_start"]
    if low in RELATIVE:
        h = tok.head.head if tok.head.dep_ == "relcl" else None
        if h is not None:
            m = _mention_at(b, h.left_edge.idx, h.idx + len(h.text), h)
            if m is not None:
                return {"speaker": m["key"], "speaker_start": m["start"], "speaker_end": m["end"], "speaker_type": _type_of(m["label"], set())}
            return {"speaker": b.text[h.left_edge.idx : h.idx + len(h.text)], "speaker_type": _type_of(None, {h.lower_, h.lemma_.lower()})}
        return None
    want_person = low in PRONOUNS_PERSON
    labels = PERSON_LABELS if want_person else GROUP_LABELS
    window = pos - 1500
    best_hist = None
    for h in reversed(history):
        if h["speaker"] is None or (h["cue_start"] or h["content_start"]) < window:
            continue
        if h.get("source_start") is not None and h["source_start"] >= pos:
            continue
        ok = h["speaker_type"] in (("person", "anonymous", "unknown") if want_person else ("organization", "media", "official"))
        if ok:
            best_hist = h
            break
    best_m = None
    for m in reversed(b.mentions):
        if m["end"] <= pos and m["label"] in labels and m["start"] >= window:
            if not want_person and m["label"] in ("GPE", "NORP") and low == "it" and m["label"] != "ORG":
                continue
            best_m = m
            break
    hist_pos = (best_hist["source_start"] or 0) if best_hist else -1
    if best_hist is not None and (best_m is None or hist_pos >= best_m["start"] or not want_person):
        return {k: best_hist[k] for k in ("speaker", "speaker_start", "speaker_end", "speaker_type")}
    if best_m is not None:
        return {"speaker": best_m["key"], "speaker_start": best_m["start"], "speaker_end": best_m["end"], "speaker_type": _type_of(best_m["label"], set(best_m["key"].lower().split()))}
    return None


def _description(b: _Builder, a: dict, tok: Token, history: list[dict]) -> dict | None:
    """'the Observatory' -> Syrian Observatory for Human Rights; 'the soldier' -> 'one soldier'."""
    pos = a["source_start"]
    head = tok.text.lower()
    for m in reversed(b.mentions):
        if m["end"] <= pos and tok.text[:1].isupper() and head in m["key"].lower().split():
            return {"speaker": m["key"], "speaker_start": m["start"], "speaker_end": m["end"], "speaker_type": _type_of(m["label"], set(m["key"].lower().split()))}
    for h in reversed(history):
        if h["source_text"] and head in h["source_text"].lower().split() and h["source_start"] < pos:
            return {k: h[k] for k in ("speaker", "speaker_start", "speaker_end", "speaker_type")}
    if tok.lemma_.lower() in ROLE_NOUNS:
        # "the embattled Syrian leader": the most recently named person
        for m in reversed(b.mentions):
            if m["end"] <= pos and m["label"] == "PERSON":
                return {"speaker": m["key"], "speaker_start": m["start"], "speaker_end": m["end"], "speaker_type": "person"}
    return None


# --------------------------------------------------------------------------- corpus level
def link_speakers(attributions: pd.DataFrame, mentions: pd.DataFrame, entities: pd.DataFrame) -> pd.DataFrame:
    """Add ``speaker_entity_id`` from the mention overlapping each speaker span most (the
    first such mention on ties); rename linked speakers to their entity's name.

    ``mentions`` needs ``article_id, start, end, entity_id``; ``entities`` needs
    ``entity_id, name``. Memory and time are linear in the rows: every article gets its own
    stretch of one number line and each speaker span is looked up with ``searchsorted``.
    """
    out = attributions.copy()
    out["speaker_entity_id"] = pd.Series(pd.NA, index=out.index, dtype="object")
    has = (out["speaker_start"].notna() & out["speaker_end"].notna()).to_numpy()
    if not has.any() or mentions.empty:
        return out
    codes = pd.Index(pd.unique(pd.concat([mentions["article_id"], out.loc[has, "article_id"]])))
    stride = int(max(mentions["end"].max(), out.loc[has, "speaker_end"].max())) + 1
    m_code = codes.get_indexer(mentions["article_id"]).astype(np.int64)
    order = np.lexsort((mentions["start"].to_numpy(), m_code))
    m_start = m_code[order] * stride + mentions["start"].to_numpy(dtype=np.int64)[order]
    m_end = m_code[order] * stride + mentions["end"].to_numpy(dtype=np.int64)[order]
    s_code = codes.get_indexer(out.loc[has, "article_id"]).astype(np.int64) * stride
    s_start = s_code + out.loc[has, "speaker_start"].to_numpy(dtype=np.int64)
    s_end = s_code + out.loc[has, "speaker_end"].to_numpy(dtype=np.int64)
    # candidates: mentions starting before the span's end whose running maximum end passes its start
    lo = np.searchsorted(np.maximum.accumulate(m_end), s_start, side="right")
    n = np.maximum(np.searchsorted(m_start, s_end, side="left") - lo, 0)
    row = np.repeat(np.arange(len(s_start)), n)
    cand = np.repeat(lo, n) + np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    overlap = np.minimum(s_end[row], m_end[cand]) - np.maximum(s_start[row], m_start[cand])
    row, cand, overlap = row[overlap > 0], cand[overlap > 0], overlap[overlap > 0]
    best = np.lexsort((-overlap, row))  # per span, largest overlap first; stable: earliest mention on ties
    spans, first = np.unique(row[best], return_index=True)
    out.loc[out.index[has][spans], "speaker_entity_id"] = mentions["entity_id"].to_numpy()[order][cand[best][first]]
    names = entities.set_index("entity_id")["name"]
    linked = out["speaker_entity_id"].notna()
    out.loc[linked, "speaker"] = out.loc[linked, "speaker_entity_id"].map(names).fillna(out.loc[linked, "speaker"])
    return out


def to_record(a: dict) -> dict:
    """One extractor row as an attribution of the exchange JSONL (``newscope attributions``)."""

    def trip(role: str) -> list | None:
        s = a[f"{role}_start"]
        return None if s is None else [s, a[f"{role}_end"], a[f"{role}_text"]]

    return {
        "source": trip("source"),
        "cue": trip("cue"),
        "content": trip("content"),
        "speaker": a["speaker"],
        "speaker_type": a["speaker_type"],
        "kind": a["kind"],
    }


def annotate_jsonl(in_path: Path, out_path: Path, nlp: Language | None = None, *, progress: bool = True) -> int:
    """Extract attributions for each ``{"id", "text"}`` line of ``in_path`` into ``out_path``.

    No cleaning is applied, so offsets index the given text. A record the extractor fails
    on gets an empty list and a logged warning. Returns the number of records written.
    """
    from newscope.model import load_model

    in_path, out_path = Path(in_path), Path(out_path)
    nlp = nlp or load_model()
    recs = list(read_jsonl(in_path))
    for i, rec in enumerate(recs, 1):
        if not isinstance(rec.get("text"), str):
            raise ConfigError(f'{in_path}: record {i} (id {rec.get("id")!r}) has no string "text" field')
    out_path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with out_path.open("w", encoding="utf-8") as fh:
        docs = nlp.pipe((r["text"] for r in recs), batch_size=32)
        bar = tqdm(zip(recs, docs), total=len(recs), disable=not (progress and sys.stderr.isatty()), desc="attributions")
        for rec, doc in bar:
            try:
                attrs = [to_record(a) for a in extract_attributions(doc)]
            except Exception:  # one bad record must not stop a corpus run
                log.warning("attribution extraction failed on record %r", rec.get("id"), exc_info=True)
                attrs = []
            fh.write(json.dumps({"id": rec.get("id"), "attributions": attrs}, ensure_ascii=False) + "\n")
            n += 1
    return n
