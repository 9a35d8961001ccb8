"""Draw merged alias pairs from a run's tables, with context, for judging by reading.

A merged pair is a mention text and the canonical entity name it was resolved to, when the
two differ after ``normalize_name`` ("Assad" -> "Bashar al-Assad"). The mentions are resolved
again with the current code and alias table, so corpus-level rules can be judged without
parsing the corpus again.

    .venv/bin/python scripts/draw_alias_pairs.py RUN_DIR -o pairs.txt [--n 100] [--seed 1]

RUN_DIR holds ``articles.parquet`` and ``mentions.parquet`` (e.g. the ``--out`` folder of
``newscope run``). Each pair is written once, with the context of its first mention.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from newscope.config import load_settings, resolve_path
from newscope.entities import normalize_name
from newscope.resolve.entities import resolve_entities


def merged_pairs(mentions: pd.DataFrame, aliases: str | Path | None) -> pd.DataFrame:
    """One row per distinct (mention text, canonical name) pair that resolution merged."""
    resolved, entities = resolve_entities(mentions.drop(columns="entity_id", errors="ignore"), aliases)
    resolved["canonical"] = resolved["entity_id"].map(entities.set_index("entity_id")["name"])
    merged = resolved[resolved["text"].map(normalize_name) != resolved["canonical"].map(normalize_name)]
    return (merged.groupby(["text", "canonical"], sort=True)
            .agg(n=("article_id", "size"), label=("label", "first"), article_id=("article_id", "first"),
                 start=("start", "first"), end=("end", "first"))
            .reset_index())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("-o", "--out", type=Path, required=True)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--context", type=int, default=250, help="characters each side of the mention")
    args = parser.parse_args()
    aliases = load_settings().entities.aliases
    pairs = merged_pairs(pd.read_parquet(args.run_dir / "mentions.parquet"), aliases and resolve_path(aliases))
    texts = pd.read_parquet(args.run_dir / "articles.parquet", columns=["article_id", "text"]).set_index("article_id")["text"]
    drawn = pairs.sample(min(args.n, len(pairs)), random_state=args.seed)
    with args.out.open("w", encoding="utf-8") as f:
        for i, r in enumerate(drawn.itertuples(), 1):
            text = texts[r.article_id]
            context = text[max(0, r.start - args.context): r.end + args.context].replace("\n", " ")
            f.write(f"#{i}: {r.text!r} -> {r.canonical!r} (label {r.label}, {r.n} mentions)\n"
                    f"   context: ...{context}...\n\n")
    print(f"{len(pairs)} distinct merged pairs; {len(drawn)} drawn to {args.out}")


if __name__ == "__main__":
    main()
