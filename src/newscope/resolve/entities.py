"""Corpus-level entity resolution: one ``entity_id`` per canonical entity
(:func:`resolve_entities`).

Names are compared after :func:`~newscope.entities.names.normalize_name` (case, accents,
dots and hyphens ignored). Person names with stray words from NER errors ("House Nancy
Pelosi") join the name they contain (the clearly commoner one when they hold two: "Crooked
Hillary Clinton" -> "Hillary Clinton"; not two names run together, but a mention an
article linked to them goes to the one it is part of); plural group names
join their singular ("Republicans", "Republican"); person names differing only in
particles or in the spaces between initials are one ("Bashar Assad", "Bashar al-Assad";
"George H. W. Bush", "George H.W. Bush"), and so are middle initials and names
and nicknames ("Donald J. Trump", "Bernard Sanders": :func:`_person_name_variants`); a name
known on its own across the corpus is not merged into a rare longer name an article linked
it to ("the Fed" is not "Dallas Fed"; "Obama" is not "Longtime Obama"), nor a group name into a longer name ("Republicans"
is not "Log Cabin Republicans"); a surname or acronym left unlinked in one article follows the full name it
was linked to in the other articles when that link is consistent (so does a surname the
tagger mislabelled, "Trump" as ORG, when it is mostly linked, and a first name linked
to one name in nearly all of many articles, "Hillary", or of a few when that name is
nearly all the articles' people with that first name, "Bernie"; a person follows only a link to a
person: Anita "Hill" is not "Capitol Hill"); the alias tables apply
(:mod:`newscope.entities.aliases`), a short form of the table ("CDC") meaning what the
table says whatever expansion an article's initials suggested. Each entity has one label,
the majority of its mentions' (PERSON for a name with a clear first name that enough
mentions call a person), and each of its mentions has that label.

New ways of merging names across the corpus (name variants) are steps of
:func:`_merge_name_variants`; label rules belong to :func:`_entity_labels`. Counts over
articles come from :class:`~newscope.resolve.corpus.MentionCorpus`, so the steps run over
any number of articles.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd
from nameparser import HumanName

from newscope.entities.aliases import AliasTable, builtin_aliases, load_aliases
from newscope.entities.names import (ACRONYM, GENERATION_SUFFIXES, NAME_PARTICLES, NAMED_AFTER, entity_id,
                                     first_name_gender, named_like_person, nickname_of, normalize_name)
from newscope.config import NlpSettings
from newscope.resolve.corpus import MentionCorpus, name_hashes
from newscope.resolve.parts import Engine
from newscope.tables import most_common

log = logging.getLogger(__name__)

_PROPAGATE_MIN_ARTICLES = 2
_PROPAGATE_MIN_SHARE = 0.75
_FIRST_NAME_MIN_ARTICLES = 10
_FIRST_NAME_FEW_ARTICLES = 5
_FIRST_NAME_MIN_SHARE = 0.9
_FIRST_NAME_MIN_NAME_SHARE = 0.9
_WELL_KNOWN_MIN_ARTICLES = 10
_WELL_KNOWN_HEAD_MIN_ARTICLES = 5
_WELL_KNOWN_RATIO = 5
_PERSON_MIN_SHARE = 0.2
_ENTITY_COLUMNS = ["entity_id", "name", "label", "aliases", "n_mentions", "n_articles", "related"]


def resolve_entities(
    mentions: pd.DataFrame, aliases: str | Path | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One ``entity_id`` per canonical entity across the corpus, for mentions in memory.

    ``mentions`` are :func:`~newscope.entities.article_mentions` rows of many articles;
    ``aliases`` is the user's alias table (YAML), applied over the built-in one. Returns
    ``mentions`` with an ``entity_id`` column (rows of ignored names dropped, ``key`` left
    as linked in the article) and the ``entities`` table: ``entity_id``, ``name``,
    ``label`` (majority), ``aliases`` (other spellings seen, commonest first),
    ``n_mentions``, ``n_articles``. The same steps as :func:`resolve_names` and
    :func:`apply_names` over a rows folder, on one part.
    """
    if mentions.empty:
        return mentions.assign(entity_id=pd.Series(dtype="string")), resolve_names(
            MentionCorpus.from_frame(mentions, Engine(NlpSettings(n_process=1))), alias_table())[1]
    m = mentions.reset_index(drop=True)
    corpus = MentionCorpus.from_frame(m, Engine(NlpSettings(n_process=1)))
    decisions, entities = resolve_names(corpus, alias_table(aliases))
    return apply_names(m, decisions), entities


