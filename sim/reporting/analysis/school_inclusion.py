"""School inclusion: raising the quota target with and without complementary teaching time.

Question: when a result-steered school raises its inclusion quota target, with or
without the complementary teaching time, what happens to the KPI, to teaching quality and
to the share of pupils going on to further education?

Figures: ``school_inclusion_curves`` (final-year means against the quota, a line per
teaching-time level) and ``school_inclusion_differences`` (paired differences of the
scenario's quota from no quota, per teaching-time level).
"""

from __future__ import annotations

import pandas as pd

from sim.reporting.analysis import Finding, SweepData
from sim.reporting.analysis.stats import (
    ci_table,
    describe_ci,
    excludes_zero,
    final_year,
    paired_differences,
    summarise,
)
from sim.reporting.plots import caption_text, plot_curves, plot_differences

QUOTA = "model.inclusion_quota"
TIME = "model.inclusion_teaching_time"
METRICS = ("kpi", "teaching_quality", "further_education", "true_outcome")
#: Column names as the figures show them (with units).
QUOTA_AXIS = "inclusion quota target (share of special-needs pupils)"
TIME_AXIS = "teaching time (share of need)"
#: The quota of the ``school_inclusion`` scenario (80% in ordinary classes).
SCENARIO_QUOTA = 0.8
TITLE_CURVES = ("As the inclusion quota target rises, what happens to the KPI, teaching quality "
                "and further education, with and without teaching time?")
TITLE_DIFF = ("What does the quota change against no quota, at each level of teaching time "
              "(same seeds)?")


def quota_contrast(levels: list[float]) -> tuple[float, float]:
    """No quota (the lowest level) and the scenario's 0.8 where swept, else the highest."""
    levels = sorted(levels)
    if len(levels) < 2:
        raise ValueError(f"{QUOTA}: school_inclusion needs at least two quota levels, got {levels}")
    high = SCENARIO_QUOTA if SCENARIO_QUOTA in levels[1:] else levels[-1]
    return levels[0], high


def quota_effects(final: pd.DataFrame, low: float, high: float) -> pd.DataFrame:
    """Paired differences (quota ``high`` − quota ``low``) per teaching time and metric."""
    pair = final[final[QUOTA].isin([low, high])]
    diffs = paired_differences(pair, QUOTA, low)
    return diffs[diffs["option"] == high][[TIME, "metric", "mean", "low", "high", "n", "p"]]


def time_effects(final: pd.DataFrame, quota: float) -> pd.DataFrame:
    """Paired differences at quota ``quota``: each teaching time minus the lowest."""
    at = final[final[QUOTA] == quota]
    diffs = paired_differences(at, TIME, at[TIME].min())
    return diffs[["option", "metric", "mean", "low", "high", "n", "p"]]


def _digits(metric: str) -> int:
    return 4 if metric == "true_outcome" else 3


def _say(r: pd.Series) -> str:
    verdict = "clear" if excludes_zero(r["low"], r["high"]) else "not distinguishable from 0"
    return f"{describe_ci(r['mean'], r['low'], r['high'], _digits(r['metric']))} ({verdict})"


def reading_of_curves(level: pd.DataFrame, low: float, high: float) -> str:
    """KPI, teaching quality and further education at no quota and at the high quota."""
    parts = []
    for metric in ("kpi", "teaching_quality", "further_education"):
        rows = level[level["metric"] == metric].set_index([TIME, QUOTA]).sort_index()
        said = [f"{describe_ci(*rows.loc[(t, low), ['mean', 'low', 'high']])} -> "
                f"{describe_ci(*rows.loc[(t, high), ['mean', 'low', 'high']])} with teaching time {t:g}"
                for t in rows.index.get_level_values(TIME).unique()]
        parts.append(f"{metric} " + ", ".join(said))
    return f"Final-year means at quota {low:g} -> {high:g}: " + "; ".join(parts) + "."


def reading_of_effects(effects: pd.DataFrame, times: pd.DataFrame, low: float, high: float) -> str:
    """Per metric the paired quota effect at each teaching time, and the effect of time."""
    parts = []
    for metric in METRICS:
        rows = effects[effects["metric"] == metric].sort_values(TIME)
        said = [f"with teaching time {r[TIME]:g}: {_say(r)}" for _, r in rows.iterrows()]
        parts.append(f"{metric} " + "; ".join(said))
    text = (f"Raising the quota from {low:g} to {high:g}, paired on seeds, changes "
            + ". ".join(parts) + ". ")
    text += _opposite(effects)
    full = times[times["option"] == times["option"].max()].set_index("metric")
    full = full.loc[[m for m in METRICS if m in full.index]].reset_index()
    if not full.empty:
        top = full["option"].iloc[0]
        text += (f"At quota {high:g}, giving teaching time {top:g} instead of "
                 f"{effects[TIME].min():g} changes " + "; ".join(
                     f"{r['metric']} by {_say(r)}" for _, r in full.iterrows()) + ".")
    return text


def _opposite(effects: pd.DataFrame) -> str:
    """A note where further education and true outcome clearly move in opposite directions."""
    wide = effects.set_index([TIME, "metric"])
    times = [t for t in sorted(effects[TIME].unique())
             if all((t, m) in wide.index and excludes_zero(*wide.loc[(t, m), ["low", "high"]])
                    for m in ("further_education", "true_outcome"))
             and wide.loc[(t, "further_education"), "mean"] * wide.loc[(t, "true_outcome"), "mean"] < 0]
    if not times:
        return ""
    return ("With teaching time " + ", ".join(f"{t:g}" for t in times) + ", further_education and "
            "true_outcome clearly move in opposite directions: further_education counts school "
            "need alone, the true outcome every domain. ")


def analyse(data: SweepData) -> list[Finding]:
    """Curves over the quota by teaching time, and the paired effect of the quota."""
    table = data.table[data.table["metric"].isin(METRICS)]
    n = data.replicates
    final = final_year(table, data.steps)
    level = summarise(final, [QUOTA, TIME, "metric"])
    caption = caption_text(n, "Lines are final-year means (last 12 months)")
    curves = plot_curves(level.rename(columns={QUOTA: QUOTA_AXIS, TIME: TIME_AXIS}), QUOTA_AXIS,
                         METRICS, TITLE_CURVES, caption, by=TIME_AXIS, xlabel=QUOTA_AXIS)
    low, high = quota_contrast(list(final[QUOTA].unique()))
    effects = quota_effects(final, low, high)
    times = time_effects(final, high)
    reference = f"quota {low:g}"
    shown = effects.assign(option=[f"teaching time {t:g}" for t in effects[TIME]])
    diff_caption = caption_text(n, f"Points are mean paired differences (quota {high:g} minus "
                                   f"quota {low:g}, same seeds) in the final year")
    diff_fig = plot_differences(shown, METRICS, reference, TITLE_DIFF, diff_caption,
                                contrast=f"quota {high:g} - {low:g}")
    grid = ci_table(level, [QUOTA, TIME])
    return [
        Finding("school_inclusion_curves", TITLE_CURVES, curves, caption,
                reading_of_curves(level, low, high), grid),
        Finding("school_inclusion_differences", TITLE_DIFF, diff_fig, diff_caption,
                reading_of_effects(effects, times, low, high),
                effects.sort_values(["metric", TIME]).round(4).reset_index(drop=True)),
    ]
