"""Near-duplicate texts: word 5-gram shingles, MinHash signatures with LSH banding, groups.

Near duplicates are texts whose word 5-gram shingle Jaccard similarity is at least a
threshold; candidates are found by MinHash with LSH banding and verified on the shingle
sets. Groups of duplicates are the connected components of the pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from tqdm.auto import tqdm

from newscope.ingest.clean import fold

_SHINGLE = 5
_N_HASHES, _BAND_ROWS = 64, 4
_MOD_P = 1_000_003
_POW = np.ones(1, dtype=np.uint64)
_INV_POW = np.ones(1, dtype=np.uint64)


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``P**j`` and ``P**-j`` modulo 2**64 for ``j < n`` (P is odd, hence invertible)."""
    global _POW, _INV_POW
    if len(_POW) < n:
        size = max(n, 2 * len(_POW))
        _POW = np.r_[np.uint64(1), np.cumprod(np.full(size - 1, _MOD_P, dtype=np.uint64))]
        _INV_POW = np.r_[np.uint64(1), np.cumprod(np.full(size - 1, pow(_MOD_P, -1, 2**64), dtype=np.uint64))]
    return _POW[:n], _INV_POW[:n]


def shingles(text: str) -> np.ndarray:
    """Hashes of the word 5-grams of ``text`` (case-folded words; stable across runs)."""
    b = np.frombuffer(fold(text), dtype=np.uint8).astype(np.uint64)
    in_word = np.r_[False, b != 32, False].astype(np.int8)
    edges = np.diff(in_word)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if not len(starts):
        return np.zeros(1, dtype=np.uint64)
    pw, inv = _powers(len(b))
    prefix = np.r_[np.uint64(0), np.cumsum(b * pw)]
    words = (prefix[ends] - prefix[starts]) * inv[starts]  # position-free polynomial hash of each word
    n = len(words) - _SHINGLE + 1
    if n < 1:
        return np.array([words.sum()], dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    for j in range(_SHINGLE):
        h = h * np.uint64(_MOD_P) + words[j: j + n]
    return h


def minhash_signatures(texts: Sequence[str], progress: bool = False, chunk: int = 2000) -> np.ndarray:
    """One row of 64 MinHash values (multiply-shift hashes of word 5-grams) per text.

    Computed in chunks of ``chunk`` texts so memory stays bounded on large corpora.
    """
    rng = np.random.default_rng(20130519)
    a = rng.integers(1, 2**63, size=_N_HASHES, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=_N_HASHES, dtype=np.uint64)
    sig = np.empty((len(texts), _N_HASHES), dtype=np.uint64)
    bar = tqdm(total=len(texts), desc="minhash", unit="doc", disable=not progress or None)
    for lo in range(0, len(texts), chunk):
        per_text = [shingles(t) for t in texts[lo:lo + chunk]]
        offsets = np.r_[0, np.cumsum([len(x) for x in per_text])[:-1]]
        flat = np.concatenate(per_text)
        for k in range(_N_HASHES):
            sig[lo:lo + len(per_text), k] = np.minimum.reduceat(flat * a[k] + b[k], offsets)
        bar.update(len(per_text))
    bar.close()
    return sig


def near_duplicate_pairs(texts: Sequence[str], threshold: float, progress: bool = False) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, of texts whose word 5-gram Jaccard similarity is >= ``threshold``.

    MinHash signatures with LSH banding (16 bands of 4 rows) propose candidates; each
    candidate is verified on the exact shingle sets, so no pair below the threshold is
    reported (pairs far above it are found with probability > 0.999).
    """
    if len(texts) < 2:
        return []
    sig = minhash_signatures(texts, progress)
    mix = np.random.default_rng(7).integers(1, 2**63, size=_BAND_ROWS, dtype=np.uint64)
    candidates: set[tuple[int, int]] = set()
    for band in range(_N_HASHES // _BAND_ROWS):
        keys = (sig[:, band * _BAND_ROWS:(band + 1) * _BAND_ROWS] * mix).sum(axis=1)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        for lo, hi in zip(starts, np.r_[starts[1:], len(order)]):
            if hi - lo < 2:
                continue
            members = sorted(order[lo:hi].tolist())
            if len(members) > 50:  # a big bucket (many copies of one text): link all to its first
                candidates.update((members[0], m) for m in members[1:])
            else:
                candidates.update((x, y) for i, x in enumerate(members) for y in members[i + 1:])
    sets: dict[int, np.ndarray] = {}

    def shingle_set(i: int) -> np.ndarray:
        if i not in sets:
            sets[i] = np.unique(shingles(texts[i]))
        return sets[i]

    pairs = []
    for i, j in sorted(candidates):
        if np.mean(sig[i] == sig[j]) < threshold - 0.25:  # MinHash estimate far below: skip the exact check
            continue
        x, y = shingle_set(i), shingle_set(j)
        inter = len(np.intersect1d(x, y, assume_unique=True))
        if inter / (len(x) + len(y) - inter) >= threshold:
            pairs.append((i, j))
    return pairs


def components(n: int, pairs: Sequence[tuple[int, int]]) -> list[int]:
    """Union-find: the smallest member index of each element's connected component."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    return [find(i) for i in range(n)]
