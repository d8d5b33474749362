"""Leaders: one per domain unit; they steer through the active style and learn."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.policies import Levers
    from sim.state import ModelState


class Leader(mesa.Agent):
    """The leader of one domain unit (MODEL.md §2).

    The levers come from the steering style; the leader's own state is the unit's code
    (March 1991) and its KPI target, held in the model's per-domain arrays.
    """

    def __init__(self, model: ModelState, domain: int) -> None:
        """Create the leader of ``domain``."""
        super().__init__(model)
        self.domain = int(domain)

    @property
    def levers(self) -> Levers:
        """Levers in force this step."""
        return self.model.levers

    @property
    def code(self) -> float:
        """The unit's code: expected share of effort on quality rather than output."""
        return float(self.model.code[self.domain])

    @property
    def target(self) -> float:
        """The unit's (ratcheted) throughput target."""
        return float(self.model.targets[self.domain])

    @property
    def kpi(self) -> float:
        """The unit's latest reported KPI."""
        return float(self.model.kpi_units[self.domain])
