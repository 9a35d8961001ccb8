# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Who and what is in the news: entity frequency
#
# Every named person, organisation, place, nationality or group, facility and event in
# the corpus, as found by spaCy and resolved by newscope into **canonical entities**:
# "Assad" and "Bashar al-Assad" count as one entity, so do "SNC" and "Syrian National
# Council" (see *How names were merged* at the end to check this on your corpus).
# Counts are weighted by `articles.weight` (1 per article unless near-duplicate wire
# copies are down-weighted). Parameters come from the `entity_frequency` section of
# `params.yaml`.

# %% tags=["parameters"]
params = None  # overrides of the `entity_frequency` section of params.yaml, e.g. {"top_n": 50}
tables_dir = "data/processed"

# %%
import logging
from types import SimpleNamespace

from IPython.display import Markdown, display

from newscope import entity_analysis as ea
from newscope.config import report_params
from newscope.figures import bar_chart, save_figure, style
from newscope.intervals import METHOD, PERIOD_NAMES, choose_period
from newscope.display import safe_table
from newscope.tables import scan_tables

logging.basicConfig(level=logging.WARNING)
style()
params = {**report_params("entity_frequency", params), "tables_dir": tables_dir}
settings = SimpleNamespace(**params)
tables = scan_tables(tables_dir, ("articles", "mentions", "entities"))  # queried, not loaded
entities = tables["entities"].df()
articles, mentions = ea.filter_corpus(tables["articles"], tables["mentions"], entities,
                                      labels=settings.labels, outlets=settings.outlets, start=settings.start, end=settings.end)
mentions = ea.mention_units(mentions, entities, articles)  # one pass: a row per article and entity, for every section
filters = [f"{k} = {v}" for k, v in (("labels", settings.labels), ("outlets", settings.outlets), ("start", settings.start), ("end", settings.end)) if v]
n_mentions, n_entities = ea.mention_counts(mentions)
display(Markdown(
    f"**{len(articles):,}** articles from **{articles['outlet'].nunique():,}** outlet(s), "
    f"**{n_mentions:,}** mentions of **{n_entities:,}** entities, "
    f"~{articles['n_tokens'].sum():,} tokens"
    + (f" (filtered: {'; '.join(filters)})." if filters else ".")
    + " " + METHOD.format(n_boot=settings.n_boot)
))

# %% [markdown]
# ## The most frequent entities
#
# Each entity's **articles** (how many articles mention it at least once) and **mentions**
# (how often it is named in all). Articles are the better measure of attention: one
# profile can name its subject fifty times. The rates make corpora of different sizes
# comparable: articles mentioning the entity per 1,000 articles, and mentions per 100,000
# tokens (tokens are whitespace-separated words, an approximation). The bar chart shows
# the first rate.

# %%
freq = ea.entity_frequency(articles, mentions, entities)
top = freq.head(settings.top_n)
display(safe_table(freq, max_rows=settings.top_n, name="entity-frequency"))
if len(top):
    fig = bar_chart(top["name"], top["per_1k_articles"], xlabel="articles per 1,000")
    save_figure(fig, "entity-top", title="Most frequent entities",
                caption=f"The {len(top)} entities mentioned in most articles, as articles mentioning "
                        "the entity per 1,000 articles (weighted).",
                data=top, params=params)
else:
    display(Markdown("No entity mentions in this selection."))

# %% [markdown]
# ### By label
#
# The same ranking within each kind of entity (people, organisations, places, ...), so
# that frequent places do not crowd out people.

# %%
by_label = freq.groupby("label", sort=True).head(5).sort_values(["label", "n_articles"], ascending=[True, False])
display(safe_table(by_label[["label", "name", "n_articles", "per_1k_articles", "per_100k_tokens"]],
                   max_rows=40, name="entity-by-label"))

# %% [markdown]
# ## Entities by outlet
#
# The share of each outlet's articles that mention each of the overall top entities,
# with a 95% bootstrap confidence interval (articles resampled within the outlet). Read
# the heatmap by row to see which outlets give an entity most attention, and by column
# to see an outlet's agenda. Shares from outlets with few articles are uncertain: check
# the interval in the table before comparing them.

