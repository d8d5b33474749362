"""Live plots of the explorer: metrics of two runs over time, drawn from their tables.

Each function takes a mapping from a run's label to a :class:`Series` (its per-step
metrics table and its colour) and returns a Figure; none sees a model or calls ``show``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

#: Arena outcomes plotted when an arena has run: (metric, line style).
ARENA_LINES = (("participation", "-"), ("citizen_influence", "--"),
               ("arena_acceptability", ":"))
#: Size of every explorer plot, in inches at 100 dpi.
FIGSIZE = (5.6, 3.9)
#: Fixed margins (figure fractions): a layout engine would cost a third of the drawing time
#: at every step, and the plots' axes and labels keep their size anyway.
MARGINS = {"left": 0.11, "right": 0.98, "bottom": 0.12, "top": 0.86, "wspace": 0.32}


def _figure() -> Figure:
    fig = Figure(figsize=FIGSIZE, dpi=100)
    fig.subplots_adjust(**MARGINS)
    return fig


@dataclass(frozen=True)
class Series:
    """One run's per-step metrics (a ``step`` column, one column per metric) and colour."""

    table: pd.DataFrame
    colour: str


def _empty(table: pd.DataFrame) -> bool:
    return table.empty or "step" not in table


def _finish(ax: Axes, title: str, ylabel: str, runs: Mapping[str, Series]) -> None:
    """Title, labels, whole months up to the latest, grid; a hint before the first step."""
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("month", fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
    last = max((int(s.table["step"].max()) for s in runs.values() if not _empty(s.table)),
               default=1)
    ax.set_xlim(0.5, max(last, 2) + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if all(_empty(s.table) for s in runs.values()):
        ax.text(0.5, 0.5, "press Step or Play", transform=ax.transAxes, ha="center",
                va="center", color="#666666", fontsize=9)


def gap_figure(runs: Mapping[str, Series]) -> Figure:
    """True outcome (solid) against the reported KPI (dashed) per run, the gap shaded."""
    fig = _figure()
    ax = fig.add_subplot()
    for label, s in runs.items():
        if _empty(s.table):
            continue
        t = s.table
        ax.plot(t["step"], t["true_outcome"], color=s.colour, label=f"{label}: true outcome")
        ax.plot(t["step"], t["kpi"], color=s.colour, linestyle="--", label=f"{label}: KPI")
        ax.fill_between(t["step"], t["true_outcome"], t["kpi"], color=s.colour, alpha=0.12,
                        linewidth=0)
    ax.set_ylim(0.0, 1.05)
    _finish(ax, "Reported KPI (dashed) vs true outcome (solid): the gap",
            "share (0-1)", runs)
    if ax.lines:
        ax.legend(fontsize=7, loc="best", ncols=2)
    return fig


def metric_figure(runs: Mapping[str, Series], metrics: Sequence[str],
                  ylabels: Sequence[str], limits: tuple[float, float] | None = (0.0, 1.0)) -> Figure:
    """One panel per metric, one line per run."""
    fig = _figure()
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    if len(metrics) > 2:  # room for each panel's y label between the panels
        fig.subplots_adjust(wspace=0.55)
    for ax, metric, ylabel in zip(axes, metrics, ylabels, strict=True):
        for label, s in runs.items():
            if not _empty(s.table):
                ax.plot(s.table["step"], s.table[metric], color=s.colour, label=label)
        if limits is not None:
            ax.set_ylim(*limits)
        _finish(ax, metric, ylabel, runs)
        if len(metrics) > 2:  # narrow panels: fewer month ticks
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    if axes[0].lines:
        axes[0].legend(fontsize=7, loc="lower left")
    return fig


def has_arenas(table: pd.DataFrame) -> bool:
    """Whether an arena has run in this table (arena metrics are NaN until one has)."""
    return not _empty(table) and bool(np.isfinite(table["participation"].to_numpy()).any())


def arena_figure(runs: Mapping[str, Series], arena_styles: Sequence[str]) -> Figure:
    """Arena outcomes of the runs whose style holds arenas (held between arenas: steps).

    Args:
        runs: every run's series.
        arena_styles: labels of the runs whose style holds arenas (empty: none does).
    """
    fig = _figure()
    ax = fig.add_subplot()
    ax.set_ylim(0.0, 1.05)
    shown = {k: s for k, s in runs.items() if k in arena_styles}
    for label, s in shown.items():
        if not has_arenas(s.table):
            continue
        for metric, style in ARENA_LINES:
            ax.plot(s.table["step"], s.table[metric], color=s.colour, linestyle=style,
                    marker="o", markersize=3, drawstyle="steps-post", label=f"{label}: {metric}")
    _finish(ax, "Co-creation arenas: participation (solid), citizens' influence (dashed),\n"
                "acceptability of the decision (dotted)", "share (0-1)", runs)
    if not arena_styles:
        ax.text(0.5, 0.3, "No arenas in these runs: choose co_creation\n"
                          "(or the task_committee scenario) for style A or B",
                transform=ax.transAxes, ha="center", va="center", fontsize=9)
    elif not ax.lines and not all(_empty(s.table) for s in runs.values()):
        ax.text(0.5, 0.3, "the first arena meets at the end of the quarter",
                transform=ax.transAxes, ha="center", va="center", fontsize=9, color="#666666")
    if ax.lines:
        ax.legend(fontsize=7, loc="lower left")
    return fig
