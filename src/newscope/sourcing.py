"""Who gets to speak: the analyses behind the ``source_attribution`` notebook.

Every function takes the pipeline's tables (see docs/DESIGN.md) and returns a small DataFrame
(or a matplotlib figure drawn from one); the notebook only calls them. Start from
:func:`prepare`, which joins each attribution with its article's outlet, date and weight::

    tables = load_tables("data/processed")
    atts = prepare(tables["articles"], tables["attributions"])
    per_outlet(tables["articles"], atts)
    shares(atts, "speaker_type", by="outlet")

Counts are weighted by ``articles.weight`` (1 for every article unless near duplicates
are down-weighted, ``corpus.duplicates.keep: weight``), so a wire story printed by five
outlets can count once.
"""

from __future__ import annotations

import logging

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from newscope.attribution.cues import cue_act, cue_class
from newscope.config import ConfigError
from newscope.figures import date_axis
from newscope.intervals import full_range, ratio_interval
from newscope.tables import article_meta, most_common, require_columns

log = logging.getLogger(__name__)

ANONYMOUS = "anonymous"
QUOTE_COLUMNS = [  # what was said and by whom first: the columns a reader scans
    "speaker", "cue_text", "content_text", "kind", "speaker_type", "channel", "outlet", "date", "article_id",
]


def _named(values: pd.Series) -> pd.Series:
    """True where ``values`` holds a non-blank string."""
    return values.notna() & values.astype("string").str.strip().ne("").fillna(False)


def prepare(articles: pd.DataFrame, attributions: pd.DataFrame) -> pd.DataFrame:
    """Attributions joined with their article's outlet, date, title and weight.

    Adds ``outlet`` ("unknown" when missing), ``date`` (timestamp or NaT), ``title``,
    ``weight``, ``cue_class`` (see :func:`cue_class`) and ``anonymous`` (bool). Attributions
    whose article is not in ``articles`` are dropped with a warning.
    """
    require_columns(attributions, ["article_id", "kind", "cue_lemma", "speaker", "speaker_type", "channel"], "attributions")
    frame = attributions.merge(article_meta(articles), on="article_id", how="left", validate="many_to_one", indicator=True)
    orphans = frame["_merge"] == "left_only"
    if orphans.any():
        log.warning(
            "%d attribution(s) refer to articles not in the articles table (e.g. %s); they are left out",
            int(orphans.sum()), frame.loc[orphans, "article_id"].iloc[0],
        )
    frame = frame.loc[~orphans].drop(columns="_merge").reset_index(drop=True)
    frame["cue_class"] = frame["cue_lemma"].map(cue_class)
    if "act" not in frame.columns:  # tables annotated before the act column existed
        frame["act"] = [cue_act(lemma, kind) for lemma, kind in zip(frame["cue_lemma"], frame["kind"])]
    frame["anonymous"] = frame["speaker_type"].eq(ANONYMOUS)
    return frame


def per_article(articles: pd.DataFrame, atts: pd.DataFrame) -> pd.DataFrame:
    """One row per article (articles without attributions included): ``article_id, outlet,
    date, title, weight, n_attributions, n_direct, n_anonymous``, most attributions first."""
    counts = atts.assign(direct=atts["kind"].eq("direct")).groupby("article_id").agg(
        n_attributions=("kind", "size"), n_direct=("direct", "sum"), n_anonymous=("anonymous", "sum"),
    )
    out = article_meta(articles).merge(counts, left_on="article_id", right_index=True, how="left")
    for col in ("n_attributions", "n_direct", "n_anonymous"):
        out[col] = out[col].fillna(0).astype(int)
    return out.sort_values(["n_attributions", "article_id"], ascending=[False, True], ignore_index=True)


def per_outlet(articles: pd.DataFrame, atts: pd.DataFrame) -> pd.DataFrame:
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


def shares(atts: pd.DataFrame, column: str, by: str | None = None, *, total: bool = False) -> pd.DataFrame:
    """Weighted share of each value of ``column`` (e.g. kind, speaker_type, cue_class).

    Without ``by`` one row ("all"); with ``by`` (e.g. "outlet") one row per group. Columns:
    the group, ``n`` (weighted attributions), then one share column per value (rows sum
    to 1). Missing values count as "unknown". With ``by`` and ``total``, a first row
    "(all)" gives the shares over all groups (when there is more than one group).
    """
    require_columns(atts, [column, "weight"] + ([by] if by else []), "attributions")
    values = atts[column].fillna("unknown").astype(str)
    group = atts[by].astype(str) if by else pd.Series("all", index=atts.index)
    name = by or "group"
    table = atts["weight"].groupby([group.rename(name), values.rename(column)]).sum().unstack(fill_value=0.0)
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


