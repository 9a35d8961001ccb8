"""Every report renders for every corpus shape, and says why a section is empty.

Each shape is ingested and annotated with ``newscope run``, then both reports are run on
its tables; a section that cannot be computed must say so in a sentence.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from newscope.cli import main
from newscope.config import PROJ_ROOT
from newscope.reports import run_report

SPEECH = "Senator John Smith said on Tuesday that the bill would pass. “It is a good bill,” he told the Daily Bugle."
SHAPES: dict[str, list[dict]] = {
    # no outlet, date, title or authors
    "bare": [{"text": "Officials in Paris said on Monday that the museum would reopen. “We are ready,” the "
                      "director, Anne Dupont, told reporters."},
             {"text": "The mayor of Lyon, Marc Blanc, said the bridge was safe."}],
    "one_outlet": [{"id": f"a{i}", "outlet": "Daily Bugle", "date": f"2020-0{i + 1}-15", "title": f"Story {i}",
                    "authors": "J. Jonah Jameson", "text": SPEECH} for i in range(3)],
    "all_rejected": [{"text": ""}, {"text": "   "}],
    "no_attributions": [{"id": "n1", "outlet": "A", "date": "2020-01-01", "text": "Paris is the capital of France."},
                        {"id": "n2", "outlet": "B", "date": "2020-02-01", "text": "Berlin is in Germany."}],
    "no_entities": [{"id": "e1", "outlet": "A", "date": "2020-01-01", "text": "the cat sat on the mat. it was warm."}],
}
# shape -> (report parameters, sentences each report must show)
EXPECTED: dict[str, tuple[dict, dict[str, list[str]]]] = {
    "one_article": ({}, {"entity_frequency": ["Fewer than two outlets with at least 20 articles", "a time series needs two"],
                         "source_attribution": ["Only one outlet", "Syrian forces storm rebel bastion of Qusayr"]}),
    "bare": ({}, {"entity_frequency": ["Fewer than two outlets with at least 20 articles", "give 0 year(s) with at least 20 articles"],
                  "source_attribution": ["No attribution comes from a dated article", "(untitled)"]}),
    "one_outlet": ({}, {"entity_frequency": ["Fewer than two outlets with at least 20 articles", "Distinctive entities need at least two outlets"],
                        "source_attribution": ["Only one outlet", "John Smith"]}),
    "all_rejected": ({}, {"entity_frequency": ["No entity mentions in this selection"],
                          "source_attribution": ["No attributions: no kind shares to show",
                                                 "The articles table is empty"]}),
    "no_attributions": ({}, {"entity_frequency": ["Paris"],
                             "source_attribution": ["No attributions: no anonymous-sourcing rate",
                                                    "No named speakers", "No cue verbs"]}),
    "no_entities": ({}, {"entity_frequency": ["No entity mentions in this selection"],
                         "source_attribution": ["No attributions: no speaker type shares to show"]}),
    "filtered_to_nothing": ({"start": "2100-01-01", "search": "no such words"},
                            {"entity_frequency": ["No entity mentions in this selection", "start = 2100-01-01"],
                             "source_attribution": ["0 of 6 attributions match"]}),
}


def _text(page: Path) -> str:
    """The visible text of a report page, white space collapsed."""
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", page.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


@pytest.fixture(scope="module")
def shape_inputs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("shapes")
    inputs = {"one_article": PROJ_ROOT / "data" / "raw"}
    for name, records in SHAPES.items():
        path = inputs[name] = folder / f"{name}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    inputs["filtered_to_nothing"] = inputs["one_outlet"]
    return inputs


@pytest.mark.parametrize("shape", list(EXPECTED))
def test_both_reports_render_and_explain_empty_sections(shape, shape_inputs, tmp_path):
    tables = tmp_path / "tables"
    assert main(["run", str(shape_inputs[shape]), "--out", str(tables), "--n-process", "1"]) == 0
    params, expected = EXPECTED[shape]
    report_keys = {"entity_frequency": {"start", "n_boot"}, "source_attribution": {"search"}}
    for report, sentences in expected.items():
        overrides = {k: v for k, v in {**params, "n_boot": 20}.items() if k in report_keys[report]}
        page = run_report(report, parameters={"tables_dir": str(tables), "params": overrides},
                          out_html=tmp_path / f"{report}.html", executed_dir=tmp_path / "run",
                          figures_dir=tmp_path / "figures" / report)
        text = _text(page)
        for sentence in sentences:
            assert sentence in text, f"{shape}/{report}: {sentence!r} not in the page"
