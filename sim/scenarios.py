"""Named scenarios (MODEL.md §7), defined once as Hydra config diffs in ``configs/scenario/``.

The CLI composes them as a config group; the Python API and the explorer read the same
files here. A scenario file (``# @package _global_``) may hold a ``description``, an
``override /steering: NAME`` in its defaults list, and values for the ``steering``,
``population`` and ``model`` groups, and ``arena``: co-creation settings
(:class:`~sim.policies.co_creation.ArenaSettings`) that apply to every style holding arenas
and are ignored by styles without them, so one scenario compares all styles in the same
place (``captured_arena``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CONFIG_DIR = Path(__file__).resolve().parent / "configs"
SCENARIO_DIR = CONFIG_DIR / "scenario"
_KEYS = {"description", "defaults", "steering", "population", "model", "arena"}


def list_scenarios() -> list[str]:
    """Names of the available scenarios."""
    return sorted(path.stem for path in SCENARIO_DIR.glob("*.yaml"))


def load_scenario(name: str) -> dict[str, Any]:
    """Load scenario ``name`` as keyword arguments for the Python API.

    Returns ``{"description", "params", "arena"}`` plus ``"steering"`` and
    ``"steering_params"`` when the scenario sets a style. Raises ``ValueError`` naming the allowed scenarios.
    """
    names = list_scenarios()
    if name not in names:
        raise ValueError(f"scenario: must be one of {', '.join(names)}, got {name!r}")
    data = yaml.safe_load((SCENARIO_DIR / f"{name}.yaml").read_text()) or {}
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ValueError(f"scenario {name}: unknown key {unknown[0]!r}; allowed: "
                         f"{', '.join(sorted(_KEYS))}")
    out: dict[str, Any] = {"description": data.get("description", ""),
                           "params": {**(data.get("population") or {}),
                                      **(data.get("model") or {})},
                           "arena": dict(data.get("arena") or {})}
    for entry in data.get("defaults") or []:
        if isinstance(entry, dict) and "override /steering" in entry:
            out["steering"] = entry["override /steering"]
    if data.get("steering"):
        out["steering_params"] = dict(data["steering"])
    return out

