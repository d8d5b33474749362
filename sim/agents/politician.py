"""Politicians: members of the council who set priorities and the budget (MODEL.md §2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.agents.views import row_view

if TYPE_CHECKING:
    from sim.state import ModelState


class Politician(mesa.Agent):
    """A council seat with priorities over domains, formal power and openness.

    The view reads the seat's row: a challenger who wins the seat at an election takes it
    over (:mod:`sim.mechanisms.council`).
    """

    formal_power = row_view(None, "politician_power", "formal power, 0-1")
    electoral_pressure = row_view(None, "politician_pressure",
                                  "weight on visible KPIs and scandals, 0-1")
    openness = row_view(None, "politician_openness",
                        "willingness to share agenda power, 0-1")

    def __init__(self, model: ModelState, row: int) -> None:
        """Create council member ``row``."""
        super().__init__(model)
        self.row = int(row)

    @property
    def priorities(self) -> np.ndarray:
        """Preferred budget share per domain."""
        return self.model.politician_priorities[self.row]
