"""Politicians: members of the council who set priorities and the budget (MODEL.md §2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from sim.model import GovernanceModel


class Politician(mesa.Agent):
    """A council member with priorities over domains, formal power and openness."""

    def __init__(self, model: GovernanceModel, row: int, formal_power: float,
                 electoral_pressure: float, openness: float) -> None:
        """Create council member ``row``."""
        super().__init__(model)
        self.row = int(row)
        self.formal_power = float(formal_power)
        self.electoral_pressure = float(electoral_pressure)
        self.openness = float(openness)

    @property
    def priorities(self) -> np.ndarray:
        """Preferred budget share per domain."""
        return self.model.politician_priorities[self.row]
