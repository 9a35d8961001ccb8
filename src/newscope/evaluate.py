"""Score attribution spans against gold annotations (the PolNeAR-style JSONL of docs/DESIGN.md).

A record is ``{"id", "text"?, "attributions": [{"source", "cue", "content"}]}`` where each
role is ``[start, end, text]`` (Python ``str`` offsets into the article text) or ``None``.
:func:`score` compares two lists of records, :func:`evaluate` runs newscope's extractor
(and textacy's ``direct_quotations`` as a baseline) over a gold file and scores both,
:func:`format_report` prints the result as a table.

Example::

    >>> gold = [{"id": "a", "attributions": [{"source": [0, 2, "He"], "cue": [3, 7, "said"],
    ...          "content": [8, 19, "“it rains.”"]}]}]
    >>> score(gold, gold)["content"]["exact"]["f1"]
    1.0
"""

from __future__ import annotations

import functools
import json
import logging
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from tqdm.auto import tqdm

from newscope.attribution import dice, extract_attributions, to_record
from newscope.tables import read_jsonl

log = logging.getLogger(__name__)

ROLES = ("content", "source", "cue")
MODES = ("exact", "partial")
#: The systems scored: newscope under the PolNeAR scheme (what the gold annotates), newscope's
#: voices (what the attributions table holds, see ``config.ATTRIBUTION_SCHEMES``), textacy.
SYSTEMS = ("newscope", "newscope-voices", "textacy")
DICE_THRESHOLD = 0.5

Offsets = tuple[int, int]


def _is_trimmable(ch: str) -> bool:
    """White space, punctuation (quotes, dashes, brackets) and the backtick."""
    return ch.isspace() or ch == "`" or unicodedata.category(ch).startswith("P")


def _span(value: Any, text: str | None, where: str) -> Offsets | None:
    """``[start, end, text?]`` -> ``(start, end)`` with quotes, punctuation and space trimmed.

    A span made only of such characters (PolNeAR marks ":" and "―" as cues) is kept whole.
    """
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        raise ValueError(f"{where}: expected [start, end, text] or null, got {value!r}")
    start, end = int(value[0]), int(value[1])
    if end < start:
        raise ValueError(f"{where}: span end {end} is before start {start}")
    if len(value) >= 3 and isinstance(value[2], str):
        piece = value[2]
    elif text is not None:
        piece = text[start:end]
    else:  # no text to trim with: keep the span as given
        return start, end
    lo, hi = 0, len(piece)
    while lo < hi and _is_trimmable(piece[lo]):
        lo += 1
    while hi > lo and _is_trimmable(piece[hi - 1]):
        hi -= 1
    if lo == hi:  # a span of punctuation only (a ":" or "―" cue) is kept whole
        return start, end
    return start + lo, end - (len(piece) - hi)


def _article_spans(record: dict, where: str) -> list[dict[str, Offsets | None]]:
    """The trimmed spans of one record's attributions."""
    text = record.get("text")
    out = []
    for i, att in enumerate(record.get("attributions") or []):
        out.append({role: _span(att.get(role), text, f"{where}, attribution {i}, {role}") for role in ROLES})
    return out


def _overlap(a: Offsets | None, b: Offsets | None) -> bool:
    return a is not None and b is not None and min(a[1], b[1]) > max(a[0], b[0])


def _match_contents(gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    """One-to-one (gold, pred) index pairs with content Dice >= 0.5, maximising total Dice.

    Near-ties (the same content attributed twice, e.g. to two sources) are broken in favour
    of pairs whose source and cue spans agree.
    """
    if not gold or not pred:
        return []
    content = np.array([[dice(g["content"], p["content"]) for p in pred] for g in gold])
    keep = content >= DICE_THRESHOLD
    tie_break = np.array(
        [[dice(g["source"], p["source"]) + dice(g["cue"], p["cue"]) for p in pred] for g in gold]
    )
    weight = np.where(keep, content + 1e-6 * tie_break, 0.0)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, cols) if keep[r, c]]


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": n_pred - tp, "fn": n_gold - tp}