def alias_table(aliases: str | Path | None = None) -> AliasTable:
    """The built-in alias table, updated with the user's (``entities.aliases``)."""
    table = builtin_aliases()
    if aliases:
        table.update(load_aliases(aliases))
    return table


def resolve_names(corpus: MentionCorpus, table: AliasTable) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The corpus-level decisions, one row per distinct name of ``corpus`` (indexed by its
    hash: ``keep``, ``entity_id``, ``label`` as voted within an article, ``forced`` label
    of the alias table or null), and the ``entities`` table."""
    names = corpus.names
    if names.empty:
        return (pd.DataFrame({"keep": pd.Series(dtype=bool), **{c: pd.Series(dtype=object) for c in
                                                                 ("entity_id", "label", "forced")}}).set_axis(corpus.hashes),
                pd.DataFrame({c: pd.Series(dtype=object) for c in _ENTITY_COLUMNS}))
    text_norm = _map_norms(names["text"], normalize_name)
    key_norm, surface = _article_keys(corpus, text_norm, table)
    key_norm = _merge_name_variants(corpus, text_norm, key_norm, names["label"], table)
    key_norm, surface, label = _follow_corpus_links(corpus, text_norm, key_norm, surface, table)

    keep = ~(text_norm.isin(table.ignore) | key_norm.isin(table.ignore))
    if (~keep).any():
        log.info("resolve_entities: %d mentions of ignored names dropped", names["n"][~keep].sum())
    work = pd.DataFrame({"g": key_norm, "surf": surface, "text": names["text"], "label": label,
                         "n": names["n"]})[keep]
    names = _canonical_names(work)
    entity_label = _entity_labels(work, names, table)
    entities = _entity_table(work, names, entity_label, corpus.articles_per(key_norm.where(keep)))
    entities["related"] = _related(entities["entity_id"], table)
    decisions = pd.DataFrame({"keep": keep, "entity_id": key_norm.map(entities["entity_id"]),
                              "label": key_norm.map(entity_label)})
    decisions.index = corpus.hashes
    entities = entities.reset_index(drop=True)[_ENTITY_COLUMNS].sort_values(
        ["n_articles", "n_mentions", "entity_id"], ascending=[False, False, True], ignore_index=True
    )
    return decisions, entities


def apply_names(mentions: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """``mentions`` (whole articles) with the decisions of :func:`resolve_names`: rows of
    ignored names dropped, ``entity_id`` added, each mention's ``label`` its entity's."""
    d = decisions.iloc[decisions.index.get_indexer(name_hashes(mentions))]
    keep = d["keep"].to_numpy(dtype=bool)
    m, d = mentions[keep].reset_index(drop=True), d[keep].reset_index(drop=True)
    m["label"] = d["label"].to_numpy()
    m["entity_id"] = d["entity_id"].to_numpy()
    return m


def _map_norms(values: pd.Series, func) -> pd.Series:
    """Apply a Python function once per distinct value (vectorised look-up after)."""
    codes, uniques = pd.factorize(values)
    return pd.Series(np.array([func(u) for u in uniques], dtype=object)[codes], index=values.index)


def _apply_merges(table: AliasTable, norm: pd.Series, surface: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Names the alias table merges -> their canonical name (normalised, and as spelled)."""
    canon = norm.map(table.merge)
    hit = canon.notna()
    return norm.mask(hit, _map_norms(canon[hit], normalize_name)), surface.mask(hit, canon)


