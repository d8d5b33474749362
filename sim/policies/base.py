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

from sim.fields import Parameter, bounded, declared, parameters_of, validate


@dataclass(frozen=True)
class Levers:
    """What leaders and politicians set under a steering style (MODEL.md §5).

    All levers are numbers so that styles can be blended (``MixedSteering``). Each is
    declared once below (default, range, unit, meaning; :mod:`sim.fields`); the defaults
    here are ``Levers()``, and each fixed style sets its own (``defaults``).
    """

    incentive: float = bounded(0.1, 0.0, 1.0, unit="intensity 0-1",
                               doc="α, incentive intensity on measured output and gaming")
    audit: float = bounded(0.05, 0.0, 1.0, unit="probability per month",
                           doc="μ, audit probability per unit and month")
    ratchet_per_year: float = bounded(0.0, 0.0, 1.0, unit="share per year",
                                      doc="ρ, target rise after a year on target")
    documentation: float = bounded(0.15, 0.0, 0.9, unit="share of time",
                                   doc="imposed documentation share of professionals' time")
    team_cases: float = bounded(0.0, 0.0, 1.0, unit="share of complex citizens",
                                doc="share of complex citizens handled by an interprofessional team")
    supportiveness: float = bounded(0.5, 0.0, 1.0, unit="level 0-1",
                                    doc="supportive, informational feedback from leaders")
    learn_from_frontline: float = bounded(0.5, 0.0, 1.0, unit="weight 0-1",
                                          doc="leaders' signal: 0 KPI (exploitation), 1 frontline "
                                              "signals of true outcomes (exploration)")
    budget_from_frontline: float = bounded(0.5, 0.0, 1.0, unit="weight 0-1",
                                           doc="politicians' signal: 0 KPI league tables, "
                                               "1 frontline reports")
    coproduction_support: float = bounded(0.2, 0.0, 1.0, unit="weight 0-1",
                                          doc="weight professionals put on supporting co-production")
    support_targeting: float = bounded(0.0, 0.0, 1.0, unit="weight 0-1",
                                       doc="0 untargeted support, 1 targeted at low-resource citizens")
    budget_from_arena: float = bounded(0.0, 0.0, 1.0, unit="weight 0-1",
                                       doc="weight of the latest implemented arena recommendation "
                                           "in yearly budgets (4.2)")
    arena_every: int = bounded(0, 0, 1200, integer=True, unit="months",
                               doc="steps between co-creation arenas (0 = none)")

    def __post_init__(self) -> None:
        """Reject levers outside their ranges, naming the lever; store them as their type."""
        validate(self)

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


#: Every steering style class by name, in menu order (filled as style classes are defined).
REGISTRY: dict[str, type[SteeringStyle]] = {}
#: The style of a run that names none, and the rival of every style that names none.
DEFAULT_STYLE = "result_based"


def style_names() -> tuple[str, ...]:
    """The names of every registered style, in menu order."""
    return tuple(REGISTRY)


def style_class(name: str) -> type[SteeringStyle]:
    """The style class registered as ``name``; ``ValueError`` naming ``steering`` if none."""
    if name not in REGISTRY:
        raise ValueError(f"steering: must be one of {', '.join(REGISTRY)}, got {name!r}")
    return REGISTRY[name]


class SteeringStyle(abc.ABC):
    """Base class of all steering styles: one method that sets the levers.

    A style class carries everything the rest of the house needs from it: its ``name``,
    how readers see it (``label``, ``colour``, ``line_style``), its parameters
    (:meth:`parameters`, from which the Hydra schema and the docs are generated), how it is
    built from a composed config (:meth:`config_params`), the settings the explorer shows
    as sliders (``sliders``) and the style the explorer compares it with (``rival``).
    Defining a subclass with a ``name`` registers it (:data:`REGISTRY`); the
    :mod:`sim.policies` package imports each of its modules, so a new style is one new file.
    """

    #: the name by which the style is selected (``steering="..."``); empty: not selectable
    name: ClassVar[str] = ""
    #: the name as readers see it in legends and reports
    label: ClassVar[str] = ""
    #: its colour in every figure (colour-blind safe: Okabe & Ito 2008)
    colour: ClassVar[str] = "#000000"
    #: its matplotlib line style, which tells lines apart where they overlap (and in greyscale)
    line_style: ClassVar[str | tuple] = "-"
    #: settings the explorer's sliders may set for this style
    sliders: ClassVar[tuple[str, ...]] = ()
    #: the style the explorer compares this one with by default
    rival: ClassVar[str] = DEFAULT_STYLE
    #: place in menus and registry order (ties: the order the classes are defined)
    order: ClassVar[int] = 100

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Register a subclass that declares its own ``name``, keeping menu order."""
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("name"):
            return
        known = REGISTRY.get(cls.name)
        if known is not None and (known.__module__, known.__qualname__) != (
                cls.__module__, cls.__qualname__):
            raise ValueError(f"name: style {cls.name!r} is already {known.__module__}."
                             f"{known.__qualname__}")
        REGISTRY[cls.name] = cls
        ranked = sorted(REGISTRY.items(), key=lambda item: item[1].order)
        REGISTRY.clear()
        REGISTRY.update(ranked)

    @classmethod
    def parameters(cls) -> dict[str, Parameter]:
        """Every parameter of the style by name, declared once, with this style's default."""
        return {}

    @classmethod
    def config_params(cls, values: dict[str, Any]) -> dict[str, Any]:
        """Constructor keywords from a composed config's ``steering`` node (without ``name``).

        Lists (Hydra's sequences, e.g. ``steering.domains=[school,health]``) become tuples.
        """
        return {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}

    @abc.abstractmethod
    def levers(self, step: int) -> Levers:
        """Return the levers in force at ``step`` (1-based)."""

    def arena(self, step: int) -> Any:
        """Return the :class:`~sim.policies.co_creation.ArenaSettings` at ``step``, or ``None``."""
        return None

    def setting(self, key: str) -> Any:
        """The value at step 1 of ``key``: a lever, an arena setting or the style's own."""
        if key in declared(Levers):
            return getattr(self.levers(1), key)
        arena = self.arena(1)
        if arena is not None and hasattr(arena, key):
            return getattr(arena, key)
        return getattr(self, key)

    def describe(self) -> dict[str, Any]:
        """Return the style's name and parameters, for provenance."""
        return {"name": self.name}


class LeverStyle(SteeringStyle):
    """A style whose levers are fixed values, overridable by keyword (unknown keys rejected)."""

    #: default levers of this style
    defaults: ClassVar[Levers] = Levers()
    sliders: ClassVar[tuple[str, ...]] = ("incentive", "audit", "documentation")

    def __init__(self, **overrides: Any) -> None:
        """Start from the style's defaults and apply ``overrides`` (lever names)."""
        known = {f.name for f in dataclasses.fields(Levers)}
        for key in overrides:
            if key not in known:
                raise ValueError(
                    f"{key}: not a lever of {self.name}; allowed: {', '.join(sorted(known))}")
        self._levers = dataclasses.replace(self.defaults, **overrides)

    @classmethod
    def parameters(cls) -> dict[str, Parameter]:
        """Every lever, with this style's default."""
        return parameters_of(Levers, cls.defaults)

    def levers(self, step: int) -> Levers:
        """Return the same levers at every step."""
        return self._levers

    def describe(self) -> dict[str, Any]:
        """Return the name and every lever."""
        return {"name": self.name, **dataclasses.asdict(self._levers)}
