"""Entity-frequency analyses on hand-made tables, the example article and the shared corpus."""

from __future__ import annotations

import json
import math
from itertools import islice
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from newscope import entity_analysis as ea
from newscope.config import ConfigError
from newscope.entities import article_mentions
from newscope.figures import bar_chart
from newscope.resolve.entities import resolve_entities

LABELS = ["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"]

# Four articles: outlet A (a1, a2), outlet B (b1, b2); b2 is half-weighted and undated.
ARTICLES = pd.DataFrame({
    "article_id": ["a1", "a2", "b1", "b2"],
    "outlet": ["A", "A", "B", "B"],
    "outlet_domain": ["a.com", "a.com", "b.com", "b.com"],
    "date": ["2020-01-05", "2020-02-10", "2020-01-20", None],
    "text": ["one two three four", "one two", "one two three four five six", "one two three four"],
    "n_chars": [18, 7, 27, 18],
    "weight": [1.0, 1.0, 1.0, 0.5],
})
ENTITIES = pd.DataFrame({
    "entity_id": ["e1", "e2", "e3"], "name": ["Bashar al-Assad", "Hezbollah", "Qusayr"],
    "label": ["PERSON", "ORG", "GPE"], "aliases": [["Assad"], [], []],
    "n_mentions": [4, 3, 1], "n_articles": [3, 2, 1],
})


def mention(article: str, entity: str, sentence: int = 0) -> dict:
    return {"article_id": article, "entity_id": entity, "sentence": sentence}


MENTIONS = pd.DataFrame([
    mention("a1", "e1"), mention("a1", "e1", 1), mention("a1", "e2"),
    mention("a2", "e1"), mention("a2", "e3", 1),
    mention("b1", "e2"), mention("b1", "e2", 2),
    mention("b2", "e1"),
])


def test_frequency_counts_rates_and_weights():
    freq = ea.entity_frequency(ARTICLES, MENTIONS, ENTITIES).set_index("entity_id")
    # e1: articles a1, a2, b2 (weight 0.5) -> 2.5 of 3.5; mentions 2 + 1 + 0.5
    assert freq.loc["e1", "n_articles"] == 2.5 and freq.loc["e1", "n_mentions"] == 3.5
    assert freq.loc["e1", "per_1k_articles"] == pytest.approx(1000 * 2.5 / 3.5)
    tokens = 4 + 2 + 6 + 0.5 * 4
    assert freq.loc["e2", "per_100k_tokens"] == pytest.approx(1e5 * 3 / tokens)
    assert list(freq.index) == ["e1", "e2", "e3"]
    assert freq.loc["e3", "name"] == "Qusayr"


def test_an_outlet_whose_articles_name_no_top_entity_has_zero_shares():
    articles = pd.concat([ARTICLES, ARTICLES.iloc[[0]].assign(article_id="c1", outlet=None)], ignore_index=True)
    table = ea.by_outlet(articles, MENTIONS, ENTITIES, n_boot=10)
    unknown = table[table["outlet"] == "unknown"]
    assert len(unknown) == 3 and (unknown["share"] == 0).all() and (unknown["n_group"] == 1).all()


def test_filters_by_label_outlet_and_dates():
    arts, ments = ea.filter_corpus(ARTICLES, MENTIONS, ENTITIES, labels=["PERSON"])
    assert set(ments["entity_id"]) == {"e1"} and len(arts) == 4
    with pytest.raises(ConfigError, match=r"entity_frequency.outlets: no outlets 'b'.*Did you mean 'B'\?.*'A' \(\d+\)"):
        ea.filter_corpus(ARTICLES, MENTIONS, ENTITIES, outlets=["b"])
    with pytest.raises(ConfigError, match=r"entity_frequency.labels: no entity labels 'PERSONS'.*Did you mean 'PERSON'"):
        ea.filter_corpus(ARTICLES, MENTIONS, ENTITIES, labels=["PERSONS"])
    arts, ments = ea.filter_corpus(ARTICLES, MENTIONS, ENTITIES, outlets=["B"])
    assert set(arts["article_id"]) == {"b1", "b2"} and set(ments["article_id"]) == {"b1", "b2"}
    arts, _ = ea.filter_corpus(ARTICLES, MENTIONS, ENTITIES, start="2020-01-06", end="2020-02-10")
    assert set(arts["article_id"]) == {"a2", "b1"}  # inclusive; the undated b2 drops out
    with pytest.raises(ConfigError, match="entity_frequency.start"):
        ea.filter_corpus(ARTICLES, MENTIONS, ENTITIES, start="last spring")


