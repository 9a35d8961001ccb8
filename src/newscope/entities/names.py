"""Names as strings: the comparison form, entity ids, and the shape of a name (its words,
initials, whether it can be a person's name).

The name vocabularies are word lists in ``newscope/data/words/`` (titles, particles,
generation suffixes, ...); the place for new person-name rules (middle names, nicknames)
is here, beside :func:`looks_like_person_name`.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

import gender_guesser.detector
from nicknames import NickNamer

from newscope.lexicon import rows, words

# Words of a title or honorific before a person's name ("Foreign Minister Sheikh ...").
TITLES = words("titles")
# Lower-case words of people's names ("Bashar al-Assad", "Osama bin Laden", "Charles de
# Gaulle"); any other lower-case word makes a PERSON span something else ("pro-Obama",
# "Reno v. Flores").
NAME_PARTICLES = words("name_particles")
# "Donald Trump Jr.": the suffix is part of the person's own name.
GENERATION_SUFFIXES = words("generation_suffixes")
# Last words that turn a person's name into something else ("Martin Luther King Day",
# "Rayshard Brooks Shooting", "Jeb Bush & Associates"): such a name is not the person's.
NAMED_AFTER = words("named_after")
MEDIA_WORDS = words("media_words")  # "Houston Chronicle" is no person
# Courtesy titles that say a person's gender ("Mr.", "Ms.", "Lord"), lower case without the dot.
TITLE_GENDER = {r["title"]: r["gender"] for r in rows("gendered_titles")}
# "Bush-era", "Trump-backed": a compound on a name, not a name.
COMPOUND_ENDS = words("compound_ends")

ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,6}$")
_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’.\-‐‑])*")
_WORD_SPLIT = re.compile(r"[\s\-‐‑–—]+")


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


def is_title(word: str) -> bool:
    """Is ``word`` a title or honorific ("Sen.", "President"), case and final dot ignored?"""
    return word.lower().rstrip(".") in TITLES


def name_words(name: str) -> tuple[str, ...]:
    """The words of a name, split at spaces and hyphens ("Jean-Paul Sartre" has three)."""
    return tuple(w for w in _WORD_SPLIT.split(name) if w)


def initials(words: tuple[str, ...]) -> set[str]:
    """Acronyms a name may have: initials of its capitalised words, or of all words."""
    caps = "".join(w[0] for w in words if w[0].isupper())
    every = "".join(w[0] for w in words).upper()
    return {caps.upper(), every}


def acronym_fits(acronym: str, name: str) -> bool:
    """``acronym`` (dots removed) spells the initials of ``name``, or, more loosely,
    starts with its first letter and runs in order through its capital letters."""
    words = name_words(name)
    if len(words) < 2:
        return False
    if acronym in initials(words):
        return True
    caps = [c for c in name if c.isupper()]
    if not caps or caps[0] != acronym[0]:
        return False
    it = iter(caps)
    return all(ch in it for ch in acronym)


def looks_like_person_name(low: tuple[str, ...], spaced: tuple[str, ...]) -> bool:
    """Could a name be a person's? ``low``: its words in lower case, split at spaces and
    hyphens; ``spaced``: its words split at spaces only. Not with a word that starts in
    lower case other than a particle ("pro-Obama", "Reno v. Flores"; "al-Assad" is fine),
    an English compound ("Bush-era"; "Kim Jong-un" is fine), a handle or digits ("Twitter
    @kbaker6"), nor when the last word names a thing after the person ("Rayshard Brooks
    Shooting")."""
    return low[-1] not in NAMED_AFTER and not any(w in COMPOUND_ENDS for w in low[1:]) and all(
        _NAME_WORD.fullmatch(w)
        and (w[0].isupper() or _WORD_SPLIT.split(w)[0].lower() in NAME_PARTICLES or w[1:2] in ("'", "’"))
        for w in spaced
    )


@functools.cache
def _gender_detector() -> gender_guesser.detector.Detector:
    return gender_guesser.detector.Detector(case_sensitive=False)


def first_name_gender(name: str) -> str:
    """The gender-guesser list's verdict on the first word of ``name``: ``male``,
    ``female``, ``mostly_male``, ``mostly_female``, ``andy`` (either) or ``unknown``."""
    first = name.split()[0] if name.split() else ""
    return _gender_detector().get_gender(first) if first.isalpha() else "unknown"


def named_like_person(name: str) -> bool:
    """A two- or three-word name whose first word is clearly a first name ("Thomas Lynch",
    "Roger Ailes", whatever label the model gave them), not a thing named after a person
    ("Gracie Mansion", "Clinton Administration") nor an outlet ("Houston Chronicle")."""
    parts = name.split()
    return (2 <= len(parts) <= 3 and parts[-1].lower() not in NAMED_AFTER | MEDIA_WORDS
            and first_name_gender(name) in ("male", "female"))



@functools.cache
def _nicknamer() -> NickNamer:
    return NickNamer()


def nickname_of(name: str, other: str) -> bool:
    """Is one of two lower-case first names a nickname of the other, a formal name
    ("bernie", "bernard"), by the nicknames dataset? Two nicknames of one formal name are
    two people ("willie", "bill": Willie Nelson is not Bill Nelson)."""
    nicknamer = _nicknamer()
    return ((name in nicknamer.nicknames_of(other) and _formal(other))
            or (other in nicknamer.nicknames_of(name) and _formal(name)))


def _formal(name: str) -> bool:
    """Is a first name formal: the dataset gives it as a nickname of no longer name
    ("william"; not "bill", a nickname of "william")?"""
    return all(len(c) <= len(name) for c in _nicknamer().canonicals_of(name))
