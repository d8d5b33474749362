"""Typed configuration schemas, registered with Hydra's ConfigStore in their own group.

Every YAML file under ``configs/`` names its schema in its defaults list
(``/schema/<group>/<name>@_here_``), so an unknown key or a wrong type fails at compose
time with the key's name. Ranges are checked by the same validators the Python API uses
(:class:`~sim.params.ModelParams`, :class:`~sim.policies.Levers`,
:class:`~sim.policies.ArenaSettings`), through :func:`build_run`.

Schemas are generated from those classes, so the CLI, the YAML files and the Python API
cannot drift apart. Groups: ``population`` (who lives there and their needs), ``model``
(every other mechanism parameter), ``steering`` (one schema per style).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import field, make_dataclass
from typing import Any

from hydra.core.config_store import ConfigStore

from sim.params import ModelParams
from sim.policies import ArenaSettings, Levers

#: ModelParams fields that describe the population and its needs; the rest are "model".
POPULATION_FIELDS = (
    "n_citizens", "n_domains", "citizens_per_professional", "n_politicians", "council_openness",
    "initial_trust", "network_k", "network_p", "need_sigma", "need_scale", "need_max",
    "need_threshold", "shock_per_step", "need_decline_per_step", "link_worsening_per_step",
)
MODEL_FIELDS = tuple(f.name for f in dataclasses.fields(ModelParams)
                     if f.name not in POPULATION_FIELDS)
_TYPES = {"int": int, "float": float, "bool": bool, "str": str}


def _params_schema(name: str, names: tuple[str, ...]) -> type:
    defaults = ModelParams()
    fields = [(f.name, _TYPES[f.type], field(default=getattr(defaults, f.name)))
              for f in dataclasses.fields(ModelParams) if f.name in names]
    return make_dataclass(name, fields)


PopulationSchema = _params_schema("PopulationSchema", POPULATION_FIELDS)
ModelSchema = _params_schema("ModelSchema", MODEL_FIELDS)


def _lever_fields(defaults: Levers) -> list[tuple[str, type, Any]]:
    return [(f.name, _TYPES[f.type], field(default=getattr(defaults, f.name)))
            for f in dataclasses.fields(Levers)]


def _style_schema(style: str, extra: list[tuple[str, Any, Any]] | None = None,
                  levers: Levers | None = None) -> type:
    fields = [("name", str, field(default=style))]
    if levers is not None:
        fields += _lever_fields(levers)
    fields += extra or []
    return make_dataclass(f"{style.title().replace('_', '')}Schema", fields)


def _arena_fields() -> list[tuple[str, Any, Any]]:
    out = []
    for f in dataclasses.fields(ArenaSettings):
        default = getattr(ArenaSettings(), f.name)
        if f.name == "domains":
            out.append((f.name, list[str], field(default_factory=list)))
        else:
            out.append((f.name, _TYPES[f.type], field(default=default)))
    return out


@functools.cache
def style_schemas() -> dict[str, type]:
    """One schema per steering style, holding exactly that style's parameters.

    Made once; each is also an attribute of this module (see :func:`__getattr__`), so
    configs holding them can be pickled (a sweep sends them to its workers).
    """
    from sim.policies import CoCreationSteering, ExperienceBasedSteering, ResultBasedSteering

    return {
        "result_based": _style_schema("result_based", levers=ResultBasedSteering.defaults),
        "experience_based": _style_schema("experience_based",
                                          levers=ExperienceBasedSteering.defaults),
        "co_creation": _style_schema("co_creation", levers=CoCreationSteering.defaults,
                                     extra=_arena_fields()),
        "mixed": _style_schema("mixed", extra=[
            ("weight", float, field(default=0.5)),
            ("first", str, field(default="result_based")),
            ("second", str, field(default="experience_based"))]),
        "switch": _style_schema("switch", extra=[
            ("at_step", int, field(default=25)),
            ("first", str, field(default="result_based")),
            ("second", str, field(default="experience_based"))]),
    }


def __getattr__(name: str) -> type:
    """The style schemas by class name (``sim.runs.schema.ResultBasedSchema`` ...)."""
    for schema in style_schemas().values():
        if schema.__name__ == name:
            return schema
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclasses.dataclass
class AnalysisSchema:
    """What an experiment asks and which figures answer it (read by its analysis and report).

    ``name`` selects the analysis in :data:`sim.reporting.analysis.ANALYSES`; empty for a plain sweep,
    which gets the generic analysis (the main metrics by every swept key).
    """

    name: str = ""
    question: str = ""
    figures: list[str] = field(default_factory=list)
    #: overrides that shrink the experiment to a tiny run (documented and tested as given)
    tiny: list[str] = field(default_factory=list)


@dataclasses.dataclass
class RootSchema:
    """Top-level keys of a run: the seed, the horizon and the replicates of a job."""

    seed: int = 0
    steps: int = 60
    replicates: int = 10
    description: str = ""
    figure: bool = True
    analysis: AnalysisSchema = field(default_factory=AnalysisSchema)
    population: Any = None
    model: Any = None
    steering: Any = None


def register() -> None:
    """Store every schema in the ``schema`` group of Hydra's ConfigStore."""
    cs = ConfigStore.instance()
    cs.store(group="schema", name="config", node=RootSchema)
    cs.store(group="schema/population", name="population", node=PopulationSchema)
    cs.store(group="schema/model", name="model", node=ModelSchema)
    for name, node in style_schemas().items():
        cs.store(group="schema/steering", name=name, node=node)


__all__ = ["MODEL_FIELDS", "POPULATION_FIELDS", "AnalysisSchema", "ModelSchema", "PopulationSchema",
           "RootSchema", "register", "style_schemas"]
