"""Are the out-of-core corpus-level steps row for row the in-memory code they replaced?

Three steps, the second under the old code (the commit before `newscope resolve`, 89dff1d):

    .venv/bin/python bench/check_resolve_identity.py rows RUN CACHE BASE
    git archive 89dff1d src | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old/src .venv/bin/python bench/check_resolve_identity.py baseline BASE
    .venv/bin/python bench/check_resolve_identity.py compare BASE OUT

``rows`` reads the per-article rows of the articles in ``RUN/articles.parquet`` from the
annotation cache ``CACHE`` (the articles not in it are left out) and saves them to ``BASE``
(with this code, whose cache keys hash this annotation code); ``baseline`` saves the tables
the old in-memory code resolves from them to ``BASE``; ``compare`` writes the same rows to a
rows folder, runs :func:`newscope.resolve.pipeline.resolve_rows` into ``OUT`` and compares
the three tables with the baseline (sorted by their keys, every column, with
``DataFrame.equals``). Exit status 1 when a table differs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

SORT = {"mentions": ["article_id", "start", "end"], "entities": ["entity_id"],
        "attributions": ["article_id", "content_start", "source_start", "cue_start"]}


def rows(run: Path, cache_dir: Path, out: Path) -> None:
    from newscope.config import load_settings
    from newscope.nlp import AnnotationCache, cache_keys

    out.mkdir(parents=True, exist_ok=True)
    s = load_settings()
    articles = pd.read_parquet(run / "articles.parquet", columns=["article_id", "content_hash"])
    ids = articles.assign(cache_key=cache_keys(articles["content_hash"], s.nlp.model, list(s.entities.labels)))
    cache = AnnotationCache(cache_dir)
    ids = ids[ids["cache_key"].isin(cache.known_keys())][["article_id", "cache_key"]]
    parts = list(cache.rows(ids))
    mentions, attributions = (pd.concat([p[i] for p in parts], ignore_index=True) for i in (0, 1))
    mentions.to_parquet(out / "rows_mentions.parquet", index=False)
    attributions.to_parquet(out / "rows_attributions.parquet", index=False)
    print(f"rows of {len(ids)} articles: {len(mentions)} mentions, {len(attributions)} attributions -> {out}")


def baseline(out: Path) -> None:
    from newscope.config import load_settings, resolve_path
    from newscope.resolve.entities import resolve_entities
    from newscope.resolve.speakers import link_speakers, speaker_genders, unify_speaker_types

    s = load_settings()
    mentions = pd.read_parquet(out / "rows_mentions.parquet")
    attributions = pd.read_parquet(out / "rows_attributions.parquet")
    mentions, entities = resolve_entities(mentions, s.entities.aliases and resolve_path(s.entities.aliases))
    attributions = unify_speaker_types(link_speakers(attributions, mentions, entities), entities)
    attributions["speaker_gender"] = speaker_genders(attributions)
    for name, df in (("mentions", mentions), ("entities", entities), ("attributions", attributions)):
        df.to_parquet(out / f"{name}.parquet", index=False)
    print(f"baseline: {len(mentions)} mentions, {len(entities)} entities, "
          f"{len(attributions)} attributions -> {out}")


def compare(base: Path, out: Path) -> bool:
    from newscope.config import load_settings
    from newscope.resolve.parts import PART_ARTICLES, write_rows
    from newscope.resolve.pipeline import resolve_rows

    m = pd.read_parquet(base / "rows_mentions.parquet")
    a = pd.read_parquet(base / "rows_attributions.parquet")
    ids = sorted(set(m["article_id"]) | set(a["article_id"]))
    chunks = [set(ids[i:i + 500]) for i in range(0, len(ids), 500)]
    write_rows(((m[m["article_id"].isin(c)], a[a["article_id"].isin(c)]) for c in chunks), out / "rows",
               PART_ARTICLES)
    del m, a
    start = time.perf_counter()
    resolve_rows(out / "rows", out / "tables", load_settings())
    print(f"resolve: {time.perf_counter() - start:.1f} s")
    ok = True
    for name, keys in SORT.items():
        old, new = (pd.read_parquet(d / f"{name}.parquet").sort_values(keys, kind="stable", ignore_index=True)
                    for d in (base, out / "tables"))
        if name == "entities":
            old["aliases"], new["aliases"] = old["aliases"].map(list), new["aliases"].map(list)
        same = list(old.columns) == list(new.columns) and old.astype(object).equals(new.astype(object))
        print(f"{name}: {len(old)} rows (baseline), {len(new)} rows (resolve): {'equal' if same else 'DIFFERENT'}")
        ok &= same
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("rows", help="the per-article rows of a run, from its annotation cache")
    p.add_argument("run", type=Path, help="folder with articles.parquet")
    p.add_argument("cache", type=Path, help="its annotation cache")
    p.add_argument("base", type=Path, help="output folder")
    p = sub.add_parser("baseline", help="under the old code: the in-memory tables of the rows")
    p.add_argument("base", type=Path, help="the rows step's folder")
    p = sub.add_parser("compare", help="under this code: resolve the same rows and compare")
    p.add_argument("base", type=Path)
    p.add_argument("out", type=Path)
    args = parser.parse_args()
    if args.step == "rows":
        rows(args.run, args.cache, args.base)
    elif args.step == "baseline":
        baseline(args.base)
    else:
        sys.exit(0 if compare(args.base, args.out) else 1)


if __name__ == "__main__":
    main()
