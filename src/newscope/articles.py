"""Ingestion: raw files -> the ``articles`` and ``rejected`` tables (see DESIGN.md).

Inputs are files, folders (recursive; hidden files and folders are skipped and counted) or
globs. Formats by extension (``.gz`` anywhere is decompressed): ``.txt`` one article per file
(first line the title when it is a single short line, then the body); ``.jsonl``/``.ndjson``
one JSON object a line; ``.json`` one object (the AllSides layout), a list of objects, or
JSON lines; ``.csv``/``.tsv`` with a header row (delimiter: whichever of ``, ; tab |`` the
header line holds most of); ``.parquet``. Other extensions are read as
JSON lines when they start with ``{`` and as text otherwise. ``corpus.format`` forces one reader.

``raw_ref`` is ``path:line`` (JSONL line, CSV line where the record starts, 1-based record
number for Parquet rows and items of a JSON list) or ``path`` for whole-file records; paths
are relative to the current directory when the file is under it.

Fields are mapped by ``corpus.fields`` (your column -> ours) and otherwise recognised by
the common names in ``FIELD_NAMES``. Bytes are decoded as UTF-8; a file that is not valid
UTF-8 is decoded as UTF-8 with replacement characters when most of its non-ASCII text is
valid UTF-8 (the replacements are counted), else with the encoding ``charset_normalizer``
detects. Text with NUL bytes or mostly control characters is ``not-text``.

Every record read ends up either in ``articles`` or in ``rejected`` with a reason from
``REJECT_REASONS``; ``ingested + rejected == read`` is checked at the end of every run:

- ``unreadable``: the file cannot be opened or decompressed (permissions, broken link, not a
  regular file, corrupt gzip)
- ``empty``: an empty or whitespace-only file, a CSV with only a header, an empty JSON list,
  a Parquet file without rows
- ``not-text``: binary content
- ``bad-json`` / ``bad-csv`` / ``bad-parquet``: a line or file that does not parse; the other
  lines of the file still load
- ``bad-record``: parsed, but not an object (e.g. a JSON list on a JSONL line)
- ``missing-text``: no text field, or only white space in it
- ``too-long``: text (as read) longer than ``corpus.max_chars``; such articles are rejected,
  not split, because a split article would count its entities and sources twice over
- ``boilerplate-only``: nothing left after cleaning
- ``duplicate-id``: the record's id (made filesystem-safe) was already taken by an earlier record
- ``duplicate``: with ``duplicates.keep: one``, every member of a duplicate group but the
  first (in input order) is moved here, its detail naming the kept article

Cleaning is ``newscope.clean`` (see there); lines learned as boilerplate are learned per
outlet domain (the outlet name when there is no domain), counting a group of near duplicates
once so that a story republished many times is not mistaken for boilerplate.

Duplicates: exact = the same cleaned text (``content_hash``); near = word 5-gram shingle
Jaccard similarity >= ``duplicates.near_threshold``, found by MinHash with LSH banding and
verified on the shingle sets (similarity is computed on the text after built-in cleaning,
before learned boilerplate is removed). Groups are the connected components; a group whose
members all share one text is ``exact``, otherwise ``near``; ``duplicate_group`` is the id of
its first article. ``keep: all`` keeps all with weight 1, ``weight`` keeps all with weight
1/group size, ``one`` keeps the first of each group.

Metadata: ``outlet`` as given (else from the credit, "Rappler.com" -> "Rappler", else the
domain); ``outlet_domain`` from a domain field or the URL, lower case, ``www.`` stripped;
``date`` to ISO "YYYY-MM-DD" when it names a full day (partial dates such as "May 2013" become
None), dates outside ``corpus.min_date``..``corpus.max_date`` (default: today) are nulled
and counted; ``article_id`` is the given id made filesystem-safe (characters other than
letters, digits, ``._-`` become ``_`` and a short hash of the original is appended), for
``.txt`` and one-object ``.json`` files without an id the file's path under its input folder,
else the first 16 hex digits of the content hash (``-2``, ``-3``... for repeated texts).
"""

from __future__ import annotations

import csv
import glob
import gzip
import hashlib
import io
import json
import logging
import os
import re
import stat
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
from dateutil import parser as date_parser
from tqdm.auto import tqdm

from newscope.clean import (
    CleanedArticle,
    article_line_keys,
    clean_article,
    fold,
    learn_boilerplate,
    normalize_text,
    remove_learned,
)
from newscope.config import ConfigError, CorpusSettings

log = logging.getLogger(__name__)

REJECT_REASONS: tuple[str, ...] = (
    "unreadable", "empty", "not-text", "bad-json", "bad-csv", "bad-parquet", "bad-record",
    "missing-text", "too-long", "boilerplate-only", "duplicate-id", "duplicate",
)