def _article_keys(corpus: MentionCorpus, text_norm: pd.Series, table: AliasTable) -> tuple[pd.Series, pd.Series]:
    """Each name's key as its article linked it (normalised, and as spelled), except
    split names, acronyms of the alias table and well-known heads, which stand for
    themselves; then the alias merges."""
    m = corpus.names
    key_norm = _map_norms(m["key"], normalize_name)
    surface = m["key"].copy()
    if table.split:  # split names stand alone, even where the article linked them
        undo = text_norm.isin(table.split)
        key_norm, surface = key_norm.mask(undo, text_norm), surface.mask(undo, m["text"])
    # an acronym the alias table knows means what the table says, not another expansion
    # its letters spell in one article ("CDC" is not "Committee for Daily Coffee")
    canon = text_norm.map(table.merge)
    known = canon.notna() & m["text"].str.fullmatch(ACRONYM.pattern).fillna(False).astype(bool)
    if known.any():
        own = _map_norms(canon[known], normalize_name)
        key_canon = key_norm[known].map(table.merge)
        linked = _map_norms(key_canon.fillna(key_norm[known]), normalize_name)
        undo = pd.Series(False, index=text_norm.index)
        undo[known] = (own != linked).to_numpy()
        key_norm, surface = key_norm.mask(undo, text_norm), surface.mask(undo, m["text"])
    heads = (_well_known_heads(corpus, text_norm, key_norm) | _group_words(corpus, text_norm, key_norm)
             | _well_known_surnames(corpus, text_norm, key_norm))
    if heads.any():
        log.info("resolve_entities: %d mentions of well-known names or groups unlinked from longer names",
                 m["n"][heads].sum())
        key_norm, surface = key_norm.mask(heads, text_norm), surface.mask(heads, m["text"])
    return _apply_merges(table, key_norm, surface)


def _ends_with(longs: pd.Series, shorts: pd.Series) -> np.ndarray:
    """Is each short name the last word(s) of the long name beside it ("assad" of "bashar
    al assad")? Normalised names, compared word-wise."""
    return np.array([f" {k}".endswith(f" {t}") for t, k in zip(shorts, longs)], dtype=bool)


def _well_known_heads(corpus: MentionCorpus, text_norm: pd.Series, key_norm: pd.Series) -> pd.Series:
    """Mentions an article linked by their head to a rare longer name although the head is
    an entity of its own across the corpus ("the Fed" -> "Dallas Fed", "Medicare" ->
    "Privatizing Medicare", "White House" -> "Top White House"): the head named alone in
    at least ``_WELL_KNOWN_HEAD_MIN_ARTICLES`` articles and ``_WELL_KNOWN_RATIO`` times as many
    as the longer name; not people ("Ford" stays "Christine Ford")."""
    linked = (text_norm != key_norm).to_numpy()
    if not linked.any():
        return pd.Series(False, index=text_norm.index)
    n = corpus.names["n"]
    pairs = pd.DataFrame({"t": text_norm, "k": key_norm, "n": n,
                          "person": n * corpus.names["label"].eq("PERSON")})
    alone = corpus.articles_per(text_norm.where(~linked))
    n_key = corpus.articles_per(key_norm)
    by_t, by_k = pairs.groupby("t")[["person", "n"]].sum(), pairs.groupby("k")[["person", "n"]].sum()
    person = by_t["person"] / by_t["n"] >= 0.5
    person_key = by_k["person"] / by_k["n"] >= 0.5
    cand = pairs[linked].drop_duplicates(["t", "k"])
    n_alone = cand["t"].map(alone).fillna(0)
    keep = (
        _ends_with(cand["k"], cand["t"])
        & (n_alone >= _WELL_KNOWN_HEAD_MIN_ARTICLES).to_numpy()
        & (n_alone >= _WELL_KNOWN_RATIO * cand["k"].map(n_key)).to_numpy()
        & ~cand["t"].map(person).to_numpy(dtype=bool)
        & ~cand["k"].map(person_key).to_numpy(dtype=bool)
    )
    heads = pd.MultiIndex.from_frame(cand.loc[keep, ["t", "k"]])
    return pd.Series(pd.MultiIndex.from_arrays([text_norm, key_norm]).isin(heads), index=text_norm.index)


