"""Who and what is in the news: the analyses behind the ``entity_frequency`` notebook.

Pure functions on the pipeline's ``articles``, ``mentions`` and ``entities`` tables
(docs/DESIGN.md), each a pandas DataFrame or, for corpora larger than memory, a DuckDB
relation over its Parquet file (``tables.scan_tables``): the mentions are only ever queried
with DuckDB, so a million articles' mentions are never loaded. Start by narrowing the corpus,
then ask::

    tables = scan_tables("data/processed")
    entities = tables["entities"].df()
    arts, ments = filter_corpus(tables["articles"], tables["mentions"], entities,
                                labels=["PERSON"], start="2016-01-01")
    units = mention_units(ments, entities, arts)  # one pass, reused by every analysis
    entity_frequency(arts, units, entities).head(20)

Counts are weighted by ``articles.weight`` (1 for every article unless near duplicates
are down-weighted, ``corpus.duplicates.keep: weight``). Token counts are approximate:
``articles.n_tokens``, the number of whitespace-separated words of ``articles.text``
(spaCy's count is ~15% higher, since it splits punctuation off).
"""

from __future__ import annotations

import logging
import textwrap
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from scipy import sparse

from newscope.config import ConfigError
from newscope.entities.names import ACRONYM, initials, name_words, nickname_of, normalize_name
from newscope.figures import bar_chart, date_axis
from newscope.intervals import full_range, ratio_interval
from newscope.tables import Table, article_meta, as_kind_of, check_known, count_tokens, require_columns, to_frame

log = logging.getLogger(__name__)

_FIRST_PAIRED = 2000  # co-occurrence: the most frequent entities paired first (see cooccurrence)
_JOINT_ROWS = 2_000_000  # co-occurrence: (unit, entity) rows paired at a time


def article_frame(articles: Table) -> pd.DataFrame:
    """:func:`~newscope.tables.article_meta` and ``n_tokens`` (approximate) per article:
    ``articles.n_tokens``, counted from ``text`` for tables written before that column."""
    require_columns(articles, ["article_id", "outlet", "date"], "articles")
    tokens = "n_tokens" if "n_tokens" in articles.columns else "text"
    require_columns(articles, [tokens], "articles")
    wanted = ["article_id", "outlet", "date", "title", "weight", tokens]
    frame = to_frame(articles, [c for c in wanted if c in articles.columns])
    counts = frame["n_tokens"] if tokens == "n_tokens" else count_tokens(frame["text"])
    return article_meta(frame).assign(n_tokens=counts.astype(int).to_numpy())


def filter_corpus(
    articles: Table,
    mentions: Table,
    entities: pd.DataFrame,
    *,
    labels: Sequence[str] | None = None,
    outlets: Sequence[str] | None = None,
    start: str | None = None,
    end: str | None = None,
) -> tuple[pd.DataFrame, Table]:
    """Articles of the given ``outlets`` dated within ``[start, end]`` (ISO dates, both
    inclusive; undated articles are left out when either is set), as an :func:`article_frame`,
    and their mentions of entities whose (majority) label is in ``labels`` (a DataFrame, or a
    DuckDB relation when ``mentions`` is one). ``None`` means no filter."""
    require_columns(mentions, ["article_id", "entity_id"], "mentions")
    require_columns(entities, ["entity_id", "label"], "entities")
    arts = article_frame(articles)
    keep = pd.Series(True, index=arts.index)
    if outlets:
        check_known("entity_frequency.outlets", outlets, arts["outlet"], "outlets", "articles")
        keep &= arts["outlet"].isin(outlets)
    for name, value, cmp in (("start", start, "ge"), ("end", end, "le")):
        if value:
            try:
                bound = pd.Timestamp(value)
            except ValueError:
                raise ConfigError(f"entity_frequency.{name}: {value!r} is not a date (use YYYY-MM-DD)") from None
            keep &= getattr(arts["date"], cmp)(bound)
    arts = arts[keep].reset_index(drop=True)
    kept = arts[["article_id"]]
    ments = duckdb.sql("SELECT * FROM mentions WHERE article_id IN (SELECT article_id FROM kept)")
    if labels:
        check_known("entity_frequency.labels", labels, entities["label"], "entity labels", "entities")
        wanted = entities.loc[entities["label"].isin(labels), ["entity_id"]]
        ments = duckdb.sql("SELECT * FROM ments WHERE entity_id IN (SELECT entity_id FROM wanted)")
    log.info("filter_corpus: %d articles", len(arts))
    return arts, as_kind_of(ments, mentions)