def test_by_outlet_shares_intervals_and_matrix():
    table = ea.by_outlet(ARTICLES, MENTIONS, ENTITIES, n_boot=200)
    got = table.set_index(["outlet", "entity_id"])
    assert got.loc[("A", "e1"), "share"] == 1.0  # both A articles
    assert got.loc[("B", "e1"), "share"] == pytest.approx(0.5 / 1.5)  # only the half-weighted b2
    assert got.loc[("B", "e3"), "share"] == 0.0
    assert got.loc[("A", "e1"), ["ci_low", "ci_high"]].tolist() == [1.0, 1.0]
    assert (table["ci_low"] <= table["share"] + 1e-12).all() and (table["share"] <= table["ci_high"] + 1e-12).all()
    matrix = ea.outlet_matrix(table)
    assert matrix.shape == (3, 2) and matrix.loc["Hezbollah", "B"] == pytest.approx(1 / 1.5)


def test_over_time_periods_tracking_and_errors():
    table = ea.over_time(ARTICLES, MENTIONS, ENTITIES, period="M", track=["assad", "e3"], min_articles=1, n_boot=50)
    assert set(table["entity_id"]) == {"e1", "e3"}
    jan = table[(table["period"] == pd.Timestamp("2020-01-01")) & (table["entity_id"] == "e1")].iloc[0]
    assert (jan["n_group"], jan["share"]) == (2.0, 0.5)  # a1 and b1; b2 is undated
    assert table["enough"].all()
    small = ea.over_time(ARTICLES, MENTIONS, ENTITIES, period="M", n_boot=10)  # default: 20 articles a period
    assert len(small) and not small["enough"].any()
    gaps = ea.over_time(ARTICLES, MENTIONS, ENTITIES, period="W", track=["e1"], min_articles=1, n_boot=10)
    assert gaps["period"].is_monotonic_increasing and len(gaps) == 7  # every week from Dec 30 to Feb 10
    assert (gaps["n_group"] == 0).sum() == 4 and (gaps.loc[gaps["n_group"] == 0, "share"].isna()).all()
    with pytest.raises(ConfigError, match="entity_frequency.period"):
        ea.over_time(ARTICLES, MENTIONS, ENTITIES, period="fortnight")
    with pytest.raises(ConfigError, match="entity_frequency.track: no entity named 'Putin'"):
        ea.over_time(ARTICLES, MENTIONS, ENTITIES, track=["Putin"])


def test_distinctive_entities_log_odds():
    table = ea.distinctive_entities(ARTICLES, MENTIONS, ENTITIES, prior_scale=1e-9)
    got = table.set_index(["outlet", "entity_id"])
    # A: e1 3, e2 1, e3 1 (n=5); B: e2 2, e1 0.5 (n=2.5). A vanishing prior gives the plain log-odds ratio.
    expected = math.log(1 / 4) - math.log(2 / 0.5)
    assert got.loc[("A", "e2"), "log_odds"] == pytest.approx(expected, rel=1e-6)
    assert got.loc[("B", "e2"), "log_odds"] == pytest.approx(-expected, rel=1e-6)
    assert got.loc[("B", "e2"), "z"] > 0 > got.loc[("A", "e2"), "z"]
    # the informative prior shrinks the estimate towards zero
    shrunk = ea.distinctive_entities(ARTICLES, MENTIONS, ENTITIES).set_index(["outlet", "entity_id"])
    assert 0 < shrunk.loc[("B", "e2"), "log_odds"] < got.loc[("B", "e2"), "log_odds"]
    assert ea.distinctive_entities(ARTICLES[ARTICLES["outlet"] == "A"], MENTIONS, ENTITIES).empty


