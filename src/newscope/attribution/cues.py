"""The cue lexicon: the words that introduce an attribution, read from ``data/words/cues.tsv``.

The table's header explains its columns and how the list was curated; its ``class``
column is the ``cue_class`` of the source-attribution report (see :func:`cue_class`), its
``act`` column the ``act`` of each attribution (see :func:`cue_act`).
"""

from __future__ import annotations

from newscope.lexicon import rows

_TABLE = rows("cues")

#: Reporting, cognition and stance verbs the verb pass looks for.
CUE_VERBS = frozenset(r["lemma"] for r in _TABLE if r["pos"] == "verb")
#: Nouns that report speech or stance when they have a holder ("Trump's claim that ...").
CUE_NOUNS = frozenset(r["lemma"] for r in _TABLE if r["pos"] == "noun")
#: Cue verbs only when they frame a clause or a quote, not with an object ("read the bill").
CLAUSE_ONLY_CUES = frozenset(r["lemma"] for r in _TABLE if r["clause_only"] == "yes")
#: Verbs whose object is the addressee (channel), not the content.
ADDRESSEE_CUES = frozenset(r["lemma"] for r in _TABLE if r["addressee"] == "yes")
_CLASSES = {r["lemma"]: r["class"] for r in _TABLE}
_ACTS = {r["lemma"]: r["act"] for r in _TABLE}
#: Kinds of attribution that frame a quote: their cue reports speech whatever its lemma.
QUOTE_KINDS = frozenset({"direct", "mixed", "continuation"})


def cue_class(lemma: str | None) -> str:
    """``"neutral"`` (say, tell, ...), ``"loaded"`` (claim, admit, insist, ...) or ``"other"``.

    "other" covers speech acts that name what was done (warn, deny, accuse, urge, ...) and
    lemmas not in the table.
    """
    return _CLASSES.get(_table_key(lemma), "other")


def cue_act(lemma: str | None, kind: str) -> str:
    """``"speech"`` (said, wrote, tweeted, announced, ...), ``"stance"`` (believes, wants,
    supports, ...) or ``"none"`` (declined, dubbed, showed: no one's words or mind): the
    table's ``act`` for a listed lemma, but always speech for a quote; else stance
    ("growing fears that ...")."""
    act = _ACTS.get(_table_key(lemma))
    if kind in QUOTE_KINDS and act in (None, "none"):
        return "speech"  # a quote is speech, whatever verb frames it
    return act or "stance"


def _table_key(lemma: str | None) -> str | None:
    """A cue lemma as the table lists it: lower case, single spaces (None for no lemma)."""
    return " ".join(lemma.lower().split()) if isinstance(lemma, str) else None
