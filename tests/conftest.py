"""Shared fixtures: the real config tree, composed as the ``sim`` command composes it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hydra import compose, initialize_config_module
from omegaconf import DictConfig, OmegaConf

#: Overrides that shrink a composed config to a job that runs in about a second.
SHRINK = ("population.n_citizens=300", "steps=6", "replicates=2")

#: ``compose_config(overrides, *, shrink=True, hydra=False, plain=False)``.
ComposeConfig = Callable[..., DictConfig | dict[str, Any]]


def _compose(overrides: Sequence[str] = (), *, shrink: bool = True, hydra: bool = False,
             plain: bool = False) -> DictConfig | dict[str, Any]:
    """Compose ``sim.configs``'s primary config with ``overrides`` (Hydra's compose API).

    Args:
        overrides: command-line overrides, as ``sim`` takes them.
        shrink: put :data:`SHRINK` first (the given overrides still win); ``False`` for
            tests of the shipped sizes.
        hydra: keep the ``hydra`` node (sweeper, launcher, folders).
        plain: return plain, resolved containers (what a job receives) instead of the
            typed config; not with ``hydra``.
    """
    import sim.runs.cli  # noqa: F401 - registers the schemas and resolvers the configs use

    if plain and hydra:
        raise ValueError("compose_config: plain and hydra exclude each other")
    with initialize_config_module(config_module="sim.configs", version_base="1.3"):
        cfg = compose(config_name="config", overrides=[*(SHRINK if shrink else ()), *overrides],
                      return_hydra_config=hydra)
    return OmegaConf.to_container(cfg, resolve=True) if plain else cfg


@pytest.fixture(scope="session")
def compose_config() -> ComposeConfig:
    """The real configs composed with overrides, shrunk unless ``shrink=False``.

    ``compose_config(["steering=co_creation"], plain=True)`` gives the plain dict a job
    of that point receives, at :data:`SHRINK`'s size.
    """
    return _compose


@pytest.fixture(scope="session")
def style_runs():
    """A tidy table of the three styles, 3 replicates each (200 citizens, 14 months).

    What a collected ``style_comparison`` sweep holds, made once per session; tests that
    write it into a sweep folder copy it.
    """
    import pandas as pd

    from sim import simulate
    from sim.results import to_tidy

    frames = []
    for style in ("result_based", "experience_based", "co_creation"):
        for rep in range(3):
            frame = simulate(steps=14, seed=rep, steering=style, n_citizens=200)
            frames.append(to_tidy(frame, job_id=f"steering={style}", replicate=rep, seed=rep,
                                  steering=style))
    return pd.concat(frames, ignore_index=True)
