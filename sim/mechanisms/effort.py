"""Professionals' time allocation by the multitask utility (Holmström & Milgrom 1991).

A professional with linear marginal benefits ``b`` (one per use of time) chooses time
shares ``t >= 0`` with ``sum(t) <= available`` to maximise

    U(t) = b . t - 1/2 * sum_k t_k^2 - delta * sum_{k<l} t_k t_l,

the many-task form of the cost 1/2 (t1^2 + t2^2) + delta t1 t2 in pattern P1. The
quadratic form is ``1/2 t' C t`` with ``C = (1 - delta) I + delta 11'``, which makes the
solution closed-form on any active set: with ``m`` active uses and ``B`` their summed
benefit, ``T = B / (1 + (m - 1) delta)`` and ``t_k = (b_k - delta T) / (1 - delta)``.
When ``T`` exceeds the available time the budget binds and the solution is the Euclidean
projection of ``b / (1 - delta)`` onto the simplex of size ``available`` (Duchi et al.
2008). Both cases are vectorised over professionals by sorting benefits.
"""

from __future__ import annotations

import numpy as np


def allocate_time(benefit: np.ndarray, delta: float, available: np.ndarray) -> np.ndarray:
    """Return utility-maximising time shares.

    Args:
        benefit: marginal benefits, shape (n, k).
        delta: substitutability of effort between uses, in [0, 1).
        available: time available per professional, shape (n,), >= 0.

    Returns:
        Time shares of shape (n, k), non-negative, each row summing to at most ``available``.
    """
    n, k = benefit.shape
    desc = -np.sort(-benefit, axis=1)
    m = np.arange(1, k + 1, dtype=float)
    cums = np.cumsum(desc, axis=1)
    # Unconstrained solution: the largest active set whose smallest benefit stays positive.
    total = cums / (1.0 + (m - 1.0) * delta)
    ok = desc > delta * total
    m_free = np.maximum(ok.sum(axis=1), 1)
    t_sum = total[np.arange(n), m_free - 1]
    free = np.maximum(benefit - delta * t_sum[:, None], 0.0) / (1.0 - delta)
    # Budget binds: project b / (1 - delta) onto the simplex {t >= 0, sum t = available}.
    scaled = desc / (1.0 - delta)
    cum_scaled = np.cumsum(scaled, axis=1) - available[:, None]
    cond = scaled - cum_scaled / m > 0
    rho = np.maximum(cond.sum(axis=1), 1)
    tau = cum_scaled[np.arange(n), rho - 1] / rho
    bound = np.maximum(benefit / (1.0 - delta) - tau[:, None], 0.0)
    binds = free.sum(axis=1) > available
    return np.where(binds[:, None], bound, free)


def effort_response(alpha: float, b2: float, delta: float) -> tuple[float, float]:
    """Two-task interior response to incentive ``alpha`` on task 1 and benefit ``b2`` on task 2.

    Returns ``(t1, t2)`` solving ``C t = (alpha, b2)``: ``t2 = (b2 - delta alpha)/(1 - delta^2)``,
    so ``dt2/dalpha = -delta / (1 - delta^2)`` (Holmström & Milgrom 1991).
    """
    det = 1.0 - delta * delta
    return (alpha - delta * b2) / det, (b2 - delta * alpha) / det


def optimal_incentive(b1: float, b2: float, delta: float, risk_aversion: float,
                      noise_var: float) -> float:
    """Principal's optimal incentive on the measured task (Holmström & Milgrom 1991).

    ``alpha* = (b1 - delta b2) / (1 + r sigma^2 (1 - delta^2))`` for the value ``b1, b2`` of
    the two tasks to the principal, when only task 1 is measured (with noise variance
    ``sigma^2``) and the agent's risk aversion is ``r``.
    """
    return (b1 - delta * b2) / (1.0 + risk_aversion * noise_var * (1.0 - delta * delta))
