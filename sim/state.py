"""Declared state: every array and scalar the model owns, once per entity (MODEL.md §2).

Starsim's ``define_states``, locked. Each entity's state is a dataclass whose fields carry
a dtype, a shape in words and a one-line meaning (:func:`~sim.declared.state`):

* :class:`CitizenState` and :class:`ProfessionalState` are the per-person arrays, one row
  per citizen or professional (``model.citizens``, ``model.professionals``); they have
  slots, so setting an undeclared attribute raises ``AttributeError``;
* the model's own state is declared in groups, one per entity (:class:`StructureState`,
  :class:`UnitState`, :class:`CouncilState`, :class:`ArenaState`, :class:`CaseState`,
  :class:`CitizenTerms`, :class:`BudgetState`, :class:`MeasurementState`) and
  :class:`ModelState` joins them over :class:`mesa.Model`. After build the model is
  locked (:meth:`ModelState.lock_state`): setting an attribute that is neither declared
  here, nor Mesa's own (:data:`MESA_ATTRIBUTES`), nor defined on the class raises.

Mechanisms and agents annotate against :class:`ModelState`, so nothing below
:mod:`sim.model` imports it. Shapes name these dimensions: ``n_citizens``,
``n_domains``, ``n_professionals``, ``n_politicians``, ``n_time_uses``
(:data:`TIME_USES`), ``months`` (:data:`~sim.calendar.MONTHS_PER_YEAR`) and variable
lengths (``n_open`` open cases, ``n_active`` citizens with an open case, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np
import scipy.sparse as sp

from sim.calendar import MONTHS_PER_YEAR
from sim.declared import Declared, Locked, check_value, declared_fields, state

if TYPE_CHECKING:
    from sim.params import ModelParams
    from sim.policies import ArenaSettings, Levers, SteeringStyle
    from sim.streams import Streams

#: Index of time uses in professionals' time arrays.
OUTPUT, QUALITY, COORDINATION, GAMING, SUPPORT, DOCUMENTATION = range(6)
#: Names of the time uses, in index order (the columns of ``ProfessionalState.time``).
TIME_USES = ("output", "quality", "coordination", "gaming", "support", "documentation")

#: Attributes that :class:`mesa.Model` itself sets on a model (Mesa 3.5), plus the
#: ``datacollector`` Mesa's DataCollector convention expects; allowed on a locked model.
MESA_ATTRIBUTES = frozenset({
    "_agents_by_type", "_all_agents", "_batch_context", "_default_schedule",
    "_event_generators", "_event_list", "_rng", "_scenario", "_seed", "_simulator",
    "_suppress", "_time", "_user_step", "agent_id_counter", "data_registry", "random",
    "rng", "running", "step", "steps", "subscribers", "time", "datacollector",
})

def declarations(cls: type) -> dict[str, Declared]:
    """Return ``{name: declaration}`` of a state dataclass (or of :class:`ModelState`)."""
    if cls is ModelState or (isinstance(cls, type) and issubclass(cls, ModelState)):
        return dict(MODEL_DECLARATIONS)
    return declared_fields(cls)


# --------------------------------------------------------------------------- people
@dataclass(slots=True, eq=False)
class CitizenState(Locked):
    """Citizens' state, one row per citizen (MODEL.md §2)."""

    frailty: np.ndarray = state("float64", "(n_citizens, n_domains)",
                                "heavy-tailed frailty per domain: scales initial needs and new shocks")
    need: np.ndarray = state("float64", "(n_citizens, n_domains)", "need per domain, >= 0")
    wellbeing: np.ndarray = state("float64", "(n_citizens,)", "true outcome, 0-1, hidden from KPIs")
    trust: np.ndarray = state("float64", "(n_citizens,)", "trust in the municipality, 0-1")
    civil_base: np.ndarray = state("float64", "(n_citizens,)",
                                   "local civil capacity of the neighbourhood (fixed)")
    civil_capacity: np.ndarray = state(
        "float64", "(n_citizens,)",
        "civil capacity around the citizen now: family, networks, associations, volunteers")
    legitimacy: np.ndarray = state(
        "float64", "(n_citizens,)",
        "belief that the municipality's decisions are rightful (procedural and distributive), 0-1")
    heard: np.ndarray = state(
        "float64", "(n_citizens,)",
        "how far the citizen has seen priorities set with citizens like them (arenas), 0-1")
    expectation: np.ndarray = state("float64", "(n_citizens,)",
                                    "expected performance (expectancy-disconfirmation)")
    satisfaction: np.ndarray = state("float64", "(n_citizens,)", "satisfaction this month")
    resources: np.ndarray = state("float64", "(n_citizens,)", "socio-economic resources, 0-1")
    self_efficacy: np.ndarray = state("float64", "(n_citizens,)", "capacity to co-produce, 0-1")
    coproduction: np.ndarray = state("float64", "(n_citizens,)", "co-production input, 0-1")
    voice: np.ndarray = state("float64", "(n_citizens,)", "propensity to take part, 0-1")
    preference: np.ndarray = state(
        "float64", "(n_citizens, n_domains)",
        "preferred budget shares (rows sum to 1): what citizens want; read by the council "
        "(constituencies, challengers' priorities; MODEL.md §10.5)")
    substitutes: np.ndarray = state("bool", "(n_citizens,)",
                                    "sees public input as a substitute for own effort")
    team_draw: np.ndarray = state("float64", "(n_citizens,)",
                                  "fixed uniform draw: in a team when below team_cases")
    assigned: np.ndarray = state("int32", "(n_citizens, n_domains)",
                                 "professional holding each domain case (n_professionals: none)")
    coordinator: np.ndarray = state("int32", "(n_citizens,)",
                                    "team coordinator (n_professionals: none)")
    info: np.ndarray = state("float64", "(n_citizens, n_domains)",
                             "share of case knowledge that survived handoffs, 0-1")
    ended_by_month: np.ndarray = state("uint8", "(months, n_citizens)",
                                       "caseworker relations ended, per month of the window")
    ended_now: np.ndarray = state("uint8", "(n_citizens,)", "relations ended this month")
    ended_window: np.ndarray = state("int32", "(n_citizens,)",
                                     "relations ended in the rolling 12 months")
    caseworkers: np.ndarray = state("int64", "(n_citizens,)",
                                    "distinct caseworkers met, rolling 12 months")
    plans: np.ndarray = state("float64", "(n_citizens,)", "open plans")
    in_team: np.ndarray = state("bool", "(n_citizens,)", "handled by an interprofessional team")
    neighbours: sp.csr_matrix = state("float64", "(n_citizens, n_citizens)",
                                      "row-normalised small-world adjacency (word of mouth)")