@dataclass
class MentionUnits:
    """The mentions as one row per article and entity, integer-coded: ``units`` (a DuckDB
    table of ``a``, the article's code, ``e``, the entity's, ``n`` mentions and ``s`` the
    first one's offset), the codes' ``article_ids`` and ``entity_ids`` (sorted, so codes
    order like ids) and the ``mentions`` themselves (for sentence-level co-occurrence).
    Built once by :func:`mention_units`; every analysis takes it in place of the mentions."""

    units: duckdb.DuckDBPyRelation
    article_ids: pd.Index
    entity_ids: pd.Index
    mentions: Table


def mention_units(mentions: Table | MentionUnits, entities: pd.DataFrame,
                  articles: Table | None = None) -> MentionUnits:
    """:class:`MentionUnits` of ``mentions`` (one pass over them; returned as is when they are
    units already). Articles are coded from ``articles`` (mentions of other articles left out),
    else from the mentions; entities from ``entities``."""
    if isinstance(mentions, MentionUnits):
        return mentions
    require_columns(mentions, ["article_id", "entity_id"], "mentions")
    if articles is not None:
        ids = _frame(articles)["article_id"].to_numpy()
    else:
        ids = duckdb.sql("SELECT DISTINCT article_id FROM mentions").fetchnumpy()["article_id"]
    article_ids = pd.Index(np.sort(np.asarray(ids, dtype=object)))
    entity_ids = pd.Index(np.sort(entities["entity_id"].dropna().unique().astype(object)))
    acodes = pd.DataFrame({"article_id": article_ids, "a": np.arange(len(article_ids), dtype=np.int32)})
    ecodes = pd.DataFrame({"entity_id": entity_ids, "e": np.arange(len(entity_ids), dtype=np.int32)})
    name = f"mention_units_{uuid.uuid4().hex}"
    duckdb.sql(f"""CREATE TEMP TABLE {name} AS
        SELECT c.a, d.e, CAST(COUNT(*) AS INTEGER) AS n, CAST(MIN({_start(mentions)}) AS INTEGER) AS s
        FROM mentions JOIN acodes AS c USING (article_id) JOIN ecodes AS d USING (entity_id)
        GROUP BY c.a, d.e""")
    return MentionUnits(duckdb.table(name), article_ids, entity_ids, mentions)


def mention_counts(mentions: Table | MentionUnits) -> tuple[int, int]:
    """The number of mentions and of distinct entities they name."""
    if isinstance(mentions, MentionUnits):
        units = mentions.units
        n, n_entities = duckdb.sql("SELECT SUM(n), COUNT(DISTINCT e) FROM units").fetchall()[0]
    else:
        n, n_entities = duckdb.sql("SELECT COUNT(*), COUNT(DISTINCT entity_id) FROM mentions").fetchall()[0]
    return int(n or 0), int(n_entities)


def _frame(articles: Table) -> pd.DataFrame:
    if isinstance(articles, pd.DataFrame) and {"n_tokens", "weight"} <= set(articles.columns):
        return articles
    return article_frame(articles)


def _start(mentions: Table) -> str:
    """SQL for a mention's offset in its article (NULL in tables without one). Groups are
    ordered by their first mention (first article, then offset), the order pandas'
    ``groupby(sort=False)`` gave them over the table, which is sorted that way."""
    return "start" if "start" in mentions.columns else "CAST(NULL AS BIGINT)"


def _weights(arts: pd.DataFrame, units: MentionUnits) -> pd.DataFrame:
    """``a`` (article code), ``outlet`` and ``weight`` of the articles of ``arts`` with a code."""
    a = units.article_ids.get_indexer(arts["article_id"])
    return pd.DataFrame({"a": a, "outlet": arts["outlet"].to_numpy(), "weight": arts["weight"].to_numpy()})[a >= 0]


def _counts(arts: pd.DataFrame, units: MentionUnits, by: str) -> pd.DataFrame:
    """Per ``by`` (``entity_id``, or ``outlet, entity_id``): ``n_mentions`` (weighted mentions)
    and ``n_articles`` (weighted articles mentioning the entity), summed by DuckDB, in the
    order of their first mention."""
    weights, rel = _weights(arts, units), units.units
    keys = by.replace("entity_id", "e")
    out = duckdb.sql(f"""
        SELECT {keys}, SUM(p.n * a.weight) AS n_mentions, SUM(a.weight) AS n_articles
        FROM rel AS p JOIN weights AS a USING (a)
        GROUP BY {keys} ORDER BY MIN(p.a), arg_min(p.s, p.a), {keys}""").df()
    out.insert(out.columns.get_loc("e"), "entity_id", units.entity_ids[out.pop("e").to_numpy()])
    return out


