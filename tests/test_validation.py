"""Bad inputs fail early with a ``ValueError`` that names the input and what is allowed.

The Python API, the CLI and the configs share one validation path (``sim.params``,
``sim.policies``, ``sim.scenarios``); these tests pin its messages: each starts with the
name of the offending input, followed by what values are allowed.
"""

import dataclasses
import math

import numpy as np
import pytest

from sim import (
    ExperienceBasedSteering,
    GovernanceModel,
    MixedSteering,
    ModelParams,
    ResultBasedSteering,
    SwitchSteering,
    list_scenarios,
    load_scenario,
    simulate,
)
from sim.params import describe

FIELDS = {f.name: f for f in dataclasses.fields(ModelParams)}


def _allowed(name: str) -> str:
    """What the parameter ``name`` allows, in the words the messages use."""
    return describe(FIELDS[name])


@pytest.mark.parametrize(("params", "name"), [
    ({"n_citizens": -5}, "n_citizens"),
    ({"n_citizens": 0}, "n_citizens"),
    ({"n_domains": 0}, "n_domains"),
    ({"n_politicians": -1}, "n_politicians"),
    ({"survey_sample": 0}, "survey_sample"),
    ({"shock_per_step": 1.5}, "shock_per_step"),
    ({"network_p": -0.1}, "network_p"),
    ({"turnover_per_step": 1.0001}, "turnover_per_step"),
    ({"handoff_loss": -1e-9}, "handoff_loss"),
    ({"need_sigma": math.inf}, "need_sigma"),
    ({"need_scale": math.nan}, "need_scale"),
    ({"n_citizens": 2.5}, "n_citizens"),
    ({"n_citizens": "abc"}, "n_citizens"),
    ({"n_citizens": True}, "n_citizens"),
    ({"shock_per_step": "0.1"}, "shock_per_step"),
    ({"gaming_possible": "yes"}, "gaming_possible"),
    ({"gaming_possible": 1}, "gaming_possible"),
    ({"crowding_regime": "medium"}, "crowding_regime"),
])
def test_bad_parameter_names_itself_and_what_is_allowed(params, name):
    """An out-of-range or mistyped parameter raises ValueError starting with its name and range."""
    with pytest.raises(ValueError) as info:
        GovernanceModel(rng=0, **params)
    message = str(info.value)
    assert message.startswith(f"{name}: ")
    assert _allowed(name) in message
    assert repr(params[name]) in message


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_non_finite_count_names_the_parameter(value):
    """A NaN or infinite count raises ValueError starting with the parameter's name."""
    with pytest.raises(ValueError, match=r"^n_citizens: "):
        GovernanceModel(rng=0, n_citizens=value)


@pytest.mark.parametrize("name", ["n_citizens", "survey_sample"])
def test_integer_valued_float_count_is_rejected_or_usable(name):
    """An integer field given 300.0 either fails with a ValueError naming it or runs as 300."""
    try:
        model = GovernanceModel(rng=0, **{"n_citizens": 300, name: 300.0})
    except ValueError as exc:
        assert str(exc).startswith(f"{name}: ")
    else:
        model.step()
        assert model.steps == 1
        assert isinstance(getattr(model.p, name), int)


def test_numpy_integer_count_is_accepted():
    """A numpy integer (as produced by np.arange sweeps) is a valid value for an integer field."""
    model = GovernanceModel(rng=0, n_citizens=np.int64(300))
    model.step()
    assert model.citizens.need.shape[0] == 300


def test_odd_network_degree_is_rejected():
    """The small-world degree must be even, and the message says so."""
    with pytest.raises(ValueError, match=r"^network_k: must be even"):
        GovernanceModel(rng=0, network_k=3)


def test_too_few_professionals_is_rejected():
    """A population too small to staff every domain names citizens_per_professional."""
    with pytest.raises(ValueError, match=r"^citizens_per_professional: .*n_domains = 6"):
        GovernanceModel(rng=0, n_citizens=20, n_domains=6, citizens_per_professional=10.0)


