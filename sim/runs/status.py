"""A sweep's status file: the one channel between ``sim``, its sweepers and its callback.

``<sweep folder>/sweep_status.json`` is a JSON object, rewritten whole and atomically
(:func:`sim.results.write_text_atomic`) at each update, so that a reader never sees half
of it. Every writer runs in the command's own process (the driver, with every launcher);
the progress line reads the file once a second beside them. Its fields, each written by
one party and absent until it is:

* ``format`` (int): :data:`FORMAT`, written with every update.
* ``planned`` (int): points the sweep will run. Sim's callback writes it at the end of the
  sweep, from its ``planned`` setting (which ``sim`` sets from its check of every point)
  unless a sweeper wrote one; the SALib sweeper writes it when a stage starts (the whole
  sweep at first, exact once the Sobol stage's parameters are known). The progress line
  and the launcher error message read it.
* ``launcher_error`` (str or null): ``"Type: first line"`` of an error a launcher raised;
  written by the ``prevalidated`` and ``salib`` sweepers (null when their sweep starts).
  ``sim`` reads it for its exit code and one-line message.
* ``done_before`` (int): points already finished when this run of the sweep began (a
  resumed sweep skips them); written by the callback at the end, shown by the progress line.
* ``jobs``, ``complete``, ``failed`` (int) and ``failed_jobs`` (list of job folder names):
  the collection's count of job folders, complete ones and failed ones; written by the
  callback after it collected the sweep; ``sim`` reads them for its exit code and message.
* ``report`` (str or null) and ``report_error`` (str or null): the path of the report the
  callback built, or why it could not; ``sim`` prints them.
* ``collected`` (bool): true once the callback has written the fields above; ``sim``
  reports only a status whose sweep was collected.

``sim`` removes a stale file from an earlier run of the same folder before it starts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sim.results import write_text_atomic

#: The status file's name inside a sweep folder.
STATUS_FILE = "sweep_status.json"
#: Version of the file's layout.
FORMAT = 1


def path(sweep: str | Path) -> Path:
    """The status file of the sweep folder ``sweep``."""
    return Path(sweep) / STATUS_FILE


def read(sweep: str | Path) -> dict[str, Any]:
    """The status of the sweep folder ``sweep`` (an empty dict if it has none yet)."""
    try:
        data = json.loads(path(sweep).read_text())
    except FileNotFoundError:
        return {}
    return data if isinstance(data, dict) else {}


def update(sweep: str | Path, **fields: Any) -> dict[str, Any]:
    """Set ``fields`` in the status of ``sweep`` (others kept); write it atomically.

    Returns:
        The whole status as written.
    """
    data = {**read(sweep), **fields, "format": FORMAT}
    write_text_atomic(json.dumps(data, indent=1, default=str), path(sweep))
    return data


def clear(sweep: str | Path) -> None:
    """Remove the status of an earlier run of the sweep folder ``sweep``, if any."""
    path(sweep).unlink(missing_ok=True)


def error_line(exc: BaseException) -> str:
    """An exception as the one line the status keeps: ``"Type: first line"``."""
    lines = str(exc).splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"
