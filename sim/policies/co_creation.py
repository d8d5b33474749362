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

from sim.fields import Parameter, bounded, choice, names, parameters_of, validate
from sim.policies.base import Levers, LeverStyle


@dataclass(frozen=True)
class ArenaSettings:
    """How an arena is framed, convened and run (MODEL.md §4, steps 1-7).

    Each setting is declared once below (default, range, unit, meaning; :mod:`sim.fields`).
    ``panel_term``: members are re-invited each cycle and empty seats are filled.
    """

    scope: float = bounded(0.3, 0.0, 1.0, unit="share 0-1",
                           doc="σ, share of the framed domains' budget open to the arena")
    domains: tuple[str, ...] = names(unit="domain names", doc="domains in the frame (empty = all)")
    envelope: float = bounded(0.02, 0.0, 1.0, unit="share of the monthly budget",
                              doc="E, most budget one decision may move")
    facilitation: float = bounded(0.6, 0.0, 1.0, unit="skill 0-1",
                                  doc="φ, widens confidence bounds, evens weights, undoes the "
                                      "firmness of the powerful")
    transparency: float = bounded(0.6, 0.0, 1.0, unit="level 0-1",
                                  doc="τ, lowers perception noise; scales what non-participants "
                                      "see of arena decisions (legitimacy)")
    decision_rule: str = choice("supermajority", ("consensus", "supermajority", "majority"),
                                doc="weight share the largest cluster needs (1, 0.75, > 0.5)")
    power_imbalance: float = bounded(0.4, 0.0, 1.0, unit="level 0-1",
                                     doc="π, how far politicians and professions outweigh "
                                         "citizens (weights, firmness)")
    invited_citizens: int = bounded(10, 1, 200, integer=True, unit="citizens",
                                    doc="citizen seats", basis="Gentofte: 10")
    invited_politicians: int = bounded(5, 1, 50, integer=True, unit="politicians",
                                       doc="politicians invited", basis="Gentofte: 5")
    invited_professionals: int = bounded(6, 0, 50, integer=True, unit="professionals",
                                         doc="professionals invited (generic stand-ins)")
    panel_term: int = bounded(4, 1, 100, integer=True, unit="arena cycles",
                              doc="cycles a citizen panel sits (standing committees)",
                              basis="Gentofte's committees are standing")
    recruitment: str = choice("open", ("open", "targeted"),
                              doc="a random sample, or weighted to low-resource, high-need citizens")
    communication: str = choice("face_to_face", ("face_to_face", "written"),
                                doc="d = 1.2 face to face or 0.46 written", basis="Balliet 2010")
    handover: float = bounded(0.05, 0.0, 1.0, unit="share per decision",
                              doc="share of a framed domain's task an implemented decision hands "
                                  "to civil society, times how far the decision followed citizens "
                                  "(at most 0.3)")
    teams: float = bounded(1.0, 0.0, 1.0, unit="share of citizens",
                           doc="share of citizens with open cases in two or more domains an "
                               "implemented decision joined that get one interprofessional "
                               "team (0: arenas join no professions)",
                           basis="MODEL.md §4 step 6: teams form across the framed domains")
    arena_time: float = bounded(0.02, 0.0, 0.5, unit="share of a month",
                                doc="time framed-domain professionals spend on an arena")
    facilitation_cost: float = bounded(0.005, 0.0, 0.2, unit="share of the monthly budget",
                                       doc="cost of an arena month at full facilitation")

    def __post_init__(self) -> None:
        """Validate every setting, naming the key and what is allowed; domains become a tuple."""
        validate(self)


class CoCreationSteering(LeverStyle):
    """Co-creation: experience-based levers plus quarterly arenas."""

    name: ClassVar[str] = "co_creation"
    label: ClassVar[str] = "co-creation"
    colour: ClassVar[str] = "#009E73"
    line_style: ClassVar[str | tuple] = "-."
    sliders: ClassVar[tuple[str, ...]] = (*LeverStyle.sliders, "scope", "facilitation")
    order: ClassVar[int] = 3
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

    @classmethod
    def parameters(cls) -> dict[str, Parameter]:
        """Every lever (co-creation's defaults) and every arena setting."""
        return {**super().parameters(), **parameters_of(ArenaSettings)}

    def arena(self, step: int) -> ArenaSettings:
        """The arena settings (the same at every step)."""
        return self.settings

    def describe(self) -> dict[str, Any]:
        """Return the name, every lever and every arena setting."""
        return {**super().describe(), "arena": dataclasses.asdict(self.settings)}