def test_cooccurrence_counts_and_pmi():
    pairs = ea.cooccurrence(MENTIONS, ENTITIES, ARTICLES.assign(weight=1.0), min_count=1)
    got = pairs.set_index(["entity_a", "entity_b"])
    # article level: e1 in a1, a2, b2; e2 in a1, b1; together in a1; 4 units
    e12 = got.loc[("e1", "e2")] if ("e1", "e2") in got.index else got.loc[("e2", "e1")]
    assert (e12["n_together"], e12["n_a"] * e12["n_b"]) == (1, 6)
    assert e12["pmi"] == pytest.approx(math.log2(1 * 4 / 6))
    assert e12["npmi"] == pytest.approx(math.log2(4 / 6) / -math.log2(1 / 4))
    assert e12["lmi"] == pytest.approx(1 * math.log2(4 / 6))
    for rank in ("lmi", "npmi", "n_together"):
        assert ea.cooccurrence(MENTIONS, ENTITIES, min_count=1, rank_by=rank)[rank].is_monotonic_decreasing
    with pytest.raises(ConfigError, match="rank_by"):
        ea.cooccurrence(MENTIONS, ENTITIES, rank_by="chi2")
    assert ea.cooccurrence(MENTIONS, ENTITIES, min_count=2).empty
    sentence = ea.cooccurrence(MENTIONS, ENTITIES, level="sentence", min_count=1)
    assert set(zip(sentence["entity_a"], sentence["entity_b"])) in ({("e1", "e2")}, {("e2", "e1")})
    with pytest.raises(ConfigError, match="level"):
        ea.cooccurrence(MENTIONS, ENTITIES, level="paragraph")


def test_plots_draw_one_bar_or_line_per_row():
    freq = ea.entity_frequency(ARTICLES, MENTIONS, ENTITIES)
    assert len(bar_chart(freq["name"], freq["n_articles"], xlabel="articles").axes[0].patches) == 3
    assert ea.plot_heatmap(ea.outlet_matrix(ea.by_outlet(ARTICLES, MENTIONS, ENTITIES, n_boot=10))).axes
    trend = ea.over_time(ARTICLES, MENTIONS, ENTITIES, min_articles=1, n_boot=10)
    panels = [ax for ax in ea.plot_over_time(trend).axes if ax.axison]
    assert [ax.get_title() for ax in panels] == ["Bashar al-Assad", "Hezbollah", "Qusayr"]  # one panel each
    dist = ea.distinctive_entities(ARTICLES, MENTIONS, ENTITIES, top_n=2)
    assert sum(len(ax.patches) for ax in ea.plot_distinctive(dist).axes) == len(dist)
    pairs = ea.cooccurrence(MENTIONS, ENTITIES, min_count=1)
    assert len(ea.plot_pairs(pairs).axes[0].patches) == len(pairs)


# --------------------------------------------------------------------------- real text


@pytest.fixture(scope="module")
def example_tables(nlp, example_text) -> dict[str, pd.DataFrame]:
    from newscope.ingest.clean import clean_article

    text = clean_article(example_text).text
    mentions, entities = resolve_entities(pd.DataFrame([{"article_id": "ex", **m.to_row()} for m in article_mentions(nlp(text), LABELS)]))
    articles = pd.DataFrame({"article_id": ["ex"], "outlet": ["Rappler"], "outlet_domain": ["rappler.com"],
                             "date": ["2013-05-19"], "title": ["Syrian forces storm rebel bastion of Qusayr"],
                             "text": [text], "n_chars": [len(text)], "weight": [1.0]})
    return {"articles": articles, "mentions": mentions, "entities": entities}


