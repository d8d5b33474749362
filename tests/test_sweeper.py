"""sim's sweeper composes jobs from templates: the configs must be exactly Hydra's own."""

from __future__ import annotations

import pytest
from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra._internal.utils import create_config_search_path
from hydra.types import RunMode
from omegaconf import OmegaConf

import sim.cli  # noqa: F401 - registers the schemas and resolvers the configs use
from hydra_plugins.sim_sweeper.fast_loader import TemplateLoader

#: Jobs in an order that would reveal any value leaking from one job into the next.
JOBS = [
    ["seed=1"],
    ["seed=2", "steering=co_creation", "steering.scope=0.5", "steering.domains=[school,health]"],
    ["steering=co_creation"],
    ["population=small", "population.n_citizens=300", "steering=mixed", "steering.weight=0.25"],
    ["population=small"],
    ["scenario=task_committee", "steering=co_creation", "model.handoff_loss=0.3"],
    ["scenario=baseline", "steering=co_creation"],
    ["experiment=framing"],
    [],
    ["steering.incentive=0.3", "seed=5", "hydra.sweep.subdir=job-5"],
    ["steering.incentive=0.7"],
    ["~figure"],
    ["+analysis.extra=1"],
    ["analysis.name=goodhart", "analysis.figures=[a,b]"],
    [],
]


def _loader() -> ConfigLoaderImpl:
    return ConfigLoaderImpl(config_search_path=create_config_search_path("pkg://sim.configs"))


def _master(loader: ConfigLoaderImpl):
    return loader.load_configuration("config", overrides=["seed=range(0,3)", "hydra.sweep.dir=/x"],
                                     run_mode=RunMode.MULTIRUN)


def test_template_composition_equals_hydras_for_every_job():
    """Each job's config, hydra node included, is what a fresh Hydra composes for it."""
    fast_loader = _loader()
    fast = TemplateLoader(fast_loader)
    master = _master(fast_loader)
    for job in JOBS:
        reference_loader = _loader()
        want = OmegaConf.to_yaml(reference_loader.load_sweep_config(_master(reference_loader), job))
        got = OmegaConf.to_yaml(fast.load_sweep_config(master, job))
        assert got == want, job
    # the value-only jobs reused templates instead of composing
    assert len(fast.templates) < len(JOBS)


def test_bad_overrides_fail_as_in_hydra():
    """An unknown key fails in the template path as it does in Hydra's composition."""
    fast_loader = _loader()
    fast = TemplateLoader(fast_loader)
    master = _master(fast_loader)
    with pytest.raises(Exception, match="no_such_key"):
        fast.load_sweep_config(master, ["model.no_such_key=1"])
