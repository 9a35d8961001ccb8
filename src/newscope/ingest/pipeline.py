"""``ingest()``: the steps from input paths to the ``articles``, ``rejected`` and ``boilerplate``
tables (the contract is in the package docstring, ``newscope/ingest/__init__.py``)."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from newscope.config import ConfigError, CorpusSettings
from newscope.ingest.clean import (
    CleanedArticle,
    article_line_keys,
    clean_article,
    credit_outlet,
    learn_boilerplate,
    remove_learned,
)
from newscope.ingest.discover import IngestError, find_files
from newscope.ingest.duplicates import components, near_duplicate_pairs
from newscope.ingest.fields import (
    as_line,
    as_text,
    extract,
    field_names,
    missing_text_detail,
    outlet_domain,
    parse_date,
    safe_id,
)
from newscope.ingest.readers import FORMAT_CHOICES, RawRecord, read_file

log = logging.getLogger(__name__)

REJECT_REASONS: tuple[str, ...] = (
    "unreadable", "empty", "not-text", "bad-json", "bad-csv", "bad-parquet", "bad-record",
    "missing-text", "too-long", "boilerplate-only", "duplicate-id", "duplicate",
)
ARTICLE_COLUMNS = (
    "article_id", "outlet", "outlet_domain", "date", "title", "authors", "agency", "dateline", "url",
    "text", "raw_ref", "content_hash", "n_chars", "n_tokens", "n_boilerplate_lines", "duplicate_group",
    "duplicate_kind", "weight", "credit",
)
REJECTED_COLUMNS = ("raw_ref", "reason", "detail")
BOILERPLATE_COLUMNS = ("outlet", "kind", "line", "n_removed")
_TEXT_COLUMNS = ("outlet", "outlet_domain", "date", "title", "authors", "agency", "dateline", "url",
                 "duplicate_group", "duplicate_kind", "credit")
_KEEP = ("all", "one", "weight")

Rejection = tuple[str, str, str]  # (raw_ref, reason, detail)


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


def validate(settings: CorpusSettings) -> None:
    """Raise :class:`ConfigError` for a ``corpus`` setting ingestion cannot use."""
    if settings.format not in FORMAT_CHOICES:
        raise ConfigError(f"corpus.format must be one of {', '.join(FORMAT_CHOICES)}, got {settings.format!r}")
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


@dataclass
class _Cleaned:
    """A record that has text left after built-in cleaning, waiting for the corpus-level steps."""

    ref: str
    fields: dict
    art: CleanedArticle
    domain: str | None  # from the domain field or the URL
    outlet: str | None  # as given

    @property
    def outlet_key(self) -> str:
        """What boilerplate is learned per: the outlet domain, else the outlet name."""
        return self.domain or self.outlet or ""


@dataclass
class _Counts:
    """What building the article rows counted, for the summary and the boilerplate table."""

    dates: Counter = field(default_factory=Counter)
    removed: Counter = field(default_factory=Counter)  # by kind
    captured: Counter = field(default_factory=Counter)  # agency, dateline, credit
    boilerplate: Counter = field(default_factory=Counter)  # (outlet key, kind, line)


def ingest(inputs: Sequence[str | Path], settings: CorpusSettings | None = None, *,
           progress: bool = True) -> IngestResult:
    """Read, clean and de-duplicate ``inputs`` into the ``articles`` and ``rejected`` tables.

    Example: ``ingest(["data/raw"]).articles.loc[0, "title"]``.
    """
    settings = settings or CorpusSettings()
    validate(settings)
    names = field_names(dict(settings.fields or {}))
    files, hidden = find_files(inputs)
    if not files:
        raise IngestError(f"no input files in {', '.join(map(str, inputs))}"
                          + (f" ({hidden} hidden files skipped)" if hidden else "")
                          + ": put articles there or point corpus.inputs in params.yaml at them")
    rejected: list[Rejection] = []
    textless: list[tuple[str, ...]] = []  # the columns of each record without a text column
    decoding: Counter = Counter()
    cleaned: list[_Cleaned] = []
    n_read = n_with_fields = 0
    for raw in _read(files, settings, decoding, progress):
        n_read += 1
        n_with_fields += not raw.reason
        record = _clean_record(raw, names, settings, rejected, textless)
        if record is not None:
            cleaned.append(record)
    if textless and len(textless) == n_with_fields:
        raise IngestError(_no_text_column(textless, names))
    # near duplicates on the text after built-in cleaning; learned boilerplate counted once per group
    near_pairs = near_duplicate_pairs([c.art.text for c in cleaned], float(settings.duplicates.near_threshold),
                                      progress=progress)
    learned = _learn_boilerplate(cleaned, near_pairs, settings)
    counts = _Counts()
    rows, kept_index = _article_rows(cleaned, learned, settings, rejected, counts)
    rows, duplicates = _group_duplicates(rows, kept_index, near_pairs, settings.duplicates.keep, rejected)

    articles = _articles_table(rows)
    rejected_df = pd.DataFrame(rejected, columns=list(REJECTED_COLUMNS)).astype(articles["article_id"].dtype)
    if len(articles) + len(rejected_df) != n_read:
        raise RuntimeError(f"ingest lost records: read {n_read}, ingested {len(articles)}, "
                           f"rejected {len(rejected_df)}")
    boilerplate = pd.DataFrame(
        [(*key, n) for key, n in counts.boilerplate.items()], columns=list(BOILERPLATE_COLUMNS)
    ).sort_values(["outlet", "n_removed", "line"], ascending=[True, False, True], kind="stable",
                  ignore_index=True)
    by_reason = Counter(reason for _, reason, _ in rejected)
    summary = {
        "files": len(files), "read": n_read, "ingested": len(articles), "rejected_total": len(rejected_df),
        "rejected": {r: by_reason[r] for r in REJECT_REASONS if by_reason[r]},
        "duplicates": {k: duplicates[k] for k in ("exact_groups", "exact_articles", "near_groups",
                                                  "near_articles")},
        "keep": settings.duplicates.keep,
        "removed_lines": {k: counts.removed[k] for k in ("furniture", "name box", "learned", "credit", "duplicate")},
        "learned_lines": sum(len(v) for v in learned.values()),
        "captured": {k: counts.captured[k] for k in ("agency", "dateline", "credit")},
        "dates": {k: counts.dates[k] for k in ("parsed", "nulled", "unparsed", "missing")},
        "decoding": {"replacements": decoding["replacements"], "detected_files": decoding["detected_files"]},
        "skipped_hidden": hidden,
    }
    log.info("ingest: %s", summary)
    return IngestResult(articles, rejected_df, summary, boilerplate)


def _read(files: list[tuple[Path, Path]], settings: CorpusSettings, decoding: Counter,
          progress: bool) -> Iterator[RawRecord]:
    """Step 1: every record of every file, in input order (with progress bars)."""
    show = None if progress else True  # tqdm: None = only on a terminal
    bar = tqdm(total=len(files), desc="ingest", unit="file", disable=show if len(files) > 1 else True)
    records = tqdm(desc="records", unit="rec", disable=show)
    for path, root in files:
        for raw in read_file(path, root, settings.format, settings.max_chars, decoding):
            records.update()
            yield raw
        bar.update()
    bar.close()
    records.close()


def _clean_record(raw: RawRecord, names: dict[str, tuple[str, ...]], settings: CorpusSettings,
                  rejected: list[Rejection], textless: list[tuple[str, ...]]) -> _Cleaned | None:
    """Step 2: one record's fields and built-in cleaning; None when it is rejected (the
    columns of a record without any text column are added to ``textless``)."""
    if raw.reason:
        rejected.append((raw.raw_ref, raw.reason, raw.detail))
        return None
    fields = extract(raw.fields, names)
    if raw.id_hint and fields["id"] is None:
        fields["id"] = raw.id_hint
    text = as_text(fields["text"])
    if text is None or not text.strip():
        detail = missing_text_detail(raw.fields, names)
        if detail.startswith("no text field"):
            textless.append(tuple(map(str, raw.fields)))
        rejected.append((raw.raw_ref, "missing-text", detail))
        return None
    if len(text) > settings.max_chars:
        rejected.append((raw.raw_ref, "too-long", f"{len(text)} characters > corpus.max_chars={settings.max_chars}"))
        return None
    art = clean_article(text, settings.clean, title=as_line(fields["title"]))
    if not art.paragraphs:
        rejected.append((raw.raw_ref, "boilerplate-only", f"nothing left after cleaning {len(art.removed)} lines"))
        return None
    domain = outlet_domain(as_line(fields["outlet_domain"])) or outlet_domain(as_line(fields["url"]))
    return _Cleaned(raw.raw_ref, fields, art, domain, as_line(fields["outlet"]))


def _no_text_column(textless: list[tuple[str, ...]], names: dict[str, tuple[str, ...]]) -> str:
    """Why nothing was ingested when no record has a text column, and the line that fixes it."""
    seen = [name for name, _ in Counter(c for columns in textless for c in columns).most_common()]
    guess = next((c for c in seen if any(w in c.casefold() for w in ("text", "body", "content", "article"))),
                 seen[0] if seen else "YOUR_TEXT_COLUMN")
    columns = f"the columns {', '.join(map(repr, seen[:20]))}" if seen else "no columns"
    return (f"no record has a text column, so no article was ingested. The records have {columns}; "
            f"newscope looks for {', '.join(names['text'])} (any case). "
            f"Name yours in params.yaml, e.g. `fields: {{{guess}: text}}` under `corpus:`.")


def _learn_boilerplate(cleaned: list[_Cleaned], near_pairs: list[tuple[int, int]],
                       settings: CorpusSettings) -> dict[str, dict[str, int]]:
    """Step 3: lines recurring across an outlet's articles, each group of near duplicates counted once."""
    if not settings.clean.learned_boilerplate:
        return {}
    first_of = components(len(cleaned), near_pairs)
    return learn_boilerplate(
        ((c.outlet_key, article_line_keys(c.art)) for i, c in enumerate(cleaned) if first_of[i] == i),
        settings.clean.boilerplate_min_share, settings.clean.boilerplate_min_articles)