def test_one_article_corpus_is_degenerate_but_sound(example_tables):
    arts, ments, ents = example_tables["articles"], example_tables["mentions"], example_tables["entities"]
    freq = ea.entity_frequency(arts, ments, ents)
    assert (freq["share_articles"] == 1.0).all()
    qusayr = freq[freq["name"] == "Qusayr"].iloc[0]
    assert qusayr["n_mentions"] == (ments["text"] == "Qusayr").sum() > 10
    outlet = ea.by_outlet(arts, ments, ents, top_n=5, n_boot=20)
    assert (outlet["share"] == 1.0).all() and outlet["ci_low"].isna().all()  # one article: no interval
    assert not ea.over_time(arts, ments, ents)["enough"].any()  # one article: no period to draw
    assert ea.distinctive_entities(arts, ments, ents).empty
    assert ea.cooccurrence(ments, ents, arts).empty  # every pair shares only one article
    sentence = ea.cooccurrence(ments, ents, arts, level="sentence", min_count=2)
    in_sentence = ments.groupby("entity_id")["sentence"].agg(set)
    for pair in sentence.itertuples():
        assert pair.n_together == len(in_sentence[pair.entity_a] & in_sentence[pair.entity_b]) >= 2
    names = {frozenset(p) for p in zip(sentence["name_a"], sentence["name_b"])}
    assert frozenset({"Hezbollah", "Agence France-Presse"}) in names  # "... Hezbollah told AFP", twice


def test_notebook_runs_on_the_example_article(example_tables, tmp_path: Path):
    from newscope.reports import run_report
    from newscope.tables import write_table

    tables = tmp_path / "tables"
    for name, df in {**example_tables, "rejected": pd.DataFrame({"raw_ref": [], "reason": [], "detail": []}),
                     "attributions": pd.DataFrame({"article_id": pd.Series(dtype=str)})}.items():
        write_table(df, tables / f"{name}.parquet")
    figures = tmp_path / "figures"
    html = run_report("entity_frequency", parameters={"tables_dir": str(tables), "params": {"n_boot": 50}},
                      out_html=tmp_path / "ef.html", executed_dir=tmp_path / "run", figures_dir=figures)
    page = html.read_text(encoding="utf-8")
    assert "Fewer than two outlets with at least" in page and "Distinctive entities need at least two outlets" in page
    assert "Syrian Observatory for Human Rights" in page
    assert {p.stem for p in figures.glob("*.csv")} == {"entity-top"}


def test_shared_corpus_analyses(shared_data, nlp):
    with open(shared_data / "allsides" / "articles-300.jsonl", encoding="utf-8") as fh:
        records = [json.loads(line) for line in islice(fh, 0, 300, 12)]
    rows = []
    for rec, doc in zip(records, nlp.pipe(r["text"] for r in records)):
        rows += [{"article_id": rec["id"], **m.to_row()} for m in article_mentions(doc, LABELS)]
    mentions, entities = resolve_entities(pd.DataFrame(rows))
    articles = pd.DataFrame({"article_id": [r["id"] for r in records], "outlet": [r["source_url"] for r in records],
                             "date": [r["date"] for r in records], "text": [r["text"] for r in records]})
    freq = ea.entity_frequency(articles, mentions, entities)
    assert freq["n_articles"].max() <= len(articles) and freq["n_articles"].is_monotonic_decreasing
    assert freq["n_mentions"].sum() == len(mentions)
    table = ea.by_outlet(articles, mentions, entities, top_n=5, n_boot=100)
    assert ((table["ci_low"] <= table["share"] + 1e-12) & (table["share"] <= table["ci_high"] + 1e-12)).all()
    dist = ea.distinctive_entities(articles, mentions, entities, top_n=3)
    assert dist["outlet"].nunique() == articles["outlet"].nunique() and (dist.groupby("outlet")["z"].max() > 0).all()
    pairs = ea.cooccurrence(mentions, entities, articles)
    assert pairs["npmi"].between(-1, 1 + 1e-9).all() and (pairs["n_together"] >= 2).all()


