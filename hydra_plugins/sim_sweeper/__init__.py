"""Hydra plugin: the basic sweeper for ``sim``.

* It does not compose every job twice: ``sim`` composes and range-checks every point of a
  sweep before Hydra starts (:func:`sim.runs.cli.check`), so Hydra's check of each batch, which
  composes every job's config once more before launching it, only repeats that work.
* A launcher that raises (a cluster job killed, a worker lost) does not end the sweep
  with a traceback: the error goes to the sweep's status file (:mod:`sim.runs.status`,
  ``launcher_error``) for ``sim`` to report in one line, and the points that finished
  are still collected.
* Jobs that choose the same config groups are composed once, as a template, and each job
  gets a copy with its own values set (:mod:`sim.runs.templates`): about 7 ms a job instead of
  50 ms. The loader travels to the launcher's workers, which keep their own templates.
"""


from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper, BasicSweeperConf
from hydra.core.config_store import ConfigStore
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig

from sim.runs import status
from sim.runs.templates import with_templates


@dataclass
class PrevalidatedSweeperConf(BasicSweeperConf):
    """Configuration of :class:`PrevalidatedSweeper` (that of the basic sweeper)."""

    _target_: str = "hydra_plugins.sim_sweeper.PrevalidatedSweeper"


class PrevalidatedSweeper(BasicSweeper):
    """Hydra's basic sweeper, trusting that every point was composed and checked already."""

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction,
              config: DictConfig) -> None:
        """Compose jobs from templates (:mod:`sim.runs.templates`), then set up as Hydra does."""
        hydra_context = with_templates(hydra_context)
        super().setup(hydra_context=hydra_context, task_function=task_function, config=config)

    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        """Skip the per-batch composition: ``sim`` checked every point before starting."""

    def sweep(self, arguments: list[str]) -> Any:
        """Run the sweep; write a launcher's error to the sweep's status instead of raising it."""
        assert self.config is not None
        sweep = Path(str(self.config.hydra.sweep.dir))
        status.update(sweep, launcher_error=None)
        try:
            return super().sweep(arguments)
        except Exception as exc:  # noqa: BLE001 - reported by sim in one line, then collected
            status.update(sweep, launcher_error=status.error_line(exc))
            return []


ConfigStore.instance().store(group="hydra/sweeper", name="prevalidated",
                             node=PrevalidatedSweeperConf, provider="sim")
