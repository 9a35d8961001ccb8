"""Reading and writing the pipeline's Parquet tables (atomically, with clear errors)."""

from __future__ import annotations

import difflib
import gzip
import json
import os
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import pandas as pd

from newscope.config import TABLES, ConfigError, load_settings, resolve_path


#: Python's white space (``str.isspace``) as the body of a regular-expression character class
#: in RE2 syntax, DuckDB's: ``[^WHITESPACE]`` matches what ``str.strip`` keeps.
WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"


#: A table as a pandas DataFrame or a lazy DuckDB relation (:func:`scan_tables`): the
#: analyses take either.
Table = pd.DataFrame | duckdb.DuckDBPyRelation


def as_kind_of(rel: duckdb.DuckDBPyRelation, table: Table) -> Table:
    """``rel`` as a DataFrame when ``table`` is one, else as the relation."""
    return rel.df() if isinstance(table, pd.DataFrame) else rel


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` to ``path`` as Parquet; readers never see a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        df.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def read_table(path: str | Path) -> pd.DataFrame:
    """Read one Parquet table, naming the file and the fix when it is missing."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(
            f"{path} does not exist. Build the tables first: `dvc repro annotate` "
            f"(or `newscope run INPUT --out {path.parent}`)."
        )
    return pd.read_parquet(path)


def load_tables(tables_dir: str | Path = "data/processed", names: Iterable[str] = TABLES) -> dict[str, pd.DataFrame]:
    """The tables ``names`` (default: all five, ``articles``, ``rejected``, ``mentions``,
    ``entities``, ``attributions``) from ``tables_dir`` (relative paths: from the project root)."""
    root = resolve_path(tables_dir)
    unknown = sorted(set(names) - set(TABLES))
    if unknown:
        raise ConfigError(f"unknown table(s) {unknown}; the tables are {list(TABLES)}")
    return {name: read_table(root / f"{name}.parquet") for name in names}


def scan_tables(tables_dir: str | Path = "data/processed", names: Iterable[str] = TABLES, *,
                memory_limit: str | None = None, threads: int | None = None) -> dict[str, duckdb.DuckDBPyRelation]:
    """The tables ``names`` of ``tables_dir`` as lazy DuckDB relations over their Parquet files:
    a query reads only the columns and row groups it needs, so tables larger than memory can be
    queried (DuckDB spills to a temporary folder beyond ``memory_limit``, on ``threads`` threads,
    0 = one per core; both default to the ``reports`` section of params.yaml). The relations live
    on DuckDB's default connection, where SQL can name them, or pandas DataFrames, by variable."""
    root = resolve_path(tables_dir)
    unknown = sorted(set(names) - set(TABLES))
    if unknown:
        raise ConfigError(f"unknown table(s) {unknown}; the tables are {list(TABLES)}")
    settings = load_settings().reports
    memory_limit = memory_limit or settings.memory_limit
    threads = settings.threads if threads is None else threads
    try:
        duckdb.execute("SET memory_limit = ?", [memory_limit])
    except duckdb.Error:
        raise ConfigError(f"reports.memory_limit: {memory_limit!r} is not a memory size (e.g. 1GB, 800MB)") from None
    duckdb.execute(f"SET threads = {int(threads)}" if threads else "RESET threads")
    duckdb.execute(f"SET temp_directory = '{Path(tempfile.gettempdir()) / 'newscope-duckdb'}'")
    paths = {name: root / f"{name}.parquet" for name in names}
    for path in paths.values():
        if not path.is_file():
            read_table(path)  # raises naming the file and the fix
    return {name: duckdb.read_parquet(str(path)) for name, path in paths.items()}


def to_frame(table: Table, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """``table`` (a DataFrame or a DuckDB relation) as a DataFrame of ``columns`` (default: all)."""
    columns = list(columns) if columns is not None else list(table.columns)
    if isinstance(table, pd.DataFrame):
        return table[columns]
    return table.project(", ".join(f'"{c}"' for c in columns)).df()


def article_rows(table: Table, article_id: str) -> pd.DataFrame:
    """The rows of ``table`` (mentions, attributions, ...) of one article, as a DataFrame."""
    rows = table
    return duckdb.execute("SELECT * FROM rows WHERE article_id = ?", [article_id]).df()


def count_rows(table: Table, distinct: str | None = None) -> int:
    """The rows of ``table``, or the distinct non-missing values of its column ``distinct``."""
    rows = table
    what = f'DISTINCT "{distinct}"' if distinct else "*"
    return int(duckdb.sql(f"SELECT COUNT({what}) FROM rows").fetchall()[0][0])


def count_tokens(text: pd.Series) -> pd.Series:
    """Whitespace-separated words of each text (0 for a missing one), as ingest counts
    ``articles.n_tokens``."""
    return text.fillna("").str.split().str.len().astype("int64")


def require_columns(df: Table, columns: Iterable[str], table: str) -> None:
    """Raise naming the ``table``'s missing ``columns`` (tables from an older newscope)."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"the {table} table lacks column(s) {', '.join(missing)}; rebuild the tables "
            f"(`dvc repro annotate`) with this version of newscope"
        )


def check_known(param: str, asked: Iterable[str], present: pd.Series, what: str, unit: str) -> None:
    """Raise naming ``param`` when a value of ``asked`` is not in ``present`` (one value per
    ``unit``), listing the known values with their counts and the closest spellings."""
    counts = present.dropna().astype(str).value_counts()
    unknown = [value for value in asked if value not in counts.index]
    if not unknown:
        return
    folded = {name.casefold(): name for name in counts.index}
    close = sorted({folded[m] for value in unknown
                    for m in difflib.get_close_matches(str(value).casefold(), folded, n=3)})
    known = ", ".join(f"{name!r} ({n})" for name, n in counts.head(30).items()) or "none"
    more = f" and {len(counts) - 30} more" if len(counts) > 30 else ""
    hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    raise ConfigError(f"{param}: no {what} {', '.join(map(repr, unknown))} in these tables.{hint} "
                      f"Known {what} ({unit}): {known}{more}.")


def article_meta(articles: pd.DataFrame) -> pd.DataFrame:
    """Per article: ``article_id``, ``outlet`` ("unknown" when missing), ``date`` (naive UTC
    timestamp; NaT when missing or unparseable), ``title`` and ``weight`` (1.0 when missing)."""
    require_columns(articles, ["article_id", "outlet", "date"], "articles")
    weight = articles["weight"] if "weight" in articles.columns else pd.Series(1.0, index=articles.index)
    return pd.DataFrame({
        "article_id": articles["article_id"],
        "outlet": articles["outlet"].fillna("unknown").astype(str),
        "date": pd.to_datetime(articles["date"], errors="coerce", utc=True, format="ISO8601").dt.tz_localize(None),
        "title": articles["title"] if "title" in articles.columns else None,
        "weight": pd.to_numeric(weight, errors="coerce").fillna(1.0).astype(float),
    }).reset_index(drop=True)


def read_jsonl(path: str | Path) -> Iterator[dict]:
    """One dict per non-blank line of a ``.jsonl`` or ``.jsonl.gz`` file (the gold and
    prediction exchange format); a missing file or a bad line is an error naming ``file:line``."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such file (expected JSONL or JSONL.gz)")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{lineno}: not valid JSON ({exc.msg} at column {exc.colno})") from None
            if not isinstance(record, dict):
                raise ConfigError(f"{path}:{lineno}: expected a JSON object, got {type(record).__name__}")
            yield record


def most_common(frame: pd.DataFrame, by: str | list[str], column: str, weight: str | None = None) -> pd.Series:
    """Per ``by`` group, the most frequent non-null ``column`` value (ties: alphabetically
    first), indexed by ``by``; each row counts once, or ``weight`` times (rows of counts)."""
    keys = [by] if isinstance(by, str) else list(by)
    groups = frame.groupby([*keys, column], sort=False)
    counts = (groups[weight].sum() if weight else groups.size()).reset_index(name="n")
    counts = counts.sort_values(["n", column], ascending=[False, True], kind="stable").drop_duplicates(keys)
    return counts.set_index(by)[column]
