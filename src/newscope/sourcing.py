"""Who gets to speak: the analyses behind the ``source_attribution`` notebook.

Every function takes the pipeline's tables (see docs/DESIGN.md) and returns a small DataFrame
(or a matplotlib figure drawn from one); the notebook only calls them. The tables are pandas
DataFrames or, for corpora larger than memory, DuckDB relations over their Parquet files
(``tables.scan_tables``): attributions are only ever queried with DuckDB, so a million
articles' attributions are never loaded. Start from :func:`prepare`, which joins each
attribution with its article's outlet, date and weight::

    tables = scan_tables("data/processed")
    atts = prepare(tables["articles"], tables["attributions"])
    per_outlet(tables["articles"], atts)
    shares(atts, "speaker_type", by="outlet")

Counts are weighted by ``articles.weight`` (1 for every article unless near duplicates
are down-weighted, ``corpus.duplicates.keep: weight``), so a wire story printed by five
outlets can count once. Groups of equal size are listed in the order of their first article.
"""

from __future__ import annotations

import logging

import duckdb
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from newscope.attribution.cues import cue_act, cue_class
from newscope.config import ConfigError
from newscope.figures import date_axis
from newscope.intervals import full_range, ratio_interval
from newscope.tables import WHITESPACE, Table, article_meta, as_kind_of, most_common, require_columns, to_frame

log = logging.getLogger(__name__)

ANONYMOUS = "anonymous"
QUOTE_COLUMNS = [  # what was said and by whom first: the columns a reader scans
    "speaker", "cue_text", "content_text", "kind", "speaker_type", "channel", "outlet", "date", "article_id",
]
_DUCKDB_UNITS = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}


def _named(column: str) -> str:
    """SQL: true where ``column`` holds a string with a character other than white space."""
    return f"COALESCE(regexp_matches({column}, '[^{WHITESPACE}]'), FALSE)"


def _value(column: str) -> str:
    """SQL: ``column`` as text, "unknown" when missing."""
    return f"COALESCE(CAST({column} AS VARCHAR), 'unknown')"


def _ordered(table: Table) -> tuple[Table, str, str]:
    """``table`` for a query (a DataFrame with its row positions), the SQL of its columns,
    and the SQL ordering that keeps a DataFrame's row order ("" for a relation)."""
    if isinstance(table, pd.DataFrame):
        return table.assign(_row=np.arange(len(table))), "a.* EXCLUDE (_row)", "a._row"
    return table, "a.*", ""


def _sum(atts: Table, expression: str) -> float:
    """The value of one SQL aggregate ``expression`` over ``atts`` (0.0 when empty)."""
    return float(duckdb.sql(f"SELECT {expression} FROM atts").fetchall()[0][0] or 0.0)


def prepare(articles: Table, attributions: Table) -> Table:
    """Attributions joined with their article's outlet, date, title and weight (a DataFrame,
    or a DuckDB relation when ``attributions`` is one).

    Adds ``outlet`` ("unknown" when missing), ``date`` (timestamp or NaT), ``title``,
    ``weight``, ``cue_class`` (see :func:`cue_class`) and ``anonymous`` (bool). Attributions
    whose article is not in ``articles`` are dropped with a warning.
    """
    require_columns(attributions, ["article_id", "kind", "cue_lemma", "speaker", "speaker_type", "channel"], "attributions")
    meta = article_meta(to_frame(articles, [c for c in ("article_id", "outlet", "date", "title", "weight")
                                            if c in articles.columns]))
    n_orphans, orphan = duckdb.sql("SELECT COUNT(*), MIN(article_id) FROM attributions "
                                   "WHERE article_id NOT IN (SELECT article_id FROM meta)").fetchall()[0]
    if n_orphans:
        log.warning("%d attribution(s) refer to articles not in the articles table (e.g. %s); they are left out",
                    n_orphans, orphan)
    pairs = duckdb.sql("SELECT DISTINCT cue_lemma, kind FROM attributions").df()
    pairs["cue_class"] = pairs["cue_lemma"].map(cue_class)
    has_act = "act" in attributions.columns  # tables annotated before the act column existed lack it
    pairs["act"] = [cue_act(lemma, kind) for lemma, kind in zip(pairs["cue_lemma"], pairs["kind"])]
    rows, columns, order = _ordered(attributions)
    rel = duckdb.sql(f"""
        SELECT {columns}, m.outlet, m.date, m.title, m.weight, p.cue_class{'' if has_act else ', p.act'},
               COALESCE(a.speaker_type = '{ANONYMOUS}', FALSE) AS anonymous
        FROM rows AS a JOIN meta AS m USING (article_id)
        JOIN pairs AS p ON a.cue_lemma IS NOT DISTINCT FROM p.cue_lemma AND a.kind IS NOT DISTINCT FROM p.kind
        {'ORDER BY ' + order if order else ''}""")
    return as_kind_of(rel, attributions)


