"""Steering frontier: the ``mixed`` weight w from result-based (0) to experience-based (1).

Question: which blend of result-based and experience-based steering gives citizens the
best true outcome, what does it do to the KPI and to administrative time, and does the
best mix move when needs are more entangled across domains?

Figures: ``steering_frontier_kpi`` (true outcome against KPI, a curve per complexity
level, points labelled by w), ``steering_frontier_admin`` (true outcome against the
administrative share) and ``steering_frontier_outcome`` (true outcome by w, and its paired
difference from pure experience-based steering, w = 1).
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from sim.reporting.analysis import Finding, SweepData
from sim.reporting.analysis.stats import (
    ci_of,
    ci_table,
    describe_ci,
    excludes_zero,
    final_year,
    paired_differences,
    summarise,
)
from sim.reporting.plots import METRIC_LABELS, caption_text, plot_curves, plot_tradeoff

WEIGHT = "steering.weight"
LINK = "population.link_worsening_per_step"
METRICS = ("true_outcome", "kpi", "admin_share")
#: Column names as the figures show them (with units).
W = "w"
LEVEL = "linked-need spill-over (per month)"
W_AXIS = "weight w (0 = result-based, 1 = experience-based)"
DIFF = "true_outcome - at w = 1"
TITLE_KPI = ("As steering moves from result-based to experience-based, do the KPI and the true "
             "outcome move together?")
TITLE_ADMIN = "What does each mix cost in administrative time, and what does it buy in true outcome?"
TITLE_OUTCOME = ("Which mix gives the best true outcome, and does the best mix move when needs "
                 "are more entangled?")


def _at(level: pd.DataFrame, metric: str, link: float, weight: float) -> pd.Series:
    rows = level[(level["metric"] == metric) & (level[LINK] == link) & (level[WEIGHT] == weight)]
    return rows.iloc[0]


def optimum(final: pd.DataFrame) -> pd.DataFrame:
    """Per complexity level: the best w, and every w's paired difference from it.

    Returns one row per level with ``best_w``, the outcome at the best w (``mean``, ``low``,
    ``high``), the paired difference of w = max from the best (``top_*``) and ``near_best``,
    the weights whose paired difference from the best has a CI that includes 0.
    """
    outcome = final[final["metric"] == "true_outcome"]
    level = summarise(outcome, [LINK, WEIGHT])
    top_w = outcome[WEIGHT].max()
    rows = []
    for link, cells in level.groupby(LINK, sort=True):
        best = cells.loc[cells["mean"].idxmax()]
        diffs = paired_differences(outcome[outcome[LINK] == link], WEIGHT, best[WEIGHT])
        near = [best[WEIGHT], *diffs.loc[[not excludes_zero(lo, hi) for lo, hi in
                                          zip(diffs["low"], diffs["high"], strict=True)],
                                         "option"]]
        top = diffs[diffs["option"] == top_w]
        top_row = top.iloc[0] if len(top) else pd.Series({"mean": 0.0, "low": 0.0, "high": 0.0})
        rows.append({LINK: link, "best_w": best[WEIGHT], "mean": best["mean"], "low": best["low"],
                     "high": best["high"], "top_mean": top_row["mean"], "top_low": top_row["low"],
                     "top_high": top_row["high"], "near_best": sorted(float(w) for w in near)})
    return pd.DataFrame(rows)


def reading_of_optimum(best: pd.DataFrame, top_w: float) -> str:
    """Sentences on the best w per level, its margin over w = 1 and whether it moves."""
    parts = []
    for _, r in best.iterrows():
        others = [f"{w:g}" for w in r["near_best"] if w != r["best_w"]]
        near = (f"w = {', '.join(others)} not distinguishable from it" if others
                else "every other w clearly lower")
        text = (f"at spill-over {r[LINK]:g} per month the best mix is w = {r['best_w']:g} (true "
                f"outcome {ci_of(r, 4)}; {near})")
        if r["best_w"] != top_w:
            verdict = ("clearly lower" if excludes_zero(r["top_low"], r["top_high"])
                       else "not distinguishable")
            text += (f"; w = {top_w:g} differs by "
                     f"{describe_ci(r['top_mean'], r['top_low'], r['top_high'], 4)} ({verdict})")
        parts.append(text)
    sets = [set(s) for s in best["near_best"]]
    common = set.intersection(*sets) if sets else set()
    if common:
        move = ("The best mix does not clearly move with complexity: w = "
                + ", ".join(f"{w:g}" for w in sorted(common)) + " is near-best at every level.")
    else:
        move = (f"The best mix moves with complexity: from w = {best['best_w'].iloc[0]:g} at the "
                f"lowest spill-over to w = {best['best_w'].iloc[-1]:g} at the highest, and no "
                f"weight is near-best at every level.")
    return "Final-year true outcome, paired on seeds: " + "; ".join(parts) + ". " + move


def reading_of_kpi(level: pd.DataFrame) -> str:
    """Per level: KPI and true outcome at the two ends, and where each is highest."""
    low_w, high_w = level[WEIGHT].min(), level[WEIGHT].max()
    parts = []
    for link in sorted(level[LINK].unique()):
        cells = level[level[LINK] == link]
        kpi, out = cells[cells["metric"] == "kpi"], cells[cells["metric"] == "true_outcome"]
        parts.append(
            f"at spill-over {link:g} the KPI goes from {ci_of(_at(level, 'kpi', link, low_w))} "
            f"(w = {low_w:g}) to {ci_of(_at(level, 'kpi', link, high_w))} (w = {high_w:g}) while "
            f"the true outcome goes from {ci_of(_at(level, 'true_outcome', link, low_w), 4)} to "
            f"{ci_of(_at(level, 'true_outcome', link, high_w), 4)}; the KPI peaks at w = "
            f"{kpi.loc[kpi['mean'].idxmax(), WEIGHT]:g}, the true outcome at w = "
            f"{out.loc[out['mean'].idxmax(), WEIGHT]:g}")
    return "Final-year means: " + "; ".join(parts) + "."


def reading_of_admin(level: pd.DataFrame, best: pd.DataFrame) -> str:
    """Administrative share at the two ends and at each level's best mix."""
    low_w, high_w = level[WEIGHT].min(), level[WEIGHT].max()
    link = level[LINK].min()
    admin = level[level["metric"] == "admin_share"]
    text = (f"Time on documentation and audit falls from {ci_of(_at(level, 'admin_share', link, low_w))} "
            f"of professional time at w = {low_w:g} to {ci_of(_at(level, 'admin_share', link, high_w))} "
            f"at w = {high_w:g} (spill-over {link:g}). ")
    fixed = (admin["high"] - admin["low"]).max() < 1e-9 and \
        admin.groupby(WEIGHT)["mean"].agg(lambda x: x.max() - x.min()).max() < 1e-9
    if fixed:
        text += ("At every w it is the same in every replicate and at every complexity level: the "
                 "levers alone set it. ")
    text += "At each level's best mix: " + "; ".join(
        f"spill-over {r[LINK]:g}, w = {r['best_w']:g}: admin share "
        f"{ci_of(_at(level, 'admin_share', r[LINK], r['best_w']))}, true outcome "
        f"{ci_of(r, 4)}" for _, r in best.iterrows())
    return text + "."