def score(gold: Sequence[dict], pred: Sequence[dict]) -> dict:
    """Precision, recall and F1 of ``pred`` against ``gold`` for content, source and cue.

    Records are matched by ``id``; a gold article missing from ``pred`` counts as one with
    no predictions, predicted articles absent from ``gold`` are ignored (with a warning).
    Every span is first trimmed of quote marks, punctuation and white space at both ends
    (a span made only of those, such as a ":" cue, is kept whole).

    * content, exact: TP = gold/pred contents with identical trimmed spans, paired one to one.
    * content, partial: gold and predicted contents are paired one to one by the Hungarian
      algorithm (``scipy.optimize.linear_sum_assignment``) maximising the summed character
      Dice (2|A∩B| / (|A|+|B|)) over pairs with Dice >= 0.5 (ties broken towards pairs
      whose sources and cues agree); TP = number of pairs.
    * source and cue (both modes) are scored on the content-partial pairs only: TP = a pair
      where both gold and predicted role spans exist and are identical after trimming
      (exact) or share at least one character (partial); FP = predicted attributions with
      a non-null role span that are not TP; FN = gold attributions with a non-null role span
      that are not TP. A null gold source therefore never counts as a source FN, and a
      predicted source paired with a null gold source is a source FP. (A gold attribution
      with a null content, rare in PolNeAR, cannot be paired: its source and cue are FNs.)

    Precision, recall and F1 are 0.0 when their denominator is 0 (e.g. no predictions).
    Returns ``{role: {mode: {"precision", "recall", "f1", "tp", "fp", "fn"}}}`` for the roles
    content, source, cue and modes exact, partial, plus ``n_gold``, ``n_pred`` (attributions)
    and ``n_articles`` (gold articles).
    """
    gold_by_id: dict[str, dict] = {}
    for i, record in enumerate(gold):
        rid = record.get("id")
        if rid is None:
            raise ValueError(f"gold record {i}: missing 'id'")
        if rid in gold_by_id:
            raise ValueError(f"gold record {i}: duplicate id {rid!r}")
        gold_by_id[rid] = record
    pred_by_id: dict[str, dict] = {}
    for i, record in enumerate(pred):
        rid = record.get("id")
        if rid in pred_by_id:
            raise ValueError(f"predicted record {i}: duplicate id {rid!r}")
        pred_by_id[rid] = record
    extra = sorted(str(k) for k in set(pred_by_id) - set(gold_by_id))
    if extra:
        log.warning("%d predicted article(s) not in gold are ignored, e.g. %s", len(extra), extra[:3])

    tp: Counter[tuple[str, str]] = Counter()
    n_pred_role: Counter[str] = Counter()
    n_gold_role: Counter[str] = Counter()
    n_gold = n_pred = 0
    for rid, g_record in gold_by_id.items():
        p_record = pred_by_id.get(rid, {"id": rid, "attributions": []})
        if "text" not in p_record and "text" in g_record:
            p_record = {**p_record, "text": g_record["text"]}
        g_atts = _article_spans(g_record, f"gold {rid!r}")
        p_atts = _article_spans(p_record, f"prediction {rid!r}")
        n_gold += len(g_atts)
        n_pred += len(p_atts)
        for role in ROLES:
            n_gold_role[role] += sum(a[role] is not None for a in g_atts)
            n_pred_role[role] += sum(a[role] is not None for a in p_atts)
        # content, exact: multiset intersection of non-empty trimmed spans
        g_exact = Counter(a["content"] for a in g_atts if a["content"] is not None)
        p_exact = Counter(a["content"] for a in p_atts if a["content"] is not None)
        tp["content", "exact"] += sum((g_exact & p_exact).values())
        pairs = _match_contents(g_atts, p_atts)
        tp["content", "partial"] += len(pairs)
        for gi, pi in pairs:
            for role in ("source", "cue"):
                g_span, p_span = g_atts[gi][role], p_atts[pi][role]
                if g_span is not None and g_span == p_span:
                    tp[role, "exact"] += 1
                if _overlap(g_span, p_span):
                    tp[role, "partial"] += 1

    result: dict[str, Any] = {
        role: {mode: _prf(tp[role, mode], n_pred_role[role], n_gold_role[role]) for mode in MODES} for role in ROLES
    }
    result.update(n_gold=n_gold, n_pred=n_pred, n_articles=len(gold_by_id))
    return result