def per_article(articles: Table, atts: Table) -> pd.DataFrame:
    """One row per article (articles without attributions included): ``article_id, outlet,
    date, title, weight, n_attributions, n_direct, n_anonymous``, most attributions first."""
    counts = duckdb.sql("""
        SELECT article_id, COUNT(*) AS n_attributions, COUNT(*) FILTER (WHERE kind = 'direct') AS n_direct,
               COUNT(*) FILTER (WHERE anonymous) AS n_anonymous
        FROM atts GROUP BY article_id""").df().set_index("article_id")
    meta = article_meta(to_frame(articles, [c for c in ("article_id", "outlet", "date", "title", "weight")
                                            if c in articles.columns]))
    out = meta.merge(counts, left_on="article_id", right_index=True, how="left")
    for col in ("n_attributions", "n_direct", "n_anonymous"):
        out[col] = out[col].fillna(0).astype(int)
    return out.sort_values(["n_attributions", "article_id"], ascending=[False, True], ignore_index=True)
def per_outlet(articles: Table, atts: Table) -> pd.DataFrame:
    """Per outlet: ``n_articles``, ``n_attributions`` (weighted), ``per_article`` (weighted
    mean), ``median_per_article`` (unweighted), ``share_without`` (articles with none)."""
    rows = per_article(articles, atts)
    rows["weighted"] = rows["n_attributions"] * rows["weight"]
    rows["none"] = rows["n_attributions"].eq(0).astype(float)
    grouped = rows.groupby("outlet")
    out = pd.DataFrame({
        "n_articles": grouped.size(),
        "n_attributions": grouped["weighted"].sum(),
        "per_article": grouped["weighted"].sum() / grouped["weight"].sum(),
        "median_per_article": grouped["n_attributions"].median(),
        "share_without": grouped["none"].mean(),
    })
    return out.sort_values(["n_attributions", "n_articles"], ascending=False).reset_index()


def shares(atts: Table, column: str, by: str | None = None, *, total: bool = False) -> pd.DataFrame:
    """Weighted share of each value of ``column`` (e.g. kind, speaker_type, cue_class).

    Without ``by`` one row ("all"); with ``by`` (e.g. "outlet") one row per group. Columns:
    the group, ``n`` (weighted attributions), then one share column per value (rows sum
    to 1). Missing values count as "unknown". With ``by`` and ``total``, a first row
    "(all)" gives the shares over all groups (when there is more than one group).
    """
    require_columns(atts, [column, "weight"] + ([by] if by else []), "attributions")
    name = by or "group"
    group = f"CAST({by} AS VARCHAR)" if by else "'all'"
    sums = duckdb.sql(f"""SELECT {group} AS "{name}", {_value(column)} AS "{column}", SUM(weight) AS weight
                          FROM atts GROUP BY ALL""").df()
    table = sums.set_index([name, column])["weight"].sort_index().unstack(fill_value=0.0)
    if table.empty:
        return pd.DataFrame(columns=[name, "n"])
    table = table[table.sum().sort_values(ascending=False).index]
    n = table.sum(axis=1)
    out = table.div(n, axis=0)
    out.insert(0, "n", n)
    out.columns.name = None
    out = out.sort_values("n", ascending=False).reset_index()
    if by and total and len(out) > 1:
        overall = shares(atts, column).rename(columns={"group": by}).assign(**{by: "(all)"})
        out = pd.concat([overall, out], ignore_index=True)[out.columns]
    return out


