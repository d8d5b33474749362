"""Hydra callbacks: a progress line during sweeps and collection at their end."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from sim.runs.jobs import ERROR, MARKER, collect

#: Outcome of the last sweep in this process: (sweep folder, jobs failed), for the exit code.
LAST_SWEEP: dict[str, Any] = {}
#: An error a launcher raised during the last sweep (set by the sim sweeper plugin).
LAUNCH_ERROR: dict[str, str] = {}


class SweepCallback(Callback):
    """Show points done / total with elapsed time and an estimate; collect at the end."""

    def __init__(self) -> None:
        """Create the callback (Hydra instantiates it from ``hydra/default.yaml``)."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the progress thread (launchers send callbacks to workers)."""
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Recreate the thread state after unpickling."""
        self.__init__()

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Start the progress line."""
        sweep = Path(config.hydra.sweep.dir)
        self._stop.clear()
        self._thread = threading.Thread(target=self._progress, args=(sweep,), daemon=True)
        self._thread.start()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Stop the progress line, collect the sweep and remember how many jobs failed."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        sweep = Path(config.hydra.sweep.dir)
        _, status = collect(sweep)
        failed = status[status["status"] == "failed"]
        LAST_SWEEP.clear()
        LAST_SWEEP.update(folder=sweep, failed=len(failed), jobs=len(status),
                          failed_jobs=list(failed["job"]),
                          complete=int((status["status"] == "complete").sum()))
        if config.get("analysis", {}).get("name") and len(failed) == 0 and not LAUNCH_ERROR \
                and LAST_SWEEP["complete"]:
            from sim.reporting.report import build_report

            try:
                LAST_SWEEP["report"] = build_report(sweep)
            except Exception as exc:  # noqa: BLE001 - results are safe; say why the report is not
                LAST_SWEEP["report_error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"

    def _progress(self, sweep: Path) -> None:
        """Redraw the line every second; the total is read each time (a sweeper may set it)."""
        start = time.monotonic()
        before = _count(sweep)  # a resumed sweep's points already done
        earlier = f" ({before} before this run)" if before else ""
        while not self._stop.wait(1.0):
            total = _total()
            done = _count(sweep)
            elapsed = time.monotonic() - start
            rate = (done - before) / elapsed  # the estimate counts this run's points only
            eta = f", about {(total - done) / rate:.0f} s left" if rate > 0 and total else ""
            of = f"/{total}" if total else ""
            sys.stderr.write(f"\rsweep: {done}{of} points done{earlier}, {elapsed:.0f} s elapsed"
                             f"{eta}   ")
            sys.stderr.flush()
        total = _total()
        sys.stderr.write(f"\rsweep: {_count(sweep)}{'/' + str(total) if total else ''} points "
                         f"done{earlier}, {time.monotonic() - start:.0f} s{' ' * 30}\n")


def _total() -> int:
    """Points the sweep will run: set by ``sim`` before it starts, or by an adaptive sweeper."""
    return int(os.environ.get("SIM_SWEEP_TOTAL", "0"))


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