@dataclass(slots=True, eq=False)
class ProfessionalState(Locked):
    """Professionals' state, one row per professional, sorted by domain (MODEL.md §2)."""

    domain: np.ndarray = state("int64", "(n_professionals,)", "index of the domain (the silo)")
    skill: np.ndarray = state(
        "float64", "(n_professionals, n_domains)",
        "skill per domain (own 1, others lower); read by no mechanism yet, kept for "
        "MODEL.md §2 and the agent view")
    intrinsic_motivation: np.ndarray = state("float64", "(n_professionals,)", "0-1")
    public_service_motivation: np.ndarray = state("float64", "(n_professionals,)", "0-1")
    perceived_control: np.ndarray = state("float64", "(n_professionals,)",
                                          "steering perceived as controlling, 0-1")
    gaming_propensity: np.ndarray = state("float64", "(n_professionals,)",
                                          "propensity to game, after sanctions (knaves high)")
    gaming_base: np.ndarray = state("float64", "(n_professionals,)",
                                    "own gaming propensity that sanctions wear off toward")
    practice: np.ndarray = state("float64", "(n_professionals,)", "own quality orientation, 0-1")
    burnout: np.ndarray = state("float64", "(n_professionals,)", "0-1")
    time: np.ndarray = state("float64", "(n_professionals, n_time_uses)",
                             "time shares by use (columns: TIME_USES)")
    workload: np.ndarray = state("float64", "(n_professionals,)", "open need in the caseload")


