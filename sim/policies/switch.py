"""Start in one style and change to another at a given step (MODEL.md §5).

The default is the trust reform: result-based for 24 steps, then experience-based
(VIVE's evaluation of the Danish free-municipality trial, Hjelmar et al. 2025).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from sim.fields import bounded
from sim.policies.base import Levers, SteeringStyle
from sim.policies.composite import PairSettings, PairStyle


@dataclass(frozen=True)
class SwitchSettings(PairSettings):
    """The parameters of :class:`SwitchSteering`: the pair and the step of the switch."""

    at_step: int = bounded(25, 1, None, integer=True, unit="month",
                           doc="first step under the second style",
                           basis="the trust reform after two years (Hjelmar et al. 2025)")


class SwitchSteering(PairStyle):
    """Style ``first`` before ``at_step``, style ``second`` from ``at_step`` on."""

    name: ClassVar[str] = "switch"
    label: ClassVar[str] = "switch"
    colour: ClassVar[str] = "#56B4E9"
    line_style: ClassVar[str | tuple] = (0, (5, 1, 1, 1))
    order: ClassVar[int] = 5
    parameter_class: ClassVar[type] = SwitchSettings

    def __init__(self, at_step: int = SwitchSettings.at_step, first: SteeringStyle | str | None = None,
                 second: SteeringStyle | str | None = None) -> None:
        """Switch from ``first`` (default result-based) to ``second`` at step ``at_step``."""
        self.at_step = self.parameters()["at_step"].check(at_step)
        super().__init__(first, second)

    def levers(self, step: int) -> Levers:
        """Return the first style's levers before the switch, the second's after."""
        return (self.first if step < self.at_step else self.second).levers(step)

    def arena(self, step: int) -> Any:
        """The arena settings of the style in force at ``step``."""
        return (self.first if step < self.at_step else self.second).arena(step)
