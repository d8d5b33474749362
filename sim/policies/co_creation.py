"""Co-creation: citizens, professionals, leaders and politicians decide together in arenas.

Levers start from experience-based steering (low incentives, teams, supportive leaders)
and add arenas every ``arena_every`` steps (default quarterly). When they set budgets,
politicians weigh the arenas' recommendations (``budget_from_arena``) with frontline
reports. What an arena may decide is fixed in its :class:`ArenaSettings` before anyone
deliberates (framing; MODEL.md §4): its scope and domains, a budget envelope,
facilitation, transparency, the decision rule, recruitment and communication.
Gentofte's task committees (5 politicians and 10 citizens per committee, 2015-) set the
defaults for the arena's composition.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from sim.policies.base import Levers, LeverStyle

#: Allowed values of the categorical settings.
CHOICES = {
    "decision_rule": ("consensus", "supermajority", "majority"),
    "recruitment": ("open", "targeted"),
    "communication": ("face_to_face", "written"),
}
#: Bounds of the numeric settings (inclusive).
BOUNDS = {
    "scope": (0.0, 1.0), "envelope": (0.0, 1.0), "facilitation": (0.0, 1.0),
    "transparency": (0.0, 1.0), "power_imbalance": (0.0, 1.0),
    "invited_citizens": (1, 200), "invited_politicians": (1, 50),
    "invited_professionals": (0, 50), "panel_term": (1, 100), "arena_time": (0.0, 0.5),
    "facilitation_cost": (0.0, 0.2),
}


@dataclass(frozen=True)
class ArenaSettings:
    """How an arena is framed, convened and run (MODEL.md §4, steps 1-7).

    Attributes:
        scope: share of the framed domains' budget that is open to the arena (0-1).
        domains: names of the domains in the frame (empty = all).
        envelope: most budget, as a share of the monthly total, one decision may move.
        facilitation: facilitation skill phi (0-1): widens confidence bounds, evens weights.
        transparency: lowers the noise in what participants perceive (0-1).
        decision_rule: ``consensus``, ``supermajority`` (0.75) or ``majority``.
        power_imbalance: how far politicians and strong professions outweigh citizens (0-1).
        invited_citizens, invited_politicians, invited_professionals: who is invited.
        panel_term: cycles a citizen panel sits (Gentofte's committees are standing);
            members are re-invited each cycle and empty seats are filled.
        recruitment: ``open`` (a random sample) or ``targeted`` (weighted to low-resource,
            high-need citizens).
        communication: ``face_to_face`` (d = 1.2) or ``written`` (d = 0.46; Balliet 2010).
        arena_time: share of a month framed-domain professionals spend on the arena.
        facilitation_cost: budget share per month of an arena at full facilitation.
    """

    scope: float = 0.3
    domains: tuple[str, ...] = ()
    envelope: float = 0.02
    facilitation: float = 0.6
    transparency: float = 0.6
    decision_rule: str = "supermajority"
    power_imbalance: float = 0.4
    invited_citizens: int = 10
    invited_politicians: int = 5
    invited_professionals: int = 6
    panel_term: int = 4
    recruitment: str = "open"
    communication: str = "face_to_face"
    arena_time: float = 0.02
    facilitation_cost: float = 0.005

    def __post_init__(self) -> None:
        """Validate every setting, naming the key and what is allowed."""
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name}: must be one of {', '.join(allowed)}, "
                                 f"got {getattr(self, name)!r}")
        for name, (low, high) in BOUNDS.items():
            value = getattr(self, name)
            integer = isinstance(low, int)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                    low <= value <= high) or (integer and int(value) != value):
                kind = "an integer" if integer else "a number"
                raise ValueError(f"{name}: must be {kind} in [{low}, {high}], got {value!r}")
        if isinstance(self.domains, str) or not all(isinstance(d, str) for d in self.domains):
            raise ValueError(f"domains: must be a list of domain names, got {self.domains!r}")
        object.__setattr__(self, "domains", tuple(self.domains))


class CoCreationSteering(LeverStyle):
    """Co-creation: experience-based levers plus quarterly arenas."""

    name: ClassVar[str] = "co_creation"
    defaults: ClassVar[Levers] = Levers(
        incentive=0.1, audit=0.05, ratchet_per_year=0.0, documentation=0.15, team_cases=1.0,
        supportiveness=0.8, learn_from_frontline=1.0, budget_from_frontline=1.0,
        coproduction_support=0.3, support_targeting=0.5, budget_from_arena=0.3, arena_every=3)

    def __init__(self, **overrides: Any) -> None:
        """Create the style; keys of :class:`ArenaSettings` set the arena, the rest levers."""
        arena_keys = {f.name for f in dataclasses.fields(ArenaSettings)}
        settings = {k: overrides.pop(k) for k in list(overrides) if k in arena_keys}
        lever_keys = {f.name for f in dataclasses.fields(Levers)}
        for key in overrides:
            if key not in lever_keys:
                allowed = sorted(lever_keys | arena_keys)
                raise ValueError(f"{key}: not a lever or arena setting of co_creation; "
                                 f"allowed: {', '.join(allowed)}")
        super().__init__(**overrides)
        if self._levers.arena_every < 1:
            raise ValueError("arena_every: must be an integer in [1, 1200] for co_creation, got 0")
        self.settings = ArenaSettings(**settings)

    def arena(self, step: int) -> ArenaSettings:
        """The arena settings (the same at every step)."""
        return self.settings

    def describe(self) -> dict[str, Any]:
        """Return the name, every lever and every arena setting."""
        return {**super().describe(), "arena": dataclasses.asdict(self.settings)}