#: Our fields -> column names recognised automatically (case-insensitive, first found wins).
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id", "article_id", "doc_id", "docid", "uid", "guid"),
    "text": ("text", "content_original", "body", "content", "article", "article_text", "full_text",
             "fulltext", "maintext", "story"),
    "title": ("title", "headline", "heading"),
    "outlet": ("outlet", "source", "publisher", "source_name", "publication", "media", "site_name",
               "newspaper", "outlet_name"),
    "outlet_domain": ("outlet_domain", "source_url", "domain", "source_domain", "site"),
    "date": ("date", "published", "publish_date", "published_at", "pub_date", "publication_date",
             "date_publish", "datetime", "timestamp", "date_raw"),
    "url": ("url", "link", "article_url", "source_link", "uri"),
    "authors": ("authors", "author", "byline", "creator", "creators"),
}

ARTICLE_COLUMNS = (
    "article_id", "outlet", "outlet_domain", "date", "title", "authors", "agency", "dateline", "url",
    "text", "raw_ref", "content_hash", "n_chars", "n_boilerplate_lines", "duplicate_group",
    "duplicate_kind", "weight", "credit",
)
REJECTED_COLUMNS = ("raw_ref", "reason", "detail")
BOILERPLATE_COLUMNS = ("outlet", "kind", "line", "n_removed")

_FORMATS = ("auto", "txt", "jsonl", "json", "csv", "parquet")
_SUFFIX_FORMAT = {".txt": "txt", ".text": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl",
                  ".json": "json", ".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet"}
_KEEP = ("all", "one", "weight")
_GLOB_CHARS = re.compile(r"[*?\[]")
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T ]|\s)")
_SHINGLE = 5
_N_HASHES, _BAND_ROWS = 64, 4


class IngestError(ConfigError):
    """An input path that does not exist or matches nothing."""


@dataclass
class RawRecord:
    """One record as read: its fields, or why it could not be read."""

    raw_ref: str
    fields: dict | None = None
    reason: str | None = None
    detail: str = ""
    id_hint: str | None = None  # id from the file's path, for whole-file records


@dataclass
class IngestResult:
    """``articles`` and ``rejected`` tables, run counts, and the lines removed as boilerplate.

    ``summary`` holds ``files``, ``read``, ``ingested``, ``rejected_total``, ``rejected``
    (by reason), ``duplicates`` (exact/near groups and articles), ``keep``, ``removed_lines``
    (furniture, name box, learned, credit, duplicate), ``learned_lines``, ``captured`` (agency, dateline,
    credit), ``dates`` (parsed, nulled, unparsed, missing), ``decoding`` (replacements,
    detected_files) and ``skipped_hidden``. ``boilerplate`` has one row per removed line and
    outlet (``outlet`` is the domain, or the name when there is no domain; ``kind`` is
    ``furniture`` or ``learned``; ``n_removed`` counts removals).
    """

    articles: pd.DataFrame
    rejected: pd.DataFrame
    summary: dict
    boilerplate: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(BOILERPLATE_COLUMNS)))

    def summary_text(self) -> str:
        """The human summary printed at the end of ``newscope ingest``."""
        s = self.summary
        lines = [f"read {s['read']} records from {s['files']} files: ingested {s['ingested']}, "
                 f"rejected {s['rejected_total']}"]
        for reason, n in s["rejected"].items():
            lines.append(f"  rejected {reason:<17} {n}")
        d = s["duplicates"]
        lines.append(f"duplicates: {d['exact_groups']} exact groups ({d['exact_articles']} articles), "
                     f"{d['near_groups']} near groups ({d['near_articles']} articles); keep={s['keep']}")
        b = s["removed_lines"]
        lines.append(f"removed lines: {b['furniture']} furniture ({b['name box']} inline name boxes), "
                     f"{b['learned']} learned boilerplate "
                     f"({s['learned_lines']} lines learned), {b['credit']} credit/dateline, "
                     f"{b['duplicate']} in repeated paragraphs")
        lines.append(f"captured: agency {s['captured']['agency']}, dateline {s['captured']['dateline']}, "
                     f"credit {s['captured']['credit']}")
        lines.append(f"dates: {s['dates']['parsed']} parsed, {s['dates']['nulled']} out of range nulled, "
                     f"{s['dates']['unparsed']} unparsed, {s['dates']['missing']} missing")
        lines.append(f"decoding: {s['decoding']['replacements']} replacement characters, "
                     f"{s['decoding']['detected_files']} files in a detected non-UTF-8 encoding")
        if s["skipped_hidden"]:
            lines.append(f"skipped {s['skipped_hidden']} hidden files")
        return "\n".join(lines)


# ---------------------------------------------------------------- finding files


