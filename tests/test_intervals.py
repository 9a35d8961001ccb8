"""Intervals on rates and the choice of time bins."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from newscope.intervals import choose_period, full_range, ratio_interval


def test_bootstrap_interval_matches_the_normal_approximation():
    rng = np.random.default_rng(1)
    x = (rng.random(400) < 0.3).astype(float)
    lo, hi = ratio_interval(x, np.ones(400), n_boot=2000, seed=2)
    p = x.mean()
    half = 1.96 * math.sqrt(p * (1 - p) / 400)
    assert lo == pytest.approx(p - half, abs=0.01) and hi == pytest.approx(p + half, abs=0.01)


def test_articles_are_resampled_whole():
    # two articles: one with 9 anonymous attributions of 9, one with 0 of 1 -> the rate moves
    # between 0 and 1 by article, not by attribution
    lo, hi = ratio_interval(np.array([9.0, 0.0]), np.array([9.0, 1.0]), n_boot=500)
    assert lo == 0.0 and hi == 1.0


def test_several_rates_at_once_and_no_interval_below_two_articles():
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    lo, hi = ratio_interval(x, np.ones(3), n_boot=200)
    assert lo.shape == hi.shape == (2,) and (lo <= x.mean(axis=0)).all() and (x.mean(axis=0) <= hi).all()
    lo, hi = ratio_interval(x[:1], np.ones(1))
    assert np.isnan(lo).all() and np.isnan(hi).all()


def test_auto_period_is_the_finest_with_enough_articles():
    monthly = pd.Series(pd.date_range("2020-01-01", periods=24 * 30, freq="D")).repeat(1)  # 30 a month
    assert choose_period(monthly, min_articles=20) == "M"
    sparse = pd.Series(pd.to_datetime(["2012-05-01", "2016-03-01", "2020-07-01"] * 10))  # 10 a year
    assert choose_period(sparse, min_articles=20) == "Y"
    assert choose_period(sparse, min_articles=5) == "D"  # ten articles on each of three days
    assert choose_period(sparse, min_articles=20, requested="Q") == "Q"


def test_full_range_fills_the_gaps():
    starts = pd.Series(pd.to_datetime(["2020-01-01", "2020-04-01"]))
    assert list(full_range(starts, "M")) == list(pd.date_range("2020-01-01", "2020-04-01", freq="MS"))
