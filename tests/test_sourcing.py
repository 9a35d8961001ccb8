"""Source-attribution analyses on hand-made tables and on PolNeAR gold attributions."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from newscope import sourcing
from newscope.config import ConfigError
from newscope.evaluate import evaluate
from newscope.figures import bar_chart
from newscope.tables import read_jsonl

matplotlib.use("Agg")

TEXT = "Assad told Clarin newspaper: “We will not leave.” Officials agreed."
ARTICLES = pd.DataFrame({
    "article_id": ["a1", "a2", "a3", "a4"],
    "outlet": ["Daily", "Daily", "Herald", None],
    "outlet_domain": ["daily.com", "daily.com", "herald.org", None],
    "date": ["2020-01-15", "2020-02-03T10:00:00+02:00", "2020-02-20", None],
    "title": ["One", "Two", "Three", "Four"],
    "text": [TEXT] * 4,
    "weight": [1.0, 1.0, 0.5, 1.0],
})


def span(role: str, part: str) -> dict:
    """Start, end and text columns of one role, for a part of TEXT."""
    start = TEXT.index(part)
    return {f"{role}_start": start, f"{role}_end": start + len(part), f"{role}_text": part}


def row(article_id: str, kind: str, speaker: str | None, speaker_type: str, cue_lemma: str,
        channel: str | None = None, entity: str | None = None) -> dict:
    return {
        "article_id": article_id, **span("source", "Assad"), **span("cue", "told"),
        **span("content", "“We will not leave.”"), "kind": kind, "cue_lemma": cue_lemma,
        "speaker_entity_id": entity, "speaker": speaker, "speaker_type": speaker_type, "channel": channel,
    }


ATTRIBUTIONS = pd.DataFrame([
    row("a1", "direct", "Bashar al-Assad", "person", "say", "Clarin", "E1"),
    row("a1", "indirect", "Assad", "person", "tell", "Clarin", "E1"),
    row("a1", "indirect", "a source close to Hezbollah", "anonymous", "tell", "AFP"),
    row("a2", "direct", "Syrian National Council", "organization", "accuse", None, "E2"),
    row("a2", "according-to", "officials", "anonymous", "according to"),
    row("a3", "indirect", "Bashar al-Assad", "person", "claim", None, "E1"),
    row("a3", "direct", "state television", "media", "report", " "),
])


@pytest.fixture()
def atts() -> pd.DataFrame:
    return sourcing.prepare(ARTICLES, ATTRIBUTIONS)


def test_cue_classes():
    assert sourcing.cue_class("say") == "neutral"
    assert sourcing.cue_class("According  To") == "neutral"
    assert [sourcing.cue_class(v) for v in ("claim", "admit", "insist")] == ["loaded"] * 3
    assert sourcing.cue_class("warn") == "other"
    assert sourcing.cue_class(None) == "other"


def test_prepare_joins_outlet_date_weight_and_drops_orphans(atts, caplog):
    assert len(atts) == 7
    assert atts.loc[atts["article_id"].eq("a3"), "weight"].tolist() == [0.5, 0.5]
    assert atts["anonymous"].sum() == 2
    assert atts.loc[0, "date"] == pd.Timestamp("2020-01-15")
    # a timezone-aware date is converted to UTC
    assert atts.loc[atts["article_id"].eq("a2"), "date"].iloc[0] == pd.Timestamp("2020-02-03 08:00")
    orphan = pd.concat([ATTRIBUTIONS, pd.DataFrame([row("zz", "direct", "X", "person", "say")])])
    assert len(sourcing.prepare(ARTICLES, orphan)) == 7
    assert "zz" in caplog.text
    with pytest.raises(ValueError, match="attributions table lacks column"):
        sourcing.prepare(ARTICLES, ATTRIBUTIONS.drop(columns="speaker_type"))


def test_per_article_and_outlet(atts):
    arts = sourcing.per_article(ARTICLES, atts)
    assert arts["article_id"].tolist() == ["a1", "a2", "a3", "a4"]
    assert arts["n_attributions"].tolist() == [3, 2, 2, 0]
    assert arts.set_index("article_id").loc["a1", "n_anonymous"] == 1
    outlets = sourcing.per_outlet(ARTICLES, atts).set_index("outlet")
    assert outlets.loc["Daily", "n_articles"] == 2
    assert outlets.loc["Daily", "per_article"] == 2.5
    assert outlets.loc["Herald", "n_attributions"] == 1.0  # two attributions at weight 0.5
    assert outlets.loc["unknown", "share_without"] == 1.0


def test_shares_sum_to_one_and_are_weighted(atts):
    overall = sourcing.shares(atts, "speaker_type")
    assert overall["group"].tolist() == ["all"]
    assert overall["n"].iloc[0] == 6.0
    assert overall["person"].iloc[0] == pytest.approx(2.5 / 6)
    by_outlet = sourcing.shares(atts, "kind", by="outlet").set_index("outlet")
    assert by_outlet.drop(columns="n").sum(axis=1).tolist() == pytest.approx([1.0, 1.0])
    assert by_outlet.loc["Herald", "direct"] == 0.5
    empty = sourcing.shares(atts.iloc[:0], "kind", by="outlet")
    assert empty.empty
    with_total = sourcing.shares(atts, "kind", by="outlet", total=True)
    assert with_total["outlet"].tolist() == ["(all)", "Daily", "Herald"]
    assert with_total.loc[0, "n"] == 6.0 and with_total.loc[0, "direct"] == pytest.approx(2.5 / 6)
    one_outlet = atts.loc[atts["outlet"].eq("Daily")]
    assert sourcing.shares(one_outlet, "kind", by="outlet", total=True)["outlet"].tolist() == ["Daily"]


def test_anonymous_rate_by_outlet_and_over_time(atts):
    rate = sourcing.anonymous_rate(atts).set_index("outlet")
    assert rate.loc["Daily", "rate"] == pytest.approx(2 / 5)
    assert rate.loc["Herald", "rate"] == 0.0
    assert rate.loc["Daily", "n_articles"] == 2 and rate.loc["Daily", "ci_low"] <= 2 / 5 <= rate.loc["Daily", "ci_high"]
    assert pd.isna(rate.loc["Herald", "ci_low"])  # one article: no interval
    monthly = sourcing.anonymous_over_time(atts, "M", min_articles=2)
    assert monthly["period"].tolist() == [pd.Timestamp("2020-01-01"), pd.Timestamp("2020-02-01")]
    assert monthly["rate"].tolist() == pytest.approx([1 / 3, 1 / 3])  # Feb: 1 of 1 + 0.5 + 0.5
    assert monthly["enough"].tolist() == [False, True]  # January has one article with attributions
    weekly = sourcing.anonymous_over_time(atts, "W", min_articles=1)
    assert weekly["period"].is_monotonic_increasing and (weekly["n"] == 0).any()  # empty weeks are gaps
    with pytest.raises(ConfigError, match="source_attribution.period"):
        sourcing.anonymous_over_time(atts, "fortnight")


def test_prepare_gives_each_attribution_its_act(atts):
    assert set(atts["act"]) == {"speech"}  # say, tell, according to, ... (a table without the column)
    believes = sourcing.prepare(ARTICLES, ATTRIBUTIONS.assign(cue_lemma="believe", kind="indirect"))
    assert set(believes["act"]) == {"stance"}


def test_share_intervals_per_outlet(atts):
    table = sourcing.share_intervals(atts, "kind", "outlet", n_boot=200)
    assert (table.groupby("outlet")["share"].sum() - 1).abs().max() < 1e-9
    daily = table[table["outlet"] == "Daily"]
    assert (daily["ci_low"] <= daily["share"] + 1e-12).all() and (daily["share"] <= daily["ci_high"] + 1e-12).all()
    assert table["outlet"].iloc[0] == "Daily"  # the larger outlet first


def test_top_speakers_group_by_entity_and_skip_anonymous(atts):
    top = sourcing.top_speakers(atts, n=10)
    first = top.iloc[0]
    assert first["speaker_entity_id"] == "E1"
    assert first["n_attributions"] == 2.5 and first["n_articles"] == 2 and first["n_outlets"] == 2
    assert first["share_direct"] == pytest.approx(1 / 2.5)
    assert "officials" not in top["speaker"].tolist()
    assert "officials" in sourcing.top_speakers(atts, include_anonymous=True)["speaker"].tolist()
    assert len(sourcing.top_speakers(atts, n=1)) == 1


def test_top_speakers_are_named(atts):
    police = atts.iloc[[0]].assign(speaker="police", speaker_type="official", speaker_entity_id=None,
                                   anonymous=False)
    top = sourcing.top_speakers(pd.concat([atts, police, police], ignore_index=True), n=10)
    assert "police" not in top["speaker"].tolist()  # an unnamed description, not a named speaker


def test_cue_verbs_and_channels(atts):
    cues = sourcing.cue_verbs(atts).set_index("cue_lemma")
    assert cues.loc["tell", "n"] == 2 and cues.loc["tell", "cue_class"] == "neutral"
    assert cues.loc["claim", "cue_class"] == "loaded"
    assert cues["share"].sum() == pytest.approx(1.0)
    chans = sourcing.channels(atts)
    assert chans["channel"].tolist() == ["Clarin", "AFP"]
    assert chans.loc[0, "top_speaker"] in {"Bashar al-Assad", "Assad"}
    assert sourcing.channel_share(atts) == pytest.approx(3 / 6)
    assert sourcing.channels(atts.iloc[:0]).empty


def test_quote_table_search(atts):
    table = sourcing.quote_table(atts)
    assert len(table) == 7 and list(table.columns) == sourcing.QUOTE_COLUMNS
    assert sourcing.quote_table(atts, "HEZBOLLAH")["speaker"].tolist() == ["a source close to Hezbollah"]
    assert set(sourcing.quote_table(atts, "herald")["article_id"]) == {"a3"}
    assert sourcing.quote_table(atts, "(").empty  # plain text, not a regex


def test_check_spans_finds_offsets_off_the_text_and_missing_articles():
    assert sourcing.check_spans(ARTICLES, ATTRIBUTIONS) == 7
    assert sourcing.check_spans(ARTICLES, ATTRIBUTIONS, 1) == 3  # the attributions of a1
    shifted = ATTRIBUTIONS.assign(cue_start=ATTRIBUTIONS["cue_start"] + 1)
    with pytest.raises(ValueError, match="article 'a1': the cue 'told' is not the text"):
        sourcing.check_spans(ARTICLES, shifted)
    orphan = pd.concat([ATTRIBUTIONS, pd.DataFrame([row("a0", "direct", "X", "person", "say")])])
    with pytest.raises(ValueError, match="not in the articles table, e.g. 'a0'"):
        sourcing.check_spans(ARTICLES, orphan)


def test_choose_article():
    assert sourcing.choose_article(ARTICLES)["article_id"] == "a1"
    assert sourcing.choose_article(ARTICLES, "a3")["title"] == "Three"
    with pytest.raises(ConfigError, match="source_attribution.article_id: no article 'nope'"):
        sourcing.choose_article(ARTICLES, "nope")


def test_plots_draw_one_bar_per_row(atts):
    fig = sourcing.plot_shares(sourcing.shares(atts, "kind", by="outlet"), "outlet")
    assert len(fig.axes[0].patches) == 2 * 3  # two outlets x three kinds
    cues = sourcing.cue_verbs(atts)
    fig = bar_chart(cues["cue_lemma"], cues["n"], xlabel="n")
    assert len(fig.axes[0].patches) == 6  # six cue lemmas
    fig = sourcing.plot_rate_over_time(sourcing.anonymous_over_time(atts))
    assert len(fig.axes[0].lines[0].get_xdata()) == 2
    scores = pd.DataFrame({"system": ["newscope"] * 2 + ["textacy"] * 2, "role": ["content"] * 4,
                           "match": ["exact", "partial"] * 2, "f1": [0.5, 0.8, 0.1, 0.2]})
    fig = sourcing.plot_scores(scores)
    widths = sorted(round(p.get_width(), 3) for p in fig.axes[0].patches)
    assert widths == [0.1, 0.2, 0.5, 0.8]


@pytest.mark.shared
def test_polnear_gold_as_attribution_table(shared_data: Path, nlp):
    """PolNeAR dev gold spans as an attributions table: counts agree with the raw records."""
    records = []
    for record in read_jsonl(shared_data / "polnear" / "dev.jsonl.gz"):
        records.append(record)
        if len(records) == 12:
            break
    articles = pd.DataFrame({
        "article_id": [r["id"] for r in records],
        "outlet": [r["publisher"] for r in records],
        "date": [r["id"].split("_")[1] for r in records],
    })
    rows = []
    for r in records:
        for a in r["attributions"]:
            cue = a["cue"] or [None, None, None]
            content = a["content"] or [0, 0, ""]
            rows.append({
                "article_id": r["id"], "kind": "direct" if content[2][:1] in "“\"" else "indirect",
                "cue_text": cue[2], "speaker": a["source"][2] if a["source"] else None,
                "speaker_type": "unknown", "channel": None, "content_text": content[2],
                "content_start": content[0],
            })
    table = pd.DataFrame(rows)
    table["cue_lemma"] = [
        " ".join(t.lemma_.lower() for t in doc) if doc.text else None
        for doc in nlp.pipe(table["cue_text"].fillna(""))
    ]
    atts = sourcing.prepare(articles, table)
    outlets = sourcing.per_outlet(articles, atts).set_index("outlet")
    for publisher in articles["outlet"].unique():
        expected = sum(len(r["attributions"]) for r in records if r["publisher"] == publisher)
        assert outlets.loc[publisher, "n_attributions"] == expected
    cues = sourcing.cue_verbs(atts, n=5)
    assert cues.loc[0, "cue_lemma"] == "say" and cues.loc[0, "cue_class"] == "neutral"
    quotes = sourcing.quote_table(atts, "Clinton")
    assert len(quotes) > 0
    assert all("clinton" in (q.speaker or "").lower() + q.content_text.lower() + q.article_id for q in quotes.itertuples())
    monthly = sourcing.anonymous_over_time(atts, "M")
    assert monthly["n"].sum() == len(table)


def test_notebook_runs_on_small_tables_with_gold(tmp_path: Path, nlp):
    """The report notebook end to end: hand-made tables, every section, the evaluation too."""
    from newscope.reports import run_report
    from newscope.tables import write_table

    tables = tmp_path / "tables"
    mentions = pd.DataFrame({"article_id": ["a1"], "start": [0], "end": [5], "text": ["Assad"],
                             "label": ["PERSON"], "entity_id": ["E1"], "sentence": [0], "paragraph": [0]})
    for name, df in {"articles": ARTICLES, "rejected": pd.DataFrame({"raw_ref": [], "reason": [], "detail": []}),
                     "mentions": mentions, "entities": pd.DataFrame({"entity_id": ["E1"], "name": ["Assad"]}),
                     "attributions": ATTRIBUTIONS}.items():
        write_table(df, tables / f"{name}.parquet")
    text = ARTICLES.loc[0, "text"]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "g1", "text": text, "attributions": [{
        "source": [0, 5, "Assad"], "cue": [6, 10, "told"],
        "content": [text.index("“"), text.index("”") + 1, text[text.index("“"):text.index("”") + 1]],
    }]}) + "\n", encoding="utf-8")
    scores = tmp_path / "attribution_eval.json"
    scores.write_text(json.dumps(evaluate(gold, progress=False)), encoding="utf-8")
    figures = tmp_path / "figures"
    html = run_report("source_attribution", parameters={"tables_dir": str(tables), "params": {
                          "evaluation": str(scores), "article_id": "a2", "search": "hezbollah", "top_n": 5,
                          "min_articles": 1, "n_boot": 100}},
                      out_html=tmp_path / "sa.html", executed_dir=tmp_path / "run", figures_dir=figures)
    page = html.read_text(encoding="utf-8")
    assert "1 of 7 attributions match" in page
    assert "counting speech: what someone said, wrote or posted (0 stances" in page
    assert "a source close to Hezbollah" in page
    assert "textacy" in page and "content  partial" in page
    saved = {p.stem for p in figures.glob("*.csv")}
    assert {"attributions-per-outlet", "kind-share", "anonymous-by-outlet", "anonymous-over-time",
            "top-speakers", "cue-verbs", "attribution-evaluation"} <= saved


def test_duckdb_relations_over_parquet_give_the_same_tables(tmp_path: Path, atts):
    from newscope.tables import scan_tables, write_table

    write_table(ARTICLES, tmp_path / "articles.parquet")
    write_table(ATTRIBUTIONS, tmp_path / "attributions.parquet")
    tables = scan_tables(tmp_path, ("articles", "attributions"))
    scanned = sourcing.prepare(tables["articles"], tables["attributions"])
    assert not isinstance(scanned, pd.DataFrame)  # the attributions stay a query
    for analysis in (lambda a: sourcing.per_outlet(ARTICLES, a), lambda a: sourcing.shares(a, "kind", by="outlet"),
                     lambda a: sourcing.share_intervals(a, "speaker_type", "outlet", n_boot=50),
                     lambda a: sourcing.anonymous_rate(a, n_boot=50),
                     lambda a: sourcing.anonymous_over_time(a, "M", min_articles=1, n_boot=50),
                     sourcing.top_speakers, sourcing.cue_verbs, sourcing.channels,
                     lambda a: sourcing.quote_table(a, "hezbollah")):  # one row (all rows here share their spans)
        got = analysis(scanned)
        pd.testing.assert_frame_equal(got if isinstance(got, pd.DataFrame) else got.df(), analysis(atts),
                                      check_dtype=False)
    assert sourcing.channel_share(scanned) == sourcing.channel_share(atts)
    assert sourcing.choose_article(tables["articles"], "a3")["title"] == "Three"
