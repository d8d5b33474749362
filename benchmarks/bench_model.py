"""Speed and memory benchmark of the governance model (prints numbers; not a test).

Measures, in one run:

* the model's cost per citizen-step (a full ``GovernanceModel.step`` divided by citizens);
* the cost per agent-step of a trivial Mesa model (agents doing two float updates in
  ``step()``, activated with ``shuffle_do``);
* the memory-bandwidth floor: the time to copy all per-citizen and per-professional state
  arrays once;

and prints the ratios at 2,000 and 100,000 citizens (and 1,000,000 with ``--million``),
with peak memory. Targets: model/trivial <= 1.0 at 2,000 and <= 0.25 at 100,000;
1,000,000 citizens x 60 steps within memory; a model step at 100,000 <= 10x the state
copy; cost linear in citizens. The two models' timing blocks alternate, so the ratio is
fair on a shared machine; run it a few times, as the machine's speed varies between runs.

Usage: ``python benchmarks/bench_model.py [--million] [--steps N]``
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import time

import mesa
import numpy as np
import scipy.sparse as sp

from sim import GovernanceModel


class _TrivialAgent(mesa.Agent):
    """Two float updates per step."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.x, self.y = 0.0, 1.0

    def step(self) -> None:
        """Update two floats."""
        self.x += 0.1 * self.y
        self.y *= 0.999


class _TrivialModel(mesa.Model):
    """A Mesa model of trivial agents activated in random order."""

    def __init__(self, n: int) -> None:
        super().__init__(rng=1)
        _TrivialAgent.create_agents(self, n)

    def step(self) -> None:
        """Activate every agent once."""
        self.agents.shuffle_do("step")


def _time_steps(models: list[mesa.Model], steps: int, blocks: int = 7) -> list[float]:
    """Seconds per step of each model, best of ``blocks`` blocks after a warm-up step.

    The models' blocks alternate (one block of each in turn), so a shared machine that
    speeds up or slows down mid-run affects them alike and their ratio stays fair.
    """
    for model in models:
        model.step()
    block = max(steps // blocks, 1)
    best = [np.inf] * len(models)
    for _ in range(blocks):
        for k, model in enumerate(models):
            start = time.perf_counter()
            for _ in range(block):
                model.step()
            best[k] = min(best[k], (time.perf_counter() - start) / block)
    return best


def _state_arrays(model: GovernanceModel) -> list[np.ndarray]:
    """Every per-citizen and per-professional array of the model's state.

    That is the citizen and professional state tables (the network included) and the
    table of open cases the model carries from step to step.
    """
    arrays = [model.open_idx, model.open_rows, model.open_cols, model.open_need, model.open_prof]
    for state in (model.citizens, model.professionals):
        for f in dataclasses.fields(state):
            value = getattr(state, f.name)
            if isinstance(value, np.ndarray):
                arrays.append(value)
            elif sp.issparse(value):
                arrays.extend([value.data, value.indices, value.indptr])
    return arrays


def _copy_time(arrays: list[np.ndarray]) -> float:
    """Seconds to copy all arrays once (best of ten)."""
    best = np.inf
    for _ in range(10):
        start = time.perf_counter()
        for a in arrays:
            a.copy()
        best = min(best, time.perf_counter() - start)
    return best


def measure(n: int, steps: int) -> dict[str, float]:
    """Measure one population size."""
    start = time.perf_counter()
    model = GovernanceModel(n_citizens=n, rng=1)
    build = time.perf_counter() - start
    trivial_n = min(n, 200_000)
    model_step, trivial_step = _time_steps([model, _TrivialModel(trivial_n)], steps)
    trivial_step /= trivial_n
    arrays = _state_arrays(model)
    copy = _copy_time(arrays)
    return {
        "citizens": n, "build_s": build, "step_ms": model_step * 1e3,
        "model_ns_per_citizen_step": model_step / n * 1e9,
        "trivial_ns_per_agent_step": trivial_step * 1e9,
        "ratio_model_to_trivial": model_step / n / trivial_step,
        "state_mb": sum(a.nbytes for a in arrays) / 1e6, "copy_ms": copy * 1e3,
        "ratio_step_to_copy": model_step / copy,
    }


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 citizens")
    parser.add_argument("--steps", type=int, default=60, help="steps timed per size")
    args = parser.parse_args()
    sizes = [2_000, 100_000] + ([1_000_000] if args.million else [])
    rows = [measure(n, args.steps) for n in sizes]
    keys = list(rows[0])
    print(" ".join(f"{k:>26}" for k in keys))
    for row in rows:
        print(" ".join(f"{row[k]:>26.3f}" if isinstance(row[k], float) else f"{row[k]:>26}"
                       for k in keys))
    if len(rows) > 1:
        a, b = rows[-2], rows[-1]
        growth = (b["step_ms"] / a["step_ms"]) / (b["citizens"] / a["citizens"])
        print(f"step-time growth / citizen growth ({a['citizens']} -> {b['citizens']}): {growth:.2f}"
              " (1.0 = linear)")
    if args.million:
        model = GovernanceModel(n_citizens=1_000_000, rng=2)
        start = time.perf_counter()
        for _ in range(60):
            model.step()
        print(f"1,000,000 citizens x 60 steps: {time.perf_counter() - start:.1f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"peak resident memory: {peak:.2f} GB")


if __name__ == "__main__":
    main()
