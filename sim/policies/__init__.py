"""Steering styles: policy objects that set the levers (MODEL.md §5)."""

from __future__ import annotations

from typing import Any

from sim.policies.base import Levers, LeverStyle, SteeringStyle
from sim.policies.experience_based import ExperienceBasedSteering
from sim.policies.mixed import MixedSteering
from sim.policies.result_based import ResultBasedSteering
from sim.policies.switch import SwitchSteering

#: Styles selectable by name.
STYLES: dict[str, type[SteeringStyle]] = {
    cls.name: cls
    for cls in (ResultBasedSteering, ExperienceBasedSteering, MixedSteering, SwitchSteering)
}


def make_style(steering: str | SteeringStyle, params: dict[str, Any] | None = None) -> SteeringStyle:
    """Return a style object from a name (with keyword ``params``) or pass an object through."""
    if isinstance(steering, SteeringStyle):
        if params:
            raise ValueError("steering_params: only allowed when steering is given by name")
        return steering
    if steering not in STYLES:
        raise ValueError(f"steering: must be one of {', '.join(STYLES)}, got {steering!r}")
    try:
        return STYLES[steering](**(params or {}))
    except TypeError as exc:  # an unknown keyword for a composite style
        raise ValueError(f"steering_params: {exc}") from None


__all__ = [
    "STYLES", "ExperienceBasedSteering", "LeverStyle", "Levers", "MixedSteering",
    "ResultBasedSteering", "SteeringStyle", "SwitchSteering", "make_style",
]
