"""Cleaning of one article's body text, and boilerplate learned from a corpus.

``clean_article`` turns raw body text into paragraphs of lines, in this order (each step
but normalisation can be switched off in ``CleanSettings``):

1. **normalise** (always): mojibake repaired (UTF-8 read as Windows-1252); Unicode NFC; every Unicode space, tab and no-break space to one
   ASCII space; CR/CRLF/NEL/line and paragraph separators to ``\\n``; zero-width spaces, BOMs,
   soft hyphens and control characters dropped; lines stripped. Quote characters are never
   touched. Paragraphs are blocks separated by a blank line; lines inside a block are kept.
2. **furniture** (``furniture``): whole lines matching a pattern of ``data/words/furniture.txt``
   (comment widgets, "Download the ... App", the AI-summary notice, share/subscribe/newsletter
   lines, copyright lines, "Story Continued Below", caption toggles, separators) are removed, and so
   is a leading "Story highlights" block of bullet paragraphs. Inline, a hover name box
   (The Hill's, also in its syndicated columns) is cut back to the name it hovers over:
   "Sen. Orrin Hatch Orrin Grant HatchTrump to award ... GOP senators MORE (R-Utah)" ->
   "Sen. Orrin Hatch (R-Utah)".
3. **credits** (``capture_credits``): before removing them, an agency line ("Agence
   France-Presse" -> ``agency="AFP"``), a byline ("By Jane Doe" -> ``authors``), a
   contribution line ("The Associated Press contributed to this report." -> ``agency="AP"``),
   a Reuters-style "(Reporting by ...)" line, a dateline prefix ("DAMASCUS, Syria –" ->
   ``dateline="DAMASCUS, Syria"``; "WASHINGTON (AP) —" also gives ``agency="AP"``, "(CNN) --"
   gives ``credit="CNN"``) and a trailing outlet credit ("– Rappler.com" ->
   ``credit="Rappler.com"``) are captured. Agencies and their spellings are in
   ``data/words/agencies.tsv``.
4. **repeated paragraphs** (``dedup_paragraphs``): a paragraph whose letters and digits
   repeat an earlier one is dropped. A paragraph before the dateline (a standfirst or an
   AI summary of the lede) that repeats a body paragraph is dropped in favour of the body copy;
   a first paragraph repeating the title is dropped.

``learn_boilerplate`` finds lines that recur in a large share of one outlet's articles and
``remove_learned`` drops them (step 5, ``learned_boilerplate``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from newscope.config import CleanSettings
from newscope.lexicon import rows, words

#: Lines longer than this are never page furniture or credit lines.
BOILERPLATE_MAX_CHARS = 300
#: Paragraphs shorter than this (letters and digits) are never dropped as repeats.
DEDUP_MIN_CHARS = 20
#: How many leading paragraphs may hold the agency line, byline or dateline.
HEADER_PARAGRAPHS = 4


def _agencies() -> dict[str, tuple[str, ...]]:
    spellings: dict[str, tuple[str, ...]] = {}
    for row in rows("agencies"):
        spellings[row["agency"]] = (*spellings.get(row["agency"], ()), row["spelling"])
    return spellings


#: Wire agencies: canonical name -> spellings found in credits and datelines (``agencies.tsv``).
AGENCIES: dict[str, tuple[str, ...]] = _agencies()
_ALIAS_TO_AGENCY = {alias.casefold(): name for name, aliases in AGENCIES.items() for alias in aliases}
# Short all-caps acronyms must match case-sensitively ("AP" but not "ap"), long names need not.
_ALIAS_RE = "|".join(
    sorted((re.escape(a) if len(a) > 4 else f"(?-i:{re.escape(a)})" for al in AGENCIES.values() for a in al),
           key=len, reverse=True)
)

#: Whole-line page furniture (matched case-insensitively against the stripped line; ``furniture.txt``).
FURNITURE_PATTERNS: tuple[str, ...] = tuple(sorted(words("furniture")))
_PHOTO_CREDIT = re.compile(r".{0,250}\bCredit(?:\.\.\.|…) ?.{1,80}")  # NYT captions: "... Credit... Name/Agency"
# Newsletter and sign-up widgets anywhere in a line that also names a newsletter, inbox or e-mail.
_WIDGET = re.compile(
    r"(?=.*\b(?:newsletters?|inbox|e-?mails?)\b).*\b(?:sign up (?:here|today|now)|email sign up|by signing up"
    r"|subscribe here|sign up for our|sign up for (?:the )?[\w’' -]{0,40}(?:newsletter|email|briefing)"
    r"|click here to (?:sign up|subscribe))\b",
    re.IGNORECASE,
)
_FURNITURE = re.compile("|".join(f"(?:{p})" for p in FURNITURE_PATTERNS), re.IGNORECASE)

# A hover name box: the shown name, the full legal name (capitalised words) ending in the
# same surname, then the person's latest headlines, then " MORE" (not an all-caps "DO
# MORE" headline).
_PARTICLES = "|".join(map(re.escape, sorted(words("name_particles"))))  # "de", "van", "al"...
_BOX_WORD = rf"(?:[A-Z(][\w.'’()-]*|{_PARTICLES})"
_NAME_BOX = re.compile(
    rf"\b(?P<name>[A-Z][\w'’-]+)(?P<box> ?{_BOX_WORD}(?: {_BOX_WORD}){{0,4}}? (?P=name) ?(?=[A-Z0-9'‘\"“])"
    r"[^\n]{0,700}?[a-z0-9'’”\"?!:)] MORE\b)"
)
_CAPITAL_WORD = re.compile(r"\b[A-Z]")
_CAPTION = re.compile(r"FILE(?: PHOTO)? ?[-–—_]+ ?(?:In this|This)\b")
_AGENCY_LINE = re.compile(rf"(?:by |with )?(?:{_ALIAS_RE})(?: (?:news|wire|staff))?\.?", re.IGNORECASE)
_BYLINE = re.compile(r"[Bb][Yy]\s+(?P<who>[A-Z][\w.'’-]*(?:(?:\s+|,\s*|\s+and\s+)[A-Z][\w.'’-]*){0,7})")
_CONTRIBUTED = re.compile(
    r".{0,200}\bcontributed (?:to this (?:report|story|article)|reporting)\b.*|contributing: .*"
    r"|material from .{1,80} (?:was|is) used in this (?:report|story|article)\.?"
    r"|\((?:additional )?(?:reporting|writing|editing) by .*\)",
    re.IGNORECASE,
)
_AGENCY_MENTION = re.compile(rf"\b(?:{_ALIAS_RE})\b", re.IGNORECASE)
_PLACE_CAPS = r"[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}(?:, ?[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2}){0,2}"
_PLACE_TITLE = r"[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,2}(?:, ?[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2}){0,2}"
_SRC = r"\((?P<src>[A-Za-z][\w .&-]{0,40})\)"
# "DAMASCUS, Syria –", "WASHINGTON (AP) —", "(CNN) --"; with a source in brackets the place may be
# in title case and the dash may be missing ("Washington (CNN) The ...").
_DATELINE = re.compile(
    rf"(?:(?P<place>{_PLACE_CAPS})? ?(?:{_SRC})? ?(?:–|—|--?)(?: |(?=[A-Z\"“‘']))"
    rf"|(?P<place2>{_PLACE_TITLE})? ?\((?P<src2>[A-Za-z][\w .&-]{{0,40}})\) ?(?:(?:–|—|--?) ?|(?=[A-Z\"“‘'])))"
)
_HIGHLIGHTS = re.compile(r"story highlights ", re.IGNORECASE)
_SENTENCE_END = (".", "!", "?", '"', "”", "’", "'", ")", ":")
_CREDIT_TLD = r"\.(?:com|net|org|info|news|ph|co\.uk|uk|au|ca|in|io)"  # of a credit: "Rappler.com"
_CREDIT = re.compile(
    rf"(?:^|\s)(?:–|—|--?) ?(?:(?P<agency>{_ALIAS_RE}) ?/ ?)?"
    rf"(?P<credit>[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)*{_CREDIT_TLD})\s*$"
)
_CREDIT_TLD_END = re.compile(_CREDIT_TLD + "$")

_TRANSLATE = {ord(c): " " for c in "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
              "\u2009\u200a\u202f\u205f\u3000"}
_TRANSLATE.update({ord(c): "\n" for c in "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028"})
_TRANSLATE[0x2029] = "\n\n"
_TRANSLATE.update({ord(c): None for c in "\u200b\u2060\ufeff\u00ad"})
_TRANSLATE.update({c: None for c in [*range(0x00, 0x09), 0x0E, 0x0F, *range(0x10, 0x1C), 0x1F, 0x7F,
                                      *range(0x80, 0x85), *range(0x86, 0xA0)]})
_CP1252_BYTE = {bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
_MOJIBAKE_CHARS = "\u0080-\u00ff" + "".join(_CP1252_BYTE)
_MOJIBAKE = re.compile("[ÂÃâ][\u0080-\u00bf" + "".join(_CP1252_BYTE) + "]")
_MOJIBAKE_RUN = re.compile(f"[{_MOJIBAKE_CHARS}]{{2,}}")
_SPECIAL = re.compile("[" + re.escape("".join(map(chr, _TRANSLATE))) + "]")
_SPACES = re.compile(r" {2,}")
_LINE_EDGES = re.compile(r" ?\n ?")
_PARA_BREAK = re.compile(r"\n{2,}")
_FOLD_CHARS = "‘’‚‛“”„‟«»‹›–—―‐‑…•·"
_ASCII_PUNCT = bytes(c if chr(c).isalnum() or c >= 0x80 else 0x20 for c in range(256))
_DIGIT = re.compile(r"\d")


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as Windows-1252/Latin-1 ("Obamaâ€™s" -> "Obama’s"), however many times over.

    Only runs of such characters that decode as UTF-8 are replaced; other text is left alone.
    """

    def repair(match: re.Match) -> str:
        run = match[0]
        while True:  # each successful decoding shortens the run
            try:
                fixed = bytes(ord(c) if ord(c) < 256 else _CP1252_BYTE[c] for c in run).decode("utf-8")
            except (UnicodeDecodeError, KeyError):
                break
            if fixed == run:
                break
            run = fixed
        return run

    return _MOJIBAKE_RUN.sub(repair, text) if _MOJIBAKE.search(text) else text