def _well_known_surnames(corpus: MentionCorpus, text_norm: pd.Series, key_norm: pd.Series) -> pd.Series:
    """One-word person mentions an article linked to a rare longer name that starts with a
    word glued on, no first name ("Obama" -> "Longtime Obama"): the word named alone as a
    person in at least ``_WELL_KNOWN_MIN_ARTICLES`` articles and ``_WELL_KNOWN_RATIO``
    times as many as the longer name. Unlinked, they follow their corpus-wide link."""
    person = corpus.names["label"].eq("PERSON").to_numpy()
    linked = (text_norm != key_norm).to_numpy() & person & ~text_norm.str.contains(" ", regex=False).to_numpy()
    if not linked.any():
        return pd.Series(False, index=text_norm.index)
    alone = corpus.articles_per(text_norm.where(~linked & person & (text_norm == key_norm).to_numpy()))
    n_key = corpus.articles_per(key_norm.where(linked))
    n_alone = text_norm.map(alone).fillna(0).to_numpy()
    cand = (linked & (n_alone >= _WELL_KNOWN_MIN_ARTICLES)
            & (n_alone >= _WELL_KNOWN_RATIO * key_norm.map(n_key).fillna(0).to_numpy())
            & _ends_with(key_norm, text_norm))
    cand[cand] = [first_name_gender(k) == "unknown" and k.split()[0] not in NAME_PARTICLES for k in key_norm[cand]]
    return pd.Series(cand, index=text_norm.index)


def _group_words(corpus: MentionCorpus, text_norm: pd.Series, key_norm: pd.Series) -> pd.Series:
    """Mentions an article linked to a longer name although, across the corpus, they name a
    group ("Republicans" -> "Log Cabin Republicans", "Mormons" -> "Mormons Building
    Bridges", both tagged as people): the name standing alone as a group (NORP) in at
    least ``_WELL_KNOWN_MIN_ARTICLES`` articles and in more than as anything else. Not
    the surname of a person's name ("French" of "David French")."""
    linked = (text_norm != key_norm).to_numpy()
    if not linked.any():
        return pd.Series(False, index=text_norm.index)
    alone = text_norm.where(~linked)
    group = corpus.articles_per(alone.where(corpus.names["label"].eq("NORP")))
    other = corpus.articles_per(alone.where(corpus.names["label"].ne("NORP")))
    n_group = text_norm.map(group).fillna(0)
    cand = linked & (n_group >= _WELL_KNOWN_MIN_ARTICLES).to_numpy() & (n_group > text_norm.map(other).fillna(0)).to_numpy()
    cand[cand] = [not named_like_person(k) for k in key_norm[cand]]
    return pd.Series(cand, index=text_norm.index)


def _merge_name_variants(corpus: MentionCorpus, text_norm: pd.Series, key_norm: pd.Series, label: pd.Series,
                         table: AliasTable) -> pd.Series:
    """Keys that are variants of another name of the corpus -> that name: person names
    with extra words, mentions linked to two person names run together, plural group
    names, person names differing in particles (in turn, each step seeing the merges of
    the previous ones)."""
    contained, together = _contained_people(_person_article_counts(corpus, key_norm, label), table)
    if contained:
        key_norm = key_norm.map(contained).fillna(key_norm)
    if together:
        key_norm = _own_names(text_norm, key_norm, together)
    plurals = _group_plurals(key_norm, label, table)
    if plurals:
        key_norm = key_norm.map(plurals).fillna(key_norm)
    variants = _particle_variants(_person_article_counts(corpus, key_norm, label), table)
    if variants:
        key_norm = key_norm.map(variants).fillna(key_norm)
    variants = _person_name_variants(_person_article_counts(corpus, key_norm, label), table)
    if variants:
        key_norm = key_norm.map(variants).fillna(key_norm)
    return key_norm


def _person_article_counts(corpus: MentionCorpus, key_norm: pd.Series, label: pd.Series) -> pd.Series:
    """Number of articles per person name (``key_norm`` of PERSON mentions), sorted by name."""
    return corpus.articles_per(key_norm.where(label.eq("PERSON")))


