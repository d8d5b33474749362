"""Where each style wins: the four places of MODEL.md §10.8, each with its stated ordering.

The defaults (``baseline``) run too, with no claim: whatever ordering comes out is
reported beside the places. Every scenario runs under the three styles on the same
seeds. A claim names a scenario, a metric and the style expected to do better; its
paired difference (better − worse, with the metric's sign, so positive means the claim's
direction) is reported in three units: seed SDs (the spread of the final-year value
between seeds), citizen-level SDs (the spread of wellbeing between citizens, for outcome
metrics) and the survey's standard error. A difference below half the survey's standard
error is no practical difference (MODEL.md §10.8), whatever its confidence interval.
"At least as good" claims are non-inferiority claims: they hold when the whole interval
lies above minus that threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from sim.reporting.analysis import Finding, SweepData
from sim.reporting.analysis.stats import final_year, mean_ci
from sim.reporting.plots import colour, finish, label, panel_grid

#: The survey's standard error of mean wellbeing at 400 respondents (MODEL.md §10.8).
SURVEY_SE = 0.022
#: Differences below this are no practical difference (half the survey's standard error).
PRACTICAL = SURVEY_SE / 2
#: Metrics whose unit is wellbeing, so a citizen-level SD (``wellbeing_sd``) applies.
OUTCOME_METRICS = ("true_outcome", "outcome_bottom_quintile", "equity_gap")
METRICS = ("true_outcome", "equity_gap", "outcome_bottom_quintile", "legitimacy")
#: +1: higher is better; -1: lower is better.
SIGN = {"true_outcome": 1, "equity_gap": -1, "outcome_bottom_quintile": 1, "legitimacy": 1}
TITLE_CONTRASTS = ("How far apart are the styles in each place, against the practical threshold "
                   "(half the survey's standard error)?")
TITLE_CLAIMS = "Does each style win where the model says it should (MODEL.md §10.8)?"


@dataclass(frozen=True)
class Claim:
    """One stated ordering: in ``scenario``, ``better`` does better than ``worse`` on ``metric``.

    ``at_least``: a non-inferiority claim ("at least as good"). Claims sharing a ``region``
    are alternatives ("on true outcome or equity"): the region holds if one of them does.
    """

    region: str
    scenario: str
    metric: str
    better: str
    worse: str
    at_least: bool = False


CLAIMS = (
    Claim("aligned targets", "aligned_targets", "true_outcome", "result_based", "experience_based",
          at_least=True),
    Claim("local knowledge", "local_knowledge", "true_outcome", "co_creation", "experience_based"),
    Claim("local knowledge", "local_knowledge", "true_outcome", "experience_based", "result_based"),
    Claim("captured arena", "captured_arena", "true_outcome", "experience_based", "co_creation"),
    Claim("captured arena", "captured_arena", "equity_gap", "experience_based", "co_creation"),
    Claim("budget cut", "budget_cut", "legitimacy", "co_creation", "experience_based"),
    Claim("budget cut", "budget_cut", "legitimacy", "co_creation", "result_based"),
)


def _wide(final: pd.DataFrame, scenario: str, metric: str) -> pd.DataFrame:
    rows = final[(final["scenario"] == scenario) & (final["metric"] == metric)]
    return rows.pivot_table(index="seed", columns="steering", values="value", aggfunc="mean")


def contrast(final: pd.DataFrame, scenario: str, metric: str, better: str, worse: str
             ) -> dict[str, float]:
    """The paired difference better − worse (signed so that positive is the claim's way).

    Returns ``mean``, ``low``, ``high``, ``n``, and the mean in seed SDs, citizen-level SDs
    (NaN for a metric not in wellbeing units) and survey standard errors.
    """
    wide = _wide(final, scenario, metric)
    if better not in wide.columns or worse not in wide.columns:
        return {"mean": np.nan, "low": np.nan, "high": np.nan, "n": 0, "seed_sd": np.nan,
                "citizen_sd": np.nan, "survey_se": np.nan}
    pair = wide[[better, worse]].dropna()
    sign = SIGN.get(metric, 1)
    mean, low, high = mean_ci((sign * (pair[better] - pair[worse])).to_numpy())
    seed_sd = float(np.sqrt(0.5 * (pair[better].var() + pair[worse].var())))
    citizen = np.nan
    if metric in OUTCOME_METRICS:
        sd = _wide(final, scenario, "wellbeing_sd")
        both = sd[[c for c in (better, worse) if c in sd.columns]].to_numpy()
        citizen = float(both.mean()) if both.size else np.nan  # a sweep without wellbeing_sd
    return {"mean": mean, "low": low, "high": high, "n": len(pair),
            "seed_sd": mean / seed_sd if seed_sd > 0 else np.nan,
            "citizen_sd": mean / citizen if citizen and citizen > 0 else np.nan,
            "survey_se": mean / SURVEY_SE}


def verdict(c: dict[str, float], at_least: bool) -> str:
    """``holds``, ``direction only`` (clear but below the practical threshold) or ``fails``."""
    if np.isnan(c["mean"]):
        return "not run"
    if at_least:
        return "holds" if c["low"] > -PRACTICAL else "fails"
    if c["low"] > 0:
        return "holds" if c["mean"] >= PRACTICAL else "direction only"
    return "fails"


def claims_table(final: pd.DataFrame) -> pd.DataFrame:
    """One row per claim: the contrast, its CI, its size in three units, the verdict."""
    rows = []
    for claim in CLAIMS:
        c = contrast(final, claim.scenario, claim.metric, claim.better, claim.worse)
        word = "at least as good as" if claim.at_least else "better than"
        rows.append({"region": claim.region, "scenario": claim.scenario, "metric": claim.metric,
                     "claim": f"{label(claim.better)} {word} {label(claim.worse)}",
                     **c, "verdict": verdict(c, claim.at_least)})
    return pd.DataFrame(rows)


def region_verdicts(table: pd.DataFrame) -> dict[str, str]:
    """Per region: ``holds`` if every claim holds, or (alternatives) any claim holds."""
    out = {}
    for region, rows in table.groupby("region", sort=False):
        verdicts = [v for v in rows["verdict"] if v != "not run"]
        if not verdicts:
            out[str(region)] = "not run"
            continue
        alternatives = rows["metric"].nunique() > 1 and rows["claim"].nunique() == 1
        if alternatives:
            best = ("holds" if "holds" in verdicts else "direction only"
                    if "direction only" in verdicts else "fails")
        else:
            best = ("holds" if all(v == "holds" for v in verdicts) else "fails"
                    if "fails" in verdicts else "direction only")
        out[str(region)] = best
    return out


def analyse(data: SweepData) -> list[Finding]:
    """Contrasts per scenario and metric; the claims of MODEL.md §10.8 with their verdicts."""
    table = data.table[data.table["metric"].isin((*METRICS, "wellbeing_sd"))]
    final = final_year(table, data.steps)
    n = data.replicates
    # the defaults first (no claim: whatever ordering comes out), then the named places
    scenarios = list(dict.fromkeys(s for s in ("baseline", *(c.scenario for c in CLAIMS))
                                   if s in set(final["scenario"])))
    pairs = (("experience_based", "result_based"), ("co_creation", "experience_based"),
             ("co_creation", "result_based"))
    rows = [{"scenario": s, "metric": metric, "contrast": f"{label(a)} − {label(b)}", "pair": (a, b),
             **contrast(final, s, metric, a, b)}
            for s in scenarios for metric in METRICS for a, b in pairs]
    contrasts = pd.DataFrame(rows)
    cap = (f"Points are mean paired differences in the final year (last 12 months) over {n} "
           f"paired replicates (common random numbers), signed so that right is better (equity: "
           f"a smaller gap); bars are 95% confidence intervals (Student t). Grey band: no "
           f"practical difference (within ± {PRACTICAL:.3f}, half the survey's standard error).")
    fig_c = _contrast_figure(contrasts, scenarios, cap)
    claims = claims_table(final)
    regions = region_verdicts(claims)
    fig_v = _claims_figure(claims, cap)
    out_table = contrasts.drop(columns=["pair"]).round(4)
    # the equity rows are signed (a smaller gap is better): say so beside each number
    out_table.insert(3, "positive means", out_table["metric"].map(
        lambda metric: "a smaller gap" if SIGN.get(metric, 1) < 0 else "higher"))
    return [
        Finding("where_styles_win_contrasts", TITLE_CONTRASTS, fig_c, cap,
                _baseline_free_reading(contrasts), out_table),
        Finding("where_styles_win_claims", TITLE_CLAIMS, fig_v, cap, _claims_reading(claims, regions),
                claims.round(4)),
    ]


def _contrast_figure(contrasts: pd.DataFrame, scenarios: list[str], caption: str):
    fig, axes = panel_grid(len(scenarios) * len(METRICS), width=3.0, height=1.9, max_cols=len(METRICS))
    for i, scenario in enumerate(scenarios):
        for j, metric in enumerate(METRICS):
            ax = axes.flat[i * len(METRICS) + j]
            rows = contrasts[(contrasts["scenario"] == scenario) & (contrasts["metric"] == metric)]
            ax.axvspan(-PRACTICAL, PRACTICAL, color="0.88", zorder=0)
            ax.axvline(0, color="0.3", lw=1)
            for k, (_, r) in enumerate(rows.iterrows()):
                ax.errorbar(r["mean"], k, xerr=[[r["mean"] - r["low"]], [r["high"] - r["mean"]]],
                            fmt="o", color=colour(r["pair"][0], k), capsize=3)
            ax.set_yticks(range(len(rows)), list(rows["contrast"]) if j == 0 else [""] * len(rows),
                          fontsize=8)
            ax.set_ylim(-0.7, len(rows) - 0.3)
            ax.tick_params(axis="x", labelsize=8)
            lim = max(PRACTICAL * 2, float(np.nanmax(np.abs(rows[["low", "high"]].to_numpy()))) * 1.15)
            ax.set_xlim(-lim, lim)
            if i == 0:
                ax.set_title(metric.replace("_", " "), fontsize=10)
            if j == 0:
                ax.set_ylabel(scenario.replace("_", " "), fontsize=9)
    return finish(fig, TITLE_CONTRASTS, caption)


def _claims_figure(claims: pd.DataFrame, caption: str):
    fig, axes = panel_grid(1, width=10.0, height=0.5 * len(claims) + 1.4)
    ax = axes.flat[0]
    ax.axvspan(-PRACTICAL / SURVEY_SE, PRACTICAL / SURVEY_SE, color="0.88", zorder=0)
    ax.axvline(0, color="0.3", lw=1)
    shade = {"holds": "#009E73", "direction only": "#E69F00", "fails": "#D55E00", "not run": "0.6"}
    for k, (_, r) in enumerate(claims.iloc[::-1].iterrows()):
        ax.errorbar(r["mean"] / SURVEY_SE, k, xerr=[[(r["mean"] - r["low"]) / SURVEY_SE],
                                                    [(r["high"] - r["mean"]) / SURVEY_SE]],
                    fmt="o", color=shade[r["verdict"]], capsize=3)
    names = [f"{r['scenario'].replace('_', ' ')}: {r['claim']} ({r['metric'].replace('_', ' ')})"
             for _, r in claims.iloc[::-1].iterrows()]
    ax.set_yticks(range(len(claims)), names, fontsize=8)
    ax.set_xlabel("difference in the claim's direction (survey standard errors)", fontsize=9)
    ax.legend(handles=[Patch(color=c, label=v) for v, c in shade.items() if v != "not run"],
              fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="verdict",
              title_fontsize=8)
    ax.grid(alpha=0.3, axis="x")
    return finish(fig, TITLE_CLAIMS, caption)


def _size(r: pd.Series) -> str:
    cit = "" if np.isnan(r["citizen_sd"]) else f", {r['citizen_sd']:+.2f} citizen SD"
    return (f"{r['mean']:+.4f} [{r['low']:+.4f}, {r['high']:+.4f}] ({r['seed_sd']:+.1f} seed SD"
            f"{cit}, {r['survey_se']:+.2f} survey SE)")


def _claims_reading(claims: pd.DataFrame, regions: dict[str, str]) -> str:
    parts = []
    for _, r in claims.iterrows():
        parts.append(f"{r['scenario']}: {r['claim']} on {r['metric']}: {_size(r)}: {r['verdict']}.")
    summary = "; ".join(f"{region} {verdict}" for region, verdict in regions.items())
    return (f"Paired by seed, final year, signed so that positive is the claim's direction. "
            f"Regions: {summary}. " + " ".join(parts))


def _baseline_free_reading(contrasts: pd.DataFrame) -> str:
    parts = []
    for scenario, rows in contrasts[contrasts["metric"] == "true_outcome"].groupby("scenario", sort=False):
        said = [f"{r['contrast']} {r['mean']:+.4f} ({r['survey_se']:+.2f} survey SE"
                f"{'' if abs(r['mean']) >= PRACTICAL else ', no practical difference'})"
                for _, r in rows.iterrows()]
        parts.append(f"{scenario}: " + "; ".join(said) + ".")
    return "True outcome, final year, paired by seed: " + " ".join(parts)