@pytest.mark.parametrize("key", ["bogus", "n_citizen", "seed"])
def test_unknown_parameter_key_is_rejected(key):
    """An unknown keyword raises ValueError starting with the key and listing the known ones."""
    with pytest.raises(ValueError) as info:
        GovernanceModel(rng=0, **{key: 1})
    message = str(info.value)
    assert message.startswith(f"{key}: unknown parameter")
    assert "allowed:" in message
    assert all(name in message for name in ("n_citizens", "shock_per_step", "network_p"))


def test_unknown_parameter_key_is_rejected_by_from_dict():
    """ModelParams.from_dict rejects unknown keys the same way the model does."""
    with pytest.raises(ValueError, match=r"^zzz: unknown parameter; allowed: .*n_citizens"):
        ModelParams.from_dict({"n_citizens": 300, "zzz": 1})


@pytest.mark.parametrize("steering", ["nope", "result-based", "cocreation", ""])
def test_unknown_steering_style_is_rejected(steering):
    """An unknown style name raises ValueError starting with 'steering' and listing the styles."""
    with pytest.raises(ValueError) as info:
        GovernanceModel(rng=0, steering=steering)
    message = str(info.value)
    assert message.startswith("steering: must be one of ")
    for name in ("result_based", "experience_based", "mixed", "switch"):
        assert name in message
    assert repr(steering) in message


@pytest.mark.parametrize("steering", ["result_based", "experience_based"])
@pytest.mark.parametrize("steering_params", [{"alpha": 1}, {"incentives": 0.5}])
def test_unknown_lever_for_lever_style_is_rejected(steering, steering_params):
    """An unknown lever key raises ValueError starting with the key and listing the levers."""
    (key,) = steering_params
    with pytest.raises(ValueError) as info:
        GovernanceModel(rng=0, steering=steering, steering_params=steering_params)
    message = str(info.value)
    assert message.startswith(f"{key}: not a lever of {steering}")
    assert all(lever in message for lever in ("incentive", "audit", "documentation"))


@pytest.mark.parametrize(("lever", "value"), [("incentive", 1.5), ("documentation", 0.95),
                                              ("audit", -0.1), ("team_cases", "all")])
def test_lever_out_of_range_is_rejected(lever, value):
    """A lever value outside its range raises ValueError naming the lever and its range."""
    with pytest.raises(ValueError, match=rf"^{lever}: must be a number in \["):
        GovernanceModel(rng=0, steering="result_based", steering_params={lever: value})


def test_arenas_are_rejected_in_this_version():
    """A style that asks for co-creation arenas is refused, naming arena_every."""
    with pytest.raises(ValueError, match=r"^arena_every: .*must be 0"):
        GovernanceModel(rng=0, steering="experience_based", steering_params={"arena_every": 3})


@pytest.mark.parametrize(("steering", "allowed"), [("mixed", "weight"), ("switch", "at_step")])
def test_unknown_key_for_composite_style_lists_allowed_keys(steering, allowed):
    """An unknown steering_params key for mixed/switch names the key and the allowed keys."""
    with pytest.raises(ValueError) as info:
        GovernanceModel(rng=0, steering=steering, steering_params={"alpha": 1})
    message = str(info.value)
    assert "alpha" in message
    assert allowed in message


def test_steering_params_with_style_object_are_rejected():
    """steering_params only make sense with a style name; with an object they are refused."""
    with pytest.raises(ValueError, match=r"^steering_params: "):
        GovernanceModel(rng=0, steering=MixedSteering(0.5), steering_params={"weight": 0.2})


@pytest.mark.parametrize("weight", [-0.1, 1.5, math.nan, "0.5", True])
def test_mixed_weight_outside_unit_interval_is_rejected(weight):
    """MixedSteering's weight must be a number in [0, 1], directly or via steering_params."""
    with pytest.raises(ValueError, match=r"^weight: must be a number in \[0, 1\]"):
        MixedSteering(weight=weight)
    with pytest.raises(ValueError, match=r"^weight: must be a number in \[0, 1\]"):
        GovernanceModel(rng=0, steering="mixed", steering_params={"weight": weight})


