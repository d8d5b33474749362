"""sim's sweeper composes jobs from templates: the configs must be exactly Hydra's own."""

from __future__ import annotations

import pickle

import pytest
from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra._internal.utils import create_config_search_path
from hydra.types import RunMode
from joblib.externals import cloudpickle
from omegaconf import OmegaConf

import sim.runs.cli  # noqa: F401 - registers the schemas and resolvers the configs use
from sim.runs.templates import TemplateLoader

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


@pytest.mark.slow
def test_template_composition_equals_hydras_for_every_job():
    """Each job's config, hydra node included, is what a fresh Hydra composes for it."""
    fast_loader = _loader()
    fast = TemplateLoader(fast_loader)
    master = _master(fast_loader)
    for job in JOBS:
        reference_loader = _loader()
        want = OmegaConf.to_yaml(reference_loader.load_sweep_config(_master(reference_loader), job))
        got_cfg = fast.load_sweep_config(master, job)
        assert OmegaConf.to_yaml(got_cfg) == want, job
        assert OmegaConf.is_struct(got_cfg) and OmegaConf.is_struct(got_cfg.steering), job
        assert OmegaConf.get_type(got_cfg.steering).__name__.endswith("Schema"), job
    # the value-only jobs reused templates instead of composing, copied by unpickling
    assert len(fast.templates) < len(JOBS)
    assert all(template.blob is not None for template in fast.templates.values())


def test_copies_sent_to_workers_share_the_process_templates():
    """A batch's copy of the loader reuses templates an earlier copy of it composed."""
    fast_loader = _loader()
    master = _master(fast_loader)
    sent = cloudpickle.dumps(TemplateLoader(fast_loader))  # as joblib's workers receive it
    first, second = pickle.loads(sent), pickle.loads(sent)
    first.load_sweep_config(master, ["steering=experience_based", "seed=1"])
    assert list(second.templates) == [("steering=experience_based",)]
    want = OmegaConf.to_yaml(_loader().load_sweep_config(_master(_loader()),
                                                         ["steering=experience_based", "seed=2"]))
    assert OmegaConf.to_yaml(second.load_sweep_config(master, ["steering=experience_based",
                                                                "seed=2"])) == want
    # another sweep's loader starts empty and does not see them
    assert pickle.loads(cloudpickle.dumps(TemplateLoader(fast_loader))).templates == {}
    assert "templates" not in pickle.loads(sent).__getstate__()


def test_bad_overrides_fail_as_in_hydra():
    """An unknown key fails in the template path as it does in Hydra's composition."""
    fast_loader = _loader()
    fast = TemplateLoader(fast_loader)
    master = _master(fast_loader)
    with pytest.raises(Exception, match="no_such_key"):
        fast.load_sweep_config(master, ["model.no_such_key=1"])