def _article_rows(cleaned: list[_Cleaned], learned: dict[str, dict[str, int]], settings: CorpusSettings,
                  rejected: list[Rejection], counts: _Counts) -> tuple[list[dict], list[int]]:
    """Step 4: learned boilerplate removed, ids, dates and outlets: one row per article left,
    and the index in ``cleaned`` of each row."""
    rows: list[dict] = []
    kept_index: list[int] = []
    owner: dict[str, str] = {}  # article_id -> raw_ref
    repeats: Counter = Counter()  # content hash -> records without an id
    min_date = parse_date(settings.min_date) if settings.min_date else None
    max_date = parse_date(settings.max_date) if settings.max_date else date.today().isoformat()
    for i, c in enumerate(cleaned):
        art = remove_learned(c.art, learned.get(c.outlet_key, {}))
        if not art.paragraphs:
            rejected.append((c.ref, "boilerplate-only", f"nothing left after removing {len(art.removed)} lines"))
            continue
        f = c.fields
        text = art.text
        content_hash = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        given = as_line(f["id"])
        article_id = safe_id(given) if given is not None else _hash_id(content_hash, repeats, owner)
        if article_id in owner:
            rejected.append((c.ref, "duplicate-id", f"id {given!r} already used by {owner[article_id]}"))
            continue
        owner[article_id] = c.ref
        for kind, line in art.removed:
            counts.removed[kind] += 1
            if kind in ("furniture", "learned"):
                counts.boilerplate[(c.outlet_key, kind, line)] += 1
        credit = art.credit
        domain = c.domain
        if domain is None and credit:
            domain = outlet_domain(credit)
        outlet = c.outlet
        if outlet is None and credit:
            outlet = credit_outlet(credit)
        for key in ("agency", "dateline", "credit"):
            counts.captured[key] += getattr(art, key) is not None
        rows.append({
            "article_id": article_id, "outlet": outlet or domain, "outlet_domain": domain,
            "date": _article_date(f["date"], min_date, max_date, counts.dates, c.ref),
            "title": as_line(f["title"]), "authors": as_line(f["authors"]) or art.authors,
            "agency": art.agency, "dateline": art.dateline, "url": as_line(f["url"]), "text": text,
            "raw_ref": c.ref, "content_hash": content_hash, "n_chars": len(text), "n_tokens": len(text.split()),
            "n_boilerplate_lines": art.count("furniture", "learned"), "duplicate_group": None,
            "duplicate_kind": None, "weight": 1.0, "credit": credit,
        })
        kept_index.append(i)
    return rows, kept_index