def admin_table(level: pd.DataFrame, best: pd.DataFrame) -> pd.DataFrame:
    """Per level: the admin share at both ends and at the best mix, with the outcome there."""
    low_w, high_w = level[WEIGHT].min(), level[WEIGHT].max()
    return pd.DataFrame([{
        LINK: r[LINK], f"admin at w = {low_w:g}": ci_of(_at(level, "admin_share", r[LINK], low_w)),
        f"admin at w = {high_w:g}": ci_of(_at(level, "admin_share", r[LINK], high_w)),
        "best w": r["best_w"], "admin at best w": ci_of(_at(level, "admin_share", r[LINK], r["best_w"])),
        "true outcome at best w": ci_of(r, 4),
    } for _, r in best.iterrows()])


def _outcome_figure(final: pd.DataFrame, level: pd.DataFrame, caption: str) -> Figure:
    outcome = final[final["metric"] == "true_outcome"]
    diffs = paired_differences(outcome, WEIGHT, outcome[WEIGHT].max())
    diffs = diffs.rename(columns={"option": WEIGHT}).assign(metric=DIFF)
    top = level[level["metric"] == "true_outcome"]
    reference = top[top[WEIGHT] == top[WEIGHT].max()].assign(metric=DIFF, mean=0.0, low=0.0,
                                                                high=0.0)
    frame = pd.concat([top, diffs, reference], ignore_index=True)[[LINK, WEIGHT, "metric", "mean",
                                                                    "low", "high"]]
    frame = frame.rename(columns={LINK: LEVEL, WEIGHT: W})
    fig = plot_curves(frame, W, ("true_outcome", DIFF), TITLE_OUTCOME, caption, by=LEVEL,
                      xlabel=W_AXIS)
    handles, labels = fig.axes[0].get_legend_handles_labels()
    legend = fig.axes[0].get_legend()
    if legend is not None:
        legend.remove()
    fig.axes[1].legend(handles, labels, fontsize=7, loc="lower right")
    fig.axes[1].axhline(0.0, color="0.3", lw=1)
    fig.axes[1].set_ylabel(f"difference in {METRIC_LABELS['true_outcome']}", fontsize=8)
    fig.axes[1].set_title("true_outcome minus the same seeds' at w = 1", fontsize=10)
    return fig


def analyse(data: SweepData) -> list[Finding]:
    """Outcome-KPI and outcome-admin frontiers, and the best mix per complexity level."""
    table = data.table[data.table["metric"].isin(METRICS)]
    n = data.replicates
    final = final_year(table, data.steps)
    level = summarise(final, [LINK, WEIGHT, "metric"])
    shown = level.rename(columns={LINK: LEVEL, WEIGHT: W})
    caption = caption_text(n, "Points are final-year means (last 12 months), labelled by w,")
    kpi_fig = plot_tradeoff(shown, "kpi", "true_outcome", W, TITLE_KPI, caption, by=LEVEL)
    admin_fig = plot_tradeoff(shown, "admin_share", "true_outcome", W, TITLE_ADMIN, caption,
                              by=LEVEL)
    best = optimum(final)
    top_w = float(final[WEIGHT].max())
    out_caption = caption_text(n, "Final-year means (left) and mean paired differences from "
                                  f"w = {top_w:g} on the same seeds (right), last 12 months,")
    frontier = ci_table(level, [LINK, WEIGHT], digits=4)
    best_table = best.assign(near_best=best["near_best"].map(lambda s: ", ".join(f"{w:g}" for w in s)))
    return [
        Finding("steering_frontier_kpi", TITLE_KPI, kpi_fig, caption, reading_of_kpi(level), frontier),
        Finding("steering_frontier_admin", TITLE_ADMIN, admin_fig, caption,
                reading_of_admin(level, best), admin_table(level, best)),
        Finding("steering_frontier_outcome", TITLE_OUTCOME,
                _outcome_figure(final, level, out_caption), out_caption,
                reading_of_optimum(best, top_w), best_table.round(4)),
    ]
