"""Corpus annotation (local processes or a Dask cluster); see docs/DESIGN.md, "Data flow".

Annotation is per article and cached: each article's rows (mentions, attributions)
are stored under a key made of its cleaned-text hash, the model's name and version,
the entity labels and the annotation code's own hash. Only articles whose key is not
in the cache are parsed. Work is done in chunks that are written to the cache as
Parquet part files as soon as they finish, so memory stays bounded and an
interrupted run resumes where it stopped. The cached rows of the articles asked for are
then written, part by part, to a rows folder (:mod:`newscope.resolve.parts`), and the
corpus-level steps (entity resolution, speaker linking: :mod:`newscope.resolve.pipeline`)
run over it.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import hashlib
import itertools
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

import newscope
from newscope.config import ConfigError, Settings, load_settings, resolve_path
from newscope.model import load_model, model_id
from newscope.resolve.parts import PART_ARTICLES, ROW_COLUMNS, normalize_types, write_rows
from newscope.resolve.pipeline import Resolved, resolve_rows
from newscope.resolve.speakers import first_authors, name_authors
from newscope.tables import read_table, write_table

log = logging.getLogger(__name__)

# Source and word-list files that decide an article's cached rows (paths in the package);
# their bytes are part of every cache key, so editing them invalidates exactly the cached
# annotations.
_ANNOTATION_SOURCES = ("nlp.py", "lexicon.py", "records.py", "entities/*.py", "attribution/*.py", "data/words/*")
# Columns of the cached per-article rows: those of the rows folder, keyed by cache key.
_ROW_COLUMNS = {table: ["cache_key", *columns[1:]] for table, columns in ROW_COLUMNS.items()}


@functools.lru_cache(maxsize=1)
def annotation_version() -> str:
    """Hash of newscope's version and the source code that produces per-article rows."""
    pkg = Path(newscope.__file__).parent
    h = hashlib.sha256(newscope.__version__.encode())
    for pattern in _ANNOTATION_SOURCES:
        for path in sorted(pkg.glob(pattern)):
            h.update(path.relative_to(pkg).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_keys(content_hashes: Iterable[str], model: str, labels: Iterable[str]) -> list[str]:
    """One cache key per article: text hash x model version x labels x annotation code."""
    salt = f"{model_id(model)}|{','.join(sorted(labels))}|{annotation_version()}"
    return [hashlib.sha256(f"{h}|{salt}".encode()).hexdigest()[:32] for h in content_hashes]


def annotate_chunk(
    items: list[tuple[str, str]], model: str, labels: list[str], batch_size: int
) -> tuple[list[str], list[dict], list[dict]]:
    """Parse ``(text, key)`` pairs; return keys, mention rows and attribution rows.

    Runs inside worker processes (local pool or Dask); the model is loaded once per process.
    """
    from newscope.attribution import extract_attributions
    from newscope.entities import article_mentions

    nlp = load_model(model)
    keys, mentions, attributions = [], [], []
    for doc, key in nlp.pipe(items, as_tuples=True, batch_size=batch_size):
        try:
            doc_mentions = article_mentions(doc, labels)
            doc_attributions = extract_attributions(doc, doc_mentions)
        except Exception as exc:  # name the article: the traceback alone does not
            raise RuntimeError(f"annotating the article that begins {doc.text[:80]!r} failed: "
                               f"{type(exc).__name__}: {exc}") from exc
        keys.append(key)
        mentions.extend({"cache_key": key, **m.to_row()} for m in doc_mentions)
        attributions.extend({"cache_key": key, **row} for row in doc_attributions)
    return keys, mentions, attributions


class AnnotationCache:
    """Per-article annotations stored as Parquet part files (keys, mentions, attributions).

    A chunk is complete when its ``keys`` part exists; it is written last, atomically.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        for sub in ("keys", "mentions", "attributions"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def _parts(self) -> list[str]:
        return sorted(p.stem for p in (self.root / "keys").glob("*.parquet"))

    def known_keys(self) -> set[str]:
        keys: set[str] = set()
        for part in self._parts():
            keys.update(pd.read_parquet(self.root / "keys" / f"{part}.parquet")["cache_key"])
        return keys

    def add(self, keys: list[str], mentions: list[dict], attributions: list[dict]) -> None:
        part = uuid.uuid4().hex
        for sub, rows in (("mentions", mentions), ("attributions", attributions)):
            df = pd.DataFrame(rows).reindex(columns=_ROW_COLUMNS[sub])
            write_table(df, self.root / sub / f"{part}.parquet")
        write_table(pd.DataFrame({"cache_key": keys}), self.root / "keys" / f"{part}.parquet")

    def rows(self, ids: pd.DataFrame) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
        """Per cached part, the mention and attribution rows of the articles in ``ids``
        (``article_id, cache_key``; articles sharing a key each get its rows), by article id."""
        by_key = pd.Index(ids["cache_key"])
        for part in self._parts():
            keys = pd.read_parquet(self.root / "keys" / f"{part}.parquet")["cache_key"].unique()
            found = by_key.get_indexer_non_unique(keys)[0]
            part_ids = ids.iloc[found[found >= 0]]
            if len(part_ids):
                yield tuple(_attach_ids(self._read(sub, part), part_ids) for sub in ("mentions", "attributions"))

    def _read(self, sub: str, part: str) -> pd.DataFrame:
        path = self.root / sub / f"{part}.parquet"
        df = pd.read_parquet(path) if path.is_file() else pd.DataFrame()
        # Parts disagree on dtypes (a column that is all-null in one chunk): offsets become
        # nullable integers, text plain objects with None, whatever the chunking was.
        return normalize_types(df if len(df) else pd.DataFrame(columns=_ROW_COLUMNS[sub]))


@dataclass
class Annotations:
    """What :func:`annotate` wrote to ``out_dir``: the tables (read on demand), counts."""

    out_dir: Path
    resolved: Resolved
    n_parsed: int
    n_cached: int

    @property
    def mentions(self) -> pd.DataFrame:
        return read_table(self.out_dir / "mentions.parquet")

    @property
    def entities(self) -> pd.DataFrame:
        return read_table(self.out_dir / "entities.parquet")

    @property
    def attributions(self) -> pd.DataFrame:
        return read_table(self.out_dir / "attributions.parquet")

    def metrics(self, n_articles: int) -> dict:
        """Corpus-level counts and shares, for ``dvc metrics``."""
        return self.resolved.metrics(n_articles)


def _chunks(items: list[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _release_free_memory() -> None:
    """Give memory freed by earlier work in this process (ingestion) back to the system
    before the workers start: glibc keeps it otherwise (10k articles: 929 -> 461 MB)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl): nothing to trim
        pass