def _char_span(tokens: Span | Iterable[Token] | None, doc: Doc) -> list | None:
    """Outer character extent ``[start, end, text]`` of a span or token list."""
    if isinstance(tokens, Span):
        return [tokens.start_char, tokens.end_char, tokens.text]
    tokens = list(tokens or [])
    if not tokens:
        return None
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t) for t in tokens)
    return [start, end, doc.text[start:end]]


def textacy_attributions(doc: Doc) -> list[dict]:
    """textacy's ``direct_quotations`` as records of ``{"source", "cue", "content"}`` spans.

    Raises whatever textacy raises (e.g. ``ValueError`` on an odd number of quote marks).
    """
    from textacy.extract.triples import direct_quotations

    return [
        {
            "source": _char_span(t.speaker, doc),
            "cue": _char_span(t.cue, doc),
            "content": _char_span(t.content, doc),
        }
        for t in direct_quotations(doc)
    ]


def newscope_attributions(doc: Doc, labels: Sequence[str] | None = None, scheme: str = "polnear") -> list[dict]:
    """newscope's extractor on ``doc`` as records of ``{"source", "cue", "content", ...}``."""
    return [to_record(a) for a in extract_attributions(doc, labels=labels, scheme=scheme)]


def _with_errors(scores: dict, errors: list[str]) -> dict:
    return {**scores, "n_errors": len(errors), "error_ids": errors}


def evaluate(
    gold_path: Path,
    pred_path: Path | None = None,
    nlp: Language | None = None,
    *,
    baseline: bool = True,
    labels: Sequence[str] | None = None,
    progress: bool = True,
) -> dict:
    """Score newscope (and, with ``baseline``, textacy's ``direct_quotations``) on a gold file.

    Without ``pred_path`` newscope's extractor runs on each gold text (parsed once with
    ``nlp``, default :func:`newscope.model.load_model`; speakers resolved to the entity
    mentions of ``labels``) twice: under the PolNeAR scheme (``newscope``) and keeping only
    voices (``newscope-voices``); with it, the predictions are read from that JSONL
    (``newscope``). Articles on which a system raises count as having no predictions and
    are listed in ``n_errors`` / ``error_ids``. Returns ``{"newscope": scores,
    "newscope-voices": scores (without ``pred_path``), "textacy": scores (when ``baseline``),
    "gold": str, "pred": str | None, "model": str}``.
    """
    gold_path = Path(gold_path)
    gold = list(read_jsonl(gold_path))
    for i, record in enumerate(gold):
        if record.get("id") is None:
            raise ValueError(f"{gold_path}: record {i + 1} has no 'id'")
        if not isinstance(record.get("text"), str):
            raise ValueError(f"{gold_path}: record {i + 1} (id {record.get('id')!r}) has no 'text' string")
    need_docs = baseline or pred_path is None
    if need_docs and nlp is None:
        from newscope.model import load_model

        nlp = load_model()
    if baseline:
        try:
            import textacy  # noqa: F401
        except ImportError:
            raise ImportError(
                "the textacy baseline needs textacy 0.13 (`pip install 'textacy>=0.13,<0.14'`); "
                "or run without the baseline (baseline=False)"
            ) from None

    systems: dict[str, Any] = {}
    if pred_path is None:
        systems["newscope"] = functools.partial(newscope_attributions, labels=labels, scheme="polnear")
        systems["newscope-voices"] = functools.partial(newscope_attributions, labels=labels, scheme="voices")
    if baseline:
        systems["textacy"] = textacy_attributions
    preds: dict[str, list[dict]] = {name: [] for name in systems}
    errors: dict[str, list[str]] = {name: [] for name in systems}
    if need_docs:
        docs = nlp.pipe(r["text"] for r in gold)
        for record, doc in tqdm(
            zip(gold, docs), total=len(gold), desc="evaluate", unit="article", disable=None if progress else True
        ):
            for name, extract in systems.items():
                try:
                    atts = extract(doc)
                except Exception as exc:  # a crash on one article must not stop the evaluation
                    level = logging.INFO if name == "textacy" else logging.WARNING  # textacy's are expected
                    log.log(level, "%s raised on article %r: %s: %s", name, record["id"], type(exc).__name__, exc)
                    errors[name].append(record["id"])
                    atts = []
                preds[name].append({"id": record["id"], "text": record["text"], "attributions": atts})

    report: dict[str, Any] = {}
    if pred_path is None:
        for name in ("newscope", "newscope-voices"):
            report[name] = _with_errors(score(gold, preds[name]), errors[name])
    else:
        report["newscope"] = score(gold, list(read_jsonl(Path(pred_path))))
    if baseline:
        report["textacy"] = _with_errors(score(gold, preds["textacy"]), errors["textacy"])
    report["gold"] = str(gold_path)
    report["pred"] = None if pred_path is None else str(pred_path)
    report["model"] = f"{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}" if nlp is not None else None
    return report


