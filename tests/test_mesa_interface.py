"""GovernanceModel under Mesa's own interface: ``preset=``, Mesa's ``scenario``, SolaraViz.

Mesa 3.5's ``Model`` takes a ``scenario`` (a :class:`mesa.experimental.scenarios.Scenario`)
and SolaraViz passes a fresh one on Reset; the model's presets are therefore ``preset=``,
and a preset's name given as ``scenario=`` still works for one release, with a warning.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from mesa.experimental.scenarios import Scenario

from sim import GovernanceModel, simulate


def _same_start(a: GovernanceModel, b: GovernanceModel) -> None:
    assert a.p == b.p and a.style.name == b.style.name and a.seed == b.seed
    np.testing.assert_array_equal(a.citizens.need, b.citizens.need)


# --- preset=, and scenario= as a deprecated name for it ------------------------------------


def test_a_preset_name_as_scenario_warns_and_builds_the_preset():
    """``scenario="trust_reform"`` warns (naming ``preset=``) and builds what ``preset=`` does."""
    with pytest.warns(DeprecationWarning, match="use preset=NAME"):
        old = GovernanceModel(scenario="trust_reform", n_citizens=300, rng=3)
    new = GovernanceModel(preset="trust_reform", n_citizens=300, rng=3)
    _same_start(old, new)
    assert old.preset == new.preset == "trust_reform" and new.style.name == "switch"
    assert isinstance(new.scenario, Scenario)  # Mesa's own, as for any Mesa model
    with pytest.warns(DeprecationWarning, match="use preset=NAME"):
        frame = simulate(steps=3, seed=2, scenario="budget_cut", n_citizens=300)
    pd.testing.assert_frame_equal(frame, simulate(steps=3, seed=2, preset="budget_cut",
                                                  n_citizens=300))


def test_preset_warns_about_nothing():
    """The new keyword raises no warning at all."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        GovernanceModel(preset="budget_cut", n_citizens=300, rng=0)
        simulate(steps=1, preset="budget_cut", n_citizens=300)


def test_two_different_presets_are_refused():
    """``preset=`` and a different ``scenario=`` name: one line naming preset."""
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="^preset: given twice"):
        GovernanceModel(preset="budget_cut", scenario="trust_reform", n_citizens=300, rng=0)
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="^preset: given twice"):
        simulate(steps=1, preset="budget_cut", scenario="trust_reform", n_citizens=300)


# --- Mesa's own Scenario -------------------------------------------------------------------


def test_a_mesa_scenario_is_mesa_s_and_may_carry_the_seed():
    """A Mesa Scenario is kept as ``model.scenario``; its ``rng`` is the model's seed."""
    scenario = Scenario(rng=11)
    model = GovernanceModel(scenario=scenario, n_citizens=300)
    assert model.scenario is scenario and scenario.model is model
    _same_start(model, GovernanceModel(rng=11, n_citizens=300))
    blank = Scenario()  # what SolaraViz passes on Reset: no seed
    model = GovernanceModel(scenario=blank, rng=5, n_citizens=300)
    assert model.seed == 5 and blank.rng == 5
    model = GovernanceModel(scenario=Scenario(), n_citizens=300)  # a seed from the OS
    assert model.scenario.rng == model.seed


def test_a_mesa_scenario_with_other_fields_or_seed_is_refused():
    """Parameters are keywords, not scenario fields; two different seeds are refused."""
    with pytest.raises(ValueError, match="^scenario: the model's parameters are keywords.*n_citizens"):
        GovernanceModel(scenario=Scenario(rng=1, n_citizens=300))
    with pytest.raises(ValueError, match="rng and scenario.rng must be the same"):
        GovernanceModel(scenario=Scenario(rng=1), rng=2, n_citizens=300)
    with pytest.raises(ValueError, match="^scenario: must be a mesa Scenario"):
        GovernanceModel(scenario=3, n_citizens=300)


# --- Mesa's SolaraViz, headless ------------------------------------------------------------


def test_mesa_s_solaraviz_renders_steps_and_resets_the_model():
    """``SolaraViz(GovernanceModel())`` renders; Step advances it; Reset builds a new one.

    Rendered headless with ``solara.render`` (as ``tests/test_explore.py`` renders the
    explorer). Reset passes Mesa's own Scenario, which the preset keyword once took for
    a preset's name.
    """
    solara = pytest.importorskip("solara", reason="needs the explore extra")
    import ipyvuetify as v
    from mesa.visualization import SolaraViz

    model = solara.reactive(GovernanceModel())
    first = model.value
    page = SolaraViz(model, components=[], name="Samskabelse")
    _, rc = solara.render(solara.AppLayout(children=[page]), handle_error=False)

    def click(label: str) -> None:
        next(b for b in rc.find(v.Btn).widgets if b.children == [label]).click()

    def errors() -> list[str]:
        return [a.children[0] for a in rc.find(v.Alert).widgets if a.children]

    click("Step")
    assert model.value is first and first.steps == 1 and errors() == []
    click("Reset")
    assert model.value is not first and errors() == []
    assert model.value.steps == 0 and isinstance(model.value.scenario, Scenario)
    assert model.value.p.n_citizens == first.p.n_citizens and model.value.preset is None
    click("Step")
    assert model.value.steps == 1 and errors() == []


def test_the_metrics_table_is_the_one_mesa_s_own_collector_gives():
    """The model's collector (no deep copy per value) gives Mesa's DataCollector table."""
    import mesa

    from sim.agents import Citizen
    from sim.mechanisms.metrics import ALL_METRICS

    model = GovernanceModel(n_citizens=300, rng=2, collect_agents=True)
    plain = mesa.DataCollector(model_reporters={name: (lambda m, key=name: m.metrics[key])
                                                for name in ALL_METRICS})
    for _ in range(4):
        model.step()
        plain.collect(model)
    pd.testing.assert_frame_equal(model.datacollector.get_model_vars_dataframe(),
                                  plain.get_model_vars_dataframe())
    assert len(model.datacollector.get_agenttype_vars_dataframe(Citizen)) > 0
