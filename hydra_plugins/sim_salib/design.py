"""The SALib side of the sensitivity sweeper: problems, samples and indices, without Hydra.

Morris screening (Morris 1991, with Campolongo et al. 2007's mu*) ranks every parameter
by its mean absolute elementary effect; Sobol indices (Saltelli 2002; Saltelli et al.
2010) split the output variance of the few that matter into first-order (S1) and total
(ST) shares. Samples come from ``SALib.sample.morris`` and ``SALib.sample.sobol`` and are
rounded to :data:`DIGITS` significant digits, so job overrides stay short and a re-run
produces the same jobs; the indices are computed on the rounded values actually run.
SALib is imported where it is used: Hydra imports this module at every start.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Significant digits of sampled values in job overrides.
DIGITS = 6


@dataclass(frozen=True)
class Parameter:
    """One parameter of a sensitivity problem.

    Attributes:
        name: the config key, as the command line spells it (``model.handoff_loss``).
        low: lower bound of the sampled range (inclusive).
        high: upper bound of the sampled range (inclusive).
        only: apply the sampled value only in this arm of the contrast (``None``: in all).
    """

    name: str
    low: float
    high: float
    only: str | None = None


def parse_problem(spec: Mapping[str, Any]) -> list[Parameter]:
    """Parameters from ``{key: [low, high]}`` or ``{key: {bounds: [low, high], only: arm}}``.

    Raises:
        ValueError: naming the key, for a malformed entry or an empty range.
    """
    params = []
    for name, entry in spec.items():
        only = None
        bounds = entry
        if isinstance(entry, Mapping):
            unknown = sorted(set(entry) - {"bounds", "only"})
            if unknown:
                raise ValueError(f"{name}: unknown setting {unknown[0]!r}; allowed: bounds, only")
            bounds, only = entry.get("bounds"), entry.get("only")
        if not isinstance(bounds, Sequence) or isinstance(bounds, str) or len(bounds) != 2:
            raise ValueError(f"{name}: bounds must be [low, high], got {bounds!r}")
        try:
            low, high = float(bounds[0]), float(bounds[1])
        except (TypeError, ValueError):
            raise ValueError(f"{name}: bounds must be two numbers, got {list(bounds)!r}") from None
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            raise ValueError(f"{name}: bounds must be finite with low < high, got [{low}, {high}]")
        params.append(Parameter(str(name), low, high, None if only is None else str(only)))
    if not params:
        raise ValueError("problem: no parameters to sample")
    return params


def salib_problem(params: Sequence[Parameter]) -> dict[str, Any]:
    """The problem dictionary SALib's samplers and analysers take."""
    return {"num_vars": len(params), "names": [p.name for p in params],
            "bounds": [[p.low, p.high] for p in params]}


def round_sample(x: np.ndarray, params: Sequence[Parameter], digits: int = DIGITS) -> np.ndarray:
    """Round every value to ``digits`` significant digits, kept inside its bounds."""
    rounded = np.array([[float(f"{v:.{digits}g}") for v in row] for row in np.atleast_2d(x)])
    low = np.array([p.low for p in params])
    high = np.array([p.high for p in params])
    return np.clip(rounded, low, high).reshape(np.shape(x))


def morris_design(params: Sequence[Parameter], trajectories: int, levels: int,
                  seed: int) -> np.ndarray:
    """Morris trajectories: ``trajectories * (len(params) + 1)`` rows, rounded."""
    from SALib.sample import morris as morris_sample

    x = morris_sample.sample(salib_problem(params), trajectories, num_levels=levels,
                             seed=np.random.default_rng(seed))
    return round_sample(x, params)


def sobol_design(params: Sequence[Parameter], n: int, seed: int) -> np.ndarray:
    """Saltelli's design for first-order and total indices: ``n * (len(params) + 2)`` rows."""
    from SALib.sample import sobol as sobol_sample

    x = sobol_sample.sample(salib_problem(params), n, calc_second_order=False,
                            seed=np.random.default_rng(seed))
    return round_sample(x, params)


def morris_indices(params: Sequence[Parameter], x: np.ndarray, y: np.ndarray, levels: int,
                   conf_level: float, resamples: int, seed: int) -> dict[str, list[float]]:
    """mu, mu*, sigma and mu*'s bootstrap CI half-width per parameter.

    Elementary effects are divided by the step on the unit scale, so mu* is the change
    of the output per full range of the parameter and comparable across parameters.
    """
    from SALib.analyze import morris as morris_analyze

    si = morris_analyze.analyze(salib_problem(params), x, np.asarray(y, dtype=float),
                                num_resamples=resamples, conf_level=conf_level,
                                num_levels=levels, seed=np.random.default_rng(seed))
    return {k: [float(v) for v in si[k]] for k in ("mu", "mu_star", "sigma", "mu_star_conf")}


def sobol_indices(params: Sequence[Parameter], y: np.ndarray, conf_level: float,
                  resamples: int, seed: int) -> dict[str, list[float]]:
    """S1 and ST with their bootstrap CI half-widths; NaNs if the output does not vary."""
    from SALib.analyze import sobol as sobol_analyze

    y = np.asarray(y, dtype=float)
    if not np.all(np.isfinite(y)) or np.ptp(y) == 0:
        nan = [math.nan] * len(params)
        return {"S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan}
    # A Generator, not an int: SALib's sobol.analyze ignores a seed of 0 (``if seed:``).
    si = sobol_analyze.analyze(salib_problem(params), y, calc_second_order=False,
                               num_resamples=resamples, conf_level=conf_level,
                               seed=np.random.default_rng(seed))
    return {k: [float(v) for v in si[k]] for k in ("S1", "S1_conf", "ST", "ST_conf")}


def most_influential(mu_star: Mapping[str, Sequence[float]], names: Sequence[str],
                     k: int) -> tuple[list[str], list[float]]:
    """The ``k`` parameters with the largest mu*, over several outputs.

    Each output's mu* is divided by its largest mu*, so every output counts alike; a
    parameter's score is its largest such share over the outputs, so each output's most
    influential parameter scores 1. Ties keep the problem's order.

    Returns:
        The chosen names (highest score first) and every parameter's score, in problem order.
    """
    shares = []
    for values in mu_star.values():
        v = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
        shares.append(v / v.max() if v.max() > 0 else np.zeros_like(v))
    score = np.max(shares, axis=0) if shares else np.zeros(len(names))
    order = sorted(range(len(names)), key=lambda i: (-score[i], i))
    return [names[i] for i in order[:k]], [float(s) for s in score]


def first_runs(x: np.ndarray, params: Sequence[Parameter], arm: str) -> list[int]:
    """For each sample row, the first row that runs the same job in ``arm``.

    A parameter sampled only in another arm keeps its config value here, so rows that
    differ only in it run the same job (a Morris step of that parameter, Saltelli's column
    of it); each such job runs once.
    """
    columns = [j for j, p in enumerate(params) if p.only is None or p.only == arm]
    first: dict[tuple[float, ...], int] = {}
    return [first.setdefault(tuple(x[i, columns]), i) for i in range(len(x))]


def jsonable(value: Any) -> Any:
    """``value`` with numpy types made plain and NaN or infinity made ``None`` (valid JSON)."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [jsonable(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value
