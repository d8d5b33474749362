"""Framing: co-creation's scope × facilitation × decision rule, against no arenas (P9, P11)."""

from __future__ import annotations

import pandas as pd

from sim.reporting.analysis import Finding, SweepData
from sim.reporting.analysis.stats import ci_of, final_year, summarise
from sim.reporting.plots import caption_text, plot_curves, plot_heatmaps

SCOPE, FACILITATION, RULE, ARENAS = ("steering.scope", "steering.facilitation",
                                     "steering.decision_rule", "steering.arena_every")
ARENA = ("citizen_influence", "arena_success", "arena_equity", "overrides", "revealed_distrust")
PAYOFF = ("true_outcome", "citizen_trust")
#: The pay-off metrics after subtracting the run without arenas.
GAIN = {"true_outcome": "Δ true_outcome", "citizen_trust": "Δ citizen_trust"}
HEAT = ("citizen_influence", "arena_success", "arena_equity", "overrides", *GAIN.values())
#: Arenas whose decisions move the budget less than this toward citizens are tokenism.
TOKEN_INFLUENCE = 0.05
#: Arenas that reach a decision less often than this are in conflict.
CONFLICT_SUCCESS = 0.5
TITLE_HEAT = ("Where do scope and facilitation give citizens influence, and does it pay off "
              "in outcomes and trust?")
TITLE_RULES = "How does the decision rule change success, equity and the pay-off of arenas?"


def cells(data: SweepData) -> pd.DataFrame:
    """Per cell and seed: arena metrics (arenas on) and pay-off vs no arenas (paired)."""
    final = final_year(data.table, data.steps)
    with_arenas = final[ARENAS] <= data.steps  # an arena_every beyond the horizon: none met
    on = final[with_arenas]
    off = final[~with_arenas & final["metric"].isin(PAYOFF)]
    # without arenas the frame is unused: every cell is the same run; one reference per seed
    reference = off.groupby(["seed", "metric"])["value"].mean().rename("reference")
    payoff = on[on["metric"].isin(PAYOFF)].join(reference, on=["seed", "metric"])
    payoff = payoff.assign(value=payoff["value"] - payoff["reference"],
                           metric=payoff["metric"].map(GAIN)).drop(columns="reference")
    return pd.concat([on[on["metric"].isin(ARENA)], payoff], ignore_index=True)


def analyse(data: SweepData) -> list[Finding]:
    """Heatmaps at the default rule; curves by rule at the default scope."""
    n = data.replicates
    per_seed = cells(data)
    summary = summarise(per_seed, [SCOPE, FACILITATION, RULE, "metric"])
    rule = "supermajority" if "supermajority" in set(summary[RULE]) else summary[RULE].iloc[0]
    heat = summary[summary[RULE] == rule]
    caption = caption_text(n, "Values are final-year means (Δ: paired difference from the same "
                              "municipality without arenas)")
    heat_fig = plot_heatmaps(heat, FACILITATION, SCOPE, HEAT, f"{TITLE_HEAT} ({rule} rule)",
                             caption + " Annotations: mean ± CI half-width.")
    scopes = sorted(set(summary[SCOPE]))
    scope = 0.3 if 0.3 in scopes else scopes[len(scopes) // 2]
    at_scope = summary[summary[SCOPE] == scope]
    rules_fig = plot_curves(at_scope, FACILITATION, ("arena_success", "arena_equity",
                            "citizen_influence", *GAIN.values()),
                            f"{TITLE_RULES} (scope {scope:g})", caption, by=RULE,
                            xlabel="facilitation (0-1)")
    return [
        Finding("framing_heatmaps", TITLE_HEAT, heat_fig, caption, _reading(summary), None),
        Finding("framing_rules", TITLE_RULES, rules_fig, caption, _rules_reading(at_scope, scope),
                _key_table(summary)),
    ]


def _cell(r: pd.Series) -> str:
    return f"scope {r[SCOPE]:g}, facilitation {r[FACILITATION]:g}, {r[RULE]}"


def _reading(summary: pd.DataFrame) -> str:
    wide = summary.pivot_table(index=[SCOPE, FACILITATION, RULE], columns="metric",
                               values="mean").reset_index()
    parts = []
    for metric in GAIN.values():
        rows = summary[summary["metric"] == metric].sort_values("mean")
        best, worst = rows.iloc[-1], rows.iloc[0]
        gains = rows[rows["low"] > 0]
        losses = rows[rows["high"] < 0]
        parts.append(f"{metric} (relative to no arenas): best at {_cell(best)} "
                     f"({ci_of(best, 4)}), worst at "
                     f"{_cell(worst)} ({ci_of(worst, 4)}); "
                     f"{len(gains)} of {len(rows)} cells gain and {len(losses)} lose with CIs "
                     f"excluding 0.")
    token = wide[wide["citizen_influence"] < TOKEN_INFLUENCE]
    conflict = wide[wide["arena_success"] < CONFLICT_SUCCESS]
    parts.append(f"Tokenism (citizen influence below {TOKEN_INFLUENCE}): {len(token)} of {len(wide)} "
                 f"cells, mostly at scope {token[SCOPE].mode().iat[0]:g}." if len(token) else
                 f"No cell has citizen influence below {TOKEN_INFLUENCE} (tokenism).")
    parts.append(f"Conflict (decisions reached in fewer than {CONFLICT_SUCCESS:.0%} of arenas): "
                 f"{len(conflict)} cells, mostly with facilitation "
                 f"{conflict[FACILITATION].mode().iat[0]:g}." if len(conflict) else
                 f"Every cell reaches a decision in at least {CONFLICT_SUCCESS:.0%} of arenas.")
    return " ".join(parts)


def _rules_reading(at_scope: pd.DataFrame, scope: float) -> str:
    parts = []
    for metric in ("arena_success", "arena_equity"):
        rows = at_scope[at_scope["metric"] == metric]
        means = rows.groupby(RULE)["mean"].mean().sort_values(ascending=False)
        parts.append(f"{metric} averaged over facilitation levels at scope {scope:g}: "
                     + ", ".join(f"{rule} {value:.3f}" for rule, value in means.items()) + ".")
    lo = at_scope[(at_scope["metric"] == "arena_success")]
    f_lo, f_hi = lo[FACILITATION].min(), lo[FACILITATION].max()
    for rule, rows in lo.groupby(RULE):
        a = rows[rows[FACILITATION] == f_lo].iloc[0]
        b = rows[rows[FACILITATION] == f_hi].iloc[0]
        parts.append(f"Under {rule}, facilitation {f_lo:g} → {f_hi:g} moves success from "
                     f"{ci_of(a, 2)} to "
                     f"{ci_of(b, 2)}.")
    return " ".join(parts)


def _key_table(summary: pd.DataFrame) -> pd.DataFrame:
    wide = summary.pivot_table(index=[SCOPE, FACILITATION, RULE], columns="metric", values="mean")
    cols = [c for c in (*GAIN.values(), "citizen_influence", "arena_success", "arena_equity",
                        "overrides") if c in wide.columns]
    return wide.sort_values(GAIN["true_outcome"], ascending=False)[cols].head(8).reset_index().round(4)
