"""The metrics contract (MODEL.md §6): names, meanings, and their computation each step.

The names in :data:`METRICS` are a contract: plots, reports, tests and users' scripts rely
on them. :data:`EXTRA_METRICS` are further model-level series used by experiments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.state import DOCUMENTATION, GAMING, QUALITY

if TYPE_CHECKING:
    from sim.state import ModelState

#: Open needs (above threshold) from which a citizen counts as complex (MODEL.md §6).
COMPLEX_NEEDS = 4

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
    "legitimacy": "mean citizen belief in the legitimacy of the municipality's decisions",
    "complaints": "expected complaints and appeals per 1,000 citizens this month",
    "caseworkers_complex": "mean caseworkers met in 12 months (current + ended relations), "
                           ">= 4 needs",
    "plans_complex": "mean open plans, citizens with >= 4 needs",
    "participation": "share of invited citizens who took part in arenas (NaN: no arenas)",
    "revealed_distrust": "share of invited citizens who declined because of low trust",
    "revealed_closedness": "share of arena decisions put to ratification that the council "
                           "overrode (cumulative; NaN before the first decision)",
    "citizen_influence": "scope x how far the latest arena's decision moved toward citizens' "
                         "priorities (0 without a ratified decision)",
    "arena_success": "whether the latest arena reached a decision (0 or 1)",
    "arena_acceptability": "mean utility of the latest arena decision to participants",
    "arena_equity": "lowest party's mean utility over the highest's, latest decision",
    "overrides": "arena recommendations overridden by politicians (cumulative)",
    "equity_gap": "true outcome of the top resource quintile minus the bottom quintile",
    "admin_share": "share of professional time on documentation and audit",
    "budget_used": "spending / budget",
    "budget_level": "budget / frame (the base budget after any cut): below 1 where the "
                    "quarterly follow-up returned money the domains could not use, or "
                    "tasks handed to civil society took their money with them",
    "cost_per_outcome": "spending per unit of need resolved (budget units)",
}

#: Further series recorded every step.
EXTRA_METRICS: dict[str, str] = {
    "bunching_share": "share of cases finished in the last twelfth of the time limit (P3)",
    "teaching_quality": "school quality time per professional times the inclusion effect",
    "further_education": "share of citizens whose school need is below the case threshold "
                         "(nothing at school holds them back; all citizens, so not a case mix)",
    "quality_share": "share of professional time on quality work",
    "wellbeing_sd": "standard deviation of true outcome across citizens (the citizen-level SD)",
    "outcome_bottom_quintile": "mean wellbeing of the lowest resource quintile",
    "outcome_complex": "mean wellbeing of citizens with >= 4 needs",
    "latent_share": "share of need above the case threshold that is not a case (latent)",
    "outreach_share": "share of the budget spent finding latent need",
    "complaint_time": "share of professional time taken by complaints and appeals",
    "civil_share": "share of the need resolved this month that civil society resolved",
    "tasks_handed": "mean share of the domains' tasks handed to civil society",
    "civil_capacity": "mean civil capacity around citizens (volunteering, networks), 0-1",
    "council_openness": "politicians' mean openness now",
    "council_turnover": "seats changed hands at elections (cumulative)",
}

#: Arena metrics: NaN until an arena has run (acceptability, equity and revealed
#: closedness until the first decision); carried between arenas. ``overrides`` starts at 0.
ARENA_METRICS = ("participation", "revealed_distrust", "revealed_closedness",
                 "citizen_influence", "arena_success", "arena_acceptability", "arena_equity")

ALL_METRICS: tuple[str, ...] = (*METRICS, *EXTRA_METRICS)


def compute_metrics(m: ModelState) -> dict[str, float]:
    """Compute every metric for the model's current state."""
    c, pro = m.citizens, m.professionals
    w = c.wellbeing
    true_outcome = _mean(w)
    kpi = _mean(m.kpi_units)
    time_share = pro.time.sum(axis=0) / pro.time.shape[0]
    complex_mask = m.complexity >= COMPLEX_NEEDS
    rows = min(m.steps, m.kpi_history.shape[0])
    latent, thr = float(m.latent_need.sum()), m.p.need_threshold
    school_quality = pro.time[m.domain_start[0]:m.domain_start[1], QUALITY].sum() / m.domain_count[0]
    return {
        "true_outcome": true_outcome,
        "kpi": kpi,
        "survey_outcome": m.survey,
        "kpi_survey_gap": kpi - m.survey,
        "kpi_outcome_corr": _corr(m.kpi_history[:rows].ravel(), m.outcome_history[:rows].ravel()),
        "gaming_share": float(time_share[GAMING]),
        "motivation": _mean(pro.intrinsic_motivation),
        "citizen_trust": _mean(c.trust),
        "legitimacy": _mean(c.legitimacy),
        "complaints": m.complaints,
        "caseworkers_complex": _mean(c.caseworkers[complex_mask]),
        "plans_complex": _mean(c.plans[complex_mask]),
        **m.arena_metrics,
        "equity_gap": float(w @ m.equity_weights),
        "admin_share": float(time_share[DOCUMENTATION]),
        "budget_used": m.spending / m.budget_month,
        "budget_level": m.budget_month / m.budget_frame,
        "cost_per_outcome": m.spending / m.resolved_total if m.resolved_total > 0 else np.nan,
        "bunching_share": m.bunching,
        "teaching_quality": float(school_quality * m.school_factor),
        "further_education": _mean(c.need[:, 0] < thr),
        "quality_share": float(time_share[QUALITY]),
        "wellbeing_sd": _sd(w),
        "outcome_bottom_quintile": float(w @ m.bottom_weights),
        "outcome_complex": _mean(w[complex_mask]),
        "latent_share": latent / (latent + float(m.open_need @ (m.open_need > thr)))
        if latent > 0.0 else 0.0,
        "outreach_share": m.outreach_spending / m.budget_month,
        "complaint_time": _mean(m.complaint_time),
        "civil_share": m.civil_resolved / (m.civil_resolved + m.resolved_total)
        if m.civil_resolved + m.resolved_total > 0.0 else np.nan,
        "tasks_handed": _mean(m.handed),
        "civil_capacity": _mean(c.civil_capacity),
        "council_openness": _mean(m.politician_openness),
        "council_turnover": float(m.council_turnover),
    }


def _mean(x: np.ndarray) -> float:
    """Mean of an array, NaN when it is empty (cheaper than ``ndarray.mean``)."""
    return float(np.add.reduce(x, dtype=float)) / x.size if x.size else np.nan


def _sd(x: np.ndarray) -> float:
    """Population standard deviation, as ``ndarray.std`` computes it (three times cheaper)."""
    d = x - np.add.reduce(x) / x.size
    d *= d
    return float(np.sqrt(np.add.reduce(d) / x.size))


def _corr(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation, NaN when either side has no spread."""
    if x.size < 3:
        return np.nan
    dx, dy = x - np.add.reduce(x) / x.size, y - np.add.reduce(y) / y.size
    sxy, sxx, syy = np.dot(dx, dy), np.dot(dx, dx), np.dot(dy, dy)
    if sxx < 1e-18 or syy < 1e-18:
        return np.nan
    return float(sxy / np.sqrt(sxx * syy))
