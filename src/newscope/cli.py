"""The ``newscope`` command line: a thin layer over the package's modules."""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from newscope import __version__
from newscope.config import (
    ATTRIBUTION_SCHEMES,
    EVALUATION_FILE,
    PROCESSED_DIR,
    REPORTS_DIR,
    SCRATCH_DIR,
    ConfigError,
    Settings,
    load_settings,
    resolve_path,
    section,
)

log = logging.getLogger("newscope")


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(args.params)
    for name in ("engine", "scheduler", "n_process", "batch_size", "model"):
        value = getattr(args, name, None)
        if value is not None:
            setattr(settings.nlp, name, value)
    if getattr(args, "no_cache", False):
        settings.nlp.cache_dir = None
    elif getattr(args, "cache", None):
        settings.nlp.cache_dir = str(Path(args.cache).resolve())
    return settings


def _write_json(data: dict, path: str | Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _ingest(inputs: list[str], settings: Settings):
    from newscope.ingest import ingest

    if not inputs:
        inputs = [str(resolve_path(p)) for p in settings.corpus.inputs]
    result = ingest(inputs, settings.corpus)
    print(result.summary_text(), file=sys.stderr)
    return result


def cmd_ingest(args: argparse.Namespace) -> int:
    from newscope.tables import write_table

    out = Path(args.out)
    if out.is_dir():
        raise ConfigError(f"--out {out} is a folder; give the articles file, e.g. {out / 'articles.parquet'}")
    result = _ingest(args.inputs, _settings(args))
    write_table(result.articles, out)
    write_table(result.rejected, Path(args.rejected) if args.rejected else out.with_name("rejected.parquet"))
    write_table(result.boilerplate, out.with_name("boilerplate.parquet"))
    if args.metrics:
        _write_json(result.summary, args.metrics)
    print(f"wrote {len(result.articles)} articles to {out}", file=sys.stderr)
    return 0


def _write_annotations(articles, settings: Settings, out_dir: Path, metrics: str | None = None,
                       rows_dir: str | None = None) -> None:
    from newscope.nlp import annotate

    ann = annotate(articles, settings, out_dir=out_dir, rows_dir=rows_dir)
    if metrics:
        _write_json(ann.metrics(len(articles)), metrics)
    r = ann.resolved
    print(
        f"annotated {len(articles)} articles ({ann.n_parsed} parsed, {ann.n_cached} from cache): "
        f"{r.mentions} mentions, {r.entities} entities, {r.attributions} attributions -> {out_dir}",
        file=sys.stderr,
    )


def cmd_annotate(args: argparse.Namespace) -> int:
    from newscope.tables import read_table

    _write_annotations(read_table(args.articles), _settings(args), Path(args.out), args.metrics, args.rows)
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from newscope.resolve.pipeline import resolve_rows

    r = resolve_rows(args.rows, Path(args.out), _settings(args))
    print(f"resolved {args.rows}: {r.mentions} mentions, {r.entities} entities, {r.attributions} attributions "
          f"-> {args.out}", file=sys.stderr)
    return 0


def _ingest_into(inputs: list[str], settings: Settings, out: Path, log_level: int) -> None:
    """``run``'s ingestion, in a process of its own (see :func:`cmd_run`)."""
    from newscope.tables import write_table

    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    result = _ingest(inputs, settings)
    write_table(result.articles, out / "articles.parquet")
    write_table(result.rejected, out / "rejected.parquet")


def cmd_run(args: argparse.Namespace) -> int:
    from newscope.tables import read_table

    out = Path(args.out)
    settings = _settings(args)
    if not args.cache and not args.no_cache:
        settings.nlp.cache_dir = str((out / ".cache").resolve())
    # Ingestion sees the whole corpus at once (boilerplate learning, duplicate detection);
    # run in its own process, its memory is back with the system before annotation starts.
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(_ingest_into, args.inputs, settings, out, logging.getLogger().level).result()
    _write_annotations(read_table(out / "articles.parquet"), settings, out, rows_dir=args.rows)
    return 0


def cmd_attributions(args: argparse.Namespace) -> int:
    from newscope.attribution import annotate_jsonl
    from newscope.model import load_model

    settings = _settings(args)
    n = annotate_jsonl(Path(args.input), Path(args.out), load_model(settings.nlp.model),
                       labels=settings.entities.labels, scheme=args.scheme)
    print(f"wrote attributions for {n} records to {args.out}", file=sys.stderr)
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from newscope.evaluate import evaluate, format_report

    from newscope.evaluate import evaluate, format_report
    from newscope.model import load_model

    settings = _settings(args)
    gold = Path(args.gold) if args.gold else settings.evaluation.gold and resolve_path(settings.evaluation.gold)
    if not gold:
        _write_json({"gold": None}, args.out)
        print(f"no gold file (--gold, or evaluation.gold in params.yaml): nothing evaluated; wrote {args.out}",
              file=sys.stderr)
        return 0
    nlp = None if args.pred else load_model(settings.nlp.model)
    report = evaluate(gold, Path(args.pred) if args.pred else None, nlp, baseline=not args.no_baseline,
                      labels=settings.entities.labels)
    print(format_report(report))
    _write_json(report, args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def _parse_assignments(pairs: list[str]) -> dict:
    import yaml

    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ConfigError(f"-p expects KEY=VALUE, got {pair!r}")
        params[key] = yaml.safe_load(value)
    return params


def cmd_report(args: argparse.Namespace) -> int:
    from newscope.reports import run_report

    settings = load_settings(args.params)
    parameters = {"params": section(settings, args.name, _parse_assignments(args.param)),
                  "tables_dir": str(resolve_path(args.tables)) if args.tables else "data/processed"}
    if args.param or args.tables or args.out:
        # a one-off run: its page, notebook and figures go together, away from the pipeline's
        out_dir = Path(args.out).resolve() if args.out else SCRATCH_DIR / args.name
        figures_dir = out_dir / "figures" / args.name  # the pipeline's layout: reports may share --out
        out = run_report(args.name, parameters=parameters, out_html=out_dir / f"{args.name}.html",
                         executed_dir=out_dir, figures_dir=figures_dir, show_code=settings.reports.show_code)
        print(f"wrote {out} (figures in {figures_dir}); the pipeline's reports and index are unchanged",
              file=sys.stderr)
        return 0
    out = run_report(args.name, parameters=parameters, out_html=REPORTS_DIR / f"{args.name}.html",
                     executed_dir=REPORTS_DIR / "notebooks", show_code=settings.reports.show_code)
    print(f"wrote {out}", file=sys.stderr)
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from newscope.reports import build_index

    out = build_index(REPORTS_DIR, REPORTS_DIR / "index.html")
    print(f"reports ready: {out}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newscope",
        description="Who and what is in the news, and who gets to speak: ingest news articles, "
        "annotate entities and attributions, evaluate against gold spans, build reports.",
    )
    parser.add_argument("--version", action="version", version=f"newscope {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.add_argument("--params", default=None, help="settings file (default: the project's params.yaml)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def nlp_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--n-process", type=int, dest="n_process", help="worker processes (default: nlp.n_process; 0 = all cores)")
        p.add_argument("--batch-size", type=int, dest="batch_size", help="nlp.pipe batch size")
        p.add_argument("--model", help="spaCy model (default: nlp.model)")
        p.add_argument("--engine", choices=["local", "dask"], help="local processes or a Dask cluster")
        p.add_argument("--scheduler", help="with --engine dask: 'local' (a LocalCluster) or tcp://host:port")
        group = p.add_mutually_exclusive_group()
        group.add_argument("--cache", help="per-article annotation cache folder (default: nlp.cache_dir)")
        group.add_argument("--no-cache", action="store_true", help="annotate everything, keep no cache")
        p.add_argument("--rows", metavar="DIR", help="keep the per-article rows in DIR, to rerun `newscope "
                       "resolve DIR` alone (default: a temporary folder)")

    p = sub.add_parser("ingest", help="read raw articles into a clean articles table",
                       description="Read, clean and de-duplicate articles. Writes the articles table and, "
                       "beside it, rejected.parquet (every input record is in one of the two) and "
                       "boilerplate.parquet (the lines removed as page furniture or boilerplate, per outlet).")
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="files, folders (recursive) or globs; .gz read transparently (default: corpus.inputs)")
    p.add_argument("--out", default=str(PROCESSED_DIR / "articles.parquet"), help="articles table (Parquet)")
    p.add_argument("--rejected", help="rejected table (default: rejected.parquet beside --out)")
    p.add_argument("--metrics", help="also write the ingest summary as JSON (for `dvc metrics show`)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("annotate", help="entities, mentions and attributions for an articles table")
    p.add_argument("articles", help="articles table written by `newscope ingest`")
    p.add_argument("--out", required=True, help="folder for mentions/entities/attributions.parquet")
    p.add_argument("--metrics", help="also write corpus counts as JSON (for `dvc metrics show`)")
    nlp_options(p)
    p.set_defaults(func=cmd_annotate)

    p = sub.add_parser("resolve", help="the corpus-level steps alone, on per-article rows",
                       description="Resolve entities and link speakers across the corpus, from the per-article "
                       "rows in ROWS (written by `annotate --rows ROWS`), with bounded memory: --out receives "
                       "mentions, entities and attributions (.parquet). With --engine dask the passes run on "
                       "the cluster at --scheduler.")
    p.add_argument("rows", metavar="ROWS", help="rows folder (mentions/*.parquet, attributions/*.parquet)")
    p.add_argument("--out", required=True, help="folder for mentions/entities/attributions.parquet")
    p.add_argument("--n-process", type=int, dest="n_process", help="threads (default: nlp.n_process; 0 = all cores)")
    p.add_argument("--engine", choices=["local", "dask"], help="this machine's threads or a Dask cluster")
    p.add_argument("--scheduler", help="with --engine dask: 'local' (a LocalCluster) or tcp://host:port")
    p.set_defaults(func=cmd_resolve)

    p = sub.add_parser("run", help="ingest + annotate in one go",
                       description="Ingest INPUT and annotate it. --out receives articles, rejected, mentions, "
                       "entities and attributions (.parquet); without --cache the cache lives in OUT/.cache, "
                       "so a re-run into the same folder only parses new or changed articles.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders (recursive) or globs")
    p.add_argument("--out", required=True, help="output folder")
    nlp_options(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("attributions", help="attributions for {id, text} JSONL (no cleaning; exact offsets)")
    p.add_argument("input", help="JSONL or JSONL.gz with id and text fields (e.g. PolNeAR)")
    p.add_argument("--out", required=True, help="output JSONL")
    p.add_argument("--model", help="spaCy model (default: nlp.model)")
    p.add_argument("--scheme", choices=ATTRIBUTION_SCHEMES, default="voices",
                   help="voices: attributions that give someone a voice (as in the attributions table); "
                        "polnear: also implicit-holder, hypothetical and denied ones, as PolNeAR annotates them")
    p.set_defaults(func=cmd_attributions)

    p = sub.add_parser("evaluate", help="score attributions against gold spans (PolNeAR-style JSONL)")
    p.add_argument("--gold", help="gold JSONL[.gz] with attributions (default: evaluation.gold; "
                   "neither: write a report saying nothing was evaluated)")
    p.add_argument("--pred", help="predictions JSONL (default: run newscope's extractor on the gold texts)")
    p.add_argument("--out", default=str(EVALUATION_FILE), help="JSON scores (the source_attribution report reads them)")
    p.add_argument("--no-baseline", action="store_true", help="skip the textacy baseline")
    p.add_argument("--model", help="spaCy model (default: nlp.model)")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("report", help="execute a report notebook and render it to HTML")
    p.add_argument("name", choices=["entity_frequency", "source_attribution"])
    p.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE",
                   help="override a notebook parameter (default: its params.yaml section)")
    p.add_argument("--tables", metavar="DIR", help="the tables to report on (default: data/processed; "
                   "e.g. the --out folder of `newscope run`)")
    p.add_argument("--out", metavar="DIR", help="folder for the page, executed notebook and figures of a "
                   "one-off run (default with -p or --tables: reports/scratch/NAME; the pipeline's "
                   "reports are only written without -p, --tables and --out)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("index", help="write reports/index.html linking every report and figure")
    p.set_defaults(func=cmd_index)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"newscope {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"newscope {args.command}: interrupted; finished work is cached, run again to resume",
              file=sys.stderr)
        return 130
