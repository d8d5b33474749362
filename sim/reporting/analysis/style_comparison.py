"""Style comparison: result-based vs experience-based vs co-creation on the baseline."""

from __future__ import annotations

import pandas as pd

from sim.reporting.analysis import Finding, SweepData
from sim.reporting.analysis.stats import (
    ci_of,
    describe_ci,
    excludes_zero,
    final_year,
    paired_differences,
    summarise,
)
from sim.reporting.plots import caption_text, label, plot_differences, plot_timeseries

METRICS = ("true_outcome", "kpi", "kpi_survey_gap", "citizen_trust", "motivation",
           "caseworkers_complex", "equity_gap", "admin_share")
REFERENCE = "result_based"
TITLE_TS = ("Which steering style gives citizens better true outcomes, and what do the KPIs "
            "show meanwhile?")
TITLE_DIFF = "How large are the final-year differences from result-based steering, on the same seeds?"


def reading_of_differences(diffs: pd.DataFrame, metrics: tuple[str, ...], reference: str) -> str:
    """Sentences on which paired differences are clear (CI excludes 0) and which are not."""
    parts = []
    for metric in metrics:
        rows = diffs[diffs["metric"] == metric]
        said = []
        for _, r in rows.iterrows():
            if excludes_zero(r["low"], r["high"]):
                word = "higher" if r["mean"] > 0 else "lower"
                low, high = sorted((abs(r["low"]), abs(r["high"])))
                said.append(f"{label(r['option'])} is {word} by {describe_ci(abs(r['mean']), low, high)}")
            else:
                said.append(f"{label(r['option'])} is not distinguishable "
                            f"({ci_of(r)})")
        if said:
            parts.append(f"{metric}: " + "; ".join(said) + ".")
    return f"Against {label(reference)}, final-year means, paired: " + " ".join(parts)


def reading_of_cocreation(final: pd.DataFrame) -> str:
    """Co-creation against experience-based steering (the same levers plus arenas), paired."""
    if not {"co_creation", "experience_based"} <= set(final["steering"]):
        return ""
    diffs = paired_differences(final, "steering", "experience_based")
    rows = diffs[diffs["option"] == "co_creation"].set_index("metric")
    said = []
    for metric in ("true_outcome", "citizen_trust", "equity_gap"):
        if metric in rows.index:
            r = rows.loc[metric]
            verdict = "clearly" if excludes_zero(r["low"], r["high"]) else "not clearly"
            said.append(f"{metric} {ci_of(r, 4)} ({verdict} "
                        f"different from 0)")
    return (" Co-creation minus experience-based steering (the same levers plus arenas): "
            + "; ".join(said) + ".")


def analyse(data: SweepData) -> list[Finding]:
    """Time series and final-year paired differences of the main metrics by style."""
    table = data.table[data.table["metric"].isin(METRICS)]
    n = data.replicates
    series = summarise(table, ["steering", "step", "metric"])
    ts = plot_timeseries(series, METRICS, "steering", TITLE_TS, caption_text(n))
    final = final_year(table, data.steps)
    level = summarise(final, ["steering", "metric"])
    best = level[level["metric"] == "true_outcome"].sort_values("mean", ascending=False)
    top = best.iloc[0]
    reading_ts = (f"Over {data.steps} months, {label(top['steering'])} ends with the highest mean "
                  f"true outcome in the final year ({ci_of(top)}); "
                  + "; ".join(f"{label(r['steering'])} {ci_of(r)}"
                              for _, r in best.iloc[1:].iterrows()) + ". ")
    kpi = level[level["metric"] == "kpi_survey_gap"].set_index("steering")
    reading_ts += "The official-vs-survey gap (KPI minus survey) in the final year: " + "; ".join(
        f"{label(s)} {ci_of(r)}" for s, r in kpi.iterrows()) + "."
    diffs = paired_differences(final, "steering", REFERENCE)
    diff_caption = caption_text(n, "Points are mean paired differences in the final year (last "
                                   "12 months)")
    diff_fig = plot_differences(diffs, METRICS, REFERENCE, TITLE_DIFF, diff_caption)
    table_out = level.assign(steering=level["steering"].map(label)).round(4)
    return [
        Finding("style_comparison_timeseries", TITLE_TS, ts, caption_text(n), reading_ts, table_out),
        Finding("style_comparison_differences", TITLE_DIFF, diff_fig, diff_caption,
                reading_of_differences(diffs, METRICS, REFERENCE) + reading_of_cocreation(final),
                diffs.round(4)),
    ]