def share_intervals(atts: pd.DataFrame, column: str, by: str, *, n_boot: int = 1000, ci: float = 0.95,
                    seed: int = 0) -> pd.DataFrame:
    """Each ``by`` group's weighted share of each value of ``column`` with its interval
    (:mod:`newscope.intervals`): ``by, column, n`` (the group's weighted attributions),
    ``n_articles, share, ci_low, ci_high``, groups by size, values by overall share."""
    require_columns(atts, ["article_id", column, "weight", by], "attributions")
    values = atts[column].fillna("unknown").astype(str)
    order = atts["weight"].groupby(values).sum().sort_values(ascending=False).index
    cols = [by, column, "n", "n_articles", "share", "ci_low", "ci_high"]
    rows = []
    for key, part in atts.groupby(by, sort=False):
        counts = part["weight"].groupby([part["article_id"], values[part.index]]).sum().unstack(fill_value=0.0)
        counts = counts.reindex(columns=order, fill_value=0.0)
        total = counts.sum(axis=1).to_numpy()
        low, high = ratio_interval(counts.to_numpy(), total, n_boot=n_boot, ci=ci, seed=seed)
        rows.append(pd.DataFrame({by: key, column: order, "n": total.sum(), "n_articles": len(counts),
                                  "share": counts.sum().to_numpy() / total.sum(), "ci_low": low, "ci_high": high}))
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.concat(rows, ignore_index=True)[cols]
    return out.sort_values("n", ascending=False, kind="stable", ignore_index=True)


def anonymous_rate(atts: pd.DataFrame, by: str = "outlet", *, n_boot: int = 1000, ci: float = 0.95,
                   seed: int = 0) -> pd.DataFrame:
    """Share of attributions with an anonymous speaker per ``by`` group: ``n`` (weighted
    attributions), ``n_articles, n_anonymous, rate, ci_low, ci_high`` (:mod:`newscope.intervals`)."""
    require_columns(atts, [by, "article_id", "anonymous", "weight"], "attributions")
    frame = atts.assign(k=atts["weight"].where(atts["anonymous"], 0.0))
    rows = []
    for key, part in frame.groupby(by, sort=False):
        per_article = part.groupby("article_id")[["weight", "k"]].sum()
        low, high = ratio_interval(per_article["k"].to_numpy(), per_article["weight"].to_numpy(),
                                   n_boot=n_boot, ci=ci, seed=seed)
        n, k = per_article["weight"].sum(), per_article["k"].sum()
        rows.append({by: key, "n": n, "n_articles": len(per_article), "n_anonymous": k, "rate": k / n,
                     "ci_low": float(low), "ci_high": float(high)})
    out = pd.DataFrame(rows, columns=[by, "n", "n_articles", "n_anonymous", "rate", "ci_low", "ci_high"])
    return out.sort_values("n", ascending=False, kind="stable", ignore_index=True)


def by_period(atts: pd.DataFrame, period: str = "M") -> pd.DataFrame:
    """``atts`` with a ``period`` column (start of the pandas period ``period``: D, W, M, Q, Y);
    attributions of undated articles are left out (logged)."""
    try:
        pd.Period("2000-01-01", freq=period)
    except (ValueError, TypeError, AttributeError):
        raise ConfigError(
            f"source_attribution.period: {period!r} is not a pandas period (use D, W, M, Q or Y)"
        ) from None
    dated = atts.loc[atts["date"].notna()].copy()
    if len(dated) < len(atts):
        log.info("%d attribution(s) from undated articles are left out of the time series", len(atts) - len(dated))
    dated["period"] = dated["date"].dt.to_period(period).dt.start_time
    return dated


def anonymous_over_time(atts: pd.DataFrame, period: str = "M", *, min_articles: int = 20, n_boot: int = 1000,
                        seed: int = 0) -> pd.DataFrame:
    """Anonymous-sourcing rate per period, every period from the first to the last dated
    attribution: ``period, n, n_articles, n_anonymous, rate, ci_low, ci_high`` and ``enough``
    (``n_articles >= min_articles``: smaller periods are too noisy to draw)."""
    dated = by_period(atts, period)
    rates = anonymous_rate(dated, by="period", n_boot=n_boot, seed=seed).set_index("period")
    rates = rates.reindex(full_range(dated["period"], period)).rename_axis("period").reset_index()
    rates[["n", "n_articles", "n_anonymous"]] = rates[["n", "n_articles", "n_anonymous"]].fillna(0)
    rates["enough"] = rates["n_articles"] >= min_articles
    return rates