@pytest.mark.parametrize("weight", [0.0, 1.0])
def test_mixed_weight_endpoints_are_the_pure_styles(weight):
    """The endpoints of MixedSteering's weight are valid and reproduce the pure styles' levers."""
    pure = ResultBasedSteering() if weight == 0.0 else ExperienceBasedSteering()
    assert MixedSteering(weight=weight).levers(1) == pure.levers(1)


@pytest.mark.parametrize("at_step", [0, -3, 2.5, "5", True])
def test_switch_at_step_must_be_positive_integer(at_step):
    """SwitchSteering's at_step must be an integer >= 1, directly or via steering_params."""
    with pytest.raises(ValueError, match=r"^at_step: must be an integer >= 1"):
        SwitchSteering(at_step=at_step)
    with pytest.raises(ValueError, match=r"^at_step: must be an integer >= 1"):
        GovernanceModel(rng=0, steering="switch", steering_params={"at_step": at_step})


@pytest.mark.parametrize("steps", [0, -1, 2.5, "3", True])
def test_simulate_rejects_bad_steps(steps):
    """simulate() needs steps to be an integer >= 1 and says so, naming steps."""
    with pytest.raises(ValueError, match=r"^steps: must be an integer >= 1"):
        simulate(steps=steps, seed=0, n_citizens=300)


@pytest.mark.parametrize("scenario", ["nope", "Baseline", "trust-reform"])
def test_unknown_scenario_is_rejected(scenario):
    """An unknown scenario raises ValueError starting with 'scenario' and listing the presets."""
    for call in (lambda: load_scenario(scenario),
                 lambda: GovernanceModel(rng=0, preset=scenario),
                 lambda: simulate(steps=1, preset=scenario, n_citizens=300)):
        with pytest.raises(ValueError) as info:
            call()
        message = str(info.value)
        assert message.startswith("scenario: must be one of ")
        assert all(name in message for name in list_scenarios())


@pytest.mark.parametrize("rng", [-1, "x", 1.5, True])
def test_bad_seed_is_rejected(rng):
    """The seed must be a non-negative integer; anything else names rng."""
    with pytest.raises(ValueError, match=r"^rng: must be a non-negative integer seed"):
        GovernanceModel(rng=rng, n_citizens=300)


def test_seed_zero_is_a_seed():
    """Seed 0 is a real seed: two models built with rng=0 start identically."""
    a, b = GovernanceModel(rng=0, n_citizens=300), GovernanceModel(rng=0, n_citizens=300)
    assert a.seed == b.seed == 0
    np.testing.assert_array_equal(a.citizens.need, b.citizens.need)


def test_there_are_scenarios():
    """The documented presets (MODEL.md §7, without the arena one) are all available."""
    assert {"baseline", "budget_cut", "complex_cases", "school_inclusion",
            "trust_reform"} <= set(list_scenarios())


@pytest.mark.parametrize("name", list_scenarios())
def test_every_scenario_loads_and_runs(name):
    """Each scenario loads, its values reach the model, and the model runs two steps."""
    preset = load_scenario(name)
    assert isinstance(preset["description"], str) and preset["description"]
    model = GovernanceModel(preset=name, n_citizens=300, rng=0)
    for key, value in preset["params"].items():
        assert getattr(model.p, key) == value
    if "steering" in preset:
        assert model.style.name == preset["steering"]
    model.step()
    model.step()
    assert model.steps == 2
    frame = model.metrics_frame()
    assert list(frame["step"]) == [1, 2]
    assert np.isfinite(frame["true_outcome"]).all()


def test_explicit_parameters_override_the_scenario():
    """A keyword given alongside a scenario wins over the scenario's own value."""
    model = GovernanceModel(preset="budget_cut", budget_cut=0.3, n_citizens=300, rng=0)
    assert model.p.budget_cut == 0.3
    model = GovernanceModel(preset="trust_reform", steering="experience_based",
                            n_citizens=300, rng=0)
    assert model.style.name == "experience_based"


def test_explicit_result_based_overrides_the_scenario_style():
    """An explicit steering='result_based' wins over a scenario's own style, as documented."""
    model = GovernanceModel(preset="trust_reform", steering="result_based",
                            n_citizens=300, rng=0)
    assert model.style.name == "result_based"
