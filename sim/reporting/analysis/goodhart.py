"""Goodhart: incentive intensity α × audit μ under result-based steering (P1, P2, P4).

Question: under result-based steering, how do incentive intensity and audit together drive
the gap between the official KPI and the citizens' survey, gaming, the link between KPI
and true outcome, and the true outcome itself, and does strong audit close the gap?

Figures: ``goodhart_heatmaps`` (final-year means over the α × μ grid) and
``goodhart_audit`` (paired differences strong − weak audit at each α).
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from sim.reporting.analysis import Finding, SweepData
from sim.reporting.analysis.stats import (
    ci_of,
    excludes_zero,
    final_year,
    paired_differences,
    summarise,
)
from sim.reporting.plots import METRIC_LABELS, caption_text, plot_curves, plot_heatmaps

INCENTIVE = "steering.incentive"
AUDIT = "steering.audit"
METRICS = ("kpi_survey_gap", "true_outcome", "gaming_share", "kpi_outcome_corr")
#: Axis names with units, used as column names for the figures.
ALPHA = "incentive intensity α (0-1)"
MU = "audit probability μ (per month)"
#: MODEL.md §5: weak audit (no anti-gaming strategy) and the strong-audit variant.
WEAK_AUDIT, STRONG_AUDIT = 0.05, 0.5
CONTRAST = "contrast"
TITLE_MAP = ("Where in incentive × audit does the official KPI run ahead of the survey, "
             "and what happens to gaming and to true outcomes?")
TITLE_AUDIT = ("Does strong audit shrink the KPI-survey gap and gaming at each incentive "
               "intensity (same seeds)?")


def audit_contrast(levels: list[float]) -> tuple[float, float]:
    """The weak and strong audit levels to compare: MODEL.md's 0.05 and 0.5 where swept.

    Otherwise the lowest and the highest level of the sweep. Raises ``ValueError`` if the
    sweep has a single audit level.
    """
    levels = sorted(levels)
    if len(levels) < 2:
        raise ValueError(f"{AUDIT}: goodhart needs at least two audit levels, got {levels}")
    weak = WEAK_AUDIT if WEAK_AUDIT in levels else levels[0]
    strong = STRONG_AUDIT if STRONG_AUDIT in levels and STRONG_AUDIT > weak else levels[-1]
    return weak, strong


def _cell(row: pd.Series) -> str:
    return f"α = {row[INCENTIVE]:g}, μ = {row[AUDIT]:g}"


def extremes(level: pd.DataFrame) -> pd.DataFrame:
    """Per metric, the grid cells with the highest and the lowest final-year mean."""
    rows = []
    for metric in METRICS:
        cells = level[level["metric"] == metric].dropna(subset=["mean"])
        if cells.empty:
            continue
        high, low = cells.loc[cells["mean"].idxmax()], cells.loc[cells["mean"].idxmin()]
        rows.append({"metric": metric, "highest at": _cell(high), "highest": ci_of(high),
                     "lowest at": _cell(low), "lowest": ci_of(low)})
    return pd.DataFrame(rows)


def reading_of_grid(level: pd.DataFrame) -> str:
    """Where the gap is largest and closest to zero, and how far the other metrics range."""
    gap = level[level["metric"] == "kpi_survey_gap"].dropna(subset=["mean"])
    top = gap.loc[gap["mean"].idxmax()]
    near = gap.loc[gap["mean"].abs().idxmin()]
    above = gap[gap["low"] > 0]
    below = gap[gap["high"] < 0]
    text = (f"The official KPI runs furthest ahead of the survey at {_cell(top)}: gap {ci_of(top)}. "
            f"It is closest to the survey at {_cell(near)} ({ci_of(near)}). The KPI is clearly above "
            f"the survey (CI above 0) in {len(above)} of {len(gap)} cells and clearly below it in "
            f"{len(below)}. ")
    for metric, what in (("true_outcome", "True outcome"), ("gaming_share", "Gaming"),
                         ("kpi_outcome_corr", "The KPI-outcome correlation")):
        cells = level[level["metric"] == metric].dropna(subset=["mean"])
        if cells.empty:
            continue
        high, low = cells.loc[cells["mean"].idxmax()], cells.loc[cells["mean"].idxmin()]
        text += (f"{what} ranges from {ci_of(low)} at {_cell(low)} to {ci_of(high)} at "
                 f"{_cell(high)}. ")
    return text.strip()


def reading_of_audit(diffs: pd.DataFrame, level: pd.DataFrame, weak: float, strong: float) -> str:
    """How strong audit changes each metric at the highest α, and what it does to the gap."""
    alpha = diffs[INCENTIVE].max()
    at_top = diffs[diffs[INCENTIVE] == alpha].set_index("metric")
    parts = []
    for metric in METRICS:
        if metric not in at_top.index:
            continue
        r = at_top.loc[metric]
        verdict = "a clear change" if excludes_zero(r["low"], r["high"]) else "not distinguishable"
        parts.append(f"{metric} {ci_of(r)} ({verdict})")
    text = (f"Raising audit from μ = {weak:g} to μ = {strong:g} at α = {alpha:g} changes, paired on "
            f"the same seeds: " + "; ".join(parts) + ". ")
    gap = level[level["metric"] == "kpi_survey_gap"].set_index([INCENTIVE, AUDIT]).sort_index()
    alphas = sorted(diffs[INCENTIVE].unique())
    ahead = [a for a in alphas if gap.loc[(a, weak), "low"] > 0]
    below = [a for a in alphas if gap.loc[(a, weak), "high"] < 0]
    if ahead:
        text += (f"Where the KPI runs ahead of the survey under μ = {weak:g}, μ = {strong:g} takes "
                 "the gap " + "; ".join(f"at α = {a:g} from {ci_of(gap.loc[(a, weak)])} to "
                                       f"{ci_of(gap.loc[(a, strong)])}" for a in ahead) + ". ")
    else:
        text += f"The KPI runs clearly ahead of the survey at no α under μ = {weak:g}. "
    if below:
        lowered = diffs[(diffs["metric"] == "kpi_survey_gap") & diffs[INCENTIVE].isin(below)]
        text += (f"Where it is already below the survey (α = {', '.join(f'{a:g}' for a in below)}), "
                 f"audit moves it by {lowered['mean'].min():.3f} to {lowered['mean'].max():.3f}: "
                 "audit pushes the KPI further below the survey there.")
    return text.strip()


def _audit_figure(diffs: pd.DataFrame, weak: float, strong: float, caption: str) -> Figure:
    label = f"μ {strong:g} − μ {weak:g}"
    frame = diffs.rename(columns={INCENTIVE: ALPHA}).assign(**{CONTRAST: label})
    fig = plot_curves(frame, ALPHA, METRICS, TITLE_AUDIT, caption, by=CONTRAST, xlabel=ALPHA)
    for ax, metric in zip(fig.axes, METRICS, strict=False):
        ax.axhline(0.0, color="0.3", lw=1)
        ax.set_ylabel(f"difference in {METRIC_LABELS[metric]}", fontsize=8)
    return fig


def analyse(data: SweepData) -> list[Finding]:
    """Heatmaps of the final-year grid and the paired effect of strong audit by α."""
    table = data.table[data.table["metric"].isin(METRICS)]
    n = data.replicates
    final = final_year(table, data.steps)
    weak, strong = audit_contrast(list(final[AUDIT].unique()))
    level = summarise(final, [INCENTIVE, AUDIT, "metric"])
    map_caption = caption_text(n, "Cells are final-year means (last 12 months, ± the CI "
                                  "half-width)")
    heat = plot_heatmaps(level.rename(columns={INCENTIVE: ALPHA, AUDIT: MU}), ALPHA, MU, METRICS,
                         TITLE_MAP, map_caption)
    pair = final[final[AUDIT].isin([weak, strong])]
    diffs = paired_differences(pair, AUDIT, weak)
    diffs = diffs[diffs["option"] == strong][[INCENTIVE, "metric", "mean", "low", "high", "n", "p"]]
    audit_caption = caption_text(n, f"Lines are mean paired differences (μ = {strong:g} minus "
                                    f"μ = {weak:g}, same seeds) in the final year")
    return [
        Finding("goodhart_heatmaps", TITLE_MAP, heat, map_caption, reading_of_grid(level),
                extremes(level)),
        Finding("goodhart_audit", TITLE_AUDIT, _audit_figure(diffs, weak, strong, audit_caption),
                audit_caption, reading_of_audit(diffs, level, weak, strong),
                diffs.sort_values(["metric", INCENTIVE]).round(4).reset_index(drop=True)),
    ]
