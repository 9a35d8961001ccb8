"""The entity mentions of one article (per article, cached): :func:`article_mentions`.

spaCy's entity spans are cleaned (:mod:`newscope.entities.spans`), names the model split
or tagged in part are made whole (``joined_names.tsv``), words glued before a name the
article names on its own are cut ("Maybe Delta Force"); acronyms the text
defines and untagged repeats of tagged names are added; the names are linked within the
article (:mod:`newscope.entities.linking`); each linked group gets one name and one label
by vote; mentions whose context shows they name someone else are unlinked again.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from spacy.tokens import Doc

from newscope.entities.linking import Form, first_name_link, link_forms, root
from newscope.entities.names import acronym_fits, is_title, name_words, normalize_name
from newscope.entities.spans import clean_pieces, cut_glued_words
from newscope.lexicon import rows as word_table
from newscope.lexicon import words
from newscope.records import Mention

_PAREN_ACRONYM = re.compile(r"\s*\(\s*((?:[A-Z]\.?){2,6})\s*\)")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_CAPITALISED_BEFORE = re.compile(r"\b([A-Z][\w.]*)[ \t]+$")
_COURTESY_TITLE = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?[ \t]+$")
_CASE_PARTY_BEFORE = re.compile(r"\bv\.[ \t]+$")  # "vs." is for races and games
_CASE_PARTY_AFTER = re.compile(r"[ \t]+v\.[ \t]")
_JOINED_NAMES = tuple((r["name"], r["label"]) for r in word_table("joined_names"))
_KIN_AFTER = re.compile(rf"[ \t]+(?:{'|'.join(sorted(map(re.escape, words('kin_words'))))})\b", re.IGNORECASE)


class _Span(NamedTuple):
    """A name span of the article and the normalised name of its form."""

    start: int
    end: int
    label: str
    norm: str


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
    text = doc.text
    spans, forms = _tagged_spans(doc, set(labels))
    if not spans:
        return []
    definitions = _add_defined_acronyms(text, spans, forms)
    _add_repeats(doc, spans, forms)
    link_forms(forms, definitions)
    key_of, label_of = _group_names(forms)
    unlinked = _named_otherwise(text, spans, forms)
    return _mention_rows(doc, spans, forms, key_of, label_of, unlinked)


def _tagged_spans(doc: Doc, wanted: set[str]) -> tuple[list[_Span], dict[str, Form]]:
    """The cleaned entity spans with a wanted label, and their forms by normalised name."""
    text = doc.text
    pieces = cut_glued_words(_joined([(s, e, ent.label_) for ent in doc.ents if ent.label_ in wanted
                                      for s, e in clean_pieces(ent, text)], text), text)
    forms: dict[str, Form] = {}
    return [_Span(s, e, label, _count(forms, text[s:e], label)) for s, e, label in pieces], forms


def _joined(pieces: list[tuple[int, int, str]], text: str) -> list[tuple[int, int, str]]:
    """Pieces with each listed name the model split or tagged in part made whole again
    ("Islamic" + "State", or "Islamic" alone, -> "Islamic State" ORG; ``joined_names.tsv``):
    a piece that starts a listed name written out in the text covers it, with its label."""
    out: list[tuple[int, int, str]] = []
    for s, e, label in sorted(pieces):
        if out and s < out[-1][1]:
            continue  # inside a name made whole
        for name, name_label in _JOINED_NAMES:
            end = s + len(name)
            if (end > e and text[s:end].casefold() == name.casefold()
                    and not text[end:end + 1].isalnum()):
                e, label = end, name_label
                break
        out.append((s, e, label))
    return out


def _count(forms: dict[str, Form], surface: str, label: str) -> str:
    """Count one mention of ``surface`` in its form (created when new); return its norm."""
    norm = normalize_name(surface)
    form = forms.get(norm)
    if form is None:
        form = forms[norm] = Form(norm, name_words(surface), tuple(surface.split()))
    form.texts[surface] += 1
    form.labels[label] += 1
    return norm


def _add_defined_acronyms(text: str, spans: list[_Span], forms: dict[str, Form]) -> dict[str, str]:
    """Acronyms the text defines right after a name: "Syrian National Council (SNC)".
    Adds the acronym's mention when no span covers it; returns acronym -> name."""
    definitions: dict[str, str] = {}
    taken = {(s.start, s.end) for s in spans}
    extra = []
    for s, e, label, norm in spans:
        m = _PAREN_ACRONYM.match(text, e)
        if not m or len(forms[norm].words) < 2:
            continue
        acronym = m.group(1)
        if not acronym_fits(acronym.replace(".", ""), text[s:e]):
            continue
        definitions.setdefault(normalize_name(acronym), norm)
        if not any(a < m.end(1) and m.start(1) < b for a, b in taken):  # not inside another span
            extra.append(_Span(m.start(1), m.end(1), label, _count(forms, acronym, label)))
    spans.extend(extra)
    return definitions