def _hits(arts: pd.DataFrame, units: MentionUnits, entity_ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The (row of ``arts``, position in ``entity_ids``) pairs of articles mentioning the entities."""
    a = units.article_ids.get_indexer(arts["article_id"])
    e = units.entity_ids.get_indexer(pd.Index(entity_ids, dtype=object))
    row, col = np.full(len(units.article_ids), -1), np.full(len(units.entity_ids), -1)
    row[a[a >= 0]], col[e[e >= 0]] = np.flatnonzero(a >= 0), np.flatnonzero(e >= 0)
    codes, rel = pd.DataFrame({"e": e[e >= 0].astype(np.int32)}), units.units
    x = duckdb.sql("SELECT a, e FROM rel WHERE e IN (SELECT e FROM codes)").fetchnumpy()
    hit = row[x["a"]] >= 0
    return row[x["a"]][hit], col[x["e"]][hit]


def entity_frequency(
    articles: Table, mentions: Table | MentionUnits, entities: pd.DataFrame, *, top_n: int | None = None
) -> pd.DataFrame:
    """How often each entity is in the news: ``entity_id, name, label, n_mentions,
    n_articles, share_articles, per_1k_articles, per_100k_tokens`` (weighted), most
    articles first. Rates are per 1,000 articles and per 100,000 (approximate) tokens
    of ``articles`` (see the module docstring)."""
    arts = _frame(articles)
    freq = _counts(arts, mention_units(mentions, entities, arts), "entity_id")
    total_w = arts["weight"].sum()
    total_tokens = (arts["n_tokens"] * arts["weight"]).sum()
    freq["share_articles"] = freq["n_articles"] / total_w if total_w else np.nan
    freq["per_1k_articles"] = 1000 * freq["share_articles"]
    freq["per_100k_tokens"] = 1e5 * freq["n_mentions"] / total_tokens if total_tokens else np.nan
    freq = freq.merge(entities[["entity_id", "name", "label"]], on="entity_id", how="left")
    cols = ["entity_id", "name", "label", "n_mentions", "n_articles", "share_articles", "per_1k_articles",
            "per_100k_tokens"]
    freq = freq[cols].sort_values(["n_articles", "n_mentions", "entity_id"], ascending=[False, False, True],
                                  ignore_index=True)
    return freq.head(top_n) if top_n else freq


def resolve_tracked(entities: pd.DataFrame, track: Sequence[str]) -> list[str]:
    """Entity ids for ``track``: each an entity id, a canonical name or an alias
    (case-insensitive). Unknown names raise a ConfigError naming the parameter."""
    by_id = set(entities["entity_id"])
    lookup: dict[str, str] = {}
    ranked = entities.sort_values("n_mentions", ascending=False) if "n_mentions" in entities else entities
    for eid, name, aliases in zip(ranked["entity_id"], ranked["name"], ranked["aliases"]):
        for n in [name, *(list(aliases) if aliases is not None else [])]:
            lookup.setdefault(str(n).casefold(), eid)
    out, missing = [], []
    for item in track:
        eid = item if item in by_id else lookup.get(str(item).casefold())
        (out if eid else missing).append(eid or item)
    if missing:
        raise ConfigError(
            f"entity_frequency.track: no entity named {', '.join(map(repr, missing))}; use a name, "
            f"alias or entity_id from the entities table (e.g. {', '.join(map(repr, entities['name'].head(3)))})"
        )
    return list(dict.fromkeys(out))


def _group_shares(
    arts: pd.DataFrame, units: MentionUnits, entity_ids: list[str], group: str, *,
    n_boot: int, ci: float, seed: int,
) -> pd.DataFrame:
    """Share of each group's articles mentioning each entity, with bootstrap intervals."""
    arts = arts.reset_index(drop=True)
    hit = np.zeros((len(arts), len(entity_ids)), dtype=bool)
    hit[_hits(arts, units, entity_ids)] = True
    weight = arts["weight"].to_numpy()
    rows = []
    for key, idx in arts.groupby(group, sort=True).indices.items():
        x, w = hit[idx].astype(float), weight[idx]
        share = (w @ x) / w.sum()
        lo, hi = ratio_interval(x * w[:, None], w, n_boot=n_boot, ci=ci, seed=seed)
        rows.append(pd.DataFrame({group: key, "entity_id": pd.Series(entity_ids, dtype=object), "n_group": w.sum(),
                                  "n_articles": w @ x, "share": share, "ci_low": lo, "ci_high": hi}))
    cols = [group, "entity_id", "n_group", "n_articles", "share", "ci_low", "ci_high"]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)


