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
# # Who gets to speak: source attribution
#
# Every quote and every piece of reported speech in the corpus, as found by newscope's
# attribution extractor: the **source** (who is credited), the **cue** (the reporting verb,
# "said", "told", "according to"), the **content** (what was said), and the resolved
# **speaker** with its type (person, organization, official, media, document, anonymous,
# author: the article's own writer speaking as "I" or asking the questions of a Q&A, named
# from the byline; unknown) and the **channel** it was told to ("told AFP"). Only
# attributions that give someone a voice are here: a holder named or referred to who said,
# wrote or holds it (not the writer's hedges, label lines, or what was only hypothetical or
# not said). Counts are weighted by
# `articles.weight` (1 per article unless near-duplicate wire copies are down-weighted).
# Parameters come from the `source_attribution` section of `params.yaml`.

# %% tags=["parameters"]
params = None  # overrides of the `source_attribution` section of params.yaml, e.g. {"top_n": 50}
tables_dir = "data/processed"

# %%
import html
import logging
from types import SimpleNamespace

import pandas as pd
from IPython.display import Markdown, display

from newscope import sourcing
from newscope.config import report_params, resolve_path
from newscope.evaluate import format_report, read_evaluation, report_frame
from newscope.figures import bar_chart, save_figure, style
from newscope.intervals import METHOD, PERIOD_NAMES, choose_period
from newscope.display import article_view, safe_table
from newscope.resolve.speakers import GENDER_METHOD
from newscope.tables import article_rows, count_rows, scan_tables

logging.basicConfig(level=logging.WARNING)
style()
params = {**report_params("source_attribution", params), "tables_dir": tables_dir}
settings = SimpleNamespace(**params)
tables = scan_tables(tables_dir, ("articles", "mentions", "attributions"))  # queried, not loaded
articles = tables["articles"]
every_act = sourcing.prepare(articles, tables["attributions"])
atts = every_act if settings.stance else sourcing.speech(every_act)
n_atts, n_articles, n_outlets = count_rows(atts), count_rows(articles), count_rows(articles, "outlet")
counted = ("speech and stances" if settings.stance else
           f"speech: what someone said, wrote or posted ({count_rows(every_act) - n_atts:,} stances, such as "
           "\"X believes\" or \"X wants\", are left out; `stance: true` counts them too)")
display(Markdown(
    f"**{n_atts:,}** attributions in **{n_articles:,}** articles from **{n_outlets:,}** outlet(s), "
    f"counting {counted}; {sourcing.channel_share(atts):.0%} name a channel. " + METHOD.format(n_boot=settings.n_boot)
))

# %% [markdown]
# ## Attributions per article and outlet
#
# How much sourcing each outlet does: attributions per article (weighted mean and
# median) and the share of articles without any attribution. Outlets that quote more
# per article rely more on voices other than the reporter's; compare outlets with a
# similar number of articles.

# %%
outlets = sourcing.per_outlet(articles, atts)
display(safe_table(outlets, name="attributions-per-outlet"))
# outlets with too few articles are listed in the tables but not drawn (their shares would be
# noise), unless no outlet has enough: then all are drawn
enough = outlets["n_articles"] >= settings.min_articles
few = set(outlets.loc[~enough, "outlet"]) if enough.any() else set()


def drawn(table: pd.DataFrame) -> pd.DataFrame:
    """``table``'s rows for the outlets with enough articles to draw (and "(all)")."""
    return table[~table["outlet"].isin(few)]


def note_few() -> None:
    if few:
        display(Markdown(f"{len(few)} outlet(s) with fewer than {settings.min_articles} articles with attributions "
                         "are not drawn (their shares would be noise); the tables list them."))


wide = drawn(outlets).head(settings.top_n)
if len(outlets) < 2:
    display(Markdown("Only one outlet: there is nothing to compare across outlets."))
elif len(wide) > 1:
    fig = bar_chart(wide["outlet"], wide["per_article"], xlabel="attributions per article")
    save_figure(fig, "attributions-per-outlet", title="Attributions per article, by outlet",
                caption=f"Mean number of attributions per article for the {len(wide)} outlets with most "
                        f"attributions and at least {settings.min_articles} articles (weighted by article weight).",
                data=wide, params=params)
    note_few()
