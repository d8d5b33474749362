"""Hydra plugin: the basic sweeper without its second composition of every job.

``sim`` composes and range-checks every point of a sweep before Hydra starts
(:func:`sim.cli.check`), so Hydra's own check of each batch, which composes every job's
config once more before launching it, only repeats that work.
"""


from collections.abc import Sequence
from dataclasses import dataclass

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper, BasicSweeperConf
from hydra.core.config_store import ConfigStore


@dataclass
class PrevalidatedSweeperConf(BasicSweeperConf):
    """Configuration of :class:`PrevalidatedSweeper` (that of the basic sweeper)."""

    _target_: str = "hydra_plugins.sim_sweeper.PrevalidatedSweeper"


class PrevalidatedSweeper(BasicSweeper):
    """Hydra's basic sweeper, trusting that every point was composed and checked already."""

    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        """Skip the per-batch composition: ``sim`` checked every point before starting."""


ConfigStore.instance().store(group="hydra/sweeper", name="prevalidated",
                             node=PrevalidatedSweeperConf, provider="sim")
