"""A blend of two styles, for frontier plots (MODEL.md §5, composite styles).

``MixedSteering(weight=w)`` blends result-based (w = 0) and experience-based (w = 1)
levers linearly, composing two style objects as emcee composes moves.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sim.policies.base import Levers, SteeringStyle
from sim.policies.experience_based import ExperienceBasedSteering
from sim.policies.result_based import ResultBasedSteering


class MixedSteering(SteeringStyle):
    """Weighted pair of styles: ``(1 - weight) * first + weight * second``."""

    name: ClassVar[str] = "mixed"

    def __init__(self, weight: float = 0.5, first: SteeringStyle | None = None,
                 second: SteeringStyle | None = None) -> None:
        """Blend ``first`` (default result-based) and ``second`` (default experience-based)."""
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) \
                or not 0.0 <= weight <= 1.0:
            raise ValueError(f"weight: must be a number in [0, 1], got {weight!r}")
        self.weight = float(weight)
        self.first = first if first is not None else ResultBasedSteering()
        self.second = second if second is not None else ExperienceBasedSteering()

    def levers(self, step: int) -> Levers:
        """Blend the two styles' levers at ``step``."""
        return self.first.levers(step).blend(self.second.levers(step), self.weight)

    def arena(self, step: int) -> Any:
        """Arenas come from the heavier side of the blend, as ``arena_every`` does."""
        return (self.second if self.weight >= 0.5 else self.first).arena(step)

    def describe(self) -> dict[str, Any]:
        """Return the weight and both parts."""
        return {"name": self.name, "weight": self.weight,
                "first": self.first.describe(), "second": self.second.describe()}