def _contained_people(n_art: pd.Series, table: AliasTable) -> tuple[dict, dict]:
    """Person names with extra words from NER span errors ("House Nancy Pelosi", "Add
    Donald Trump") -> the person name of >= 2 words they contain (the longest, when the
    others are inside it; else the one in twice as many articles as any other: "Crooked
    Hillary Clinton" -> "Hillary Clinton"), when that name is in at least twice as many
    articles (as many, for the name after a first word that is no first name: "Which Jane
    Roe" -> "Jane Roe").
    Left alone: two names run together ("Bernie Sanders Hillary Clinton"), a name followed
    by one more word, which is another person's surname ("Elizabeth Ann Seton"),
    generational suffixes ("Donald Trump Jr."), things named after people ("... Day") and
    names in the alias table. Returns the merges, and the names run together -> the names
    they hold."""
    known = n_art.to_dict()
    not_cut = GENERATION_SUFFIXES | NAMED_AFTER
    out, together = {}, {}
    for k, n in known.items():
        words = k.split()
        if len(words) < 3 or words[-1] in not_cut or k in table.split or k in table.merge:
            continue
        # a first word that is no first name ("Which Jane Roe", "Podcast Jane Roe")
        # leaves the rest of the name with less evidence needed
        junk_first = words[0] not in NAME_PARTICLES and first_name_gender(words[0]) == "unknown"
        found = {  # contained name -> its word range
            " ".join(words[i:j]): (i, j) for i in range(len(words)) for j in range(i + 2, len(words) + 1)
            if j - i < len(words)
            and known.get(" ".join(words[i:j]), 0) >= (1 if junk_first and (i, j) == (1, len(words)) else 2) * n
        }
        if any(a[1] <= b[0] for a in found.values() for b in found.values()):
            together[k] = list(found)  # two names side by side
            continue
        longest = max(found, key=len, default=None)
        if longest and all(f" {f} " in f" {longest} " for f in found):  # one name, or nested ones
            best = longest
        elif found:  # overlapping candidates ("Crooked Hillary" / "Hillary Clinton"): a clear favourite
            best, *rest = sorted(found, key=lambda f: -known[f])
            if known[best] < 2 * max(known[f] for f in rest):
                continue
        else:
            continue
        if found[best] != (0, len(words) - 1):
            out[k] = best
    if out:
        log.info("resolve_entities: %d person names with extra words merged into the name they contain", len(out))
    return out, together


def _own_names(text_norm: pd.Series, key_norm: pd.Series, together: dict) -> pd.Series:
    """Mentions an article linked to two person names run together -> the one of the two
    they are part of ("Trump", "Donald Trump" -> "Donald Trump", not "Vladimir
    Putin-Donald Trump"); the run-together name itself stays."""
    hit = key_norm.isin(together)

    def own(t: str, k: str) -> str:
        inside = [n for n in together[k] if f" {t} " in f" {n} "]
        return inside[0] if len(inside) == 1 else k

    return key_norm.mask(hit, pd.Series([own(t, k) for t, k in zip(text_norm[hit], key_norm[hit])],
                                        index=key_norm.index[hit], dtype=object))


def _group_plurals(key_norm: pd.Series, label: pd.Series, table: AliasTable) -> dict:
    """Plural group names -> the singular seen in the corpus ("Republicans" -> "Republican",
    "Americans" -> "American"): for nationalities and groups (NORP) one entity, not two."""
    groups = set(key_norm[label.eq("NORP").to_numpy()])
    return {k: k[:-1] for k in groups if k.endswith("s") and k[:-1] in groups and k not in table.split}


def _particle_variants(n_art: pd.Series, table: AliasTable) -> dict:
    """Person names that differ only in particles after the first name ("Bashar Assad",
    "Bashar al-Assad"; "Abdel Fattah el-Sisi", "Abdel Fattah al-Sisi") or in the spaces
    between initials ("George H.W. Bush", "George H. W. Bush") -> the one in most articles
    (``n_art``: articles per person name)."""
    names = n_art[[len(k.split()) > 1 and k not in table.split and k not in table.merge for k in n_art.index]]
    bare = pd.Series([_bare_name(k) for k in names.index], index=names.index)
    out = {}
    for _, keys in names.groupby(bare):
        if len(keys) > 1:
            best = keys.idxmax()
            out.update({k: best for k in keys.index if k != best})
    return out


