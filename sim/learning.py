"""The learning submodels, March (1991) and NK landscapes, at the package's face.

A thin re-export of :mod:`sim.mechanisms.march` and :mod:`sim.mechanisms.nk`:
``from sim.learning import march, nk``.
Neither submodel is wired into the governance model.
"""

from sim.mechanisms.march import MarchRuns, code_knowledge, march, march_runs
from sim.mechanisms.nk import (
    LocalOptima,
    NKLandscapes,
    NKWalks,
    local_optima,
    local_search,
    nk,
    nk_landscapes,
)

__all__ = [
    "LocalOptima", "MarchRuns", "NKLandscapes", "NKWalks", "code_knowledge", "local_optima",
    "local_search", "march", "march_runs", "nk", "nk_landscapes",
]
