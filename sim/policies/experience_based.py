"""Experience-based steering: leaders learn from frontline experience of true outcomes.

Levers follow MODEL.md §5: low incentive intensity, light documentation, no ratchet,
interprofessional teams for complex citizens, supportive leadership (which lowers
perceived control and crowds motivation in; Deci, Koestner & Ryan 1999), leaders who
learn from frontline signals (March 1991's exploration) and politicians who read
frontline reports.
"""

from __future__ import annotations

from typing import ClassVar

from sim.policies.base import Levers, LeverStyle


class ExperienceBasedSteering(LeverStyle):
    """Steer by experience: the alternative the critique argues for."""

    name: ClassVar[str] = "experience_based"
    label: ClassVar[str] = "experience-based"
    colour: ClassVar[str] = "#0072B2"
    line_style: ClassVar[str | tuple] = "--"
    order: ClassVar[int] = 2
    defaults: ClassVar[Levers] = Levers(
        incentive=0.1, audit=0.05, ratchet_per_year=0.0, documentation=0.15, team_cases=1.0,
        supportiveness=0.8, learn_from_frontline=1.0, budget_from_frontline=1.0,
        coproduction_support=0.3, support_targeting=0.5, arena_every=0)
