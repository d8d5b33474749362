"""Budget cut: a 10% cut from year 2 under each style, against no cut on the same seeds."""

from __future__ import annotations

import pandas as pd

from sim.reporting.analysis import Finding, SweepData
from sim.reporting.analysis.stats import (
    ci_of,
    describe_ci,
    final_year,
    mean_ci,
    paired_differences,
    summarise,
)
from sim.reporting.plots import caption_text, label, plot_differences, plot_timeseries

CUT = "model.budget_cut"
#: Who: everyone, the lowest resource quintile, citizens with complex needs; and trust.
LOSSES = ("true_outcome", "outcome_bottom_quintile", "outcome_complex", "citizen_trust",
          "equity_gap", "motivation")
#: ``budget_level`` (budget / frame) rather than ``budget_used``: every style spends its
#: budget, so what differs is what each costs (tasks handed over take their money along).
SERIES = ("true_outcome", "outcome_bottom_quintile", "outcome_complex", "citizen_trust",
          "budget_level", "equity_gap")
TITLE_TS = "How do outcomes and trust move after a 10% budget cut under each steering style?"
TITLE_LOSS = ("Who loses from the cut under each style, and how does trust respond "
              "(final year, cut minus no cut)?")


def losses(data: SweepData) -> pd.DataFrame:
    """Final-year paired effect of the cut (cut − no cut) per style and metric."""
    final = final_year(data.table[data.table["metric"].isin(LOSSES)], data.steps)
    diffs = paired_differences(final, CUT, 0.0)
    return diffs.rename(columns={"option": "cut"}).rename(columns={"steering": "option"})


def analyse(data: SweepData) -> list[Finding]:
    """Series under the cut by style; the cut's paired effects by style and group."""
    n = data.replicates
    cut_value = max(set(data.table[CUT]))
    step = int((data.config.get("model") or {}).get("budget_cut_step", 13))
    cut_rows = data.table[(data.table[CUT] == cut_value)
                          & data.table["metric"].isin((*SERIES, "budget_used"))]
    series = summarise(cut_rows, ["steering", "step", "metric"])
    caption = caption_text(n) + f" Dotted line: the cut of {cut_value:.0%} (step {step})."
    ts = plot_timeseries(series, SERIES, "steering", TITLE_TS, caption, mark_step=step - 0.5)
    effect = losses(data)
    loss_caption = caption_text(n, "Points are mean paired effects of the cut (final year)")
    loss_fig = plot_differences(effect, LOSSES, "no cut", TITLE_LOSS, loss_caption,
                                contrast="cut - no cut")
    return [Finding("budget_cut_timeseries", TITLE_TS, ts, caption, _series_reading(series), None),
            Finding("budget_cut_losses", TITLE_LOSS, loss_fig, loss_caption,
                    _loss_reading(effect) + _gap_reading(data), effect.drop(columns=["cut"]).round(4))]


def _gap_reading(data: SweepData) -> str:
    gap = trust_response_gap(data)
    if gap is None:
        return ""
    verdict = ("holds up better" if gap[1] > 0 else "holds up worse" if gap[2] < 0 else
               "does not clearly differ")
    return (f" With citizens at the table (co-creation), trust's response to the cut "
            f"{verdict} than under result-based steering: difference in differences "
            f"{describe_ci(*gap, digits=4)} (paired by seed).")


def _series_reading(series: pd.DataFrame) -> str:
    last = series[series["step"] == series["step"].max()]
    used = last[last["metric"] == "budget_used"]
    within = "stays within" if (used["high"] <= 1.0 + 1e-9).all() else "exceeds"
    parts = [f"Spending {within} the budget: final-month spending / budget "
             + ", ".join(f"{label(r['steering'])} {r['mean']:.3f}" for _, r in used.iterrows()) + "."]
    level = last[last["metric"] == "budget_level"]
    if not level.empty:
        parts.append("What each style costs, the final month's budget as a share of the cut "
                     "frame (below 1 where money went back to the treasury or went with tasks "
                     "handed to civil society): " + ", ".join(
                         f"{label(r['steering'])} {r['mean']:.3f}" for _, r in level.iterrows())
                     + ".")
    trust = last[last["metric"] == "citizen_trust"].sort_values("mean", ascending=False)
    parts.append("Trust at the end under the cut: " + ", ".join(
        f"{label(r['steering'])} {ci_of(r)}"
        for _, r in trust.iterrows()) + ".")
    return " ".join(parts)


def _loss_reading(effect: pd.DataFrame) -> str:
    parts = []
    for style, rows in effect.groupby("option", sort=False):
        rows = rows.set_index("metric")
        said = []
        for metric in ("true_outcome", "outcome_bottom_quintile", "outcome_complex"):
            if metric in rows.index:
                r = rows.loc[metric]
                said.append(f"{metric} {ci_of(r, 4)}")
        who = rows.loc[[m for m in ("true_outcome", "outcome_bottom_quintile", "outcome_complex")
                        if m in rows.index], "mean"].idxmin()
        trust = rows.loc["citizen_trust"]
        verdict = ("falls" if trust["high"] < 0 else "rises" if trust["low"] > 0 else
                   "does not clearly move")
        parts.append(f"Under {label(style)} the cut changes " + ", ".join(said)
                     + f"; the largest loss is in {who}; trust {verdict} "
                     f"({ci_of(trust, 4)}).")
    return " ".join(parts)


def trust_response_gap(data: SweepData, with_citizens: str = "co_creation",
                       without: str = "result_based") -> tuple[float, float, float] | None:
    """The cut's effect on trust with citizens at the table minus without (paired by seed).

    A difference in differences with its CI; ``None`` if either style is missing.
    """
    final = final_year(data.table[data.table["metric"] == "citizen_trust"], data.steps)
    wide = final.pivot_table(index="seed", columns=["steering", CUT], values="value")
    cut = max(set(final[CUT]))
    if with_citizens not in wide.columns.get_level_values(0) or \
            without not in wide.columns.get_level_values(0):
        return None
    did = ((wide[(with_citizens, cut)] - wide[(with_citizens, 0.0)])
           - (wide[(without, cut)] - wide[(without, 0.0)]))
    return mean_ci(did.dropna().to_numpy())