def normalize_text(text: str) -> str:
    """NFC, one kind of space, ``\\n`` line ends, no invisible characters, mojibake repaired;
    quote characters are otherwise untouched. Idempotent."""
    text = text.replace("\r\n", "\n")
    for _ in range(5):  # each step can expose work for another; stop at the fixed point
        before = text
        text = fix_mojibake(text)
        if _SPECIAL.search(text):  # str.translate is slow; most texts need nothing
            text = text.translate(_TRANSLATE)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if text is before or text == before:
            break
    if "  " in text:
        text = _SPACES.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = _LINE_EDGES.sub("\n", text)
    if "\n\n\n" in text:
        text = _PARA_BREAK.sub("\n\n", text)
    return text.strip()


def split_paragraphs(text: str) -> list[list[str]]:
    """Normalised text -> paragraphs (blank-line separated) -> lines."""
    return [p.split("\n") for p in _PARA_BREAK.split(text) if p]


def join_paragraphs(paragraphs: Iterable[list[str]]) -> str:
    """Inverse of :func:`split_paragraphs`."""
    return "\n\n".join("\n".join(p) for p in paragraphs)


def line_key(line: str) -> str:
    """Key under which boilerplate lines are counted: case-folded, digits as 0."""
    return _DIGIT.sub("0", line.casefold().strip())


