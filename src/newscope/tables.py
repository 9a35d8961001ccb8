"""Reading and writing the pipeline's Parquet tables (atomically, with clear errors)."""

from __future__ import annotations

import gzip
import json
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from newscope.config import TABLES, ConfigError, resolve_path


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
