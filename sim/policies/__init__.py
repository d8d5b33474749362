"""Steering styles: policy objects that set the levers (MODEL.md §5)."""

from __future__ import annotations

import inspect
from typing import Any

from sim.policies.base import Levers, LeverStyle, SteeringStyle
from sim.policies.co_creation import ArenaSettings, CoCreationSteering
from sim.policies.experience_based import ExperienceBasedSteering
from sim.policies.mixed import MixedSteering
from sim.policies.result_based import ResultBasedSteering
from sim.policies.switch import SwitchSteering

#: Styles selectable by name.
STYLES: dict[str, type[SteeringStyle]] = {
    cls.name: cls
    for cls in (ResultBasedSteering, ExperienceBasedSteering, CoCreationSteering, MixedSteering,
                SwitchSteering)
}


def make_style(steering: str | SteeringStyle, params: dict[str, Any] | None = None) -> SteeringStyle:
    """Return a style object from a name (with keyword ``params``) or pass an object through."""
    if isinstance(steering, SteeringStyle):
        if params:
            raise ValueError("steering_params: only allowed when steering is given by name")
        return steering
    if steering not in STYLES:
        raise ValueError(f"steering: must be one of {', '.join(STYLES)}, got {steering!r}")
    cls = STYLES[steering]
    if not issubclass(cls, LeverStyle):  # composite styles: check keywords by signature
        allowed = [k for k in inspect.signature(cls).parameters]
        for key in params or {}:
            if key not in allowed:
                raise ValueError(
                    f"{key}: not a parameter of {steering}; allowed: {', '.join(allowed)}")
    return cls(**(params or {}))


__all__ = [
    "STYLES", "ArenaSettings", "CoCreationSteering", "ExperienceBasedSteering", "LeverStyle",
    "Levers", "MixedSteering", "ResultBasedSteering", "SteeringStyle", "SwitchSteering", "make_style",
]
