"""Typed configuration schemas, registered with Hydra's ConfigStore in their own group.

Every YAML file under ``configs/`` names its schema in its defaults list
(``/schema/<group>/<name>@_here_``), so an unknown key or a wrong type fails at compose
time with the key's name. Ranges are checked by the same validators the Python API uses
(:class:`~sim.params.ModelParams`, :class:`~sim.policies.Levers`,
:class:`~sim.policies.ArenaSettings`), through :func:`build_run`.

Schemas are generated from the declarations (:mod:`sim.fields`) and the registry of style
classes (each style's :meth:`~sim.policies.SteeringStyle.parameters`, with its own
defaults), so the CLI, the YAML files and the Python API cannot drift apart; the YAML
files carry only what differs from these defaults. Groups: ``population`` (who lives
there and their needs), ``model`` (every other mechanism parameter), ``steering`` (one
schema per style).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import field, make_dataclass
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

from sim.fields import Parameter, parameters_of, python_type
from sim.params import ModelParams
from sim.policies import STYLES, ArenaSettings, SteeringStyle

#: ModelParams fields that describe the population and its needs; the rest are "model".
POPULATION_FIELDS = (
    "n_citizens", "n_domains", "citizens_per_professional", "n_politicians", "council_openness",
    "initial_trust", "initial_legitimacy", "civil_strength", "network_k", "network_p",
    "segregation",
    "need_sigma", "need_scale", "need_gradient_spread", "need_max",
    "need_threshold", "shock_per_step", "need_decline_per_step", "link_worsening_per_step",
)
MODEL_FIELDS = tuple(f.name for f in dataclasses.fields(ModelParams)
                     if f.name not in POPULATION_FIELDS)


def _schema_field(p: Parameter) -> tuple[str, Any, Any]:
    """A schema field for a declared parameter, with its default there."""
    if p.declaration.metadata["kind"] == "names":
        names = list(p.default)
        return p.name, python_type(p.declaration), field(default_factory=names.copy)
    return p.name, python_type(p.declaration), field(default=p.default)


def _params_schema(name: str, names: tuple[str, ...]) -> type:
    fields = [_schema_field(p) for p in parameters_of(ModelParams).values() if p.name in names]
    return make_dataclass(name, fields, module=__name__)


PopulationSchema = _params_schema("PopulationSchema", POPULATION_FIELDS)
ModelSchema = _params_schema("ModelSchema", MODEL_FIELDS)


@functools.cache
def style_schema(cls: type[SteeringStyle]) -> type:
    """The schema of one style class: ``name`` (each steering file sets it), then its parameters.

    Made once per class and named after the style (``co_creation`` -> ``CoCreationSchema``).
    """
    fields = [("name", str, field(default=MISSING))]
    fields += [_schema_field(p) for p in cls.parameters().values()]
    return make_dataclass(f"{cls.name.title().replace('_', '')}Schema", fields, module=__name__)


def style_schemas() -> dict[str, type]:
    """One schema per registered steering style, holding exactly that style's parameters.

    Each is also an attribute of this module (see :func:`__getattr__`), so configs holding
    them can be pickled (a sweep sends them to its workers).
    """
    return {name: style_schema(cls) for name, cls in STYLES.items()}


def __getattr__(name: str) -> type:
    """The style schemas by class name (``sim.runs.schema.ResultBasedSchema`` ...)."""
    for schema in style_schemas().values():
        if schema.__name__ == name:
            return schema
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: A scenario's ``arena`` node: every arena setting, unset (``None``) unless the scenario
#: or the command line sets it (``arena.handover=0.5``); checked by
#: :func:`sim.policies.arena_params` when a job is built.
ArenaSchema = make_dataclass(
    "ArenaSchema", [(p.name, python_type(p.declaration) | None, field(default=None))
                    for p in parameters_of(ArenaSettings).values()], module=__name__)


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
    #: a scenario's arena settings: applied to every style holding arenas, ignored by the rest
    arena: Any = field(default_factory=ArenaSchema)


def register() -> None:
    """Store every schema in the ``schema`` group of Hydra's ConfigStore."""
    cs = ConfigStore.instance()
    cs.store(group="schema", name="config", node=RootSchema)
    cs.store(group="schema/population", name="population", node=PopulationSchema)
    cs.store(group="schema/model", name="model", node=ModelSchema)
    for name, node in style_schemas().items():
        cs.store(group="schema/steering", name=name, node=node)


__all__ = ["MODEL_FIELDS", "POPULATION_FIELDS", "AnalysisSchema", "ModelSchema", "PopulationSchema",
           "RootSchema", "register", "style_schema", "style_schemas"]
