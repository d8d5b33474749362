"""The learning submodels at the package's face: March (1991).

A thin re-export of :mod:`sim.mechanisms.learning`: ``from sim.learning import march``.
It is not wired into the governance model.
"""

from sim.mechanisms.learning import (
    MarchRuns,
    code_knowledge,
    march,
    march_runs,
)

__all__ = [
    "MarchRuns", "code_knowledge", "march", "march_runs",
]