def _display_path(path: Path) -> str:
    """``path`` relative to the current directory when under it, else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def find_files(inputs: Sequence[str | Path]) -> tuple[list[tuple[Path, Path]], int]:
    """Expand inputs into ``(file, root)`` pairs in a stable order, plus the hidden files skipped.

    ``root`` is the folder a file was found under (its id hint is the path below it).
    A path that does not exist or a glob matching nothing raises :class:`IngestError`.
    """
    found: list[tuple[Path, Path]] = []
    hidden = 0

    def walk(folder: Path) -> None:
        nonlocal hidden
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if _hidden(path.relative_to(folder)):
                    hidden += 1
                else:
                    found.append((path, folder))

    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    for item in inputs:
        text = str(item)
        if _GLOB_CHARS.search(text) and not Path(text).exists():
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise IngestError(f"corpus input {text!r} matches no file (check corpus.inputs in params.yaml)")
            for match in matches:
                path = Path(match)
                if path.is_dir():
                    walk(path)
                else:
                    found.append((path, path.parent))
        else:
            path = Path(text)
            if path.is_dir():
                walk(path)
            elif path.exists() or path.is_symlink():
                found.append((path, path.parent))
            else:
                raise IngestError(f"corpus input {text!r} does not exist (check corpus.inputs in params.yaml)")
    seen: set[Path] = set()
    unique = []
    for path, root in found:
        key = Path(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            unique.append((path, root))
    return unique, hidden


# ---------------------------------------------------------------- bytes -> text


@dataclass
class Decoded:
    text: str | None
    replacements: int = 0
    encoding: str = "utf-8"
    problem: str = ""


def decode_bytes(data: bytes) -> Decoded:
    """Bytes -> text: UTF-8 (BOM aware), else UTF-8 with counted replacements, else detected."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                     (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(enc), encoding=enc)
            except UnicodeDecodeError:
                break
    if b"\x00" in data[:65536]:
        return Decoded(None, problem="binary content (NUL bytes)")
    try:
        text, decoded = data.decode("utf-8"), Decoded(None)
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
        valid_non_ascii = sum(1 for c in text if c > "\x7f") - bad
        if valid_non_ascii >= bad:
            decoded = Decoded(None, replacements=bad)
        else:
            from charset_normalizer import from_bytes

            best = from_bytes(data[:1_000_000]).best()
            if best is None:
                decoded = Decoded(None, replacements=bad)
            else:
                text = data.decode(best.encoding, errors="replace")
                decoded = Decoded(None, replacements=text.count("\ufffd"), encoding=best.encoding)
    sample = text[:65536]
    controls = sum(1 for c in sample if c < " " and c not in "\n\r\t\f\v")
    if sample and controls > 0.1 * len(sample):
        return Decoded(None, problem="binary content (control characters)")
    decoded.text = text
    return decoded


# ---------------------------------------------------------------- readers


def _read_bytes(path: Path) -> bytes:
    if not stat.S_ISREG(path.stat().st_mode):  # a FIFO or device would block or never end
        raise OSError(f"not a regular file: {path}")
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        data = gzip.decompress(data)
    return data


def _format_of(path: Path, forced: str) -> str:
    if forced != "auto":
        return forced
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return _SUFFIX_FORMAT.get(Path(name).suffix, "sniff")


def _id_hint(path: Path, root: Path) -> str:
    rel = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
    name = rel.name[:-3] if rel.name.lower().endswith(".gz") else rel.name
    stem = Path(name).stem
    return "__".join([*rel.parent.parts, stem])


def _read_txt(text: str, ref: str, hint: str) -> Iterator[RawRecord]:
    """One article: the first block is the title when it is one short line not ending in '.'."""
    norm = normalize_text(text)
    head, sep, rest = norm.partition("\n\n")
    fields = {"text": norm}
    if sep and rest.strip() and "\n" not in head and len(head) <= 200 and not head.endswith((".", ":")):
        fields = {"title": head, "text": rest}
    yield RawRecord(ref, fields, id_hint=hint)


def _json_record(value: object, ref: str, hint: str | None = None) -> RawRecord:
    if isinstance(value, dict):
        return RawRecord(ref, value, id_hint=hint)
    return RawRecord(ref, reason="bad-record", detail=f"expected a JSON object, got {type(value).__name__}")


def _read_jsonl(text: str, path: str) -> Iterator[RawRecord]:
    for lineno, line in enumerate(io.StringIO(text, newline=""), 1):
        line = line.strip()
        if not line:
            continue
        ref = f"{path}:{lineno}"
        try:
            value = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            detail = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            yield RawRecord(ref, reason="bad-json", detail=detail)
            continue
        yield _json_record(value, ref)


