"""Shared fixtures: the real config tree, composed as the ``sim`` command composes it."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hydra import compose, initialize_config_module
from omegaconf import DictConfig, OmegaConf

#: The mutant this session runs under (``SIM_MUTANT``; :mod:`tests.mutants`), applied for
#: the whole session so every claimed test sees the mechanism switched off.
_MUTANT = pytest.MonkeyPatch()
_MUTANT_NAME = ""


def pytest_configure(config: pytest.Config) -> None:
    """Apply the mutant ``SIM_MUTANT`` names, if any."""
    import os

    from tests.mutants import ENV, apply

    global _MUTANT_NAME
    if os.environ.get(ENV):
        _MUTANT_NAME = os.environ[ENV]
        apply(_MUTANT_NAME, _MUTANT)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Under a mutant, flag a test that failed by an exception other than a failed assert.

    A mutant that merely breaks the code has not shown that a test sees its mechanism;
    :mod:`tests.mutants` counts such a failure as an error, not a kill.
    """
    outcome = yield
    report = outcome.get_result()
    if (_MUTANT_NAME and report.failed and call.excinfo is not None
            and not call.excinfo.errisinstance(AssertionError)):
        from tests.mutants import CRASH

        print(f"\n{CRASH} {item.nodeid}: {call.excinfo.typename}", file=sys.__stderr__, flush=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Undo the mutant."""
    _MUTANT.undo()


def pytest_report_header(config: pytest.Config) -> str | None:
    """Say which mutant the session runs under."""
    import os

    from tests.mutants import ENV

    return f"mutant: {os.environ[ENV]}" if os.environ.get(ENV) else None


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
