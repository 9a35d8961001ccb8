"""The command line, end to end on real inputs."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from newscope.cli import main
from newscope.config import PROJ_ROOT, TABLES


def test_run_writes_the_five_tables_for_the_example(tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(PROJ_ROOT / "data" / "raw"), "--out", str(out), "--n-process", "1"]) == 0
    tables = {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLES}
    assert len(tables["articles"]) + len(tables["rejected"]) == 1
    assert tables["articles"].loc[0, "title"] == "Syrian forces storm rebel bastion of Qusayr"
    assert len(tables["mentions"]) > 20 and len(tables["attributions"]) > 5
    assert (out / ".cache" / "keys").is_dir()  # the run's cache lives in its --out folder


def test_run_accounts_for_every_article(tmp_path, shared_data):
    out = tmp_path / "out"
    src = shared_data / "allsides" / "articles-300.jsonl"
    assert main(["run", str(src), "--out", str(out)]) == 0
    n_in = sum(1 for line in src.read_text(encoding="utf-8").splitlines() if line.strip())
    articles = pd.read_parquet(out / "articles.parquet")
    rejected = pd.read_parquet(out / "rejected.parquet")
    assert len(articles) + len(rejected) == n_in
    attributions = pd.read_parquet(out / "attributions.parquet")
    assert set(attributions["article_id"]) <= set(articles["article_id"])


def test_attributions_command_keeps_offsets_into_the_given_text(tmp_path):
    text = "“We will win,” the minister told reporters. Police said two people were hurt."
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "x1", "text": text}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["attributions", str(src), "--out", str(out)]) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["id"] == "x1" and record["attributions"]
    for att in record["attributions"]:
        for role in ("source", "cue", "content"):
            if att[role]:
                start, end, span = att[role]
                assert text[start:end] == span


def test_user_errors_are_one_clear_line(tmp_path, capsys):
    bad = tmp_path / "params.yaml"
    bad.write_text("nlp:\n  modle: x\n", encoding="utf-8")
    assert main(["--params", str(bad), "ingest", str(tmp_path), "--out", str(tmp_path / "a.parquet")]) == 2
    err = capsys.readouterr().err
    assert "modle" in err and "Traceback" not in err
    assert main(["annotate", str(tmp_path / "missing.parquet"), "--out", str(tmp_path)]) == 2
    assert "missing.parquet" in capsys.readouterr().err


@pytest.mark.parametrize(("yaml_text", "message"), [
    ("entity_frequency:\n  top_n: many\n", "entity_frequency.top_n: expected int, got 'many'"),
    ("entity_frequency:\n  labels: PERSON\n", "entity_frequency.labels: expected list[str] or null"),
    ("nlp:\n  n_process: true\n", "nlp.n_process: expected int"),
    ("corpus:\n  clean:\n    furniture: 'no'\n", "corpus.clean.furniture: expected bool"),
    ("source_attribution:\n  serch: x\n", "unknown key(s) serch"),
])
def test_bad_settings_name_the_key(tmp_path, capsys, yaml_text, message):
    params = tmp_path / "params.yaml"
    params.write_text(yaml_text, encoding="utf-8")
    assert main(["--params", str(params), "ingest", str(tmp_path), "--out", str(tmp_path / "a.parquet")]) == 2
    assert message in capsys.readouterr().err


def test_settings_file_that_does_not_exist_is_an_error(tmp_path, capsys):
    assert main(["--params", str(tmp_path / "nope.yaml"), "ingest", "--out", str(tmp_path / "a.parquet")]) == 2
    assert "nope.yaml does not exist" in capsys.readouterr().err


def test_ingest_out_that_is_a_folder_is_an_error(tmp_path, capsys):
    (tmp_path / "a.jsonl").write_text('{"id": "1", "text": "Some words here."}\n', encoding="utf-8")
    assert main(["ingest", str(tmp_path / "a.jsonl"), "--out", str(tmp_path)]) == 2
    assert f"--out {tmp_path} is a folder" in capsys.readouterr().err


def test_report_overrides_are_checked_before_running(capsys):
    assert main(["report", "entity_frequency", "-p", "top_nn=5"]) == 2
    assert "unknown key(s) top_nn" in capsys.readouterr().err
    assert main(["report", "source_attribution", "-p", "top_n=lots"]) == 2
    assert "source_attribution.top_n: expected int" in capsys.readouterr().err


def test_report_with_overrides_leaves_the_pipeline_outputs_alone(tmp_path, monkeypatch, capsys):
    import newscope.cli
    import newscope.config

    tables = tmp_path / "tables"
    assert main(["run", str(PROJ_ROOT / "data" / "raw"), "--out", str(tables), "--n-process", "1"]) == 0
    monkeypatch.setattr(newscope.cli, "SCRATCH_DIR", tmp_path / "scratch")
    monkeypatch.setattr(newscope.cli, "REPORTS_DIR", tmp_path / "pipeline")
    monkeypatch.setattr(newscope.config, "FIGURES_DIR", tmp_path / "pipeline" / "figures")
    assert main(["report", "entity_frequency", "-p", "top_n=5", "-p", "n_boot=20", "--tables", str(tables)]) == 0
    scratch = tmp_path / "scratch" / "entity_frequency"
    assert (scratch / "entity_frequency.html").is_file() and (scratch / "entity_frequency.ipynb").is_file()
    assert (scratch / "figures" / "entity_frequency" / "entity-top.csv").is_file()
    assert len(pd.read_csv(scratch / "figures" / "entity_frequency" / "entity-top.csv")) == 5
    assert not (tmp_path / "pipeline").exists()
    assert "the pipeline's reports and index are unchanged" in capsys.readouterr().err


def test_unquoted_dates_and_numeric_ids_in_settings_are_text(tmp_path):
    from newscope.config import load_settings, section

    params = tmp_path / "params.yaml"
    params.write_text("entity_frequency:\n  start: 2020-01-31\nsource_attribution:\n  article_id: 1234\n")
    settings = load_settings(params)
    assert settings.entity_frequency.start == "2020-01-31"
    assert section(settings, "source_attribution", {"search": 42})["search"] == "42"


def test_module_entry_point_and_help():
    result = subprocess.run([sys.executable, "-m", "newscope", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for command in ("ingest", "annotate", "run", "attributions", "evaluate", "report", "index"):
        assert command in result.stdout


@pytest.mark.parametrize("command", ["ingest", "annotate", "run", "attributions", "evaluate"])
def test_each_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    assert "--out" in capsys.readouterr().out or command == "ingest"