def test_cooccurrence_leaves_related_pairs_out_unless_asked():
    ents = pd.DataFrame({"entity_id": ["syria", "syrian", "assad"], "name": ["Syria", "Syrian", "Bashar al-Assad"],
                         "label": ["GPE", "NORP", "PERSON"], "related": [["syrian"], ["syria"], []]})
    ments = pd.DataFrame([mention(a, e) for a in ("a1", "a2", "a3") for e in ("syria", "syrian", "assad")]
                         + [mention("a4", "syria")])
    default = ea.cooccurrence(ments, ents, min_count=2)
    assert {frozenset(p) for p in zip(default["name_a"], default["name_b"])} == {
        frozenset({"Syria", "Bashar al-Assad"}), frozenset({"Syrian", "Bashar al-Assad"})}
    kept = ea.cooccurrence(ments, ents, min_count=2, keep_related=True)
    assert frozenset({"Syria", "Syrian"}) in {frozenset(p) for p in zip(kept["name_a"], kept["name_b"])}


def test_top_pairs_are_exact_when_the_most_frequent_pair_is_related(monkeypatch):
    """Pairing the two most frequent entities first finds only their related pair: the top
    unrelated pair (x, y) is among the entities left out, so pairing must go on."""
    ents = pd.DataFrame({"entity_id": ["r1", "r2", "x", "y", *[f"z{i}" for i in range(8)]],
                         "name": ["R1", "R2", "X", "Y", *[f"Z{i}" for i in range(8)]], "label": "ORG",
                         "related": [["r2"], ["r1"], *[[] for _ in range(10)]]})
    ments = pd.DataFrame([mention(f"r{i}", e) for i in range(10) for e in ("r1", "r2")]
                         + [mention(f"x{i}", e) for i in range(2) for e in ("x", "y")]
                         + [mention(f"z{i}", f"z{i}") for i in range(8)])
    monkeypatch.setattr(ea, "_FIRST_PAIRED", 2)
    top = ea.cooccurrence(ments, ents, min_count=2, top_n=1)
    assert top[["name_a", "name_b", "n_together"]].values.tolist() == [["X", "Y", 2]]


def test_candidate_splits_list_likely_unmerged_pairs_with_counts():
    names = {"m": ("Mandela", "PERSON", 3), "nm": ("Nelson Mandela", "PERSON", 4),
             "bs": ("Bernie Sanders", "PERSON", 5), "bd": ("Bernard Sanders", "PERSON", 2),
             "pr": ("Paul Ryan", "PERSON", 6), "pdr": ("Paul D. Ryan", "PERSON", 2),
             "aca": ("ACA", "ORG", 3), "afc": ("Affordable Care Act", "LAW", 5),
             "sy": ("Syria", "GPE", 4), "syn": ("Syrian", "NORP", 4),
             "jb": ("Jeb Bush", "PERSON", 3), "gb": ("George Bush", "PERSON", 3), "x": ("Mandela", "PERSON", 1),
             "z": ("Zambian", "NORP", 3), "zw": ("Zambian Watchdog", "PERSON", 2)}  # a mislabelled outlet
    ents = pd.DataFrame({"entity_id": list(names), "name": [v[0] for v in names.values()],
                         "label": [v[1] for v in names.values()], "n_articles": [v[2] for v in names.values()],
                         "related": [[], [], [], [], [], [], [], [], ["syn"], ["sy"], [], [], [], [], []]})
    ments = pd.DataFrame([mention(a, e) for a, e in [("a1", "m"), ("a1", "nm"), ("a2", "m"), ("a2", "nm"),
                                                     ("a3", "bs"), ("a4", "bd"), ("a5", "aca"), ("a5", "afc")]])
    got = ea.candidate_splits(ments, ents, top_n=None)
    pairs = {(r.name_a, r.name_b): (r.reason, r.n_together) for r in got.itertuples()}
    assert pairs == {("Nelson Mandela", "Mandela"): ("part", 2), ("Bernie Sanders", "Bernard Sanders"): ("variant", 0),
                     ("Paul Ryan", "Paul D. Ryan"): ("variant", 0), ("Affordable Care Act", "ACA"): ("acronym", 1)}
    assert got.iloc[0]["name_b"] == "Mandela"  # most articles together first
    pd.testing.assert_frame_equal(ea.candidate_splits(duckdb.from_df(ments), ents, top_n=None), got)  # a query
    assert ea.candidate_splits(ments.iloc[:0], ents.iloc[:0]).empty


