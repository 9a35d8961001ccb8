"""Speakers -> corpus entities: link each attribution's speaker to the entity of the
mention it overlaps most, name the writer's own attributions from the byline, and give
each speaker entity one type and each person speaker a gender."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from newscope.attribution.speakers import AUTHOR
from newscope.entities.names import TITLE_GENDER, first_name_gender, named_like_person
from newscope.tables import most_common


def link_speakers(attributions: pd.DataFrame, mentions: pd.DataFrame, entities: pd.DataFrame) -> pd.DataFrame:
    """Add ``speaker_entity_id`` from the mention overlapping each speaker span most (the
    first such mention on ties); rename linked speakers to their entity's name.

    ``mentions`` needs ``article_id, start, end, entity_id``; ``entities`` needs
    ``entity_id, name``. Memory and time are linear in the rows: every article gets its own
    stretch of one number line and each speaker span is looked up with ``searchsorted``.
    """
    out = attributions.copy()
    out["speaker_entity_id"] = pd.Series(pd.NA, index=out.index, dtype="object")
    has = (out["speaker_start"].notna() & out["speaker_end"].notna()).to_numpy()
    if not has.any() or mentions.empty:
        return out
    codes = pd.Index(pd.unique(pd.concat([mentions["article_id"], out.loc[has, "article_id"]])))
    stride = int(max(mentions["end"].max(), out.loc[has, "speaker_end"].max())) + 1
    m_code = codes.get_indexer(mentions["article_id"]).astype(np.int64)
    order = np.lexsort((mentions["start"].to_numpy(), m_code))
    m_start = m_code[order] * stride + mentions["start"].to_numpy(dtype=np.int64)[order]
    m_end = m_code[order] * stride + mentions["end"].to_numpy(dtype=np.int64)[order]
    s_code = codes.get_indexer(out.loc[has, "article_id"]).astype(np.int64) * stride
    s_start = s_code + out.loc[has, "speaker_start"].to_numpy(dtype=np.int64)
    s_end = s_code + out.loc[has, "speaker_end"].to_numpy(dtype=np.int64)
    # candidates: mentions starting before the span's end whose running maximum end passes its start
    lo = np.searchsorted(np.maximum.accumulate(m_end), s_start, side="right")
    n = np.maximum(np.searchsorted(m_start, s_end, side="left") - lo, 0)
    row = np.repeat(np.arange(len(s_start)), n)
    cand = np.repeat(lo, n) + np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    overlap = np.minimum(s_end[row], m_end[cand]) - np.maximum(s_start[row], m_start[cand])
    row, cand, overlap = row[overlap > 0], cand[overlap > 0], overlap[overlap > 0]
    best = np.lexsort((-overlap, row))  # per span, largest overlap first; stable: earliest mention on ties
    spans, first = np.unique(row[best], return_index=True)
    out.loc[out.index[has][spans], "speaker_entity_id"] = mentions["entity_id"].to_numpy()[order][cand[best][first]]
    names = entities.set_index("entity_id")["name"]
    linked = out["speaker_entity_id"].notna()
    out.loc[linked, "speaker"] = out.loc[linked, "speaker_entity_id"].map(names).fillna(out.loc[linked, "speaker"])
    return out


def first_authors(articles: pd.DataFrame) -> pd.Series:
    """The first author of each article's byline (``articles.authors``), by article id; with
    no byline, the person the article's last line presents ("Patrick Caddell is a Fox News
    contributor.", "— Jane Roe is a fellow at ..."), else the person whose words the title
    announces ("Bernie Sanders: Corporate Media is a Threat to Democracy")."""
    indexed = articles.set_index("article_id")
    bylines = indexed["authors"].dropna() if "authors" in indexed else pd.Series(dtype=object)
    first = bylines.str.split(r",|;|\band\b", n=1, regex=True).str[0].str.strip(" \"'“”")
    first = first[first.ne("")]
    if "text" in indexed:
        unsigned = indexed.loc[~indexed.index.isin(first.index), "text"].dropna()
        bios = unsigned.str[-800:].str.extract(_BIO_LINE, expand=False).dropna()
        bios = bios[bios.map(first_name_gender).isin(["male", "female"])]  # a person: not "The White House"
        first = pd.concat([first, bios])
    if "title" in indexed:
        untitled = indexed.loc[~indexed.index.isin(first.index), "title"].dropna()
        speakers = untitled.str.extract(_TITLE_SPEAKER, expand=False).dropna()
        named = speakers.map(first_name_gender).ne("unknown")  # a person: not "Supreme Court: ..."
        first = pd.concat([first, speakers[named]])
    return first


#: A title opening with a person's name and a colon: the speech or interview that follows.
_TITLE_SPEAKER = r"^((?:[A-Z][\w.'’-]*[ \t]+){1,3}[A-Z][\w'’-]+):[ \t]"
#: A closing line presenting the writer: a name of two to five words, then "is" or "serves".
_BIO_LINE = (r"(?m)^[ \t*—–-]*((?:[A-Z][\w.'’-]*\.?[ \t]+){1,4}(?:[A-Z][\w'’-]+|I{2,3}|Jr\.|Sr\.))"
             r"[ \t]+(?:is|serves)[ \t][^\n]*\Z")


def name_authors(attributions: pd.DataFrame, authors: pd.Series) -> pd.DataFrame:
    """The writer's own attributions (``speaker_type`` ``author``: first person outside
    quotes, the questions of a Q&A) get their article's first author (:func:`first_authors`)
    as ``speaker``; with no byline the speaker stays empty."""
    out = attributions.copy()
    is_author = out["speaker_type"].eq(AUTHOR)
    if not is_author.any():
        return out
    names = out.loc[is_author, "article_id"].map(authors).astype(object)
    out["speaker"] = out["speaker"].astype(object)
    out.loc[is_author, "speaker"] = names.where(names.notna(), None)
    return out


def speaker_type_votes(attributions: pd.DataFrame) -> pd.DataFrame:
    """Per speaker entity and type other than ``unknown``, its number of attributions
    (``speaker_entity_id, speaker_type, n``): add them up over parts of a corpus."""
    linked = attributions["speaker_entity_id"].notna() & attributions["speaker_type"].ne("unknown")
    return (attributions.loc[linked].groupby(["speaker_entity_id", "speaker_type"]).size()
            .rename("n").reset_index())


#: The share of an entity's typed attributions that make it a person speaker.
PERSON_SHARE = 1 / 3


def unify_speaker_types(attributions: pd.DataFrame, entities: pd.DataFrame,
                        votes: pd.DataFrame | None = None) -> pd.DataFrame:
    """One ``speaker_type`` per speaker entity: ``person`` for a PERSON entity, one named
    like a person ("Roger Ailes" tagged ORG) or one typed person in at least
    :data:`PERSON_SHARE` of its attributions, else its
    most frequent type among its attributions other than ``unknown`` (ties: alphabetically
    first; ``unknown`` when it has no other). Unlinked speakers keep their own type.

    ``entities`` needs ``entity_id, label, name``; ``attributions`` ``speaker_entity_id, speaker_type``;
    ``votes`` are the corpus's :func:`speaker_type_votes` (default: those of ``attributions``).
    """
    out = attributions.copy()
    linked = out["speaker_entity_id"].notna()
    if not linked.any():
        return out
    typed = speaker_type_votes(out) if votes is None else votes
    voted = (most_common(typed, "speaker_entity_id", "speaker_type", weight="n") if len(typed)
             else pd.Series(dtype=object))
    share = typed["n"].where(typed["speaker_type"].eq("person"), 0).groupby(typed["speaker_entity_id"]).sum() \
        / typed.groupby("speaker_entity_id")["n"].sum() if len(typed) else pd.Series(dtype=float)
    people = pd.concat([  # an entity its articles often type as a person is one ("Kellyanne Conway" tagged ORG)
        entities.loc[entities["label"].eq("PERSON") | entities["name"].map(named_like_person), "entity_id"],
        pd.Series(share.index[share >= PERSON_SHARE])]).drop_duplicates()
    types = pd.concat([voted.drop(people, errors="ignore"), pd.Series("person", index=people)])
    out.loc[linked, "speaker_type"] = out.loc[linked, "speaker_entity_id"].map(types).fillna("unknown")
    return out


_MALE_PRONOUNS, _FEMALE_PRONOUNS = frozenset({"he", "him"}), frozenset({"she", "her"})
#: How speaker_gender is inferred (shown in the report beside the figures that use it).
GENDER_METHOD = (
    "Speaker gender is inferred, not self-identified, and binary: from the articles' own words for the "
    "speaker (\"he\" or \"she\" as the source of their attributions, a courtesy title such as Mr., Ms. or "
    "Mrs.), else from the first name when the gender-guesser name list calls it clearly male or female. "
    "People for whom neither says anything are \"unknown\"; organisations and unnamed sources have no gender.")


def gender_votes(attributions: pd.DataFrame, *, entities_only: bool = False) -> pd.DataFrame:
    """Per person speaker (its entity, else its name within the article; ``entities_only``:
    entities only) the ``male`` and ``female`` cues of its attributions' source texts
    (pronouns, courtesy titles): add them up over parts of a corpus."""
    key, frame = _person_speakers(attributions)
    if entities_only:
        key = key[frame["speaker_entity_id"].notna()]
    words = frame.loc[key.index, "source_text"].fillna("").str.lower().str.findall(r"[a-z]+")
    cue = words.map(_text_gender)
    return pd.crosstab(key, cue).reindex(columns=["male", "female"], fill_value=0)


def _person_speakers(attributions: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """Each person speaker's (or named author's) key (its entity, else article and name)
    and its rows."""
    person = attributions["speaker_type"].isin(["person", AUTHOR]) & attributions["speaker"].notna()
    frame = attributions.loc[person, ["article_id", "speaker", "speaker_entity_id", "source_text"]]
    key = frame["speaker_entity_id"].astype("string").fillna(frame["article_id"] + "\x1f" + frame["speaker"])
    return key, frame


def speaker_genders(attributions: pd.DataFrame, *, min_share: float = 2 / 3,
                    votes: pd.DataFrame | None = None) -> pd.Series:
    """``speaker_gender`` per attribution: ``female``, ``male`` or ``unknown`` for person and
    named author speakers, None for the others. One gender per speaker (its entity, else its name within
    the article), from all its attributions: pronoun sources and courtesy titles when one
    gender has at least ``min_share`` of them, else the first name's gender in the
    gender-guesser list (only its clear ``male``/``female``), else unknown.

    ``attributions`` needs ``article_id, speaker, speaker_type, speaker_entity_id, source_text``;
    ``votes`` are the corpus's :func:`gender_votes` of speaker entities (default: those of
    ``attributions``; ``attributions`` must then hold whole articles).
    """
    key, frame = _person_speakers(attributions)
    person = attributions.index.isin(frame.index)
    local = gender_votes(attributions)
    votes = local if votes is None else votes.reindex(columns=["male", "female"]).combine_first(local)
    total = votes.sum(axis=1)
    by_text = pd.Series(np.select([votes["male"] >= min_share * total, votes["female"] >= min_share * total],
                                  ["male", "female"], None), index=votes.index).where(total > 0)
    names = frame.groupby(key)["speaker"].first()
    gender = by_text.reindex(names.index).fillna(names.map(_name_gender))
    return key.map(gender).reindex(attributions.index).astype(object).where(person, None)


def _text_gender(words: list[str]) -> str | None:
    """The gender a source's own words give: a lone pronoun ("he") or a leading title ("Mr. ...")."""
    if len(words) == 1 and words[0] in _MALE_PRONOUNS | _FEMALE_PRONOUNS:
        return "male" if words[0] in _MALE_PRONOUNS else "female"
    return TITLE_GENDER.get(words[0]) if words else None


def _name_gender(name: str) -> str:
    """``male``/``female`` when the first name is clearly one in the name list, else
    ``unknown`` (also for a group: "Donald Trump and Mike Pence")."""
    if re.search(r",| and | & ", name):
        return "unknown"
    guess = first_name_gender(name)
    return guess if guess in ("male", "female") else "unknown"
