"""Draw a reproducible random sample of attributions with their context, for judging by reading.

    .venv/bin/python scripts/draw_attributions.py RUN_DIR -o sample.md [--n 150] [--seed 1]

RUN_DIR holds ``articles.parquet`` and ``attributions.parquet`` (e.g. the ``--out`` folder of
``newscope run``). Each drawn attribution is written with its article id, outlet, title and
byline, the source, cue and content spans as found, the resolved speaker with its type, kind
and channel, and the text around it with the spans marked: [SOURCE ...], <CUE ...> and
{CONTENT ...}. A judge answers, with the article open: is it a real attribution (someone
stated, wrote or holds this)? Is the speaker right? Is the speaker type right? ``--csv``
also writes the drawn rows (with a ``sample_index``) for recording verdicts.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

_MARKS = {"source": ("[", "]"), "cue": ("<", ">"), "content": ("{", "}")}


def marked_context(text: str, row: pd.Series, context: int) -> str:
    """The text around the attribution with its source, cue and content spans marked."""
    spans = [(int(row[f"{role}_start"]), int(row[f"{role}_end"]), role) for role in _MARKS
             if pd.notna(row[f"{role}_start"])]
    lo = max(0, min(s for s, _, _ in spans) - context)
    hi = min(len(text), max(e for _, e, _ in spans) + context)
    inserts = sorted([(s, 1, _MARKS[role][0] + role.upper() + " ") for s, _, role in spans]
                     + [(e, 0, _MARKS[role][1]) for _, e, role in spans], reverse=True)
    out = text[lo:hi]
    for pos, _, mark in inserts:
        out = out[:pos - lo] + mark + out[pos - lo:]
    return out


def draw(run_dir: Path, n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` attributions drawn at random (``seed``) and the articles table."""
    atts = pd.read_parquet(run_dir / "attributions.parquet")
    articles = pd.read_parquet(run_dir / "articles.parquet").set_index("article_id")
    drawn = atts.sample(min(n, len(atts)), random_state=seed).reset_index(names="row")
    return drawn.assign(sample_index=range(1, len(drawn) + 1)), articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("-o", "--out", type=Path, required=True, help="the sample to read (Markdown)")
    parser.add_argument("--n", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--context", type=int, default=300, help="characters each side of the attribution")
    parser.add_argument("--csv", type=Path, help="also write the drawn rows here, for recording verdicts")
    args = parser.parse_args()
    drawn, articles = draw(args.run_dir, args.n, args.seed)
    with args.out.open("w", encoding="utf-8") as f:
        for r in drawn.itertuples(index=False):
            row = pd.Series(r._asdict())
            art = articles.loc[row["article_id"]]
            f.write(f"## {row['sample_index']}. {row['kind']} · cue {row['cue_lemma']!r} · speaker "
                    f"{row['speaker']!r} ({', '.join(str(v) for v in (row['speaker_type'], row.get('speaker_gender')) if pd.notna(v))})"
                    f" · act {row.get('act')} · "
                    f"channel {row['channel']!r}\n\n"
                    f"article `{row['article_id']}` · {art['outlet']} · {art['date']} · {art['title']!r} · "
                    f"by {art['authors']!r}\n\n"
                    "> " + marked_context(art["text"], row, args.context).replace("\n", "\n> ") + "\n\n")
    if args.csv:
        drawn.to_csv(args.csv, index=False)
    print(f"{len(drawn)} of the run's attributions drawn (seed {args.seed}) to {args.out}")


if __name__ == "__main__":
    main()