def by_outlet(
    articles: Table, mentions: Table | MentionUnits, entities: pd.DataFrame, *, top_n: int = 20,
    n_outlets: int = 12, min_articles: float = 1, n_boot: int = 1000, ci: float = 0.95, seed: int = 0,
) -> pd.DataFrame:
    """Share of each outlet's articles that mention each of the ``top_n`` entities (of the
    ``n_outlets`` outlets with most articles, among those with at least ``min_articles``):
    ``outlet, entity_id, name, n_group`` (the outlet's articles), ``n_articles, share,
    ci_low, ci_high`` (bootstrap, ``ci`` level)."""
    arts = _frame(articles)
    mentions = mention_units(mentions, entities, arts)
    top = entity_frequency(arts, mentions, entities, top_n=top_n)["entity_id"].tolist()
    sizes = arts.groupby("outlet")["weight"].sum().sort_values(ascending=False)
    outlets = sizes[sizes >= min_articles].head(n_outlets).index
    table = _group_shares(arts[arts["outlet"].isin(outlets)], mentions, top, "outlet",
                          n_boot=n_boot, ci=ci, seed=seed)
    return table.merge(entities[["entity_id", "name"]], on="entity_id", how="left")


def outlet_matrix(table: pd.DataFrame, value: str = "share") -> pd.DataFrame:
    """:func:`by_outlet` as an entity-name x outlet matrix of ``value`` (rows in
    overall order, outlets by size), ready for a heatmap."""
    if table.empty:
        return pd.DataFrame()
    names = list(dict.fromkeys(table["name"]))
    outlets = table.drop_duplicates("outlet").sort_values("n_group", ascending=False)["outlet"]
    return table.pivot(index="name", columns="outlet", values=value).reindex(index=names, columns=outlets)


