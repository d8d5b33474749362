"""Run the model: the plain, testable functions behind the CLI and the API."""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd

from sim.model import GovernanceModel
from sim.policies import SteeringStyle


def simulate(steps: int = 60, seed: int = 0, steering: str | SteeringStyle | None = None,
             steering_params: dict[str, Any] | None = None, preset: str | None = None,
             scenario: str | None = None, **params: Any) -> pd.DataFrame:
    """Run one simulation and return its per-step metrics.

    Args:
        steps: number of monthly steps (>= 1).
        seed: the seed from which every random stream is derived.
        steering: a style name or object (``None``: the preset's, else result-based).
        steering_params: keyword arguments for a style given by name.
        preset: a preset from ``configs/scenario``.
        scenario: deprecated name of ``preset`` (kept for one release, with a
            DeprecationWarning).
        **params: model parameters (see :class:`~sim.params.ModelParams`).

    Returns:
        A DataFrame with a ``step`` column (1..steps) and one column per metric.
    """
    if scenario is not None:
        warnings.warn("simulate(scenario=NAME) is deprecated and will be removed in the next "
                      "release; use preset=NAME", DeprecationWarning, stacklevel=2)
        if preset is not None and preset != scenario:
            raise ValueError(f"preset: given twice, as preset={preset!r} and scenario={scenario!r}")
        preset = scenario
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps: must be an integer >= 1, got {steps!r}")
    model = GovernanceModel(steering=steering, steering_params=steering_params,
                            preset=preset, rng=seed, **params)
    for _ in range(steps):
        model.step()
    return model.metrics_frame()
