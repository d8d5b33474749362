"""A blend of two styles, for frontier plots (MODEL.md §5, composite styles).

``MixedSteering(weight=w)`` blends result-based (w = 0) and experience-based (w = 1)
levers linearly, composing two style objects as emcee composes moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from sim.fields import bounded
from sim.policies.base import Levers, SteeringStyle
from sim.policies.composite import PairSettings, PairStyle


@dataclass(frozen=True)
class MixedSettings(PairSettings):
    """The parameters of :class:`MixedSteering`: the pair and the weight of the second."""

    weight: float = bounded(0.5, 0, 1, unit="share 0-1",
                            doc="weight of the second style: 0 is the first, 1 the second")


class MixedSteering(PairStyle):
    """Weighted pair of styles: ``(1 - weight) * first + weight * second``."""

    name: ClassVar[str] = "mixed"
    label: ClassVar[str] = "mixed"
    colour: ClassVar[str] = "#CC79A7"
    line_style: ClassVar[str | tuple] = ":"
    sliders: ClassVar[tuple[str, ...]] = ("weight",)
    order: ClassVar[int] = 4
    parameter_class: ClassVar[type] = MixedSettings

    def __init__(self, weight: float = MixedSettings.weight, first: SteeringStyle | str | None = None,
                 second: SteeringStyle | str | None = None) -> None:
        """Blend ``first`` (default result-based) and ``second`` (default experience-based)."""
        self.weight = self.parameters()["weight"].check(weight)
        super().__init__(first, second)

    def levers(self, step: int) -> Levers:
        """Blend the two styles' levers at ``step``."""
        return self.first.levers(step).blend(self.second.levers(step), self.weight)

    def arena(self, step: int) -> Any:
        """Arenas come from the heavier side of the blend, as ``arena_every`` does."""
        return (self.second if self.weight >= 0.5 else self.first).arena(step)
