"""Hydra callbacks: a progress line during sweeps and collection at their end.

What the sweep's parties tell each other goes through the sweep folder's status file
(:mod:`sim.runs.status`): the callback reads the planned total from it (a sweeper may
set it) and writes the collection's outcome into it for ``sim`` to report.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from sim.runs import status
from sim.runs.jobs import ERROR, MARKER, collect


class SweepCallback(Callback):
    """Show points done / total with elapsed time and an estimate; collect at the end.

    Args:
        planned: points the sweep will run, if known (``sim`` sets it from its check of
            every point); a sweeper that plans its own points writes its count into the
            status file, which takes precedence. 0: unknown.
    """

    def __init__(self, planned: int = 0) -> None:
        """Create the callback (Hydra instantiates it from ``hydra/default.yaml``)."""
        self.planned = int(planned)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._before = 0

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the progress thread (launchers send callbacks to workers)."""
        return {"planned": self.planned}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Recreate the thread state after unpickling."""
        SweepCallback.__init__(self, **state)

    def total(self, sweep: Path) -> int:
        """Points the sweep will run: a sweeper's count in the status file, else ``planned``."""
        return int(status.read(sweep).get("planned") or self.planned)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Count the points done before this run; start the progress line."""
        sweep = Path(config.hydra.sweep.dir)
        self._before = _count(sweep)  # a resumed sweep's points already done
        self._stop.clear()
        self._thread = threading.Thread(target=self._progress, args=(sweep,), daemon=True)
        self._thread.start()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Stop the progress line, collect the sweep and write the outcome to its status."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        sweep = Path(config.hydra.sweep.dir)
        _, table = collect(sweep)
        failed = table[table["status"] == "failed"]
        outcome: dict[str, Any] = {
            "planned": self.total(sweep), "done_before": self._before, "jobs": len(table),
            "complete": int((table["status"] == "complete").sum()), "failed": len(failed),
            "failed_jobs": [str(j) for j in failed["job"]], "report": None, "report_error": None,
        }
        launch_error = status.read(sweep).get("launcher_error")
        if config.get("analysis", {}).get("name") and not outcome["failed"] and not launch_error \
                and outcome["complete"]:
            from sim.reporting.report import build_report

            try:
                outcome["report"] = str(build_report(sweep))
            except Exception as exc:  # noqa: BLE001 - results are safe; say why the report is not
                outcome["report_error"] = status.error_line(exc)
        status.update(sweep, **outcome, collected=True)

    def _progress(self, sweep: Path) -> None:
        """Redraw the line every second; the total is read each time (a sweeper may set it)."""
        start = time.monotonic()
        before = self._before
        earlier = f" ({before} before this run)" if before else ""
        while not self._stop.wait(1.0):
            total = self.total(sweep)
            done = _count(sweep)
            elapsed = time.monotonic() - start
            rate = (done - before) / elapsed  # the estimate counts this run's points only
            eta = f", about {(total - done) / rate:.0f} s left" if rate > 0 and total else ""
            of = f"/{total}" if total else ""
            sys.stderr.write(f"\rsweep: {done}{of} points done{earlier}, {elapsed:.0f} s elapsed"
                             f"{eta}   ")
            sys.stderr.flush()
        total = self.total(sweep)
        sys.stderr.write(f"\rsweep: {_count(sweep)}{'/' + str(total) if total else ''} points "
                         f"done{earlier}, {time.monotonic() - start:.0f} s{' ' * 30}\n")


def _count(sweep: Path) -> int:
    """Finished points: job folders with a completion marker or an error (two stats each).

    Cheap on purpose: it runs every second beside the jobs (in their process, with the
    basic launcher).
    """
    if not sweep.is_dir():
        return 0
    done = 0
    with os.scandir(sweep) as entries:
        for entry in entries:
            if entry.is_dir() and (os.path.exists(os.path.join(entry.path, MARKER))
                                   or os.path.exists(os.path.join(entry.path, ERROR))):
                done += 1
    return done