def _run_local(chunks, n_process, job, on_result) -> None:
    if n_process <= 1:
        for chunk in chunks:
            on_result(job(chunk))
        return
    with ProcessPoolExecutor(max_workers=n_process) as pool:
        pending = set()
        for chunk in chunks:
            pending.add(pool.submit(job, chunk))
            if len(pending) >= 2 * n_process:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    on_result(fut.result())
        for fut in pending:
            on_result(fut.result())


def _run_dask(chunks, n_process, scheduler, job, on_result) -> None:
    from dask.distributed import Client, LocalCluster, as_completed

    if scheduler.startswith("tcp://"):
        client, cluster = Client(scheduler), None
    elif scheduler == "local":
        cluster = LocalCluster(n_workers=n_process, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    else:
        raise ConfigError(f"nlp.scheduler must be 'local' or 'tcp://host:port', got {scheduler!r}")
    try:
        window = 2 * max(1, len(client.scheduler_info().get("workers", {})) or n_process)
        it = iter(chunks)
        queue = as_completed([client.submit(job, c, pure=False) for c in itertools.islice(it, window)])
        for fut in queue:
            on_result(fut.result())
            nxt = next(it, None)
            if nxt is not None:
                queue.add(client.submit(job, nxt, pure=False))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def annotate(
    articles: pd.DataFrame, settings: Settings | None = None, *, out_dir: str | Path,
    rows_dir: str | Path | None = None, progress: bool = True,
) -> Annotations:
    """Annotate ``articles`` (needs ``article_id``, ``text``, ``content_hash``).

    Writes the ``mentions``, ``entities`` and ``attributions`` tables of docs/DESIGN.md to
    ``out_dir``, and the per-article rows they are resolved from to ``rows_dir`` (``None``:
    a temporary folder; keep them to rerun `newscope resolve` alone). ``settings.nlp``
    chooses model, engine (``local``/``dask``), scheduler, processes, batch size and cache
    folder (``None``: a temporary cache, removed afterwards).
    """
    settings = settings or load_settings()
    cfg, labels = settings.nlp, list(settings.entities.labels)
    n_process = cfg.n_process or os.cpu_count() or 1
    if cfg.engine not in ("local", "dask"):
        raise ConfigError(f"nlp.engine must be 'local' or 'dask', got {cfg.engine!r}")
    load_model(cfg.model)  # fail early, in the parent, with the clear message
    _release_free_memory()

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp_cache = None if cfg.cache_dir else tempfile.mkdtemp(prefix="newscope-cache-")
    tmp_rows = None if rows_dir else tempfile.mkdtemp(prefix=".rows-", dir=out_dir)
    cache = AnnotationCache(resolve_path(cfg.cache_dir) if cfg.cache_dir else Path(tmp_cache))
    try:
        keyed = articles[["article_id", "text", "content_hash"]].copy()
        keyed["cache_key"] = pd.Series(cache_keys(keyed["content_hash"], cfg.model, labels),
                                       index=keyed.index, dtype=object)
        known = cache.known_keys()
        todo = keyed[~keyed["cache_key"].isin(known)].drop_duplicates("cache_key")
        items = list(zip(todo["text"], todo["cache_key"]))
        log.info("annotate: %d articles, %d to parse, %d from cache", len(keyed), len(items),
                 len(keyed) - len(todo))

        # About 8 chunks per process (so none idles long at the end), 1 to 8 batches each.
        chunk_size = min(8 * cfg.batch_size, max(cfg.batch_size, -(-len(items) // (8 * n_process))))
        job = functools.partial(annotate_chunk, model=cfg.model, labels=labels, batch_size=cfg.batch_size)
        bar = tqdm(total=len(items), unit="article", desc="annotate",
                   disable=None if progress else True, smoothing=0.1)

        def on_result(result: tuple[list[str], list[dict], list[dict]]) -> None:
            cache.add(*result)
            bar.update(len(result[0]))

        chunks = _chunks(items, chunk_size)
        if cfg.engine == "dask":
            _run_dask(chunks, n_process, cfg.scheduler, job, on_result)
        else:
            _run_local(chunks, n_process, job, on_result)
        bar.close()

        authors = first_authors(articles)  # the writer's own attributions are named per article
        parts = ((m, name_authors(a, authors)) for m, a in cache.rows(keyed[["article_id", "cache_key"]]))
        rows = write_rows(parts, Path(rows_dir or tmp_rows), PART_ARTICLES)
        resolved = resolve_rows(rows, out_dir, settings)
    finally:
        for tmp in (tmp_cache, tmp_rows):
            if tmp:
                shutil.rmtree(tmp, ignore_errors=True)
    return Annotations(out_dir, resolved, n_parsed=len(items), n_cached=len(keyed) - len(todo))


def _attach_ids(rows: pd.DataFrame, ids: pd.DataFrame) -> pd.DataFrame:
    """Replace cache keys by the article ids that share them, in a stable order."""
    out = ids.merge(rows, on="cache_key", how="inner").drop(columns="cache_key")
    sort = [c for c in ("article_id", "start", "content_start", "end") if c in out.columns]
    return out.sort_values(sort, kind="stable").reset_index(drop=True)
