"""Corpus annotation (local processes or a Dask cluster); see docs/DESIGN.md, "Data flow".

Annotation is per article and cached: each article's rows (mentions, attributions)
are stored under a key made of its cleaned-text hash, the model's name and version,
the entity labels and the annotation code's own hash. Only articles whose key is not
in the cache are parsed. Work is done in chunks that are written to the cache as
Parquet part files as soon as they finish, so memory stays bounded and an
interrupted run resumes where it stopped. Corpus-level steps (entity resolution,
speaker linking) then run over the cached rows of the articles asked for.
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
from newscope.tables import write_table

log = logging.getLogger(__name__)

# Source and word-list files that decide an article's cached rows (paths in the package);
# their bytes are part of every cache key, so editing them invalidates exactly the cached
# annotations.
_ANNOTATION_SOURCES = ("nlp.py", "lexicon.py", "records.py", "entities/*.py", "attribution/*.py", "data/words/*")
_OFFSET_COLUMNS = {"start", "end", "sentence", "paragraph", "source_start", "source_end", "cue_start",
                   "cue_end", "content_start", "content_end", "speaker_start", "speaker_end"}
# Columns of the cached per-article rows (before entity resolution and speaker linking).
_ROW_COLUMNS = {
    "mentions": ["cache_key", "start", "end", "text", "label", "sentence", "paragraph", "key"],
    "attributions": ["cache_key", "source_start", "source_end", "source_text", "cue_start", "cue_end",
                     "cue_text", "content_start", "content_end", "content_text", "kind", "cue_lemma",
                     "act", "channel", "speaker", "speaker_start", "speaker_end", "speaker_type"],
}


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

    def read(self, sub: str, wanted: set[str]) -> pd.DataFrame:
        frames = []
        for part in self._parts():
            path = self.root / sub / f"{part}.parquet"
            if path.is_file():
                df = pd.read_parquet(path)
                if len(df):
                    frames.append(df[df["cache_key"].isin(wanted)])
        out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=_ROW_COLUMNS[sub])
        # Parts disagree on dtypes (a column that is all-null in one chunk): offsets become
        # nullable integers, text plain objects with None, whatever the chunking was.
        for col in out.columns:
            if col in _OFFSET_COLUMNS:
                out[col] = pd.to_numeric(out[col]).astype("Int64")
            elif not pd.api.types.is_numeric_dtype(out[col]):
                out[col] = out[col].astype(object).where(out[col].notna(), None)
        return out


@dataclass
class Annotations:
    mentions: pd.DataFrame
    entities: pd.DataFrame
    attributions: pd.DataFrame
    n_parsed: int
    n_cached: int

    def metrics(self, n_articles: int) -> dict:
        """Corpus-level counts and shares, for ``dvc metrics``."""
        att = self.attributions
        share = lambda col, value: round(float((att[col] == value).mean()), 4) if len(att) else 0.0
        return {
            "articles": n_articles,
            "mentions": len(self.mentions),
            "entities": len(self.entities),
            "attributions": len(att),
            "attributions_per_article": round(len(att) / n_articles, 3) if n_articles else 0.0,
            "share_direct": share("kind", "direct"),
            "share_anonymous": share("speaker_type", "anonymous"),
        }


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
    articles: pd.DataFrame, settings: Settings | None = None, *, progress: bool = True
) -> Annotations:
    """Annotate ``articles`` (needs ``article_id``, ``text``, ``content_hash``).

    Returns the ``mentions``, ``entities`` and ``attributions`` tables of docs/DESIGN.md.
    ``settings.nlp`` chooses model, engine (``local``/``dask``), scheduler, processes,
    batch size and cache folder (``None``: a temporary cache, removed afterwards).
    """
    from newscope.resolve.entities import resolve_entities
    from newscope.resolve.speakers import link_speakers, name_authors, speaker_genders, unify_speaker_types

    settings = settings or load_settings()
    cfg, labels = settings.nlp, list(settings.entities.labels)
    n_process = cfg.n_process or os.cpu_count() or 1
    if cfg.engine not in ("local", "dask"):
        raise ConfigError(f"nlp.engine must be 'local' or 'dask', got {cfg.engine!r}")
    load_model(cfg.model)  # fail early, in the parent, with the clear message
    _release_free_memory()

    tmp_cache = None if cfg.cache_dir else tempfile.mkdtemp(prefix="newscope-cache-")
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

        wanted = set(keyed["cache_key"])
        ids = keyed[["article_id", "cache_key"]]
        mentions = _attach_ids(cache.read("mentions", wanted), ids)
        attributions = _attach_ids(cache.read("attributions", wanted), ids)
    finally:
        if tmp_cache:
            shutil.rmtree(tmp_cache, ignore_errors=True)

    mentions, entities = resolve_entities(mentions, settings.entities.aliases and resolve_path(settings.entities.aliases))
    attributions = unify_speaker_types(link_speakers(attributions, mentions, entities), entities)
    attributions = name_authors(attributions, articles)
    attributions["speaker_gender"] = speaker_genders(attributions)
    return Annotations(mentions, entities, attributions, n_parsed=len(items),
                       n_cached=len(keyed) - len(todo))


def _attach_ids(rows: pd.DataFrame, ids: pd.DataFrame) -> pd.DataFrame:
    """Replace cache keys by the article ids that share them, in a stable order."""
    out = ids.merge(rows, on="cache_key", how="inner").drop(columns="cache_key")
    sort = [c for c in ("article_id", "start", "content_start", "end") if c in out.columns]
    return out.sort_values(sort, kind="stable").reset_index(drop=True)