# ------------------------------------------------------------- the model's entities
@dataclass(init=False, repr=False, eq=False)
class StructureState:
    """Inputs and fixed structure: parameters, style, streams, domains and their links."""

    p: ModelParams = state("ModelParams", "()", "the run's parameters")
    preset: str | None = state("str", "()", "the named preset the run started from (None: none)",
                               optional=True)
    style: SteeringStyle = state("SteeringStyle", "()", "the steering style object")
    seed: int = state("int", "()", "the run's seed")
    streams: Streams = state("Streams", "()", "named random streams from the seed")
    levers: Levers = state("Levers", "()", "levers in force (blended toward the style's)")
    domain_names: list[str] = state("list", "(n_domains,)", "names of the domains")
    links: np.ndarray = state("float64", "(n_domains, n_domains)", "0/1 linked domains")
    link_list: np.ndarray = state("int64", "(n_domains, max_degree)",
                                  "linked domains per domain, padded with itself")
    link_weight: np.ndarray = state("float64", "(n_domains, max_degree)",
                                    "1 for a real link in link_list, 0 for padding")
    n_professionals: int = state("int", "()", "number of professionals")
    domain_count: np.ndarray = state("int64", "(n_domains,)", "professionals per domain")
    domain_start: np.ndarray = state("int64", "(n_domains + 1,)",
                                     "first professional row of each domain, then the total")
    ones_domains: np.ndarray = state("float64", "(n_domains,)", "ones (sums over domains)")
    citizens: CitizenState = state("CitizenState", "()", "citizens' arrays")
    professionals: ProfessionalState = state("ProfessionalState", "()", "professionals' arrays")


@dataclass(init=False, repr=False, eq=False)
class UnitState:
    """Domain units and their leaders: code, targets, KPIs, capacity and budget shares."""

    code: np.ndarray = state("float64", "(n_domains,)",
                             "leader's code: expected share of effort on quality (March 1991)")
    targets: np.ndarray = state("float64", "(n_domains,)", "ratcheted throughput target")
    kpi_units: np.ndarray = state("float64", "(n_domains,)", "reported KPI this month, 0-1")
    throughput_attainment: np.ndarray = state("float64", "(n_domains,)",
                                              "true throughput against target, 0-1")
    kpi_history: np.ndarray = state("float64", "(months, n_domains)",
                                    "reported KPIs of the last 12 months (NaN: not yet)")
    outcome_history: np.ndarray = state("float64", "(months, n_domains)",
                                        "clients' mean wellbeing, last 12 months (NaN: not yet)")
    unit_outcome: np.ndarray = state("float64", "(n_domains,)",
                                     "clients' mean wellbeing this month (NaN before the first)")
    capacity: np.ndarray = state("float64", "(n_domains,)",
                                 "share of staff hours the budget pays, 0-1")
    ration: np.ndarray = state("float64", "(n_domains,)",
                               "service level the budget buys per unit of demand (1: standard)")
    budget_shares: np.ndarray = state("float64", "(n_domains,)", "budget share per domain")
    staff_cost: np.ndarray = state("float64", "(n_domains,)", "monthly wage bill per domain")
    unit_cost: float = state("float", "()", "service cost per unit of open need")
    workload_norm: float = state("float", "()", "initial open need per professional")
    domain_workload: np.ndarray = state("float64", "(n_domains,)",
                                        "open need held per domain (>= 1e-9)")
    handed: np.ndarray = state("float64", "(n_domains,)",
                               "share of each domain's task handed to civil society, 0-1")
    outreach: np.ndarray = state("float64", "(n_domains,)",
                                 "share of latent need the budget pays to find this month, 0-1")


@dataclass(init=False, repr=False, eq=False)
class CouncilState:
    """The council: politicians' priorities, power, pressure and openness, one row per seat.

    A seat's row is taken over by a challenger who wins it at an election (MODEL.md §10.5).
    """

    politician_priorities: np.ndarray = state(
        "float64", "(n_politicians, n_domains)",
        "preferred budget share per domain (rows sum to 1); moves yearly toward the goals")
    politician_power: np.ndarray = state("float64", "(n_politicians,)",
                                         "formal power, 0-1; moves at elections")
    politician_pressure: np.ndarray = state("float64", "(n_politicians,)",
                                            "electoral pressure: weight on visible KPIs, 0-1")
    politician_openness: np.ndarray = state(
        "float64", "(n_politicians,)",
        "willingness to share agenda power, 0-1; moves after arenas and at elections")
    electoral_pressure: float = state("float", "()", "the council's mean electoral pressure")
    council_turnover: int = state("int", "()", "seats changed hands at elections (cumulative)")
    council_arena_cycle: int = state("int", "()",
                                     "arena cycles the council has learned from (arena_cycle "
                                     "when up to date)")


