"""Mutants: each mechanism switched off, and the tests that claim it must then fail.

A mutant is a named change that makes one mechanism inert (a function that does nothing,
a constant or a parameter forced to its "off" value) together with the tests that claim
that mechanism. ``python -m tests.mutants`` (``make mutants``) first runs the claimed
tests unchanged (they must pass), then runs each mutant's tests with the mutant applied
(``SIM_MUTANT=name``; :mod:`tests.conftest` applies it for the whole pytest session) and
reports, for each, whether a claimed test failed (the mutant is *killed*) or all passed
(it *survived*: the tests do not see that mechanism). It exits non-zero when a mutant
survives or cannot run.

The mutants run in the pytest process only: a claimed test must run the model in-process
(as ``tests.stats.paired`` does), not in a subprocess.

Usage: ``python -m tests.mutants [--list] [--jobs N] [NAME ...]``
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

#: The environment variable that names the mutant a pytest session applies.
ENV = "SIM_MUTANT"
ROOT = Path(__file__).resolve().parent.parent
#: What :mod:`tests.conftest` prints to stderr for a test a mutant crashed, not failed.
CRASH = "MUTANT-CRASH"
#: The exit code :func:`_pytest` gives a run whose failure was a crash, not a failed assert.
CRASHED = -1


@dataclasses.dataclass(frozen=True)
class Mutant:
    """One mechanism switched off and the tests that claim it."""

    doc: str
    apply: Callable[[pytest.MonkeyPatch], None]
    tests: tuple[str, ...]


def _set(*pairs: tuple[str, str, Any]) -> Callable[[pytest.MonkeyPatch], None]:
    """Set module attributes (module, name, value)."""
    def apply(mp: pytest.MonkeyPatch) -> None:
        for module, name, value in pairs:
            mp.setattr(f"{module}.{name}", value)
    return apply


def _force(owner: str = "sim.params.ModelParams", **values: Any
           ) -> Callable[[pytest.MonkeyPatch], None]:
    """Force fields of every ``owner`` dataclass built (tests' own too) to ``values``.

    ``owner`` is ``module.Class`` with a ``__post_init__`` (the model's parameters by
    default; ``sim.policies.co_creation.ArenaSettings`` for the arenas' settings).
    """
    def apply(mp: pytest.MonkeyPatch) -> None:
        import importlib

        module, name = owner.rsplit(".", 1)
        cls = getattr(importlib.import_module(module), name)
        original = cls.__post_init__

        def post_init(self: Any) -> None:
            for field, value in values.items():
                object.__setattr__(self, field, value)
            original(self)

        mp.setattr(cls, "__post_init__", post_init)
    return apply


def _both(*parts: Callable[[pytest.MonkeyPatch], None]) -> Callable[[pytest.MonkeyPatch], None]:
    def apply(mp: pytest.MonkeyPatch) -> None:
        for part in parts:
            part(mp)
    return apply


def _wrap(module: str, name: str, **forced: Any) -> Callable[[pytest.MonkeyPatch], None]:
    """Replace ``module.name`` by the same function called with keyword ``forced`` values."""
    def apply(mp: pytest.MonkeyPatch) -> None:
        import importlib
        import inspect

        mod = importlib.import_module(module)
        original = getattr(mod, name)
        signature = inspect.signature(original)

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            bound.arguments.update(forced)
            return original(*bound.args, **bound.kwargs)

        mp.setattr(mod, name, wrapped)
    return apply


def _no_civil_share(m: Any) -> np.ndarray:
    return np.zeros_like(m.citizens.need)


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


def _status_quo(status: np.ndarray, decision: np.ndarray, movable: float, envelope: float
                ) -> tuple[np.ndarray, float]:
    return status.copy(), 1.0


def _everyone_comes_forward(m: Any) -> np.ndarray:
    return np.ones(m.citizens.trust.size)


def _nobody_moved(preference: np.ndarray, before: np.ndarray, after: np.ndarray) -> np.ndarray:
    return np.zeros(preference.shape[0])


def _middling(c: Any) -> np.ndarray:
    return np.full(c.trust.size, 0.5)


def _no_crowding(im: np.ndarray, *args: Any) -> np.ndarray:
    return im.copy()


CH, CO, PA, PR, LE = ("tests/test_channels.py", "tests/test_council.py", "tests/test_patterns.py",
                      "tests/test_priorities.py", "tests/test_learning.py")

#: Every mutant, by name (MODEL.md §10; issue list of the validation suite).
MUTANTS: dict[str, Mutant] = {
    "everyone_comes_forward": Mutant(
        "every need above the threshold becomes a case at once (take-up 1: no latent need)",
        _set(("sim.mechanisms.cases", "take_up", _everyone_comes_forward)),
        (f"{CH}::test_latent_need_costs_outcomes_and_falls_on_the_poorest",)),
    "civil_society_off": Mutant(
        "civil society resolves no need (civil_share is zero)",
        _set(("sim.mechanisms.civil", "civil_share", _no_civil_share)),
        (f"{CH}::test_civil_society_resolves_need_directly",)),
    "handover_off": Mutant(
        "no task can be handed to civil society (MAX_HANDED = 0)",
        _set(("sim.mechanisms.arena", "MAX_HANDED", 0.0)),
        (f"{CH}::test_handed_tasks_follow_local_capacity",
         f"{CH}::test_handing_tasks_over_lowers_what_co_creation_costs_not_what_it_uses")),
    "civil_substitution_off": Mutant(
        "public services do not erode civil capacity (civil_substitution = 0)",
        _force(civil_substitution=0.0),
        (f"{CH}::test_substitution_erodes_civil_capacity",)),
    "segregation_off": Mutant(
        "citizens keep their random places on the ring whatever the segregation",
        _set(("sim.mechanisms.population", "sorted_by_resources",
              lambda adj, resources, segregation, rng: adj)),
        ("tests/test_mechanisms.py::test_segregation_makes_civil_society_weak_where_the_poorest_live",
         "tests/test_regions.py::test_in_a_captured_arena_co_creation_costs_equity_through_what_it"
         "_hands_over")),
    "arena_knows_no_more_than_the_frontline": Mutant(
        "participants see no latent need (latent_seen is 0)",
        _set(("sim.mechanisms.arena", "latent_seen", lambda m, citizens, frame: 0.0)),
        (f"{CH}::test_arenas_find_latent_need_that_frontline_reports_miss",)),
    "arena_moves_no_budget": Mutant(
        "an implemented decision leaves the budget shares where they were",
        _set(("sim.mechanisms.arena", "rank_and_cut", _status_quo)),
        (f"{PR}::test_captured_decisions_have_winners_and_losers_along_the_social_gradient",)),
    "arenas_join_no_professions": Mutant(
        "an implemented decision forms no interprofessional team (arena teams = 0)",
        _force("sim.policies.co_creation.ArenaSettings", teams=0.0),
        (f"{CH}::test_arenas_join_professions_into_teams",)),
    "no_winners_or_losers": Mutant(
        "a decision moves nobody's money toward or away from what they want",
        _set(("sim.mechanisms.arena", "moved_toward", _nobody_moved)),
        (f"{PR}::test_who_won_reaches_the_legitimacy_of_those_who_saw_it",)),
    "budget_follow_up_off": Mutant(
        "the council never returns money no domain could use",
        _force(budget_follow_up=False),
        (f"{CH}::test_budget_follow_up_returns_only_money_no_domain_could_use",)),
    "goals_never_move": Mutant(
        "the council never revises its goals",
        _set(("sim.model", "set_goals", _nothing)),
        (f"{CO}::test_goals_follow_frontline_reports_under_experience_based_steering",)),
    "trust_without_effect": Mutant(
        "behaviour sees trust 0.5 whatever it is (sim.mechanisms.beliefs.trust)",
        _set(("sim.mechanisms.beliefs", "trust", _middling)),
        (f"{CH}::test_trust_changes_outcomes_through_what_citizens_do",)),
    "legitimacy_without_effect": Mutant(
        "behaviour sees legitimacy 0.5 whatever it is (sim.mechanisms.beliefs.legitimacy)",
        _set(("sim.mechanisms.beliefs", "legitimacy", _middling)),
        (f"{CH}::test_legitimacy_changes_outcomes_through_complaints_compliance_and_take_up",)),
    "legitimacy_without_complaints_or_compliance": Mutant(
        "legitimacy moves neither complaints nor plan compliance",
        _force(compliance_weight=0.0, complaint_per_step=0.0),
        (f"{CH}::test_legitimacy_changes_outcomes_through_complaints_compliance_and_take_up",)),
    "complaints_take_no_time": Mutant(
        "complaints cost no caseworker time (complaint_hours = 0)",
        _force(complaint_hours=0.0),
        (f"{CH}::test_complaints_take_caseworkers_time",)),
    "fair_process_buffer_off": Mutant(
        "being heard does not soften a cut (fair_process_buffer = 0)",
        _force(fair_process_buffer=0.0),
        (f"{CH}::test_a_fair_procedure_buffers_a_cut_for_those_who_were_heard",)),
    "teams_relabel_only": Mutant(
        "a team is a label: no cap relief, no coordination gain, no sight across domains, "
        "handoffs as in silos",
        _both(_set(("sim.mechanisms.production", "TEAM_CAP_RELIEF", 0.0),
                   ("sim.mechanisms.cases", "TEAM_LOSS_FACTOR", 1.0)),
              _force(team_coordination_gain=0.0, team_sight=0.0)),
        (f"{CH}::test_teams_move_complex_citizens_outcomes",
         f"{CH}::test_teams_find_latent_need_in_other_domains")),
    "coproduction_not_productive": Mutant(
        "co-production does not raise production (exponent_coproduction = 0)",
        _force(exponent_coproduction=0.0),
        (f"{PA}::test_p8_coproduction_raises_what_public_effort_resolves",)),
    "crowding_off": Mutant(
        "steering does not move intrinsic motivation (crowding_step returns it unchanged)",
        _set(("sim.mechanisms.professionals", "crowding_step", _no_crowding)),
        (f"{PA}::test_p5_crowding_out_only_when_steering_is_perceived_as_controlling",
         f"{PA}::test_p5_crowding_in_the_full_model_docks_the_meta_analysis",
         f"{PA}::test_p6_trust_reform_moves_staff_before_citizens")),
    "elections_off": Mutant(
        "no election is held",
        _set(("sim.model", "hold_election", _nothing)),
        (f"{CO}::test_an_election_at_step_49_changes_the_council_and_none_without_elections",)),
    "council_does_not_learn": Mutant(
        "the council's openness does not follow the arenas' record",
        _set(("sim.model", "learn_from_arena", _nothing)),
        (f"{CO}::test_implemented_arena_decisions_open_the_council",
         f"{CO}::test_failed_arenas_close_the_council")),
    "leader_learning_off": Mutant(
        "leaders' code never learns from practice (code_learning_per_quarter = 0); no test "
        "claims it yet: code learning changes outcomes too little to detect",
        _force(code_learning_per_quarter=0.0),
        ()),
    "march_code_never_learns": Mutant(
        "March's code does not learn from the superior group (p2 = 0)",
        _wrap("sim.mechanisms.march", "march_runs", p2=0.0),
        (f"{LE}::test_march_slow_socialisation_with_fast_code_learning_knows_most",)),
    "nk_interactions_off": Mutant(
        "NK landscapes without interactions (K = 0)",
        _wrap("sim.mechanisms.nk", "nk_landscapes", k=0),
        (f"{LE}::test_nk_complexity_catastrophe",)),
}


def apply(name: str, mp: pytest.MonkeyPatch) -> None:
    """Apply mutant ``name`` through ``mp`` (undone by ``mp.undo()``)."""
    if name not in MUTANTS:
        raise SystemExit(f"{ENV}: unknown mutant {name!r}; allowed: {', '.join(MUTANTS)}")
    MUTANTS[name].apply(mp)


def _pytest(tests: tuple[str, ...], mutant: str | None) -> tuple[int, float, str]:
    """Run ``tests`` (slow ones included) under ``mutant``; return (exit code, seconds, tail)."""
    if not tests:
        return 0, 0.0, "no test claims it"
    env = {k: v for k, v in os.environ.items() if k != ENV}
    if mutant:
        env[ENV] = mutant
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                           "-m", "", *tests], cwd=ROOT, env=env, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    tail = lines[-1] if lines else done.stderr[-200:]
    crashed = [line for line in done.stderr.splitlines() if line.startswith(CRASH)]
    if crashed:  # failed by an exception, not an assertion: the mutant broke the code
        return CRASHED, time.perf_counter() - start, crashed[0]
    return done.returncode, time.perf_counter() - start, tail


def run(names: list[str], jobs: int = 1, claims: dict[str, tuple[str, ...]] | None = None) -> int:
    """Run the named mutants against their tests; print a table; return the exit code.

    ``claims`` replaces the tests of the mutants it names (the machinery's own test).
    """
    tests = {n: (claims or {}).get(n, MUTANTS[n].tests) for n in names}
    claimed = tuple(dict.fromkeys(t for n in names for t in tests[n]))
    code, seconds, tail = _pytest(claimed, None)
    print(f"unmutated: {len(claimed)} claimed tests, exit {code} in {seconds:.0f} s ({tail})")
    if code != 0:
        print("the claimed tests must pass before mutants mean anything")
        return 2
    with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        results = list(pool.map(lambda n: (n, *_pytest(tests[n], n)), names))
    survived = 0
    for name, code, seconds, tail in results:
        verdict = {1: "killed", 0: "SURVIVED", CRASHED: "ERROR (crashed)"}.get(
            code, f"ERROR (exit {code})")
        survived += verdict != "killed"
        print(f"{name:44s} {verdict:16s} {seconds:5.0f} s  {MUTANTS[name].doc} ({tail})")
    print(f"{len(names) - survived} of {len(names)} mutants killed")
    return 1 if survived else 0


def main() -> None:
    """Command line: run every mutant, or the named ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="mutants to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants and their tests")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    args = parser.parse_args()
    unknown = [n for n in args.names if n not in MUTANTS]
    if unknown:
        parser.exit(2, f"mutants: unknown mutant {unknown[0]!r}; allowed: {', '.join(MUTANTS)}\n")
    if args.list:
        for name, mutant in MUTANTS.items():
            print(f"{name}: {mutant.doc}\n  " + "\n  ".join(mutant.tests))
        return
    sys.exit(run(args.names or list(MUTANTS), args.jobs))


if __name__ == "__main__":
    main()