else:
    display(Markdown(f"Only one outlet has {settings.min_articles} articles or more: there is nothing to draw "
                     "across outlets; the table lists them all."))
display(Markdown("Articles with most attributions:"))
display(safe_table(sourcing.per_article(articles, atts).drop(columns=["weight"]), max_rows=settings.top_n,
                   name="attributions-per-article"))

# %% [markdown]
# ## Kinds of attribution and types of speaker
#
# *Kind*: `direct` quotes (the speaker's own words, in quote marks), `indirect` (reported
# speech, "X said that ..."), `mixed` (a paraphrase with a quoted fragment) and
# `according-to`. *Speaker type*: who is credited. Each bar sums to 100 %; with more
# than one outlet the first row, "(all)", is the whole corpus.

# %%
share_tables = {}  # for the consistency checks at the end
for column, label in (("kind", "kind"), ("speaker_type", "speaker type")):
    table = share_tables[column] = sourcing.shares(atts, column, by="outlet", total=True)
    if table.empty:
        display(Markdown(f"No attributions: no {label} shares to show."))
        continue
    table = drawn(table).head(settings.top_n + 1)
    fig = sourcing.plot_shares(table, "outlet")
    save_figure(fig, f"{column.replace('_', '-')}-share", title=f"Attributions by {label}",
                caption=f"Share of attributions by {label}, all outlets and per outlet (weighted).",
                data=table, params=params)
    note_few()
    display(Markdown(f"Shares by {label} with their intervals, per outlet:"))
    display(safe_table(sourcing.share_intervals(atts, column, "outlet", n_boot=settings.n_boot), max_rows=30,
                       name=f"{column.replace('_', '-')}-share-by-outlet"))

# %% [markdown]
# ## Women and men quoted
#
# Of the attributions to named people, the share by the speaker's inferred gender, overall
# and per outlet, with intervals (the measure of the Gender Gap Tracker). Read the method
# below before citing it.

# %%
display(Markdown(GENDER_METHOD))
people = sourcing.people(atts)
if not count_rows(people):
    display(Markdown("No attributions to named people (or tables annotated before speaker_gender existed): "
                     "no gender shares to show."))
else:
    table = drawn(sourcing.shares(people, "speaker_gender", by="outlet", total=True)).head(settings.top_n + 1)
    fig = sourcing.plot_shares(table, "outlet", xlabel="share of attributions to people")
    save_figure(fig, "speaker-gender-share", title="Attributions to people by inferred gender",
                caption="Share of attributions to named people by the speaker's inferred gender (from the "
                        "articles' pronouns and titles, else first names; binary, not self-identified), all "
                        "outlets and per outlet (weighted).",
                data=table, params=params)
    note_few()
    display(safe_table(sourcing.share_intervals(people, "speaker_gender", "outlet", n_boot=settings.n_boot),
                       max_rows=30, name="speaker-gender-by-outlet"))

# %% [markdown]
# ## Anonymous sourcing
#
# The share of attributions credited to an unnamed source ("a military source",
# "officials", "a source close to Hezbollah"), by outlet and over time. Rates from a
# handful of attributions (see `n`) are noisy; read them together with the counts.

# %%
anon = sourcing.anonymous_rate(atts, n_boot=settings.n_boot)
if anon.empty:
    display(Markdown("No attributions: no anonymous-sourcing rate."))
else:
    display(safe_table(anon, name="anonymous-by-outlet"))
    top_anon = anon[anon["n_articles"] >= settings.min_articles].head(settings.top_n)
    if len(top_anon) > 1:
        fig = bar_chart(top_anon["outlet"], top_anon["rate"], xlabel="anonymous share", share=True,
                        low=top_anon["ci_low"], high=top_anon["ci_high"])
        save_figure(fig, "anonymous-by-outlet", title="Anonymous sourcing by outlet",
                    caption="Share of attributions with an anonymous speaker, per outlet with at least "
                            f"{settings.min_articles} articles (weighted), with 95% bootstrap intervals.",
                    data=top_anon, params=params)
    if len(top_anon) < len(anon):
        display(Markdown(f"{len(anon) - len(top_anon)} outlet(s) with fewer than {settings.min_articles} articles "
                         "with attributions are not drawn (their rates would be noise); the table lists them."))
