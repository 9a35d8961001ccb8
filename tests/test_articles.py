"""Ingestion end to end: formats, metadata, duplicates, learned boilerplate, the real corpora."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from newscope.config import PROJ_ROOT, ConfigError, CorpusSettings, DuplicateSettings
from newscope.ingest import (
    ARTICLE_COLUMNS,
    REJECT_REASONS,
    IngestError,
    ingest,
    outlet_domain,
    parse_date,
    safe_id,
)
from newscope.ingest.duplicates import near_duplicate_pairs, shingles
from newscope.ingest.readers import FORMATS, format_of

EXAMPLE = "data/raw/000_96fb6b5f81bae034.txt"
WORDS = ("senate house vote bill budget court judge ruling election campaign governor mayor police city "
         "state health school market price trade tariff border troops rebels town army minister talks").split()


def _story(seed: int, n: int = 120) -> str:
    """A deterministic pseudo-article of ``n`` words in sentences and paragraphs."""
    words = [WORDS[(seed * 7 + i * i * 3 + i * seed) % len(WORDS)] for i in range(n)]
    sentences = [" ".join(words[i:i + 12]).capitalize() + "." for i in range(0, n, 12)]
    return "\n\n".join(" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3))


def _write_jsonl(path, records) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_example_article(monkeypatch):
    monkeypatch.chdir(PROJ_ROOT)
    result = ingest([EXAMPLE], progress=False)
    assert list(result.articles.columns) == list(ARTICLE_COLUMNS)
    row = result.articles.iloc[0]
    assert row.title == "Syrian forces storm rebel bastion of Qusayr"
    assert row.agency == "AFP"
    assert row.outlet == "Rappler" and row.outlet_domain == "rappler.com" and row.credit == "Rappler.com"
    assert row.dateline == "DAMASCUS, Syria"
    assert row.article_id == "000_96fb6b5f81bae034"
    assert row.raw_ref == EXAMPLE  # relative to the current directory, no machine path
    assert row.content_hash == hashlib.sha256(row.text.encode()).hexdigest()
    assert row.n_chars == len(row.text) and row.n_boilerplate_lines >= 8
    for line in ("Add a comment", "Sort by", "Loading", "Download the Rappler App!", "How does this make you feel?",
                 "This is AI generated summarization", "Syrian forces storm rebel bastion"):
        assert line not in row.text
    assert row.text.count("Loyalist forces launched") == 1
    assert row.weight == 1.0 and pd.isna(row.duplicate_group)
    assert result.summary["read"] == 1 and result.summary["ingested"] == 1
    assert "ingested 1" in result.summary_text()


def test_article_ids_stable_across_runs(monkeypatch):
    monkeypatch.chdir(PROJ_ROOT)
    first, second = ingest(["data/raw"], progress=False), ingest(["data/raw"], progress=False)
    pd.testing.assert_frame_equal(first.articles, second.articles)


def test_allsides_sample(shared_data):
    path = shared_data / "allsides" / "articles-300.jsonl"
    result = ingest([path], progress=False)
    raw = pd.read_json(path, lines=True, dtype=False)
    arts = result.articles
    assert result.summary["read"] == len(raw) == len(arts) + len(result.rejected)
    assert set(arts["article_id"]) <= set(raw["id"]) and arts["article_id"].is_unique
    assert (arts["date"].dropna() == raw.set_index("id").loc[arts["article_id"], "date"].dropna().values).all()
    assert arts["outlet_domain"].notna().all() and not arts["outlet_domain"].str.startswith("www.").any()
    assert arts["raw_ref"].str.fullmatch(r".*articles-300\.jsonl:\d+").all()
    for line in ("Story Continued Below", "CLICK HERE TO GET THE FOX NEWS APP", "Click here for reprint permission",
                 "\n\n\n"):
        assert not arts["text"].str.contains(line, regex=False).any(), line
    assert result.summary["removed_lines"]["furniture"] > 0
    # The Hill's hover name boxes ("... Kamala Devi HarrisHeadline ... MORE (D-Calif.)") are cut
    assert result.summary["removed_lines"]["name box"] > 20
    assert not arts["text"].str.contains(r"[a-z0-9'’] MORE \(", regex=True).any()
    # every kept paragraph is a paragraph (or part) of the input: cleaning removes, it does not rewrite
    by_id = raw.set_index("id")["text"]
    for row in arts.head(40).itertuples():
        original = " ".join(by_id[row.article_id].split())
        for para in row.text.split("\n\n"):
            assert " ".join(para.split())[-60:] in original


def test_formats_give_the_same_article(tmp_path):
    record = {"id": "x1", "title": "Budget talks", "text": "WASHINGTON (AP) — Talks resumed.\n\nMore to come.",
              "source": "Example News", "url": "https://www.example.com/a", "date": "May 19, 2013",
              "authors": "Jane Doe"}
    (tmp_path / "jsonl").mkdir()
    _write_jsonl(tmp_path / "jsonl" / "a.jsonl", [record])
    with gzip.open(tmp_path / "a.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(record | {"id": "x2"}) + "\n")
    with open(tmp_path / "a.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(record))
        writer.writeheader()
        writer.writerow(record | {"id": "x3"})
    pd.DataFrame([record | {"id": "x4"}]).to_parquet(tmp_path / "a.parquet")
    allsides = {"ID": "x5", "title": record["title"], "content": "talks resumed more to come",
                "content_original": record["text"], "source": record["source"], "source_url": "www.example.com",
                "date": record["date"], "authors": record["authors"], "url": record["url"]}
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "x5.json").write_text(json.dumps(allsides), encoding="utf-8")
    result = ingest([tmp_path], progress=False)
    arts = result.articles.set_index("article_id").sort_index()
    assert list(arts.index) == ["x1", "x2", "x3", "x4", "x5"]
    for col in ("title", "text", "outlet", "outlet_domain", "date", "agency", "dateline", "authors", "url"):
        assert arts[col].nunique() == 1, col
    first = arts.iloc[0]
    assert (first.text, first.agency, first.dateline) == ("Talks resumed.\n\nMore to come.", "AP", "WASHINGTON")
    assert (first.date, first.outlet_domain) == ("2013-05-19", "example.com")
    assert arts.loc["x5", "raw_ref"].endswith("deep/er/x5.json")
    assert arts.loc["x3", "raw_ref"].endswith("a.csv:2")
    # every article is an exact duplicate of the others
    assert set(arts["duplicate_kind"]) == {"exact"} and arts["duplicate_group"].nunique() == 1


def test_formats_table_drives_suffixes_and_the_format_setting(tmp_path):
    for name, fmt in FORMATS.items():
        for suffix in fmt.suffixes:
            assert format_of(Path(f"a{suffix}")) == format_of(Path(f"A{suffix.upper()}.GZ")) == name
    assert format_of(Path("a.dat")) is None
    with pytest.raises(ConfigError, match=f"corpus.format must be one of {', '.join(['auto', *FORMATS])}"):
        ingest([tmp_path], CorpusSettings(format="xml"), progress=False)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiters(tmp_path, delimiter):
    (tmp_path / "a.csv").write_text(f"id{delimiter}text\n1{delimiter}\"One, two; three.\"\n2{delimiter}Four.\n",
                                    encoding="utf-8")
    result = ingest([tmp_path], progress=False)
    assert result.articles["text"].tolist() == ["One, two; three.", "Four."]


def test_field_mapping_and_hidden_files(tmp_path):
    _write_jsonl(tmp_path / "a.jsonl", [{"story_body": "Body one here.", "paper": "Daily A"}])
    _write_jsonl(tmp_path / ".hidden.jsonl", [{"text": "Hidden."}])
    settings = CorpusSettings(fields={"story_body": "text", "paper": "outlet"})
    result = ingest([tmp_path], settings, progress=False)
    assert result.articles["text"].tolist() == ["Body one here."]
    assert result.articles["outlet"].tolist() == ["Daily A"]
    assert result.summary["skipped_hidden"] == 1
    with pytest.raises(ConfigError, match="corpus.fields"):
        ingest([tmp_path], CorpusSettings(fields={"story_body": "body"}), progress=False)


def test_globs_and_missing_inputs(tmp_path, monkeypatch):
    for name in ("a.txt", "b.txt", "c.md"):
        (tmp_path / name).write_text(f"Title {name}\n\nBody of {name} here.", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = ingest(["*.txt"], progress=False)
    assert result.articles["raw_ref"].tolist() == ["a.txt", "b.txt"]
    assert result.articles["title"].tolist() == ["Title a.txt", "Title b.txt"]
    with pytest.raises(IngestError, match="nothing.txt"):
        ingest(["nothing.txt"], progress=False)
    with pytest.raises(IngestError, match="matches no file"):
        ingest(["*.csv"], progress=False)


@pytest.mark.parametrize("bad", [DuplicateSettings(keep="some"), DuplicateSettings(near_threshold=2)])
def test_bad_duplicate_settings(tmp_path, bad):
    with pytest.raises(ConfigError, match="corpus.duplicates"):
        ingest([tmp_path], CorpusSettings(duplicates=bad), progress=False)


@pytest.mark.parametrize(
    "value, expected",
    [("2013-05-19", "2013-05-19"), ("2013-05-19T23:30:00-05:00", "2013-05-19"), ("May 19, 2013", "2013-05-19"),
     ("19 May 2013", "2013-05-19"), ("4/18/18", "2018-04-18"), ("Sun, 19 May 2013 10:00:00 GMT", "2013-05-19"),
     ("May 2013", None), ("2013", None), ("yesterday", None), ("2013-02-30", None), ("", None), (None, None),
     (date(2013, 5, 19), "2013-05-19"), (1368921600, "2013-05-19"), (1368921600000, "2013-05-19")],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_impossible_dates_nulled_and_counted(tmp_path):
    _write_jsonl(tmp_path / "d.jsonl", [{"text": f"Story {d} text.", "date": d}
                                        for d in ("0001-11-30", "2050-01-01", "2013-05-19", "not a date")])
    result = ingest([tmp_path], progress=False)
    assert result.articles["date"].tolist()[2] == "2013-05-19"
    assert result.articles["date"].isna().sum() == 3
    assert result.summary["dates"] == {"parsed": 1, "nulled": 2, "unparsed": 1, "missing": 0}


@pytest.mark.parametrize("value, expected", [("https://www.Rappler.com/nation/x", "rappler.com"),
                                             ("www1.cbn.com", "cbn.com"), ("politicalticker.blogs.cnn.com",
                                                                           "politicalticker.blogs.cnn.com"),
                                             ("not a url", None), ("", None), (None, None)])
def test_outlet_domain(value, expected):
    assert outlet_domain(value) == expected


def test_safe_id_is_filesystem_safe_and_injective():
    ids = ["abc", "a/b", "a_b", "a b", "../etc", "ü", ".hidden", "a" * 300]
    safe = [safe_id(i) for i in ids]
    assert safe[0] == "abc" and len(set(safe)) == len(ids)
    assert all(s and not s.startswith(".") and "/" not in s and len(s) < 120 for s in safe)


def _group_sets(result):
    arts = result.articles
    return {frozenset(g["article_id"]): g["duplicate_kind"].iloc[0]
            for _, g in arts[arts["duplicate_group"].notna()].groupby("duplicate_group")}


@pytest.mark.parametrize("keep", ["all", "weight", "one"])
def test_exact_and_near_duplicates(tmp_path, keep):
    base = _story(1, 200)
    edited = base.replace(" ", " really ", 1)  # one word added: Jaccard ~0.97
    records = [{"id": "a", "text": base}, {"id": "b", "text": edited}, {"id": "c", "text": base},
               {"id": "d", "text": _story(2, 200)}, {"id": "e", "text": _story(3, 200)},
               {"id": "f", "text": _story(3, 200)}]
    _write_jsonl(tmp_path / "dup.jsonl", records)
    result = ingest([tmp_path], CorpusSettings(duplicates=DuplicateSettings(keep=keep)), progress=False)
    summary = result.summary
    assert summary["duplicates"] == {"exact_groups": 1, "exact_articles": 2, "near_groups": 1, "near_articles": 3}
    assert summary["read"] == 6 == len(result.articles) + len(result.rejected)
    if keep == "one":
        assert sorted(result.articles["article_id"]) == ["a", "d", "e"]
        assert sorted(result.rejected["detail"].str.extract(r"of (\w) ")[0]) == ["a", "a", "e"]
        assert set(result.rejected["reason"]) == {"duplicate"}
    else:
        assert _group_sets(result) == {frozenset("abc"): "near", frozenset("ef"): "exact"}
        weights = result.articles.set_index("article_id")["weight"]
        expect = {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3, "d": 1.0, "e": 0.5, "f": 0.5} if keep == "weight" else \
            dict.fromkeys("abcdef", 1.0)
        assert weights.to_dict() == pytest.approx(expect)


def test_near_duplicates_match_brute_force_on_real_text(shared_data):
    raw = pd.read_json(shared_data / "allsides" / "articles-300.jsonl", lines=True, dtype=False)
    texts = list(raw["text"])
    # republish 15 stories with their last paragraph cut or a paragraph added
    for i in range(0, 150, 10):
        paras = texts[i].split("\n\n")
        texts.append("\n\n".join(paras[:-1]) if i % 20 else texts[i] + "\n\nAFP contributed.")
    threshold = 0.8
    found = set(near_duplicate_pairs(texts, threshold))
    sets = [np.unique(shingles(t)) for t in texts]  # brute force: all-pairs Jaccard via a sparse product
    _, cols = np.unique(np.concatenate(sets), return_inverse=True)
    rows = np.repeat(np.arange(len(sets)), [len(s) for s in sets])
    x = sparse.csr_matrix((np.ones(len(cols)), (rows, cols)))
    inter = (x @ x.T).toarray()
    sizes = np.diag(inter)
    jaccard = inter / (sizes[:, None] + sizes[None, :] - inter)
    truth = {(i, j) for i, j in zip(*np.nonzero(np.triu(jaccard >= threshold, k=1)))}
    assert len(truth) >= 10
    assert found == truth


def test_learned_boilerplate_per_outlet_not_from_republished_stories(tmp_path):
    records = []
    for i in range(20):
        records.append({"id": f"a{i}", "source_url": "a.com", "text": _story(10 + i) + "\n\nSubscribe to A Daily!"})
        records.append({"id": f"b{i}", "source_url": "b.com", "text": _story(40 + i)})
    # one story republished 8 times in outlet b (near duplicates): its lines are not boilerplate
    for k in range(8):
        records.append({"id": f"r{k}", "source_url": "b.com", "text": _story(99) + f"\n\nUpdate {'x' * k}."})
    _write_jsonl(tmp_path / "c.jsonl", records)
    result = ingest([tmp_path], progress=False)
    arts = result.articles.set_index("article_id")
    assert not arts["text"].str.contains("Subscribe to A Daily").any()
    assert (arts.loc[[f"a{i}" for i in range(20)], "n_boilerplate_lines"] == 1).all()
    assert arts.loc["r0", "text"].startswith(_story(99)[:50])
    assert result.summary["removed_lines"]["learned"] == 20
    assert result.boilerplate.values.tolist() == [["a.com", "learned", "Subscribe to A Daily!", 20]]
    assert set(arts.loc[[f"r{k}" for k in range(8)], "duplicate_kind"]) == {"near"}


def test_empty_folder_is_an_error_naming_it(tmp_path):
    (tmp_path / ".hidden.txt").write_text("Title\n\nBody.", encoding="utf-8")
    with pytest.raises(IngestError, match=rf"no input files in {tmp_path} \(1 hidden files skipped\): put articles"):
        ingest([tmp_path], progress=False)


def test_all_rejected_gives_empty_articles_with_the_contract_columns(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": ""}\n{"text": "  "}\n', encoding="utf-8")
    result = ingest([tmp_path], progress=False)
    assert list(result.articles.columns) == list(ARTICLE_COLUMNS) and result.articles.empty
    assert list(result.rejected.columns) == ["raw_ref", "reason", "detail"]
    assert result.rejected["reason"].tolist() == ["missing-text", "missing-text"]


def test_no_text_column_is_an_error_naming_the_columns_and_the_fix(tmp_path):
    with open(tmp_path / "a.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["headline", "body_text", "paper"], ["T", "Some text about Paris.", "Daily"]])
    with pytest.raises(IngestError, match=r"columns 'headline', 'body_text', 'paper'.*`fields: \{body_text: text\}`"):
        ingest([tmp_path], progress=False)
    ingested = ingest([tmp_path], CorpusSettings(fields={"body_text": "text", "paper": "outlet"}), progress=False)
    assert ingested.articles.loc[0, "outlet"] == "Daily"


def test_reject_reasons_vocabulary_is_documented():
    import newscope.ingest as module

    for reason in REJECT_REASONS:
        assert f"``{reason}``" in module.__doc__