def _per_article(atts: Table, by: str, sums: dict[str, str]) -> list[tuple[object, pd.DataFrame]]:
    """Per ``by`` group (in the order of their first article), one row per article with the
    SQL aggregates ``sums`` (name -> expression)."""
    columns = ", ".join(f'{expression} AS "{name}"' for name, expression in sums.items())
    rows = duckdb.sql(f"""
        SELECT {by} AS grp, {columns}, MIN(MIN(article_id)) OVER (PARTITION BY {by}) AS first
        FROM atts GROUP BY {by}, article_id ORDER BY first, {by}, article_id""").df()
    return [(key, part.drop(columns=["grp", "first"])) for key, part in rows.groupby("grp", sort=False)]


def share_intervals(atts: Table, column: str, by: str, *, n_boot: int = 1000, ci: float = 0.95,
                    seed: int = 0) -> pd.DataFrame:
    """Each ``by`` group's weighted share of each value of ``column`` with its interval
    (:mod:`newscope.intervals`): ``by, column, n`` (the group's weighted attributions),
    ``n_articles, share, ci_low, ci_high``, groups by size, values by overall share."""
    require_columns(atts, ["article_id", column, "weight", by], "attributions")
    values = duckdb.sql(f"SELECT {_value(column)} AS v, SUM(weight) AS w FROM atts GROUP BY ALL").df()
    order = values.set_index("v")["w"].sort_index().sort_values(ascending=False).index
    cols = [by, column, "n", "n_articles", "share", "ci_low", "ci_high"]
    sums = {f"v{i}": f"SUM(weight) FILTER (WHERE {_value(column)} = {_literal(v)})" for i, v in enumerate(order)}
    rows = []
    for key, part in _per_article(atts, by, sums):
        counts = part.fillna(0.0).to_numpy()
        total = counts.sum(axis=1)
        low, high = ratio_interval(counts, total, n_boot=n_boot, ci=ci, seed=seed)
        rows.append(pd.DataFrame({by: key, column: order, "n": total.sum(), "n_articles": len(counts),
                                  "share": counts.sum(axis=0) / total.sum(), "ci_low": low, "ci_high": high}))
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.concat(rows, ignore_index=True)[cols]
    return out.sort_values("n", ascending=False, kind="stable", ignore_index=True)


