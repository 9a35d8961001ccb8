"""Speakers -> corpus entities: link each attribution's speaker to the entity of the
mention it overlaps most, and give each speaker entity one type."""

from __future__ import annotations

import numpy as np
import pandas as pd

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


def unify_speaker_types(attributions: pd.DataFrame, entities: pd.DataFrame) -> pd.DataFrame:
    """One ``speaker_type`` per speaker entity: ``person`` for a PERSON entity, else its
    most frequent type among its attributions other than ``unknown`` (ties: alphabetically
    first; ``unknown`` when it has no other). Unlinked speakers keep their own type.

    ``entities`` needs ``entity_id, label``; ``attributions`` ``speaker_entity_id, speaker_type``.
    """
    out = attributions.copy()
    linked = out["speaker_entity_id"].notna()
    if not linked.any():
        return out
    typed = out.loc[linked & out["speaker_type"].ne("unknown"), ["speaker_entity_id", "speaker_type"]]
    voted = most_common(typed, "speaker_entity_id", "speaker_type") if len(typed) else pd.Series(dtype=object)
    people = entities.loc[entities["label"].eq("PERSON"), "entity_id"]
    types = pd.concat([voted.drop(people, errors="ignore"), pd.Series("person", index=people)])
    out.loc[linked, "speaker_type"] = out.loc[linked, "speaker_entity_id"].map(types).fillna("unknown")
    return out