def _read_json(text: str, path: str, hint: str) -> Iterator[RawRecord]:
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        first = text.lstrip().split("\n", 1)[0]
        try:
            json.loads(first)
            lines_ok = "\n" in text.strip()
        except (json.JSONDecodeError, RecursionError):
            lines_ok = False
        if lines_ok:
            yield from _read_jsonl(text, path)
        else:
            where = f"line {exc.lineno}, column {exc.colno}: {exc.msg}" if isinstance(exc, json.JSONDecodeError) \
                else "nested too deeply"
            yield RawRecord(path, reason="bad-json", detail=where)
        return
    if isinstance(value, list):
        if not value:
            yield RawRecord(path, reason="empty", detail="empty JSON list")
        for i, item in enumerate(value, 1):
            yield _json_record(item, f"{path}:{i}")
    else:
        yield _json_record(value, path, hint)


def _read_csv(text: str, path: str, delimiter: str, limit: int) -> Iterator[RawRecord]:
    """CSV with a header; a record that breaks the quoting is rejected and reading resumes
    on the line after the one it started on."""
    lines = list(io.StringIO(text, newline=""))
    old_limit = csv.field_size_limit()
    csv.field_size_limit(limit)
    try:
        header: list[str] | None = None
        start, produced = 0, False
        while start < len(lines):
            reader = csv.reader(lines[start:], delimiter=delimiter, strict=True)
            consumed = 0
            try:
                for row in reader:
                    first = start + consumed + 1  # 1-based line the record starts on
                    consumed = reader.line_num
                    if not row or (len(row) == 1 and not row[0].strip()):
                        continue
                    if header is None:
                        header = [h.strip() for h in row]
                        continue
                    ref = f"{path}:{first}"
                    produced = True
                    if len(row) != len(header):
                        yield RawRecord(ref, reason="bad-csv",
                                        detail=f"{len(row)} fields where the header has {len(header)}")
                    else:
                        yield RawRecord(ref, dict(zip(header, row)))
                start = len(lines)
            except csv.Error as exc:
                first = start + consumed + 1
                produced = True
                yield RawRecord(f"{path}:{first}", reason="bad-csv", detail=f"{exc} (record starting on this line)")
                start = first  # resume on the next line
    finally:
        csv.field_size_limit(old_limit)
    if not produced:
        yield RawRecord(path, reason="empty", detail="no data rows after the header")


def _read_parquet(data: bytes, path: str) -> Iterator[RawRecord]:
    import pyarrow.parquet as pq

    try:
        rows = pq.read_table(io.BytesIO(data)).to_pylist()
    except Exception as exc:  # pyarrow raises many types for corrupt files
        yield RawRecord(path, reason="bad-parquet", detail=f"{type(exc).__name__}: {exc}"[:300])
        return
    if not rows:
        yield RawRecord(path, reason="empty", detail="Parquet file without rows")
    for i, row in enumerate(rows, 1):
        yield RawRecord(f"{path}:{i}", row)


def read_file(path: Path, root: Path, fmt: str = "auto", max_chars: int = 200_000,
              stats: Counter | None = None) -> Iterator[RawRecord]:
    """Records of one file; problems become records with a reject reason. Never raises on
    file content."""
    stats = stats if stats is not None else Counter()
    ref = _display_path(path)
    hint = _id_hint(path, root)
    try:
        data = _read_bytes(path)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield RawRecord(ref, reason="unreadable", detail=f"{type(exc).__name__}: {getattr(exc, 'strerror', None) or exc}")
        return
    kind = _format_of(path, fmt)
    if kind == "parquet":
        if not data:
            yield RawRecord(ref, reason="empty", detail="empty file")
        else:
            yield from _read_parquet(data, ref)
        return
    decoded = decode_bytes(data)
    if decoded.text is None:
        yield RawRecord(ref, reason="not-text", detail=decoded.problem)
        return
    stats["replacements"] += decoded.replacements
    if decoded.encoding not in ("utf-8", "utf-8-sig"):
        stats["detected_files"] += 1
        log.info("%s: decoded as %s", ref, decoded.encoding)
    text = decoded.text
    if not text.strip():
        yield RawRecord(ref, reason="empty", detail="empty file" if not data else "only white space")
        return
    if kind == "sniff":
        kind = "jsonl" if text.lstrip().startswith("{") else "txt"
    if kind == "txt":
        yield from _read_txt(text, ref, hint)
    elif kind == "jsonl":
        yield from _read_jsonl(text, ref)
    elif kind == "json":
        yield from _read_json(text, ref, hint)
    else:
        header = text.lstrip("\ufeff").split("\n", 1)[0]
        delimiter = max(",;\t|", key=header.count)  # Excel in many locales writes ";"
        yield from _read_csv(text, ref, delimiter, max(10 * max_chars, 1_000_000))


