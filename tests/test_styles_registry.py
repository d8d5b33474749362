"""A style owns its parts: the registry of style classes, and a sixth style in one file.

Plots, jobs, schemas and the explorer read everything about a style from its class; the
classes are found in the modules of ``sim.policies`` (no hand-kept list), so a new style
is selectable by name, gets a schema, a colour and a label, and runs.
"""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import ClassVar

import pytest
from omegaconf import OmegaConf

import sim.policies
from sim import simulate
from sim.params import ModelParams
from sim.policies import STYLES, Levers, LeverStyle, SteeringStyle, make_style
from sim.reporting import plots
from sim.runs import jobs, schema
from sim.runs.schema import MODEL_FIELDS, POPULATION_FIELDS

ROOT = Path(__file__).resolve().parents[1]


def _classes_in_package() -> dict[str, type]:
    """Every style class with its own name, found by reading each module of sim.policies."""
    found = {}
    for info in pkgutil.iter_modules(sim.policies.__path__):
        module = importlib.import_module(f"sim.policies.{info.name}")
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, SteeringStyle) and obj.__dict__.get("name"):
                found[obj.name] = obj
    return found


def test_registry_holds_exactly_the_style_classes_of_the_package():
    """STYLES is every named style class in sim/policies, in menu order."""
    assert STYLES == _classes_in_package()
    assert list(STYLES) == ["result_based", "experience_based", "co_creation", "mixed", "switch"]


def test_each_style_declares_what_others_need():
    """Label, a distinct colour and line style, sliders among its parameters, a known rival."""
    colours = [cls.colour for cls in STYLES.values()]
    assert len(set(colours)) == len(colours)
    for name, cls in STYLES.items():
        assert cls.label and re.fullmatch(r"#[0-9A-Fa-f]{6}", cls.colour), name
        assert plots.colour(name) == cls.colour and plots.label(name) == cls.label
        assert plots.line_style(name) == cls.line_style
        assert set(cls.sliders) <= set(cls.parameters()), name
        assert cls.rival in STYLES and cls.rival != name
    assert plots.label("not_a_style") == "not_a_style"
    assert plots.colour("x", 2) == plots.CYCLE[2]


def test_each_schema_holds_exactly_the_style_s_parameters_and_pickles():
    """A style's schema has ``name`` and its parameters with its defaults; it pickles."""
    for name, cls in STYLES.items():
        node = OmegaConf.structured(schema.style_schemas()[name])
        parameters = cls.parameters()
        assert list(node) == ["name", *parameters]
        for key, p in parameters.items():
            value = node[key]
            value = tuple(value) if OmegaConf.is_list(value) else value
            assert value == p.default, (name, key)
        assert pickle.loads(pickle.dumps(node)) == node
        assert getattr(schema, schema.style_schemas()[name].__name__) is schema.style_schemas()[name]


def test_no_code_outside_policies_branches_on_a_style_name():
    """Comparisons with a style's name live only in sim/policies.

    The experiment analyses (sim/reporting/analysis) are exempt: the styles they contrast
    (``style_comparison``: co-creation minus experience-based) are their data.
    """
    names = "|".join(STYLES)
    branch = re.compile(rf"""(==|!=|\bin)\s*\(?\s*["']({names})["']""")
    offenders = []
    for path in (ROOT / "sim").rglob("*.py"):
        if "policies" in path.parts or "analysis" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if branch.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.fixture
def sixth_style():
    """A style defined here, registered by defining it, removed afterwards."""
    before = dict(STYLES)

    class CheckedSteering(LeverStyle):
        """A sixth style: result-based incentives with experience-based teams."""

        name: ClassVar[str] = "checked"
        label: ClassVar[str] = "checked"
        colour: ClassVar[str] = "#F0E442"
        line_style: ClassVar[str] = "-"
        sliders: ClassVar[tuple[str, ...]] = ("incentive", "team_cases")
        defaults: ClassVar[Levers] = Levers(incentive=0.6, team_cases=1.0)

    yield CheckedSteering
    STYLES.clear()
    STYLES.update(before)


def test_a_style_defined_anywhere_is_selectable_and_runs(sixth_style):
    """A new subclass is chosen by name, gets a schema, a colour and a label, and runs."""
    assert "checked" in STYLES and list(STYLES)[-1] == "checked"
    style = make_style("checked", {"audit": 0.2})
    assert style.levers(1) == Levers(incentive=0.6, team_cases=1.0, audit=0.2)
    node = OmegaConf.structured(schema.style_schemas()["checked"])
    assert node.incentive == 0.6 and node.team_cases == 1.0
    assert plots.colour("checked") == "#F0E442" and plots.label("checked") == "checked"
    defaults = ModelParams()
    cfg = {"steering": {**OmegaConf.to_container(node), "name": "checked"},
           "population": {k: getattr(defaults, k) for k in POPULATION_FIELDS},
           "model": {k: getattr(defaults, k) for k in MODEL_FIELDS}}
    kwargs = jobs.model_kwargs(cfg)
    assert kwargs["steering"] == "checked"
    frame = simulate(steps=3, seed=1, **{**kwargs, "n_citizens": 200})
    assert len(frame) == 3
    from sim.explore.app import model_params
    from sim.explore.runs import ExplorerModel, contrast_style, style_keys

    assert style_keys("checked") == ("incentive", "team_cases")
    assert contrast_style("checked") == "result_based"
    explorer = ExplorerModel(style_a="checked", team_cases=0.4, n_citizens=200)
    assert explorer.style_b == "result_based"
    assert explorer.settings()["team_cases"] == pytest.approx(0.4)
    slider = model_params(explorer)["team_cases"]
    assert (slider["min"], slider["max"], slider["value"]) == (0.0, 1.0, 0.4)


@pytest.mark.slow
def test_a_style_in_a_new_module_of_the_package_is_discovered(tmp_path):
    """A new file among the policies modules is found by discovery, with nothing else edited."""
    (tmp_path / "frontline.py").write_text(textwrap.dedent('''
        """A sixth style in its own module."""
        from typing import ClassVar

        from sim.policies.base import Levers, LeverStyle


        class FrontlineSteering(LeverStyle):
            """Experience-based levers without teams."""

            name: ClassVar[str] = "frontline"
            label: ClassVar[str] = "frontline"
            colour: ClassVar[str] = "#000000"
            defaults: ClassVar[Levers] = Levers(learn_from_frontline=1.0)
        '''))
    script = textwrap.dedent(f'''
        import sim.policies as policies
        policies.__path__.append({str(tmp_path)!r})
        policies.discover()
        from sim import simulate
        from sim.reporting.plots import colour, label
        from sim.runs.schema import style_schemas
        assert "frontline" in policies.STYLES, list(policies.STYLES)
        assert policies.make_style("frontline").levers(1).learn_from_frontline == 1.0
        assert "FrontlineSchema" == style_schemas()["frontline"].__name__
        assert (colour("frontline"), label("frontline")) == ("#000000", "frontline")
        assert len(simulate(steering="frontline", steps=3, seed=0, n_citizens=200)) == 3
        print("ok")
        ''')
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, check=False, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_a_second_class_with_a_taken_name_is_refused():
    """Two classes may not claim one name (the registry would silently pick one)."""
    with pytest.raises(ValueError, match=r"^name: style 'mixed' is already "):
        type("OtherMixed", (LeverStyle,), {"name": "mixed", "__module__": __name__})
    assert STYLES["mixed"].__module__ == "sim.policies.mixed"