def _literal(value: str) -> str:
    """``value`` as an SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def anonymous_rate(atts: Table, by: str = "outlet", *, n_boot: int = 1000, ci: float = 0.95,
                   seed: int = 0) -> pd.DataFrame:
    """Share of attributions with an anonymous speaker per ``by`` group: ``n`` (weighted
    attributions), ``n_articles, n_anonymous, rate, ci_low, ci_high`` (:mod:`newscope.intervals`)."""
    require_columns(atts, [by, "article_id", "anonymous", "weight"], "attributions")
    rows = []
    sums = {"weight": "SUM(weight)", "k": "SUM(CASE WHEN anonymous THEN weight ELSE 0.0 END)"}
    for key, per_article in _per_article(atts, by, sums):
        low, high = ratio_interval(per_article["k"].to_numpy(), per_article["weight"].to_numpy(),
                                   n_boot=n_boot, ci=ci, seed=seed)
        n, k = per_article["weight"].sum(), per_article["k"].sum()
        rows.append({by: key, "n": n, "n_articles": len(per_article), "n_anonymous": k, "rate": k / n,
                     "ci_low": float(low), "ci_high": float(high)})
    out = pd.DataFrame(rows, columns=[by, "n", "n_articles", "n_anonymous", "rate", "ci_low", "ci_high"])
    return out.sort_values("n", ascending=False, kind="stable", ignore_index=True)


def by_period(atts: Table, period: str = "M") -> duckdb.DuckDBPyRelation:
    """The attributions of dated articles with a ``period`` column (start of the pandas
    period ``period``: D, W, M, Q, Y); those of undated articles are left out (logged)."""
    if period not in _DUCKDB_UNITS:
        raise ConfigError(f"source_attribution.period: {period!r} is not a pandas period (use D, W, M, Q or Y)")
    undated = _sum(atts, "COUNT(*) FILTER (WHERE date IS NULL)")
    if undated:
        log.info("%d attribution(s) from undated articles are left out of the time series", undated)
    unit = _DUCKDB_UNITS[period]
    return duckdb.sql(f"SELECT *, date_trunc('{unit}', CAST(date AS TIMESTAMP)) AS period FROM atts "
                      "WHERE date IS NOT NULL")


def anonymous_over_time(atts: Table, period: str = "M", *, min_articles: int = 20, n_boot: int = 1000,
                        seed: int = 0) -> pd.DataFrame:
    """Anonymous-sourcing rate per period, every period from the first to the last dated
    attribution: ``period, n, n_articles, n_anonymous, rate, ci_low, ci_high`` and ``enough``
    (``n_articles >= min_articles``: smaller periods are too noisy to draw)."""
    dated = by_period(atts, period)
    rates = anonymous_rate(dated, by="period", n_boot=n_boot, seed=seed)
    rates["period"] = pd.to_datetime(rates["period"]).astype("datetime64[ns]")
    rates = rates.set_index("period")
    rates = rates.reindex(full_range(rates.index.to_series(), period)).rename_axis("period").reset_index()
    rates[["n", "n_articles", "n_anonymous"]] = rates[["n", "n_articles", "n_anonymous"]].fillna(0)
    rates["enough"] = rates["n_articles"] >= min_articles
    return rates


def top_speakers(atts: Table, n: int = 20, *, include_anonymous: bool = False) -> pd.DataFrame:
    """The ``n`` most attributed canonical speakers: ``speaker, speaker_type, speaker_entity_id,
    n_attributions`` (weighted), ``n_articles, n_outlets, share_direct``.

    Speakers are grouped by entity id when linked, else by canonical name. Only named
    speakers count: linked to an entity, or a person or author by name; attributions without
    a speaker and unnamed descriptions ("police", "the report") are left out, and so, unless
    ``include_anonymous``, are anonymous ones.
    """
    linked = "speaker_entity_id" in atts.columns
    entity = "speaker_entity_id" if linked else "CAST(NULL AS VARCHAR)"
    named = f"(speaker_type IN ('person', 'author'){' OR speaker_entity_id IS NOT NULL' if linked else ''})"
    keep = f"({named} OR anonymous)" if include_anonymous else f"({named} AND NOT anonymous)"
    duckdb.sql(f"""CREATE OR REPLACE TEMP TABLE top_speakers_rows AS
        SELECT COALESCE({entity}, 'name:' || speaker) AS key, {entity} AS speaker_entity_id, speaker, speaker_type,
               kind, weight, article_id, outlet
        FROM atts WHERE {_named('speaker')} AND COALESCE({keep}, FALSE)""")
    votes = {column: duckdb.sql(f"SELECT key, {column}, COUNT(*) AS n FROM top_speakers_rows "
                                f"GROUP BY ALL").df() for column in ("speaker", "speaker_type")}
    grouped = duckdb.sql("""
        SELECT key, MAX(speaker_entity_id) AS speaker_entity_id, SUM(weight) AS n_attributions,
               COUNT(DISTINCT article_id) AS n_articles, COUNT(DISTINCT outlet) AS n_outlets,
               SUM(CASE WHEN kind = 'direct' THEN weight ELSE 0.0 END) / SUM(weight) AS share_direct
        FROM top_speakers_rows GROUP BY key""").df().set_index("key").sort_index()
    duckdb.sql("DROP TABLE top_speakers_rows")
    out = pd.DataFrame({
        "speaker": most_common(votes["speaker"], "key", "speaker", weight="n"),
        "speaker_type": most_common(votes["speaker_type"], "key", "speaker_type", weight="n"),
        **grouped,
    }).reindex(grouped.index)
    out = out.sort_values(["n_attributions", "speaker"], ascending=[False, True]).head(n)
    return out.reset_index(drop=True)


def cue_verbs(atts: Table, n: int = 20) -> pd.DataFrame:
    """The ``n`` most used cue lemmas: ``cue_lemma, cue_class, n`` (weighted), ``share``."""
    total = _sum(atts, "SUM(weight)")
    counts = duckdb.sql("SELECT COALESCE(CAST(cue_lemma AS VARCHAR), '(none)') AS cue_lemma, SUM(weight) AS n "
                        "FROM atts GROUP BY ALL").df().sort_values("cue_lemma", ignore_index=True)
    counts["cue_class"] = counts["cue_lemma"].map(cue_class)
    counts["share"] = counts["n"] / total if total else 0.0
    counts = counts.sort_values(["n", "cue_lemma"], ascending=[False, True]).head(n)
    return counts[["cue_lemma", "cue_class", "n", "share"]].reset_index(drop=True)


def channels(atts: Table, n: int = 20) -> pd.DataFrame:
    """The ``n`` most named channels (who it was told to / where it appeared): ``channel,
    n`` (weighted), ``n_articles``, ``top_speaker``."""
    grouped = duckdb.sql(f"""SELECT channel, SUM(weight) AS n, COUNT(DISTINCT article_id) AS n_articles
        FROM atts WHERE {_named('channel')} GROUP BY channel""").df()
    if grouped.empty:
        return pd.DataFrame(columns=["channel", "n", "n_articles", "top_speaker"])
    votes = duckdb.sql(f"SELECT channel, speaker, COUNT(*) AS n FROM atts WHERE {_named('channel')} "
                       "GROUP BY ALL").df()
    out = grouped.set_index("channel").sort_index()
    out["top_speaker"] = most_common(votes, "channel", "speaker", weight="n")
    return out.sort_values(["n"], ascending=False).head(n).reset_index()


def channel_share(atts: Table) -> float:
    """Weighted share of attributions that name a channel (0.0 when there are none)."""
    total = _sum(atts, "SUM(weight)")
    named = _sum(atts, f"SUM(CASE WHEN {_named('channel')} THEN weight ELSE 0.0 END)")
    return float(named / total) if total else 0.0


def speech(atts: Table) -> Table:
    """The attributions whose cue ``act`` is speech (not stances)."""
    return as_kind_of(_select(atts, "act = 'speech'"), atts)


def people(atts: Table) -> Table:
    """The attributions to named people, none when the table predates ``speaker_gender``."""
    return as_kind_of(_select(atts, "speaker_type = 'person'" if "speaker_gender" in atts.columns else "FALSE"), atts)


def article_dates(atts: Table) -> pd.Series:
    """The date of each article with attributions (NaT when undated)."""
    return duckdb.sql("SELECT ANY_VALUE(date) AS date FROM atts GROUP BY article_id").df()["date"]


def check_spans(articles: Table, attributions: Table, n_articles: int = 1000) -> int:
    """Check the attributions of the first ``n_articles`` articles with attributions (by id):
    each article is in ``articles`` and each quoted span (source, cue, content) is the text at
    its offsets. Raises ValueError naming the first that is not; returns the attributions
    checked. Only those articles' texts are read."""
    ids = duckdb.sql(f"SELECT DISTINCT article_id FROM attributions ORDER BY article_id "
                     f"LIMIT {int(n_articles)}").df()
    sample = duckdb.sql("SELECT * FROM attributions WHERE article_id IN (SELECT article_id FROM ids)").df()
    texts = duckdb.sql("SELECT article_id, text FROM articles WHERE article_id IN (SELECT article_id FROM ids)").df()
    texts = dict(zip(texts["article_id"], texts["text"]))
    missing = sorted(set(ids["article_id"]) - set(texts))
    if missing:
        raise ValueError(f"attributions of article(s) not in the articles table, e.g. {missing[0]!r}")
    for role in ("source", "cue", "content"):
        spans = sample.dropna(subset=[f"{role}_start"])
        for article, start, end, text in zip(spans["article_id"], spans[f"{role}_start"], spans[f"{role}_end"],
                                             spans[f"{role}_text"]):
            if texts[article][int(start):int(end)] != text:
                raise ValueError(f"article {article!r}: the {role} {text!r} is not the text at {int(start)}-{int(end)}"
                                 " (tables written from another version of the articles?)")
    return len(sample)


