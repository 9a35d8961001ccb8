"""Confidence intervals and time bins for the reports' rates: one method, stated once.

Every rate in the reports is a ratio of weighted sums over articles (the share of an
outlet's articles naming an entity; the share of a period's attributions that are
anonymous). Its interval is a percentile bootstrap that resamples *articles*, so the
attributions or mentions of one article move together. A resample of n articles is drawn as
counts over the articles' distinct (numerator, denominator) rows: multinomial counts when
there are many articles per distinct row (a cost that grows with the distinct rows, not the
articles: a million articles take seconds), else n articles drawn with replacement. Both
are the same distribution.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newscope.config import PERIODS

_MAX_CELLS = 4_000_000  # resamples x articles (or distinct rows) drawn at once (32 MB)
_BINOMIAL_COST = 30  # one binomial draw costs about as much as drawing 30 article indexes
PERIOD_NAMES = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}
#: How every interval in the reports is computed (shown once at the top of each report).
METHOD = ("Intervals are 95% percentile bootstrap intervals ({n_boot:,} resamples of the articles, "
          "drawn as multinomial counts): an article's mentions or attributions are resampled together. "
          "A group of fewer than two articles has no interval.")


def ratio_interval(numerators: np.ndarray, denominators: np.ndarray, *, n_boot: int = 1000, ci: float = 0.95,
                   seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap interval of ``sum(numerators) / sum(denominators)`` resampling rows (articles).

    ``numerators`` is (articles,) or (articles, k) for k rates at once; ``denominators`` is
    (articles,). Returns the lower and upper bounds, NaN when there are fewer than two rows
    or the denominators sum to zero in a resample.
    """
    num = np.asarray(numerators, dtype=float)
    den = np.asarray(denominators, dtype=float)
    k = () if num.ndim == 1 else num.shape[1:]
    n = len(den)
    if n < 2 or n_boot < 1:
        return np.full(k, np.nan), np.full(k, np.nan)
    table = np.ascontiguousarray(np.column_stack([num.reshape(n, -1), den]))
    keys = table.view(np.dtype((np.void, table.itemsize * table.shape[1]))).ravel()  # one key per row
    _, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
    rows, m = table[first], len(first)
    rng = np.random.default_rng(seed)
    by_article = n < _BINOMIAL_COST * m  # drawing n articles is cheaper than m binomials
    batch = max(1, _MAX_CELLS // (n if by_article else m))
    stats = []
    for start in range(0, n_boot, batch):
        size = min(batch, n_boot - start)
        if by_article:
            picked = inverse.reshape(-1)[rng.integers(0, n, size=(size, n))] + m * np.arange(size)[:, None]
            draws = np.bincount(picked.ravel(), minlength=size * m).reshape(size, m).astype(float)
        else:
            draws = rng.multinomial(n, counts / n, size=size).astype(float)
        totals = draws @ rows
        with np.errstate(invalid="ignore", divide="ignore"):
            stats.append(totals[:, :-1] / totals[:, -1:])
    alpha = 100 * (1 - ci) / 2
    low, high = np.percentile(np.concatenate(stats), [alpha, 100 - alpha], axis=0)
    return low.reshape(k), high.reshape(k)


def choose_period(dates: pd.Series, *, min_articles: int, requested: str = "auto") -> str:
    """The time bin of a series: ``requested`` unless it is ``auto``, then the finest of
    D, W, M, Q, Y in which at least 80% of the dated articles fall in bins of at least
    ``min_articles`` articles (Y when none does)."""
    if requested != "auto":
        return requested
    dated = pd.to_datetime(dates.dropna())
    for period in PERIODS:
        sizes = dated.dt.to_period(period).value_counts()
        if len(dated) and sizes[sizes >= min_articles].sum() >= 0.8 * len(dated):
            return period
    return "Y"


def full_range(periods: pd.Series, period: str) -> pd.DatetimeIndex:
    """Every bin start from the first to the last of ``periods`` (bin starts), so that empty
    bins become gaps in a line."""
    if periods.empty:
        return pd.DatetimeIndex([])
    span = pd.period_range(periods.min(), periods.max(), freq=period)
    return span.start_time