# ---------------------------------------------------------------- fields and metadata


def _field_map(user: dict[str, str]) -> dict[str, tuple[str, ...]]:
    ours = set(FIELD_NAMES)
    bad = {col: f for col, f in user.items() if f not in ours}
    if bad:
        raise ConfigError(f"corpus.fields maps {bad} to unknown field(s); map your columns to one of "
                          f"{', '.join(sorted(ours))}")
    names = {f: tuple(n.casefold() for n in cands) for f, cands in FIELD_NAMES.items()}
    for col, f in user.items():
        names[f] = (col.casefold(),)
    return names


def _pick(record: dict, names: tuple[str, ...], folded: dict[str, str]) -> object:
    for name in names:
        key = folded.get(name)
        if key is not None:
            value = record[key]
            if value is not None and not (isinstance(value, float) and np.isnan(value)) and value != "":
                return value
    return None


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return "\n\n".join(str(v) for v in value if v is not None and str(v).strip()) or None
    if isinstance(value, dict):
        return None
    return str(value)


def _as_line(value: object) -> str | None:
    text = _as_text(value)
    if text is None:
        return None
    text = " ".join(normalize_text(text.replace("\n\n", ", ") if isinstance(value, (list, tuple)) else text).split())
    return text or None


def outlet_domain(value: str | None) -> str | None:
    """Host of a URL or bare domain, lower case, without ``www.``; None when there is none."""
    if not value:
        return None
    value = value.strip()
    if "//" not in value:
        value = "//" + value
    try:
        host = urlsplit(value).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return re.sub(r"^www\d*\.", "", host.rstrip("."))


def parse_date(value: object) -> str | None:
    """A full calendar day as "YYYY-MM-DD", or None (missing, partial or unparseable)."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d") if value.year >= 1 else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            seconds = float(value)
            seconds = seconds / 1000 if abs(seconds) > 1e11 else seconds
            return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%d") if seconds > 1e8 else None
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if not text:
        return None
    m = _ISO_DATE.match(text + " ")
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    try:
        a = date_parser.parse(text, default=datetime(2000, 1, 1))
        b = date_parser.parse(text, default=datetime(2001, 2, 2))
    except (ValueError, OverflowError, TypeError):
        return None
    if a.date() != b.date():
        return None
    return a.strftime("%Y-%m-%d")


def safe_id(value: str) -> str:
    """A filesystem-safe id; ids that needed changing get a short hash of the original."""
    value = value.strip()
    safe = _UNSAFE_ID.sub("_", value)[:100].lstrip(".") or "_"
    if safe != value:
        safe = f"{safe}-{hashlib.sha256(value.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
    return safe


# ---------------------------------------------------------------- duplicates


_MOD_P = 1_000_003
_POW = np.ones(1, dtype=np.uint64)
_INV_POW = np.ones(1, dtype=np.uint64)


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``P**j`` and ``P**-j`` modulo 2**64 for ``j < n`` (P is odd, hence invertible)."""
    global _POW, _INV_POW
    if len(_POW) < n:
        size = max(n, 2 * len(_POW))
        _POW = np.r_[np.uint64(1), np.cumprod(np.full(size - 1, _MOD_P, dtype=np.uint64))]
        _INV_POW = np.r_[np.uint64(1), np.cumprod(np.full(size - 1, pow(_MOD_P, -1, 2**64), dtype=np.uint64))]
    return _POW[:n], _INV_POW[:n]


def _shingles(text: str) -> np.ndarray:
    """Hashes of the word 5-grams of ``text`` (case-folded words; stable across runs)."""
    b = np.frombuffer(fold(text), dtype=np.uint8).astype(np.uint64)
    in_word = np.r_[False, b != 32, False].astype(np.int8)
    edges = np.diff(in_word)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if not len(starts):
        return np.zeros(1, dtype=np.uint64)
    pw, inv = _powers(len(b))
    prefix = np.r_[np.uint64(0), np.cumsum(b * pw)]
    words = (prefix[ends] - prefix[starts]) * inv[starts]  # position-free polynomial hash of each word
    n = len(words) - _SHINGLE + 1
    if n < 1:
        return np.array([words.sum()], dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    for j in range(_SHINGLE):
        h = h * np.uint64(_MOD_P) + words[j: j + n]
    return h


def _unique(values: np.ndarray) -> np.ndarray:
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]]


