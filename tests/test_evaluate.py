"""Attribution scoring: hand-made gold/prediction pairs, JSONL reading, the textacy baseline."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscope.evaluate import evaluate, format_report, report_frame, score, textacy_attributions
from newscope.tables import read_jsonl

TEXT = (
    "“The economy is strong,” the minister said on Monday. "
    "Critics claimed that the figures were wrong. "
    "According to officials, talks will resume."
)


def span(sub: str, text: str = TEXT, nth: int = 0) -> list:
    """``[start, end, sub]`` of the ``nth`` occurrence of ``sub`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return [start, start + len(sub), sub]


def att(content: str | None, source: str | None = None, cue: str | None = None) -> dict:
    return {
        "content": span(content) if content else None,
        "source": span(source) if source else None,
        "cue": span(cue) if cue else None,
    }


GOLD = [
    {
        "id": "a1",
        "text": TEXT,
        "attributions": [
            att("“The economy is strong,”", "the minister", "said"),
            att("that the figures were wrong", "Critics", "claimed"),
            att("talks will resume", "officials", "According to"),
        ],
    }
]


def f1(result: dict, role: str, mode: str) -> float:
    return result[role][mode]["f1"]


def test_gold_against_itself_is_perfect():
    result = score(GOLD, GOLD)
    for role in ("content", "source", "cue"):
        for mode in ("exact", "partial"):
            assert f1(result, role, mode) == 1.0
    assert (result["n_gold"], result["n_pred"], result["n_articles"]) == (3, 3, 1)


def test_trimming_quotes_punctuation_and_space_gives_exact_match():
    pred = [{"id": "a1", "attributions": [att("The economy is strong", " the minister ", "said on")]}]
    # "said on" is not the cue "said" exactly, but overlaps it
    result = score(GOLD, pred)
    assert result["content"]["exact"]["tp"] == 1
    assert result["source"]["exact"]["tp"] == 1
    assert result["cue"]["exact"]["tp"] == 0
    assert result["cue"]["partial"]["tp"] == 1
    assert result["content"]["exact"]["precision"] == 1.0
    assert result["content"]["exact"]["recall"] == pytest.approx(1 / 3)


def test_partial_content_needs_dice_of_one_half():
    # 'the figures were wrong' (22 chars) vs 'that the figures were wrong' (27): Dice 44/49
    close = {"id": "a1", "attributions": [att("the figures were wrong", "Critics", "claimed")]}
    # 'wrong' (5) vs 27 chars: Dice 10/32 < 0.5
    far = {"id": "a1", "attributions": [att("wrong", "Critics", "claimed")]}
    assert score(GOLD, [close])["content"]["partial"]["tp"] == 1
    assert score(GOLD, [close])["content"]["exact"]["tp"] == 0
    assert score(GOLD, [far])["content"]["partial"]["tp"] == 0
    # the source is scored only on content-matched pairs, so it is an FP here
    assert score(GOLD, [far])["source"]["partial"] == {
        "precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 1, "fn": 3
    }


def test_matching_is_one_to_one():
    pred = [
        {
            "id": "a1",
            "attributions": [att("talks will resume"), att("talks will resume"), att("will resume")],
        }
    ]
    result = score(GOLD, pred)
    assert result["content"]["partial"]["tp"] == 1
    assert result["content"]["partial"]["fp"] == 2
    assert result["content"]["exact"]["tp"] == 1


def test_hungarian_maximises_total_dice_not_greedy():
    text = "0123456789" * 3
    gold = [{"id": "x", "text": text, "attributions": [
        {"content": [0, 10, None], "source": None, "cue": None},
        {"content": [6, 20, None], "source": None, "cue": None},
    ]}]
    # p1 fits g1 best (Dice 16/22) but also g2 (16/26); p2 fits only g1 (10/15)
    pred = [{"id": "x", "attributions": [
        {"content": [2, 14, None], "source": None, "cue": None},
        {"content": [0, 5, None], "source": None, "cue": None},
    ]}]
    result = score(gold, pred)
    assert result["content"]["partial"]["tp"] == 2  # greedy (p1->g1) would leave p2 unmatched


def test_null_sources():
    gold = [{"id": "a1", "text": TEXT, "attributions": [att("talks will resume", None, "According to")]}]
    none_pred = [{"id": "a1", "attributions": [att("talks will resume", None, "According to")]}]
    some_pred = [{"id": "a1", "attributions": [att("talks will resume", "officials", "According to")]}]
    result = score(gold, none_pred)
    assert result["source"]["partial"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 0}
    assert result["cue"]["exact"]["f1"] == 1.0
    assert score(gold, some_pred)["source"]["partial"]["fp"] == 1


def test_empty_and_missing_predictions_score_zero():
    for pred in ([], [{"id": "a1", "attributions": []}], [{"id": "other", "attributions": [att("talks")]}]):
        result = score(GOLD, pred)
        assert result["n_pred"] == 0
        for role in ("content", "source", "cue"):
            assert result[role]["partial"]["f1"] == 0.0
            assert result[role]["partial"]["fn"] == 3


def test_bad_records_raise_clear_errors():
    with pytest.raises(ValueError, match="duplicate id 'a1'"):
        score(GOLD + GOLD, [])
    bad = [{"id": "a1", "attributions": [{"content": [5, 2, "x"], "source": None, "cue": None}]}]
    with pytest.raises(ValueError, match="prediction 'a1', attribution 0, content"):
        score(GOLD, bad)


def test_read_jsonl_plain_gz_and_bad_line(tmp_path: Path):
    lines = [json.dumps(r) for r in GOLD] + ["", json.dumps({"id": "b"})]
    (tmp_path / "g.jsonl").write_text("\n".join(lines), encoding="utf-8")
    with gzip.open(tmp_path / "g.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    assert [r["id"] for r in read_jsonl(tmp_path / "g.jsonl")] == ["a1", "b"]
    assert [r["id"] for r in read_jsonl(tmp_path / "g.jsonl.gz")] == ["a1", "b"]
    (tmp_path / "bad.jsonl").write_text('{"id": "a"}\n{"id": \n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:2: not valid JSON"):
        list(read_jsonl(tmp_path / "bad.jsonl"))


def test_textacy_offsets_point_into_the_text(nlp, example_text):
    doc = nlp(TEXT + " “We will not give up the fight for freedom,” the rebel commander told reporters.")
    triples = textacy_attributions(doc)
    assert triples, "textacy finds the plain direct quote"
    for triple in triples:
        for value in triple.values():
            if value is not None:
                assert doc.text[value[0]:value[1]] == value[2]
    assert any(t["content"][2].startswith("“We will not") and t["source"][2].endswith("rebel commander") for t in triples)


def test_evaluate_counts_baseline_crashes(tmp_path: Path, nlp):
    odd = 'He said "this quote never closes and the parser gives up. Officials said talks will resume.'
    records = GOLD + [{"id": "odd", "text": odd, "attributions": [
        {"source": span("Officials", odd), "cue": span("said", odd, 1), "content": span("talks will resume", odd)}
    ]}]
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    report = evaluate(gold_path, pred_path=gold_path, nlp=nlp, progress=False)
    assert report["newscope"]["content"]["exact"]["f1"] == 1.0
    assert report["textacy"]["n_errors"] == 1
    assert report["textacy"]["error_ids"] == ["odd"]
    table = format_report(report)
    assert "textacy (1 errors)" in table
    assert table.count("\n") >= 8 and "content  partial" in table and "cue      exact" in table


@pytest.mark.shared
def test_polnear_dev_gold_against_itself(shared_data: Path):
    gold = []
    for record in read_jsonl(shared_data / "polnear" / "dev.jsonl.gz"):
        gold.append(record)
        if len(gold) == 5:
            break
    result = score(gold, gold)
    assert result["n_gold"] > 20
    for role in ("content", "source", "cue"):
        for mode in ("exact", "partial"):
            assert f1(result, role, mode) == 1.0
    # dropping every other article halves recall but keeps precision at 1
    half = score(gold, gold[::2])
    assert half["content"]["exact"]["precision"] == 1.0
    assert 0 < half["content"]["exact"]["recall"] < 1


def test_report_frame_is_tidy():
    report = {"newscope": score(GOLD, GOLD), "textacy": score(GOLD, [])}
    frame = report_frame(report)
    assert len(frame) == 2 * 3 * 2
    assert frame.loc[frame["system"].eq("newscope"), "f1"].eq(1.0).all()
    assert frame.loc[frame["system"].eq("textacy"), "fn"].eq(3).all()



@st.composite
def records(draw: st.DrawFn) -> list[dict]:
    """One article with up to six random attributions over a short text of quotes and punctuation."""
    text = draw(st.text(alphabet="ab “”,. ", min_size=30, max_size=60))
    spans = st.tuples(st.integers(0, len(text) - 2), st.integers(1, 15)).map(
        lambda t: [t[0], min(len(text), t[0] + t[1]), text[t[0]:min(len(text), t[0] + t[1])]]
    )
    atts = draw(st.lists(
        st.fixed_dictionaries({"content": spans, "source": st.none() | spans, "cue": st.none() | spans}),
        max_size=6,
    ))
    return [{"id": "h", "text": text, "attributions": atts}]


@settings(max_examples=100, deadline=None)
@given(records(), records())
def test_score_properties(gold: list[dict], pred: list[dict]):
    """Any gold scores 1.0 (0.0 when empty) against itself; exact content TP is symmetric."""
    self_score = score(gold, gold)
    for role in ("content", "source", "cue"):
        n = self_score[role]["exact"]["tp"] + self_score[role]["exact"]["fn"]
        for mode in ("exact", "partial"):
            assert self_score[role][mode]["f1"] == (1.0 if n else 0.0)
    assert score(gold, pred)["content"]["exact"]["tp"] == score(pred, gold)["content"]["exact"]["tp"]