def test_cooccurrence_of_related_entities_only_is_an_empty_table():
    ents = pd.DataFrame({"entity_id": ["syria", "syrian"], "name": ["Syria", "Syrian"], "label": ["GPE", "NORP"],
                         "related": [["syrian"], ["syria"]]})
    ments = pd.DataFrame([mention(a, e) for a in ("a1", "a2") for e in ("syria", "syrian")])
    pairs = ea.cooccurrence(ments, ents, min_count=2)
    assert pairs.empty and "name_a" in pairs.columns


def test_duckdb_relations_over_parquet_give_the_same_tables(tmp_path: Path):
    from newscope.tables import scan_tables, write_table

    for name, df in (("articles", ARTICLES), ("mentions", MENTIONS), ("entities", ENTITIES)):
        write_table(df, tmp_path / f"{name}.parquet")
    tables = scan_tables(tmp_path, ("articles", "mentions"))
    frames = ea.filter_corpus(ARTICLES, MENTIONS, ENTITIES, outlets=["A", "B"])
    scanned = ea.filter_corpus(tables["articles"], tables["mentions"], ENTITIES, outlets=["A", "B"])
    assert not isinstance(scanned[1], pd.DataFrame)  # the mentions stay a query
    pd.testing.assert_frame_equal(scanned[0], frames[0])
    for analysis in (ea.entity_frequency, ea.distinctive_entities,
                     lambda a, m, e: ea.by_outlet(a, m, e, n_boot=50, min_articles=1),
                     lambda a, m, e: ea.over_time(a, m, e, min_articles=1, n_boot=50),
                     lambda a, m, e: ea.cooccurrence(m, e, a, min_count=1),
                     lambda a, m, e: ea.cooccurrence(m, e, a, level="sentence", min_count=1)):
        pd.testing.assert_frame_equal(analysis(*scanned, ENTITIES), analysis(*frames, ENTITIES))
        # the mentions read once into (article, entity) units serve every analysis alike
        units = ea.mention_units(scanned[1], ENTITIES, scanned[0])
        pd.testing.assert_frame_equal(analysis(scanned[0], units, ENTITIES), analysis(*frames, ENTITIES))
    assert ea.mention_counts(scanned[1]) == ea.mention_counts(units) == (len(MENTIONS), 3)
    pd.testing.assert_frame_equal(ea.candidate_splits(units, ENTITIES), ea.candidate_splits(MENTIONS, ENTITIES))



def test_cooccurrence_paired_in_slices_is_the_same(monkeypatch):
    whole = [ea.cooccurrence(MENTIONS, ENTITIES, ARTICLES, level=level, min_count=1) for level in ("article", "sentence")]
    monkeypatch.setattr(ea, "_JOINT_ROWS", 2)  # a few units at a time
    for level, expected in zip(("article", "sentence"), whole):
        assert len(expected)
        pd.testing.assert_frame_equal(ea.cooccurrence(MENTIONS, ENTITIES, ARTICLES, level=level, min_count=1), expected)
