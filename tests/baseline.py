"""Regression baseline: final-year means of every metric for a few fixed runs.

Regenerate after an intended change of the model's behaviour with
``python -m tests.baseline`` and say why in the commit message.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from sim import simulate
from sim.mechanisms.metrics import ALL_METRICS

BASELINE = Path(__file__).with_name("baseline.json")
RUNS = {
    "result_based": {"steering": "result_based"},
    "experience_based": {"steering": "experience_based"},
    "mixed_0.5": {"steering": "mixed", "steering_params": {"weight": 0.5}},
    "trust_reform": {"preset": "trust_reform"},
    "school_inclusion": {"preset": "school_inclusion"},
    "budget_cut": {"preset": "budget_cut"},
    "co_creation": {"steering": "co_creation"},
    "task_committee": {"preset": "task_committee"},
}
SEEDS = (0, 1)


def summarise() -> dict[str, dict[str, float | None]]:
    """Final-year (steps 25-36) mean of every metric per run and seed; NaN stored as None."""
    out = {}
    for name, kwargs in RUNS.items():
        for seed in SEEDS:
            frame = simulate(steps=36, seed=seed, n_citizens=1000, **kwargs)
            means = frame[frame["step"] > 24][list(ALL_METRICS)].mean()
            out[f"{name}/seed{seed}"] = {k: (None if math.isnan(v) else float(v))
                                         for k, v in means.items()}
    return out


if __name__ == "__main__":
    BASELINE.write_text(json.dumps(summarise(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {BASELINE}")
