"""Parse-tree helpers: a cue's subject, agent and span, a phrase's character span."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from newscope.lexicon import words

# Occasions and documents a participle may hang on ("held a news conference announcing
# ...", "issued a statement saying ..."): the speaker is the subject of the clause they are
# in (for documents only when it issued them, not when it "obtained a memo saying ...").
OCCASIONS = words("occasions")
DOCUMENTS = words("documents")
ISSUE_VERBS = words("issue_verbs")
_ASIDES = frozenset({"relcl", "acl", "advcl"})


def span_chars(tokens: Span) -> tuple[int, int]:
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


def cut_aside(doc: Doc, lo: int, hi: int) -> int:
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


def subtree_span(tok: Token, exclude: Token | None = None, cut_asides: bool = False) -> tuple[int, int]:
    """Char span of ``tok``'s subtree; if ``exclude`` is inside, keep ``tok``'s side of it;
    ``cut_asides``: without a trailing writer's aside (speech after its cue, see
    :func:`cut_aside`)."""
    doc = tok.doc
    lo, hi = tok.left_edge.i, tok.right_edge.i
    if exclude is not None and lo <= exclude.i <= hi:
        elo, ehi = exclude.left_edge.i, exclude.right_edge.i
        if tok.i < elo:
            hi = elo - 1
        elif tok.i > ehi:
            lo = ehi + 1
    return span_chars(doc[lo : (cut_aside(doc, lo, hi) if cut_asides else hi) + 1])


def compact_np(tok: Token) -> tuple[int, int]:
    """The noun phrase of ``tok`` without trailing prepositional phrases / clauses, but with
    "of" and, after a common noun, where a named place or body is ("analysts at Sabato's
    Crystal Ball", "researchers from Harvard")."""
    lo = tok.left_edge.i
    hi = tok.i
    for c in tok.rights:
        if c.dep_ in ("compound", "flat", "appos", "nummod", "amod") or (c.dep_ == "prep" and c.text.lower() == "of"):
            hi = max(hi, c.right_edge.i)
        elif (c.dep_ == "prep" and c.lower_ in ("at", "from") and tok.pos_ == "NOUN"
              and any(p.dep_ == "pobj" and p.pos_ == "PROPN" for p in c.children)):
            hi = max(hi, c.right_edge.i)
    return span_chars(tok.doc[lo : hi + 1])


def subject(verb: Token) -> Token | None:
    """Subject of ``verb``, inherited from the governing verb for xcomp/conj/advcl, through
    a preposition ("they ended by announcing ...", but "slammed Park for saying" is Park's)
    and past an occasion or document a participle hangs on ("the governor held a news
    conference announcing ...")."""
    tok = verb
    for _ in range(4):
        # of two subjects the nearest: in '"My reaction was ...," the strategist said' the
        # parser may hang the quote's subject on "said" as well
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return min(subjects, key=lambda c: abs(c.i - tok.i))
        if tok.dep_ == "pcomp" and tok.head.lower_ == "for":
            # "slammed Park for saying ...", "takes Lynch to task for asking ...": the object
            gov = tok.head.head
            while gov.dep_ in ("pobj", "prep") and gov.pos_ != "VERB":
                gov = gov.head
            obj = next((c for c in gov.children if c.dep_ == "dobj"), None)
            if obj is not None and (obj.pos_ in ("PROPN", "PRON") or obj.ent_type_):  # not "drew criticism for"
                return obj
        if tok.dep_ in ("xcomp", "conj", "advcl", "pcomp", "acl", "prep") and tok.head != tok:
            if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN", "PRON"):
                noun = tok.head
                author = document_author(noun)
                if author is not None:
                    return author
                governor = next((a for a in noun.ancestors if a.pos_ in ("VERB", "AUX")), None)
                lemma = noun.lemma_.lower()
                if governor is None or not (lemma in OCCASIONS or lemma in DOCUMENTS and governor.lemma_ in ISSUE_VERBS):
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


def document_author(noun: Token) -> Token | None:
    """X in "a letter from X saying ..."."""
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "from":
            return next((g for g in prep.children if g.dep_ == "pobj"), None)
    return None


def stray_subject(verb: Token) -> Span | None:
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


def source_span(subj: Token, verb: Token) -> tuple[tuple[int, int], Token]:
    """Source span (all coordinated/split subjects) and the token naming the speaker."""
    if subj.dep_ not in ("nsubj", "nsubjpass", "pobj"):
        return compact_np(subj), subj
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
    span = span_chars(doc[lo : hi + 1]) if hi >= lo else subtree_span(subj, exclude=verb)
    named = [c for c in sibs if c.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")]
    return span, (named[-1] if named else sibs[-1])


def agent(verb: Token) -> Token | None:
    """X in a passive "was told by X"."""
    for c in verb.children:
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    return None


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def cue_span(verb: Token) -> tuple[int, int]:
    """Char span of a cue verb with its particle and nearby auxiliaries and negation
    ("did not back down")."""
    lo = hi = verb.i
    for c in verb.children:
        if c.dep_ == "prt" and c.i == hi + 1:
            hi = c.i
        if c.dep_ in ("aux", "auxpass", "neg") and c.i < lo and verb.i - c.i <= 3:
            lo = c.i
    doc = verb.doc
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def branch(verb: Token, tok: Token) -> Token | None:
    """The child of ``verb`` whose subtree holds ``tok`` (None outside the verb's subtree)."""
    return next((a for a in [tok, *tok.ancestors] if a.head == verb and a != verb), None)


def that_clause(noun: Token) -> Token | None:
    """The "that" clause completing a noun ("fears that ...", "the suggestion that ...")."""
    return next(
        (c for c in noun.rights if c.dep_ in ("acl", "ccomp") and any(m.lower_ == "that" and m.dep_ == "mark" for m in c.children)),
        None,
    )


def after_comma_or_quote(doc: Doc, i: int) -> bool:
    """True when the token before ``i`` is a comma or closing quote (speaker after content)."""
    j = i - 1
    while j >= 0 and doc[j].is_space:
        j -= 1
    return j >= 0 and doc[j].text in (",", "”", '"', "''", "—", "--")


IMPLICATIVE_HEADS = words("implicative_heads")
_HYPOTHETICAL_MODALS = frozenset("could might may would should must can 'd ca".split())
_CONDITIONS = frozenset("if unless whether".split())
_HEDGES = frozenset("possible likely unlikely unclear conceivable plausible probable doubtful uncertain".split())


def irrealis(verb: Token, speech: bool) -> bool:
    """Is what ``verb`` reports only possible or conditional, or (for a ``speech`` verb)
    denied? A modal ("could ask", "might argue"), a future under a condition ("if you ask,
    they will tell you"), a negated speech verb ("did not say"; "does
    not believe" still states a stance), a hedge over it ("it's possible that he believed"),
    or a condition or modal on it or on a verb above it in its clause ("unless he wants to
    leave", "whether they knew", "would have to cross party lines to call witnesses")."""
    if any(c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL_MODALS or speech and c.dep_ == "neg" for c in verb.children):
        return True
    if any(c.dep_ == "aux" and c.lower_ in ("will", "'ll") for c in verb.children) and any(
            c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _CONDITIONS for m in c.children)
            for c in verb.children):
        return True  # "if you poll them, they will tell you ..."
    if verb.dep_ in ("ccomp", "csubj") and any(
            c.dep_ == "acomp" and c.lemma_.lower() in _HEDGES for c in verb.head.children):
        return True  # "it's possible that Mueller believed ..."
    child = verb
    for tok in (verb, *verb.ancestors):
        if any(c.dep_ == "mark" and c.lower_ in _CONDITIONS for c in tok.children):
            return True
        if tok is not verb and child.dep_ == "xcomp" and any(
                c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL_MODALS for c in tok.children):
            return True  # "would have to cross party lines to call witnesses", not "would not comment but noted"
        child = tok
        if tok.dep_ not in ("xcomp", "conj", "aux", "advcl"):
            break
    return False


def unfulfilled(verb: Token) -> bool:
    """Is ``verb`` an infinitive of what was only wanted, planned, tried or needed ("plans to
    announce", "having to admit", "a decision to reveal"), not of what took place ("went on
    to say", "was forced to admit": implicative_heads.txt)?"""
    head = verb.head
    took_place = head.lemma_.lower() in IMPLICATIVE_HEADS or verb.dep_ == "acl" and any(
        c.lower_ in IMPLICATIVE_HEADS for c in head.children)  # "the first senator to say"
    return (verb.dep_ in ("xcomp", "ccomp", "acl") and not took_place
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children))