def fold(text: str) -> bytes:
    """Case-folded UTF-8 with ASCII punctuation and common quotes and dashes as spaces."""
    text = text.casefold()
    for char in _FOLD_CHARS:
        if char in text:
            text = text.replace(char, " ")
    return text.encode("utf-8", "surrogatepass").translate(_ASCII_PUNCT)


def paragraph_key(lines: list[str]) -> bytes:
    """Key for repeated-paragraph detection: words only, case-folded, quotes ignored."""
    return b" ".join(fold(" ".join(lines)).split())


def credit_outlet(credit: str) -> str:
    """The outlet a trailing credit names: "Rappler.com" -> "Rappler"."""
    return _CREDIT_TLD_END.sub("", credit)


def agency_name(alias: str) -> str | None:
    """Canonical agency for a spelling ("Agence France-Presse" -> "AFP"), else None."""
    return _ALIAS_TO_AGENCY.get(alias.strip().casefold())


@dataclass
class CleanedArticle:
    """A cleaned body plus what cleaning captured and removed."""

    paragraphs: list[list[str]]
    agency: str | None = None
    dateline: str | None = None
    credit: str | None = None
    authors: str | None = None
    removed: list[tuple[str, str]] = field(default_factory=list)  # (kind, line)

    @property
    def text(self) -> str:
        return join_paragraphs(self.paragraphs)

    def count(self, *kinds: str) -> int:
        """Number of removed lines of the given kinds (furniture, learned, credit, duplicate)."""
        return sum(1 for kind, _ in self.removed if kind in kinds)


