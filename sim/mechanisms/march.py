"""March (1991) as a standalone submodel, docked against the paper's Figure 1.

March, "Exploration and exploitation in organizational learning", *Organization Science*
2(1): 71-87: mutual learning between an organisational code and its members in a closed
system. A pure function of its arguments and a seed, vectorised with numpy over
independent runs (arrays of shape (runs, n, m)), for docking (Axtell, Axelrod, Epstein &
Cohen 1996) and for later use as a building block; it does not touch the governance model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

#: How the code learns and how it is scored; see :func:`march_runs`.
MarchRule = Literal["program", "text"]
#: How equilibrium knowledge is measured; see :func:`code_knowledge`.
Knowledge = Literal["score", "share"]

#: Periods after which an unfinished run is stopped; March's runs settle in a few hundred.
MAX_PERIODS = 10_000


@dataclass(frozen=True)
class MarchRuns:
    """The end of every run of :func:`march_runs`.

    Attributes:
        knowledge: the code's knowledge of reality when the run stopped, shape (runs,).
        periods: periods each run took to reach equilibrium, shape (runs,).
        converged: whether the run reached equilibrium within ``max_periods``.
    """

    knowledge: np.ndarray
    periods: np.ndarray
    converged: np.ndarray


def coins(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Fair +1/-1 draws (int8) of the given shape, one random bit each."""
    size = int(np.prod(shape))
    bits = np.unpackbits(rng.integers(0, 256, size=(size + 7) // 8, dtype=np.uint8), count=size)
    return (2 * bits.view(np.int8) - 1).reshape(shape)


def code_knowledge(code: np.ndarray, reality: np.ndarray, knowledge: Knowledge = "score") -> np.ndarray:
    """The code's knowledge of reality, one value per row (run).

    Two measures, both counting a 0 (no belief) as not knowing:

    * ``"score"`` — the score of March's program (Rodan 2005; Christensen 2015):
      ``K = (1/m) * sum_j code_j * reality_j``: +1 for a right belief, -1 for a wrong one,
      0 for none. Figure 1 of March (1991) is on this scale. At equilibrium the code holds
      a belief on every dimension, so there ``K = 2 * share - 1``.
    * ``"share"`` — the share of the m dimensions on which the code equals reality, as the
      paper's text words it ("the proportion of reality that is correctly represented").

    Args:
        code: beliefs in {-1, 0, +1}, shape (runs, m).
        reality: +1/-1, shape (runs, m).
        knowledge: ``"score"`` or ``"share"``.
    """
    if knowledge == "score":
        return np.asarray((code * reality).mean(axis=1, dtype=float))
    if knowledge == "share":
        return np.asarray((code == reality).mean(axis=1, dtype=float))
    raise ValueError(f"knowledge must be 'score' or 'share', not {knowledge!r}")


def march_runs(p1: float, p2: float, *, m: int = 30, n: int = 50, runs: int = 80, seed: int = 0,
               max_periods: int = MAX_PERIODS, rule: MarchRule = "program",
               knowledge: Knowledge = "score") -> MarchRuns:
    """March's closed-system model of mutual learning, ``runs`` independent runs at once.

    Reality is an m-vector of +1/-1, each value equally likely and independent. The
    organisational code starts at 0 on every dimension; each of n individuals starts with a
    belief in {-1, 0, +1}, equally likely, on each dimension. Every period two updates act
    at once, both computed from the state at the start of the period ("at the same time",
    March 1991: 74; in March's program the individuals act and the superior group is found
    before socialisation, and the code learns after it from those earlier actions, which is
    the same thing):

    * Socialisation: where the code is non-zero and individual i's belief b_ij differs from
      it, the belief moves toward the code c_j with probability p1, independently for each
      (i, j).
    * Code learning: the superior group S is the individuals who do better than the code;
      on each dimension let d_j = sum_{i in S} a_ij, the majority view v_j = sign(d_j) and
      k_j = |d_j| (the number in S holding the majority view minus the number holding the
      opposite one). If v_j != 0 and v_j != c_j, the code adopts v_j with probability
      ``1 - (1 - p2) ** k_j`` (March's footnote 1: it stays unchanged with probability
      ``(1 - p2) ** k``). A tie (d_j = 0) leaves the code unchanged.

    The two rules differ where the paper's text leaves March's program unsaid:

    * ``rule="program"`` (the default) — the steps of March's own program that the paper
      leaves out, as Rodan (2005) and Christensen (2015) describe them (Christensen's
      account as quoted in Workiewicz's 2019 recreation, github.com/Mac13kW/
      March_1991_Original); with them the model reproduces Figure 1: an individual acts
      on each belief, tossing a fair coin where the belief is 0 (a_ij = +1 or -1); the
      superior group is those whose actions score more than the code,
      ``sum_j a_ij r_j > sum_j c_j r_j``; socialisation is gradual, one step toward the
      code (a belief opposite to the code becomes 0, a 0 becomes the code's value); and
      knowledge is that score, see :func:`code_knowledge`.
    * ``rule="text"`` — the paper's verbal description (March 1991: 74): a_ij = b_ij
      (beliefs vote, a 0 for neither side, so k is the majority's excess over the opposite
      view; the footnote's literal "number who differ from the code minus the number who do
      not" moves the means by up to 0.03 and does no better); the superior group is those whose beliefs
      equal reality on more dimensions than the code's do; socialisation adopts the code's
      value at once. It does not reproduce Figure 1's levels (the shares it reaches are
      0.86 and 0.69 at p2 = 0.9, p1 = 0.1 and 0.9, where the figure has 0.97 and 0.73).

    A run stops when no update has positive probability any more, or after
    ``max_periods``. That is March's equilibrium (1991: 75), "all individuals and the code
    share the same (not necessarily accurate) belief with respect to each dimension": the
    code then holds a belief on every dimension (in principle a run could also freeze with
    the code at 0 where nobody can beat it; no run measured did).

    Args:
        p1: socialisation rate, the individuals' learning from the code.
        p2: the code's learning rate from the superior group.
        m: dimensions of reality (March: 30).
        n: individuals (March: 50).
        runs: independent runs (March: 80).
        seed: seed of the run's random numbers (numpy's default generator).
        max_periods: periods after which an unfinished run stops.
        rule: ``"program"`` or ``"text"``, as above.
        knowledge: how the code's knowledge is measured, see :func:`code_knowledge`.

    Returns:
        Each run's knowledge at its stop, periods taken and whether it converged.
    """
    if not (0.0 <= p1 <= 1.0 and 0.0 <= p2 <= 1.0):
        raise ValueError(f"p1 and p2 are probabilities, got {p1}, {p2}")
    if rule not in ("program", "text"):
        raise ValueError(f"rule must be 'program' or 'text', not {rule!r}")
    rng = np.random.default_rng(seed)
    reality = coins(rng, (runs, m))
    beliefs = rng.integers(-1, 2, size=(runs, n, m), dtype=np.int8)
    code = np.zeros((runs, m), dtype=np.int8)

    result = np.zeros(runs)
    periods = np.full(runs, max_periods)
    converged = np.zeros(runs, dtype=bool)
    live = np.arange(runs)  # the runs still going; a finished run leaves the arrays
    r, b, c = reality, beliefs, code
    for period in range(max_periods):
        # socialisation can still act where a belief differs from a non-zero code
        differ = (c != 0)[:, None, :] & (b != c[:, None, :])
        can_socialise = differ.any(axis=(1, 2)) & (p1 > 0)
        if rule == "program":
            code_score = (c * r).sum(axis=1, dtype=np.int32)
            zero = (b == 0).view(np.int8)
            # a run nobody can socialise learns only if someone can beat the code: at best
            # every 0 belief's coin lands right
            can_learn = np.zeros(live.size, dtype=bool)
            idle = ~can_socialise
            if p2 > 0 and idle.any():
                best = (b[idle] * r[idle, None, :] + zero[idle]).sum(axis=2, dtype=np.int32)
                can_learn[idle] = (best > code_score[idle, None]).any(axis=1)
            acts = b + zero * coins(rng, b.shape)
            superior = (acts * r[:, None, :]).sum(axis=2, dtype=np.int32) > code_score[:, None]
        else:
            code_score = (c == r).sum(axis=1, dtype=np.int32)
            acts = b
            superior = (b == r[:, None, :]).sum(axis=2, dtype=np.int32) > code_score[:, None]
        # d_j: the superior group's votes for +1 minus its votes for -1
        votes = np.matmul(superior.astype(np.float32)[:, None, :], acts.astype(np.float32))[:, 0, :]
        view = np.sign(votes).astype(np.int8)
        learn = (view != 0) & (view != c)
        if rule == "text":
            can_learn = learn.any(axis=1) & (p2 > 0)
        done = ~(can_socialise | can_learn)
        if done.any():
            result[live[done]] = code_knowledge(c[done], r[done], knowledge)
            periods[live[done]] = period
            converged[live[done]] = True
            keep = ~done
            live, r, b, c = live[keep], r[keep], b[keep], c[keep]
            differ, learn, view, votes = differ[keep], learn[keep], view[keep], votes[keep]
            if live.size == 0:
                break
        # code learning, from the votes of the period's start
        adopt = learn & (rng.random(c.shape) < 1.0 - (1.0 - p2) ** np.abs(votes))
        new_code = np.where(adopt, view, c)
        # socialisation, toward the code of the period's start
        moved = differ & (rng.random(b.shape, dtype=np.float32) < p1)
        if rule == "program":
            b = b + moved.view(np.int8) * c[:, None, :]  # one step: -c -> 0, 0 -> c
        else:
            b = np.where(moved, c[:, None, :], b)
        c = new_code
    if live.size:  # stopped by max_periods before equilibrium
        result[live] = code_knowledge(c, r, knowledge)
    return MarchRuns(knowledge=result, periods=periods, converged=converged)


def march(p1: float, p2: float, *, m: int = 30, n: int = 50, runs: int = 80, seed: int = 0,
          max_periods: int = MAX_PERIODS, rule: MarchRule = "program",
          knowledge: Knowledge = "score") -> np.ndarray:
    """Equilibrium knowledge of the organisational code in each of ``runs`` runs of March (1991).

    The model, its two rules and the stopping rule are those of :func:`march_runs`; the
    default reproduces March's Figure 1 (m = 30, n = 50, the mean over runs against p1 for
    p2 = 0.1, 0.5, 0.9). Knowledge is ``(1/m) * sum_j code_j * reality_j`` by default
    (see :func:`code_knowledge`).

    Args:
        p1: socialisation rate.
        p2: code learning rate.
        m: dimensions of reality.
        n: individuals.
        runs: independent runs.
        seed: seed of the random numbers.
        max_periods: periods after which an unfinished run stops (its knowledge then).
        rule: ``"program"`` (March's program) or ``"text"`` (the paper's wording).
        knowledge: ``"score"`` or ``"share"``.

    Returns:
        Equilibrium knowledge per run, shape (runs,).
    """
    return march_runs(p1, p2, m=m, n=n, runs=runs, seed=seed, max_periods=max_periods, rule=rule,
                      knowledge=knowledge).knowledge
