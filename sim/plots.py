"""Figures drawn from the tidy results table; functions return a Figure, never show it."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sim.results import validate_tidy  # noqa: E402

#: Colour-blind-safe colours (Okabe & Ito 2008) for the steering styles.
STYLE_COLOURS = {
    "result_based": "#D55E00", "experience_based": "#0072B2", "co_creation": "#009E73",
    "mixed": "#CC79A7", "switch": "#E69F00",
}

#: Panels of the main figure: (metric, axis label).
MAIN_PANELS = (
    ("true_outcome", "mean wellbeing (0-1)"), ("kpi", "reported KPI attainment (0-1)"),
    ("kpi_survey_gap", "KPI - survey (share)"), ("citizen_trust", "mean trust (0-1)"),
    ("motivation", "intrinsic motivation (0-1)"), ("caseworkers_complex", "caseworkers / 12 mo."),
)


def plot_main_metrics(tidy: pd.DataFrame, by: str = "steering") -> Figure:
    """Draw the main metrics over time, one line per value of ``by`` (mean over other keys)."""
    validate_tidy(tidy)
    fig, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True, layout="constrained")
    groups = tidy[by].unique() if by in tidy.columns else [None]
    for ax, (metric, label) in zip(axes.flat, MAIN_PANELS, strict=True):
        for group in groups:
            rows = tidy[(tidy["metric"] == metric) & ((tidy[by] == group) if group else True)]
            series = rows.groupby("step")["value"].mean()
            ax.plot(series.index, series.values, label=str(group),
                    color=STYLE_COLOURS.get(str(group)))
        ax.set_title(metric)
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("step (months)")
    axes.flat[0].legend(title=by, fontsize=8)
    fig.suptitle("How does the steering style move outcomes, KPIs, trust and motivation?")
    return fig