def is_furniture(line: str) -> bool:
    """True for a whole line of page furniture (see ``FURNITURE_PATTERNS``) or a wire photo
    caption ("FILE - In this May 5, 2017, file photo, ...", any length)."""
    if len(line) <= BOILERPLATE_MAX_CHARS:
        if _FURNITURE.fullmatch(line):
            return True
        low = line.lower()
        if ("newsletter" in low or "inbox" in low or "mail" in low) and _WIDGET.match(line):
            return True
        if "Credit" in line and _PHOTO_CREDIT.fullmatch(line):
            return True
    return line.startswith("FILE") and _CAPTION.match(line) is not None


def _drop_name_boxes(art: CleanedArticle) -> None:
    """Cut hover name boxes out of lines, keeping the name (recorded as ``name box``)."""

    def shown_name(m: re.Match) -> str:
        # "Orrin Hatch Orrin Grant Hatch...": the box opens after the last word whose
        # repeat closes a box ending at the same " MORE" ("Hatch", not "Orrin")
        line, box = m.string, m
        for w in _CAPITAL_WORD.finditer(line, m.start("box"), m.start("box") + 62):
            later = _NAME_BOX.match(line, w.start())
            if later and later.end() == m.end():
                box = later
        art.removed.append(("name box", line[box.start("box"):m.end()]))
        return line[m.start():box.start("box")]

    for para in art.paragraphs:
        for i, line in enumerate(para):
            if " MORE" in line:
                para[i] = _NAME_BOX.sub(shown_name, line)


def _drop_lines(art: CleanedArticle, kind: str, drop) -> None:
    """Remove lines for which ``drop(index, line)`` is true; record them under ``kind``."""
    kept = []
    for i, para in enumerate(art.paragraphs):
        lines = []
        for line in para:
            if drop(i, line):
                art.removed.append((kind, line))
            else:
                lines.append(line)
        if lines:
            kept.append(lines)
    art.paragraphs = kept


def _capture_lines(art: CleanedArticle) -> None:
    """Agency lines, bylines and contribution lines: capture, then remove."""

    def credit_line(i: int, line: str) -> bool:
        if len(line) > BOILERPLATE_MAX_CHARS:
            return False
        if i < HEADER_PARAGRAPHS and _AGENCY_LINE.fullmatch(line):
            alias = re.sub(r"^(?:by|with) |(?: (?:news|wire|staff))?\.?$", "", line, flags=re.IGNORECASE)
            art.agency = art.agency or agency_name(alias) or agency_name(line.rstrip("."))
            return True
        if i < HEADER_PARAGRAPHS and (m := _BYLINE.fullmatch(line)):
            art.authors = art.authors or m["who"]
            return True
        if _CONTRIBUTED.fullmatch(line):
            m = _AGENCY_MENTION.search(line)
            if m and not line.startswith("("):
                art.agency = art.agency or agency_name(m[0])
            return True
        return False

    _drop_lines(art, "credit", credit_line)


def _capture_dateline(art: CleanedArticle) -> int:
    """Strip a dateline prefix from one of the first paragraphs; return that paragraph's index."""
    for i, para in enumerate(art.paragraphs[:HEADER_PARAGRAPHS]):
        m = _DATELINE.match(para[0])
        if not m or m.end() >= len(para[0]):
            continue
        place, src = m["place"] or m["place2"], m["src"] or m["src2"]
        if not (place or src) or (m["place"] and sum(c.isupper() for c in m["place"]) < 2):
            continue
        if not place and src and not agency_name(src) and len(src) > 4 and src.isupper() and "." not in src:
            place = src  # "(NEW DELHI) —": the place itself in brackets
        art.dateline = place.strip(" ,") if place else None
        if src and (agency := agency_name(src)):
            art.agency = art.agency or agency
        elif src and src != place:  # "(CNN) --", "Washington (ABC News)": the outlet's own credit
            art.credit = art.credit or src.strip()
        art.removed.append(("credit", m[0].strip()))
        para[0] = para[0][m.end():].lstrip()
        return i
    return 0


