"""Model parameters: one typed, validated place for every number the model uses.

Each parameter declares its default, its allowed range and a one-line meaning. Unknown
keys and out-of-range values raise ``ValueError`` naming the key and what is allowed, so
the Python API, the CLI and the tests all fail the same way. Rates are per step (one
step is one month). Sources and calibration are documented in ``docs/model.md``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np


def _p(default: Any, low: float | None = None, high: float | None = None, *,
       choices: tuple | None = None, doc: str = "", integer: bool = False) -> Any:
    """Declare a parameter with its bounds (inclusive) and meaning."""
    return field(default=default, metadata={
        "low": low, "high": high, "choices": choices, "doc": doc, "integer": integer})


@dataclass
class ModelParams:
    """All model parameters with defaults (MODEL.md §9). Free parameters are marked *free*."""

    # --- scale and population -------------------------------------------------------
    n_citizens: int = _p(2000, 10, 10_000_000, integer=True, doc="number of citizens")
    n_domains: int = _p(6, 4, 10, integer=True, doc="welfare domains (school, health, ...)")
    citizens_per_professional: float = _p(20.0, 2.0, 1000.0, doc="citizens per professional")
    n_politicians: int = _p(9, 1, 101, integer=True, doc="council size")
    council_openness: float = _p(0.4, 0.0, 1.0,
                                 doc="politicians' mean willingness to share agenda power")
    initial_trust: float = _p(0.44, 0.05, 0.95, doc="citizens' mean trust at the start")
    network_k: int = _p(6, 2, 50, integer=True, doc="small-world degree (even)")
    network_p: float = _p(0.1, 0.0, 1.0, doc="small-world rewiring probability")
    # --- needs (P7) -----------------------------------------------------------------
    need_sigma: float = _p(1.6, 0.1, 3.0, doc="lognormal sigma of citizen frailty (tail of needs)")
    need_scale: float = _p(0.25, 0.01, 10.0, doc="mean size of a new need (times frailty)")
    need_max: float = _p(10.0, 0.1, 100.0, doc="ceiling of need per domain (most severe)")
    need_threshold: float = _p(0.5, 0.01, 10.0, doc="need above which a case opens / counts")
    shock_per_step: float = _p(0.02, 0.0, 1.0, doc="chance per citizen-domain-step of a new need")
    need_decline_per_step: float = _p(0.02, 0.0, 1.0, doc="natural decline of need per step")
    link_worsening_per_step: float = _p(0.02, 0.0, 1.0,
                                        doc="unmet linked need spilling into a domain (*free*)")
    # --- budget ----------------------------------------------------------------------
    budget_per_citizen: float = _p(1.0, 0.01, 1e6, doc="monthly budget per citizen")
    staff_cost_share: float = _p(0.65, 0.05, 0.95, doc="share of the budget that pays staff")
    budget_cut: float = _p(0.0, 0.0, 0.9, doc="fractional budget cut from budget_cut_step on")
    budget_cut_step: int = _p(13, 1, 100_000, integer=True, doc="first step of the cut")
    budget_stickiness: float = _p(0.7, 0.0, 1.0, doc="weight of last year's domain shares")
    # --- effort allocation (P1) -------------------------------------------------------
    effort_substitutability: float = _p(0.5, 0.0, 0.9, doc="delta, cost of doing tasks together (*free*)")
    kpi_noise_var: float = _p(0.25, 0.0, 4.0, doc="sigma^2 of KPI measurement noise (*free*)")
    kpi_angle_deg: float = _p(45.0, 0.0, 90.0, doc="angle between KPI and true goal (*free*)")
    gaming_possible: bool = _p(True, doc="whether reported KPIs can be gamed (P4)")
    sanction: float = _p(1.0, 0.0, 100.0, doc="penalty on detected gaming")
    audit_hours: float = _p(0.1, 0.0, 0.5, doc="time share one audit per step costs a unit")
    # --- production (non-linearity) -----------------------------------------------------
    exponent_effort: float = _p(0.6, 0.05, 2.0, doc="a, returns to public effort (*free*)")
    exponent_coproduction: float = _p(0.3, 0.0, 2.0, doc="b, complementarity of citizen input (*free*)")
    production_scale: float = _p(0.08, 0.0, 1.0, doc="share of need resolved per step at unit effort")
    linked_need_cap: float = _p(1.0, 0.01, 100.0, doc="linked need that halves progress (at most)")
    handoff_loss: float = _p(0.2, 0.0, 1.0, doc="lambda_h, information lost per handoff (*free*)")
    info_recovery_per_step: float = _p(0.15, 0.0, 1.0, doc="case knowledge rebuilt per step")
    wellbeing_need_scale: float = _p(2.0, 0.01, 100.0, doc="total need that lowers wellbeing to 1/e")
    wellbeing_rate_per_step: float = _p(0.2, 0.0, 1.0, doc="speed at which wellbeing follows needs")
    # --- cases (P7) ------------------------------------------------------------------
    case_reassign_per_step: float = _p(0.06, 0.0, 1.0, doc="chance a case changes hands per step (*free*)")
    team_threshold: int = _p(3, 2, 10, integer=True, doc="complexity at which teams take a case")
    team_coordination_gain: float = _p(1.0, 0.0, 10.0, doc="effort gain per unit coordination time")
    # --- school inclusion -------------------------------------------------------------
    inclusion_quota: float = _p(0.0, 0.0, 1.0, doc="inclusion target in the school KPI")
    inclusion_teaching_time: float = _p(1.0, 0.0, 1.0,
                                        doc="share of the needed teaching time given to inclusion")
    # --- citizens ------------------------------------------------------------------
    satisfaction_performance: float = _p(0.6, 0.0, 5.0, doc="beta_1 (Van Ryzin 2006)")
    satisfaction_disconfirmation: float = _p(0.4, 0.0, 5.0, doc="beta_2 (Van Ryzin 2006)")
    expectation_rate_per_step: float = _p(0.1, 0.0, 1.0, doc="adaptation of expectations")
    trust_gain_per_step: float = _p(0.02, 0.0, 1.0, doc="trust rise rate (*free*)")
    trust_loss_per_step: float = _p(0.05, 0.0, 1.0, doc="trust fall rate (*free*)")
    trust_spread_per_step: float = _p(0.02, 0.0, 1.0, doc="pull toward neighbours' trust")
    coproduction_rate_per_step: float = _p(0.1, 0.0, 1.0, doc="speed of co-production change")
    coproduction_substitution: float = _p(0.3, 0.0, 1.0,
                                          doc="share of citizens who see public input as a substitute")
    # --- professionals (P5) ------------------------------------------------------------
    crowding_out: float = _p(0.00975, 0.0, 5.0, doc="kappa_out, calibrated to P5 (d = -0.28)")
    crowding_in: float = _p(0.01266, 0.0, 5.0, doc="kappa_in, calibrated to P5 (d = +0.33)")
    crowding_regime: str = _p("strong", choices=("strong", "weak"),
                              doc="'weak' scales crowding out to a quarter (Kim et al. 2022)")
    control_rate_per_step: float = _p(0.2, 0.0, 1.0, doc="speed of perceived control")
    turnover_per_step: float = _p(0.01, 0.0, 1.0, doc="base staff turnover")
    burnout_turnover_per_step: float = _p(0.03, 0.0, 1.0, doc="extra turnover at full burnout")
    burnout_rate_per_step: float = _p(0.05, 0.0, 1.0, doc="burnout build-up under overload")
    reform_rate_per_step: float = _p(0.1, 0.0, 1.0,
                                     doc="speed at which the organisation adopts new levers (1 = at once)")
    # --- leaders (P10) ----------------------------------------------------------------
    conformity_per_step: float = _p(0.1, 0.0, 1.0, doc="p1, socialisation to the code (March 1991)")
    code_learning_per_quarter: float = _p(0.3, 0.0, 1.0, doc="p2, code learning (March 1991)")
    # --- measurement --------------------------------------------------------------------
    survey_sample: int = _p(400, 1, 1_000_000, integer=True, doc="citizens sampled by the survey")
    # --- run ---------------------------------------------------------------------------
    collect_agents: bool = _p(False, doc="also collect agent-level data (slow)")

    def __post_init__(self) -> None:
        """Validate every field and normalise numbers to the field's type."""
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            check_value(f.name, value, f)
            if f.type in ("int", int):
                setattr(self, f.name, int(value))
            elif f.type in ("float", float):
                setattr(self, f.name, float(value))
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


