"""Confidence intervals and time bins for the reports' rates: one method, stated once.

Every rate in the reports is a ratio of weighted sums over articles (the share of an
outlet's articles naming an entity; the share of a period's attributions that are
anonymous). Its interval is a percentile bootstrap that resamples *articles*, so the
attributions or mentions of one article move together (scipy.stats.bootstrap).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from newscope.config import PERIODS

PERIOD_NAMES = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}
#: How every interval in the reports is computed (shown once at the top of each report).
METHOD = ("Intervals are 95% percentile bootstrap intervals ({n_boot:,} resamples of the articles, "
          "scipy.stats.bootstrap): an article's mentions or attributions are resampled together. "
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
    if len(den) < 2 or n_boot < 1:
        return np.full(k, np.nan), np.full(k, np.nan)
    num2 = num.reshape(len(den), -1)

    def ratio(rows: np.ndarray, axis: int = -1) -> np.ndarray:
        rows = rows.astype(np.intp)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.moveaxis(num2[rows].sum(axis=-2), -1, 0) / den[rows].sum(axis=-1)

    result = stats.bootstrap((np.arange(len(den)),), ratio, n_resamples=n_boot, confidence_level=ci,
                             method="percentile", vectorized=True, random_state=seed)
    low, high = result.confidence_interval
    return np.asarray(low).reshape(k), np.asarray(high).reshape(k)


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
