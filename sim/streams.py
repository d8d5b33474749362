"""Named random streams fanned out from one seed (MODEL.md §8).

Every source of randomness draws from its own ``numpy.random.Generator``, derived from
the run's seed with ``SeedSequence`` and a fixed key per name. Adding a stream, or a style
drawing more numbers from its own stream, never shifts anyone else's draws, so the same
seed gives the same population and the same shocks under every steering style (common
random numbers; Stout & Goldsman's paired comparisons).
"""

from __future__ import annotations

import numpy as np

#: Stream names and their fixed spawn keys. Never renumber: keys are part of the results.
STREAM_KEYS: dict[str, int] = {
    "population": 0,
    "network": 1,
    "needs": 2,
    "professionals": 3,
    "policy": 4,
    "arenas": 5,
    "measurement": 6,
    "cases": 7,
    "politicians": 8,
    "elections": 9,
    "take_up": 10,
}


class Streams:
    """A bundle of independent generators, one per name in ``STREAM_KEYS``."""

    # declared for readers and type checkers; created from STREAM_KEYS in __init__
    population: np.random.Generator
    network: np.random.Generator
    needs: np.random.Generator
    professionals: np.random.Generator
    policy: np.random.Generator
    arenas: np.random.Generator
    measurement: np.random.Generator
    cases: np.random.Generator
    politicians: np.random.Generator
    elections: np.random.Generator
    take_up: np.random.Generator

    def __init__(self, seed: int) -> None:
        """Derive every named stream from ``seed``."""
        self.seed = int(seed)
        for name, key in STREAM_KEYS.items():
            ss = np.random.SeedSequence(entropy=self.seed, spawn_key=(key,))
            setattr(self, name, np.random.Generator(np.random.PCG64(ss)))

    def __getitem__(self, name: str) -> np.random.Generator:
        """Return the stream called ``name``."""
        if name not in STREAM_KEYS:
            raise KeyError(f"unknown random stream {name!r}; known: {', '.join(STREAM_KEYS)}")
        return getattr(self, name)