period = choose_period(sourcing.article_dates(atts), min_articles=settings.min_articles, requested=settings.period)
over_time = sourcing.anonymous_over_time(atts, period, min_articles=settings.min_articles, n_boot=settings.n_boot)
drawn = int(over_time["enough"].sum()) if len(over_time) else 0
if drawn > 1:
    fig = sourcing.plot_rate_over_time(over_time)
    n_small = int((~over_time["enough"] & (over_time["n_articles"] > 0)).sum())
    save_figure(fig, "anonymous-over-time", title="Anonymous sourcing over time",
                caption=f"Share of attributions with an anonymous speaker per {PERIOD_NAMES[period]}, with 95% "
                        f"bootstrap intervals; {n_small} {PERIOD_NAMES[period]}(s) with fewer than "
                        f"{settings.min_articles} articles and the {PERIOD_NAMES[period]}s without any are gaps; "
                        "undated articles are left out.",
                data=over_time, params=params)
    display(safe_table(over_time[over_time["n_articles"] > 0], name="anonymous-over-time"))
elif over_time.empty:
    display(Markdown("No attribution comes from a dated article: no time series to draw."))
else:
    display(Markdown(f"The dated attributions give {drawn} {PERIOD_NAMES[period]}(s) with at least "
                     f"{settings.min_articles} articles: a time series needs two (lower `min_articles`, or set a "
                     "longer `period`)."))

# %% [markdown]
# ## Who is quoted most
#
# Named speakers by number of attributions, merged through the entity layer ("Assad",
# "Bashar al-Assad" and a resolved "he" count as one). `share_direct` is the share of
# their attributions that are direct quotes; `n_outlets` shows whether one outlet or many
# give them a voice. Anonymous sources and unnamed descriptions ("police", "the report")
# are left out here.

# %%
speakers = sourcing.top_speakers(atts, settings.top_n)
if speakers.empty:
    display(Markdown("No named speakers."))
else:
    display(safe_table(speakers, name="top-speakers"))
    fig = bar_chart(speakers["speaker"], speakers["n_attributions"], xlabel="attributions")
    save_figure(fig, "top-speakers", title="Most quoted speakers",
                caption=f"The {len(speakers)} named speakers with most attributions (weighted).",
                data=speakers, params=params)

# %% [markdown]
# ## Cue verbs: neutral or loaded
#
# How the speech is introduced. `neutral` verbs only report ("said", "told", "according
# to"); `loaded` verbs judge the speaker or the claim ("claimed", "insisted" cast doubt;
# "admitted", "conceded", "revealed" presuppose it is true; "boasted", "slammed" add an
# attitude); `other` verbs name a speech act ("warned", "denied", "accused"). The share
# of loaded cues per outlet is a simple measure of evaluative reporting.

# %%
cues = sourcing.cue_verbs(atts, settings.top_n)
if cues.empty:
    display(Markdown("No cue verbs."))
else:
    display(safe_table(cues, name="cue-verbs"))
    fig = bar_chart(cues["cue_lemma"], cues["n"], xlabel="attributions")
    save_figure(fig, "cue-verbs", title="Most used cue verbs",
                caption=f"The {len(cues)} most used reporting-verb lemmas (weighted).",
                data=cues, params=params)
    classes = sourcing.shares(atts, "cue_class", by="outlet")
    display(safe_table(classes, max_rows=settings.top_n, name="cue-class-by-outlet"))
    if len(classes) > 1:
        fig = sourcing.plot_shares(classes.head(settings.top_n), "outlet")
        save_figure(fig, "cue-class-by-outlet", title="Neutral and loaded cue verbs by outlet",
                    caption="Share of attributions introduced by a neutral, loaded or other cue verb, per outlet.",
                    data=classes.head(settings.top_n), params=params)

# %% [markdown]
# ## Channels
#
# Where the words were said or who they were said to ("told AFP", "told state
# television", "in an interview with Clarin"), with the speaker most often heard through
# each. Interviews given to other media and wire agencies show up here.

# %%
chans = sourcing.channels(atts, settings.top_n)
if chans.empty:
    display(Markdown("No attribution names a channel."))
else:
    display(safe_table(chans, name="channels"))

