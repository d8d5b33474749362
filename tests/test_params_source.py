"""A value lives in one place: the declarations (``sim/params.py``, ``sim/policies``).

The YAML group files carry only differences from the declared defaults; the CLI's
composed config and the Python API give the same parameters for every group file; the
docs tables are generated from the declarations; the sensitivity ranges and the
explorer's sliders lie inside the declared ranges; and one validator names the key of
every bad value.
"""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import pytest
import yaml
from hydra import compose, initialize_config_module
from omegaconf import OmegaConf

from sim.docs import stale_tables, tables, write_tables
from sim.fields import declared, describe
from sim.params import ModelParams
from sim.policies import STYLES, ArenaSettings, Levers, MixedSteering, SwitchSteering, make_style
from sim.runs import jobs
from sim.runs.schema import register

CONFIGS = Path(__file__).resolve().parents[1] / "sim" / "configs"
GROUPS = ("model", "population", "steering")
GROUP_FILES = [(group, path.stem) for group in GROUPS
               for path in sorted((CONFIGS / group).glob("*.yaml"))]

register()


def _values(group: str, name: str) -> dict:
    """The values a group file sets (without its defaults list)."""
    data = yaml.safe_load((CONFIGS / group / f"{name}.yaml").read_text()) or {}
    return {k: v for k, v in data.items() if k != "defaults"}


def _compose(overrides: list[str]) -> dict:
    with initialize_config_module(config_module="sim.configs", version_base="1.3"):
        return OmegaConf.to_container(compose(config_name="config", overrides=overrides),
                                      resolve=True)


def _declared_default(group: str, file: str, key: str):
    if group == "steering":
        return STYLES[file].parameters()[key].default
    return declared(ModelParams)[key].default


@pytest.mark.parametrize(("group", "name"), GROUP_FILES)
def test_group_files_hold_only_differences_from_the_declarations(group, name):
    """No value in a model, population or steering file repeats its declared default."""
    values = _values(group, name)
    if group == "steering":
        assert values.pop("name") == name  # the schema leaves the name to the file
    for key, value in values.items():
        default = _declared_default(group, name, key)
        default = list(default) if isinstance(default, tuple) else default
        assert value != default, f"{group}/{name}.yaml: {key}: {value!r} copies the default"


@pytest.mark.parametrize(("group", "name"), GROUP_FILES)
def test_cli_and_python_api_give_the_same_parameters(group, name):
    """The composed config of every group file gives what the Python API gives for it."""
    kwargs = jobs.model_kwargs(_compose([f"{group}={name}"]))
    style, style_params = kwargs.pop("steering"), kwargs.pop("steering_params")
    diffs = _values(group, name)
    model_diffs = diffs if group != "steering" else {}
    assert dataclasses.asdict(ModelParams.from_dict(kwargs)) == dataclasses.asdict(
        ModelParams(**model_diffs))
    if group == "steering":
        diffs.pop("name")
        assert style == name
        cls = STYLES[name]
        expected = {p.name: p.default for p in cls.parameters().values()}
        expected.update({k: tuple(v) if isinstance(v, list) else v for k, v in diffs.items()})
        assert style_params == expected
        assert make_style(style, style_params).describe() == make_style(name, diffs).describe()
    else:
        assert style == "result_based"
        assert make_style(style, style_params).describe() == make_style(style).describe()


def test_a_list_from_the_command_line_becomes_a_tuple():
    """``steering.domains=[school,health]`` reaches the style as a tuple, as in Python."""
    kwargs = jobs.model_kwargs(_compose(["steering=co_creation", "steering.domains=[school,health]"]))
    assert kwargs["steering_params"]["domains"] == ("school", "health")
    style = make_style(kwargs["steering"], kwargs["steering_params"])
    assert style.arena(1) == ArenaSettings(domains=("school", "health"))


@pytest.mark.parametrize("style", ["co_creation", "experience_based", "result_based"])
def test_a_scenario_arena_reaches_the_styles_holding_arenas_on_both_paths(style):
    """``captured_arena``'s arena settings reach co-creation; styles without arenas ignore them.

    The CLI (a composed config) and the Python API (``preset=``) build the same style.
    """
    from sim import GovernanceModel

    kwargs = jobs.model_kwargs(_compose(["scenario=captured_arena", f"steering={style}"]))
    cli = make_style(kwargs["steering"], kwargs["steering_params"])
    api = GovernanceModel(preset="captured_arena", steering=style, n_citizens=200, rng=0).style
    assert cli.describe() == api.describe()
    if style == "co_creation":
        expected = ArenaSettings(handover=0.3, envelope=0.05, facilitation=0.5,
                                 decision_rule="majority", power_imbalance=0.8, transparency=0.8)
        assert cli.arena(1) == api.arena(1) == expected
    else:
        assert cli.describe() == make_style(style).describe() and cli.arena(1) is None


