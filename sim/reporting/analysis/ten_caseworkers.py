"""Ten caseworkers: silo vs one-plan team case handling across the complexity of needs (P7).

Question: how many caseworkers and plans does a citizen with complex needs meet under
silo case handling and under one-plan teams, and what do teams do to true outcomes and
cost as needs become more entangled across domains?

Figures: ``ten_caseworkers_levels`` (final-year means by complexity, a line per case
handling) and ``ten_caseworkers_differences`` (paired differences team − silo per
complexity level).
"""

from __future__ import annotations

import pandas as pd

from sim.reporting.analysis import Finding, SweepData
from sim.reporting.analysis.stats import (
    ci_table,
    describe_ci,
    excludes_zero,
    final_year,
    mean_ci,
    paired_differences,
    summarise,
)
from sim.reporting.plots import caption_text, plot_curves, plot_differences

TEAM = "steering.team_cases"
LINK = "population.link_worsening_per_step"
METRICS = ("caseworkers_complex", "plans_complex", "true_outcome", "cost_per_outcome",
           "budget_used", "equity_gap")
#: Column names as the figures show them (with units).
HANDLING = "case handling"
LEVEL = "linked-need spill-over (per month)"
SILO, TEAM_LABEL = "silo", "team"
#: Spending share from which the budget counts as fully spent.
FULL_BUDGET = 0.999
TITLE_LEVELS = ("How many caseworkers and plans does a complex citizen meet under silos and "
                "teams, and at what outcome and cost?")
TITLE_DIFF = ("How much do one-plan teams change each metric against silos, at each complexity "
              "of needs (same seeds)?")


def handling(value: float) -> str:
    """Name a ``team_cases`` value: 0 is silo, 1 is team, anything between a team share."""
    if value == 0:
        return SILO
    return TEAM_LABEL if value == 1 else f"team share {value:g}"


def with_handling(final: pd.DataFrame) -> pd.DataFrame:
    """Replace the ``team_cases`` column by a named case-handling column."""
    return final.assign(**{HANDLING: final[TEAM].map(handling)}).drop(columns=TEAM)


def growth(final: pd.DataFrame, metric: str) -> tuple[float, float, float, float, float]:
    """How the team − silo difference in ``metric`` changes from the lowest to the highest level.

    Paired on seeds across levels: (team − silo at the highest) − (team − silo at the
    lowest). Returns the lowest and highest level and the mean and CI of that change.
    """
    rows = final[(final["metric"] == metric) & final[HANDLING].isin([SILO, TEAM_LABEL])]
    wide = rows.pivot_table(index="seed", columns=[LINK, HANDLING], values="value")
    low, high = rows[LINK].min(), rows[LINK].max()
    change = ((wide[(high, TEAM_LABEL)] - wide[(high, SILO)])
              - (wide[(low, TEAM_LABEL)] - wide[(low, SILO)]))
    return (low, high, *mean_ci(change.to_numpy()))


def _digits(metric: str) -> int:
    return 1 if metric == "cost_per_outcome" else (2 if metric.endswith("_complex") else 4)


def _ci(mean: float, low: float, high: float, metric: str) -> str:
    return describe_ci(mean, low, high, _digits(metric))


def reading_of_levels(level: pd.DataFrame) -> str:
    """Caseworkers and plans per complex citizen under silos and teams, per level."""
    parts = []
    for link in sorted(level[LINK].unique()):
        at = level[level[LINK] == link].set_index(["metric", HANDLING])
        said = []
        for metric, what in (("caseworkers_complex", "caseworkers"), ("plans_complex", "plans")):
            cells = {h: at.loc[(metric, h)] for h in (SILO, TEAM_LABEL) if (metric, h) in at.index}
            pair = [f"{h} {_ci(r['mean'], r['low'], r['high'], metric)}" for h, r in cells.items()]
            said.append(f"{what} " + " vs ".join(pair))
        parts.append(f"At spill-over {link:g} per month: " + "; ".join(said))
    return "Per citizen with four or more needs, final year. " + ". ".join(parts) + "."


def reading_of_differences(diffs: pd.DataFrame, final: pd.DataFrame, level: pd.DataFrame) -> str:
    """Team − silo per level for outcome and cost, and how the outcome gain changes."""
    parts = []
    for metric in ("true_outcome", "cost_per_outcome", "budget_used", "equity_gap"):
        rows = diffs[diffs["metric"] == metric].sort_values(LINK)
        said = []
        for _, r in rows.iterrows():
            verdict = "clear" if excludes_zero(r["low"], r["high"]) else "not distinguishable"
            said.append(f"{_ci(r['mean'], r['low'], r['high'], metric)} at {r[LINK]:g} ({verdict})")
        parts.append(f"{metric} " + ", ".join(said))
    text = "Team minus silo, paired on seeds: " + "; ".join(parts) + ". "
    spent = level[level["metric"] == "budget_used"].groupby(LINK)["mean"].min()
    full = [link for link, lowest in spent.items() if lowest >= FULL_BUDGET]
    if full:
        text += ("The whole budget is spent under both silo and team at spill-over "
                 + ", ".join(f"{link:g}" for link in full) + " (budget_used at least "
                 f"{FULL_BUDGET:g} in both). ")
    low, high, mean, lo, hi = growth(final, "true_outcome")
    if excludes_zero(lo, hi):
        word = "grows" if mean > 0 else "shrinks"
        text += (f"The true-outcome gain of teams {word} from spill-over {low:g} to {high:g} by "
                 f"{describe_ci(abs(mean), min(abs(lo), abs(hi)), max(abs(lo), abs(hi)), 4)} (paired).")
    else:
        text += (f"The true-outcome gain of teams does not clearly change from spill-over {low:g} "
                 f"to {high:g} ({describe_ci(mean, lo, hi, 4)}, paired).")
    return text


def analyse(data: SweepData) -> list[Finding]:
    """Levels by case handling and complexity, and paired team − silo differences."""
    table = data.table[data.table["metric"].isin(METRICS)]
    n = data.replicates
    final = with_handling(final_year(table, data.steps))
    level = summarise(final, [LINK, HANDLING, "metric"])
    caption = caption_text(n, "Lines are final-year means (last 12 months)")
    levels_fig = plot_curves(level.rename(columns={LINK: LEVEL}), LEVEL, METRICS, TITLE_LEVELS,
                             caption, by=HANDLING, xlabel=LEVEL)
    diffs = paired_differences(final, HANDLING, SILO)
    diffs = diffs[diffs["option"] == TEAM_LABEL][[LINK, "metric", "mean", "low", "high", "n", "p"]]
    shown = diffs.assign(option=[f"spill-over {v:g}/month" for v in diffs[LINK]])
    diff_caption = caption_text(n, "Points are mean paired differences (team minus silo, same "
                                   "seeds) in the final year")
    diff_fig = plot_differences(shown, METRICS, SILO, TITLE_DIFF, diff_caption, contrast="team - silo")
    grid = ci_table(level, [LINK, HANDLING], digits=_digits)
    return [
        Finding("ten_caseworkers_levels", TITLE_LEVELS, levels_fig, caption,
                reading_of_levels(level), grid),
        Finding("ten_caseworkers_differences", TITLE_DIFF, diff_fig, diff_caption,
                reading_of_differences(diffs, final, level),
                diffs.sort_values(["metric", LINK]).round(4).reset_index(drop=True)),
    ]