def _capture_credit(art: CleanedArticle) -> None:
    """A trailing outlet credit ("– Rappler.com") at the end of one of the last paragraphs."""
    for para in reversed(art.paragraphs[-2:]):
        m = _CREDIT.search(para[-1])
        if m:
            art.credit = m["credit"]
            if m["agency"]:
                art.agency = art.agency or agency_name(m["agency"])
            art.removed.append(("credit", m[0].strip()))
            para[-1] = para[-1][: m.start()].rstrip()
            if not para[-1]:
                para.pop()
            art.paragraphs = [p for p in art.paragraphs if p]
            return


def _drop_highlights(art: CleanedArticle) -> None:
    """A leading "Story highlights" block: that paragraph and the bullet paragraphs after it
    (those not ending like a sentence)."""
    paras = art.paragraphs
    if not paras or not _HIGHLIGHTS.match(paras[0][0]):
        return
    end = 1
    while end < min(len(paras), 8) and not paras[end][-1].rstrip().endswith(_SENTENCE_END):
        end += 1
    for para in paras[:end]:
        art.removed.extend(("furniture", line) for line in para)
    art.paragraphs = paras[end:]


def _dedup_paragraphs(art: CleanedArticle, body_start: int, title: str | None) -> None:
    if title and art.paragraphs and paragraph_key(art.paragraphs[0]) == paragraph_key([title]):
        art.removed.extend(("duplicate", line) for line in art.paragraphs.pop(0))
        body_start = max(0, body_start - 1)
    keys = [paragraph_key(p) for p in art.paragraphs]
    body_keys = set(keys[body_start:])
    seen: set[bytes] = set()
    kept = []
    for i, (key, para) in enumerate(zip(keys, art.paragraphs)):
        long_enough = len(key) >= DEDUP_MIN_CHARS
        if long_enough and (key in seen or (i < body_start and key in body_keys)):
            art.removed.extend(("duplicate", line) for line in para)
            continue
        seen.add(key)
        kept.append(para)
    art.paragraphs = kept


def clean_article(text: str, settings: CleanSettings | None = None, title: str | None = None) -> CleanedArticle:
    """Clean one article body (steps 1-4 of the module docstring).

    A first paragraph that repeats ``title`` counts as a repeated paragraph.
    """
    settings = settings or CleanSettings()
    art = CleanedArticle(split_paragraphs(normalize_text(text)))
    if settings.furniture:
        _drop_lines(art, "furniture", lambda i, line: is_furniture(line))
        _drop_highlights(art)
        _drop_name_boxes(art)
    body_start = 0
    if settings.capture_credits:
        _capture_lines(art)
        body_start = _capture_dateline(art)
        _capture_credit(art)
    if settings.dedup_paragraphs:
        _dedup_paragraphs(art, body_start, title)
    return art


def article_line_keys(art: CleanedArticle) -> set[str]:
    """The distinct line keys of one article (any length: a sidebar paragraph repeated across
    an outlet's pages is boilerplate too)."""
    return {line_key(line) for para in art.paragraphs for line in para}


def learn_boilerplate(
    groups: Iterable[tuple[str, set[str]]], min_share: float, min_articles: int
) -> dict[str, dict[str, int]]:
    """Lines recurring in an outlet's articles: ``{outlet: {line_key: n_articles}}``.

    ``groups`` yields ``(outlet, line keys)`` once per article (or once per group of
    near-duplicate articles, so that a story republished many times does not look like
    boilerplate). A line is boilerplate when it occurs in at least ``min_articles``
    articles and at least ``min_share`` of that outlet's articles.
    """
    counts: dict[str, Counter] = {}
    n_docs: Counter = Counter()
    for outlet, keys in groups:
        n_docs[outlet] += 1
        counts.setdefault(outlet, Counter()).update(keys)
    learned = {}
    for outlet, counter in counts.items():
        need = max(min_articles, min_share * n_docs[outlet])
        lines = {key: n for key, n in counter.items() if n >= need and key}
        if lines:
            learned[outlet] = lines
    return learned


def remove_learned(art: CleanedArticle, keys: Mapping[str, int] | set[str]) -> CleanedArticle:
    """Drop the lines whose :func:`line_key` is in ``keys`` (recorded as ``learned``)."""
    if keys:
        _drop_lines(art, "learned", lambda i, line: line_key(line) in keys)
    return art