def _bare_name(key: str) -> str:
    """A normalised person name without particles after its first word, its runs of
    one-letter initials written together ("george h w bush" -> "george hw bush")."""
    words = key.split()
    words = [words[0], *(w for w in words[1:] if w not in NAME_PARTICLES)]
    return re.sub(r"\b(\w) (?=\w\b)", r"\1", " ".join(words))


def _person_name_variants(n_art: pd.Series, table: AliasTable) -> dict:
    """Person names that are variants of a commoner name of the corpus -> that name (names
    parsed with nameparser, nicknames from the nicknames dataset):

    - middle initials: "Donald J. Trump", "Paul D. Ryan" -> "Donald Trump", "Paul Ryan",
      when the name without them (or with the first name's nickname: "Joseph R. Biden" ->
      "Joe Biden") is in at least three times as many articles and the middles seen with
      the same first and last name in at least as many articles can be one person's
      ("Donald J." and "Donald John" can; "George W. Bush" and "George H.W. Bush" cannot:
      neither is merged; a stray "Donald Trump Trump" in one article blocks nothing);
    - middle names: "Hillary Rodham Clinton" -> "Hillary Clinton", likewise when the name
      without it is in ten times as many articles ("John Bel Edwards" is not "John Edwards");
    - nicknames: "Bernard Sanders" -> "Bernie Sanders", "Joseph Biden" -> "Joe Biden": of
      two first-and-last names with the same last name whose first names are a name and
      its nickname, the rarer joins one in at least three times as many articles.

    Names with a generational suffix ("Donald Trump Jr.") or a title, and names the alias
    table merges or splits, are left alone (a canonical name of the table may gain
    variants). ``n_art``: articles per person name."""
    parts = {}
    for k in n_art.index:
        if len(k.split()) < 2 or k in table.split:
            continue
        name = HumanName(k)
        if name.first and name.last and not name.suffix and not name.title:
            parts[k] = (name.first, name.middle, name.last)
    out = {}
    middles: dict[tuple[str, str], list[str]] = {}
    for k, (first, middle, last) in parts.items():
        if middle:
            middles.setdefault((first, last), []).append(k)
    by_last: dict[str, list[str]] = {}
    for k, (first, middle, last) in parts.items():
        if not middle and len(k.split()) == 2:
            by_last.setdefault(last, []).append(k)
    for (first, last), fulls in middles.items():
        shorts = [s for s in by_last.get(last, ()) if parts[s][0] == first or nickname_of(parts[s][0], first)]
        if not shorts:
            continue
        short = max(shorts, key=lambda s: (n_art[s], s))
        for full in fulls:
            # another middle in at least as many articles may be another person's
            rivals = {parts[f][1] for f in fulls if f != full and n_art[f] >= n_art[full]}
            initials = all(len(w) <= 2 for w in parts[full][1].split())  # "J", "HW"
            if (_compatible_middles(rivals | {parts[full][1]}) and full not in table.merge
                    and n_art[short] >= (3 if initials else 10) * n_art[full]):
                out[full] = short
    for names in by_last.values():
        for k in names:
            related = [o for o in names if o != k and nickname_of(parts[o][0], parts[k][0])
                       and n_art[o] >= 3 * n_art[k] and k not in table.merge]
            if related:
                out[k] = max(related, key=lambda o: (n_art[o], o))
    if out:
        log.info("resolve_entities: %d person-name variants merged (middle names, nicknames)", len(out))
    return out


def _compatible_middles(middles: set[str]) -> bool:
    """Can these middle names be one person's: each the same as, or the initial of, each
    other ("j", "john"; not "w", "hw": George W. and George H.W. Bush)?"""
    return all(a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))
               for a in middles for b in middles)