# %%
outlet_sizes = articles.groupby("outlet")["weight"].sum()
small_outlets = sorted(outlet_sizes[outlet_sizes < settings.min_articles].index)
outlet_shares = ea.by_outlet(articles, mentions, entities, top_n=settings.top_n, n_outlets=settings.n_outlets,
                             min_articles=settings.min_articles, n_boot=settings.n_boot)
if small_outlets:
    display(Markdown(f"{len(small_outlets)} outlet(s) with fewer than {settings.min_articles} articles are left out "
                     f"of the comparison (their shares would be noise): {', '.join(small_outlets[:20])}"
                     + (" ..." if len(small_outlets) > 20 else "") + "."))
if outlet_shares["outlet"].nunique() > 1:
    matrix = ea.outlet_matrix(outlet_shares)
    fig = ea.plot_heatmap(matrix)
    save_figure(fig, "entity-outlet-heatmap", title="Top entities by outlet",
                caption=f"Share of each outlet's articles that mention each of the {len(matrix)} most "
                        f"frequent entities ({matrix.shape[1]} largest outlets with at least "
                        f"{settings.min_articles} articles).",
                data=outlet_shares, params=params)
    rank = outlet_shares["entity_id"].map({e: i for i, e in enumerate(top["entity_id"])})
    display(safe_table(outlet_shares.assign(rank=rank).sort_values(["rank", "share"], ascending=[True, False])
                       [["name", "outlet", "n_group", "share", "ci_low", "ci_high"]], name="entity-by-outlet"))
else:
    display(Markdown(f"Fewer than two outlets with at least {settings.min_articles} articles (and mentions) in this "
                     "selection: there is nothing to compare across outlets."))

# %% [markdown]
# ## Entities over time
#
# The share of each period's articles that mention the tracked entities (parameter
# `track`; by default the five most frequent), one panel per entity, with its interval
# band. The period is chosen from the data unless `period` is set: the finest of day, week,
# month, quarter and year in which most dated articles fall in periods of at least
# `min_articles` articles. Periods with fewer articles are not drawn (a gap in the line),
# nor are periods without articles; undated articles are left out.

# %%
period = choose_period(articles["date"], min_articles=settings.min_articles, requested=settings.period)
trend = ea.over_time(articles, mentions, entities, period=period, track=settings.track, top_n=5,
                     min_articles=settings.min_articles, n_boot=settings.n_boot)
drawn = trend.loc[trend["enough"], "period"].nunique() if len(trend) else 0
if drawn > 1:
    fig = ea.plot_over_time(trend)
    n_small = trend.loc[~trend["enough"] & (trend["n_group"] > 0), "period"].nunique()
    save_figure(fig, "entity-over-time", title="Tracked entities over time",
                caption=f"Share of each {PERIOD_NAMES[period]}'s articles that mention each tracked entity, "
                        f"with 95% bootstrap intervals; {n_small} {PERIOD_NAMES[period]}(s) with fewer than "
                        f"{settings.min_articles} articles and the {PERIOD_NAMES[period]}s without any are gaps.",
                data=trend, params=params)
    display(safe_table(trend.loc[trend["n_group"] > 0, ["period", "name", "n_group", "share", "ci_low", "ci_high",
                                                       "enough"]], name="entity-over-time"))
else:
    display(Markdown(f"The dated articles in this selection give {drawn} {PERIOD_NAMES[period]}(s) with at least "
                     f"{settings.min_articles} articles: a time series needs two (lower `min_articles`, or set a "
                     "longer `period`)."))

# %% [markdown]
# ## Entities distinctive of each outlet
#
# Which entities an outlet names more than the other outlets do, by the weighted
# log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
# "Fightin' Words"). The z-score accounts for how much evidence there is: above ~2 an
# entity is clearly over-represented in the outlet; a rare entity needs a large
# difference to score high, a very common one only a small one.

