"""Kauffman's NK landscapes searched by one-bit flips, as a standalone submodel.

Kauffman & Weinberger 1989; Kauffman 1993, *The Origins of Order*, ch. 2; searched locally
as in Levinthal (1997), "Adaptation on rugged landscapes", *Management Science* 43(7):
934-950. A pure function of its arguments and a seed, vectorised with numpy over
landscapes and starts (arrays of shape (landscapes, starts, n)); it does not touch the
governance model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

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
