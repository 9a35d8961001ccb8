"""Named-entity mentions and canonical entities.

Two steps, matching the pipeline:

* :func:`article_mentions` (per article, cached): spaCy NER spans are cleaned (line
  breaks, list commas, spaced dashes and symbols such as "/" or "✓" split a span; leading
  determiners, titles and honorifics, edge punctuation, a possessive "'s" and, for people,
  anything before an inner possessive ("Fox's Megyn Kelly") are dropped). Untagged repeats
  of a tagged name are added. Mentions are then linked *within the article*: an acronym to
  the expansion the text defines ("Syrian National Council (SNC)") or whose initials it
  spells; a partial person name ("Assad") to the one full name containing it ("Bashar
  al-Assad"), but not to a thing named after the person ("Rayshard Brooks Shooting"), nor
  to two names run together ("Roger Penske Trump"), nor to a span with a lower-case word
  other than a particle, an English compound, a handle or digits ("pro-Obama", "Reno v.
  Flores", "Bush-era", "Twitter @kbaker6"; "Kim Jong-un" is a name), nor as a first name
  right after a capitalised word other than a title ("Pope Francis" is not "Francis
  Rooney"), nor as a party to a case ("Texas v. Johnson"), nor under a courtesy title when
  the article uses both "Mr." and "Ms." with the surname ("Mr. Craig", "Ms. Craig"); a
  short head ("the Observatory") to the one organisation it ends ("Syrian Observatory for
  Human Rights"), except generic institutions that stand on their own
  (``STANDALONE_HEADS``: "the Senate", "the Supreme Court"), heads of a possessive phrase
  ("Lessig's Electoral College"), a plural word before a connector ("Veterans" is not
  "Concerned Veterans for America"), parts of two names joined by "and", and never from a
  person's full name ("Jeb Bush" is not "Jeb Bush & Associates"); place names never by a
  part ("Virginia" is not "West Virginia"). An acronym links by its initials only with
  three letters or more ("TP" may be anything). Each linked group gets one label by vote.
* :func:`resolve_entities` (corpus): one ``entity_id`` per canonical name. Names are
  compared after :func:`normalize_name` (case, accents, dots and hyphens ignored).
  Person names with stray words from NER errors ("House Nancy Pelosi") join the name
  they contain (the clearly commoner one when they hold two: "Crooked Hillary Clinton"
  -> "Hillary Clinton"; not two names run together); plural group names join their
  singular ("Republicans", "Republican"); person names differing only in particles are
  one ("Bashar Assad", "Bashar al-Assad"); a name known on its own across the corpus is
  not merged into a rare longer name an article linked it to ("the Fed" is not "Dallas
  Fed"); a surname or acronym left unlinked in one article follows the full name it was
  linked to in the other articles when that link is consistent (so does a surname the
  tagger mislabelled, "Trump" as ORG, when it is mostly linked); the alias tables apply
  (the built-in ``newscope/data/aliases.yaml`` of wire agencies and institutions, then
  the user's table from ``params.yaml`` ``entities.aliases``, which wins).

Alias table format (YAML; every section optional)::

    merge:            # canonical name: [names that mean it]
      Donald Trump: [Trump, Donald J. Trump]
    split: [Bush]     # names never merged into another entity, in or across articles
    ignore: [AI]      # names dropped from mentions and entities
    labels:           # force an entity's label
      Qusayr: GPE
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from spacy.tokens import Doc, Span, Token

from newscope.config import ConfigError
from newscope.records import Mention

log = logging.getLogger(__name__)

DETERMINERS = frozenset({"the", "a", "an"})
# Words of a title or honorific before a person's name ("Foreign Minister Sheikh ...").
# Royal and religious ranks that are part of how a person is named (King Salman, Pope
# Francis) are deliberately absent.
TITLE_WORDS = frozenset(
    """mr mrs ms miss mx dr prof sir dame lord lady rev reverend sheikh sheik shaikh emir
    ayatollah imam rabbi president vice prime deputy foreign defense defence interior finance
    minister secretary general attorney sen senator rep representative congressman
    congresswoman gov governor lt lieutenant gen col colonel maj capt captain sgt sergeant
    adm admiral cmdr commander chancellor mayor speaker leader chairman chairwoman chair
    ambassador envoy judge justice chief director commissioner officer detective sheriff
    spokesman spokeswoman spokesperson candidate nominee president-elect ex former late
    first treasurer comptroller auditor lawmaker delegate assemblyman assemblywoman councilman
    councilwoman councilmember superintendent inspector prosecutor secretary-general brig
    brigadier""".split()
)
POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
# Heads that stand on their own as a different institution ("the House" is not "the
# White House", "the Senate" is not "the Democratic Senate", "the Department" is not "the
# New Orleans Police Department", "State" is not "the Keystone State", "the Supreme Court"
# is not "the California Supreme Court", "Press" in "Press Secretary" is not the Associated
# Press, "the Union" is not always the European Union), so they are never linked to a
# longer name ending in them.
STANDALONE_HEADS = frozenset(
    """house senate congress caucus committee department court government administration party
    legislature assembly parliament ministry agency state press union""".split()
) | {"supreme court", "appeals court", "district court", "high court", "city council", "police department",
     "school board"}
_STANDALONE = {tuple(h.split()) for h in STANDALONE_HEADS}

# Labels by how a short form may link: person names by any part; organisation-like
# names by their head; places never by a part ("Virginia" is not "West Virginia").
_HEAD_LABELS = frozenset({"ORG", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT"})
_PLACE_LABELS = frozenset({"GPE", "LOC"})
_PLURAL = re.compile(r"[^su]s$")  # a plural head ("Veterans") is a common noun
# An acronym stands for a name of the same class ("S.C." is not the "Supreme Court").
_CLASS = {"PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place"}

# Tokens that never belong inside a name: a span across them is two names or junk
# ("Axios, Walmart", "Mandel Ngan/AFP", "✓ Andrew Yang").
_SEPARATOR = re.compile(r"^[;|/\\•·✓✔✗★☆©®™#@+=<>]+$")
_DASHES = frozenset({"-", "--", "–", "—"})
_AFTER_COMMA = frozenset({"inc", "llc", "ltd", "co", "corp", "jr", "sr", "lp", "plc", "ii", "iii"})
_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,6}$")
_PAREN_ACRONYM = re.compile(r"\s*\(\s*((?:[A-Z]\.?){2,6})\s*\)")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_WORD_SPLIT = re.compile(r"[\s\-‐‑–—]+")

_GENERATION = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Last words that turn a person's name into something else ("Martin Luther King Day",
# "Rayshard Brooks Shooting", "Jeb Bush & Associates"): such a name is not the person's.
_NAMED_AFTER = frozenset(
    """day act foundation center centre institute prize award library school university college
    bridge airport street avenue boulevard memorial park stadium hall doctrine rule amendment
    administration campaign family shooting killing murder death trial case scandal affair
    associates partners group company debate speech interview controversy era presidency""".split()
)

# Lower-case words of people's names ("Bashar al-Assad", "Osama bin Laden", "Charles de
# Gaulle"); any other lower-case word makes a PERSON span something else ("pro-Obama",
# "Reno v. Flores").
_NAME_PARTICLES = frozenset(
    "al el bin ibn bint ben abu de del della der den di da das dos du la le van von ter ten y zu".split()
)
_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’.\-‐‑])*")
_COMPOUND_ENDS = frozenset("era backed led style like based linked aligned allied appointed friendly".split())

_PROPAGATE_MIN_ARTICLES = 2
_PROPAGATE_MIN_SHARE = 0.75
_WELL_KNOWN_MIN_ARTICLES = 10
_WELL_KNOWN_RATIO = 5


def normalize_name(name: str) -> str:
    """Comparison form of a name: no accents, case, dots or apostrophes; other punctuation
    as spaces. ``normalize_name("U.S.") == normalize_name("US") == "us"``."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = re.sub(r"[.'’`]", "", s)
    return " ".join(re.sub(r"[^\w]+", " ", s).split())


def slugify(name: str) -> str:
    """Filesystem-safe slug of a name (ASCII letters, digits and hyphens)."""
    slug = "-".join(normalize_name(name).encode("ascii", "ignore").decode().split())
    return slug or hashlib.sha1(name.encode()).hexdigest()[:8]


def entity_id(name: str, label: str) -> str:
    """Stable id of a canonical entity, e.g. ``person-bashar-al-assad``.

    Long slugs are cut at 60 characters and suffixed with a short hash of the full name.
    """
    slug = slugify(name)
    if len(slug) > 60:
        slug = f"{slug[:60]}-{hashlib.sha1(normalize_name(name).encode()).hexdigest()[:8]}"
    return f"{label.lower()}-{slug}"


# --------------------------------------------------------------------------- per article


def _spaced_dash(tok: Token) -> bool:
    """A dash with a space beside it joins two names ("Paul Mounce - Corbis"); a hyphen
    inside a name ("Jean-Paul") has none."""
    return tok.text in _DASHES and (bool(tok.whitespace_) or (tok.i > 0 and bool(tok.doc[tok.i - 1].whitespace_)))


def _clean_pieces(ent: Span, text: str) -> list[tuple[int, int]]:
    """Character spans of ``ent`` after splitting at line breaks and trimming edges."""
    runs: list[list[Token]] = [[]]
    commas = ent.label_ not in _PLACE_LABELS | {"FAC"}  # "Washington, D.C." is one place
    for tok in ent:
        if tok.is_space or "\n" in tok.text or _SEPARATOR.match(tok.text) or _spaced_dash(tok) or (
            commas and tok.text == "," and tok.i + 1 < ent.end
            and tok.doc[tok.i + 1].lower_.rstrip(".") not in _AFTER_COMMA
        ):
            runs.append([])
        else:
            runs[-1].append(tok)
    person = ent.label_ == "PERSON"
    out = []
    for run in runs:
        while run and (run[0].is_punct or run[0].lower_ in DETERMINERS or run[0].lower_ in POSSESSIVE):
            run = run[1:]
        while run and (run[-1].is_punct or run[-1].lower_ in POSSESSIVE):
            run = run[:-1]
        if person:
            # "House Speaker Nancy Pelosi", "U.S. District Judge Timothy Kelly": cut through
            # the last title word among the first few, keeping at least one word.
            cut = max((i for i, t in enumerate(run[:-1][:5]) if t.lower_.rstrip(".") in TITLE_WORDS), default=-1)
            # "Fox's Megyn Kelly", "Wyoming's Mike Enzi": a person's name follows the possessive
            cut = max([cut] + [i for i, t in enumerate(run[:-1]) if t.lower_ in ("'s", "’s")])
            run = run[cut + 1 :]
            while len(run) > 1 and run[0].is_punct:
                run = run[1:]
            while len(run) > 1 and (run[-1].like_num or run[-1].is_punct):  # "Andrew Yang 12"
                run = run[:-1]
        if not run or all(t.is_stop and not t.is_upper for t in run):
            continue
        start, end = run[0].idx, run[-1].idx + len(run[-1].text)
        piece = text[start:end]
        if "\n" in piece or len(piece) < 2 or not any(c.isupper() for c in piece):
            continue
        out.append((start, end))
    return out


def _words(name: str) -> tuple[str, ...]:
    return tuple(w for w in _WORD_SPLIT.split(name) if w)


def _initials(words: tuple[str, ...]) -> set[str]:
    """Acronyms a name may have: initials of its capitalised words, or of all words."""
    caps = "".join(w[0] for w in words if w[0].isupper())
    every = "".join(w[0] for w in words).upper()
    return {caps.upper(), every}


def _acronym_fits(acronym: str, name: str) -> bool:
    """``acronym`` (dots removed) spells the initials of ``name``, or, more loosely,
    starts with its first letter and runs in order through its capital letters."""
    words = _words(name)
    if len(words) < 2:
        return False
    if acronym in _initials(words):
        return True
    caps = [c for c in name if c.isupper()]
    if not caps or caps[0] != acronym[0]:
        return False
    it = iter(caps)
    return all(ch in it for ch in acronym)


@dataclass
class _Form:
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


def _root(forms: dict[str, _Form], norm: str) -> str:
    """The form a chain of links ends at."""
    seen = set()
    while forms[norm].target and norm not in seen:
        seen.add(norm)
        norm = forms[norm].target
    return norm


_CAPITALISED_BEFORE = re.compile(r"\b([A-Z][\w.]*)[ \t]+$")
_COURTESY_TITLE = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?[ \t]+$")
_CASE_PARTY_BEFORE = re.compile(r"\bv\.[ \t]+$")  # "vs." is for races and games
_CASE_PARTY_AFTER = re.compile(r"[ \t]+v\.[ \t]")
_KIN_AFTER = re.compile(r"[ \t]+(?:family|families|brothers|sisters|clan|dynasty|siblings)\b", re.IGNORECASE)


def _first_name_link(forms: dict[str, _Form], f: _Form) -> bool:
    """Is ``f`` linked to a longer person name as its first word(s), not its surname?"""
    if f.target is None:
        return False
    own, full = f.low, forms[_root(forms, f.norm)].low
    return full[: len(own)] == own and full[-len(own) :] != own


def _person_name(f: _Form) -> bool:
    """Could this be a person's name? Not with a word that starts in lower case other than a
    particle ("pro-Obama", "Reno v. Flores"; "al-Assad" is fine), an English compound
    ("Bush-era"; "Kim Jong-un" is fine), a handle or digits ("Twitter @kbaker6"), nor when
    the last word names a thing after the person ("Rayshard Brooks Shooting")."""
    return f.low[-1] not in _NAMED_AFTER and not any(w in _COMPOUND_ENDS for w in f.low[1:]) and all(
        _NAME_WORD.fullmatch(w)
        and (w[0].isupper() or _WORD_SPLIT.split(w)[0].lower() in _NAME_PARTICLES or w[1:2] in ("'", "’"))
        for w in f.spaced
    )


def _glued(words: tuple[str, ...], labels: dict[tuple[str, ...], str]) -> bool:
    """Two names run together, not a name to link to: a person name with words after
    another person name of the article ("Roger Penske Trump", "Ilhan Omar Ilhan
    OmarHarris"), or a person name followed by an organisation or group the article names
    on its own ("Trump Twitter", "Reagan Conservative"). ``labels``: the article's forms
    (lower-case words -> label)."""
    n = len(words)
    person_inside = any(labels.get(words[i:j]) == "PERSON" for i in range(n - 1) for j in range(i + 2, n))
    return person_inside or any(
        labels.get(words[:i]) == "PERSON" and labels.get(words[i:]) in ("ORG", "NORP") for i in range(1, n)
    )


def _link_forms(forms: dict[str, _Form], definitions: dict[str, str]) -> None:
    """Set ``form.target`` (the normalised name a form stands for) by the linking rules."""
    person_parts: dict[tuple[str, ...], set[str]] = {}
    surnames: dict[tuple[str, ...], set[str]] = {}
    heads: dict[tuple[str, ...], set[str]] = {}
    labels = {f.low: f.label for f in forms.values()}
    for f in forms.values():
        n = len(f.words)
        if n < 2:
            continue
        low = f.low
        if f.label == "PERSON" and _person_name(f) and not _glued(low, labels):
            for i in range(n):
                for j in range(i + 1, n + 1):
                    if j - i < n:
                        person_parts.setdefault(low[i:j], set()).add(f.norm)
            for i in range(1, n):
                surnames.setdefault(low[i:], set()).add(f.norm)
        elif f.label in _HEAD_LABELS and len(f.spaced) > 1 and not any(w.endswith(tuple(POSSESSIVE))
                                                                     for w in f.spaced):
            # heads: the final words before any connector ("Syrian Observatory for Human
            # Rights" -> "Syrian Observatory", "Observatory"); a one-word part before a
            # connector is too generic ("State of the Union" -> "State"); none from a
            # possessive phrase ("Lessig's Electoral College" is not the Electoral College), no
            # plural word before a connector ("Veterans" is not "Concerned Veterans for
            # America") and none from two names joined by "and".
            sp = f.spaced
            k = next((i for i, w in enumerate(sp) if not w[0].isupper()), len(sp))
            if k < len(sp) and sp[k].lower() in ("and", "&"):
                continue  # two names joined: "Citadel Securities and Virtu Financial"
            for i in range(1, k) if k == len(sp) else range(k if k > 1 else 0):
                part = tuple(w.lower() for w in sp[i:k])
                if part not in _STANDALONE and not (len(part) == 1 and k < len(sp) and _PLURAL.search(part[0])):
                    heads.setdefault(part, set()).add(f.norm)

    for f in sorted(forms.values(), key=lambda f: -len(f.words)):
        low = f.low
        compact = "".join(f.words).replace(".", "")
        if f.norm in definitions and definitions[f.norm] in forms:
            candidates = {definitions[f.norm]}
        elif _ACRONYM.match("".join(f.words)) and len(compact) > 2:  # "TP" may be anything
            candidates = {
                g.norm for g in forms.values()
                if len(g.words) > 1 and _CLASS.get(g.label, "other") == _CLASS.get(f.label, "other")
                and not any(_ACRONYM.match(w) for w in g.words) and compact in _initials(g.words)
            }
        elif f.label == "PERSON" and low in person_parts:
            candidates = person_parts[low]
        elif f.label not in _PLACE_LABELS and low in surnames:
            candidates = surnames[low]
        elif (f.label not in _PLACE_LABELS | {"NORP"} and not (f.label == "PERSON" and len(f.words) > 1)
              and tuple(w.lower() for w in f.spaced) in heads):
            candidates = heads[tuple(w.lower() for w in f.spaced)]
        else:
            continue
        roots = {_root(forms, c) for c in candidates} - {f.norm}
        if len(roots) == 1:
            f.target = roots.pop()


def _add_repeats(doc: Doc, text: str, forms: dict[str, _Form], spans: list, norms: list) -> None:
    """Add the untagged repeats of names the article tagged elsewhere (NER misses some):
    exact, word-bounded occurrences ending in a proper noun and outside every entity."""
    taken = {s for s, _, _ in spans}
    found = []
    for form in forms.values():
        for surface in form.texts:
            i = text.find(surface)
            while i >= 0:
                j = i + len(surface)
                if (i not in taken and not (i and text[i - 1].isalnum()) and not (j < len(text) and text[j].isalnum())):
                    found.append((i, j, form))
                i = text.find(surface, i + 1)
    for i, j, form in found:
        span = doc.char_span(i, j)
        if span is None or span[-1].pos_ != "PROPN" or any(t.ent_type for t in span) or i in taken:
            continue
        taken.add(i)
        spans.append((i, j, form.label))
        norms.append(form.norm)
        form.texts[text[i:j]] += 1


def article_mentions(doc: Doc, labels: Sequence[str]) -> list[Mention]:
    """Cleaned, within-article-linked entity mentions of one parsed article.

    One :class:`~newscope.records.Mention` per mention: ``start``, ``end`` (character
    offsets into ``doc.text``), ``text`` (``doc.text[start:end]``), ``label`` (voted over
    the linked group), ``sentence`` (index in ``doc.sents``), ``paragraph`` (index of the
    blank-line separated paragraph) and ``key`` (the in-article canonical name).

    >>> rows = article_mentions(nlp("President Bashar al-Assad spoke. Assad left."), ["PERSON"])
    >>> [r.key for r in rows]  # doctest: +SKIP
    ['Bashar al-Assad', 'Bashar al-Assad']
    """
    wanted = set(labels)
    text = doc.text
    spans: list[tuple[int, int, str]] = []
    for ent in doc.ents:
        if ent.label_ in wanted:
            spans.extend((s, e, ent.label_) for s, e in _clean_pieces(ent, text))
    if not spans:
        return []

    forms: dict[str, _Form] = {}
    norms = []
    for s, e, label in spans:
        surface = text[s:e]
        norm = normalize_name(surface)
        form = forms.get(norm)
        if form is None:
            form = forms[norm] = _Form(norm, _words(surface), tuple(surface.split()))
        form.texts[surface] += 1
        form.labels[label] += 1
        norms.append(norm)

    # Acronyms the text defines right after a name: "Syrian National Council (SNC)".
    definitions: dict[str, str] = {}
    taken = {(s, e) for s, e, _ in spans}
    extra = []
    for (s, e, label), norm in zip(spans, norms):
        m = _PAREN_ACRONYM.match(text, e)
        if not m or len(forms[norm].words) < 2:
            continue
        acronym = m.group(1)
        if not _acronym_fits(acronym.replace(".", ""), text[s:e]):
            continue
        acr_norm = normalize_name(acronym)
        definitions.setdefault(acr_norm, norm)
        if not any(a < m.end(1) and m.start(1) < b for a, b in taken):  # not inside another span
            extra.append((m.start(1), m.end(1), label, acr_norm))
            form = forms.setdefault(acr_norm, _Form(acr_norm, _words(acronym), (acronym,)))
            form.texts[acronym] += 1
            form.labels[label] += 1
    for s, e, label, norm in extra:
        spans.append((s, e, label))
        norms.append(norm)

    _add_repeats(doc, text, forms, spans, norms)
    _link_forms(forms, definitions)

    # Canonical name and label of each linked group.
    groups: dict[str, list[_Form]] = {}
    for f in forms.values():
        groups.setdefault(_root(forms, f.norm), []).append(f)
    key_of, label_of = {}, {}
    for r, members in groups.items():
        votes = Counter()
        for f in members:
            votes.update(f.labels)
        top = max(votes.values())
        best = [lab for lab, n in votes.items() if n == top]
        label = forms[r].label if forms[r].label in best else best[0]
        for f in members:
            key_of[f.norm], label_of[f.norm] = forms[r].surface, label

    # A first name right after a capitalised word other than a title names someone else
    # ("Pope Francis", "Hurricane Michael" are not the article's "Francis Rooney", "Michael
    # Avenatti"; "Chairman Kim" is still "Kim Jong Un"); so does a party in a case title
    # ("Texas v. Johnson" is not the article's "Scott Johnson"), and a surname naming a
    # family ("the Sulzberger family", "the Wright brothers") is not one of its members.
    # "Mr. Craig" and "Ms. Craig" in one article are two members of a family: which one the
    # full name is cannot be told, so neither titled surname is linked to it.
    unlinked = set()
    titled: dict[str, list[tuple[int, bool]]] = {}
    for (s, e, _), norm in zip(spans, norms):
        f = forms[norm]
        if f.label != "PERSON" or f.target is None:
            continue
        if (_CASE_PARTY_BEFORE.search(text, max(0, s - 5), s) or _CASE_PARTY_AFTER.match(text, e)
                or _KIN_AFTER.match(text, e)):
            unlinked.add(s)
        elif _first_name_link(forms, f):
            before = _CAPITALISED_BEFORE.search(text, max(0, s - 40), s)
            if before and before.group(1).lower().rstrip(".") not in TITLE_WORDS:
                unlinked.add(s)
        if title := _COURTESY_TITLE.search(text, max(0, s - 6), s):
            titled.setdefault(_root(forms, norm), []).append((s, title.group(1) != "Mr"))
    for found in titled.values():
        if len({female for _, female in found}) == 2:
            unlinked.update(s for s, _ in found)

    sent_starts = [s.start_char for s in doc.sents] if doc.has_annotation("SENT_START") else [0]
    para_starts = [0] + [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
    rows = [
        Mention(
            start=s,
            end=e,
            text=text[s:e],
            label=forms[norm].label if s in unlinked else label_of[norm],
            sentence=bisect.bisect_right(sent_starts, s) - 1,
            paragraph=bisect.bisect_right(para_starts, s) - 1,
            key=text[s:e] if s in unlinked else key_of[norm],
        )
        for (s, e, _), norm in zip(spans, norms)
    ]
    rows.sort(key=lambda r: r.start)
    return rows


# --------------------------------------------------------------------------- alias tables


@dataclass
class AliasTable:
    """Normalised alias rules: ``merge`` alias -> canonical name, ``split``, ``ignore``,
    ``labels`` (normalised canonical name -> label)."""

    merge: dict[str, str] = field(default_factory=dict)
    split: set[str] = field(default_factory=set)
    ignore: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)

    def update(self, other: AliasTable) -> None:
        """Apply ``other`` on top of this table (its rules win)."""
        for name in other.split:
            self.merge.pop(name, None)
        self.merge.update(other.merge)
        self.split |= other.split
        self.ignore |= other.ignore
        self.labels.update(other.labels)


def _names(value: object, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ConfigError(f"{where}: expected a name or a list of names, got {value!r}")


def load_aliases(path: str | Path) -> AliasTable:
    """Read an alias table (format in this module's docstring), naming the file on error."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"alias table {path} (params.yaml: entities.aliases) does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with merge/split/ignore/labels")
    unknown = sorted(set(data) - {"merge", "split", "ignore", "labels"})
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(unknown)}; known: merge, split, ignore, labels")
    table = AliasTable()
    merge = data.get("merge") or {}
    if not isinstance(merge, dict):
        raise ConfigError(f"{path}: 'merge' must map a canonical name to a list of aliases")
    for canonical, aliases in merge.items():
        for alias in [canonical, *_names(aliases, f"{path}: merge.{canonical}")]:
            norm = normalize_name(alias)
            if table.merge.get(norm, canonical) != canonical:
                raise ConfigError(
                    f"{path}: {alias!r} is listed under both {table.merge[norm]!r} and {canonical!r} in 'merge'"
                )
            table.merge[norm] = str(canonical)
    table.split = {normalize_name(n) for n in _names(data.get("split"), f"{path}: split")}
    table.ignore = {normalize_name(n) for n in _names(data.get("ignore"), f"{path}: ignore")}
    labels = data.get("labels") or {}
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        raise ConfigError(f"{path}: 'labels' must map a name to a label such as GPE")
    table.labels = {normalize_name(k): v for k, v in labels.items()}
    return table


def builtin_aliases() -> AliasTable:
    """The alias table shipped with newscope (wire agencies and institutions)."""
    with resources.as_file(resources.files("newscope") / "data" / "aliases.yaml") as path:
        return load_aliases(path)


# --------------------------------------------------------------------------- corpus


def _map_norms(values: pd.Series, func) -> pd.Series:
    """Apply a Python function once per distinct value (vectorised look-up after)."""
    codes, uniques = pd.factorize(values)
    return pd.Series(np.array([func(u) for u in uniques], dtype=object)[codes], index=values.index)


def _person_article_counts(key_norm: pd.Series, label: pd.Series, article: pd.Series) -> pd.Series:
    """Number of articles per person name (``key_norm`` of PERSON mentions)."""
    people = pd.DataFrame({"k": key_norm, "a": article})[label.eq("PERSON").to_numpy()]
    return people.drop_duplicates().groupby("k").size()


def _contained_people(key_norm: pd.Series, label: pd.Series, article: pd.Series, table: AliasTable) -> dict:
    """Person names with extra words from NER span errors ("House Nancy Pelosi", "Add
    Donald Trump") -> the person name of >= 2 words they contain (the longest, when the
    others are inside it; else the one in twice as many articles as any other: "Crooked
    Hillary Clinton" -> "Hillary Clinton"), when that name is in at least twice as many
    articles.
    Left alone: two names run together ("Bernie Sanders Hillary Clinton"), a name followed
    by one more word, which is another person's surname ("Elizabeth Ann Seton"),
    generational suffixes ("Donald Trump Jr."), things named after people ("... Day") and
    names in the alias table."""
    known = _person_article_counts(key_norm, label, article).to_dict()
    out = {}
    for k, n in known.items():
        words = k.split()
        if len(words) < 3 or words[-1] in _GENERATION | _NAMED_AFTER or k in table.split or k in table.merge:
            continue
        found = {  # contained name -> its word range
            " ".join(words[i:j]): (i, j) for i in range(len(words)) for j in range(i + 2, len(words) + 1)
            if j - i < len(words) and known.get(" ".join(words[i:j]), 0) >= 2 * n
        }
        if any(a[1] <= b[0] for a in found.values() for b in found.values()):
            continue  # two names side by side
        longest = max(found, key=len, default=None)
        if longest and all(f" {f} " in f" {longest} " for f in found):  # one name, or nested ones
            best = longest
        elif found:  # overlapping candidates ("Crooked Hillary" / "Hillary Clinton"): a clear favourite
            best, *rest = sorted(found, key=lambda f: -known[f])
            if known[best] < 2 * max(known[f] for f in rest):
                continue
        else:
            continue
        if found[best] != (0, len(words) - 1):
            out[k] = best
    if out:
        log.info("resolve_entities: %d person names with extra words merged into the name they contain", len(out))
    return out


def _ends_with(longs: pd.Series, shorts: pd.Series) -> np.ndarray:
    """Is each short name the last word(s) of the long name beside it ("assad" of "bashar
    al assad")? Normalised names, compared word-wise."""
    return np.array([f" {k}".endswith(f" {t}") for t, k in zip(shorts, longs)], dtype=bool)


def _well_known_heads(text_norm: pd.Series, key_norm: pd.Series, label: pd.Series, article: pd.Series) -> pd.Series:
    """Mentions an article linked by their head to a rare longer name although the head is
    an entity of its own across the corpus ("the Fed" -> "Dallas Fed", "Medicare" ->
    "Privatizing Medicare", "White House" -> "Top White House"): the head named alone in
    at least ``_WELL_KNOWN_MIN_ARTICLES`` articles and ``_WELL_KNOWN_RATIO`` times as many
    as the longer name; not people ("Ford" stays "Christine Ford")."""
    linked = (text_norm != key_norm).to_numpy()
    if not linked.any():
        return pd.Series(False, index=text_norm.index)
    pairs = pd.DataFrame({"t": text_norm, "k": key_norm, "a": article, "label": label})
    alone = pairs[~linked].drop_duplicates(["t", "a"]).groupby("t").size()
    n_key = pairs.drop_duplicates(["k", "a"]).groupby("k").size()
    pairs["person"] = pairs["label"].eq("PERSON")
    person = pairs.groupby("t")["person"].mean() >= 0.5
    person_key = pairs.groupby("k")["person"].mean() >= 0.5
    cand = pairs[linked].drop_duplicates(["t", "k"])
    n_alone = cand["t"].map(alone).fillna(0)
    keep = (
        _ends_with(cand["k"], cand["t"])
        & (n_alone >= _WELL_KNOWN_MIN_ARTICLES).to_numpy()
        & (n_alone >= _WELL_KNOWN_RATIO * cand["k"].map(n_key)).to_numpy()
        & ~cand["t"].map(person).to_numpy(dtype=bool)
        & ~cand["k"].map(person_key).to_numpy(dtype=bool)
    )
    heads = pd.MultiIndex.from_frame(cand.loc[keep, ["t", "k"]])
    return pd.Series(pd.MultiIndex.from_arrays([text_norm, key_norm]).isin(heads), index=text_norm.index)


def _group_plurals(key_norm: pd.Series, label: pd.Series, table: AliasTable) -> dict:
    """Plural group names -> the singular seen in the corpus ("Republicans" -> "Republican",
    "Americans" -> "American"): for nationalities and groups (NORP) one entity, not two."""
    groups = set(key_norm[label.eq("NORP").to_numpy()])
    return {k: k[:-1] for k in groups if k.endswith("s") and k[:-1] in groups and k not in table.split}


def _particle_variants(key_norm: pd.Series, label: pd.Series, article: pd.Series, table: AliasTable) -> dict:
    """Person names that differ only in particles after the first name ("Bashar Assad",
    "Bashar al-Assad"; "Abdel Fattah el-Sisi", "Abdel Fattah al-Sisi") -> the one in most
    articles."""
    n_art = _person_article_counts(key_norm, label, article)
    names = n_art[[len(k.split()) > 1 and k not in table.split and k not in table.merge for k in n_art.index]]
    bare = pd.Series([" ".join([k.split()[0], *(w for w in k.split()[1:] if w not in _NAME_PARTICLES)])
                      for k in names.index], index=names.index)
    out = {}
    for _, keys in names.groupby(bare):
        if len(keys) > 1:
            best = keys.idxmax()
            out.update({k: best for k in keys.index if k != best})
    return out


def _mode(df: pd.DataFrame, by: list[str], col: str) -> pd.Series:
    """Commonest value of ``col`` per ``by`` group (ties: alphabetically first)."""
    counts = df.groupby([*by, col], sort=False).size().reset_index(name="n")
    counts = counts.sort_values(["n", col], ascending=[False, True], kind="stable").drop_duplicates(by)
    return counts.set_index(by)[col]


def resolve_entities(
    mentions: pd.DataFrame, aliases: str | Path | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One ``entity_id`` per canonical entity across the corpus.

    ``mentions`` are :func:`article_mentions` rows of many articles; ``aliases`` is the
    user's alias table (YAML), applied over the built-in one. Returns ``mentions`` with
    an ``entity_id`` column (rows of ignored names dropped, ``key`` left as linked in the
    article) and the ``entities`` table: ``entity_id``, ``name``, ``label`` (majority),
    ``aliases`` (other spellings seen, commonest first), ``n_mentions``, ``n_articles``.
    """
    table = builtin_aliases()
    if aliases:
        table.update(load_aliases(aliases))
    entity_cols = ["entity_id", "name", "label", "aliases", "n_mentions", "n_articles"]
    if mentions.empty:
        out = mentions.assign(entity_id=pd.Series(dtype="string"))
        return out, pd.DataFrame({c: pd.Series(dtype=object) for c in entity_cols})

    m = mentions.reset_index(drop=True)
    text_norm = _map_norms(m["text"], normalize_name)
    key_norm = _map_norms(m["key"], normalize_name)
    surface = m["key"].copy()
    if table.split:  # split names stand alone, even where the article linked them
        undo = text_norm.isin(table.split)
        key_norm, surface = key_norm.mask(undo, text_norm), surface.mask(undo, m["text"])

    def aliased(norm: pd.Series, surf: pd.Series) -> tuple[pd.Series, pd.Series]:
        canon = norm.map(table.merge)
        hit = canon.notna()
        return norm.mask(hit, _map_norms(canon[hit], normalize_name)), surf.mask(hit, canon)

    heads = _well_known_heads(text_norm, key_norm, m["label"], m["article_id"])
    if heads.any():
        log.info("resolve_entities: %d mentions of well-known names unlinked from rare longer names", heads.sum())
        key_norm, surface = key_norm.mask(heads, text_norm), surface.mask(heads, m["text"])
    key_norm, surface = aliased(key_norm, surface)

    contained = _contained_people(key_norm, m["label"], m["article_id"], table)
    if contained:
        key_norm = key_norm.map(contained).fillna(key_norm)
    plurals = _group_plurals(key_norm, m["label"], table)
    if plurals:
        key_norm = key_norm.map(plurals).fillna(key_norm)
    variants = _particle_variants(key_norm, m["label"], m["article_id"], table)
    if variants:
        key_norm = key_norm.map(variants).fillna(key_norm)

    # A surname or acronym left alone in an article follows the full name it was linked
    # to elsewhere, when at least 2 articles and 75% of its linking articles agree.
    # (Not first names, "Robert", nor heads, "Court": they name different ones elsewhere.)
    # A surname the tagger mislabelled ("Trump" is often ORG, "Pelosi" GPE) follows a person
    # too, as a person, when it is linked in at least as many articles as it stands alone
    # under another label.
    linked = text_norm != key_norm
    acronym = m["text"].str.fullmatch(_ACRONYM.pattern).fillna(False)
    person = m["label"].eq("PERSON")
    links = (
        pd.DataFrame({"a": m["article_id"], "s": text_norm, "k": key_norm, "surf": surface, "acr": acronym,
                      "person": person})[linked]
        .drop_duplicates(["a", "s", "k"])
        .groupby(["s", "k"], sort=False)
        .agg(n=("a", "size"), surf=("surf", "first"), acr=("acr", "max"), person=("person", "mean"))
        .reset_index()
    )
    if len(links):
        links["share"] = links["n"] / links.groupby("s")["n"].transform("sum")
        links = links[(links["n"] >= _PROPAGATE_MIN_ARTICLES) & (links["share"] >= _PROPAGATE_MIN_SHARE)
                      & (links["acr"] | _ends_with(links["k"], links["s"]))]
        links = links[~links["s"].isin(table.split)].set_index("s")
        n_alone = pd.DataFrame({"s": text_norm, "a": m["article_id"]})[~linked & ~person].drop_duplicates().groupby("s").size()
        person_link = (links["person"] >= 0.5) & (links["n"] >= n_alone.reindex(links.index).fillna(0))
        mislabelled = key_norm.map(person_link).eq(True) & ~person
        alone = ~linked & (person | acronym | mislabelled) & key_norm.isin(links.index)
        if alone.any():
            log.info("resolve_entities: %d unlinked short-form mentions follow their corpus-wide link", alone.sum())
            m.loc[alone & mislabelled, "label"] = "PERSON"
            short = key_norm[alone]
            key_norm, surface = key_norm.mask(alone, short.map(links["k"])), surface.mask(alone, short.map(links["surf"]))
            key_norm, surface = aliased(key_norm, surface)

    keep = ~(text_norm.isin(table.ignore) | key_norm.isin(table.ignore))
    if (~keep).any():
        log.info("resolve_entities: %d mentions of ignored names dropped", (~keep).sum())
    m, key_norm, surface = m[keep].reset_index(drop=True), key_norm[keep].reset_index(drop=True), surface[keep].reset_index(drop=True)

    work = pd.DataFrame({"g": key_norm, "surf": surface, "text": m["text"], "label": m["label"], "a": m["article_id"]})
    name = _mode(work, ["g"], "surf")
    label = _mode(work, ["g"], "label")
    # one label per entity and article, by vote (names merged here may have differed)
    in_article = _mode(work, ["a", "g"], "label").rename("voted").reset_index()
    m["label"] = work[["a", "g"]].merge(in_article, on=["a", "g"], how="left")["voted"].to_numpy()
    if table.labels:
        label = pd.Series(table.labels).reindex(label.index).fillna(label)
        forced = key_norm.map(table.labels)
        m["label"] = forced.fillna(m["label"]).to_numpy()
    stats = work.groupby("g").agg(n_mentions=("a", "size"), n_articles=("a", "nunique"))
    spellings = work.groupby(["g", "text"], sort=False).size().reset_index(name="n")
    spellings = spellings.sort_values(["g", "n", "text"], ascending=[True, False, True])
    spellings = spellings[spellings["text"] != spellings["g"].map(name)]
    alias_lists = spellings.groupby("g")["text"].agg(list)

    ent = stats.assign(name=name, label=label)
    ent["aliases"] = alias_lists.reindex(ent.index)
    ent["aliases"] = ent["aliases"].apply(lambda v: v if isinstance(v, list) else [])
    ids = pd.Series([entity_id(n, lab) for n, lab in zip(ent["name"], ent["label"])], index=ent.index)
    clash = ids.duplicated(keep=False)  # slugs equal only when non-ASCII letters differ
    ids[clash] = [f"{i}-{hashlib.sha1(g.encode()).hexdigest()[:8]}" for i, g in zip(ids[clash], ids.index[clash])]
    ent["entity_id"] = ids
    m["entity_id"] = key_norm.map(ent["entity_id"]).to_numpy()
    entities = ent.reset_index(drop=True)[entity_cols].sort_values(
        ["n_articles", "n_mentions", "entity_id"], ascending=[False, False, True], ignore_index=True
    )
    return m, entities
