"""The analysis of a plain sweep (no experiment): the main metrics by parameter point."""

from __future__ import annotations

from sim.reporting.analysis import Finding, SweepData
from sim.reporting.analysis.stats import ci_of, describe_ci, final_year, point_keys, summarise
from sim.reporting.plots import MAIN_PANELS, caption_text, label, plot_timeseries

TITLE = "How do the main metrics move at each point of the sweep?"
#: More points than this are listed in the table but not drawn as lines.
MAX_LINES = 8


def analyse(data: SweepData) -> list[Finding]:
    """Main metrics over time per point (when few enough), and the final-year table."""
    keys = point_keys(data.table)
    table = data.table.assign(point=data.table["job_id"]) if len(keys) != 1 else data.table
    by = keys[0] if len(keys) == 1 else "point"
    metrics = [m for m, _ in MAIN_PANELS]
    final = summarise(final_year(table[table["metric"].isin(metrics)], data.steps), [by, "metric"])
    n = data.replicates
    outcome = final[final["metric"] == "true_outcome"].sort_values("mean", ascending=False)
    top = outcome.iloc[0]
    reading = (f"{len(outcome)} points. The highest final-year true outcome is at {by} = "
               f"{label(top[by])}: {ci_of(top)}; the lowest at "
               f"{by} = {label(outcome.iloc[-1][by])}: "
               f"{describe_ci(*outcome.iloc[-1][['mean', 'low', 'high']])}.")
    if table[by].nunique() > MAX_LINES:
        table = table[table[by].isin(list(outcome[by])[:MAX_LINES])]
        reading += f" The figure shows the {MAX_LINES} points with the highest true outcome."
    series = summarise(table[table["metric"].isin(metrics)], [by, "step", "metric"])
    fig = plot_timeseries(series, metrics, by, TITLE, caption_text(n))
    return [Finding("sweep_main_metrics", TITLE, fig, caption_text(n), reading, final.round(4))]