def _select(atts: Table, where: str) -> duckdb.DuckDBPyRelation:
    """The rows of ``atts`` where the SQL condition ``where`` holds, in their order."""
    rows, columns, position = _ordered(atts)
    return duckdb.sql(f"SELECT {columns} FROM rows AS a WHERE {where} {'ORDER BY ' + position if position else ''}")


def quote_table(atts: Table, query: str | None = None) -> Table:
    """Quotes with article, outlet, date, speaker, kind, cue and content, in article order
    (a DataFrame, or a DuckDB relation when ``atts`` is one).

    ``query`` keeps rows whose speaker, content, outlet, channel or article id contains it
    (case-insensitive, plain text).
    """
    rows, _, position = _ordered(atts)
    ties = [position] if position else [f"a.{c}" for c in ("source_start", "cue_start") if c in atts.columns]
    order = [f"a.{c}" for c in ("article_id", "content_start") if c in atts.columns] + ties  # ties: table order
    hay = ("speaker", "content_text", "outlet", "channel", "article_id")
    where = " OR ".join(f"contains(upper(CAST(a.{c} AS VARCHAR)), {_literal(str(query).upper())})" for c in hay) \
        if query else "TRUE"
    columns = ", ".join("strftime(a.date, '%Y-%m-%d') AS date" if c == "date" else f"a.{c}" for c in QUOTE_COLUMNS)
    return as_kind_of(duckdb.sql(f"SELECT {columns} FROM rows AS a WHERE {where} ORDER BY {', '.join(order)}"), atts)


