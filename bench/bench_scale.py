"""Scale benchmark (issue 18): the corpus-level steps and the reports at N articles.

    .venv/bin/python bench/bench_scale.py --articles 100000 --source RUN --json scale-100k.json

``RUN`` is a real annotated run: ``RUN/articles.parquet`` and its per-article rows
``RUN/rows`` (``newscope run INPUT --out RUN --rows RUN/rows``). The rows and articles of
N articles are synthesised by replicating RUN's with fresh article ids (a replica prefix),
outlets (ten copies of each outlet) and dates (each replica shifted by a week), part by
part; then ``newscope resolve`` and ``newscope report NAME`` run on them as commands,
measured for wall time and peak memory (PSS summed over the process tree, see
``run_all.run_measured``). ``--json FILE`` writes ``articles``, ``resolve_seconds``,
``resolve_peak_gb`` and per report ``seconds`` and ``peak_gb``.

``--no-resolve`` times the reports alone: it replicates RUN's resolved tables
(``RUN/mentions.parquet``, ``entities.parquet``, ``attributions.parquet``) the same way
instead of resolving the replicated rows (the same tables but for the counts in
``entities``), and writes no resolve figures. ``--reuse`` times the reports again on the tables an
earlier run left in the work folder (no synthesis, no resolve).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from run_all import newscope, run_measured

from newscope.resolve.parts import TABLES, Rows

REPORTS = ("entity_frequency", "source_attribution")


def _replica(table: pa.Table, r: int, keep: pa.Array | None) -> pa.Table:
    """``table`` with the article ids of replica ``r`` (a prefix keeps each part's order)."""
    if keep is not None:
        table = table.filter(pc.is_in(table["article_id"], value_set=keep))
    ids = pc.binary_join_element_wise(f"r{r:04d}", table["article_id"].cast(pa.string()), "-")
    return table.set_column(table.schema.get_field_index("article_id"), "article_id", ids)


def synthesise(source: Path, n: int, work: Path, resolved: bool = False) -> tuple[Path, Path]:
    """Rows folder and articles table of ``n`` articles made from the run in ``source``;
    returns the rows folder and the tables folder. With ``resolved``
    the source's resolved tables are replicated into the tables folder instead of the rows."""
    src_rows = Rows(source / "rows")
    articles = pq.read_table(source / "articles.parquet")
    n_src = len(articles)
    rows_dir, tables = work / "rows", work / "tables"
    for d in (rows_dir, tables):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    n_replicas = math.ceil(n / n_src)
    writer = None
    writers: dict[str, pq.ParquetWriter] = {}
    source_tables = {table: pq.read_table(source / f"{table}.parquet") for table in TABLES} if resolved else {}
    for r in tqdm(range(n_replicas), desc="synthesise", unit="replica"):
        take = min(n_src, n - r * n_src)
        keep = articles["article_id"].slice(0, take) if take < n_src else None
        for table, rows in source_tables.items():
            part = _replica(rows, r, keep)
            writers[table] = writers.get(table) or pq.ParquetWriter(tables / f"{table}.parquet", part.schema)
            writers[table].write_table(part.cast(writers[table].schema))
        for part in () if resolved else src_rows.parts():
            for table in TABLES:
                out = rows_dir / table / f"r{r:04d}-{part}.parquet"
                out.parent.mkdir(parents=True, exist_ok=True)
                pq.write_table(_replica(pq.read_table(src_rows.path(table, part)), r, keep), out)
        arts = _replica(articles, r, keep).to_pandas()
        arts["outlet"] = arts["outlet"] + f" #{r % 10}"
        date = pd.to_datetime(arts["date"], errors="coerce", utc=True, format="ISO8601") + pd.Timedelta(weeks=r)
        arts["date"] = date.dt.strftime("%Y-%m-%dT%H:%M:%S%z").where(date.notna(), None)
        arts = pa.Table.from_pandas(arts, preserve_index=False)
        writer = writer or pq.ParquetWriter(tables / "articles.parquet", arts.schema)
        writer.write_table(arts.cast(writer.schema))
    for w in [writer, *writers.values()]:
        if w:
            w.close()
    if resolved:
        shutil.copy(source / "entities.parquet", tables / "entities.parquet")
    return rows_dir, tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, required=True, help="N, the articles to synthesise")
    parser.add_argument("--source", type=Path, required=True, help="a real run: articles.parquet and rows/")
    parser.add_argument("--work", type=Path, default=Path("/tmp/newscope-scale"), help="scratch folder")
    parser.add_argument("--reports", nargs="*", default=list(REPORTS), choices=REPORTS, help="reports to time")
    parser.add_argument("--no-resolve", dest="resolve", action="store_false",
                        help="replicate RUN's resolved tables and time the reports alone")
    parser.add_argument("--reuse", action="store_true",
                        help="time the reports on the tables an earlier run left in the work folder")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    work = args.work / f"n{args.articles}"
    if args.reuse:
        rows_dir, tables = work / "rows", work / "tables"
    else:
        rows_dir, tables = synthesise(args.source, args.articles, work, resolved=not args.resolve)
    result = {"articles": args.articles}
    if args.resolve and not args.reuse:
        seconds, peak = run_measured(newscope("resolve", str(rows_dir), "--out", str(tables)))
        result.update(resolve_seconds=round(seconds, 1), resolve_peak_gb=round(peak, 3))
        print(f"resolve: {seconds:.1f} s, {peak:.2f} GB", file=sys.stderr)
    for name in args.reports:
        seconds, peak = run_measured(newscope("report", name, "--tables", str(tables), "--out", str(work / "reports")))
        result[name] = {"seconds": round(seconds, 1), "peak_gb": round(peak, 3)}
        print(f"{name}: {seconds:.1f} s, {peak:.2f} GB", file=sys.stderr)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
