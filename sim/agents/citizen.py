"""Citizens: thin Mesa agents over one row of the model's citizen arrays (MODEL.md §2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.agents.views import row_view

if TYPE_CHECKING:
    from sim.state import ModelState


class Citizen(mesa.Agent):
    """A citizen; all state lives in ``model.citizens`` (row ``row``).

    The model updates every citizen at once with array operations, so ``step`` does
    nothing; the agent exists so that ``model.agents``, DataCollector agent reporters and
    the visualisation see citizens as agents.
    """

    need = row_view("citizens", "need", "need per domain (array, >= 0)")
    wellbeing = row_view("citizens", "wellbeing", "true outcome, 0-1, hidden from KPIs")
    trust = row_view("citizens", "trust", "trust in the municipality, 0-1")
    expectation = row_view("citizens", "expectation", "expected performance")
    satisfaction = row_view("citizens", "satisfaction", "expectancy-disconfirmation satisfaction")
    resources = row_view("citizens", "resources", "socio-economic resources, 0-1")
    self_efficacy = row_view("citizens", "self_efficacy", "capacity to co-produce, 0-1")
    coproduction = row_view("citizens", "coproduction", "co-production input, 0-1")
    voice = row_view("citizens", "voice", "propensity to take part, 0-1")
    preference = row_view("citizens", "preference", "preferred budget priorities (array)")
    caseworkers = row_view("citizens", "caseworkers", "caseworkers met, last 12 months (relations)")
    plans = row_view("citizens", "plans", "open plans")
    in_team = row_view("citizens", "in_team", "handled by an interprofessional team")

    def __init__(self, model: ModelState, row: int) -> None:
        """Create the view of citizen ``row``."""
        super().__init__(model)
        self.row = int(row)

    @property
    def complexity(self) -> int:
        """Number of domains with need above the threshold."""
        return int((self.need > self.model.p.need_threshold).sum())

    @property
    def neighbours(self) -> np.ndarray:
        """Rows of this citizen's network neighbours."""
        adj = self.model.citizens.neighbours
        return adj.indices[adj.indptr[self.row]:adj.indptr[self.row + 1]]
