"""Professionals: thin Mesa agents over one row of the professional arrays (MODEL.md §2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.agents.views import row_view
from sim.state import TIME_USES

if TYPE_CHECKING:
    from sim.state import ModelState


class Professional(mesa.Agent):
    """A caseworker, teacher, nurse ...: a member of one domain (its silo).

    State lives in ``model.professionals``; the model updates all professionals at once.
    """

    domain = row_view("professionals", "domain", "index of the professional's domain")
    skill = row_view("professionals", "skill", "skill per domain (own high, others low)")
    intrinsic_motivation = row_view("professionals", "intrinsic_motivation", "0-1")
    public_service_motivation = row_view("professionals", "public_service_motivation", "0-1")
    perceived_control = row_view("professionals", "perceived_control", "0-1")
    gaming_propensity = row_view("professionals", "gaming_propensity", "knights ~0, knaves high")
    practice = row_view("professionals", "practice", "own quality orientation, 0-1")
    burnout = row_view("professionals", "burnout", "0-1")
    workload = row_view("professionals", "workload", "open need in the caseload")

    def __init__(self, model: ModelState, row: int) -> None:
        """Create the view of professional ``row``."""
        super().__init__(model)
        self.row = int(row)

    @property
    def time(self) -> dict[str, float]:
        """Time shares by use."""
        return dict(zip(TIME_USES, self.model.professionals.time[self.row].tolist(), strict=True))

    @property
    def caseload(self) -> int:
        """Number of open cases held."""
        return int(np.count_nonzero(self.model.citizens.assigned == self.row))
