"""Ingestion benchmark (issue 3): the 10k AllSides corpus, articles per second. Not a test.

    .venv/bin/python bench/bench_ingest.py [--corpus PATH] [--repeat 1]

Prints wall and CPU seconds and articles/s for ``newscope.ingest.ingest``, and, as the
baseline measured in the same run, the time to only decompress and ``json.loads`` every
line (the floor any JSONL reader pays); the ratio says what cleaning, boilerplate learning
and duplicate detection cost on top. Target (issue 3): under 60 s for the 10k corpus.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

from newscope.ingest import ingest
from newscope.config import PROJ_ROOT

CORPUS = PROJ_ROOT.parent / "shared" / "data" / "allsides" / "articles-10k.jsonl.gz"


def _timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def _baseline(path: Path) -> int:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return sum(1 for line in fh if line.strip() and json.loads(line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if not args.corpus.is_file():
        raise SystemExit(f"corpus not found: {args.corpus} (the shared data lives beside the repository)")
    n_base, base_wall, base_cpu = _timed(lambda: _baseline(args.corpus))
    print(f"baseline (gunzip + json.loads): {n_base} records, {base_wall:.2f} s wall, {base_cpu:.2f} s CPU")
    for run in range(1, args.repeat + 1):
        result, wall, cpu = _timed(lambda: ingest([args.corpus], progress=False))
        n = result.summary["ingested"]
        print(f"ingest run {run}: {result.summary['read']} read, {n} ingested in {wall:.2f} s wall "
              f"({cpu:.2f} s CPU): {n / wall:.0f} articles/s wall, {n / cpu:.0f} articles/s CPU; "
              f"{wall / base_wall:.1f}x the baseline")
    print(result.summary_text())


if __name__ == "__main__":
    main()
