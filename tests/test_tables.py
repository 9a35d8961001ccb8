"""Reading the tables: DuckDB relations over the Parquet files, token counts, white space."""

from __future__ import annotations

import sys

import duckdb
import pandas as pd
import pytest

from newscope.config import ConfigError
from newscope.tables import WHITESPACE, article_rows, count_rows, count_tokens, scan_tables, write_table


def test_whitespace_class_is_pythons():
    spaces = "".join(chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace())
    others = "a\u200b\ufeff\u180e."
    found = duckdb.execute(f"SELECT regexp_replace(?, '[{WHITESPACE}]', '', 'g')", [spaces + others]).fetchall()[0][0]
    assert found == others


def test_tokens_are_whitespace_separated_words():
    text = pd.Series(["one  two\u00a0three\nfour", None, "", "\u3000x\u2029y "])
    assert count_tokens(text).tolist() == [4, 0, 0, 2]
    assert count_tokens(text).tolist() == text.fillna("").str.count(r"\S+").tolist()


def test_scan_tables_sets_duckdb_memory_and_threads(tmp_path):
    write_table(pd.DataFrame({"article_id": ["a"]}), tmp_path / "articles.parquet")
    scan_tables(tmp_path, ["articles"], memory_limit="700MB", threads=1)
    limit, threads = duckdb.sql("SELECT current_setting('memory_limit'), current_setting('threads')").fetchall()[0]
    assert limit.replace(" ", "") in ("700.0MB", "667.5MiB") and threads == 1
    scan_tables(tmp_path, ["articles"])  # the defaults of params.yaml's reports section
    default = duckdb.connect().sql("SELECT current_setting('threads')").fetchall()[0][0]
    assert duckdb.sql("SELECT current_setting('memory_limit'), current_setting('threads')").fetchall()[0] == (
        duckdb.connect(config={"memory_limit": "1GB"}).sql("SELECT current_setting('memory_limit')").fetchall()[0][0],
        default)
    with pytest.raises(ConfigError, match="reports.memory_limit: 'lots'"):
        scan_tables(tmp_path, ["articles"], memory_limit="lots")


def test_scanned_tables_are_queried_not_loaded(tmp_path):
    mentions = pd.DataFrame({"article_id": ["a", "a", "b"], "entity_id": ["e1", "e2", "e1"]})
    write_table(mentions, tmp_path / "mentions.parquet")
    scanned = scan_tables(tmp_path, ["mentions"])["mentions"]
    assert isinstance(scanned, duckdb.DuckDBPyRelation)
    assert count_rows(scanned) == 3 and count_rows(scanned, "entity_id") == 2
    assert article_rows(scanned, "a")["entity_id"].tolist() == ["e1", "e2"]
    assert article_rows(mentions, "b")["entity_id"].tolist() == ["e1"]
    with pytest.raises(ConfigError, match="articles.parquet does not exist"):
        scan_tables(tmp_path, ["articles"])