def minhash_signatures(texts: Sequence[str], progress: bool = False, chunk: int = 2000) -> np.ndarray:
    """One row of 64 MinHash values (multiply-shift hashes of word 5-grams) per text.

    Computed in chunks of ``chunk`` texts so memory stays bounded on large corpora.
    """
    rng = np.random.default_rng(20130519)
    a = rng.integers(1, 2**63, size=_N_HASHES, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=_N_HASHES, dtype=np.uint64)
    sig = np.empty((len(texts), _N_HASHES), dtype=np.uint64)
    bar = tqdm(total=len(texts), desc="minhash", unit="doc", disable=not progress or None)
    for lo in range(0, len(texts), chunk):
        shingles = [_shingles(t) for t in texts[lo:lo + chunk]]
        offsets = np.r_[0, np.cumsum([len(x) for x in shingles])[:-1]]
        flat = np.concatenate(shingles)
        for k in range(_N_HASHES):
            sig[lo:lo + len(shingles), k] = np.minimum.reduceat(flat * a[k] + b[k], offsets)
        bar.update(len(shingles))
    bar.close()
    return sig


def near_duplicate_pairs(texts: Sequence[str], threshold: float, progress: bool = False) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, of texts whose word 5-gram Jaccard similarity is >= ``threshold``.

    MinHash signatures with LSH banding (16 bands of 4 rows) propose candidates; each
    candidate is verified on the exact shingle sets, so no pair below the threshold is
    reported (pairs far above it are found with probability > 0.999).
    """
    if len(texts) < 2:
        return []
    sig = minhash_signatures(texts, progress)
    mix = np.random.default_rng(7).integers(1, 2**63, size=_BAND_ROWS, dtype=np.uint64)
    candidates: set[tuple[int, int]] = set()
    for band in range(_N_HASHES // _BAND_ROWS):
        keys = (sig[:, band * _BAND_ROWS:(band + 1) * _BAND_ROWS] * mix).sum(axis=1)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        for lo, hi in zip(starts, np.r_[starts[1:], len(order)]):
            if hi - lo < 2:
                continue
            members = sorted(order[lo:hi].tolist())
            if len(members) > 50:  # a big bucket (many copies of one text): link all to its first
                candidates.update((members[0], m) for m in members[1:])
            else:
                candidates.update((x, y) for i, x in enumerate(members) for y in members[i + 1:])
    sets: dict[int, np.ndarray] = {}

    def shingle_set(i: int) -> np.ndarray:
        if i not in sets:
            sets[i] = _unique(_shingles(texts[i]))
        return sets[i]

    pairs = []
    for i, j in sorted(candidates):
        if np.mean(sig[i] == sig[j]) < threshold - 0.25:  # MinHash estimate far below: skip the exact check
            continue
        x, y = shingle_set(i), shingle_set(j)
        inter = len(np.intersect1d(x, y, assume_unique=True))
        if inter / (len(x) + len(y) - inter) >= threshold:
            pairs.append((i, j))
    return pairs


def _components(n: int, pairs: Sequence[tuple[int, int]]) -> list[int]:
    """Union-find: the smallest member index of each element's connected component."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    return [find(i) for i in range(n)]


# ---------------------------------------------------------------- ingest


@dataclass
class _Pending:
    ref: str
    fields: dict
    art: CleanedArticle
    group_key: str


def _validate(settings: CorpusSettings) -> None:
    if settings.format not in _FORMATS:
        raise ConfigError(f"corpus.format must be one of {', '.join(_FORMATS)}, got {settings.format!r}")
    if settings.duplicates.keep not in _KEEP:
        raise ConfigError(f"corpus.duplicates.keep must be one of {', '.join(_KEEP)}, got {settings.duplicates.keep!r}")
    if not 0 < float(settings.duplicates.near_threshold) <= 1:
        raise ConfigError(f"corpus.duplicates.near_threshold must be in (0, 1], got "
                          f"{settings.duplicates.near_threshold!r}")
    if int(settings.max_chars) < 1:
        raise ConfigError(f"corpus.max_chars must be positive, got {settings.max_chars!r}")
    for key in ("min_date", "max_date"):
        value = getattr(settings, key)
        if value is not None and parse_date(value) is None:
            raise ConfigError(f"corpus.{key} must be a date like 2020-12-31, got {value!r}")


def _extract(raw: RawRecord, names: dict[str, tuple[str, ...]]) -> dict[str, object]:
    folded = {}
    for key in raw.fields:
        folded.setdefault(str(key).casefold(), key)
    return {f: _pick(raw.fields, cands, folded) for f, cands in names.items()}


