"""Reading and writing the pipeline's Parquet tables (atomically, with clear errors)."""

from __future__ import annotations

import os
import uuid
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


def load_tables(tables_dir: str | Path = "data/processed") -> dict[str, pd.DataFrame]:
    """All five tables of a run (``articles``, ``rejected``, ``mentions``, ``entities``,
    ``attributions``) from ``tables_dir`` (relative paths are from the project root)."""
    root = resolve_path(tables_dir)
    return {name: read_table(root / f"{name}.parquet") for name in TABLES}
