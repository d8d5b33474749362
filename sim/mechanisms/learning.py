"""Two standalone learning submodels, docked against their published results.

Neither touches the governance model: they are pure functions of their arguments and a
seed, vectorised with numpy, for docking (Axtell, Axelrod, Epstein & Cohen 1996) and for
later use as building blocks.

* :func:`march` — March (1991), "Exploration and exploitation in organizational
  learning", *Organization Science* 2(1): 71-87: mutual learning between an
  organisational code and its members in a closed system (the paper's Figure 1).
* :func:`nk` — Kauffman's NK landscapes (Kauffman & Weinberger 1989; Kauffman 1993,
  *The Origins of Order*, ch. 2), searched locally by one-bit flips as in Levinthal
  (1997), "Adaptation on rugged landscapes", *Management Science* 43(7): 934-950.

Both simulate many independent replicates at once: March's runs as arrays of shape
(runs, n, m), NK landscapes as (landscapes, starts, n).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

# ---------------------------------------------------------------------------------------
# March (1991): mutual learning of the code and the individuals
# ---------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------
# NK landscapes (Kauffman 1993) searched by one-bit flips (Levinthal 1997)
# ---------------------------------------------------------------------------------------

#: Who an element's contribution depends on; see :func:`nk_landscapes`.
Neighbours = Literal["ring", "random"]
#: How a walk picks its next one-bit flip; see :func:`local_search`.
Search = Literal["steepest", "random"]

#: Largest n whose local optima :func:`nk` counts by default (2**n genotypes each).
ENUMERATE_UP_TO = 12
#: Largest n whose local optima :func:`local_optima` will enumerate at all.
ENUMERATE_LIMIT = 16
#: Most contribution-table entries drawn at once (landscapes x n x 2**(k+1)): 2**24, 128 MB.
TABLE_LIMIT = 2**24


@dataclass(frozen=True)
class NKLandscapes:
    """Independent NK landscapes over genotypes of n bits.

    Attributes:
        n: elements (bits) of a genotype.
        k: elements besides itself that each element's contribution depends on.
        inputs: positions each element reads, itself first, shape (landscapes, n, k + 1).
        table: contribution of element i for each state of its inputs, U(0, 1), shape
            (landscapes, n, 2**(k + 1)); the state is ``sum_b x[inputs[i, b]] * 2**b``.
    """

    n: int
    k: int
    inputs: np.ndarray
    table: np.ndarray

    @property
    def count(self) -> int:
        """Number of landscapes."""
        return int(self.table.shape[0])

    def weights(self) -> np.ndarray:
        """Matrix taking a genotype to its elements' table rows, shape (landscapes, n, n).

        ``x @ weights[l]`` gives, for each element i, ``sum_b x[inputs[l, i, b]] * 2**b``.
        """
        w = np.zeros((self.count, self.n, self.n))
        lands = np.arange(self.count)[:, None, None]
        elements = np.arange(self.n)[None, :, None]
        np.add.at(w, (lands, self.inputs, elements), 2.0 ** np.arange(self.k + 1))
        return w

    def fitness(self, genotypes: np.ndarray, which: np.ndarray | None = None) -> np.ndarray:
        """Fitness of genotypes, the mean of the n elements' contributions.

        ``F(x) = (1/n) * sum_i f_i(x_i, x_{i_1}, ..., x_{i_k})``, each f_i a table of
        independent U(0, 1) draws (Kauffman 1993, ch. 2).

        Args:
            genotypes: 0/1 array of shape (landscapes, ..., n), or (walks, ..., n) with
                ``which``.
            which: the landscape of each row of ``genotypes``; default row l is landscape l.

        Returns:
            Fitness, shape ``genotypes.shape[:-1]``.
        """
        lands = np.arange(self.count) if which is None else np.asarray(which)
        return _fitness(self.table, self.weights()[lands], lands, genotypes)


def _fitness(table: np.ndarray, weights: np.ndarray, lands: np.ndarray, genotypes: np.ndarray) -> np.ndarray:
    """Fitness of ``genotypes`` (rows, ..., n) on landscapes ``lands`` (rows,) whose weights are given."""
    rows, n = genotypes.shape[0], genotypes.shape[-1]
    g = genotypes.reshape(rows, -1, n).astype(float)
    state = np.matmul(g, weights).astype(np.int64)  # (rows, points, n): each element's table row
    size = table.shape[-1]
    flat = (lands[:, None, None] * n + np.arange(n)[None, None, :]) * size + state
    return np.asarray(table.take(flat).mean(axis=-1).reshape(genotypes.shape[:-1]))


def nk_landscapes(n: int, k: int, *, landscapes: int, rng: np.random.Generator,
                  neighbours: Neighbours = "ring") -> NKLandscapes:
    """Draw independent NK landscapes (Kauffman & Weinberger 1989; Kauffman 1993, ch. 2).

    Each element i's contribution depends on its own state and the states of k other
    elements; every one of the 2**(k+1) states of those k + 1 bits gets its own
    contribution drawn from U(0, 1), independently across elements and landscapes.

    Args:
        n: elements of a genotype.
        k: epistatic inputs of each element, 0 <= k <= n - 1.
        landscapes: how many landscapes.
        rng: numpy random generator.
        neighbours: ``"ring"`` — the k elements that follow i on a ring, i + 1, ..., i + k
            (mod n), Kauffman's adjacent neighbourhoods (centring the window on i instead
            only changes which element owns which window, so the landscapes have the same
            law); ``"random"`` — k distinct other elements drawn at random for each element
            and landscape, Kauffman's random interactions. For k = 0 and k = n - 1 the two
            schemes give landscapes of the same law.

    Returns:
        The landscapes.
    """
    if not 0 <= k < n:
        raise ValueError(f"need 0 <= k < n, got n={n}, k={k}")
    if landscapes * n * 2 ** (k + 1) > TABLE_LIMIT:
        raise ValueError(f"{landscapes} landscapes of n={n}, k={k} need more than {TABLE_LIMIT} "
                         "table entries: draw fewer landscapes at a time")
    own = np.arange(n)
    if neighbours == "ring":
        inputs = (own[:, None] + np.arange(k + 1)[None, :]) % n
        inputs = np.broadcast_to(inputs, (landscapes, n, k + 1)).copy()
    elif neighbours == "random":
        # k distinct others per element: the k smallest of random keys, own position excluded
        keys = rng.random((landscapes, n, n))
        keys[:, own, own] = np.inf
        others = np.argsort(keys, axis=2)[:, :, :k]
        inputs = np.concatenate([np.broadcast_to(own[None, :, None], (landscapes, n, 1)), others], axis=2)
    else:
        raise ValueError(f"neighbours must be 'ring' or 'random', not {neighbours!r}")
    table = rng.random((landscapes, n, 2 ** (k + 1)))
    return NKLandscapes(n=n, k=k, inputs=inputs, table=table)


def local_search(land: NKLandscapes, starts: np.ndarray, *, rng: np.random.Generator,
                 search: Search = "steepest") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-bit-flip hill climbing from every start until no single flip improves fitness.

    Each walk evaluates the n one-bit mutants of its genotype and moves while one is
    fitter:

    * ``search="steepest"`` — to the fittest mutant (greedy, steepest-ascent local search);
    * ``search="random"`` — to a mutant drawn uniformly from the fitter ones, Kauffman's
      fitter-mutant adaptive walk (1993, ch. 2); it stops where Levinthal's (1997) local
      search does, which tries one random flip a period and keeps it if fitter.

    Every walk ends on a local optimum: a genotype no one-bit mutant beats. All walks run
    at once; a walk that has stopped is dropped from the arrays.

    Args:
        land: the landscapes.
        starts: 0/1 start genotypes, shape (landscapes, starts, n).
        rng: random generator (used by ``search="random"``).
        search: ``"steepest"`` or ``"random"``.

    Returns:
        ``(optima, fitness, steps)``: the genotypes reached (landscapes, starts, n), their
        fitness and the number of moves each walk made (landscapes, starts).
    """
    if search not in ("steepest", "random"):
        raise ValueError(f"search must be 'steepest' or 'random', not {search!r}")
    n_land, n_start, n = starts.shape
    weights = land.weights()
    g = starts.reshape(-1, n).astype(np.int8)
    lands = np.repeat(np.arange(n_land), n_start)
    fit = _fitness(land.table, weights[lands], lands, g)
    steps = np.zeros(g.shape[0], dtype=np.int64)
    live = np.arange(g.shape[0])
    flips = np.eye(n, dtype=np.int8)
    while live.size:
        mutants = g[live][:, None, :] ^ flips[None, :, :]  # (walks, n, n): flip bit j
        mutant_fit = _fitness(land.table, weights[lands[live]], lands[live], mutants)
        fitter = mutant_fit > fit[live][:, None]
        if search == "steepest":
            pick = np.argmax(mutant_fit, axis=1)
        else:
            pick = np.argmax(np.where(fitter, rng.random(fitter.shape), -1.0), axis=1)
        moves = fitter.any(axis=1)
        walkers = live[moves]
        g[walkers] = mutants[moves, pick[moves]]
        fit[walkers] = mutant_fit[moves, pick[moves]]
        steps[walkers] += 1
        live = walkers
    return g.reshape(starts.shape), fit.reshape(n_land, n_start), steps.reshape(n_land, n_start)


