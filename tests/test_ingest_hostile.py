"""A folder of hostile inputs ingests without a traceback, every record accounted for."""

from __future__ import annotations

import gzip
import json
import os

import pytest

from newscope.ingest import REJECT_REASONS, ingest
from newscope.config import CorpusSettings

GOOD = "The council met on Monday.\n\nIt voted to reopen the library."


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    """Build the folder; return it with the expected (raw_ref -> reason or 'ok') per record."""
    root = tmp_path / "hostile"
    root.mkdir()
    monkeypatch.chdir(tmp_path)
    expect: dict[str, str] = {}

    def put(name: str, data: bytes, outcome: str) -> None:
        (root / name).write_bytes(data)
        expect[f"hostile/{name}"] = outcome

    put("cp1252.txt", "Caf\u00e9 owners \u201cangry\u201d\n\nThe caf\u00e9 closed, owners said.".encode("cp1252"), "ok")
    put("utf16.txt", ("Title\n\n" + GOOD).encode("utf-16"), "ok")
    put("empty.txt", b"", "empty")
    put("blank.txt", b" \n\t\r\n \n", "empty")
    put("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "not-text")
    put("controls.txt", bytes(range(1, 32)) * 50, "not-text")
    put("furniture.txt", b"Add a comment\n\nSort by\n\nLoading", "boilerplate-only")
    dumps = lambda record: json.dumps(record, ensure_ascii=False)  # noqa: E731 - real UTF-8 in the file
    lines = [
        dumps({"id": "j1", "text": GOOD}),
        '{"id": "j2", "text": "unterminated',
        dumps({"id": "j3", "text": GOOD + " Again."}),
        "[1, 2, 3]",
        dumps({"id": "j5", "title": "No body"}),
        dumps({"id": "j6", "text": "   "}),
        dumps({"id": "j1", "text": "Another story, same id."}),
        dumps({"id": "j8", "text": "x " * 300}),
        "",
        dumps({"id": "j10", "text": "Caf\u00e9 \ufffd kept."}),
        "\u00ff\u00fe bad bytes line",
        dumps({"id": "j12", "text": ["First para.", "Second para."]}),
        dumps({"id": "j13", "text": {"nested": "object"}}),
    ]
    data = "\n".join(lines).encode("utf-8").replace("\u00ff\u00fe".encode(), b"\xff\xfe")
    put("mixed.jsonl", data, "per-line")
    outcomes = ["ok", "bad-json", "ok", "bad-record", "missing-text", "missing-text", "duplicate-id", "too-long",
                None, "ok", "bad-json", "ok", "missing-text"]
    for n, outcome in enumerate(outcomes, 1):
        if outcome:
            expect[f"hostile/mixed.jsonl:{n}"] = outcome
    del expect["hostile/mixed.jsonl"]
    put("broken.csv", b'id,title,text\nc1,One,"Fine text here."\nc2,Two,"Broken quote\nc3,Three,Third text.\n'
                      b'c4,Four,Too,many,fields\n', "per-line")
    del expect["hostile/broken.csv"]
    expect.update({"hostile/broken.csv:2": "ok", "hostile/broken.csv:3": "bad-csv", "hostile/broken.csv:4": "ok",
                   "hostile/broken.csv:5": "bad-csv"})
    put("corrupt.jsonl.gz", b"\x1f\x8b\x08\x00 definitely not gzip", "unreadable")
    put("half.json", b'{"text": "Half an object', "bad-json")
    put("corrupt.parquet", b"PAR1 this is not parquet PAR1", "bad-parquet")
    put("empty_list.json", b"[]", "empty")
    with gzip.open(root / "ok.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": GOOD + " Gzipped."}) + "\n")
    expect["hostile/ok.jsonl.gz:1"] = "ok"
    (root / "dangling.txt").symlink_to(root / "does-not-exist.txt")
    expect["hostile/dangling.txt"] = "unreadable"
    (root / "folder.txt").mkdir()  # a directory named like a file: walked, holds one more file
    (root / "folder.txt" / "inner.txt").write_text("Inner title\n\n" + GOOD + " Inner.", encoding="utf-8")
    expect["hostile/folder.txt/inner.txt"] = "ok"
    os.mkfifo(root / "pipe.txt")  # reading it would block forever
    expect["hostile/pipe.txt"] = "unreadable"
    locked = root / "locked.txt"
    locked.write_text("Locked\n\n" + GOOD + " Locked.", encoding="utf-8")
    locked.chmod(0)
    # root reads any file whatever its mode; everyone else gets "unreadable"
    expect["hostile/locked.txt"] = "ok" if os.geteuid() == 0 else "unreadable"
    yield root, expect
    locked.chmod(0o600)


def test_hostile_folder_every_record_accounted_for(hostile):
    root, expect = hostile
    result = ingest([root], CorpusSettings(max_chars=500), progress=False)
    got = {ref: "ok" for ref in result.articles["raw_ref"]}
    for row in result.rejected.itertuples():
        assert row.raw_ref not in got, f"{row.raw_ref} both ingested and rejected"
        got[row.raw_ref] = row.reason
    assert got == expect
    assert set(result.rejected["reason"]) <= set(REJECT_REASONS)
    summary = result.summary
    assert summary["read"] == len(expect) == summary["ingested"] + summary["rejected_total"]
    assert summary["decoding"]["detected_files"] >= 1  # cp1252.txt (utf16.txt has a BOM)
    assert summary["decoding"]["replacements"] == 2  # the two bad bytes of mixed.jsonl line 11
    assert result.rejected["detail"].str.len().gt(0).all()
    assert "rejected" in result.summary_text()


def test_hostile_decoding_and_details(hostile):
    root, _ = hostile
    result = ingest([root], CorpusSettings(max_chars=500), progress=False)
    arts = result.articles.set_index("raw_ref")
    assert arts.loc["hostile/cp1252.txt", "text"] == "The café closed, owners said."
    assert arts.loc["hostile/cp1252.txt", "title"] == "Caf\u00e9 owners \u201cangry\u201d"
    assert arts.loc["hostile/utf16.txt", "text"] == GOOD
    assert arts.loc["hostile/mixed.jsonl:10", "text"] == "Caf\u00e9 \ufffd kept."  # a real U+FFFD is not counted
    assert arts.loc["hostile/mixed.jsonl:12", "text"] == "First para.\n\nSecond para."
    assert arts.loc["hostile/mixed.jsonl:1", "article_id"] == "j1"
    rejected = result.rejected.set_index("raw_ref")["detail"]
    assert "hostile/mixed.jsonl:1" in rejected["hostile/mixed.jsonl:7"]  # duplicate id names the first holder
    assert "column" in rejected["hostile/mixed.jsonl:2"]
    assert "max_chars=500" in rejected["hostile/mixed.jsonl:8"]
    assert "record starting on this line" in rejected["hostile/broken.csv:3"]
