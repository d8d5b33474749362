"""Shared helper for statistical tests: paired comparisons over common random numbers.

Every comparison runs both arms with the same seeds, so the difference per seed removes
the population and shock noise the arms share (MODEL.md §8). Claims are made on the
95% confidence interval of the mean paired difference (Student t, scipy).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from sim import simulate


@dataclass(frozen=True)
class Paired:
    """Result of a paired comparison: mean difference (b - a), its 95% CI, and spreads."""

    mean: float
    low: float
    high: float
    spread_a: float
    mean_a: float
    mean_b: float

    def positive(self) -> bool:
        """The whole 95% CI lies above zero."""
        return self.low > 0.0

    def negative(self) -> bool:
        """The whole 95% CI lies below zero."""
        return self.high < 0.0


def window_mean(frame, metric: str, first: int, last: int) -> float:
    """Mean of ``metric`` over steps ``first..last`` (inclusive, 1-based)."""
    rows = frame[(frame["step"] >= first) & (frame["step"] <= last)]
    return float(rows[metric].mean())


def paired(metric: str, a: dict[str, Any], b: dict[str, Any], *, seeds: int = 12,
           steps: int = 36, first: int = 13, last: int | None = None,
           n_citizens: int = 2000) -> Paired:
    """Compare ``metric`` (mean over a step window) between arms ``a`` and ``b`` on paired seeds."""
    last = steps if last is None else last
    xs, ys = [], []
    for seed in range(seeds):
        xs.append(window_mean(simulate(steps=steps, seed=seed, n_citizens=n_citizens, **a),
                              metric, first, last))
        ys.append(window_mean(simulate(steps=steps, seed=seed, n_citizens=n_citizens, **b),
                              metric, first, last))
    x, y = np.array(xs), np.array(ys)
    d = y - x
    sem = stats.sem(d)
    low, high = ((d.mean(), d.mean()) if sem == 0.0  # identical arms: no interval to draw
                 else stats.t.interval(0.95, d.size - 1, loc=d.mean(), scale=sem))
    return Paired(float(d.mean()), float(low), float(high), float(x.std(ddof=1)),
                  float(x.mean()), float(y.mean()))