# %% [markdown]
# ## Quotes
#
# Every attribution with its article, outlet, speaker, cue and content, in article
# order: the first rows here, all of them (up to `quote_csv_rows`) in the CSV linked
# below the table. Set the
# `search` parameter (or call `sourcing.quote_table(atts, "text")` in JupyterLab) to keep
# the rows whose speaker, content, outlet, channel or article id contain a text.

# %%
quotes = sourcing.quote_table(atts, settings.search)
n_quotes = count_rows(quotes)
if settings.search:
    display(Markdown(f"{n_quotes:,} of {n_atts:,} attributions match `{settings.search}`."))
display(safe_table(quotes, max_rows=30, name="quotes", csv_rows=settings.quote_csv_rows))
if n_quotes > settings.quote_csv_rows:
    display(Markdown(f"The CSV holds the first {settings.quote_csv_rows:,} of {n_quotes:,} rows (`quote_csv_rows`): "
                     f"all of them are the `attributions` table (`{tables_dir}/attributions.parquet`), and "
                     "`sourcing.quote_table(atts)` gives this table whole in JupyterLab."))

# %% [markdown]
# ## One article
#
# The article chosen by `article_id` (default: the first), with entity mentions and
# attributions highlighted. Each attribution's source, cue and content carry the same
# number (SOURCE 1, CUE 1, CONTENT 1); the key below the text gives its resolved speaker,
# cue lemma and kind.

# %%
if not n_articles:
    display(Markdown("The articles table is empty (see the `rejected` table for why): no article to show."))
else:
    article = sourcing.choose_article(articles, settings.article_id)
    title = article["title"] if isinstance(article["title"], str) else "(untitled)"
    date = article["date"] if isinstance(article["date"], str) else "undated"
    outlet = article["outlet"] if isinstance(article["outlet"], str) else "unknown outlet"
    display(Markdown(f"**{html.escape(title)}** ({html.escape(outlet)}, {date}), `{article['article_id']}`"))
    display(article_view(
        article["text"],
        article_rows(tables["mentions"], article["article_id"]),
        article_rows(tables["attributions"], article["article_id"]),
    ))

# %% [markdown]
# ## Evaluation against gold spans
#
# How accurate the extractor is, when a PolNeAR-style gold file is set (`evaluation.gold`
# in `params.yaml`; the `evaluate` stage scores it and this section shows its scores):
# newscope's extractor under the PolNeAR scheme (`newscope`: every attribution PolNeAR
# annotates, also those with an implicit holder, hypothetical or denied), the attributions
# this report counts (`newscope-voices`: only those that give someone a voice), and
# textacy's `direct_quotations` (the baseline); precision, recall and F1 for the content,
# source and cue spans, *exact* (same span after trimming quotes, punctuation and white
# space) and *partial* (content: character Dice ≥ 0.5, matched one to one; source and cue:
# any overlap on the matched pairs). See `newscope.evaluate.score`.

# %%
report = read_evaluation(resolve_path(settings.evaluation)) if settings.evaluation else None
if report:
    display(Markdown(f"```\n{format_report(report)}\n```"))
    scores = report_frame(report)
    display(safe_table(scores, name="evaluation"))
    fig = sourcing.plot_scores(scores)
    save_figure(fig, "attribution-evaluation", title="Attribution extraction against gold spans",
                caption=f"F1 (exact and partial match) of newscope (PolNeAR scheme and voices only) and "
                        f"textacy's direct_quotations on {report['gold']}.",
                data=scores, params=params)
else:
    display(Markdown("No evaluation scores: set `evaluation.gold` in `params.yaml` to a gold file and run "
                     "`dvc repro` (or `newscope evaluate --gold FILE`)."))

# %% tags=["remove-cell"]
# Consistency checks, left out of the HTML report: the quoted spans of the first 1,000
# articles (all of a small corpus) are the text at their offsets (this reads only those
# articles' texts); the share tables above sum to one per row, and the quote table lists every
# attribution.
sourcing.check_spans(articles, tables["attributions"], 1000)
for table in share_tables.values():
    share_columns = [c for c in table.columns if c not in ("outlet", "n")]
    assert ((table[share_columns].sum(axis=1) - 1).abs() < 1e-9).all()
assert settings.search or n_quotes == n_atts