def describe(f: dataclasses.Field) -> str:
    """Say in words what values a parameter allows."""
    m = f.metadata
    if m.get("choices"):
        return "one of " + ", ".join(repr(c) for c in m["choices"])
    if f.type in ("bool", bool):
        return "true or false"
    kind = "an integer" if m.get("integer") else "a number"
    return f"{kind} in [{m['low']}, {m['high']}]"


def check_value(name: str, value: Any, f: dataclasses.Field) -> None:
    """Raise ``ValueError`` naming ``name`` if ``value`` is not allowed by field ``f``."""
    m = f.metadata
    allowed = describe(f)
    if m.get("choices"):
        if value not in m["choices"]:
            raise ValueError(f"{name}: must be {allowed}, got {value!r}")
        return
    if f.type in ("bool", bool):
        if not isinstance(value, bool):
            raise ValueError(f"{name}: must be {allowed}, got {value!r}")
        return
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer,
                                                                     np.floating)):
        raise ValueError(f"{name}: must be {allowed}, got {value!r}")
    if not math.isfinite(value) or not (m["low"] <= value <= m["high"]):
        raise ValueError(f"{name}: must be {allowed}, got {value!r}")
    if m.get("integer") and int(value) != value:
        raise ValueError(f"{name}: must be {allowed}, got {value!r}")