def over_time(
    articles: Table, mentions: Table | MentionUnits, entities: pd.DataFrame, *, period: str = "M",
    track: Sequence[str] = (), top_n: int = 5, min_articles: float = 20, n_boot: int = 1000, ci: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Share of each period's articles mentioning the tracked entities (``track``: names,
    aliases or ids; empty = the ``top_n`` most frequent), for every period from the first
    dated article to the last: ``period`` (start timestamp), ``entity_id, name, n_group``
    (weighted articles in the period), ``n_articles, share, ci_low, ci_high`` and ``enough``
    (``n_group >= min_articles``; shares of smaller periods are too noisy to draw). Undated
    articles are left out; ``period`` is a pandas period alias (D, W, M, Q, Y; see
    :func:`newscope.intervals.choose_period` for ``auto``)."""
    try:
        pd.Period("2000-01-01", freq=period)
    except (ValueError, TypeError, AttributeError):
        raise ConfigError(f"entity_frequency.period: {period!r} is not a pandas period (use D, W, M, Q or Y)") from None
    arts = _frame(articles)
    mentions = mention_units(mentions, entities, arts)
    dated = arts[arts["date"].notna()].copy()
    if len(dated) < len(arts):
        log.info("over_time: %d undated article(s) left out", len(arts) - len(dated))
    ids = resolve_tracked(entities, track) if track else \
        entity_frequency(dated, mentions, entities, top_n=top_n)["entity_id"].tolist()
    dated["period"] = dated["date"].dt.to_period(period).dt.start_time
    table = _group_shares(dated, mentions, ids, "period", n_boot=n_boot, ci=ci, seed=seed)
    grid = pd.MultiIndex.from_product([full_range(dated["period"], period), ids], names=["period", "entity_id"])
    table = table.set_index(["period", "entity_id"]).reindex(grid).reset_index()
    table[["n_group", "n_articles"]] = table[["n_group", "n_articles"]].fillna(0.0)
    table["enough"] = table["n_group"] >= min_articles
    return table.merge(entities[["entity_id", "name"]], on="entity_id", how="left")


def distinctive_entities(
    articles: Table, mentions: Table | MentionUnits, entities: pd.DataFrame, *, unit: str = "mentions",
    prior_scale: float | None = None, top_n: int = 10, n_outlets: int = 12,
) -> pd.DataFrame:
    """Entities distinctive of each outlet against all other outlets: weighted log-odds
    ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, eq. 16-22).

    Counts are weighted ``mentions`` or ``articles`` mentioning the entity (``unit``). The
    prior is the corpus distribution: ``alpha_w = a0 * pi_w`` with ``a0 = prior_scale``
    (default: the corpus total, i.e. the corpus counts themselves). Returns per outlet its
    ``top_n`` entities by ``z`` (positive = over-represented): ``outlet, entity_id, name,
    count, count_rest, log_odds, z``.
    """
    if unit not in ("mentions", "articles"):
        raise ConfigError(f"distinctive_entities: unit must be 'mentions' or 'articles', got {unit!r}")
    arts = _frame(articles)
    counts = _counts(arts, mention_units(mentions, entities, arts), "outlet, entity_id").rename(columns={f"n_{unit}": "y"})[["outlet", "entity_id", "y"]]
    cols = ["outlet", "entity_id", "name", "count", "count_rest", "log_odds", "z"]
    if counts["outlet"].nunique() < 2:
        return pd.DataFrame(columns=cols)
    y_w = counts.groupby("entity_id")["y"].sum()
    n_i = counts.groupby("outlet")["y"].sum()
    total = y_w.sum()
    a0 = prior_scale if prior_scale is not None else total
    alpha = a0 * y_w / total
    yi, ni, aw = counts["y"], counts["outlet"].map(n_i), counts["entity_id"].map(alpha)
    yj, nj = counts["entity_id"].map(y_w) - yi, total - ni
    delta = np.log((yi + aw) / (ni + a0 - yi - aw)) - np.log((yj + aw) / (nj + a0 - yj - aw))
    z = delta / np.sqrt(1 / (yi + aw) + 1 / (yj + aw))
    out = counts.assign(count=yi, count_rest=yj, log_odds=delta, z=z)
    outlets = arts.groupby("outlet")["weight"].sum().sort_values(ascending=False).head(n_outlets).index
    out = out[out["outlet"].isin(outlets)].sort_values(["outlet", "z"], ascending=[True, False])
    out = out.groupby("outlet", sort=False).head(top_n)
    return out.merge(entities[["entity_id", "name"]], on="entity_id", how="left")[cols].reset_index(drop=True)


def cooccurrence(
    mentions: Table | MentionUnits, entities: pd.DataFrame, articles: Table | None = None, *,
    level: str = "article", min_count: int = 2, top_n: int | None = None, rank_by: str = "lmi",
    keep_related: bool = False,
) -> pd.DataFrame:
    """Entity pairs mentioned in the same article (or ``level="sentence"``) in at least
    ``min_count`` (weighted) units: ``entity_a, name_a, entity_b, name_b, n_together, n_a,
    n_b, pmi, npmi, lmi``, ranked by ``rank_by``. ``pmi`` is log2 of how much more often
    the pair meets than if independent; ``npmi`` (Bouma 2009) scales it to [-1, 1] (1 =
    always together) but ranks rare pairs first; ``lmi = n_together * pmi`` (local mutual
    information, Evert 2005) balances association and frequency. Units are the articles or
    sentences with at least one mention; ``articles`` supplies their weights (default 1).
    Pairs of related entities (``entities.related``: "Syria" and "Syrian", a party and its
    members) meet trivially and are left out unless ``keep_related``."""
    if level not in ("article", "sentence"):
        raise ConfigError(f"cooccurrence: level must be 'article' or 'sentence', got {level!r}")
    cols = ["entity_a", "name_a", "entity_b", "name_b", "n_together", "n_a", "n_b", "pmi", "npmi", "lmi"]
    if rank_by not in cols[4:]:
        raise ConfigError(f"cooccurrence: rank_by must be one of {', '.join(cols[4:])}, got {rank_by!r}")
    units = mention_units(mentions, entities, None if isinstance(mentions, MentionUnits) else articles)
    weight = np.ones(len(units.article_ids))  # per article code: its weight, 1 without articles
    if articles is not None:
        coded = _weights(_frame(articles), units)
        weight[coded["a"].to_numpy()] = coded["weight"].to_numpy()
    with _UnitRows(units, level) as rows:
        n_units, count_of = rows.counts(weight)
        # entities in the order of their first mention (first article, then offset), as pandas had them
        rel = units.units
        order = duckdb.sql("SELECT e FROM rel GROUP BY e ORDER BY MIN(a), arg_min(s, a), e").fetchnumpy()["e"]
        ent_index = pd.Index(order[count_of[order] >= float(min_count)])
        if ent_index.empty:
            return pd.DataFrame(columns=cols)
        counts = count_of[ent_index.to_numpy()]
        # Only the top pairs by lmi are asked for: pair the most frequent entities first. A pair
        # with an entity named in at most c units has lmi <= c * log2(n_units / c) (n_together <= c),
        # so once the top_n-th lmi exceeds that for the most frequent entity left out, the top is exact.
        keep = np.ones(len(counts), dtype=bool)
        if rank_by == "lmi" and top_n:
            keep = counts >= np.sort(counts)[::-1][min(_FIRST_PAIRED, len(counts)) - 1]
        codes, n_codes = ent_index.to_numpy().astype(np.int64), len(units.entity_ids)
        related = np.zeros(0, dtype=np.int64)  # (entity code a, b) of related pairs, as a * n_codes + b
        if not keep_related and "related" in entities:
            pairs = [(a, b) for a, others in zip(entities["entity_id"], entities["related"]) for b in others]
            ra, rb = (units.entity_ids.get_indexer(pd.Index([p[i] for p in pairs], dtype=object)) for i in (0, 1))
            related = (ra.astype(np.int64) * n_codes + rb)[(ra >= 0) & (rb >= 0)]
        while True:
            a, b, n_ab = rows.joint(weight, ent_index, keep, min_count)
            unrelated = ~np.isin(codes[a] * n_codes + codes[b], related)
            a, b, n_ab = a[unrelated], b[unrelated], n_ab[unrelated]
            if keep.all():
                break
            c = counts[~keep].max()
            bound = c * np.log2(n_units / c) if c <= n_units / np.e else n_units / (np.e * np.log(2))
            lmi = np.sort(n_ab * np.log2(n_ab * n_units / (counts[a] * counts[b])))[::-1]
            if len(lmi) >= top_n and lmi[top_n - 1] > bound:
                break
            keep = counts >= np.sort(counts)[::-1][min(4 * keep.sum(), len(counts)) - 1]
    n_a, n_b = counts[a], counts[b]
    pmi = np.log2(n_ab * n_units / (n_a * n_b))
    denom = -np.log2(n_ab / n_units)
    npmi = np.divide(pmi, denom, out=np.ones_like(pmi), where=denom > 0)
    out = pd.DataFrame({"a": a, "b": b, "n_together": n_ab, "n_a": n_a, "n_b": n_b, "pmi": pmi, "npmi": npmi,
                        "lmi": n_ab * pmi})
    if top_n and len(out) > top_n:  # the top_n rows by rank_by and every row tied with the last
        out = out[out[rank_by] >= np.partition(out[rank_by].to_numpy(), len(out) - top_n)[len(out) - top_n]]
    ids = units.entity_ids[ent_index]
    names = entities.set_index("entity_id")["name"]
    out["entity_a"], out["entity_b"] = ids[out.pop("a").to_numpy()], ids[out.pop("b").to_numpy()]
    out["name_a"], out["name_b"] = out["entity_a"].map(names), out["entity_b"].map(names)
    out = out[cols].sort_values([rank_by, "n_together", "entity_a", "entity_b"],
                                ascending=[False, False, True, True], ignore_index=True)
    return out.head(top_n) if top_n else out


class _UnitRows:
    """The (unit, entity) rows of co-occurrence, read in slices of whole articles of about
    ``_JOINT_ROWS`` rows each, so that memory holds one slice, never every unit: units are
    articles (the rows of :class:`MentionUnits`) or sentences (the mentions, integer-coded
    into a temporary table once). A context manager: the table is dropped on exit."""

    def __init__(self, units: MentionUnits, level: str) -> None:
        self.units, self.level = units, level
        self.n_entities = len(units.entity_ids)
        if level == "sentence":
            require_columns(units.mentions, ["sentence"], "mentions")
            ments = units.mentions
            acodes = pd.DataFrame({"article_id": units.article_ids, "a": np.arange(len(units.article_ids), dtype=np.int32)})
            ecodes = pd.DataFrame({"entity_id": units.entity_ids, "e": np.arange(self.n_entities, dtype=np.int32)})
            self.table = f"cooccurrence_rows_{uuid.uuid4().hex}"
            duckdb.sql(f"""CREATE TEMP TABLE {self.table} AS
                SELECT c.a, CAST(m.sentence AS INTEGER) AS sentence, d.e FROM ments AS m
                JOIN acodes AS c USING (article_id) JOIN ecodes AS d USING (entity_id)""")
            self.source = duckdb.table(self.table)
        else:
            self.table, self.source = None, units.units
        rel = self.source
        n_rows, n_articles = duckdb.sql("SELECT COUNT(*), COALESCE(MAX(a) + 1, 0) FROM rel").fetchall()[0]
        self.n_articles = int(n_articles)
        self.step = max(1, int(n_articles) * _JOINT_ROWS // max(int(n_rows), 1))

    def __enter__(self) -> _UnitRows:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.table:
            duckdb.sql(f"DROP TABLE {self.table}")

    def slices(self, weight: np.ndarray):
        """Per slice: each distinct (unit, entity) row's ``unit`` (numbered within the slice)
        and ``e`` (entity code), and each unit's weight (its article's)."""
        rel, sentence = self.source, ", sentence" if self.level == "sentence" else ""
        for lo in range(0, self.n_articles, self.step):
            x = duckdb.sql(f"SELECT a{sentence}, e FROM rel WHERE a >= {lo} AND a < {lo + self.step}").fetchnumpy()
            unit = x["a"].astype(np.int64) - lo
            if sentence and len(unit):
                n_sentences = int(x["sentence"].max()) + 1
                unit = unit * n_sentences + x["sentence"]
            key = np.sort(unit * self.n_entities + x["e"])  # sorted (unit, entity) codes, made distinct
            key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key
            unit_key = key // self.n_entities
            first = np.r_[True, unit_key[1:] != unit_key[:-1]] if len(key) else np.zeros(0, dtype=bool)
            a = unit_key[first] // n_sentences + lo if sentence and len(key) else unit_key[first] + lo
            yield np.cumsum(first) - 1, key % self.n_entities, weight[a]

    def counts(self, weight: np.ndarray) -> tuple[float, np.ndarray]:
        """The (weighted) number of units, and of units naming each entity (by entity code)."""
        n_units, count_of = 0.0, np.zeros(self.n_entities)
        for unit, e, unit_w in self.slices(weight):
            n_units += unit_w.sum()
            count_of += np.bincount(e, weights=unit_w[unit], minlength=self.n_entities)
        return n_units, count_of

    def joint(self, weight: np.ndarray, ent_index: pd.Index, keep: np.ndarray,
              min_count: float) -> tuple[np.ndarray, ...]:
        """The pairs (positions ``a < b`` in ``ent_index``, entity codes) of the ``keep``
        entities named together in at least ``min_count`` (weighted) units, and their counts."""
        position = np.full(self.n_entities, -1)
        position[ent_index.to_numpy()[keep]] = np.flatnonzero(keep)
        joint = sparse.csr_matrix((len(ent_index), len(ent_index)))
        for unit, e, unit_w in self.slices(weight):
            code = position[e]
            x = sparse.csr_matrix((np.ones(int((code >= 0).sum())), (unit[code >= 0], code[code >= 0])),
                                  shape=(len(unit_w), len(ent_index)))
            joint = joint + sparse.triu(x.T @ sparse.diags(unit_w) @ x, k=1)
        joint = joint.tocoo()
        hit = joint.data >= min_count
        return joint.row[hit], joint.col[hit], joint.data[hit]


def candidate_splits(
    mentions: Table | MentionUnits, entities: pd.DataFrame, *, top_n: int | None = 20, min_articles: int = 2,
) -> pd.DataFrame:
    """Near misses: pairs of entities that were not merged but may be one (candidate
    splits for the user to confirm in the alias table): ``name_a, label_a, n_articles_a,
    name_b, label_b, n_articles_b, n_together`` (articles naming both), ``reason``:

    - ``part``: a one-word person name is the first or last word of a person's
      ("Mandela", "Nelson Mandela"; "Hillary", "Hillary Clinton");
    - ``variant``: of two person names, same surname, first names a name and its nickname ("Bill Clinton",
      "William Clinton"), or one with a middle name or initial the other lacks;
    - ``acronym``: one name spells the initials of the other ("ACA", "Affordable Care Act").

    ``a`` is the entity in more articles. Only entities in at least ``min_articles``
    articles, related entities left out (``entities.related``); most articles together
    first, then the rarer entity's articles."""
    cols = ["name_a", "label_a", "n_articles_a", "name_b", "label_b", "n_articles_b", "n_together", "reason"]
    ents = entities[entities["n_articles"] >= min_articles]
    names = dict(zip(ents["entity_id"], ents["name"]))
    norm = {e: normalize_name(n) for e, n in names.items()}
    found: dict[tuple[str, str], str] = {}
    labels = dict(zip(ents["entity_id"], ents["label"]))
    by_edge: dict[str, set[str]] = {}  # first word / last word -> multi-word person names
    for e, n in norm.items():
        words = n.split()
        if len(words) > 1 and labels[e] == "PERSON":
            by_edge.setdefault(f"^{words[0]}", set()).add(e)
            by_edge.setdefault(f"{words[-1]}$", set()).add(e)
    for e, n in norm.items():
        words = n.split()
        if len(words) == 1 and labels[e] == "PERSON":  # "mandela" in "nelson mandela"; not "Zambian"
            for other in by_edge.get(f"^{n}", set()) | by_edge.get(f"{n}$", set()):
                found[(other, e)] = "part"
        for other in by_edge.get(f"{words[-1]}$", ()) if len(words) == 2 else ():
            o = norm[other].split()
            nickname = len(o) == 2 and o[0] != words[0] and nickname_of(o[0], words[0])
            middle = len(o) > 2 and o[0] == words[0]  # "paul d ryan", "paul ryan"
            if (nickname and (e, other) not in found) or middle:
                found.setdefault((other, e), "variant")
    by_initials: dict[str, list[str]] = {}  # acronym -> the names of several words it spells
    for other, full in names.items():
        words = name_words(full)
        for acronym in initials(words) if len(words) > 1 else ():
            by_initials.setdefault(acronym, []).append(other)
    for e, n in names.items():
        if ACRONYM.match(n.replace(" ", "")) and len(n.replace(".", "")) >= 3:
            for other in by_initials.get(n.replace(".", ""), ()):
                if other != e:
                    found.setdefault((other, e), "acronym")
    related = {(a, b) for a, others in zip(entities["entity_id"], entities.get("related", pd.Series(dtype=object)))
               for b in (others if others is not None else ())}
    stats = ents.set_index("entity_id")
    size = {e: (stats.at[e, "n_articles"], len(names[e])) for e in names}
    pairs = {tuple(sorted((a, b), key=size.get, reverse=True)): r for (a, b), r in reversed(found.items())
             if (a, b) not in related and (b, a) not in related}
    if not pairs:
        return pd.DataFrame(columns=cols)
    units = mention_units(mentions, entities)
    codes, rel = pd.DataFrame({"e": units.entity_ids.get_indexer(list({e for pair in pairs for e in pair}))}), units.units
    arts = duckdb.sql("SELECT a, e FROM rel WHERE e IN (SELECT e FROM codes)").df()
    by_entity = arts.groupby(units.entity_ids[arts["e"].to_numpy()])["a"].agg(set)
    out = pd.DataFrame([{
        "name_a": names[a], "label_a": stats.at[a, "label"], "n_articles_a": stats.at[a, "n_articles"],
        "name_b": names[b], "label_b": stats.at[b, "label"], "n_articles_b": stats.at[b, "n_articles"],
        "n_together": len(by_entity.get(a, set()) & by_entity.get(b, set())), "reason": r,
    } for (a, b), r in pairs.items()], columns=cols)
    out["rarer"] = out[["n_articles_a", "n_articles_b"]].min(axis=1)
    out = out.sort_values(["n_together", "rarer", "name_a", "name_b"], ascending=[False, False, True, True],
                          ignore_index=True)[cols]
    return out.head(top_n) if top_n else out


