"""Model parameters: one typed, validated place for every number the model uses.

Each parameter is declared once (:mod:`sim.fields`): its default, its allowed range, its
unit, a one-line meaning, its status (set, free or calibrated) and its basis. Unknown keys
and out-of-range values raise ``ValueError`` naming the key and what is allowed, so the
Python API, the CLI and the tests all fail the same way. Rates are per step (one step is
one month). The parameter tables of ``docs/model.md`` are generated from these
declarations (:mod:`sim.docs`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sim.fields import (
    bounded,
    choice,
    declared,
    describe,
    flag,
    markdown_table,
    show_range,
    show_value,
    validate,
)


@dataclass
class ModelParams:
    """All model parameters with defaults (MODEL.md §9); ``status="free"`` marks the free ones."""

    # --- scale and population -------------------------------------------------------
    n_citizens: int = bounded(
        2000, 10, 10_000_000, integer=True, unit="citizens", doc="number of citizens",
        basis="MODEL.md §2: default 2,000, must scale to 1,000,000")
    n_domains: int = bounded(
        6, 4, 10, integer=True, unit="domains", doc="welfare domains (school, health, ...)",
        basis="MODEL.md §9: 6 (range 4–10), design choice")
    citizens_per_professional: float = bounded(
        20.0, 2.0, 1000.0, unit="citizens per professional", doc="citizens per professional",
        basis="MODEL.md §2: one professional per 20 citizens")
    n_politicians: int = bounded(
        9, 1, 101, integer=True, unit="politicians", doc="council size",
        basis="MODEL.md §2: council of 9")
    council_openness: float = bounded(
        0.4, 0.0, 1.0, unit="share 0-1", doc="politicians' mean willingness to share agenda power",
        basis="design choice: 0.4 keeps the former U(0.2, 0.6); Gentofte (P11), where "
              "recommendations almost always pass: scenario `task_committee` (0.95)")
    initial_trust: float = bounded(
        0.44, 0.05, 0.95, unit="trust 0-1", doc="citizens' mean trust at the start",
        basis="design choice: 0.44 ≈ the mean of the former Beta(4, 5); low trust shows as revealed"
              " distrust (P9)")
    initial_legitimacy: float = bounded(
        0.5, 0.05, 0.95, unit="legitimacy 0-1",
        doc="citizens' mean belief in the legitimacy of the municipality's decisions at the start",
        basis="design choice: the middle of the scale (MODEL.md §10.3)")
    civil_strength: float = bounded(
        1.1, 0.0, 3.0, unit="factor",
        doc="strength of civil society: local capacity per unit of the neighbourhood's resources",
        status="free", basis="assumed: mean capacity near 0.4, the share of Danish adults who "
                             "volunteer in a year (MODEL.md §10.2; verify the year's survey)")
    network_k: int = bounded(
        6, 2, 50, integer=True, unit="neighbours", doc="small-world degree (even)",
        basis="small world for word of mouth (MODEL.md §2)")
    network_p: float = bounded(
        0.1, 0.0, 1.0, unit="probability", doc="small-world rewiring probability",
        basis="small world for word of mouth (MODEL.md §2)")
    segregation: float = bounded(
        0.0, 0.0, 1.0, unit="share 0-1",
        doc="residential sorting by resources: how far network neighbours are alike in resources"
            " (0: neighbourhoods are mixed)",
        status="free", basis="assumed: 0 keeps the mixed municipality of MODEL.md §2; Danish "
                             "municipalities with vulnerable housing areas sort by resources")
    # --- needs (P7) -----------------------------------------------------------------
    need_sigma: float = bounded(
        1.6, 0.1, 3.0, unit="log scale", doc="lognormal sigma of citizen frailty (tail of needs)",
        basis="P7 target: top 1% ≈ 30% of cost (Deloitte 2017)")
    need_scale: float = bounded(
        0.25, 0.01, 10.0, unit="need units", doc="mean size of a new need (times frailty)",
        basis="design choice; with shock and decline fixes the need level")
    need_gradient_spread: float = bounded(
        0.5, 0.0, 1.0, unit="share 0-1",
        doc="how unequally the social gradient of need falls on domains (0: the same in all)",
        status="free", basis="assumed: work and social needs more graded by resources than "
                             "school and health (MODEL.md §10.1: groups with different needs)")
    need_max: float = bounded(
        10.0, 0.1, 100.0, unit="need units", doc="ceiling of need per domain (most severe)",
        basis="design choice")
    need_threshold: float = bounded(
        0.5, 0.01, 10.0, unit="need units", doc="need above which a case opens / counts",
        basis="design choice (case opening, complexity)")
    shock_per_step: float = bounded(
        0.02, 0.0, 1.0, unit="probability per month",
        doc="chance per citizen-domain-step of a new need", basis="design choice")
    need_decline_per_step: float = bounded(
        0.02, 0.0, 1.0, unit="share per month", doc="natural decline of need per step",
        basis="design choice")
    link_worsening_per_step: float = bounded(
        0.02, 0.0, 1.0, unit="share per month", doc="unmet linked need spilling into a domain",
        status="free", basis="MODEL.md §4 cross-domain interaction")
    # --- budget ----------------------------------------------------------------------
    budget_per_citizen: float = bounded(
        1.0, 0.01, 1e6, unit="budget units per citizen per month", doc="monthly budget per citizen",
        basis="unit of account")
    staff_cost_share: float = bounded(
        0.65, 0.05, 0.95, unit="share 0-1", doc="share of the budget that pays staff",
        basis="design choice")
    budget_cut: float = bounded(
        0.0, 0.0, 0.9, unit="share 0-1", doc="fractional budget cut from budget_cut_step on",
        basis="scenario `budget_cut` (0.1)")
    budget_cut_step: int = bounded(
        13, 1, 100_000, integer=True, unit="month", doc="first step of the cut",
        basis="scenario `budget_cut` (year 2)")
    budget_follow_up: bool = flag(
        True, doc="whether the council's quarterly budget follow-up returns to the treasury what "
        "the domains could not use (§10.4 switch)",
        basis="Danish municipal budget follow-up (budgetopfølgning) and supplementary "
        "appropriations, assumed quarterly")
    budget_stickiness: float = bounded(
        0.7, 0.0, 1.0, unit="weight 0-1", doc="weight of last year's domain shares",
        basis="incrementalism, assumed")
    # --- effort allocation (P1) -------------------------------------------------------
    effort_substitutability: float = bounded(
        0.5, 0.0, 0.9, unit="coefficient", doc="delta, cost of doing tasks together", status="free",
        basis="Holmström & Milgrom 1991 (P1)")
    kpi_noise_var: float = bounded(
        0.25, 0.0, 4.0, unit="KPI units squared", doc="sigma^2 of KPI measurement noise",
        status="free", basis="Holmström & Milgrom 1991; Baker 2002")
    kpi_angle_deg: float = bounded(
        45.0, 0.0, 90.0, unit="degrees", doc="angle between KPI and true goal", status="free",
        basis="Baker 2002; Braganza 2022 (45°)")
    gaming_possible: bool = flag(
        True, doc="whether reported KPIs can be gamed (P4)", basis="Kelman & Friedman 2009 (P4 switch)")
    sanction: float = bounded(
        1.0, 0.0, 100.0, unit="utility units", doc="penalty on detected gaming",
        basis="design choice")
    audit_hours: float = bounded(
        0.1, 0.0, 0.5, unit="share of a month", doc="time share one audit per step costs a unit",
        basis="design choice")
    # --- production (non-linearity) -----------------------------------------------------
    exponent_effort: float = bounded(
        0.6, 0.05, 2.0, unit="exponent", doc="a, returns to public effort", status="free",
        basis="Ostrom 1996 (sign only)")
    exponent_coproduction: float = bounded(
        0.3, 0.0, 2.0, unit="exponent", doc="b, complementarity of citizen input", status="free",
        basis="Ostrom 1996 (sign only)")
    production_scale: float = bounded(
        0.08, 0.0, 1.0, unit="share per month",
        doc="share of need resolved per step at unit effort", basis="design choice")
    linked_need_cap: float = bounded(
        1.0, 0.01, 100.0, unit="need units", doc="linked need that halves progress (at most)",
        basis="MODEL.md §4 (h ≤ 1)")
    handoff_loss: float = bounded(
        0.2, 0.0, 1.0, unit="share per handoff", doc="lambda_h, information lost per handoff",
        status="free", basis="MODEL.md §9: 0.1–0.3 per handoff (P7)")
    info_recovery_per_step: float = bounded(
        0.15, 0.0, 1.0, unit="share per month", doc="case knowledge rebuilt per step",
        basis="design choice")
    wellbeing_need_scale: float = bounded(
        0.3, 0.01, 100.0, unit="need units",
        doc="need in one domain that halves that domain's part of wellbeing",
        basis="design choice: the baseline's true outcome near the survey's 0.75 (MODEL.md §10.7)")
    wellbeing_rate_per_step: float = bounded(
        0.2, 0.0, 1.0, unit="share per month", doc="speed at which wellbeing follows needs",
        basis="design choice")
    # --- cases (P7) ------------------------------------------------------------------
    case_reassign_per_step: float = bounded(
        0.06, 0.0, 1.0, unit="probability per month", doc="chance a case changes hands per step",
        status="free", basis="P7 (Deloitte 2017)")
    team_threshold: int = bounded(
        3, 2, 10, integer=True, unit="domains in need", doc="complexity at which teams take a case",
        basis="MODEL.md §3 complexity threshold")
    team_sight: float = bounded(
        0.3, 0.0, 1.0, unit="probability per month",
        doc="chance a team finds a latent need of its citizen in another domain",
        status="free", basis="assumed (MODEL.md §10.1: teams see across domains for their "
                             "citizens; silo caseworkers see their own domain)")
    team_coordination_gain: float = bounded(
        1.0, 0.0, 10.0, unit="effort per unit of time",
        doc="effort gain per unit coordination time", basis="design choice")
    # --- school inclusion -------------------------------------------------------------
    inclusion_quota: float = bounded(
        0.0, 0.0, 1.0, unit="share 0-1", doc="inclusion target in the school KPI",
        basis="scenario `school_inclusion` (0.8)")
    inclusion_teaching_time: float = bounded(
        1.0, 0.0, 1.0, unit="share 0-1", doc="share of the needed teaching time given to inclusion",
        basis="scenario `school_inclusion` (0.0)")
    # --- citizens ------------------------------------------------------------------
    satisfaction_performance: float = bounded(
        0.6, 0.0, 5.0, unit="coefficient", doc="beta_1 (Van Ryzin 2006)",
        basis="Van Ryzin 2006 (sign)")
    satisfaction_disconfirmation: float = bounded(
        0.4, 0.0, 5.0, unit="coefficient", doc="beta_2 (Van Ryzin 2006)",
        basis="Van Ryzin 2006 (sign)")
    expectation_rate_per_step: float = bounded(
        0.1, 0.0, 1.0, unit="share per month", doc="adaptation of expectations",
        basis="design choice")
    trust_gain_per_step: float = bounded(
        0.02, 0.0, 1.0, unit="share per month", doc="trust rise rate", status="free",
        basis="asymmetry assumed (MODEL.md §9)")
    trust_loss_per_step: float = bounded(
        0.05, 0.0, 1.0, unit="share per month", doc="trust fall rate", status="free",
        basis="asymmetry assumed (MODEL.md §9)")
    trust_spread_per_step: float = bounded(
        0.02, 0.0, 1.0, unit="share per month", doc="pull toward neighbours' trust",
        basis="word of mouth, assumed weak")
    coproduction_rate_per_step: float = bounded(
        0.1, 0.0, 1.0, unit="share per month", doc="speed of co-production change",
        basis="design choice")
    coproduction_substitution: float = bounded(
        0.3, 0.0, 1.0, unit="share of citizens",
        doc="share of citizens who see public input as a substitute",
        basis="MODEL.md §4 (substitutes); Jakobsen 2013")
    # --- legitimacy and take-up (MODEL.md §10.1, §10.3, §10.4) ------------------------
    legitimacy_rate_per_step: float = bounded(
        0.05, 0.0, 1.0, unit="share per month",
        doc="speed at which a client's legitimacy follows how their cases are handled",
        status="free", basis="assumed: slower than satisfaction, like trust (MODEL.md §10.3)")
    procedural_weight: float = bounded(
        0.6, 0.0, 1.0, unit="weight 0-1",
        doc="weight of procedural (being known, heard) against distributive (served) legitimacy",
        status="free", basis="Tyler 2006: procedure weighs more than outcome")
    complaint_per_step: float = bounded(
        0.05, 0.0, 1.0, unit="complaints per open case per month",
        doc="complaints and appeals per open case at zero legitimacy (times 1 - legitimacy)",
        status="free", basis="assumed (MODEL.md §10.3: low legitimacy brings complaints)")
    complaint_hours: float = bounded(
        0.05, 0.0, 1.0, unit="share of a month per complaint",
        doc="professional time one complaint or appeal takes",
        basis="assumed: about a working day of a 20-day month")
    compliance_weight: float = bounded(
        0.3, 0.0, 1.0, unit="share 0-1",
        doc="share of a plan's progress lost at zero legitimacy (clients follow plans they accept)",
        status="free", basis="Tyler 2006; Levi, Sacks & Tyler 2009 (compliance follows legitimacy)")
    take_up_per_step: float = bounded(
        0.05, 0.0, 1.0, unit="probability per month",
        doc="chance an average citizen brings a need above the threshold to the municipality",
        status="free", basis="assumed (MODEL.md §10.1: latent need); rises with resources, "
                             "trust and legitimacy")
    outreach_cost: float = bounded(
        2.0, 0.01, 100.0, unit="unit costs per need",
        doc="cost of finding all latent need in a domain, per unit of it (service unit costs)",
        basis="assumed: twice a month of the standard service (finding people is labour-intensive)")
    arena_legitimacy_rate: float = bounded(
        0.3, 0.0, 1.0, unit="share per cycle",
        doc="how far a participant's legitimacy moves toward what an arena cycle showed them",
        status="free", basis="Esaiasson, Gilljam & Persson 2012 (taking part raises acceptance)")
    fair_process_buffer: float = bounded(
        0.5, 0.0, 1.0, unit="share 0-1",
        doc="share of a rationing loss a client no longer holds against the municipality once "
            "they have seen the priorities set with citizens like them (times how far: heard)",
        status="free", basis="Brockner & Wiesenfeld 1996 (a fair procedure buffers reactions to "
                             "unfavourable outcomes); Esaiasson, Gilljam & Persson 2012")
    publicity: float = bounded(
        0.1, 0.0, 1.0, unit="share 0-1",
        doc="share of an arena's effect on participants that a non-participant who follows it "
            "sees (times transparency and how much the panel looks like them)",
        status="free", basis="assumed (MODEL.md §10.3: only what they can observe)")
    # --- civil society (MODEL.md §10.2) -----------------------------------------------
    civil_production_per_step: float = bounded(
        0.01, 0.0, 1.0, unit="share per month",
        doc="share of need civil society resolves per month at full local capacity",
        status="free", basis="assumed (Ostrom 1996; Pestoff 2012: citizens produce, not only assist)")
    civil_task_per_step: float = bounded(
        0.05, 0.0, 1.0, unit="share per month",
        doc="extra share civil society resolves in a handed-over task, at full capacity",
        status="free", basis="assumed: below public production at unit effort (0.08)")
    civil_rate_per_step: float = bounded(
        0.05, 0.0, 1.0, unit="share per month", doc="speed at which civil capacity follows its target",
        basis="assumed: networks and associations change over years")
    civil_substitution: float = bounded(
        0.3, 0.0, 1.0, unit="share 0-1",
        doc="civil capacity lost where public services resolve all of a citizen's need",
        status="free", basis="Brandsen & Honingh 2016 (substitution); assumed size")
    civil_overload: float = bounded(
        10.0, 0.0, 1000.0, unit="per unit of need",
        doc="erosion of civil capacity per unit of need it carried this month (volunteer burnout)",
        status="free", basis="assumed (MODEL.md §10.2: erodes with overload)")
    # --- professionals (P5) ------------------------------------------------------------
    crowding_out: float = bounded(
        0.00975, 0.0, 5.0, unit="motivation per month",
        doc="kappa_out, calibrated to P5 (d = -0.28)", status="calibrated",
        basis="P5: d = −0.28 (Deci, Koestner & Ryan 1999)")
    crowding_in: float = bounded(
        0.01266, 0.0, 5.0, unit="motivation per month",
        doc="kappa_in, calibrated to P5 (d = +0.33)", status="calibrated",
        basis="P5: d = +0.33 (Deci, Koestner & Ryan 1999)")
    crowding_regime: str = choice(
        "strong", ("strong", "weak"),
        doc="'weak' scales crowding out to a quarter (Kim et al. 2022)",
        basis="Kim, Gerhart & Fang 2022 (`weak`)")
    control_rate_per_step: float = bounded(
        0.2, 0.0, 1.0, unit="share per month", doc="speed of perceived control",
        basis="Jacobsen, Hvitved & Andersen 2014 (direction)")
    turnover_per_step: float = bounded(
        0.01, 0.0, 1.0, unit="probability per month", doc="base staff turnover",
        basis="design choice")
    burnout_turnover_per_step: float = bounded(
        0.03, 0.0, 1.0, unit="probability per month", doc="extra turnover at full burnout",
        basis="design choice")
    burnout_rate_per_step: float = bounded(
        0.05, 0.0, 1.0, unit="share per month", doc="burnout build-up under overload",
        basis="design choice")
    reform_rate_per_step: float = bounded(
        0.1, 0.0, 1.0, unit="share per month",
        doc="speed at which the organisation adopts new levers (1 = at once)",
        basis="gradual reform (Hjelmar et al. 2025)")
    # --- leaders (P10) ----------------------------------------------------------------
    conformity_per_step: float = bounded(
        0.1, 0.0, 1.0, unit="probability per month",
        doc="p1, socialisation to the code (March 1991)", basis="March 1991 (p1)")
    code_learning_per_quarter: float = bounded(
        0.3, 0.0, 1.0, unit="probability per quarter", doc="p2, code learning (March 1991)",
        basis="March 1991 (p2)")
    # --- council (MODEL.md §10.5) --------------------------------------------------------
    goal_rate_per_year: float = bounded(
        0.2, 0.0, 1.0, unit="share per year",
        doc="speed at which each politician's priorities move toward what the style shows",
        basis="assumed (MODEL.md §10.5: goals set yearly from the style's signals)")
    constituency_pull: float = bounded(
        0.3, 0.0, 1.0, unit="weight 0-1",
        doc="weight of the constituency's wants in a politician's goals, at full dissatisfaction",
        basis="assumed")
    election_turnover: float = bounded(
        0.15, 0.0, 1.0, unit="share of seats",
        doc="seats that go to challengers at an election when nobody is discontented",
        basis="assumed: with the slope, about a third of the seats change at the defaults")
    election_turnover_slope: float = bounded(
        0.5, 0.0, 1.0, unit="share of seats per unit discontent",
        doc="extra seats to challengers per unit of the electorate's discontent",
        basis="assumed (MODEL.md §10.5: challengers carry the electorate's dissatisfaction)")
    challenger_closing: float = bounded(
        0.5, 0.0, 1.0, unit="share per unit distrust",
        doc="how much less open challengers are, per unit share of distrustful citizens",
        basis="assumed (MODEL.md §10.5: low legitimacy pushes the council to close)")
    incumbency_power_gain: float = bounded(
        0.1, 0.0, 1.0, unit="share of the gap to 1 per election",
        doc="formal power a re-elected politician gains (posts and seniority)",
        basis="assumed; challengers start in the lower half of the initial range")
    openness_learning_per_cycle: float = bounded(
        0.1, 0.0, 1.0, unit="share per arena cycle",
        doc="how far an arena's politicians open after an implemented decision, close after a "
            "failed cycle",
        basis="assumed (MODEL.md §10.5: a council that has seen arenas succeed opens more)")
    openness_distrust_per_cycle: float = bounded(
        0.05, 0.0, 1.0, unit="share per arena cycle at full distrust",
        doc="openness an arena's politicians lose per cycle, times the distrustful share",
        basis="assumed (MODEL.md §10.5: low legitimacy closes the council); 0.1 already "
              "breaks P11 (an open council with working arenas stays open)")
    # --- measurement --------------------------------------------------------------------
    survey_sample: int = bounded(
        400, 1, 1_000_000, integer=True, unit="citizens", doc="citizens sampled by the survey",
        basis="design choice")
    # --- run ---------------------------------------------------------------------------
    collect_agents: bool = flag(
        False, doc="also collect agent-level data (slow)", basis="run option")

    def __post_init__(self) -> None:
        """Validate every field and normalise numbers to the field's type."""
        validate(self)
        if self.network_k % 2:
            raise ValueError(f"network_k: must be even, got {self.network_k}")
        if self.n_citizens / self.citizens_per_professional < self.n_domains:
            raise ValueError(
                "citizens_per_professional: must leave at least one professional per domain "
                f"(n_citizens / citizens_per_professional >= n_domains = {self.n_domains})")

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ModelParams:
        """Build from a mapping, rejecting unknown keys with a message that names them."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown parameter; allowed: {', '.join(sorted(known))}")
        return cls(**values)


def parameter_table() -> str:
    """The table of every model parameter (``docs/model.md`` §9.1), from the declarations."""
    rows = [[f"`{name}`", show_value(f.default), show_range(f), f.metadata["unit"],
             f.metadata["status"], f.metadata["doc"], f.metadata["basis"]]
            for name, f in declared(ModelParams).items()]
    return markdown_table(["parameter", "default", "range", "unit", "status", "meaning", "basis"],
                          rows)


__all__ = ["ModelParams", "describe", "parameter_table"]
