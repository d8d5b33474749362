"""The mutant runner (:mod:`tests.mutants`): its mutants exist, apply, and are judged right."""

from __future__ import annotations

import importlib

import pytest

from sim import GovernanceModel
from tests.mutants import MUTANTS, apply, run

CHEAP = ("tests/test_mechanisms.py::test_crowding_calibrated_to_meta_analysis",)


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_every_claimed_test_exists(name):
    """A mutant's claimed tests are real test functions (a renamed test cannot hide it)."""
    for node in MUTANTS[name].tests:
        path, function = node.split("::")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert callable(getattr(module, function, None)), node


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_every_mutant_applies_runs_and_undoes(name):
    """Each mutant's targets exist, a model runs under it, and undoing it restores the code."""
    mp = pytest.MonkeyPatch()
    try:
        apply(name, mp)  # a renamed target raises here
        model = GovernanceModel(steering="co_creation", n_citizens=300, rng=0)
        for _ in range(3):
            model.step()
    finally:
        mp.undo()
    import sim.mechanisms.arena as arena
    assert arena.MAX_HANDED > 0.0 and arena.rank_and_cut.__module__ == "sim.mechanisms.arena"


def test_an_unknown_mutant_is_refused_in_one_line():
    """A misspelt ``SIM_MUTANT`` names what is allowed."""
    with pytest.raises(SystemExit, match="unknown mutant 'nope'; allowed: .*civil_society_off"):
        apply("nope", pytest.MonkeyPatch())


@pytest.mark.slow
def test_a_mutant_whose_test_fails_is_killed_and_one_it_misses_survives(capsys):
    """Crowding off fails the crowding calibration; elections off does not touch it."""
    assert run(["crowding_off"], claims={"crowding_off": CHEAP}) == 0
    assert "crowding_off" in capsys.readouterr().out
    assert run(["elections_off"], claims={"elections_off": CHEAP}) == 1
    assert "SURVIVED" in capsys.readouterr().out
