"""Checks the SALib sweeper runs before launching anything, and the arms of its contrast.

Every problem is caught here, before a job starts, with a message that names the key: a
malformed problem or stage setting, a parameter that is not a number in the composed
config, a sampled value out of its bounds or of the schema's type, and any point that
the configured validator (for sim, :func:`sim.runs.jobs.validate`) rejects.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from hydra_plugins.sim_salib.design import Parameter


@dataclass
class Arm:
    """One arm of the contrast (or the only one): its name, overrides and composed config.

    Attributes:
        name: the contrast's choice (``co_creation``), or ``""`` without a contrast.
        overrides: what selects the arm (``["steering=co_creation"]``).
        config: the task config composed for the arm, without the ``hydra`` node.
        defaults: each parameter's value in that config (if it has one).
    """

    name: str
    overrides: list[str]
    config: DictConfig
    defaults: dict[str, Any]


def check_settings(outputs: Sequence[str], morris: Mapping[str, Any], sobol: Mapping[str, Any],
                   conf_level: float, resamples: int) -> None:
    """Raise ``ValueError`` naming the first bad stage setting."""
    if not outputs:
        raise ValueError("hydra.sweeper.outputs: name at least one output of the jobs")
    for key, value, low in (("morris.trajectories", morris["trajectories"], 2),
                            ("morris.levels", morris["levels"], 2),
                            ("sobol.base_samples", sobol["base_samples"], 2),
                            ("sobol.top_k", sobol["top_k"], 1), ("resamples", resamples, 10)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"hydra.sweeper.{key}: must be an integer >= {low}, got {value!r}")
    if morris["levels"] % 2:
        raise ValueError(f"hydra.sweeper.morris.levels: must be even, got {morris['levels']}")
    n = sobol["base_samples"]
    if n & (n - 1):
        raise ValueError(f"hydra.sweeper.sobol.base_samples: must be a power of 2, got {n}")
    if not 0 < conf_level < 1:
        raise ValueError(f"hydra.sweeper.conf_level: must be in (0, 1), got {conf_level}")


def check_arguments(arguments: Sequence[str], params: Sequence[Parameter],
                    contrast_key: str | None) -> None:
    """Refuse command-line overrides of keys the sweeper sets itself."""
    names = {p.name for p in params} | ({contrast_key} if contrast_key else set())
    for argument in arguments:
        key = argument.split("=", 1)[0].lstrip("+~")
        if key in names:
            raise ValueError(f"{key}: set by the sensitivity sweeper; remove it from the "
                             "command line")


def compose_arm(load: Callable[[list[str]], DictConfig], name: str, overrides: list[str],
                params: Sequence[Parameter]) -> Arm:
    """Compose an arm's config with ``load`` and read each parameter's value there.

    Args:
        load: composes the task config for extra overrides (Hydra's sweep-config loader).
        name: the arm's name.
        overrides: what selects the arm.
        params: the problem; each must be a number in the config where it applies.
    """
    try:
        cfg = load(overrides)
    except Exception as exc:  # noqa: BLE001 - any composition error becomes one line
        raise ValueError(f"hydra.sweeper.contrast: cannot compose {' '.join(overrides)}: "
                         f"{str(exc).splitlines()[0]}") from None
    with open_dict(cfg):
        cfg.pop("hydra", None)
    defaults = {}
    for p in params:
        value = OmegaConf.select(cfg, p.name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            defaults[p.name] = value
        elif p.only is None or p.only == name:
            where = f" under {' '.join(overrides)}" if overrides else ""
            raise ValueError(f"hydra.sweeper.problem.{p.name}: not a number in the config{where} "
                             f"(found {value!r})")
    return Arm(name, overrides, cfg, defaults)


def check_only(params: Sequence[Parameter], arms: Sequence[Arm]) -> None:
    """Each ``only`` names an arm of the contrast."""
    names = [a.name for a in arms if a.name]
    for p in params:
        if p.only is not None and p.only not in names:
            raise ValueError(f"hydra.sweeper.problem.{p.name}.only: must be an arm of the "
                             f"contrast ({', '.join(names) or 'there is no contrast'}), "
                             f"got {p.only!r}")


def check_points(stage: str, sampled: Sequence[Parameter], x: np.ndarray, arms: Sequence[Arm],
                 validate: Callable[[dict[str, Any]], None] | None) -> None:
    """Check a stage's sample: bounds, the schema's keys and types, then every point.

    The typed config takes each parameter at both ends of its range (an unknown key or a
    wrong type fails there); ``validate`` then sees every point's plain config.
    """
    low = np.array([p.low for p in sampled])
    high = np.array([p.high for p in sampled])
    if x.shape[1] != len(sampled) or np.any(x < low) or np.any(x > high):
        raise ValueError(f"{stage}: a sampled value lies outside its bounds")
    for arm in arms:
        applied = [j for j, p in enumerate(sampled) if p.only is None or p.only == arm.name]
        for corner in (low, high):
            typed = arm.config.copy()
            for j in applied:
                try:
                    OmegaConf.update(typed, sampled[j].name, float(corner[j]), merge=True)
                except OmegaConfBaseException as exc:
                    raise ValueError(f"hydra.sweeper.problem.{sampled[j].name}: "
                                     f"{str(exc).splitlines()[0]}") from None
        if validate is None:
            continue
        plain = OmegaConf.to_container(arm.config, resolve=True)
        for i, row in enumerate(x):
            point = plain
            for j in applied:
                point = _with(point, sampled[j].name, float(row[j]))
            try:
                validate(point)
            except ValueError as exc:
                where = f" under {' '.join(arm.overrides)}" if arm.overrides else ""
                raise ValueError(f"{exc} ({stage} point {i}{where}; check "
                                 "hydra.sweeper.problem)") from None


def validator(path: str | None) -> Callable[[dict[str, Any]], None] | None:
    """The function a dotted path names (``None`` for none)."""
    if not path:
        return None
    from hydra.utils import get_method

    try:
        return get_method(path)
    except Exception as exc:  # noqa: BLE001 - a bad path becomes one line
        raise ValueError(f"hydra.sweeper.validator: cannot import {path!r} ({exc})") from None


def _with(config: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """A copy of a nested dict with ``key`` (dotted) set; only the path is copied."""
    head, _, rest = key.partition(".")
    out = dict(config)
    out[head] = _with(config.get(head) or {}, rest, value) if rest else value
    return out