# --------------------------------------------------------------------------- figures


def plot_heatmap(matrix: pd.DataFrame, *, label: str = "share of the outlet's articles") -> Figure:
    """Heatmap of an :func:`outlet_matrix` (entities x outlets), shares as percentages."""
    fig, ax = plt.subplots(figsize=(max(3.5, 0.35 * matrix.shape[1] + 2), max(1.5, 0.22 * len(matrix) + 1.2)),
                           layout="constrained")
    im = ax.imshow(matrix.to_numpy(dtype=float), aspect="auto", cmap="viridis", vmin=0)
    ax.grid(False)
    ax.set_xticks(range(matrix.shape[1]), matrix.columns, rotation=60, ha="right")
    ax.set_yticks(range(len(matrix)), matrix.index)
    fig.colorbar(im, ax=ax, label=label, format=PercentFormatter(1.0))
    return fig


def plot_over_time(table: pd.DataFrame, *, per_row: int = 3) -> Figure:
    """Small multiples of :func:`over_time`: one panel per tracked entity, the share of
    articles per period with its interval band; periods without enough articles are gaps."""
    names = list(dict.fromkeys(table["name"]))
    rows = -(-len(names) // per_row)
    fig, axes = plt.subplots(rows, min(per_row, len(names)), figsize=(7.2, 1.9 * rows + 0.4), squeeze=False,
                             sharex=True, sharey=True, layout="constrained")
    for ax, name in zip(axes.flat, names):
        part = table[table["name"] == name].sort_values("period")
        shown = part[["share", "ci_low", "ci_high"]].where(part["enough"])
        ax.fill_between(part["period"], shown["ci_low"], shown["ci_high"], alpha=0.25, linewidth=0)
        ax.plot(part["period"], shown["share"], marker="o", markersize=2.5)
        ax.set_title(textwrap.fill(str(name), 30), fontsize="small")
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_ylim(bottom=0)
        date_axis(ax)
        ax.tick_params(labelsize="x-small")
    for ax in axes.flat[len(names):]:
        ax.set_axis_off()
    fig.supylabel("share of articles", fontsize="small")
    return fig


def plot_distinctive(table: pd.DataFrame, *, per_row: int = 3) -> Figure:
    """Small multiples: for each outlet, its most distinctive entities by z-score."""
    outlets = list(dict.fromkeys(table["outlet"]))
    rows = -(-len(outlets) // per_row)
    top = table.groupby("outlet")["name"].size().max()
    fig, axes = plt.subplots(rows, per_row, figsize=(7, rows * (0.16 * top + 0.8)), squeeze=False,
                             layout="constrained")
    for ax, outlet in zip(axes.flat, outlets):
        part = table[table["outlet"] == outlet]
        ax.barh(part["name"].astype(str)[::-1], part["z"][::-1])
        ax.set_title(textwrap.fill(str(outlet), 30), fontsize="small")
        ax.tick_params(labelsize="x-small")
    for ax in axes.flat[len(outlets):]:
        ax.set_axis_off()
    fig.supxlabel("z-score of the log-odds ratio (outlet vs. rest)", fontsize="small")
    return fig


def plot_pairs(pairs: pd.DataFrame, value: str = "lmi") -> Figure:
    """Horizontal bars of ``value`` (see :func:`cooccurrence`) for the top pairs."""
    labels = pairs["name_a"].astype(str) + " + " + pairs["name_b"].astype(str)
    return bar_chart(labels, pairs[value], xlabel={
        "lmi": "local mutual information (articles x PMI)", "npmi": "normalised PMI",
        "pmi": "PMI (bits)", "n_together": "articles together"}.get(value, value))
