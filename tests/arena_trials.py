"""Paired arena trials: many arena cycles from one fixed model state.

Each trial deep-copies a co-creation model after a year, gives the copy the same fresh
``arenas`` stream in both arms, and runs one arena with each arm's settings: the arms
differ only by their settings (common random numbers at the level of single arenas).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from sim import GovernanceModel
from sim.mechanisms.arena import run_arena
from sim.policies import ArenaSettings


@dataclass
class Arm:
    """Per-trial results of one arm."""

    success: np.ndarray
    equity: np.ndarray  # NaN where no decision was made
    acceptability: np.ndarray
    council_gap: np.ndarray  # the council's utility minus the citizens' (NaN: no decision)


def base_models(seeds: tuple[int, ...] = (0, 1), n_citizens: int = 600, **params) -> list:
    """Co-creation models advanced one year, one per seed."""
    models = []
    for seed in seeds:
        m = GovernanceModel(steering="co_creation", rng=seed, n_citizens=n_citizens, **params)
        for _ in range(12):
            m.step()
        models.append(m)
    return models


def run_trials(settings: list[ArenaSettings], trials: int = 80, **params) -> list[Arm]:
    """Run ``trials`` paired arenas per base model for each settings arm."""
    results = [([], [], [], []) for _ in settings]
    for base in base_models(**params):
        for trial in range(trials):
            for arm, s in zip(results, settings, strict=True):
                m = copy.deepcopy(base)
                m.streams.arenas = np.random.default_rng(trial)
                m.arena_now = s
                m.arena_metrics.update(arena_acceptability=np.nan, arena_equity=np.nan)
                run_arena(m, s)
                arm[0].append(m.arena_record["success"])
                arm[1].append(m.arena_metrics["arena_equity"])
                arm[2].append(m.arena_metrics["arena_acceptability"])
                utility = m.arena_record["party_utility"]
                arm[3].append(utility[2] - utility[0] if m.arena_record["success"] else np.nan)
    return [Arm(np.array(a, dtype=float), np.array(b), np.array(c), np.array(d))
            for a, b, c, d in results]