# %%
distinctive = ea.distinctive_entities(articles, mentions, entities, top_n=8, n_outlets=settings.n_outlets)
if len(distinctive):
    fig = ea.plot_distinctive(distinctive)
    save_figure(fig, "entity-distinctive", title="Entities distinctive of each outlet",
                caption="Entities most over-represented in each outlet's mentions against all other outlets: "
                        "z-scores of the weighted log-odds ratio with an informative Dirichlet prior "
                        "(Monroe, Colaresi & Quinn 2008).",
                data=distinctive, params=params)
    display(safe_table(distinctive, max_rows=24, name="entity-distinctive"))
else:
    display(Markdown("Distinctive entities need at least two outlets with mentions."))

# %% [markdown]
# ## Entities named together
#
# Pairs of entities mentioned in the same article, and in the same sentence, in at least
# `min_cooccurrence` articles or sentences. `pmi` says how many times (in bits) more often
# a pair meets than chance would have it, `npmi` scales that to 1 = always together, 0 =
# no more often than chance. Both favour rare pairs, so pairs are ranked by local mutual
# information (`lmi` = times together x pmi), which needs association *and* frequency.
# Sentence-level pairs are tighter relations (who is named with whom); article-level
# pairs show shared stories. Related entities (a country and its demonym, a party and its
# members) meet trivially and are left out unless `keep_related` is set.

# %%
pairs = ea.cooccurrence(mentions, entities, articles, level="article", min_count=settings.min_cooccurrence, top_n=settings.top_n,
                        keep_related=settings.keep_related)
if len(pairs):
    fig = ea.plot_pairs(pairs)
    save_figure(fig, "entity-cooccurrence", title="Entities named in the same articles",
                caption=f"The {len(pairs)} entity pairs with the highest local mutual information "
                        f"(articles together x PMI) among pairs named together in at least "
                        f"{settings.min_cooccurrence} articles.",
                data=pairs, params=params)
    display(safe_table(pairs, max_rows=settings.top_n, name="cooccurrence-articles"))
else:
    display(Markdown(f"No pair of entities shares at least {settings.min_cooccurrence} articles in this selection."))
sentence_pairs = ea.cooccurrence(mentions, entities, articles, level="sentence", min_count=settings.min_cooccurrence,
                                 top_n=settings.top_n, keep_related=settings.keep_related)
display(Markdown("Pairs named in the same sentence:"))
display(safe_table(sentence_pairs, max_rows=settings.top_n, name="cooccurrence-sentences") if len(sentence_pairs) else
        Markdown(f"No pair of entities shares at least {settings.min_cooccurrence} sentences."))

# %% [markdown]
# ## How names were merged
#
# The entities with the most spellings merged into them, with those spellings: the place
# to check that the entity layer counted the right things. A wrong merge can be undone,
# and a missing one added, in your alias table (`entities.aliases` in `params.yaml`; a
# YAML file with `merge`, `split`, `ignore` and `labels` sections, described in
# `help(newscope.entities)`), then `dvc repro`.

# %%
merged = entities[entities["aliases"].map(len) > 0].copy()
merged["n_aliases"] = merged["aliases"].map(len)
merged["aliases"] = merged["aliases"].map(", ".join)
display(safe_table(merged.sort_values(["n_articles", "n_aliases"], ascending=False)
                   [["name", "label", "n_articles", "n_aliases", "aliases"]], max_rows=settings.top_n,
                   name="merged-names"))

# %% [markdown]
# **Near misses.** Pairs of entities that were *not* merged but may be one: a person's
# first or last name alone beside the full name, two person names differing in a nickname
# or a middle name, an acronym beside the name it spells. Each with its articles and the
# articles naming both. Confirm a pair in your alias table (`merge`), or keep it apart
# (`split`); the README says how.

# %%
splits = ea.candidate_splits(mentions, entities, top_n=settings.top_n)
display(safe_table(splits, max_rows=settings.top_n, name="candidate-splits") if len(splits) else
        Markdown("No likely unmerged pair of entities (each in at least two articles) in this selection."))
