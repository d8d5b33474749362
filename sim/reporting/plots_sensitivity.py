"""Figures of the global sensitivity analysis, drawn from tables of indices.

Like :mod:`sim.reporting.plots`, each function takes a tidy table and returns a Figure, never shows
it, and gets its question as title and a caption (replicates, CI level) from
:func:`sim.reporting.plots.finish`. Every parameter keeps one colour and marker in every panel
(Okabe & Ito 2008 colours), named in one legend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sim.reporting.plots import CYCLE, finish  # noqa: E402

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "*", "h", "p")
#: Sobol axes stop here even if an estimate or its CI goes further (tiny samples).
SOBOL_LIMITS = (-0.5, 1.5)


def _styles(parameters: Sequence[str]) -> dict[str, tuple[str, str]]:
    """A (colour, marker) pair per parameter: a marker each for up to 12, then repeated."""
    return {p: (CYCLE[i % len(CYCLE)], MARKERS[i % len(MARKERS)]) for i, p in enumerate(parameters)}


def _panels(n: int, width: float, height: float) -> tuple[Figure, np.ndarray]:
    fig, axes = plt.subplots(1, n, figsize=(width * n + 2.6, height + 1.0), layout="constrained",
                             squeeze=False)
    return fig, axes[0]


def plot_morris(table: pd.DataFrame, outputs: Sequence[str], title: str, caption: str,
                units: Mapping[str, str] | None = None,
                labels: Mapping[str, str] | None = None) -> Figure:
    """Morris screening: mu* (with its CI) against sigma, a panel per output.

    Points far right matter most; points above the dashed line sigma = mu* act through
    interactions or non-linearly.

    Args:
        table: columns ``output``, ``parameter``, ``mu_star``, ``mu_star_conf`` (CI
            half-width), ``sigma``.
        outputs: the panels, in order.
        title: the question the figure answers.
        caption: what is plotted, replicates and CI level.
        units: each output's unit, for the axis labels.
        labels: how parameters are named in the legend (default: their keys).
    """
    units, labels = dict(units or {}), dict(labels or {})
    parameters = list(dict.fromkeys(table["parameter"]))
    styles = _styles(parameters)
    fig, axes = _panels(len(outputs), 4.3, 3.6)
    for ax, out in zip(axes, outputs, strict=True):
        rows = table[table["output"] == out]
        for _, r in rows.iterrows():
            c, m = styles[r["parameter"]]
            ax.errorbar(r["mu_star"], r["sigma"], xerr=r["mu_star_conf"], fmt=m, color=c, ms=6,
                        capsize=3, lw=1, label=labels.get(r["parameter"], r["parameter"]))
        top = float(np.nanmax(rows[["mu_star", "sigma"]].to_numpy())) if len(rows) else 1.0
        top = top if np.isfinite(top) and top > 0 else 1.0
        ax.plot([0, top * 1.15], [0, top * 1.15], ls="--", color="0.5", lw=1, label="σ = μ*")
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        ax.ticklabel_format(axis="both", style="sci", scilimits=(-2, 3))
        unit = units.get(out, "")
        ax.set_title(out, fontsize=10)
        ax.set_xlabel(f"μ*, mean |elementary effect|\n({unit} per full range)" if unit
                      else "μ*, mean |elementary effect| per full range", fontsize=8)
        ax.set_ylabel(f"σ of elementary effects ({unit})" if unit else "σ of elementary effects",
                      fontsize=8)
        ax.grid(alpha=0.3)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside right center", fontsize=7, title="parameter",
               title_fontsize=8)
    return finish(fig, title, caption)


def plot_sobol(table: pd.DataFrame, outputs: Sequence[str], title: str, caption: str,
               units: Mapping[str, str] | None = None,
               labels: Mapping[str, str] | None = None) -> Figure:
    """Sobol indices: first-order S1 and total ST with their CIs, a panel per output.

    Args:
        table: columns ``output``, ``parameter``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf``
            (CI half-widths).
        outputs: the panels, in order.
        title: the question the figure answers.
        caption: what is plotted, replicates and CI level.
        units: each output's unit, for the axis labels.
        labels: how parameters are named on the axis (default: their keys).
    """
    units, labels = dict(units or {}), dict(labels or {})
    parameters = list(dict.fromkeys(table["parameter"]))
    fig, axes = _panels(len(outputs), 3.9, 0.5 * len(parameters) + 2.0)
    y = np.arange(len(parameters))
    for ax, out in zip(axes, outputs, strict=True):
        rows = table[table["output"] == out].set_index("parameter").reindex(parameters)
        for shift, (index, colour, name) in zip((-0.18, 0.18), (
                ("S1", CYCLE[0], "first order S1"), ("ST", CYCLE[1], "total ST")), strict=True):
            ax.barh(y + shift, rows[index], height=0.34, xerr=rows[f"{index}_conf"], color=colour,
                    error_kw={"capsize": 3, "lw": 1, "ecolor": "0.2"}, label=name)
        ax.axvline(0, color="0.3", lw=1)
        ax.set_yticks(y, [labels.get(p, p) for p in parameters], fontsize=8)
        ax.invert_yaxis()
        low = np.nanmin((rows["S1"] - rows["S1_conf"]).to_numpy(), initial=0.0)
        high = np.nanmax((rows["ST"] + rows["ST_conf"]).to_numpy(), initial=1.0)
        ax.set_xlim(max(SOBOL_LIMITS[0], min(-0.1, low - 0.05)),
                    min(SOBOL_LIMITS[1], max(1.05, high + 0.05)))
        unit = units.get(out, "")
        ax.set_title(out, fontsize=10)
        ax.set_xlabel(f"share of the variance of {unit}" if unit else "share of the output variance",
                      fontsize=8)
        ax.grid(alpha=0.3, axis="x")
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside right center", fontsize=8, title="Sobol index",
               title_fontsize=8)
    return finish(fig, title, caption)
