"""newscope benchmarks (issue 6). Not tests: they print tables, they gate nothing.

    .venv/bin/python bench/run_all.py                 # all five, on ../shared/data/allsides
    .venv/bin/python bench/run_all.py --only throughput dask --n 500

1. throughput   newscope's annotate vs raw ``nlp.pipe`` (same model, batch size, processes)
2. growth       time per article and peak memory (PSS) at 1k, 2k, 5k, 10k articles
3. incremental  re-run after adding 50 articles to a finished 5k run
4. iteration    loading the tables and executing each report notebook on the largest run
5. dask         the same articles on a 2-worker LocalCluster vs the local engine

Every timing that is compared is measured in the same run, on the same machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

from newscope.config import PROJ_ROOT, Settings

CORPUS = PROJ_ROOT.parent / "shared" / "data" / "allsides" / "articles-10k.jsonl.gz"


def sample(n: int, out: Path, skip: int = 0) -> Path:
    """The first ``n`` records (after ``skip``) of the 10k corpus, as JSONL."""
    with gzip.open(CORPUS, "rt", encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i >= skip + n:
                break
            if i >= skip:
                dst.write(line)
    return out


def run_measured(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak memory (GB: proportional set size summed over the process
    tree, so pages that forked workers share with their parent count once)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL)
    peak, root = 0, psutil.Process(proc.pid)
    stop = threading.Event()

    def watch():
        nonlocal peak
        while not stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_full_info().pss for p in procs))
            except psutil.Error:
                pass
            stop.wait(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    code = proc.wait()
    stop.set()
    watcher.join()
    if code:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {code}")
    return time.perf_counter() - start, peak / 1e9


def newscope(*args: str) -> list[str]:
    return [sys.executable, "-m", "newscope", *args]


def bench_throughput(work: Path, n: int, n_process: int, batch_size: int, repeat: int) -> dict:
    from newscope.ingest import ingest
    from newscope.model import load_model
    from newscope.nlp import annotate

    articles = ingest([sample(n, work / f"tp-{n}.jsonl")], progress=False).articles
    settings = Settings()
    settings.nlp.cache_dir, settings.nlp.n_process, settings.nlp.batch_size = None, n_process, batch_size
    nlp = load_model(settings.nlp.model)
    texts = list(articles["text"])
    n_tokens = sum(len(doc) for doc in nlp.tokenizer.pipe(texts))
    raw, ours = [], []
    for _ in range(repeat):  # alternated, best of each: a noisy machine slows one run, not the pair
        start = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
            pass
        raw.append(time.perf_counter() - start)
        start = time.perf_counter()
        annotate(articles, settings, out_dir=work / "throughput-out", progress=False)
        ours.append(time.perf_counter() - start)
    raw, ours = min(raw), min(ours)
    return {"articles": len(texts), "tokens": n_tokens, "n_process": n_process, "batch_size": batch_size,
            "repeats": repeat,
            "raw_nlp_pipe_s": round(raw, 1), "newscope_s": round(ours, 1),
            "raw_tokens_per_s": round(n_tokens / raw), "newscope_tokens_per_s": round(n_tokens / ours),
            "ratio": round(raw / ours, 3), "target": ">= 0.85"}


def bench_growth(work: Path, sizes: list[int]) -> list[dict]:
    rows = []
    for n in sizes:
        out = work / f"run-{n}"
        seconds, peak = run_measured(newscope("run", str(sample(n, work / f"in-{n}.jsonl")), "--out", str(out)))
        rows.append({"articles": n, "seconds": round(seconds, 1), "ms_per_article": round(1000 * seconds / n, 1),
                     "peak_pss_gb": round(peak, 2)})
        print(rows[-1], flush=True)
    return rows


def bench_incremental(work: Path, base: int, added: int) -> dict:
    out = work / f"run-{base}"
    full_in = work / f"in-{base}.jsonl"
    if not (out / "articles.parquet").exists():
        full, _ = run_measured(newscope("run", str(sample(base, full_in)), "--out", str(out)))
    else:
        full = json.loads((work / "growth.json").read_text())[str(base)]
    grown = work / f"in-{base}+{added}.jsonl"
    grown.write_text(full_in.read_text(encoding="utf-8") + sample(added, work / "added.jsonl", skip=base)
                     .read_text(encoding="utf-8"), encoding="utf-8")
    rerun, _ = run_measured(newscope("run", str(grown), "--out", str(out)))
    return {"full_run_s": round(full, 1), "articles": base, "added": added, "rerun_s": round(rerun, 1),
            "ratio_pct": round(100 * rerun / full, 2), "target": "<= 5 %"}


def bench_iteration(tables_dir: Path, work: Path) -> dict:
    from newscope.reports import run_report
    from newscope.tables import load_tables

    start = time.perf_counter()
    tables = load_tables(tables_dir)
    load_s = time.perf_counter() - start
    row = {"articles": len(tables["articles"]), "load_tables_s": round(load_s, 2), "target_load": "< 3 s"}
    for name in ("entity_frequency", "source_attribution"):
        start = time.perf_counter()
        run_report(name, parameters={"tables_dir": str(tables_dir)}, out_html=work / f"{name}.html",
                   executed_dir=work / "executed", figures_dir=work / "figures" / name)
        row[f"{name}_s"] = round(time.perf_counter() - start, 1)
    row["target_notebook"] = "< 60 s each"
    return row


def bench_dask(work: Path, n: int) -> dict:
    from newscope.ingest import ingest
    from newscope.nlp import annotate

    articles = ingest([sample(n, work / f"dask-{n}.jsonl")], progress=False).articles
    results, seconds = {}, {}
    for engine in ("local", "dask"):
        settings = Settings()
        settings.nlp.cache_dir, settings.nlp.n_process, settings.nlp.engine = None, 2, engine
        start = time.perf_counter()
        results[engine] = annotate(articles, settings, out_dir=work / f"dask-out-{engine}", progress=False)
        seconds[engine] = time.perf_counter() - start
    identical = all(getattr(results["local"], t).equals(getattr(results["dask"], t))
                    for t in ("mentions", "entities", "attributions"))
    return {"articles": n, "local_s": round(seconds["local"], 1), "dask_2_workers_s": round(seconds["dask"], 1),
            "ratio_local_over_dask": round(seconds["local"] / seconds["dask"], 3), "identical_output": identical}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", default=["throughput", "growth", "incremental", "iteration", "dask"])
    parser.add_argument("--n", type=int, default=1000, help="articles for throughput and dask")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000, 10000])
    parser.add_argument("--n-process", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batch-size", type=int, default=Settings().nlp.batch_size)
    parser.add_argument("--repeat", type=int, default=2, help="throughput: alternated runs of each side")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a temporary one)")
    parser.add_argument("--json", type=Path, default=None, help="also write all results as JSON")
    args = parser.parse_args()
    if not CORPUS.is_file():
        raise SystemExit(f"benchmarks need {CORPUS} (the shared corpora beside the repository)")
    work = args.work or Path(tempfile.mkdtemp(prefix="newscope-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": f"{os.cpu_count()} cores, {psutil.virtual_memory().total / 1e9:.0f} GB",
                     "date": time.strftime("%Y-%m-%d"), "commit": subprocess.run(
                         ["git", "-C", str(PROJ_ROOT), "describe", "--always", "--dirty"],
                         capture_output=True, text=True).stdout.strip()}
    print(results, flush=True)
    if "throughput" in args.only:
        results["throughput"] = bench_throughput(work, args.n, args.n_process, args.batch_size, args.repeat)
        print(pd.Series(results["throughput"]).to_string(), "\n", flush=True)
    if "growth" in args.only:
        results["growth"] = bench_growth(work, args.sizes)
        (work / "growth.json").write_text(json.dumps({str(r["articles"]): r["seconds"] for r in results["growth"]}))
        print(pd.DataFrame(results["growth"]).to_string(index=False), "\n", flush=True)
    if "incremental" in args.only:
        base = 5000 if 5000 in args.sizes else args.sizes[len(args.sizes) // 2]
        results["incremental"] = bench_incremental(work, base, 50)
        print(pd.Series(results["incremental"]).to_string(), "\n", flush=True)
    if "iteration" in args.only:
        results["iteration"] = bench_iteration(work / f"run-{max(args.sizes)}", work)
        print(pd.Series(results["iteration"]).to_string(), "\n", flush=True)
    if "dask" in args.only:
        results["dask"] = bench_dask(work, args.n)
        print(pd.Series(results["dask"]).to_string(), "\n", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
