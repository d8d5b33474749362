"""Start in one style and change to another at a given step (MODEL.md §5).

The default is the trust reform: result-based for 24 steps, then experience-based
(VIVE's evaluation of the Danish free-municipality trial, Hjelmar et al. 2025).
"""

from __future__ import annotations

from typing import Any, ClassVar

from sim.policies.base import Levers, SteeringStyle
from sim.policies.experience_based import ExperienceBasedSteering
from sim.policies.result_based import ResultBasedSteering


class SwitchSteering(SteeringStyle):
    """Style ``first`` before ``at_step``, style ``second`` from ``at_step`` on."""

    name: ClassVar[str] = "switch"

    def __init__(self, at_step: int = 25, first: SteeringStyle | None = None,
                 second: SteeringStyle | None = None) -> None:
        """Switch from ``first`` (default result-based) to ``second`` at step ``at_step``."""
        if isinstance(at_step, bool) or not isinstance(at_step, int) or at_step < 1:
            raise ValueError(f"at_step: must be an integer >= 1, got {at_step!r}")
        self.at_step = at_step
        self.first = first if first is not None else ResultBasedSteering()
        self.second = second if second is not None else ExperienceBasedSteering()

    def levers(self, step: int) -> Levers:
        """Return the first style's levers before the switch, the second's after."""
        return (self.first if step < self.at_step else self.second).levers(step)

    def arena(self, step: int) -> Any:
        """The arena settings of the style in force at ``step``."""
        return (self.first if step < self.at_step else self.second).arena(step)

    def describe(self) -> dict[str, Any]:
        """Return the switch step and both parts."""
        return {"name": self.name, "at_step": self.at_step,
                "first": self.first.describe(), "second": self.second.describe()}