def top_speakers(atts: pd.DataFrame, n: int = 20, *, include_anonymous: bool = False) -> pd.DataFrame:
    """The ``n`` most attributed canonical speakers: ``speaker, speaker_type, speaker_entity_id,
    n_attributions`` (weighted), ``n_articles, n_outlets, share_direct``.

    Speakers are grouped by entity id when linked, else by canonical name. Only named
    speakers count: linked to an entity, or a person or author by name; attributions without
    a speaker and unnamed descriptions ("police", "the report") are left out, and so, unless
    ``include_anonymous``, are anonymous ones.
    """
    named = atts["speaker_type"].isin(["person", "author"])
    if "speaker_entity_id" in atts.columns:
        named |= atts["speaker_entity_id"].notna()
    keep = _named(atts["speaker"]) & (named | atts["anonymous"] if include_anonymous else named & ~atts["anonymous"])
    frame = atts.loc[keep].copy()
    if "speaker_entity_id" not in frame.columns:
        frame["speaker_entity_id"] = None
    frame["key"] = frame["speaker_entity_id"].where(frame["speaker_entity_id"].notna(), "name:" + frame["speaker"].astype(str))
    frame["direct_w"] = frame["weight"].where(frame["kind"].eq("direct"), 0.0)
    grouped = frame.groupby("key")
    out = pd.DataFrame({
        "speaker": most_common(frame, "key", "speaker"),
        "speaker_type": most_common(frame, "key", "speaker_type"),
        "speaker_entity_id": grouped["speaker_entity_id"].first(),
        "n_attributions": grouped["weight"].sum(),
        "n_articles": grouped["article_id"].nunique(),
        "n_outlets": grouped["outlet"].nunique(),
        "share_direct": grouped["direct_w"].sum() / grouped["weight"].sum(),
    })
    out = out.sort_values(["n_attributions", "speaker"], ascending=[False, True]).head(n)
    return out.reset_index(drop=True)


def cue_verbs(atts: pd.DataFrame, n: int = 20) -> pd.DataFrame:
    """The ``n`` most used cue lemmas: ``cue_lemma, cue_class, n`` (weighted), ``share``."""
    lemmas = atts["cue_lemma"].fillna("(none)").astype(str)
    total = atts["weight"].sum()
    counts = atts["weight"].groupby(lemmas.rename("cue_lemma")).sum().rename("n").reset_index()
    counts["cue_class"] = counts["cue_lemma"].map(cue_class)
    counts["share"] = counts["n"] / total if total else 0.0
    counts = counts.sort_values(["n", "cue_lemma"], ascending=[False, True]).head(n)
    return counts[["cue_lemma", "cue_class", "n", "share"]].reset_index(drop=True)


def channels(atts: pd.DataFrame, n: int = 20) -> pd.DataFrame:
    """The ``n`` most named channels (who it was told to / where it appeared): ``channel,
    n`` (weighted), ``n_articles``, ``top_speaker``."""
    frame = atts.loc[_named(atts["channel"])]
    if frame.empty:
        return pd.DataFrame(columns=["channel", "n", "n_articles", "top_speaker"])
    grouped = frame.groupby("channel")
    out = pd.DataFrame({
        "n": grouped["weight"].sum(),
        "n_articles": grouped["article_id"].nunique(),
        "top_speaker": most_common(frame, "channel", "speaker"),
    })
    return out.sort_values(["n"], ascending=False).head(n).reset_index()


def channel_share(atts: pd.DataFrame) -> float:
    """Weighted share of attributions that name a channel (0.0 when there are none)."""
    total = atts["weight"].sum()
    named = atts["weight"].where(_named(atts["channel"]), 0.0).sum()
    return float(named / total) if total else 0.0


def quote_table(atts: pd.DataFrame, query: str | None = None) -> pd.DataFrame:
    """Quotes with article, outlet, date, speaker, kind, cue and content, in article order.

    ``query`` keeps rows whose speaker, content, outlet, channel or article id contains it
    (case-insensitive, plain text).
    """
    out = atts.copy()
    sort = [c for c in ("article_id", "content_start") if c in out.columns]
    out = out.sort_values(sort, ignore_index=True)[QUOTE_COLUMNS]
    if query:
        hay = out[["speaker", "content_text", "outlet", "channel", "article_id"]].astype("string").fillna("")
        hit = np.logical_or.reduce([hay[c].str.contains(query, case=False, regex=False) for c in hay.columns])
        out = out.loc[hit].reset_index(drop=True)
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    return out


def choose_article(articles: pd.DataFrame, article_id: str | None = None) -> pd.Series:
    """The article ``article_id`` (default: the first row of ``articles``)."""
    if articles.empty:
        raise ValueError("the articles table is empty: there is no article to show")
    if article_id is None:
        return articles.iloc[0]
    hit = articles.loc[articles["article_id"].eq(article_id)]
    if hit.empty:
        known = ", ".join(map(repr, articles["article_id"].head(3)))
        raise ConfigError(
            f"source_attribution.article_id: no article {article_id!r} in the articles table "
            f"(it has {len(articles)}, e.g. {known}); set it to one of them or to null"
        )
    return hit.iloc[0]


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
