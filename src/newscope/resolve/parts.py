"""Per-article rows in article-aligned Parquet parts, and running work over the parts.

The rows folder (``ROWS``) holds ``mentions/<part>.parquet`` and
``attributions/<part>.parquet``: the rows of :func:`newscope.entities.article_mentions` and
:func:`newscope.attribution.extract_attributions` with their ``article_id``, the two files
of one part name holding the same whole articles, sorted by article and offset. Every
corpus-level step reads one part at a time, so memory depends on the part size, not on the
corpus. Work over the parts runs as a Dask bag: in this process's threads, or on the
cluster named by ``nlp.scheduler`` when ``nlp.engine`` is ``dask``.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import dask.bag as db
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from dask.callbacks import Callback
from tqdm.auto import tqdm

from newscope.config import ConfigError, NlpSettings

log = logging.getLogger(__name__)

TABLES = ("mentions", "attributions")
#: Articles per part when rows are (re)written: a part's rows are what one task holds.
PART_ARTICLES = 5000
OFFSET_COLUMNS = frozenset({"start", "end", "sentence", "paragraph", "source_start", "source_end", "cue_start",
                            "cue_end", "content_start", "content_end", "speaker_start", "speaker_end"})
#: Columns of the per-article rows (before entity resolution and speaker linking).
ROW_COLUMNS = {
    "mentions": ["article_id", "start", "end", "text", "label", "sentence", "paragraph", "key"],
    "attributions": ["article_id", "source_start", "source_end", "source_text", "cue_start", "cue_end",
                     "cue_text", "content_start", "content_end", "content_text", "kind", "cue_lemma",
                     "act", "channel", "speaker", "speaker_start", "speaker_end", "speaker_type"],
}
ROW_ORDER = {"mentions": ["article_id", "start", "end"], "attributions": ["article_id", "content_start"]}


def normalize_types(df: pd.DataFrame) -> pd.DataFrame:
    """Offsets as nullable integers, text as plain objects with None: the same types
    whatever the part (a column all null in one part is typed like in the others)."""
    for col in df.columns:
        if col in OFFSET_COLUMNS:
            df[col] = pd.to_numeric(df[col]).astype("Int64")
        elif not pd.api.types.is_numeric_dtype(df[col]):
            df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df


def arrow_table(df: pd.DataFrame) -> pa.Table:
    """``df`` as Arrow with the schema of every part: offsets int64, other columns string
    unless numeric or lists (so parts concatenate whatever each one holds)."""
    inferred = pa.Schema.from_pandas(df, preserve_index=False)
    schema = pa.schema([pa.field(c, pa.int64()) if c in OFFSET_COLUMNS
                        else inferred.field(c) if pd.api.types.is_numeric_dtype(df[c])
                        else pa.field(c, pa.string()) for c in df.columns])
    return pa.Table.from_pandas(df, schema=schema, preserve_index=False)


@dataclass(frozen=True)
class Rows:
    """A rows folder (see the module docstring)."""

    root: Path

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root))

    def parts(self) -> list[str]:
        """Part names, sorted; an error naming the folder when there are none."""
        names = sorted(p.stem for p in (self.root / "mentions").glob("*.parquet"))
        if not names:
            raise ConfigError(f"{self.root}: no per-article rows (expected {self.root}/mentions/*.parquet and "
                              f"attributions/*.parquet, as written by `newscope annotate --rows {self.root}`)")
        missing = [n for n in names if not (self.root / "attributions" / f"{n}.parquet").is_file()]
        if missing:
            raise ConfigError(f"{self.root}/attributions: part(s) {', '.join(missing[:5])} missing; "
                              "every mentions part needs its attributions part")
        return names

    def path(self, table: str, part: str) -> Path:
        return self.root / table / f"{part}.parquet"

    def read(self, table: str, part: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        return normalize_types(pd.read_parquet(self.path(table, part), columns=columns))

    def write(self, table: str, part: str, df: pd.DataFrame) -> None:
        path = self.path(table, part)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        pq.write_table(arrow_table(df), tmp)
        tmp.replace(path)


def write_rows(frames: Iterable[tuple[pd.DataFrame, pd.DataFrame]], root: Path,
               part_articles: int = PART_ARTICLES) -> Rows:
    """Write ``(mentions, attributions)`` row frames (each holding whole articles, no
    article in two frames) to the rows folder ``root`` in parts of about ``part_articles``
    articles, sorted by article and offset. An existing folder is replaced."""
    root = Path(root)
    if root.exists():
        shutil.rmtree(root)
    rows = Rows(root)
    buffer: list[tuple[pd.DataFrame, pd.DataFrame]] = []
    n_articles, n_parts = 0, 0

    def flush() -> None:
        nonlocal buffer, n_articles, n_parts
        for i, table in enumerate(TABLES):
            df = pd.concat([b[i] for b in buffer], ignore_index=True)
            df = normalize_types(df.sort_values(ROW_ORDER[table], kind="stable", ignore_index=True))
            rows.write(table, f"part-{n_parts:05d}", df)
        buffer, n_articles, n_parts = [], 0, n_parts + 1

    for mentions, attributions in frames:
        buffer.append((mentions, attributions))
        n_articles += len(set(mentions["article_id"]) | set(attributions["article_id"]))
        if n_articles >= part_articles:
            flush()
    if buffer or not n_parts:  # an empty corpus is one empty part
        buffer = buffer or [tuple(pd.DataFrame(columns=ROW_COLUMNS[t]) for t in TABLES)]
        flush()
    return rows


class Engine:
    """Runs a function over items (parts) as a Dask bag: ``local`` runs on this machine's
    threads (``n_process``, 0 = all cores), ``dask`` on the cluster at ``scheduler``
    (``tcp://host:port``) or a LocalCluster (``local``)."""

    def __init__(self, cfg: NlpSettings):
        if cfg.engine not in ("local", "dask"):
            raise ConfigError(f"nlp.engine must be 'local' or 'dask', got {cfg.engine!r}")
        if cfg.engine == "dask" and not (cfg.scheduler == "local" or cfg.scheduler.startswith("tcp://")):
            raise ConfigError(f"nlp.scheduler must be 'local' or 'tcp://host:port', got {cfg.scheduler!r}")
        self.cfg = cfg
        self._client = self._cluster = None

    def __enter__(self) -> Engine:
        if self.cfg.engine == "dask":
            from dask.distributed import Client, LocalCluster

            if self.cfg.scheduler.startswith("tcp://"):
                self._client = Client(self.cfg.scheduler)
            else:
                self._cluster = LocalCluster(n_workers=self.cfg.n_process or None, threads_per_worker=1,
                                             processes=True, dashboard_address=None)
                self._client = Client(self._cluster)
        return self

    def __exit__(self, *exc) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def _compute(self, collection, desc: str):
        if self._client is not None:
            return self._client.compute(collection).result()
        with _progress(desc):
            return collection.compute(scheduler="threads", num_workers=self.cfg.n_process or None)

    def map(self, func: Callable, items: Sequence, desc: str) -> list:
        """``[func(item) for item in items]``, one task per item."""
        if not items:
            return []
        return self._compute(db.from_sequence(items, npartitions=len(items)).map(func), desc)

    def fold(self, func: Callable, items: Sequence, combine: Callable, desc: str):
        """``func`` over the items, results combined pairwise by ``combine`` in a tree (as
        they finish, so only a few results are held at once)."""
        if not items:
            raise ValueError("fold over no items")
        bag = db.from_sequence(items, npartitions=len(items)).map(func)
        return self._compute(bag.reduction(_Fold(combine), _Fold(combine), split_every=4), desc)


class _Fold:
    """Combine the results of one partition (picklable, for the distributed scheduler)."""

    def __init__(self, combine: Callable):
        self.combine = combine

    def __call__(self, results):
        it = iter(results)
        acc = next(it)
        for r in it:
            acc = self.combine(acc, r)
        return acc


class _progress(Callback):
    """A tqdm bar over the tasks of a local computation."""

    def __init__(self, desc: str):
        super().__init__()
        self.desc = desc

    def _start_state(self, dsk, state):
        self.bar = tqdm(total=sum(len(state[k]) for k in ("ready", "waiting", "running")) or None,
                        desc=self.desc, unit="task", disable=None, leave=False)

    def _posttask(self, key, result, dsk, state, worker_id):
        self.bar.update(1)

    def _finish(self, dsk, state, errored):
        self.bar.close()


def concat_parts(paths: Sequence[Path], out: Path) -> Path:
    """Concatenate Parquet part files with one schema into the table ``out``, one part at a
    time (the parts stay small; the table is written atomically)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    schema = pq.read_schema(paths[0])
    with pq.ParquetWriter(tmp, schema) as writer:
        for path in paths:
            writer.write_table(pq.read_table(path).cast(schema))
    tmp.replace(out)
    return out