def test_a_deliberate_steering_value_beats_the_scenario_arena():
    """``steering.facilitation=0.9`` wins over the scenario's 0.5, as ``steering_params`` do."""
    from sim import GovernanceModel

    kwargs = jobs.model_kwargs(_compose(["scenario=captured_arena", "steering=co_creation",
                                         "steering.facilitation=0.9", "arena.handover=0.6"]))
    settings = make_style(kwargs["steering"], kwargs["steering_params"]).arena(1)
    assert (settings.facilitation, settings.handover, settings.power_imbalance) == (0.9, 0.6, 0.8)
    api = GovernanceModel(preset="captured_arena", steering="co_creation", n_citizens=200, rng=0,
                          steering_params={"facilitation": 0.9}).style.arena(1)
    assert (api.facilitation, api.handover) == (0.9, 0.3)


def test_docs_tables_are_the_generated_ones():
    """The tables of docs/model.md are what the declarations generate (else: --table)."""
    assert stale_tables() == [], "run: python -m sim.docs --table"


def test_a_stale_docs_table_is_found_and_rewritten(tmp_path):
    """A table edited by hand is reported stale, and rewriting restores it."""
    docs = tmp_path / "model.md"
    original = (Path(__file__).resolve().parents[1] / "docs" / "model.md").read_text()
    row = "| `need_max` | 10 |"
    assert row in original
    docs.write_text(original.replace(row, "| `need_max` | 12 |"))
    assert stale_tables(docs) == ["parameters"]
    write_tables(docs)
    assert stale_tables(docs) == []
    assert docs.read_text() == original
    assert set(tables()) == {"parameters", "levers", "arena-settings", "style-parameters"}


def _sensitivity_problem() -> dict:
    data = yaml.safe_load((CONFIGS / "experiment" / "sensitivity.yaml").read_text())
    return data["hydra"]["sweeper"]["problem"]


def test_sensitivity_ranges_lie_inside_the_declared_bounds():
    """Every range the sensitivity analysis samples narrows its key's declared range."""
    problem = _sensitivity_problem()
    assert problem
    for key, spec in problem.items():
        group, name = key.split(".", 1)
        low, high = spec["bounds"] if isinstance(spec, dict) else spec
        if group == "steering":
            styles = [spec["only"]] if isinstance(spec, dict) and "only" in spec else list(STYLES)
            found = [STYLES[s].parameters()[name].declaration for s in styles
                     if name in STYLES[s].parameters()]
        else:
            found = [declared(ModelParams)[name]]
        assert found, key
        for f in found:
            top = math.inf if f.metadata["high"] is None else f.metadata["high"]
            assert f.metadata["low"] <= low < high <= top, (key, (low, high), describe(f))


def test_explorer_sliders_take_the_declared_ranges():
    """Each slider spans its setting's declared range unless narrowed on purpose (inside it)."""
    from sim.explore.app import NARROWED, slider_range
    from sim.explore.runs import TOWN_KEYS

    for style, cls in STYLES.items():
        parameters = {**{p: f for p, f in declared(ModelParams).items()},
                      **{p.name: p.declaration for p in cls.parameters().values()}}
        for key in (*cls.sliders, *TOWN_KEYS):
            f = parameters[key]
            low, high = slider_range(style, key)
            if key in NARROWED:
                assert f.metadata["low"] <= low < high <= f.metadata["high"], key
            else:
                assert (low, high) == (f.metadata["low"], f.metadata["high"]), (style, key)


def _bad_value(f: dataclasses.Field):
    """A value the declaration ``f`` does not allow."""
    m = f.metadata
    if m["kind"] == "number":
        return m["low"] - 1 if m["high"] is None else m["high"] + 1
    if m["kind"] == "choice":
        return "no such option"
    if m["kind"] == "flag":
        return "yes"
    return "not a list"


DECLARED = ([(ModelParams, n) for n in declared(ModelParams)]
            + [(Levers, n) for n in declared(Levers)]
            + [(ArenaSettings, n) for n in declared(ArenaSettings)])


@pytest.mark.parametrize(("cls", "key"), DECLARED, ids=[f"{c.__name__}.{k}" for c, k in DECLARED])
def test_every_bad_value_names_its_key_and_what_is_allowed(cls, key):
    """One validator: a bad value of any declared parameter says the key and its range."""
    f = declared(cls)[key]
    bad = _bad_value(f)
    with pytest.raises(ValueError) as info:
        cls(**{key: bad})
    assert str(info.value) == f"{key}: must be {describe(f)}, got {bad!r}"


@pytest.mark.parametrize(("make", "key", "bad", "allowed"), [
    (MixedSteering, "weight", 1.5, "a number in [0, 1]"),
    (SwitchSteering, "at_step", 0, "an integer >= 1"),
    (MixedSteering, "first", "no_style", "one of 'result_based'"),
    (SwitchSteering, "second", 3, "one of 'result_based'"),
])
def test_composite_parameters_use_the_same_validator(make, key, bad, allowed):
    """The composite styles' parameters fail with the message every declaration gives."""
    pattern = rf"^{key}: must be {re.escape(allowed)}.*, got {re.escape(repr(bad))}$"
    with pytest.raises(ValueError, match=pattern):
        make(**{key: bad})
