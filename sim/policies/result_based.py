"""Result-based steering: targets, KPIs, incentives and audit (New Public Management).

Levers follow MODEL.md §5: high incentive intensity on the measured KPI, weak audit
(Hood 2006: no anti-gaming strategy), a target ratchet, heavy documentation, silo case
handling, leaders who learn from KPIs (March 1991's exploitation) and politicians who
read league tables. ``strong_audit=True`` gives the Kelman & Friedman (2009) variant.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sim.policies.base import Levers, LeverStyle


class ResultBasedSteering(LeverStyle):
    """Steer by results: the status quo the critique argues against."""

    name: ClassVar[str] = "result_based"
    label: ClassVar[str] = "result-based"
    colour: ClassVar[str] = "#D55E00"
    line_style: ClassVar[str | tuple] = "-"
    order: ClassVar[int] = 1
    rival: ClassVar[str] = "experience_based"
    defaults: ClassVar[Levers] = Levers(
        incentive=0.8, audit=0.05, ratchet_per_year=0.1, documentation=0.4, team_cases=0.0,
        supportiveness=0.1, learn_from_frontline=0.0, budget_from_frontline=0.0,
        coproduction_support=0.1, support_targeting=0.0, arena_every=0)

    def __init__(self, strong_audit: bool = False, **overrides: Any) -> None:
        """Create the style; ``strong_audit`` sets audit to 0.5 unless ``audit`` is given."""
        if strong_audit and "audit" not in overrides:
            overrides["audit"] = 0.5
        super().__init__(**overrides)
