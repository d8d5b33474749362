"""Named scenarios (MODEL.md §7), defined once as YAML in ``configs/scenario/``.

The CLI, the explorer and the tests read the same files. A scenario file holds a
``description``, optionally a ``steering`` name with ``steering_params``, and ``params``
(fields of :class:`~sim.params.ModelParams`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CONFIG_DIR = Path(__file__).resolve().parent / "configs"
SCENARIO_DIR = CONFIG_DIR / "scenario"
_KEYS = {"description", "steering", "steering_params", "params"}


def list_scenarios() -> list[str]:
    """Names of the available scenarios."""
    return sorted(path.stem for path in SCENARIO_DIR.glob("*.yaml"))


def load_scenario(name: str) -> dict[str, Any]:
    """Load scenario ``name``; raise ``ValueError`` naming the allowed ones if unknown."""
    names = list_scenarios()
    if name not in names:
        raise ValueError(f"scenario: must be one of {', '.join(names)}, got {name!r}")
    data = yaml.safe_load((SCENARIO_DIR / f"{name}.yaml").read_text()) or {}
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ValueError(f"scenario {name}: unknown key {unknown[0]!r}; allowed: "
                         f"{', '.join(sorted(_KEYS))}")
    data.setdefault("params", {})
    data["params"] = data["params"] or {}
    return data