@dataclass(frozen=True)
class LocalOptima:
    """Every local optimum of each landscape, by enumeration of its 2**n genotypes.

    Attributes:
        count: local optima per landscape, shape (landscapes,).
        mean_fitness: mean fitness over each landscape's local optima, shape (landscapes,).
        global_max: the fittest genotype's fitness, shape (landscapes,).
    """

    count: np.ndarray
    mean_fitness: np.ndarray
    global_max: np.ndarray


def local_optima(land: NKLandscapes) -> LocalOptima:
    """Enumerate the genotypes of each landscape and find its local optima (n <= 16).

    A local optimum is a genotype fitter than each of its n one-bit mutants; contributions
    are continuous, so ties have probability 0. For k = 0 there is exactly one: each
    element takes its better state independently. For k = n - 1 the fitnesses of distinct
    genotypes are independent, so each is a local optimum with probability 1/(n + 1) and
    the expected count is ``2**n / (n + 1)`` (Kauffman & Levin 1987; Kauffman 1993, ch. 2).

    Args:
        land: the landscapes.

    Returns:
        Count and mean fitness of the local optima, and the global maximum, per landscape.
    """
    n = land.n
    if n > ENUMERATE_LIMIT:
        raise ValueError(f"enumerating 2**{n} genotypes is too many (n <= {ENUMERATE_LIMIT})")
    codes = np.arange(2**n)
    genotypes = ((codes[:, None] >> np.arange(n)[None, :]) & 1).astype(np.int8)  # (2**n, n)
    lands = np.arange(land.count)
    weights = land.weights()
    # a batch of landscapes at a time keeps (batch, 2**n, n) arrays near 2**22 entries
    batch = max(1, 2**22 // (2**n * n))
    count, mean_fitness, best = (np.zeros(land.count) for _ in range(3))
    for lo in range(0, land.count, batch):
        part = lands[lo:lo + batch]
        f = _fitness(land.table, weights[part], part,
                     np.broadcast_to(genotypes, (part.size, *genotypes.shape)))  # (batch, 2**n)
        neighbour = codes[:, None] ^ (1 << np.arange(n))[None, :]  # (2**n, n)
        peak = (f[:, :, None] > f[:, neighbour]).all(axis=2)
        count[part] = peak.sum(axis=1)
        mean_fitness[part] = (f * peak).sum(axis=1) / count[part]
        best[part] = f.max(axis=1)
    return LocalOptima(count=count.astype(np.int64), mean_fitness=mean_fitness, global_max=best)


@dataclass(frozen=True)
class NKWalks:
    """What :func:`nk` returns.

    Attributes:
        fitness: fitness of the local optimum each walk reached, shape (landscapes, starts).
        steps: moves each walk made, shape (landscapes, starts).
        optima: local optima of each landscape by enumeration, or ``None`` when not counted.
    """

    fitness: np.ndarray
    steps: np.ndarray
    optima: LocalOptima | None


def nk(n: int, k: int, *, landscapes: int, starts: int = 1, seed: int = 0,
       neighbours: Neighbours = "ring", search: Search = "steepest",
       count_optima: bool | None = None) -> NKWalks:
    """Local search on random NK landscapes: where walks from random starts end up.

    Draws ``landscapes`` independent NK landscapes (:func:`nk_landscapes`), starts
    ``starts`` walks on each from genotypes drawn uniformly from the 2**n, and climbs by
    one-bit flips to a local optimum (:func:`local_search`). For K = 0 every walk ends on
    the single optimum, whose expected fitness is 2/3 (each element takes the better of
    two U(0, 1) draws, ``E[max(U1, U2)] = 2/3``); as K grows the landscape grows rugged,
    local optima multiply and, past small K, the optima walks reach fall toward the mean
    fitness 0.5: Kauffman's complexity catastrophe (1993, ch. 2).

    Args:
        n: elements of a genotype.
        k: epistatic inputs of each element.
        landscapes: independent landscapes (drawn in batches of at most
            :data:`TABLE_LIMIT` table entries).
        starts: walks per landscape.
        seed: seed of the random numbers.
        neighbours: ``"ring"`` or ``"random"`` (see :func:`nk_landscapes`).
        search: ``"steepest"`` or ``"random"`` (see :func:`local_search`).
        count_optima: also enumerate each landscape's local optima (:func:`local_optima`);
            default when n <= 12.

    Returns:
        Each walk's end fitness and moves, and the landscapes' local optima if counted.
    """
    rng = np.random.default_rng(seed)
    count = n <= ENUMERATE_UP_TO if count_optima is None else count_optima
    # landscapes are drawn and searched a batch at a time, so their tables fit TABLE_LIMIT
    batch = max(1, TABLE_LIMIT // (n * 2 ** (k + 1)))
    fitness, steps, optima = [], [], []
    for lo in range(0, landscapes, batch):
        land = nk_landscapes(n, k, landscapes=min(batch, landscapes - lo), rng=rng, neighbours=neighbours)
        start = rng.integers(0, 2, size=(land.count, starts, n), dtype=np.int8)
        _, fit, moves = local_search(land, start, rng=rng, search=search)
        fitness.append(fit)
        steps.append(moves)
        if count:
            optima.append(local_optima(land))
    found = None
    if count:
        found = LocalOptima(*(np.concatenate([getattr(o, name) for o in optima])
                              for name in ("count", "mean_fitness", "global_max")))
    return NKWalks(fitness=np.concatenate(fitness), steps=np.concatenate(steps), optima=found)
