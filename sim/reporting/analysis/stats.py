"""Means and confidence intervals over replicates, computed with scipy and pandas.

Every curve, bar or cell an experiment draws is the mean over replicates with a
Student-t confidence interval (``scipy.stats.t``); differences between styles are paired
on the replicate's seed (common random numbers) and use ``scipy.stats.ttest_rel``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.calendar import MONTHS_PER_YEAR

#: Confidence level of every interval the analyses report.
LEVEL = 0.95
#: The final year: its last 12 monthly steps.
FINAL_STEPS = MONTHS_PER_YEAR
#: Columns of the tidy table that are not run keys describing a parameter point.
NON_KEYS = ("job_id", "replicate", "seed", "step", "metric", "value")


def point_keys(table: pd.DataFrame) -> list[str]:
    """The swept parameters of a tidy table: run keys (not job, replicate, seed) that vary.

    A key set once on the command line (``replicates=5``) is a column of every row with
    one value; it does not tell points apart.
    """
    return [c for c in table.columns
            if c not in NON_KEYS and table[c].nunique(dropna=False) > 1]


def mean_ci(values: Sequence[float] | np.ndarray, level: float = LEVEL) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval of ``values`` (NaNs dropped).

    One value gives a zero-width interval; none gives NaNs.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return (np.nan, np.nan, np.nan)
    mean = float(x.mean())
    if x.size == 1 or np.all(x == x[0]):
        return (mean, mean, mean)
    low, high = stats.t.interval(level, x.size - 1, loc=mean, scale=stats.sem(x))
    return (mean, float(low), float(high))


def summarise(table: pd.DataFrame, by: Sequence[str], level: float = LEVEL) -> pd.DataFrame:
    """Mean, CI and replicate count of ``value`` for each group of ``by`` (vectorised).

    Returns ``by`` + ``mean``, ``low``, ``high``, ``n`` (replicates with a value).
    """
    grouped = table.dropna(subset=["value"]).groupby(list(by), sort=True)["value"]
    out = grouped.agg(mean="mean", sd="std", n="count").reset_index()
    sem = out["sd"] / np.sqrt(out["n"])
    half = stats.t.ppf(0.5 + level / 2, np.maximum(out["n"] - 1, 1)) * sem
    half = half.where(out["n"] > 1, 0.0).fillna(0.0)
    out["low"], out["high"] = out["mean"] - half, out["mean"] + half
    return out[[*by, "mean", "low", "high", "n"]]


def final_year(table: pd.DataFrame, steps: int | None = None) -> pd.DataFrame:
    """Mean of each metric over the last 12 steps, per job and replicate (a tidy frame).

    Columns: the run keys (without ``step``), ``metric``, ``value``.
    """
    last = int(table["step"].max()) if steps is None else steps
    recent = table[table["step"] > max(last - FINAL_STEPS, 0)]
    keys = [c for c in table.columns if c not in ("step", "metric", "value")]
    return (recent.groupby([*keys, "metric"], sort=True, dropna=False)["value"].mean()
            .reset_index())


#: Relative size below which a paired difference is floating-point rounding, not an effect.
ROUNDING = 1e-12


def paired_differences(final: pd.DataFrame, key: str, reference: Any, level: float = LEVEL,
                       over: Sequence[str] = ()) -> pd.DataFrame:
    """Paired differences ``option − reference`` of ``key`` per metric, with their CIs.

    Replicates are paired on ``seed`` (the same seed under every option). Other point
    keys, if any, are kept as groups, and so are the columns ``over`` (e.g. ``step`` for
    a difference at every step). Returns the group keys, ``metric``, ``option``,
    ``mean``, ``low``, ``high``, ``n``, ``p`` (paired t-test).
    """
    others = [c for c in point_keys(final) if c != key] + list(over)
    rows = []
    for group, frame in final.groupby([*others, "metric"], sort=True, dropna=False):
        group = group if isinstance(group, tuple) else (group,)
        wide = frame.pivot_table(index="seed", columns=key, values="value", aggfunc="mean")
        if reference not in wide.columns:
            continue
        for option in wide.columns:
            if option == reference:
                continue
            pair = wide[[option, reference]].dropna()
            diff = pair[option] - pair[reference]
            # a difference at floating-point rounding of the values is none (the same run
            # summed in another order), not a tiny effect with a p-value
            scale = float(pair.abs().to_numpy().max()) if len(pair) else 0.0
            diff = diff.where(diff.abs() > ROUNDING * scale, 0.0)
            mean, low, high = mean_ci(diff.to_numpy(), level)
            p = np.nan
            if len(pair) > 1 and diff.std() > 0:
                p = float(stats.ttest_rel(pair[option], pair[reference]).pvalue)
            rows.append({**dict(zip([*others, "metric"], group, strict=True)), "option": option,
                         "mean": mean, "low": low, "high": high, "n": len(pair), "p": p})
    return pd.DataFrame(rows, columns=[*others, "metric", "option", "mean", "low", "high", "n", "p"])


def describe_ci(mean: float, low: float, high: float, digits: int = 3) -> str:
    """``0.512 [0.498, 0.526]``: a mean and its interval for a sentence."""
    return f"{mean:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def ci_of(row: pd.Series, digits: int = 3) -> str:
    """:func:`describe_ci` of a summary row (its ``mean``, ``low`` and ``high``)."""
    return describe_ci(row["mean"], row["low"], row["high"], digits)


def ci_table(summary: pd.DataFrame, index: Sequence[str],
             digits: int | Callable[[str], int] = 3) -> pd.DataFrame:
    """A key-results table: a row per ``index`` combination, a column per metric.

    Each cell reads ``mean [low, high]``; ``digits`` may depend on the metric.
    """
    places = digits if callable(digits) else (lambda metric: digits)
    cells = summary.assign(value=[ci_of(r, places(r["metric"])) for _, r in summary.iterrows()])
    grid = cells.pivot_table(index=list(index), columns="metric", values="value",
                             aggfunc="first").reset_index()
    grid.columns.name = None
    return grid


def excludes_zero(low: float, high: float) -> bool:
    """Whether an interval lies wholly on one side of zero."""
    return bool(low > 0 or high < 0)