def _add_repeats(doc: Doc, spans: list[_Span], forms: dict[str, Form]) -> None:
    """Add the untagged repeats of names the article tagged elsewhere (NER misses some):
    exact, word-bounded occurrences ending in a proper noun and outside every entity."""
    text = doc.text
    taken = {s.start for s in spans}
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
        spans.append(_Span(i, j, form.label, form.norm))
        form.texts[text[i:j]] += 1


def _group_names(forms: dict[str, Form]) -> tuple[dict[str, str], dict[str, str]]:
    """Canonical name and label of each linked group, by form: the root's spelling, and
    the label most of the group's mentions have (the root's on a tie)."""
    groups: dict[str, list[Form]] = {}
    for f in forms.values():
        groups.setdefault(root(forms, f.norm), []).append(f)
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
    return key_of, label_of


def _named_otherwise(text: str, spans: list[_Span], forms: dict[str, Form]) -> set[int]:
    """Starts of linked person mentions whose context shows they name someone else."""
    # A first name right after a capitalised word other than a title names someone else
    # ("Pope Francis", "Hurricane Michael" are not the article's "Francis Rooney", "Michael
    # Avenatti"; "Chairman Kim" is still "Kim Jong Un"); so does a party in a case title
    # ("Texas v. Johnson" is not the article's "Scott Johnson"), and a surname naming a
    # family ("the Sulzberger family", "the Wright brothers") is not one of its members.
    # "Mr. Craig" and "Ms. Craig" in one article are two members of a family: which one the
    # full name is cannot be told, so neither titled surname is linked to it.
    unlinked = set()
    titled: dict[str, list[tuple[int, bool]]] = {}
    for s, e, _, norm in spans:
        f = forms[norm]
        if f.label != "PERSON" or f.target is None:
            continue
        if (_CASE_PARTY_BEFORE.search(text, max(0, s - 5), s) or _CASE_PARTY_AFTER.match(text, e)
                or _KIN_AFTER.match(text, e)):
            unlinked.add(s)
        elif first_name_link(forms, f):
            before = _CAPITALISED_BEFORE.search(text, max(0, s - 40), s)
            if before and not is_title(before.group(1)):
                unlinked.add(s)
        if title := _COURTESY_TITLE.search(text, max(0, s - 6), s):
            titled.setdefault(root(forms, norm), []).append((s, title.group(1) != "Mr"))
    for found in titled.values():
        if len({female for _, female in found}) == 2:
            unlinked.update(s for s, _ in found)
    return unlinked


def _mention_rows(doc: Doc, spans: list[_Span], forms: dict[str, Form], key_of: dict[str, str],
                  label_of: dict[str, str], unlinked: set[int]) -> list[Mention]:
    """One mention per span, in text order: linked to its group's name and label, or,
    when ``unlinked``, standing for itself."""
    text = doc.text
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
        for s, e, _, norm in spans
    ]
    rows.sort(key=lambda r: r.start)
    return rows
