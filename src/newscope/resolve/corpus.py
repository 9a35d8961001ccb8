"""The corpus's mentions as entity resolution reads them: the distinct names and counts
over the articles, computed part by part.

Every corpus-level decision about names depends on a mention only through its ``text``,
``key`` and ``label`` (its *name*) and its article. :class:`MentionCorpus` holds one row per
distinct name (with its number of mentions) and, per part, a small code file (the article
and a 64-bit hash of the name per mention); counts of articles over any grouping of the
names are then passes over the code files. Memory grows with the number of distinct names,
not with the number of articles. (Two names with the same 64-bit hash would be counted as
one: at a million distinct names the chance is about 3 in 10^8.)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from newscope.resolve.parts import ROW_ORDER, Engine, Rows

NAME_COLUMNS = ["text", "key", "label"]


def name_hashes(mentions: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash of each mention's name (``text``, ``key``, ``label``)."""
    return pd.util.hash_pandas_object(mentions[NAME_COLUMNS].astype(object), index=False).to_numpy()


def _encode(mentions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The codes (``a``: article number in the part, ``h``: name hash, ``article_id``) and
    the distinct names (indexed by hash: text, key, label, ``n`` mentions) of one part."""
    h = name_hashes(mentions)
    codes = pd.DataFrame({"a": pd.factorize(mentions["article_id"])[0].astype(np.int32), "h": h,
                          "article_id": mentions["article_id"].to_numpy()})
    names = mentions[NAME_COLUMNS].assign(h=h).groupby("h", sort=False).agg(
        text=("text", "first"), key=("key", "first"), label=("label", "first"), n=("text", "size"))
    return codes, names


def _add_names(x: pd.DataFrame, y: pd.DataFrame) -> pd.DataFrame:
    n = x["n"].add(y["n"], fill_value=0).astype(np.int64)
    out = pd.concat([x, y[~y.index.isin(x.index)]])
    return out.assign(n=n.reindex(out.index))


def _encode_part(part: str, rows: Rows, codes_dir: Path) -> pd.DataFrame:
    codes, names = _encode(rows.read("mentions", part, ["article_id", *NAME_COLUMNS]))
    codes.to_parquet(codes_dir / f"{part}.parquet", index=False)
    return names


def _sigs(codes: pd.DataFrame, index: pd.Index) -> np.ndarray:
    return index.get_indexer(codes["h"].to_numpy())


def _article_counts_part(item, index: pd.Index, group: np.ndarray, n_groups: int) -> np.ndarray:
    codes = _load(item, ["a", "h"])
    g = group[_sigs(codes, index)]
    sel = g >= 0
    pairs = np.unique(codes["a"].to_numpy(np.int64)[sel] * n_groups + g[sel])
    return np.bincount(pairs % n_groups, minlength=n_groups)


def _first_rows_part(item, index: pd.Index, group: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes = _load(item, ["a", "h", "article_id"])
    sig = _sigs(codes, index)
    frame = pd.DataFrame({"a": codes["a"], "g": group[sig], "sig": sig, "article_id": codes["article_id"]})
    frame = frame[frame["g"] >= 0].drop_duplicates(["a", "g"])
    counts = frame.groupby(["g", "sig"]).size().rename("n").reset_index()
    first = frame.drop_duplicates("g")[["g", "article_id", "sig"]]
    return counts, first


def _add_first_rows(x, y):
    counts = pd.concat([x[0], y[0]]).groupby(["g", "sig"], as_index=False)["n"].sum()
    first = pd.concat([x[1], y[1]]).sort_values(["g", "article_id"], kind="stable").drop_duplicates("g")
    return counts, first


def _load(item, columns):
    return item[columns] if isinstance(item, pd.DataFrame) else pd.read_parquet(item, columns=columns)


@dataclass
class MentionCorpus:
    """Distinct names (``names``: text, key, label, ``n`` mentions; row ``i`` is name ``i``)
    and the per-part code files (or frames) the article counts are computed from."""

    names: pd.DataFrame
    hashes: pd.Index
    items: list
    engine: Engine

    @classmethod
    def from_rows(cls, rows: Rows, engine: Engine, codes_dir: Path) -> MentionCorpus:
        """Encode every mentions part of ``rows`` (one pass); code files go to ``codes_dir``."""
        codes_dir.mkdir(parents=True, exist_ok=True)
        parts = rows.parts()
        names = engine.fold(functools.partial(_encode_part, rows=rows, codes_dir=codes_dir), parts, _add_names,
                            desc="resolve: names")
        return cls._indexed(names, [codes_dir / f"{p}.parquet" for p in parts], engine)

    @classmethod
    def from_frame(cls, mentions: pd.DataFrame, engine: Engine) -> MentionCorpus:
        """The corpus of one in-memory mentions frame, in any row order (read as a rows
        folder's part: by article and offset, so that :meth:`first_rows` finds the same)."""
        codes, names = _encode(mentions.sort_values(ROW_ORDER["mentions"], kind="stable"))
        return cls._indexed(names, [codes], engine)

    @classmethod
    def _indexed(cls, names, items, engine) -> MentionCorpus:
        names = names.sort_index()
        return cls(names.reset_index(drop=True), pd.Index(names.index), items, engine)

    def sigs(self, mentions: pd.DataFrame) -> np.ndarray:
        """The name number of each row of ``mentions`` (rows of this corpus)."""
        return self.hashes.get_indexer(name_hashes(mentions))

    def articles_per(self, values: pd.Series) -> pd.Series:
        """Number of articles with a mention of each value of ``values`` (one per name;
        null: not counted), indexed by value, sorted."""
        codes, uniques = pd.factorize(values)
        if not len(uniques):
            return pd.Series(dtype=np.int64)
        counts = self.engine.fold(
            functools.partial(_article_counts_part, index=self.hashes, group=codes, n_groups=len(uniques)),
            self.items, np.add, desc="resolve: counts")
        return pd.Series(counts, index=uniques).sort_index()

    def first_rows(self, values: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
        """For each value of ``values`` (one per name; null: left out): per name, the number
        of articles whose first mention with that value is of that name (``value, sig,
        n``), and the name of the corpus's first such mention (by article id and offset)."""
        codes, uniques = pd.factorize(values)
        counts, first = self.engine.fold(functools.partial(_first_rows_part, index=self.hashes, group=codes),
                                         self.items, _add_first_rows, desc="resolve: links")
        counts = counts.assign(value=uniques[counts["g"].to_numpy()])
        first = pd.Series(first["sig"].to_numpy(), index=uniques[first["g"].to_numpy()])
        return counts[["value", "sig", "n"]], first
