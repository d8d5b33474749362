"""Figures drawn from tidy tables; functions return a Figure and never show it.

The experiment figures take summaries made by :mod:`sim.reporting.analysis.stats` (columns
``mean``, ``low``, ``high``, ``n``): every line has a band and every bar or point an error
bar for its confidence interval. The steering styles keep one colour-blind-safe colour
each throughout (Okabe & Ito 2008), declared with its label and line style by the style's
class in :mod:`sim.policies`; every figure gets its question as title and a
caption with what is plotted, the replicates and the CI level.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from sim.policies import STYLES  # noqa: E402
from sim.results import validate_tidy  # noqa: E402

#: Okabe-Ito colours for anything that is not a style (levels of a parameter).
CYCLE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
#: Axis labels (with units) of the metrics.
METRIC_LABELS = {
    "true_outcome": "mean wellbeing (0-1)", "kpi": "reported KPI attainment (0-1)",
    "survey_outcome": "survey outcome (0-1)", "kpi_survey_gap": "KPI - survey (share)",
    "kpi_outcome_corr": "corr(KPI, outcome) across units", "gaming_share": "time gaming (share)",
    "motivation": "intrinsic motivation (0-1)", "citizen_trust": "mean trust (0-1)",
    "caseworkers_complex": "caseworkers per complex citizen / 12 mo.",
    "plans_complex": "open plans per complex citizen", "participation": "invited who took part (share)",
    "revealed_distrust": "invited who declined for distrust (share)",
    "revealed_closedness": "decisions the council overrode (share)",
    "citizen_influence": "decision moved toward citizens (0-1)",
    "arena_success": "arena decisions reached (share)", "arena_acceptability": "acceptability (0-1)",
    "arena_equity": "equity of decision (0-1)", "overrides": "overrides (cumulative count)",
    "equity_gap": "wellbeing gap, top - bottom quintile", "admin_share": "time on admin (share)",
    "budget_used": "spending / budget", "budget_level": "budget / frame",
    "cost_per_outcome": "spending per unit of need resolved",
    "teaching_quality": "teaching quality (0-1)", "further_education": "go on to further education (share)",
    "bunching_share": "bunched at threshold (share)", "quality_share": "time on quality work (share)",
    "outcome_bottom_quintile": "wellbeing, lowest resource quintile (0-1)",
    "outcome_complex": "wellbeing, citizens with >= 4 needs (0-1)",
    "council_openness": "politicians' mean openness (0-1)",
    "council_turnover": "seats changed at elections (cumulative)",
    "Δ true_outcome": "wellbeing, difference vs no arenas",
    "Δ citizen_trust": "trust, difference vs no arenas",
}

#: Panels of the main figure: (metric, axis label).
MAIN_PANELS = tuple((m, METRIC_LABELS[m]) for m in (
    "true_outcome", "kpi", "kpi_survey_gap", "citizen_trust", "motivation", "caseworkers_complex"))


def colour(value: object, index: int = 0) -> str:
    """A style's colour (declared by its class), or the ``index``-th colour of the Okabe-Ito cycle."""
    style = STYLES.get(str(value))
    return style.colour if style else CYCLE[index % len(CYCLE)]


def label(value: object) -> str:
    """How a style (its class's ``label``) or a level is named in a legend."""
    style = STYLES.get(str(value))
    return style.label if style else str(value)


def line_style(value: object) -> str | tuple:
    """A style's line style (its class declares it); solid for anything else."""
    style = STYLES.get(str(value))
    return style.line_style if style else "-"


def caption_text(replicates: int, what: str = "Lines are means", level: float = 0.95) -> str:
    """The standard caption: what is plotted, the replicates and the CI level."""
    return (f"{what} over {replicates} paired replicates (common random numbers); "
            f"shaded bands and error bars are {level:.0%} confidence intervals (Student t).")


def finish(fig: Figure, title: str, caption: str) -> Figure:
    """Give a figure its question as title and its caption at the bottom."""
    width, height = fig.get_size_inches()
    lines = textwrap.wrap(caption, width=int(width * 15.5)) or [""]
    bottom = (0.06 + 0.15 * len(lines)) / height  # inches of caption, as a share of the height
    fig.suptitle(textwrap.fill(title, width=int(width * 9)), fontsize=12)
    engine = fig.get_layout_engine()
    if engine is not None:  # the constrained layout every plot function sets
        engine.set(rect=(0, bottom, 1, 1 - bottom))  # type: ignore[call-arg]
    fig.text(0.01, 0.03 / height, "\n".join(lines), fontsize=8, va="bottom", ha="left")
    return fig


def panel_grid(n: int, width: float = 4.2, height: float = 3.2,
               max_cols: int = 4) -> tuple[Figure, np.ndarray]:
    """A figure of ``n`` panels (``width`` x ``height`` inches each), unused ones hidden."""
    cols = 3 if n in (5, 6, 9) else min(n, max_cols)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows + 0.8),
                             layout="constrained", squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes


def plot_timeseries(summary: pd.DataFrame, metrics: Sequence[str], by: str, title: str,
                    caption: str, mark_step: float | None = None) -> Figure:
    """Metrics over time, one line (mean) and band (CI) per value of ``by``.

    Args:
        summary: columns ``by``, ``step``, ``metric``, ``mean``, ``low``, ``high``.
        metrics: the panels, in order.
        by: the key whose values get a line each (e.g. ``steering``).
        title: the question the figure answers.
        caption: what is plotted, replicates and CI level.
        mark_step: draw a vertical line at this step (e.g. a reform or a cut).
    """
    fig, axes = panel_grid(len(metrics))
    values = list(dict.fromkeys(summary[by]))
    for ax, metric in zip(axes.flat, metrics, strict=False):
        rows = summary[summary["metric"] == metric]
        for i, value in enumerate(values):
            line = rows[rows[by] == value].sort_values("step")
            ax.plot(line["step"], line["mean"], color=colour(value, i), label=label(value), lw=1.6,
                    ls=line_style(value))
            ax.fill_between(line["step"], line["low"], line["high"], color=colour(value, i),
                            alpha=0.22, lw=0)
        if mark_step is not None:
            ax.axvline(mark_step, color="0.4", ls=":", lw=1)
        ax.set_title(metric, fontsize=10)
        ax.set_ylabel(METRIC_LABELS.get(metric, metric), fontsize=8)
        ax.set_xlabel("step (months)", fontsize=8)
        ax.grid(alpha=0.3)
    axes.flat[0].legend(title=by, fontsize=8, title_fontsize=8)
    return finish(fig, title, caption)


def plot_differences(diffs: pd.DataFrame, metrics: Sequence[str], reference: str, title: str,
                     caption: str, contrast: str | None = None) -> Figure:
    """Paired differences (option − reference) per metric: a point and CI per option.

    Args:
        diffs: output of :func:`sim.reporting.analysis.stats.paired_differences`.
        metrics: the panels, in order.
        reference: the option every other is compared with.
        title: the question the figure answers.
        caption: what is plotted, replicates and CI level.
        contrast: how the difference reads on the axis (default ``difference vs REFERENCE``);
            the metric's unit follows it.
    """
    fig, axes = panel_grid(len(metrics), width=3.4, height=2.2)
    options = list(dict.fromkeys(diffs["option"]))
    for ax, metric in zip(axes.flat, metrics, strict=False):
        rows = diffs[diffs["metric"] == metric].set_index("option")
        for i, option in enumerate(options):
            if option not in rows.index:
                continue
            r = rows.loc[option]
            ax.errorbar(r["mean"], i, xerr=[[r["mean"] - r["low"]], [r["high"] - r["mean"]]],
                        fmt="o", color=colour(option, i), capsize=4, label=label(option))
        ax.axvline(0, color="0.3", lw=1)
        ax.xaxis.set_major_locator(MaxNLocator(3))
        ax.tick_params(axis="x", labelsize=7)
        ax.set_yticks(range(len(options)), [label(o) for o in options], fontsize=8)
        ax.set_ylim(-0.7, len(options) - 0.3)
        ax.set_title(metric, fontsize=10)
        ax.set_xlabel(f"{contrast or 'difference vs ' + label(reference)}:\n"
                      f"{METRIC_LABELS.get(metric, metric)}", fontsize=8)
        ax.grid(alpha=0.3, axis="x")
    return finish(fig, title, caption)


def plot_heatmaps(summary: pd.DataFrame, x: str, y: str, metrics: Sequence[str], title: str,
                  caption: str) -> Figure:
    """One heatmap per metric over two swept parameters, cells annotated mean ± CI half-width.

    Args:
        summary: columns ``x``, ``y``, ``metric``, ``mean``, ``low``, ``high``.
        x: the parameter on the horizontal axis.
        y: the parameter on the vertical axis.
        metrics: the panels, in order.
        title: the question the figure answers.
        caption: what is plotted, replicates and CI level.
    """
    fig, axes = panel_grid(len(metrics), width=4.4, height=3.6, max_cols=2 if len(metrics) == 4 else 4)
    for ax, metric in zip(axes.flat, metrics, strict=False):
        rows = summary[summary["metric"] == metric]
        grid = rows.pivot_table(index=y, columns=x, values="mean")
        half = rows.assign(h=(rows["high"] - rows["low"]) / 2).pivot_table(index=y, columns=x,
                                                                             values="h")
        image = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="cividis")
        ax.set_xticks(range(grid.shape[1]), [f"{v:g}" for v in grid.columns], fontsize=8)
        ax.set_yticks(range(grid.shape[0]), [f"{v:g}" for v in grid.index], fontsize=8)
        mid = np.nanmean(grid.to_numpy())
        digits = _digits(np.nanmax(np.abs(grid.to_numpy())))
        for (i, j), value in np.ndenumerate(grid.to_numpy()):
            ax.text(j, i, f"{value:.{digits}f}\n±{half.to_numpy()[i, j]:.{digits}f}", ha="center",
                    va="center", fontsize=6.5, color="white" if value < mid else "black")
        ax.set_xlabel(x, fontsize=8)
        ax.set_ylabel(y, fontsize=8)
        ax.set_title(metric, fontsize=10)
        fig.colorbar(image, ax=ax, label=METRIC_LABELS.get(metric, metric), shrink=0.85)
    return finish(fig, title, caption)


