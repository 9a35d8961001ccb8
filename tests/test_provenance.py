"""Provenance: git, input data hashes, spaCy/model/newscope versions, params, run date."""

from __future__ import annotations

import datetime as dt
import html

import spacy

import newscope
from newscope import provenance
from newscope.provenance import data_hashes, footer_html, git_info, model_info, stamp

LOCK = """\
schema: '2.0'
stages:
  ingest:
    cmd: newscope ingest --out data/processed/articles.parquet
    deps:
    - path: src/newscope/clean.py
      hash: md5
      md5: 0123456789abcdef0123456789abcdef
      size: 10
    - path: data/raw
      hash: md5
      md5: fedcba9876543210fedcba9876543210.dir
      size: 99
      nfiles: 1
  annotate:
    deps:
    - path: data/processed/articles.parquet
      hash: md5
      md5: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
"""


def test_stamp_has_every_field():
    s = stamp({"top_n": 20})
    assert set(s) == {"git", "data", "spacy", "model", "newscope", "params", "run_date"}
    assert set(s["git"]) == {"commit", "dirty"}
    assert s["spacy"] == spacy.__version__
    assert s["newscope"] == newscope.__version__
    assert s["model"]["name"] == provenance.load_settings().nlp.model
    assert s["model"]["version"]  # the installed model package's version
    assert s["params"] == {"top_n": 20}
    assert dt.datetime.fromisoformat(s["run_date"]).utcoffset() == dt.timedelta(0)


def test_data_hashes_are_the_ingest_deps(tmp_path):
    lock = tmp_path / "dvc.lock"
    lock.write_text(LOCK)
    assert data_hashes(lock) == [
        {"path": "data/raw", "md5": "fedcba9876543210fedcba9876543210.dir"},
        {"path": "src/newscope/clean.py", "md5": "0123456789abcdef0123456789abcdef"},
    ]
    assert data_hashes(tmp_path / "missing.lock") == []


def test_git_outside_a_checkout_is_none(tmp_path):
    assert git_info(tmp_path) == {"commit": None, "dirty": None}


def test_git_commit_and_dirty_flag(tmp_path):
    import subprocess

    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "dvc.lock").write_text("x")
    git("add", "a.txt", "dvc.lock")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "-m", "m")
    info = git_info(tmp_path)
    assert len(info["commit"]) == 40 and info["dirty"] is False
    (tmp_path / "dvc.lock").write_text("rewritten by dvc repro")
    (tmp_path / "untracked.html").write_text("output")
    assert git_info(tmp_path)["dirty"] is False
    (tmp_path / "a.txt").write_text("changed")
    assert git_info(tmp_path)["dirty"] is True


def test_unknown_model_has_no_version():
    assert model_info("no_such_model_xyz") == {"name": "no_such_model_xyz", "version": None}


def test_footer_lists_fields_escaped():
    s = {
        "git": {"commit": "abc123", "dirty": True},
        "data": [{"path": "data/raw", "md5": "ff.dir"}],
        "spacy": "3.8.0",
        "model": {"name": "en_core_web_sm", "version": "3.8.0"},
        "newscope": "0.1.0",
        "params": {"article_id": "<script>alert(1)</script>"},
        "run_date": "2026-01-01T00:00:00+00:00",
    }
    footer = footer_html(s)
    for text in ("abc123 (uncommitted changes)", "data/raw md5 ff.dir", "3.8.0", "en_core_web_sm 3.8.0",
                 "0.1.0", "2026-01-01T00:00:00+00:00", "Git commit", "Input data", "Run date"):
        assert html.escape(text) in footer, text
    assert "<script>" not in footer
    assert html.escape('"article_id": "<script>alert(1)</script>"') in footer