def read_evaluation(path: Path) -> dict | None:
    """The scores ``newscope evaluate`` wrote to ``path``; None when there are none (no file,
    or no gold file was set)."""
    path = Path(path)
    if not path.is_file():
        return None
    report = json.loads(path.read_text(encoding="utf-8"))
    return report if report.get("newscope") else None


def report_frame(report: dict) -> pd.DataFrame:
    """The scores of :func:`evaluate` as a tidy table: ``system, role, match, precision,
    recall, f1, tp, fp, fn`` (one row per system x role x match)."""
    rows = [
        {"system": name, "role": role, "match": mode, **report[name][role][mode]}
        for name in SYSTEMS if name in report
        for role in ROLES
        for mode in MODES
    ]
    return pd.DataFrame(rows)


def format_report(report: dict) -> str:
    """A plain-text table: rows content/source/cue x exact/partial, P R F1 per system."""
    systems = [name for name in SYSTEMS if name in report]
    first = report[systems[0]]
    lines = [
        f"gold: {report.get('gold', '?')}  ({first['n_articles']} articles, {first['n_gold']} gold attributions)"
    ]
    if report.get("pred"):
        lines.append(f"predictions: {report['pred']}")
    header = f"{'role':<8} {'match':<8}"
    rule = "-" * 17
    for name in systems:
        label = name
        if "n_errors" in report[name]:
            label += f" ({report[name]['n_errors']} errors)"
        header += f" | {label:^24}"
        rule += "-+-" + "-" * 24
    lines += [header, f"{'':<17}" + " | {:>7} {:>7} {:>8}".format("P", "R", "F1") * len(systems), rule]
    for role in ROLES:
        for mode in MODES:
            row = f"{role:<8} {mode:<8}"
            for name in systems:
                s = report[name][role][mode]
                row += f" | {s['precision']:>7.3f} {s['recall']:>7.3f} {s['f1']:>8.3f}"
            lines.append(row)
    lines.append(rule)
    lines.append(
        "predicted attributions: " + ", ".join(f"{name} {report[name]['n_pred']}" for name in systems)
    )
    return "\n".join(lines)
