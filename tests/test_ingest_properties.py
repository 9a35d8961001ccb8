"""Property tests: readers and cleaners fed arbitrary bytes and records never crash and lose nothing."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscope.ingest import REJECT_REASONS, IngestError, decode_bytes, ingest, read_file
from newscope.ingest.clean import clean_article, normalize_text, split_paragraphs
from newscope.config import CleanSettings

SETTINGS = settings(max_examples=int(os.environ.get("NEWSCOPE_HYPOTHESIS_EXAMPLES", 60)), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
OFF = CleanSettings(furniture=False, learned_boilerplate=False, dedup_paragraphs=False, capture_credits=False)
QUOTES = "\"'“”‘’«»„‹›"

text_with_news_chars = st.text(
    alphabet=st.one_of(st.characters(), st.sampled_from(list(QUOTES) + ["\n", " ", "\u00a0", "–", "—", "é"])),
    max_size=400,
)
field_values = st.one_of(st.none(), st.text(max_size=60), st.integers(), st.floats(allow_nan=True),
                         st.lists(st.text(max_size=20), max_size=3), st.booleans())
records = st.dictionaries(
    st.sampled_from(["id", "text", "title", "source", "date", "url", "authors", "body", "other"]),
    field_values, max_size=6,
)


@SETTINGS
@given(st.binary(max_size=2000))
def test_decode_bytes_never_raises(data):
    decoded = decode_bytes(data)
    assert (decoded.text is None) != (decoded.problem == "")
    assert decoded.replacements >= 0


@SETTINGS
@given(data=st.binary(max_size=1500),
       suffix=st.sampled_from([".txt", ".jsonl", ".json", ".csv", ".tsv", ".parquet", ".jsonl.gz", ".dat"]))
def test_read_file_any_bytes_yields_accounted_records(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f{suffix}"
        path.write_bytes(data)
        recs = list(read_file(path, Path(tmp)))
    assert recs, "every file yields at least one record or rejection"
    for rec in recs:
        assert (rec.fields is None) == (rec.reason is not None)
        assert rec.reason is None or rec.reason in REJECT_REASONS
        assert rec.raw_ref.startswith(str(path)) or rec.raw_ref.endswith(path.name) or f"{path.name}:" in rec.raw_ref


@SETTINGS
@given(st.lists(st.one_of(records, st.text(max_size=40)), min_size=1, max_size=12))
def test_ingest_arbitrary_jsonl_records_loses_nothing(items):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.jsonl"
        lines = [json.dumps(it) if isinstance(it, dict) else it.replace("\n", " ").replace("\r", " ")
                 for it in items]
        path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
        try:
            result = ingest([path], progress=False)
        except IngestError as exc:  # said only when no readable record has a text column
            assert "no record has a text column" in str(exc)
            assert not any(isinstance(it, dict) and {"text", "body"} & set(it) for it in items)
            return
    expected = {f"{path}:{n}" for n, line in enumerate(io.StringIO("\n".join(lines), newline=""), 1) if line.strip()}
    refs = list(result.articles["raw_ref"]) + list(result.rejected["raw_ref"])
    if refs == [str(path)]:  # the file as a whole: nothing in it, or not text at all
        assert result.rejected["reason"].tolist()[0] in {"empty", "not-text"}
        assert expected or result.rejected["reason"].tolist() == ["empty"]
    else:
        assert sorted(refs) == sorted(expected)
    assert result.summary["read"] == len(result.articles) + len(result.rejected)
    assert result.articles["article_id"].is_unique


@SETTINGS
@given(st.lists(st.fixed_dictionaries({"id": st.text(max_size=10), "text": st.text(max_size=80),
                                       "title": st.text(max_size=20)}), min_size=1, max_size=8))
def test_ingest_csv_written_by_csv_module_reads_every_row(rows):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.csv"
        with open(path, "w", newline="", encoding="utf-8", errors="surrogatepass") as fh:
            writer = csv.DictWriter(fh, fieldnames=["id", "text", "title"])
            writer.writeheader()
            writer.writerows(rows)
        result = ingest([path], progress=False)
    assert result.summary["read"] == len(result.articles) + len(result.rejected)
    assert result.summary["read"] == len(rows) or set(result.rejected["reason"]) & {"empty", "bad-csv", "not-text"}
    assert not set(result.rejected["reason"]) - set(REJECT_REASONS)


@SETTINGS
@given(text_with_news_chars)
def test_normalize_text_is_idempotent_and_keeps_quotes(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    counts = Counter(c for c in text if c in QUOTES)
    assert Counter(c for c in once if c in QUOTES) == counts or "Ã" in text or "â" in text  # mojibake repair


@SETTINGS
@given(text_with_news_chars)
def test_clean_article_never_crashes_and_only_removes(text):
    art = clean_article(text)
    norm = normalize_text(text)
    for para in art.paragraphs:
        assert para and all(para)
    for kind, _ in art.removed:
        assert kind in {"furniture", "credit", "duplicate"}
    assert len(art.text) <= len(norm)


@SETTINGS
@given(text_with_news_chars)
def test_clean_article_with_steps_off_is_normalisation_only(text):
    art = clean_article(text, OFF)
    assert art.paragraphs == split_paragraphs(normalize_text(text))
    assert art.text == normalize_text(text)
    assert not art.removed