@dataclass(init=False, repr=False, eq=False)
class ArenaState:
    """Co-creation arenas: frame, settings now, running record and metrics."""

    arena_frame: np.ndarray | None = state("bool", "(n_domains,)", "domains inside the frame",
                                    optional=True)
    arena_now: ArenaSettings | None = state("ArenaSettings", "()",
                                     "settings of an arena running this month", optional=True)
    arena_overrides: int = state("int", "()", "recommendations overridden (cumulative)")
    arena_decisions: int = state("int", "()",
                                 "decisions put to ratification, overridden or not (cumulative)")
    arena_programme: float = state("float", "()",
                                   "arena-funded co-production support per citizen")
    arena_record: dict | None = state("dict", "()", "details of the latest arena cycle", optional=True)
    arena_recommendation: np.ndarray | None = state("float64", "(n_domains,)",
                                             "latest implemented budget shares", optional=True)
    arena_outreach: float = state("float", "()",
                                  "share of the framed budget an arena earmarked for outreach")
    arena_joined: np.ndarray = state("bool", "(n_domains,)",
                                     "domains whose professions an implemented decision joined "
                                     "into cross-domain teams")
    arena_teams: float = state("float", "()",
                               "share of citizens with cases in two or more joined domains "
                               "that arena teams take (the latest implemented decision's)")
    arena_panel: np.ndarray = state("int64", "(n_panel,)", "citizens on the standing panel")
    arena_cycle: int = state("int", "()", "arena cycles run")
    arena_metrics: dict = state("dict", "()", "arena metrics, carried between arenas")


@dataclass(init=False, repr=False, eq=False)
class CaseState:
    """Case bookkeeping: the compact list of open cases and per-citizen counts."""

    open_idx: np.ndarray = state("int64", "(n_open,)", "open cases as flat cells, sorted")
    open_rows: np.ndarray = state("int64", "(n_open,)", "citizen of each open case")
    open_cols: np.ndarray = state("int64", "(n_open,)", "domain of each open case")
    open_need: np.ndarray = state("float64", "(n_open,)", "need of each open case")
    open_prof: np.ndarray = state("int32", "(n_open,)", "professional holding each open case")
    open_count: np.ndarray = state("int64", "(n_citizens,)", "open cases per citizen")
    latent_idx: np.ndarray = state("int64", "(n_latent,)",
                                   "cells above the need threshold that are not a case, sorted")
    latent_need: np.ndarray = state("float64", "(n_domains,)", "latent need per domain")
    complaint_time: np.ndarray = state("float64", "(n_professionals,)",
                                       "time share taken by complaints this month")
    complaints: float = state("float", "()", "expected complaints this month per 1,000 citizens")
    complexity: np.ndarray = state("int64", "(n_citizens,)",
                                   "open cases above the need threshold per citizen")
    active_rows: np.ndarray = state("int64", "(n_active,)", "citizens with an open case, sorted")
    row_pos: np.ndarray = state("int64", "(n_citizens,)", "position of a citizen in active_rows")
    touched_cells: np.ndarray = state("int64", "(n_touched,)",
                                      "cells shocked or spilled into this month")
    team_share: np.ndarray = state("float64", "(n_professionals,)",
                                   "share of a professional's workload in teams")
    client_gain: np.ndarray = state("float64", "(n_professionals,)",
                                    "need resolved this month per professional")
    client_outcome: np.ndarray = state("float64", "(n_professionals,)",
                                       "need resolved per workload (quarterly signal)")


@dataclass(init=False, repr=False, eq=False)
class CitizenTerms:
    """Fixed per-citizen terms, cached at build (resources never change)."""

    sqrt_resources: np.ndarray = state("float64", "(n_citizens,)", "sqrt(resources)")
    voice_resources: np.ndarray = state("float64", "(n_citizens,)",
                                     "the resources term of voice: VOICE_RESOURCE_WEIGHT x resources")
    mean_resources: float = state("float", "()", "mean resources")
    equity_weights: np.ndarray = state("float64", "(n_citizens,)",
                                       "top-quintile mean minus bottom-quintile mean weights")
    bottom_weights: np.ndarray = state("float64", "(n_citizens,)",
                                       "bottom resource quintile mean weights")
    civil_load: np.ndarray = state("float64", "(n_citizens,)",
                                   "need civil society resolved for the citizen this month")
    resource_quintile: np.ndarray = state("int64", "(n_citizens,)",
                                          "resource quintile, 0 (lowest) to 4")
    take_up_cache: dict = state("dict", "()", "support take-up weights per targeting level")
    public_input: np.ndarray = state("float64", "(n_citizens,)",
                                     "summed resolved share of a citizen's cases this month")


