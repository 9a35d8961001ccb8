"""Record fields -> article metadata: field names, value coercion, dates, domains and ids.

Fields are mapped by ``corpus.fields`` (your column -> ours) and otherwise recognised by
the common names in ``FIELD_NAMES``. ``outlet_domain`` comes from a domain field or the URL,
lower case, ``www.`` stripped; ``date`` becomes ISO "YYYY-MM-DD" when it names a full day
(partial dates such as "May 2013" become None); a given id is made filesystem-safe by
:func:`safe_id`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import date, datetime, timezone
from urllib.parse import urlsplit

import numpy as np
from dateutil import parser as date_parser

from newscope.config import ConfigError
from newscope.ingest.clean import normalize_text

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

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T ]|\s)")


def field_names(user: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Our fields -> the case-folded column names to look for, given ``corpus.fields``."""
    ours = set(FIELD_NAMES)
    bad = {col: f for col, f in user.items() if f not in ours}
    if bad:
        raise ConfigError(f"corpus.fields maps {bad} to unknown field(s); map your columns to one of "
                          f"{', '.join(sorted(ours))}")
    names = {f: tuple(n.casefold() for n in cands) for f, cands in FIELD_NAMES.items()}
    for col, f in user.items():
        names[f] = (col.casefold(),)
    return names


def _columns(record: dict) -> dict[str, str]:
    """Case-folded column name -> the record's first column of that name."""
    folded = {}
    for key in record:
        folded.setdefault(str(key).casefold(), key)
    return folded


def extract(record: dict, names: Mapping[str, tuple[str, ...]]) -> dict[str, object]:
    """Our fields from one record: the first of each field's columns with a value (else None)."""
    folded = _columns(record)

    def pick(candidates: tuple[str, ...]) -> object:
        for name in candidates:
            key = folded.get(name)
            if key is not None:
                value = record[key]
                if value is not None and not (isinstance(value, float) and np.isnan(value)) and value != "":
                    return value
        return None

    return {f: pick(candidates) for f, candidates in names.items()}


def missing_text_detail(record: dict, names: Mapping[str, tuple[str, ...]]) -> str:
    """Why a record has no text: its text column is empty, or it has none."""
    if any(c in _columns(record) for c in names["text"]):
        return "text field empty"
    return f"no text field (looked for {', '.join(names['text'][:5])}, ...)"


def as_text(value: object) -> str | None:
    """A field value as text; a list becomes paragraphs; None for nothing or a mapping."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return "\n\n".join(str(v) for v in value if v is not None and str(v).strip()) or None
    if isinstance(value, dict):
        return None
    return str(value)


def as_line(value: object) -> str | None:
    """A field value as one normalised line (list items joined by ", "); None when empty."""
    text = as_text(value)
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
