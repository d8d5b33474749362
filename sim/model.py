"""The governance model: citizens, professionals, leaders and politicians in one municipality.

State lives in numpy arrays owned by the model (one row per citizen or professional);
the Mesa agents are thin views over their row (Starsim/Covasim's arrays with Mesa's
agent interface). Every field is declared once, per entity, in :mod:`sim.state`; the
model creates them all at build and is then locked. Mechanisms live in their own
modules, one per phase; this module only wires them together in the fixed order of
MODEL.md §3, written out as plain calls in :meth:`GovernanceModel.step`.
"""

from __future__ import annotations

import dataclasses
import logging
import warnings
from typing import Any, cast

import mesa
import numpy as np
from mesa.experimental.scenarios import Scenario

from sim.agents import Citizen, Leader, Politician, Professional
from sim.calendar import MONTHS_PER_YEAR, history_row, is_election, is_new_year, is_quarter_end
from sim.mechanisms.arena import frame_mask, run_arena
from sim.mechanisms.cases import allocate_cases, hand_off_departures, roll_caseworkers
from sim.mechanisms.citizens import update_citizens
from sim.mechanisms.civil import update_civil_capacity
from sim.mechanisms.council import build_council, hold_election, learn_from_arena, set_goals
from sim.mechanisms.governance import apply_budget, set_budgets, steer, watched_signals
from sim.mechanisms.legitimacy import QUINTILES, update_legitimacy
from sim.mechanisms.measurement import INITIAL_KPI, TARGET_OUTPUT, measure
from sim.mechanisms.metrics import ALL_METRICS, ARENA_METRICS, compute_metrics
from sim.mechanisms.needs import evolve_needs
from sim.mechanisms.population import (
    VOICE_RESOURCE_WEIGHT,
    build_citizens,
    build_professionals,
    domain_links,
    domain_names,
    link_list,
    resource_rank,
)
from sim.mechanisms.production import allocate, produce
from sim.mechanisms.professionals import update_professionals
from sim.params import ModelParams
from sim.policies import Levers, SteeringStyle, arena_params, make_style
from sim.scenarios import load_scenario
from sim.state import ModelState
from sim.streams import Streams

# Mesa logs every step at INFO under "MESA"; keep it quiet unless a user asks.
logging.getLogger("MESA").setLevel(logging.WARNING)

#: Share of the non-staff budget that buys the standard service for the initial open
#: need: all of it, so the budget binds from the start (MODEL.md §10.4).
SERVICE_BUDGET_USE = 1.0
#: Every unit's initial code: effort split evenly between quality and output (March 1991).
INITIAL_CODE = 0.5
#: Resource quantiles that bound the bottom and top quintiles (MODEL.md §6 equity_gap).
QUINTILE_BOUNDS = (0.2, 0.8)


class MetricsCollector(mesa.DataCollector):
    """Mesa's DataCollector, with the model's metrics appended straight from ``model.metrics``.

    Mesa deep-copies every reporter's value each step; the metrics are fresh floats, so the
    copy is not needed. The table is the same (``get_model_vars_dataframe``); agent-type
    reporters are collected by Mesa as usual.
    """

    model_reporters: dict[str, Any]
    model_vars: dict[str, list[Any]]
    _collection_steps: list[Any]

    def collect(self, model: mesa.Model) -> None:
        """Append this step's metrics, then collect any agent-type reporters the Mesa way."""
        reporters, self.model_reporters = self.model_reporters, {}
        try:
            super().collect(model)  # agent-type tables, when ``collect_agents`` asks for them
        finally:
            self.model_reporters = reporters
        self._collection_steps.append(model.time)
        metrics = cast("GovernanceModel", model).metrics
        for name, values in self.model_vars.items():
            values.append(metrics[name])