def _digits(largest: float) -> int:
    """Decimals that show two significant digits of the largest value (at least 3)."""
    if not np.isfinite(largest) or largest <= 0:
        return 3
    return int(max(3, min(6, 1 - np.floor(np.log10(largest)))))


def plot_curves(summary: pd.DataFrame, x: str, metrics: Sequence[str], title: str, caption: str,
                by: str | None = None, xlabel: str | None = None) -> Figure:
    """Metrics against a swept parameter: a line (mean) and band (CI) per value of ``by``.

    Args:
        summary: columns ``x``, optionally ``by``, ``metric``, ``mean``, ``low``, ``high``.
        x: the swept parameter on the horizontal axis.
        metrics: the panels, in order.
        title: the question the figure answers.
        caption: what is plotted, replicates and CI level.
        by: a key whose values get a line each (``None``: one line).
        xlabel: the horizontal axis label (with its unit); defaults to ``x``.
    """
    fig, axes = panel_grid(len(metrics))
    values = list(dict.fromkeys(summary[by])) if by else [None]
    for ax, metric in zip(axes.flat, metrics, strict=False):
        rows = summary[summary["metric"] == metric]
        for i, value in enumerate(values):
            line = (rows if value is None else rows[rows[by] == value]).sort_values(x)
            c = colour(value, i) if value is not None else CYCLE[0]
            ax.plot(line[x], line["mean"], "o-", color=c, ms=3.5, lw=1.5,
                    label=f"{by} = {label(value)}" if by else "mean")
            ax.fill_between(line[x], line["low"], line["high"], color=c, alpha=0.22, lw=0)
        ax.set_title(metric, fontsize=10)
        ax.set_ylabel(METRIC_LABELS.get(metric, metric), fontsize=8)
        ax.set_xlabel(xlabel or x, fontsize=8)
        ax.grid(alpha=0.3)
    axes.flat[0].legend(fontsize=7)
    return finish(fig, title, caption)


def plot_tradeoff(summary: pd.DataFrame, x_metric: str, y_metric: str, point: str, title: str,
                  caption: str, by: str | None = None) -> Figure:
    """One metric against another, a point per value of ``point`` with CIs on both axes.

    Args:
        summary: columns ``point``, optionally ``by``, ``metric``, ``mean``, ``low``, ``high``.
        x_metric: metric on the horizontal axis.
        y_metric: metric on the vertical axis.
        point: the swept parameter that orders the points (annotated).
        title: the question the figure answers.
        caption: what is plotted, replicates and CI level.
        by: a key whose values get a curve each.
    """
    fig, ax = plt.subplots(figsize=(6.5, 5), layout="constrained")
    values = list(dict.fromkeys(summary[by])) if by else [None]
    for i, value in enumerate(values):
        rows = summary if value is None else summary[summary[by] == value]
        xs = rows[rows["metric"] == x_metric].set_index(point).sort_index()
        ys = rows[rows["metric"] == y_metric].set_index(point).sort_index()
        c = CYCLE[i % len(CYCLE)]
        ax.errorbar(xs["mean"], ys["mean"], xerr=[xs["mean"] - xs["low"], xs["high"] - xs["mean"]],
                    yerr=[ys["mean"] - ys["low"], ys["high"] - ys["mean"]], fmt="o-", color=c,
                    ms=4, capsize=2, lw=1.2, label=f"{by} = {label(value)}" if by else None)
        for key, xv, yv in zip(xs.index, xs["mean"], ys["mean"], strict=True):
            ax.annotate(f"{key:g}", (xv, yv), textcoords="offset points", xytext=(4, 4), fontsize=7,
                        color=c)
    ax.set_xlabel(METRIC_LABELS.get(x_metric, x_metric), fontsize=9)
    ax.set_ylabel(METRIC_LABELS.get(y_metric, y_metric), fontsize=9)
    ax.grid(alpha=0.3)
    if by:
        ax.legend(fontsize=7)
    return finish(fig, title, caption)


def plot_main_metrics(tidy: pd.DataFrame, by: str = "steering") -> Figure:
    """Draw the main metrics of a single run over time, one line per value of ``by``.

    The mean over replicates with a 95% CI band (a job's paired replicates).
    """
    from sim.reporting.analysis.stats import summarise

    validate_tidy(tidy)
    frame = tidy if by in tidy.columns else tidy.assign(**{by: "run"})
    summary = summarise(frame, [by, "step", "metric"])
    n = int(tidy["replicate"].nunique()) if "replicate" in tidy.columns else 1
    return plot_timeseries(summary, [m for m, _ in MAIN_PANELS], by,
                           "How does the steering style move outcomes, KPIs, trust and motivation?",
                           caption_text(n))