def ingest(inputs: Sequence[str | Path], settings: CorpusSettings | None = None, *,
           progress: bool = True) -> IngestResult:
    """Read, clean and de-duplicate ``inputs`` into the ``articles`` and ``rejected`` tables.

    Example: ``ingest(["data/raw"]).articles.loc[0, "title"]``.
    """
    settings = settings or CorpusSettings()
    _validate(settings)
    names = _field_map(dict(settings.fields or {}))
    files, hidden = find_files(inputs)
    if not files:
        log.warning("ingest: no files found in %s", ", ".join(map(str, inputs)))
    show = None if progress else True  # tqdm: None = only on a terminal
    stats: Counter = Counter()
    rejected: list[tuple[str, str, str]] = []
    pending: list[_Pending] = []
    n_read = 0

    def reject(ref: str, reason: str, detail: str) -> None:
        rejected.append((ref, reason, detail))

    bar = tqdm(total=len(files), desc="ingest", unit="file", disable=show if len(files) > 1 else True)
    records = tqdm(desc="records", unit="rec", disable=show)
    for path, root in files:
        for raw in read_file(path, root, settings.format, settings.max_chars, stats):
            n_read += 1
            records.update()
            if raw.reason:
                reject(raw.raw_ref, raw.reason, raw.detail)
                continue
            fields = _extract(raw, names)
            if raw.id_hint and fields["id"] is None:
                fields["id"] = raw.id_hint
            text = _as_text(fields["text"])
            if text is None or not text.strip():
                has_field = any(c in {str(k).casefold() for k in raw.fields} for c in names["text"])
                reject(raw.raw_ref, "missing-text", "text field empty" if has_field else
                       f"no text field (looked for {', '.join(names['text'][:5])}, ...)")
                continue
            if len(text) > settings.max_chars:
                reject(raw.raw_ref, "too-long", f"{len(text)} characters > corpus.max_chars={settings.max_chars}")
                continue
            art = clean_article(text, settings.clean, title=_as_line(fields["title"]))
            if not art.paragraphs:
                reject(raw.raw_ref, "boilerplate-only", f"nothing left after cleaning {len(art.removed)} lines")
                continue
            domain = outlet_domain(_as_line(fields["outlet_domain"])) or outlet_domain(_as_line(fields["url"]))
            outlet = _as_line(fields["outlet"])
            pending.append(_Pending(raw.raw_ref, fields, art, domain or outlet or ""))
        bar.update()
    bar.close()
    records.close()

    # near duplicates on the text after built-in cleaning; learned boilerplate counted once per group
    texts = [p.art.text for p in pending]
    near_pairs = near_duplicate_pairs(texts, float(settings.duplicates.near_threshold), progress=progress)
    first_of = _components(len(pending), near_pairs)
    learned: dict[str, dict[str, int]] = {}
    if settings.clean.learned_boilerplate:
        learned = learn_boilerplate(
            ((p.group_key, article_line_keys(p.art)) for i, p in enumerate(pending) if first_of[i] == i),
            settings.clean.boilerplate_min_share, settings.clean.boilerplate_min_articles)

    rows: list[dict] = []
    kept_index: list[int] = []
    ids: dict[str, str] = {}
    hash_ids: Counter = Counter()
    date_counts: Counter = Counter()
    removed_counts: Counter = Counter()
    captured: Counter = Counter()
    removed_by_outlet: Counter = Counter()
    min_date = parse_date(settings.min_date) if settings.min_date else None
    max_date = parse_date(settings.max_date) if settings.max_date else date.today().isoformat()
    for i, p in enumerate(pending):
        art = remove_learned(p.art, learned.get(p.group_key, {}))
        if not art.paragraphs:
            reject(p.ref, "boilerplate-only", f"nothing left after removing {len(art.removed)} lines")
            continue
        f = p.fields
        text = art.text
        content_hash = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        given = _as_line(f["id"])
        if given is not None:
            article_id = safe_id(given)
            if article_id in ids:
                reject(p.ref, "duplicate-id", f"id {given!r} already used by {ids[article_id]}")
                continue
        else:
            hash_ids[content_hash] += 1
            n = hash_ids[content_hash]
            article_id = content_hash[:16] + (f"-{n}" if n > 1 else "")
            while article_id in ids:
                article_id += "_"
        ids[article_id] = p.ref
        for kind, line in art.removed:
            removed_counts[kind] += 1
            if kind in ("furniture", "learned"):
                removed_by_outlet[(p.group_key, kind, line)] += 1
        raw_date = f["date"]
        iso = parse_date(raw_date)
        if raw_date is None:
            date_counts["missing"] += 1
        elif iso is None:
            date_counts["unparsed"] += 1
        elif (min_date and iso < min_date) or iso > max_date:
            date_counts["nulled"] += 1
            log.debug("%s: date %s out of range, nulled", p.ref, iso)
            iso = None
        else:
            date_counts["parsed"] += 1
        credit = art.credit
        domain = outlet_domain(_as_line(f["outlet_domain"])) or outlet_domain(_as_line(f["url"]))
        if domain is None and credit:
            domain = outlet_domain(credit)
        outlet = _as_line(f["outlet"])
        if outlet is None and credit:
            outlet = re.sub(r"\.(?:com|net|org|info|news|ph|co\.uk|uk|au|ca|in|io)$", "", credit)
        outlet = outlet or domain
        for key in ("agency", "dateline", "credit"):
            captured[key] += getattr(art, key) is not None
        rows.append({
            "article_id": article_id, "outlet": outlet, "outlet_domain": domain, "date": iso,
            "title": _as_line(f["title"]), "authors": _as_line(f["authors"]) or art.authors,
            "agency": art.agency, "dateline": art.dateline, "url": _as_line(f["url"]), "text": text,
            "raw_ref": p.ref, "content_hash": content_hash, "n_chars": len(text),
            "n_boilerplate_lines": art.count("furniture", "learned"), "duplicate_group": None,
            "duplicate_kind": None, "weight": 1.0, "credit": credit,
        })
        kept_index.append(i)

    # duplicate groups: exact (same final text) joined with near pairs among kept articles
    position = {idx: k for k, idx in enumerate(kept_index)}
    pairs = [(position[i], position[j]) for i, j in near_pairs if i in position and j in position]
    first_hash: dict[str, int] = {}
    for k, row in enumerate(rows):
        h = row["content_hash"]
        if h in first_hash:
            pairs.append((first_hash[h], k))
        else:
            first_hash[h] = k
    comp = _components(len(rows), pairs)
    members: dict[int, list[int]] = {}
    for k, c in enumerate(comp):
        members.setdefault(c, []).append(k)
    dup_summary = Counter()
    drop: set[int] = set()
    keep = settings.duplicates.keep
    for root, group in members.items():
        if len(group) < 2:
            continue
        kind = "exact" if len({rows[k]["content_hash"] for k in group}) == 1 else "near"
        dup_summary[f"{kind}_groups"] += 1
        dup_summary[f"{kind}_articles"] += len(group)
        for k in group:
            rows[k]["duplicate_group"] = rows[root]["article_id"]
            rows[k]["duplicate_kind"] = kind
            if keep == "weight":
                rows[k]["weight"] = 1.0 / len(group)
            elif keep == "one" and k != root:
                drop.add(k)
                reject(rows[k]["raw_ref"], "duplicate",
                       f"{kind} duplicate of {rows[root]['article_id']} ({rows[root]['raw_ref']})")
    rows = [row for k, row in enumerate(rows) if k not in drop]

    articles = pd.DataFrame(rows, columns=list(ARTICLE_COLUMNS))
    text_dtype = articles["article_id"].dtype  # pandas' string dtype ("str" from pandas 3 on)
    for col in ("outlet", "outlet_domain", "date", "title", "authors", "agency", "dateline", "url",
                "duplicate_group", "duplicate_kind", "credit"):
        if articles[col].dtype != text_dtype:  # all-missing columns come out as object
            articles[col] = articles[col].astype(text_dtype)
    articles["weight"] = articles["weight"].astype(float)
    articles["n_chars"] = articles["n_chars"].astype("int64")
    articles["n_boilerplate_lines"] = articles["n_boilerplate_lines"].astype("int64")
    rejected_df = pd.DataFrame(rejected, columns=list(REJECTED_COLUMNS)).astype(text_dtype)
    if len(articles) + len(rejected_df) != n_read:
        raise RuntimeError(f"ingest lost records: read {n_read}, ingested {len(articles)}, "
                           f"rejected {len(rejected_df)}")
    by_reason = Counter(r for _, r, _ in rejected)
    boilerplate = pd.DataFrame(
        [(*key, n) for key, n in removed_by_outlet.items()], columns=list(BOILERPLATE_COLUMNS)
    ).sort_values(["outlet", "n_removed", "line"], ascending=[True, False, True], kind="stable",
                  ignore_index=True)
    summary = {
        "files": len(files), "read": n_read, "ingested": len(articles), "rejected_total": len(rejected_df),
        "rejected": {r: by_reason[r] for r in REJECT_REASONS if by_reason[r]},
        "duplicates": {k: dup_summary[k] for k in ("exact_groups", "exact_articles", "near_groups",
                                                   "near_articles")},
        "keep": keep,
        "removed_lines": {k: removed_counts[k] for k in ("furniture", "name box", "learned", "credit", "duplicate")},
        "learned_lines": sum(len(v) for v in learned.values()),
        "captured": dict(captured) | {k: captured[k] for k in ("agency", "dateline", "credit")},
        "dates": {k: date_counts[k] for k in ("parsed", "nulled", "unparsed", "missing")},
        "decoding": {"replacements": stats["replacements"], "detected_files": stats["detected_files"]},
        "skipped_hidden": hidden,
    }
    log.info("ingest: %s", summary)
    return IngestResult(articles, rejected_df, summary, boilerplate)