def choose_article(articles: Table, article_id: str | None = None) -> pd.Series:
    """The article ``article_id`` (default: the first row of ``articles``)."""
    rows, columns, position = _ordered(articles)
    where = f"a.article_id = {_literal(article_id)}" if article_id is not None else "TRUE"
    hit = duckdb.sql(f"SELECT {columns} FROM rows AS a WHERE {where} "
                     f"{'ORDER BY ' + position if position else ''} LIMIT 1").df()
    if not hit.empty:
        return hit.iloc[0]
    n, known = duckdb.sql("SELECT COUNT(*), LIST(article_id) FILTER (WHERE rank <= 3) FROM "
                          "(SELECT article_id, ROW_NUMBER() OVER () AS rank FROM articles)").fetchall()[0]
    if article_id is None or not n:
        raise ValueError("the articles table is empty: there is no article to show")
    raise ConfigError(
        f"source_attribution.article_id: no article {article_id!r} in the articles table "
        f"(it has {n}, e.g. {', '.join(map(repr, known))}); set it to one of them or to null"
    )


def plot_shares(table: pd.DataFrame, group: str, *, xlabel: str = "share of attributions") -> Figure:
    """Stacked horizontal bars of a :func:`shares` table, one bar per group."""
    categories = [c for c in table.columns if c not in (group, "n")]
    height = max(1.6, 0.22 * len(table) + 0.3 * (len(categories) + 2) // 3 + 0.9)
    fig, ax = plt.subplots(figsize=(3.5, height), layout="constrained")
    labels = table[group].astype(str)[::-1]
    left = np.zeros(len(table))
    for cat in categories:
        values = table[cat].to_numpy()[::-1]
        ax.barh(labels, values, left=left, label=cat)
        left += values
    ax.set_xlim(0, 1)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    fig.legend(loc="outside lower center", ncol=3)
    return fig


def plot_rate_over_time(table: pd.DataFrame) -> Figure:
    """The anonymous-sourcing rate per period with its interval band (from
    :func:`anonymous_over_time`); periods without enough articles are gaps."""
    fig, ax = plt.subplots(layout="constrained")
    shown = table[["rate", "ci_low", "ci_high"]].where(table["enough"])
    ax.fill_between(table["period"], shown["ci_low"], shown["ci_high"], alpha=0.25, linewidth=0)
    ax.plot(table["period"], shown["rate"], marker="o", markersize=3)
    top = shown["ci_high"].max()
    ax.set_ylim(0, max(0.05, float(top) * 1.1) if pd.notna(top) else 1)
    ax.set_ylabel("anonymous share")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.grid(axis="y")
    date_axis(ax)
    return fig


def plot_scores(scores: pd.DataFrame) -> Figure:
    """Grouped bars of F1 per role and match for each system (from ``evaluate.report_frame``)."""
    scores = scores.assign(label=scores["role"] + " " + scores["match"])
    systems = list(dict.fromkeys(scores["system"]))
    labels = list(dict.fromkeys(scores["label"]))
    fig, ax = plt.subplots(figsize=(3.5, 0.35 * len(labels) + 1.0), layout="constrained")
    height = 0.8 / len(systems)
    y = np.arange(len(labels))[::-1]
    for k, system in enumerate(systems):
        f1 = scores.loc[scores["system"].eq(system)].set_index("label")["f1"]
        ax.barh(y - k * height, f1.reindex(labels).to_numpy(), height=height, label=system)
    ax.set_yticks(y - height * (len(systems) - 1) / 2, labels)
    ax.set_xlim(0, 1)
    ax.set_xlabel("F1")
    fig.legend(loc="outside lower center", ncol=len(systems))
    return fig
