"""The metrics contract (MODEL.md §6): names, meanings, and their computation each step.

The names in :data:`METRICS` are a contract: plots, reports, tests and users' scripts rely
on them. :data:`EXTRA_METRICS` are further model-level series used by experiments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.population import DOCUMENTATION, GAMING, QUALITY

if TYPE_CHECKING:
    from sim.model import GovernanceModel

#: Contract metrics in MODEL.md §6 order, with their meaning.
METRICS: dict[str, str] = {
    "true_outcome": "mean citizen wellbeing",
    "kpi": "mean reported KPI attainment across domain units",
    "survey_outcome": "independent survey measure of the true outcome (KPI scale)",
    "kpi_survey_gap": "kpi - survey_outcome",
    "kpi_outcome_corr": "correlation of unit KPIs with unit true outcomes, rolling 12 steps",
    "gaming_share": "share of professionals' time spent gaming",
    "motivation": "mean intrinsic motivation of professionals",
    "citizen_trust": "mean citizen trust",
    "caseworkers_complex": "mean distinct caseworkers in 12 months, citizens with >= 4 needs",
    "plans_complex": "mean open plans, citizens with >= 4 needs",
    "participation": "share of invited citizens who took part in arenas (NaN: no arenas)",
    "revealed_distrust": "share of invited citizens who declined because of low trust",
    "citizen_influence": "how far arena decisions moved toward citizens' priorities",
    "arena_success": "share of arenas reaching a decision",
    "arena_acceptability": "mean utility of the arena outcome to participants",
    "arena_equity": "evenness of participants' utility from the outcome",
    "overrides": "arena recommendations overridden by politicians (cumulative)",
    "equity_gap": "true outcome of the top resource quintile minus the bottom quintile",
    "admin_share": "share of professional time on documentation and audit",
    "budget_used": "spending / budget",
    "cost_per_outcome": "spending per unit of need resolved (budget units)",
}

#: Further series recorded every step.
EXTRA_METRICS: dict[str, str] = {
    "bunching_share": "share of cases finished in the last twelfth of the time limit (P3)",
    "teaching_quality": "school quality time per professional times the inclusion effect",
    "further_education": "share of citizens with a school case doing well (wellbeing > 0.5)",
    "quality_share": "share of professional time on quality work",
}

#: Arena metrics: NaN until an arena has run (``overrides`` starts at 0).
ARENA_METRICS = ("participation", "revealed_distrust", "citizen_influence", "arena_success",
                 "arena_acceptability", "arena_equity")

ALL_METRICS: tuple[str, ...] = (*METRICS, *EXTRA_METRICS)


def compute_metrics(m: GovernanceModel) -> dict[str, float]:
    """Compute every metric for the model's current state."""
    c, pro = m.citizens, m.professionals
    w = c.wellbeing
    true_outcome = float(w.mean())
    kpi = float(m.kpi_units.mean())
    complex_mask = m.complexity >= 4
    n_complex = int(complex_mask.sum())
    hist_k, hist_o = m.kpi_history, m.outcome_history
    rows = min(m.steps, hist_k.shape[0])
    corr = _corr(hist_k[:rows].ravel(), hist_o[:rows].ravel())
    resolved = float(m.resolved.sum())
    school = m.open_cases[:, 0]
    out = {
        "true_outcome": true_outcome,
        "kpi": kpi,
        "survey_outcome": m.survey,
        "kpi_survey_gap": kpi - m.survey,
        "kpi_outcome_corr": corr,
        "gaming_share": float(pro.time[:, GAMING].mean()),
        "motivation": float(pro.intrinsic_motivation.mean()),
        "citizen_trust": float(c.trust.mean()),
        "caseworkers_complex": float(c.caseworkers[complex_mask].mean()) if n_complex else np.nan,
        "plans_complex": float(c.plans[complex_mask].mean()) if n_complex else np.nan,
        **m.arena_metrics,
        "equity_gap": float(w[m.top_quintile].mean() - w[m.bottom_quintile].mean()),
        "admin_share": float(pro.time[:, DOCUMENTATION].mean()),
        "budget_used": m.spending / m.budget_month,
        "cost_per_outcome": m.spending / resolved if resolved > 0 else np.nan,
        "bunching_share": m.bunching,
        "teaching_quality": float(pro.time[m.domain_start[0]:m.domain_start[1], QUALITY].mean()
                                  * m.school_factor),
        "further_education": float((w[school] > 0.5).mean()) if school.any() else np.nan,
        "quality_share": float(pro.time[:, QUALITY].mean()),
    }
    return out


def _corr(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation, NaN when either side has no spread."""
    if x.size < 3:
        return np.nan
    sx, sy = x.std(), y.std()
    if sx < 1e-12 or sy < 1e-12:
        return np.nan
    return float(((x - x.mean()) * (y - y.mean())).mean() / (sx * sy))
