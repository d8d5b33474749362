"""Steering styles: policy objects that set the levers (MODEL.md §5).

Every module of this package is imported here, and every style class it defines with a
``name`` registers itself (:data:`STYLES`): a new style is one new file in this package
(plus its ``configs/steering/<name>.yaml``), with no list to keep by hand.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from sim.fields import parameters_of
from sim.policies.base import DEFAULT_STYLE, REGISTRY, Levers, LeverStyle, SteeringStyle, style_class
from sim.policies.co_creation import ArenaSettings, CoCreationSteering
from sim.policies.composite import PairStyle
from sim.policies.docs import lever_table, setting_tables
from sim.policies.experience_based import ExperienceBasedSteering
from sim.policies.mixed import MixedSteering
from sim.policies.result_based import ResultBasedSteering
from sim.policies.switch import SwitchSteering


def discover() -> None:
    """Import every module of this package (``__path__``), which registers its styles."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


discover()

#: Styles selectable by name, in menu order: the live registry of style classes.
STYLES: dict[str, type[SteeringStyle]] = REGISTRY


def make_style(steering: str | SteeringStyle, params: dict[str, Any] | None = None) -> SteeringStyle:
    """Return a style object from a name (with keyword ``params``) or pass an object through."""
    if isinstance(steering, SteeringStyle):
        if params:
            raise ValueError("steering_params: only allowed when steering is given by name")
        return steering
    cls = style_class(steering)
    if issubclass(cls, PairStyle):
        cls.check_keys(params or {})
    return cls(**(params or {}))


def arena_params(style: str, arena: dict[str, Any]) -> dict[str, Any]:
    """A scenario's ``arena`` settings that style ``style`` takes (none for a style without arenas).

    Every setting is checked as an :class:`ArenaSettings` value whatever the style, so a bad
    one fails for every style with ``ValueError`` naming ``arena.KEY`` and what is allowed.
    """
    allowed = parameters_of(ArenaSettings)
    checked = {}
    for key, value in arena.items():
        if key not in allowed:
            raise ValueError(f"arena.{key}: unknown key; allowed: {', '.join(allowed)}")
        try:
            checked[key] = allowed[key].check(value)
        except ValueError as exc:
            raise ValueError(f"arena.{exc}") from None
    accepted = style_class(style).parameters()
    return {key: value for key, value in checked.items() if key in accepted}


__all__ = [
    "DEFAULT_STYLE", "STYLES", "ArenaSettings", "CoCreationSteering", "ExperienceBasedSteering",
    "LeverStyle", "Levers", "MixedSteering", "PairStyle", "ResultBasedSteering", "SteeringStyle",
    "SwitchSteering", "arena_params", "discover", "lever_table", "make_style", "setting_tables",
    "style_class",
]
