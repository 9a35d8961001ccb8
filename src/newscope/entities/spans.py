"""Cleaning spaCy's entity spans into name spans.

Line breaks, list commas, spaced dashes and symbols such as "/" or "✓" split a span;
leading determiners, titles and honorifics, edge punctuation, a possessive "'s", an
unclosed bracket ("World Health Organization (WHO") and, for people, anything before an
inner possessive ("Fox's Megyn Kelly") and headline words glued on ("Will Obama") are
dropped; the object of a title ("Secretary of State") is no entity. Across the article's
spans, a word glued before a name the article names on its own is cut ("Maybe Delta
Force", "Tory Phillip Lee": :func:`cut_glued_words`).
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Span, Token

from newscope.entities.names import first_name_gender, is_title, normalize_name
from newscope.lexicon import words

# Small grammatical sets, kept in code.
DETERMINERS = frozenset({"the", "a", "an"})
POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
# Labels of places, never linked by a part ("Virginia" is not "West Virginia").
PLACE_LABELS = frozenset({"GPE", "LOC"})
# Labels of places and groups, which headlines glue before a person ("Tory Phillip Lee").
_GROUP_LABELS = PLACE_LABELS | {"NORP"}

# Tokens that never belong inside a name: a span across them is two names or junk
# ("Axios, Walmart", "Mandel Ngan/AFP", "✓ Andrew Yang").
_SEPARATOR = re.compile(r"^[;|/\\•·✓✔✗★☆©®™#@+=<>]+$")
_DASHES = frozenset({"-", "--", "–", "—"})
# "Apple, Inc.", "Martin Luther King, Jr.": a comma before these is inside the name.
_AFTER_COMMA = words("after_comma")
_HEADLINE_WORDS = words("headline_words")
_LEADING_WORDS = words("leading_words")
# "Secretary of State Mike Pompeo": what follows is part of the title, not an entity.
_TITLE_OF = frozenset({"secretary", "secretaries", "undersecretary"})


def _spaced_dash(tok: Token) -> bool:
    """A dash with a space beside it joins two names ("Paul Mounce - Corbis"); a hyphen
    inside a name ("Jean-Paul") has none."""
    return tok.text in _DASHES and (bool(tok.whitespace_) or (tok.i > 0 and bool(tok.doc[tok.i - 1].whitespace_)))


def _splits_span(tok: Token, ent: Span, commas: bool) -> bool:
    """Does ``tok`` separate two names inside ``ent`` (and belong to neither)?"""
    return bool(tok.is_space or "\n" in tok.text or _SEPARATOR.match(tok.text) or _spaced_dash(tok) or (
        commas and tok.text == "," and tok.i + 1 < ent.end
        and tok.doc[tok.i + 1].lower_.rstrip(".") not in _AFTER_COMMA
    ))


def _glued_headline_word(tok: Token) -> bool:
    """Is ``tok`` a headline word glued onto a name: in capitals ("CLOSE"), or in a
    title-case line ("Will Obama Veto It"; in prose "Will Hurd" is a name)?"""
    if tok.lower_ not in _HEADLINE_WORDS:
        return False
    if tok.is_upper and len(tok.text) > 1:
        return True
    text = tok.doc.text
    line = text[text.rfind("\n", 0, tok.idx) + 1 : (text.find("\n", tok.idx) + 1 or len(text) + 1) - 1]
    line_words = re.findall(r"[^\W\d_][\w'’-]*", line)
    return len(line_words) >= 3 and sum(w[0].isupper() for w in line_words) >= 0.7 * len(line_words)


def _trim_person(run: list[Token]) -> list[Token]:
    """A person's name without the titles and the possessive owner before it, nor a
    number after it."""
    # "House Speaker Nancy Pelosi", "U.S. District Judge Timothy Kelly": cut through
    # the last title word among the first few, keeping at least one word.
    cut = max((i for i, t in enumerate(run[:-1][:5]) if is_title(t.text)), default=-1)
    # "Fox's Megyn Kelly", "Wyoming's Mike Enzi": a person's name follows the possessive
    cut = max([cut] + [i for i, t in enumerate(run[:-1]) if t.lower_ in ("'s", "’s")])
    run = run[cut + 1 :]
    while len(run) > 1 and (run[0].is_punct or _glued_headline_word(run[0])):
        run = run[1:]
    while len(run) > 1 and _glued_headline_word(run[-1]):  # "Obama Showed"
        run = run[:-1]
    while len(run) > 1 and (run[-1].like_num or run[-1].is_punct):  # "Andrew Yang 12"
        run = run[:-1]
    return run


def _balanced(run: list[Token]) -> list[Token]:
    """``run`` without an unclosed "(" and what follows it ("World Health Organization
    (WHO"), nor an unopened ")" and what precedes it."""
    opened = [i for i, t in enumerate(run) if t.text == "("]
    if opened and not any(t.text == ")" for t in run[opened[-1]:]):
        run = run[: opened[-1]]
    closed = [i for i, t in enumerate(run) if t.text == ")"]
    if closed and not any(t.text == "(" for t in run[: closed[0]]):
        run = run[closed[0] + 1 :]
    return run


def _in_title(ent: Span) -> bool:
    """Is ``ent`` the object of a title ("Secretary of State")?"""
    doc, i = ent.doc, ent.start
    return i >= 2 and doc[i - 1].lower_ == "of" and doc[i - 2].lower_ in _TITLE_OF


def clean_pieces(ent: Span, text: str) -> list[tuple[int, int]]:
    """Character spans of ``ent`` after splitting at line breaks and trimming edges."""
    if _in_title(ent):
        return []
    runs: list[list[Token]] = [[]]
    commas = ent.label_ not in PLACE_LABELS | {"FAC"}  # "Washington, D.C." is one place
    for tok in ent:
        if _splits_span(tok, ent, commas):
            runs.append([])
        else:
            runs[-1].append(tok)
    out = []
    for run in runs:
        run = _balanced(run)
        while run and (run[0].is_punct or run[0].lower_ in DETERMINERS or run[0].lower_ in POSSESSIVE):
            run = run[1:]
        while run and (run[-1].is_punct or run[-1].lower_ in POSSESSIVE):
            run = run[:-1]
        if ent.label_ == "PERSON":
            run = _trim_person(run)
        if not run or all(t.is_stop and not t.is_upper for t in run):
            continue
        start, end = run[0].idx, run[-1].idx + len(run[-1].text)
        piece = text[start:end]
        if "\n" in piece or len(piece) < 2 or not any(c.isupper() for c in piece):
            continue
        out.append((start, end))
    return out


def cut_glued_words(pieces: list[tuple[int, int, str]], text: str) -> list[tuple[int, int, str]]:
    """``pieces`` (start, end, label) with the first word cut while it is glued onto a
    name the article names on its own (:func:`_glued_before`)."""
    labels: dict[str, set[str]] = {}  # normalised name -> its labels in the article
    surnames: dict[str, set[str]] = {}  # last word(s) of full person names -> those names
    for s, e, label in pieces:
        norm = normalize_name(text[s:e])
        labels.setdefault(norm, set()).add(label)
        if label == "PERSON" and first_name_gender(norm) != "unknown":
            parts = norm.split()
            for i in range(1, len(parts)):
                surnames.setdefault(" ".join(parts[i:]), set()).add(norm)
    out = []
    for s, e, label in pieces:
        while (m := re.match(r"([^\W\d_]+)\s+(?=\w)", text[s:e])) and _glued_before(
                m.group(1), text[s + m.end():e], label, labels, surnames, normalize_name(text[s:e])):
            s += m.end()
        out.append((s, e, label))
    return out


def _glued_before(word: str, rest: str, label: str, labels: dict[str, set[str]], surnames: dict[str, set[str]],
                  whole: str) -> bool:
    """Is ``word`` glued before the name ``rest`` in a span labelled ``label``?

    - A word of ``leading_words`` in lower case ("this White House") always is; capitalised
      ("Maybe Delta Force", "Will Twitter"), when the article names ``rest`` on its own, but
      a first name before a one-word person name only when that is the surname of another
      person of the article ("Will Trump" beside "Donald Trump"; "Will Hurd" stays).
    - A place or group the article tags on its own (GPE, LOC, NORP) is, before a full
      name that starts with a first name, in a person span or tagged as a person in the
      article ("Tory Phillip Lee", "Ukraine Kurt Volker", "Kenya Scott Gration"; not
      "Swedish Postcode Lottery"), and before one word that is the surname of a person
      named in full ("Berkeley Trump"; not "London Bridge"), unless the place is a first
      name too ("Cory Booker", "Virginia Foxx").

    ``labels``: the article's names and their labels; ``surnames``: the last words of its
    person names that start with a first name, and the names they end; ``whole``: the
    normalised span, no evidence for itself.
    """
    if rest.lower() in STOP_WORDS:  # "Contact Us" is not "US"
        return False
    if word.lower() in _LEADING_WORDS and word.islower():
        return True
    if not word[0].isupper() or (word.isupper() and len(word) > 1):  # "OUR Walmart"
        return False
    norm = normalize_name(rest)
    rest_labels = labels.get(norm, set())
    other_surname = bool(surnames.get(norm, set()) - {whole})  # "Trump" of "Donald Trump"
    one_word = len(rest.split()) == 1
    first_name = first_name_gender(word) != "unknown"
    if word.lower() in _LEADING_WORDS:
        if first_name and one_word and ("PERSON" in rest_labels or other_surname):
            return other_surname
        return bool(rest_labels) or other_surname
    if labels.get(normalize_name(word), set()) & _GROUP_LABELS:
        if one_word:
            return other_surname and not first_name
        return first_name_gender(rest) != "unknown" and ("PERSON" in rest_labels or label == "PERSON")
    return False
