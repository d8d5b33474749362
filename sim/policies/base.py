"""The steering-style interface: a style sets the levers, nothing more.

Following emcee's small strategy classes, a style is a tiny object with one method,
:meth:`SteeringStyle.levers`, that returns a :class:`Levers` value object for a step.
Styles do not touch agents or model internals; the model reads the levers and acts.
Composite styles (``mixed``, ``switch``) are built from other styles.
"""

from __future__ import annotations

import abc
import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class Levers:
    """What leaders and politicians set under a steering style (MODEL.md §5).

    All levers are numbers so that styles can be blended (``MixedSteering``).

    Attributes:
        incentive: incentive intensity alpha on the measured KPI (0-1).
        audit: probability per step that a unit's KPI is audited (mu, 0-1).
        ratchet_per_year: target increase after a year on target (rho, 0-1).
        documentation: share of professionals' time taken by documentation (0-0.9).
        team_cases: share of complex citizens handled by an interprofessional team (0-1).
        supportiveness: supportive, informational feedback from leaders (0-1).
        learn_from_frontline: 0 = leaders learn from KPIs (exploitation), 1 = from
            frontline signals of true outcomes (exploration).
        budget_from_frontline: 0 = politicians read KPI league tables, 1 = frontline reports.
        coproduction_support: weight professionals put on supporting co-production (0-1).
        support_targeting: 0 = untargeted support, 1 = targeted at low-resource citizens.
        budget_from_arena: weight politicians give the last implemented arena
            recommendation when they set budgets (co-creation).
        arena_every: steps between co-creation arenas (0 = none).
    """

    incentive: float = 0.1
    audit: float = 0.05
    ratchet_per_year: float = 0.0
    documentation: float = 0.15
    team_cases: float = 0.0
    supportiveness: float = 0.5
    learn_from_frontline: float = 0.5
    budget_from_frontline: float = 0.5
    coproduction_support: float = 0.2
    support_targeting: float = 0.0
    budget_from_arena: float = 0.0
    arena_every: int = 0

    _BOUNDS: ClassVar[dict[str, tuple[float, float]]] = {
        "incentive": (0.0, 1.0), "audit": (0.0, 1.0), "ratchet_per_year": (0.0, 1.0),
        "documentation": (0.0, 0.9), "team_cases": (0.0, 1.0), "supportiveness": (0.0, 1.0),
        "learn_from_frontline": (0.0, 1.0), "budget_from_frontline": (0.0, 1.0),
        "coproduction_support": (0.0, 1.0), "support_targeting": (0.0, 1.0),
        "budget_from_arena": (0.0, 1.0), "arena_every": (0, 1200),
    }

    def __post_init__(self) -> None:
        """Reject levers outside their ranges, naming the lever."""
        for name, (low, high) in self._BOUNDS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not (low <= value <= high):
                raise ValueError(f"{name}: must be a number in [{low}, {high}], got {value!r}")
        if int(self.arena_every) != self.arena_every:
            raise ValueError(f"arena_every: must be an integer in [0, 1200], got {self.arena_every!r}")

    def blend(self, other: Levers, weight: float) -> Levers:
        """Return ``(1 - weight) * self + weight * other``; ``arena_every`` from the heavier side."""
        values = {}
        for f in dataclasses.fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if f.name == "arena_every":
                values[f.name] = b if weight >= 0.5 else a
            else:
                values[f.name] = (1.0 - weight) * a + weight * b
        return Levers(**values)


class SteeringStyle(abc.ABC):
    """Base class of all steering styles: one method that sets the levers."""

    #: the name by which the style is selected (``steering="..."``)
    name: ClassVar[str] = ""

    @abc.abstractmethod
    def levers(self, step: int) -> Levers:
        """Return the levers in force at ``step`` (1-based)."""

    def arena(self, step: int) -> Any:
        """Return the :class:`~sim.policies.co_creation.ArenaSettings` at ``step``, or ``None``."""
        return None

    def describe(self) -> dict[str, Any]:
        """Return the style's name and parameters, for provenance."""
        return {"name": self.name}


class LeverStyle(SteeringStyle):
    """A style whose levers are fixed values, overridable by keyword (unknown keys rejected)."""

    #: default levers of this style
    defaults: ClassVar[Levers] = Levers()

    def __init__(self, **overrides: Any) -> None:
        """Start from the style's defaults and apply ``overrides`` (lever names)."""
        known = {f.name for f in dataclasses.fields(Levers)}
        for key in overrides:
            if key not in known:
                raise ValueError(
                    f"{key}: not a lever of {self.name}; allowed: {', '.join(sorted(known))}")
        self._levers = dataclasses.replace(self.defaults, **overrides)

    def levers(self, step: int) -> Levers:
        """Return the same levers at every step."""
        return self._levers

    def describe(self) -> dict[str, Any]:
        """Return the name and every lever."""
        return {"name": self.name, **dataclasses.asdict(self._levers)}