@dataclass(init=False, repr=False, eq=False)
class BudgetState:
    """The municipality's budget and spending bookkeeping."""

    base_budget_month: float = state("float", "()", "monthly budget before any cut")
    budget_frame: float = state("float", "()", "monthly budget frame: the base budget after any cut")
    budget_month: float = state("float", "()", "monthly budget: the frame, or less where the "
                                "quarterly follow-up returned what the domains could not use, "
                                "net of the money that went with tasks handed to civil society")
    budget_ceiling: float = state("float", "()", "what the domains could use at the last "
                                  "quarterly follow-up (infinite before the first)")
    spending: float = state("float", "()", "spending this month")
    civil_resolved: float = state("float", "()", "need resolved by civil society this month")
    outreach_spending: float = state("float", "()", "spending on finding latent need this month")
    resolved_total: float = state("float", "()", "need resolved this month")


@dataclass(init=False, repr=False, eq=False)
class MeasurementState:
    """Measured signals and the metrics collected each step."""

    survey: float = state("float", "()", "survey share doing well (NaN before the first)")
    bunching: float = state("float", "()", "share finished in the last window (P3)")
    school_factor: float = state("float", "()", "inclusion effect on school production")
    metrics: dict = state("dict", "()", "the metrics of the latest step (MODEL.md §6)")


#: The model's state groups, one per entity, in the order they are built.
MODEL_GROUPS: tuple[type, ...] = (StructureState, UnitState, CouncilState, ArenaState,
                                  CaseState, CitizenTerms, BudgetState, MeasurementState)

#: Every declared model-level field and its declaration.
MODEL_DECLARATIONS: dict[str, Declared] = {
    name: decl for group in MODEL_GROUPS for name, decl in declared_fields(group).items()}


def _on_class(cls: type, name: str) -> bool:
    """Whether ``name`` is defined on ``cls`` or a base (a method, property or descriptor)."""
    return any(name in vars(base) for base in cls.__mro__)


class StateError(AttributeError):
    """An undeclared attribute, or a declared one missing or of the wrong dtype/shape."""


class ModelState(StructureState, UnitState, CouncilState, ArenaState, CaseState, CitizenTerms,
                 BudgetState, MeasurementState, mesa.Model):
    """A Mesa model whose state is declared in :data:`MODEL_GROUPS` and locked after build.

    Before :meth:`lock_state` any attribute may be set (Mesa and the build do); after it,
    setting a name that is not declared, not in :data:`MESA_ATTRIBUTES` and not defined on
    the class (a method or property, which tests may wrap) raises :class:`StateError`.
    """

    #: Declared fields: plain instance attributes (no descriptor), set straight in the dict.
    _PLAIN = frozenset(MODEL_DECLARATIONS)
    _ALLOWED = _PLAIN | MESA_ATTRIBUTES | {"_state_locked"}

    def __setattr__(self, name: str, value: Any) -> None:
        """Set ``name``, refusing undeclared names once the state is locked."""
        if name in self._PLAIN:  # the per-step path: declared state
            self.__dict__[name] = value
            return
        if (name not in self._ALLOWED and self.__dict__.get("_state_locked")
                and not _on_class(type(self), name)):
            raise StateError(f"{type(self).__name__}.{name}: not declared state; declare it "
                             "in sim/state.py (locked after build)")
        super().__setattr__(name, value)

    def state_dims(self) -> dict[str, int]:
        """Sizes of the named dimensions used in the declared shapes."""
        return {"n_citizens": self.p.n_citizens, "n_domains": self.p.n_domains,
                "n_professionals": self.n_professionals, "n_politicians": self.p.n_politicians,
                "n_time_uses": len(TIME_USES), "months": MONTHS_PER_YEAR,
                "n_domains + 1": self.p.n_domains + 1}

    def check_state(self) -> list[str]:
        """Problems with the declared state: missing, undeclared, wrong dtype or shape."""
        have = set(vars(self))
        problems = [f"{type(self).__name__}.{name}: declared but not set"
                    for name in MODEL_DECLARATIONS if name not in have]
        problems += [f"{type(self).__name__}.{name}: not declared state"
                     for name in sorted(have - self._ALLOWED) if not _on_class(type(self), name)]
        dims = self.state_dims()
        for name, decl in MODEL_DECLARATIONS.items():
            if name in have:
                problems += check_value(type(self).__name__, name, decl, vars(self)[name], dims)
        for name in ("citizens", "professionals"):
            if name in have:
                problems += getattr(self, name).check(dims)
        return problems

    def lock_state(self) -> None:
        """Check the declared state is complete and well-typed, then refuse new attributes.

        Raises:
            StateError: naming every missing, undeclared or mistyped field.
        """
        problems = self.check_state()
        if problems:
            raise StateError("; ".join(problems))
        object.__setattr__(self, "_state_locked", True)