class GovernanceModel(ModelState):
    """A municipality steering welfare under one steering style.

    Each step is one month and runs these phases in this order (MODEL.md §3):

    1. needs: new needs arrive, met needs decline, unmet linked needs worsen each other;
    2. politicians: learn from the latest arena cycle; hold an election (every four
       years); set goals, then the budget and its domain shares, from priorities and the
       signals they watch (yearly);
    3. leaders: targets ratchet (yearly), practice socialises to the code, the code
       learns (quarterly);
    4. cases: open, close and reassign cases in silos or teams;
    5. time allocation: professionals maximise the multitask utility under the levers;
    6. production: public services and civil society resolve need; wellbeing follows;
    7. measurement: KPIs with gaming and noise, audit, and the survey;
    8. citizens: satisfaction, trust, co-production and voice, then legitimacy and
       civil capacity;
    9. arena: co-creation arenas, where the style runs them;
    10. motivation: crowding, burnout, turnover and handoffs;
    11. collect: the metrics of MODEL.md §6.

    Args:
        steering: a style name (``result_based``, ``experience_based``, ``co_creation``,
            ``mixed``, ``switch``) or a :class:`~sim.policies.SteeringStyle` object;
            ``None`` takes the preset's style, else ``result_based``.
        steering_params: keyword arguments for a style given by name.
        preset: name of a preset in ``configs/scenario`` (its values are defaults that
            explicit arguments override).
        rng: the run's seed (an int); ``None`` takes the Mesa scenario's, else draws one
            from the OS.
        scenario: Mesa's own :class:`~mesa.experimental.scenarios.Scenario` (SolaraViz
            passes one on Reset); it may carry the seed as ``rng`` and nothing else, since
            the model's parameters are its keywords. A preset's name here still works for
            one release, with a DeprecationWarning: use ``preset=``.
        **params: any field of :class:`~sim.params.ModelParams`.
    """

    def __init__(self, steering: str | SteeringStyle | None = None,
                 steering_params: dict[str, Any] | None = None, preset: str | None = None,
                 rng: int | None = None, scenario: Scenario | str | None = None,
                 **params: Any) -> None:
        """Build the population, the units, the council and the data collector."""
        if isinstance(scenario, str):
            warnings.warn("GovernanceModel(scenario=NAME) is deprecated and will be removed in the "
                          "next release; use preset=NAME", DeprecationWarning, stacklevel=2)
            if preset is not None and preset != scenario:
                raise ValueError(f"preset: given twice, as preset={preset!r} and scenario={scenario!r}")
            preset, scenario = scenario, None
        if scenario is not None:
            if not isinstance(scenario, Scenario):
                raise ValueError("scenario: must be a mesa Scenario (or, deprecated, a preset name), "
                                 f"got {type(scenario).__name__}")
            extra = sorted(key for key, _ in scenario if key != "rng")
            if extra:
                raise ValueError("scenario: the model's parameters are keywords, not Mesa scenario "
                                 f"fields; got {', '.join(extra)}")
            rng = scenario.rng if rng is None else rng
        if rng is None:
            rng = int(cast(int, np.random.SeedSequence().entropy) % (2**63))
        if isinstance(rng, bool) or not isinstance(rng, (int, np.integer)) or rng < 0:
            raise ValueError(f"rng: must be a non-negative integer seed, got {rng!r}")
        if scenario is not None and scenario.rng is None:
            scenario.rng = int(rng)  # Mesa requires the scenario's seed to be the model's
        super().__init__(rng=int(rng), scenario=scenario)
        if preset is not None:
            values = load_scenario(preset)
            params = {**values["params"], **params}
            if steering is None and "steering" in values:
                steering = values["steering"]
                steering_params = {**(values.get("steering_params") or {}), **(steering_params or {})}
        if steering is None:
            steering = "result_based"
        if preset is not None and values["arena"] and isinstance(steering, str):
            # the preset's arena settings, for a style that holds arenas; given ones win
            steering_params = {**arena_params(steering, values["arena"]), **(steering_params or {})}
        self.preset = preset
        self.p = p = ModelParams.from_dict(params)
        self.style = make_style(steering, steering_params)
        self.seed = int(rng)
        self.streams = Streams(self.seed)
        self.levers: Levers = self.style.levers(1)
        self._build(p)
        self._check_levers(self.levers)
        self.lock_state()

    # ----------------------------------------------------------------- set-up
    def _build(self, p: ModelParams) -> None:
        """Create every field declared in :mod:`sim.state`, the agents and the collector."""
        s = self.streams
        d = p.n_domains
        self.domain_names = domain_names(d)
        self.links = domain_links(d)
        self.link_list, self.link_weight = link_list(self.links)
        n_prof = max(int(round(p.n_citizens / p.citizens_per_professional)), d)
        self.n_professionals = n_prof
        self.citizens = c = build_citizens(p, n_prof, s.population, s.network)
        open_need = np.where(c.need > p.need_threshold, c.need, 0.0).sum(axis=0)
        self.professionals = pro = build_professionals(p, open_need + 1e-9, s.professionals)
        self.domain_count = np.bincount(pro.domain, minlength=d)
        self.domain_start = np.r_[0, np.cumsum(self.domain_count)]
        # budget: staff paid in proportion to headcount; the rest buys services
        self.base_budget_month = self.budget_month = p.n_citizens * p.budget_per_citizen
        self.budget_frame, self.budget_ceiling = self.base_budget_month, np.inf
        wage = p.staff_cost_share * self.base_budget_month / n_prof
        self.staff_cost = wage * self.domain_count
        self.budget_shares = self.domain_count / n_prof
        self.unit_cost = SERVICE_BUDGET_USE * (1.0 - p.staff_cost_share) * self.base_budget_month / max(
            open_need.sum(), 1e-9)
        self.workload_norm = max(open_need.sum() / n_prof, 1e-9)
        self.capacity, self.ration, self.outreach = np.ones(d), np.ones(d), np.zeros(d)
        self.handed, self.civil_resolved = np.zeros(d), 0.0
        self.civil_load = np.zeros(p.n_citizens)
        self.spending = self.outreach_spending = 0.0
        self.latent_idx, self.latent_need = np.zeros(0, dtype=np.int64), np.zeros(d)
        self.complaint_time, self.complaints = np.zeros(n_prof), 0.0
        # leaders, council
        self.code = np.full(d, INITIAL_CODE)
        self.targets = np.full(d, TARGET_OUTPUT)
        self.kpi_units = np.full(d, INITIAL_KPI)
        self.throughput_attainment = np.ones(d)
        self.kpi_history = np.full((MONTHS_PER_YEAR, d), np.nan)
        self.outcome_history = np.full((MONTHS_PER_YEAR, d), np.nan)
        self.unit_outcome = np.full(d, np.nan)
        k = p.n_politicians
        (self.politician_priorities, self.politician_power, self.politician_pressure,
         self.politician_openness) = build_council(p, self.budget_shares, s.politicians)
        self.electoral_pressure = float(self.politician_pressure.mean())
        self.council_turnover, self.council_arena_cycle = 0, 0
        # arenas (co-creation): frame, settings this month, running state
        first_arena = self.style.arena(1)
        self.arena_frame = frame_mask(self.domain_names, first_arena) if first_arena else None
        self.arena_now = None
        self.arena_overrides, self.arena_decisions, self.arena_programme = 0, 0, 0.0
        self.arena_outreach = 0.0
        self.arena_joined, self.arena_teams = np.zeros(d, dtype=bool), 0.0
        self.arena_record = None
        self.arena_recommendation = None  # budget shares, all domains
        self.arena_panel = np.zeros(0, dtype=np.int64)
        self.arena_cycle = 0
        # derived per-step quantities
        q20, q80 = np.quantile(c.resources, QUINTILE_BOUNDS)
        top, bottom = c.resources >= q80, c.resources <= q20
        # equity_gap = wellbeing @ equity_weights (top-quintile mean minus bottom-quintile mean)
        self.equity_weights = top / top.sum() - bottom / bottom.sum()
        self.bottom_weights = bottom / bottom.sum()
        self.resource_quintile = np.minimum(
            (resource_rank(c.resources) * QUINTILES)
            // c.resources.size, QUINTILES - 1).astype(np.int64)
        self.mean_resources = float(c.resources.mean())
        # fixed per citizen: cached terms of the citizens' update
        self.sqrt_resources = np.sqrt(c.resources)
        self.voice_resources = VOICE_RESOURCE_WEIGHT * c.resources
        self.take_up_cache: dict[float, np.ndarray] = {}
        self.arena_metrics: dict[str, float] = {name: np.nan for name in ARENA_METRICS}
        self.arena_metrics["overrides"] = 0.0  # cumulative; stays 0 without arenas
        self.resolved_total = 0.0
        self.client_gain = np.zeros(n_prof)
        self.ones_domains = np.ones(d)
        self.open_idx = np.zeros(0, dtype=np.int64)
        self.open_rows, self.open_cols = self.open_idx, self.open_idx
        self.open_need, self.open_prof = np.zeros(0), np.zeros(0, dtype=np.int32)
        self.open_count = np.zeros(p.n_citizens, dtype=np.int64)
        self.complexity = np.zeros(p.n_citizens, dtype=np.int64)
        self.active_rows = np.zeros(0, dtype=np.int64)
        self.domain_workload = np.ones(d)
        self.row_pos = np.zeros(p.n_citizens, dtype=np.int64)
        self.public_input = np.zeros(p.n_citizens)
        self.school_factor, self.survey, self.bunching = 1.0, np.nan, np.nan
        self.client_outcome = np.zeros(n_prof)
        self.touched_cells = np.zeros(0, dtype=np.int64)
        self.team_share = np.zeros(n_prof)
        self.metrics: dict[str, float] = {}
        # initial caseload
        allocate_cases(self, self.levers.team_cases, candidates=None)
        roll_caseworkers(self)
        self._update_workload()
        # agents
        Citizen.create_agents(self, p.n_citizens, row=np.arange(p.n_citizens))
        Professional.create_agents(self, n_prof, row=np.arange(n_prof))
        Leader.create_agents(self, d, domain=np.arange(d))
        Politician.create_agents(self, k, row=np.arange(k))
        reporters = {name: (lambda m, key=name: m.metrics[key]) for name in ALL_METRICS}
        agent_reporters = {}
        if p.collect_agents:
            agent_reporters = {
                Citizen: {"wellbeing": "wellbeing", "trust": "trust"},
                Professional: {"intrinsic_motivation": "intrinsic_motivation"},
            }
        self.datacollector = MetricsCollector(model_reporters=reporters,
                                              agenttype_reporters=agent_reporters)

    def _check_levers(self, lev: Levers) -> None:
        """Reject levers that ask for arenas from a style that has no arena settings."""
        if lev.arena_every and self.style.arena(self.steps or 1) is None:
            raise ValueError("arena_every: only a style with arena settings (co_creation) runs "
                             "arenas; must be 0 here")

    def _update_workload(self) -> None:
        """Need held by each professional, per domain, and the share of it in teams."""
        c, pro = self.citizens, self.professionals
        n = self.n_professionals
        held, need = self.open_prof, self.open_need
        # weighted bincount of no cases returns int64 zeros; the declared dtype is float64
        work = np.bincount(held, need, minlength=n + 1)[:n].astype(np.float64, copy=False)
        team = np.bincount(held, need * c.in_team[self.open_rows], minlength=n + 1)[:n]
        pro.workload = work
        self.team_share = team / np.maximum(work, 1e-9)
        self.domain_workload = np.maximum(
            np.bincount(pro.domain, work, minlength=self.p.n_domains), 1e-9)

    # ----------------------------------------------------------------- the step
    def step(self) -> None:
        """Advance one month through the phases of the class docstring, in order.

        The levers in force move toward the style's levers at ``reform_rate_per_step``:
        rules, IT systems, teams and habits change gradually, so a reform (``switch``) is
        phased in rather than switched overnight (Hjelmar et al. 2025).
        """
        target = self.style.levers(self.steps)
        self._check_levers(target)
        if target != self.levers:  # arenas start with the reform; their effects phase in
            blended = self.levers.blend(target, self.p.reform_rate_per_step)
            self.levers = dataclasses.replace(blended, arena_every=target.arena_every)
        every = int(self.levers.arena_every)
        settings = self.style.arena(self.steps) if every else None
        self.arena_now = settings if settings and self.steps % every == 0 else None
        if self.arena_now is not None:
            self.arena_frame = frame_mask(self.domain_names, self.arena_now)
        self._needs()
        self._politicians()
        self._leaders()
        self._cases()
        self._time_allocation()
        self._production()
        self._measurement()
        self._citizens()
        self._arena()
        self._motivation()
        self._collect()

    def _needs(self) -> None:
        self.touched_cells = evolve_needs(self)

    def _politicians(self) -> None:
        learn_from_arena(self)
        if is_election(self.steps):
            hold_election(self)
        if is_new_year(self.steps):
            seen = watched_signals(self)
            set_goals(self, self.levers, seen)
            set_budgets(self, self.levers, seen)

    def _leaders(self) -> None:
        if is_quarter_end(self.steps):
            self.client_outcome = self.client_gain / np.maximum(self.professionals.workload, 1e-9)
        steer(self, self.levers)

    def _cases(self) -> None:
        allocate_cases(self, self.levers.team_cases, self.touched_cells)
        self._update_workload()
        apply_budget(self)

    def _time_allocation(self) -> None:
        allocate(self, self.levers)

    def _production(self) -> None:
        produce(self, self.levers)

    def _measurement(self) -> None:
        measure(self, self.levers)
        row = history_row(self.steps)
        self.kpi_history[row] = self.kpi_units
        self.outcome_history[row] = self.unit_outcome

    def _citizens(self) -> None:
        update_citizens(self, self.levers)
        update_legitimacy(self)
        update_civil_capacity(self)

    def _arena(self) -> None:
        if self.arena_now is not None:
            run_arena(self, self.arena_now)

    def _motivation(self) -> None:
        departed = update_professionals(self, self.levers)
        hand_off_departures(self, departed)

    def _collect(self) -> None:
        roll_caseworkers(self)
        self.metrics = compute_metrics(self)
        self.datacollector.collect(self)

    # ----------------------------------------------------------------- helpers
    def metrics_frame(self):
        """Per-step metrics as a DataFrame with a ``step`` column (1-based)."""
        df = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        df.insert(0, "step", np.arange(1, len(df) + 1))
        return df