def _follow_corpus_links(
    corpus: MentionCorpus, text_norm: pd.Series, key_norm: pd.Series, surface: pd.Series, table: AliasTable
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Unlinked short forms that follow their consistent link elsewhere: returns the keys
    (normalised, and as spelled) and the labels (mislabelled surnames become PERSON)."""
    # A surname or acronym left alone in an article follows the full name it was linked
    # to elsewhere, when at least 2 articles and 75% of its linking articles agree.
    # (Not heads, "Court", nor most first names, "Robert": they name different ones
    # elsewhere; a first name does when at least 10 articles and 90% of its linking ones
    # agree: "Hillary", "Kim" (Kim Jong Un); in 5 to 9 articles, only when that full name is
    # also in 90% of the articles naming someone with that first name: "Bernie"; not
    # "Bill", also Bill de Blasio and Bill Gates.)
    # A surname the tagger mislabelled ("Trump" is often ORG, "Pelosi" GPE) follows a person
    # too, as a person, when it is linked in at least as many articles as it stands alone
    # under another label.
    m = corpus.names
    label = m["label"].copy()
    linked = text_norm != key_norm
    acronym = m["text"].str.fullmatch(ACRONYM.pattern).fillna(False).astype(bool)
    person = m["label"].eq("PERSON")
    # per (short form, key): the articles linking them, each judged by its first such mention
    pair = pd.Series(list(zip(text_norm, key_norm)), index=m.index, dtype=object).where(linked)
    firsts, first_name = corpus.first_rows(pair)
    if not len(firsts):
        return key_norm, surface, label
    firsts = firsts.assign(acr=acronym.to_numpy()[firsts["sig"]],
                           person=firsts["n"] * person.to_numpy()[firsts["sig"]])
    links = firsts.groupby("value", sort=False).agg(n=("n", "sum"), acr=("acr", "max"), person=("person", "sum"))
    links["person"] = links["person"] / links["n"]
    links["surf"] = surface.to_numpy()[first_name.reindex(links.index).to_numpy()]
    links.index = pd.MultiIndex.from_tuples(links.index, names=["s", "k"])
    links = links.reset_index()
    links["share"] = links["n"] / links.groupby("s")["n"].transform("sum")
    first_name = (links["share"] >= _FIRST_NAME_MIN_SHARE) & (links["person"] >= 0.5) & ~links["s"].str.contains(
        " ", regex=False)
    few = first_name & links["n"].between(_FIRST_NAME_FEW_ARTICLES, _FIRST_NAME_MIN_ARTICLES - 1)
    first_name &= links["n"] >= _FIRST_NAME_MIN_ARTICLES
    if few.any():
        shares = _first_name_shares(corpus, key_norm, m["label"])
        first_name |= few & (links["k"].map(shares).fillna(0) >= _FIRST_NAME_MIN_NAME_SHARE)
    links = links[(links["n"] >= _PROPAGATE_MIN_ARTICLES) & (links["share"] >= _PROPAGATE_MIN_SHARE)
                  & (links["acr"] | _ends_with(links["k"], links["s"]) | first_name)]
    links = links[~links["s"].isin(table.split)].set_index("s")
    n_alone = corpus.articles_per(text_norm.where(~linked & ~person))
    person_link = (links["person"] >= 0.5) & (links["n"] >= n_alone.reindex(links.index).fillna(0))
    mislabelled = key_norm.map(person_link).eq(True) & ~person
    # a person follows only a link most of whose mentions are people ("Hill", Anita Hill,
    # does not follow the "Hill" of "Capitol Hill")
    to_person = key_norm.map(links["person"] >= 0.5).eq(True)
    alone = ~linked & ((person & to_person) | acronym | mislabelled) & key_norm.isin(links.index)
    if alone.any():
        log.info("resolve_entities: %d unlinked short-form mentions follow their corpus-wide link",
                 m["n"][alone].sum())
        label.loc[alone & mislabelled] = "PERSON"
        short = key_norm[alone]
        key_norm, surface = key_norm.mask(alone, short.map(links["k"])), surface.mask(alone, short.map(links["surf"]))
        key_norm, surface = _apply_merges(table, key_norm, surface)
    return key_norm, surface, label


def _first_name_shares(corpus: MentionCorpus, key_norm: pd.Series, label: pd.Series) -> pd.Series:
    """Per person name of two words or more, its share of the articles naming a person
    with its first word (articles counted per name and summed): "hillary clinton" 0.95,
    "bill clinton" 0.6 beside "bill de blasio", "bill gates"."""
    n_art = _person_article_counts(corpus, key_norm, label)
    n_art = n_art[[" " in k for k in n_art.index]].astype(float)
    return n_art / n_art.groupby([k.split(" ", 1)[0] for k in n_art.index]).transform("sum") if len(n_art) else n_art


def _canonical_names(work: pd.DataFrame) -> pd.Series:
    """Each entity's name (``work``: a row per kept name, ``g, surf, n``): the commonest
    spelling of its key or its plural ("Republicans"), else of any name merged into it
    ("Jane Roe", not the "Which Jane Roe" it was found as)."""
    name = most_common(work, "g", "surf", weight="n")
    norm = _map_norms(work["surf"], normalize_name)
    exact = work[(norm.eq(work["g"]) | norm.eq(work["g"] + "s")).to_numpy()]
    return most_common(exact, "g", "surf", weight="n").reindex(name.index).fillna(name)


def _entity_labels(work: pd.DataFrame, names: pd.Series, table: AliasTable) -> pd.Series:
    """One label per entity (``work``: a row per kept name, ``g, label, n``; ``names``: by key): the
    majority of its mentions'; PERSON for a name with a clear first name ("Kathleen
    Sebelius", :func:`~newscope.entities.names.named_like_person`) that at least
    ``_PERSON_MIN_SHARE`` of its mentions call a person, whatever most say; the alias
    table's label when it forces one."""
    label = most_common(work, "g", "label", weight="n")
    votes = work.assign(p=work["n"] * work["label"].eq("PERSON")).groupby("g")[["p", "n"]].sum()
    share = (votes["p"] / votes["n"]).reindex(label.index)
    names = names.reindex(label.index)
    person = ((share >= _PERSON_MIN_SHARE) & label.ne("PERSON")).to_numpy(copy=True)
    person[person] = [named_like_person(n) for n in names.to_numpy()[person]]
    label = label.mask(person, "PERSON")
    if table.labels:
        label = pd.Series(table.labels).reindex(label.index).fillna(label)
    return label


def _related(ids: pd.Series, table: AliasTable) -> pd.Series:
    """Per entity (``ids`` indexed by normalised key), the sorted ids of the entities the
    alias table's ``related`` section relates it to, both ways ("Syria", "Syrian"). A
    name is looked up as the alias table merges it, then as its plural ("American" ->
    the "Americans" of a corpus that never has the singular)."""
    def key(name: str) -> str | None:
        name = normalize_name(table.merge.get(name, name))
        return next((k for k in (name, f"{name}s") if k in ids.index), None)

    out: dict[str, set[str]] = {}
    for a, b in table.related:
        ka, kb = key(a), key(b)
        if ka and kb and ka != kb:
            out.setdefault(ka, set()).add(ids[kb])
            out.setdefault(kb, set()).add(ids[ka])
    return pd.Series([sorted(out.get(k, ())) for k in ids.index], index=ids.index, dtype=object)


def _entity_table(work: pd.DataFrame, name: pd.Series, label: pd.Series, n_articles: pd.Series) -> pd.DataFrame:
    """One row per entity, indexed by its normalised key ``g``: name (:func:`_canonical_names`),
    label, aliases (other spellings, commonest first), counts and ``entity_id``.
    ``work`` has a row per kept name (``g, surf, text, n`` mentions)."""
    stats = pd.DataFrame({"n_mentions": work.groupby("g")["n"].sum(), "n_articles": n_articles})
    spellings = work.groupby(["g", "text"], sort=False)["n"].sum().reset_index(name="n")
    spellings = spellings.sort_values(["g", "n", "text"], ascending=[True, False, True])
    spellings = spellings[spellings["text"] != spellings["g"].map(name)]
    alias_lists = spellings.groupby("g")["text"].agg(list)

    ent = stats.assign(name=name, label=label)
    ent["aliases"] = alias_lists.reindex(ent.index)
    ent["aliases"] = ent["aliases"].apply(lambda v: v if isinstance(v, list) else [])
    ids = pd.Series([entity_id(n, lab) for n, lab in zip(ent["name"], ent["label"])], index=ent.index)
    clash = ids.duplicated(keep=False)  # slugs equal only when non-ASCII letters differ
    ids[clash] = [f"{i}-{hashlib.sha1(g.encode()).hexdigest()[:8]}" for i, g in zip(ids[clash], ids.index[clash])]
    ent["entity_id"] = ids
    return ent
