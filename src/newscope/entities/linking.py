"""Linking the names of one article: which short form stands for which longer name.

An acronym links to the expansion the text defines ("Syrian National Council (SNC)") or
whose initials it spells (three letters or more: "TP" may be anything); a partial person
name ("Assad") to the one full name containing it ("Bashar al-Assad"), a lone word only as
its first name or surname ("Star of David" is not "Aaron David Miller"), but not to a
thing named after the person ("Rayshard Brooks Shooting"), nor to two names run together
("Roger Penske Trump", "Obama-Clinton"), nor to a span that cannot be a person's name
("pro-Obama", "Bush-era"); a short head ("the Observatory") to the one organisation it ends ("Syrian
Observatory for Human Rights"), except generic institutions that stand on their own
(``standalone_heads``: "the Senate", "the Supreme Court"), heads of a possessive phrase
("Lessig's Electoral College"), heads that may name another institution of the article
(:func:`_rival_heads`: "Hospital" beside "Alder Hey Children's Hospital"), a plural word
before a connector ("Veterans" is not "Concerned Veterans for America"), parts of two
names joined by "and", and never from a person's full name ("Jeb Bush" is not "Jeb Bush &
Associates"); place names never by a part ("Virginia" is not "West Virginia"). A form
links only when its candidates end at one name.

New ways a short form may name a longer one (middle names, nicknames) are added in
:func:`link_forms`, as candidates of the person-name parts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from newscope.entities.names import ACRONYM, GENERATION_SUFFIXES, initials, looks_like_person_name, name_words
from newscope.entities.spans import PLACE_LABELS, POSSESSIVE
from newscope.lexicon import words

# Labels by how a short form may link: person names by any part; organisation-like
# names by their head; places never by a part ("Virginia" is not "West Virginia").
_HEAD_LABELS = frozenset({"ORG", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT"})
_PLURAL = re.compile(r"[^su]s$")  # a plural head ("Veterans") is a common noun
# An acronym stands for a name of the same class ("S.C." is not the "Supreme Court").
_CLASS = {"PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place"}
# Heads that stand on their own as a different institution ("the House" is not "the White
# House"): never linked to a longer name ending in them.
_STANDALONE = {tuple(head.split()) for head in words("standalone_heads")}


@dataclass
class Form:
    """All mentions of one normalised name in an article."""

    norm: str
    words: tuple[str, ...]  # of the first surface text, original case, split at spaces and hyphens
    spaced: tuple[str, ...]  # the same, split at spaces only
    texts: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    target: str | None = None

    @cached_property
    def low(self) -> tuple[str, ...]:
        """``words`` in lower case."""
        return tuple(w.lower() for w in self.words)

    @cached_property
    def label(self) -> str:
        """Majority NER label (read once all mentions are counted)."""
        return self.labels.most_common(1)[0][0]

    @property
    def surface(self) -> str:
        """Preferred spelling: not all capitals when possible, then the commonest."""
        return max(self.texts.items(), key=lambda kv: (not kv[0].isupper() or len(kv[0]) <= 6, kv[1]))[0]


def root(forms: dict[str, Form], norm: str) -> str:
    """The form a chain of links ends at."""
    seen = set()
    while forms[norm].target and norm not in seen:
        seen.add(norm)
        norm = forms[norm].target
    return norm


def first_name_link(forms: dict[str, Form], f: Form) -> bool:
    """Is ``f`` linked to a longer person name as its first word(s), not its surname?"""
    if f.target is None:
        return False
    own, full = f.low, forms[root(forms, f.norm)].low
    return full[: len(own)] == own and full[-len(own) :] != own


def _glued(f: Form, labels: dict[tuple[str, ...], str]) -> bool:
    """Two names run together, not a name to link to: a person name with words after
    another person name of the article ("Roger Penske Trump", "Ilhan Omar Ilhan
    OmarHarris"; a hyphenated first name is no other name: "Soon-Yi Previn"), or a person
    name followed by an organisation or group the article names on its own ("Trump
    Twitter", "Reagan Conservative"). ``labels``: the article's forms (lower-case words ->
    label)."""
    words, n = f.low, len(f.low)
    first = len(name_words(f.spaced[0]))  # "Soon-Yi" is two words
    person_inside = any(labels.get(words[i:j]) == "PERSON" for i in range(n - 1) for j in range(i + 2, n)
                        if (i, j) != (0, first))
    return person_inside or any(
        labels.get(words[:i]) == "PERSON" and labels.get(words[i:]) in ("ORG", "NORP") for i in range(1, n)
    )


def _add_person_parts(f: Form, person_parts: dict, surnames: dict) -> None:
    """Index the parts of person name ``f``: every shorter run of its words, but a lone
    word only as the first name or the surname (before a suffix: "King" of "Martin Luther
    King Jr."; "David" is not "Aaron David Miller"), and its surnames (the runs that end it)."""
    low, n = f.low, len(f.words)
    last = n - 2 if n > 2 and low[-1].rstrip(".") in GENERATION_SUFFIXES else n - 1
    for i in range(n):
        for j in range(i + 1, n + 1):
            if j - i < n and (j - i > 1 or i in (0, last)):
                person_parts.setdefault(low[i:j], set()).add(f.norm)
    for i in range(1, n):
        surnames.setdefault(low[i:], set()).add(f.norm)


def _add_heads(f: Form, heads: dict) -> None:
    """Index the heads of organisation-like name ``f``."""
    # heads: the final words before any connector ("Syrian Observatory for Human
    # Rights" -> "Syrian Observatory", "Observatory"); a one-word part before a
    # connector is too generic ("State of the Union" -> "State"); none from a
    # possessive phrase ("Lessig's Electoral College" is not the Electoral College), no
    # plural word before a connector ("Veterans" is not "Concerned Veterans for
    # America") and none from two names joined by "and".
    sp = f.spaced
    k = next((i for i, w in enumerate(sp) if not w[0].isupper()), len(sp))
    if k < len(sp) and sp[k].lower() in ("and", "&"):
        return  # two names joined: "Citadel Securities and Virtu Financial"
    for i in range(1, k) if k == len(sp) else range(k if k > 1 else 0):
        part = tuple(w.lower() for w in sp[i:k])
        if part not in _STANDALONE and not (len(part) == 1 and k < len(sp) and _PLURAL.search(part[0])):
            heads.setdefault(part, set()).add(f.norm)


def _rival_heads(forms: dict[str, Form], heads: dict) -> set[tuple[str, ...]]:
    """Heads that may as well stand for another institution of the article, so link to
    none: the end of a possessive name ("Hospital" of "Alder Hey Children's Hospital"
    beside "Bambino Gesu Hospital"), or two words or more whose initials end an acronym of
    the article that is not the candidate's ("National Committee" with "DNC" beside
    "Republican National Committee")."""
    rivals = set()
    acronyms = {"".join(f.words).replace(".", "") for f in forms.values() if ACRONYM.match("".join(f.words))}
    for f in forms.values():
        if f.label in _HEAD_LABELS and len(f.spaced) > 1:
            owner = max((i for i, w in enumerate(f.spaced[:-1]) if w.endswith(tuple(POSSESSIVE))), default=None)
            if owner is not None:
                rivals.update(tuple(w.lower() for w in f.spaced[i:]) for i in range(owner + 1, len(f.spaced)))
    for head, names in heads.items():
        letters = "".join(w[0] for w in head).upper()
        if len(head) > 1 and any(a.endswith(letters) and len(a) > len(letters)
                                 and not any(a in initials(forms[n].words) for n in names) for a in acronyms):
            rivals.add(head)
    return rivals


def link_forms(forms: dict[str, Form], definitions: dict[str, str]) -> None:
    """Set ``form.target`` (the normalised name a form stands for) by the linking rules.
    ``definitions``: acronym -> the name the text defines it for."""
    person_parts: dict[tuple[str, ...], set[str]] = {}
    surnames: dict[tuple[str, ...], set[str]] = {}
    heads: dict[tuple[str, ...], set[str]] = {}
    labels = {f.low: f.label for f in forms.values()}
    for f in forms.values():
        if len(f.words) < 2:
            continue
        if (f.label == "PERSON" and len(f.spaced) > 1  # "Obama-Clinton" is two names, not one person's
                and looks_like_person_name(f.low, f.spaced) and not _glued(f, labels)):
            _add_person_parts(f, person_parts, surnames)
        elif f.label in _HEAD_LABELS and len(f.spaced) > 1 and not any(w.endswith(tuple(POSSESSIVE))
                                                                     for w in f.spaced):
            _add_heads(f, heads)
    rivals = _rival_heads(forms, heads)

    for f in sorted(forms.values(), key=lambda f: -len(f.words)):
        low = f.low
        compact = "".join(f.words).replace(".", "")
        if f.norm in definitions and definitions[f.norm] in forms:
            candidates = {definitions[f.norm]}
        elif ACRONYM.match("".join(f.words)) and len(compact) > 2:  # "TP" may be anything
            candidates = {
                g.norm for g in forms.values()
                if len(g.words) > 1 and _CLASS.get(g.label, "other") == _CLASS.get(f.label, "other")
                and not any(ACRONYM.match(w) for w in g.words) and compact in initials(g.words)
            }
        elif f.label == "PERSON" and low in person_parts:
            candidates = person_parts[low]
        elif f.label not in PLACE_LABELS and low in surnames:
            candidates = surnames[low]
        elif (f.label not in PLACE_LABELS | {"NORP"} and not (f.label == "PERSON" and len(f.words) > 1)
              and (head := tuple(w.lower() for w in f.spaced)) in heads and head not in rivals):
            candidates = heads[head]
        else:
            continue
        roots = {root(forms, c) for c in candidates} - {f.norm}
        if len(roots) == 1:
            f.target = roots.pop()