def _hash_id(content_hash: str, repeats: Counter, taken: dict[str, str]) -> str:
    """The id of a record without one: 16 hex digits of its content hash, ``-2``, ``-3``...
    for repeated texts."""
    repeats[content_hash] += 1
    n = repeats[content_hash]
    article_id = content_hash[:16] + (f"-{n}" if n > 1 else "")
    while article_id in taken:
        article_id += "_"
    return article_id


def _article_date(value: object, min_date: str | None, max_date: str, counts: Counter, ref: str) -> str | None:
    """The record's date as "YYYY-MM-DD", None when missing, unparsed or out of range (counted)."""
    iso = parse_date(value)
    if value is None:
        counts["missing"] += 1
    elif iso is None:
        counts["unparsed"] += 1
    elif (min_date and iso < min_date) or iso > max_date:
        counts["nulled"] += 1
        log.debug("%s: date %s out of range, nulled", ref, iso)
        return None
    else:
        counts["parsed"] += 1
    return iso


def _group_duplicates(rows: list[dict], kept_index: list[int], near_pairs: list[tuple[int, int]], keep: str,
                      rejected: list[Rejection]) -> tuple[list[dict], Counter]:
    """Step 5: duplicate groups, exact (same final text) joined with near pairs among the rows;
    marks the rows, applies ``keep`` and counts the groups."""
    position = {idx: k for k, idx in enumerate(kept_index)}
    pairs = [(position[i], position[j]) for i, j in near_pairs if i in position and j in position]
    first_hash: dict[str, int] = {}
    for k, row in enumerate(rows):
        h = row["content_hash"]
        if h in first_hash:
            pairs.append((first_hash[h], k))
        else:
            first_hash[h] = k
    members: dict[int, list[int]] = {}
    for k, root in enumerate(components(len(rows), pairs)):
        members.setdefault(root, []).append(k)
    counts: Counter = Counter()
    drop: set[int] = set()
    for root, group in members.items():
        if len(group) < 2:
            continue
        kind = "exact" if len({rows[k]["content_hash"] for k in group}) == 1 else "near"
        counts[f"{kind}_groups"] += 1
        counts[f"{kind}_articles"] += len(group)
        for k in group:
            rows[k]["duplicate_group"] = rows[root]["article_id"]
            rows[k]["duplicate_kind"] = kind
            if keep == "weight":
                rows[k]["weight"] = 1.0 / len(group)
            elif keep == "one" and k != root:
                drop.add(k)
                rejected.append((rows[k]["raw_ref"], "duplicate",
                                 f"{kind} duplicate of {rows[root]['article_id']} ({rows[root]['raw_ref']})"))
    return [row for k, row in enumerate(rows) if k not in drop], counts


def _articles_table(rows: list[dict]) -> pd.DataFrame:
    """Step 6: the rows as the ``articles`` table, with the contract's column types."""
    articles = pd.DataFrame(rows, columns=list(ARTICLE_COLUMNS))
    text_dtype = articles["article_id"].dtype  # pandas' string dtype ("str" from pandas 3 on)
    for col in _TEXT_COLUMNS:
        if articles[col].dtype != text_dtype:  # all-missing columns come out as object
            articles[col] = articles[col].astype(text_dtype)
    articles["weight"] = articles["weight"].astype(float)
    articles["n_chars"] = articles["n_chars"].astype("int64")
    articles["n_tokens"] = articles["n_tokens"].astype("int64")
    articles["n_boilerplate_lines"] = articles["n_boilerplate_lines"].astype("int64")
    return articles
