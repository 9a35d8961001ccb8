"""File formats: one reader per format, and the table ``FORMATS`` that names them.

``FORMATS`` maps a format name to its reader and file suffixes; it drives suffix detection,
the values ``corpus.format`` accepts (which forces one reader) and the messages listing them.
To add a format, write a reader ``read_x(content, source)`` yielding :class:`RawRecord`
(``content`` is the decoded text, or the bytes for a ``binary`` format) and add a row.
Files whose suffix is in no row are read as JSON lines when they start with ``{`` and as
text otherwise.

``raw_ref`` is ``path:line`` (JSONL line, CSV line where the record starts, 1-based record
number for Parquet rows and items of a JSON list) or ``path`` for whole-file records; paths
are relative to the current directory when the file is under it.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from newscope.ingest.clean import normalize_text
from newscope.ingest.discover import base_name, decode_bytes, display_path, id_hint, read_bytes

log = logging.getLogger(__name__)


@dataclass
class RawRecord:
    """One record as read: its fields, or why it could not be read."""

    raw_ref: str
    fields: dict | None = None
    reason: str | None = None
    detail: str = ""
    id_hint: str | None = None  # id from the file's path, for whole-file records


@dataclass(frozen=True)
class Source:
    """The file a reader reads: its ``raw_ref``, the id of a whole-file record, the text limit."""

    ref: str
    id_hint: str
    max_chars: int


def read_txt(text: str, source: Source) -> Iterator[RawRecord]:
    """One article: the first block is the title when it is one short line not ending in '.'."""
    norm = normalize_text(text)
    head, sep, rest = norm.partition("\n\n")
    fields = {"text": norm}
    if sep and rest.strip() and "\n" not in head and len(head) <= 200 and not head.endswith((".", ":")):
        fields = {"title": head, "text": rest}
    yield RawRecord(source.ref, fields, id_hint=source.id_hint)


def _json_record(value: object, ref: str, hint: str | None = None) -> RawRecord:
    if isinstance(value, dict):
        return RawRecord(ref, value, id_hint=hint)
    return RawRecord(ref, reason="bad-record", detail=f"expected a JSON object, got {type(value).__name__}")


def read_jsonl(text: str, source: Source) -> Iterator[RawRecord]:
    """One JSON object a line; blank lines are skipped."""
    for lineno, line in enumerate(io.StringIO(text, newline=""), 1):
        line = line.strip()
        if not line:
            continue
        ref = f"{source.ref}:{lineno}"
        try:
            value = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            detail = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            yield RawRecord(ref, reason="bad-json", detail=detail)
            continue
        yield _json_record(value, ref)


def read_json(text: str, source: Source) -> Iterator[RawRecord]:
    """One object (the AllSides layout), a list of objects, or JSON lines."""
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
            yield from read_jsonl(text, source)
        else:
            where = f"line {exc.lineno}, column {exc.colno}: {exc.msg}" if isinstance(exc, json.JSONDecodeError) \
                else "nested too deeply"
            yield RawRecord(source.ref, reason="bad-json", detail=where)
        return
    if isinstance(value, list):
        if not value:
            yield RawRecord(source.ref, reason="empty", detail="empty JSON list")
        for i, item in enumerate(value, 1):
            yield _json_record(item, f"{source.ref}:{i}")
    else:
        yield _json_record(value, source.ref, source.id_hint)


def read_csv(text: str, source: Source) -> Iterator[RawRecord]:
    """CSV with a header; a record that breaks the quoting is rejected and reading resumes
    on the line after the one it started on. The delimiter is whichever of ``, ; tab |``
    the header line holds most of."""
    header_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(",;\t|", key=header_line.count)  # Excel in many locales writes ";"
    lines = list(io.StringIO(text, newline=""))
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(10 * source.max_chars, 1_000_000))
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
                    ref = f"{source.ref}:{first}"
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
                yield RawRecord(f"{source.ref}:{first}", reason="bad-csv",
                                detail=f"{exc} (record starting on this line)")
                start = first  # resume on the next line
    finally:
        csv.field_size_limit(old_limit)
    if not produced:
        yield RawRecord(source.ref, reason="empty", detail="no data rows after the header")


def read_parquet(data: bytes, source: Source) -> Iterator[RawRecord]:
    """One record a row."""
    import pyarrow.parquet as pq

    try:
        rows = pq.read_table(io.BytesIO(data)).to_pylist()
    except Exception as exc:  # pyarrow raises many types for corrupt files
        yield RawRecord(source.ref, reason="bad-parquet", detail=f"{type(exc).__name__}: {exc}"[:300])
        return
    if not rows:
        yield RawRecord(source.ref, reason="empty", detail="Parquet file without rows")
    for i, row in enumerate(rows, 1):
        yield RawRecord(f"{source.ref}:{i}", row)


@dataclass(frozen=True)
class Format:
    """A reader and the file suffixes it is chosen for."""

    read: Callable[..., Iterator[RawRecord]]
    suffixes: tuple[str, ...]
    binary: bool = False  # the reader takes the file's bytes, not decoded text


#: Format name -> reader and suffixes (``corpus.format`` is ``auto`` or one of these names).
FORMATS: dict[str, Format] = {
    "txt": Format(read_txt, (".txt", ".text")),
    "jsonl": Format(read_jsonl, (".jsonl", ".ndjson", ".jsonlines")),
    "json": Format(read_json, (".json",)),
    "csv": Format(read_csv, (".csv", ".tsv")),
    "parquet": Format(read_parquet, (".parquet", ".pq"), binary=True),
}
FORMAT_CHOICES: tuple[str, ...] = ("auto", *FORMATS)
_SUFFIX_FORMAT = {suffix: name for name, fmt in FORMATS.items() for suffix in fmt.suffixes}


def format_of(path: Path) -> str | None:
    """The format its suffix names (after ``.gz``), or None for an unknown suffix."""
    return _SUFFIX_FORMAT.get(Path(base_name(path.name).lower()).suffix)


def _sniff(text: str) -> str:
    return "jsonl" if text.lstrip().startswith("{") else "txt"


def read_file(path: Path, root: Path, fmt: str = "auto", max_chars: int = 200_000,
              stats: Counter | None = None) -> Iterator[RawRecord]:
    """Records of one file; problems become records with a reject reason. Never raises on
    file content. ``stats`` counts ``replacements`` and ``detected_files`` (see ``decode_bytes``)."""
    stats = stats if stats is not None else Counter()
    source = Source(display_path(path), id_hint(path, root), max_chars)
    try:
        data = read_bytes(path)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield RawRecord(source.ref, reason="unreadable",
                        detail=f"{type(exc).__name__}: {getattr(exc, 'strerror', None) or exc}")
        return
    name = format_of(path) if fmt == "auto" else fmt
    if name is not None and FORMATS[name].binary:
        if not data:
            yield RawRecord(source.ref, reason="empty", detail="empty file")
        else:
            yield from FORMATS[name].read(data, source)
        return
    decoded = decode_bytes(data)
    if decoded.text is None:
        yield RawRecord(source.ref, reason="not-text", detail=decoded.problem)
        return
    stats["replacements"] += decoded.replacements
    if decoded.encoding not in ("utf-8", "utf-8-sig"):
        stats["detected_files"] += 1
        log.info("%s: decoded as %s", source.ref, decoded.encoding)
    text = decoded.text
    if not text.strip():
        yield RawRecord(source.ref, reason="empty", detail="empty file" if not data else "only white space")
        return
    yield from FORMATS[name or _sniff(text)].read(text, source)
