"""A throwaway single-node Ray cluster on 127.0.0.1, as a session-scoped pytest fixture.

:func:`ray_head` runs ``ray start --head --block`` (the Python running the tests, so its
workers import the same ``sim``) in its own process group, with its own ports, its own
temporary folder (sessions, sockets, logs) as ``--temp-dir`` and working directory, waits
until a driver can connect and run a task, and yields a :class:`RayHead`. At teardown it
stops exactly what it started: SIGTERM to the ``ray start`` PID (Ray drains and stops its
processes), then SIGKILL to that process group and to any descendant that left the
group (Ray's workers run in sessions of their own), and removes the folder. Never
``ray stop``, which would stop every Ray cluster on the machine.

What this Ray (2.60) needs here, each checked on this machine:

* ``--node-ip-address=127.0.0.1`` is replaced by the machine's network address (and the
  GCS listens on every interface) unless ``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0``; the
  driver needs it too, or it resolves 127.0.0.1 the same way and times out connecting.
* ``RAY_AUTH_MODE=disabled`` on both sides: otherwise a token in ``~/.ray/auth_token``
  (left by any earlier local ``ray.init()``) silently turns token authentication on.
* Workers inherit the environment and working directory of ``ray start``, not of the
  driver: outputs must go to absolute paths.
* On SIGTERM, ``ray start --block`` first drains the node for up to 30 s while a driver
  is still connected; ``RAY_GRACEFUL_SHUTDOWN_DRAIN_TIMEOUT_S=0`` makes it stop at once.

If ``ray`` or the Hydra plugin cannot be imported, the fixture skips, naming the packages.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.ports import free_ports

#: What to install when the fixture skips (the versions pyproject pins).
INSTALL = "pip install 'ray[default]==2.60.0' 'hydra-ray-launcher==1.2.2'"
#: Environment for ``ray start`` and for every driver that connects to it.
RAY_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_AUTH_MODE": "disabled",
           "RAY_USAGE_STATS_ENABLED": "0"}
START_TIMEOUT_S = 90
STOP_TIMEOUT_S = 20

#: A driver that connects and runs one task: the cluster is usable, not just listening.
PROBE = """
import ray, sys
ray.init(address=sys.argv[1], log_to_driver=False)
assert ray.get(ray.remote(num_cpus=1)(lambda: 42).remote(), timeout=60) == 42
ray.shutdown()
"""


class RayHead(NamedTuple):
    """A running head node: its address, the driver environment and its folder."""

    address: str  # host:port of the GCS, for ``ray.init(address=...)`` and RAY_ADDRESS
    env: dict[str, str]  # variables a driver needs (RAY_ADDRESS included)
    temp_dir: Path  # --temp-dir: session_latest/logs holds the workers' logs

    @property
    def logs(self) -> Path:
        """The current session's log folder (``worker-*.out`` name each task they ran)."""
        return self.temp_dir / "session_latest" / "logs"




def die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """SIGTERM this child (``ray start``, a driver) if the test process dies first."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc), whatever its process group or session."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` that still exist and are not zombies."""
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM the ``ray start`` we started, then SIGKILL its group and what is left."""
    tree = _descendants(proc.pid)
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # ray start drains the node and stops its processes
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=STOP_TIMEOUT_S)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # the group is ours: start_new_session=True
    tree |= _descendants(proc.pid)
    for pid in _alive(tree):  # workers run in their own sessions, outside the group
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _alive(tree) and time.monotonic() < deadline:
        time.sleep(0.1)


def _wait_ready(proc: subprocess.Popen, head: RayHead, log: Path) -> None:
    """Return once a driver can run a task; fail (with the head's log) after the timeout."""
    deadline = time.monotonic() + START_TIMEOUT_S
    env = {**os.environ, **head.env}
    host, port = head.address.rsplit(":", 1)
    error = "the GCS port never opened"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            error = f"ray start exited with code {proc.returncode}"
            break
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
        except OSError:
            time.sleep(0.5)
            continue
        try:
            probe = subprocess.run([sys.executable, "-c", PROBE, head.address], env=env,
                                   capture_output=True, text=True, check=False,
                                   timeout=max(deadline - time.monotonic(), 1))
        except subprocess.TimeoutExpired:
            error = "a driver could not connect and run a task in time"
            break
        if probe.returncode == 0:
            return
        error = f"the probe driver failed:\n{probe.stderr[-3000:]}"
        time.sleep(1)
    text = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    raise RuntimeError(f"Ray head at {head.address} not ready after {START_TIMEOUT_S} s: "
                       f"{error}\n--- ray start output ---\n{text}")


@contextlib.contextmanager
def running_head(num_cpus: int = 2) -> Iterator[RayHead]:
    """Start a Ray head on 127.0.0.1, yield it, and stop it and remove its folder."""
    temp_dir = Path(tempfile.mkdtemp(prefix="sim-ray-"))  # short: Ray's socket paths must fit
    gcs, client, agent = free_ports(3)
    head = RayHead(address=f"127.0.0.1:{gcs}",
                   env={**RAY_ENV, "RAY_ADDRESS": f"127.0.0.1:{gcs}"}, temp_dir=temp_dir)
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"} | RAY_ENV | {
        "RAY_GRACEFUL_SHUTDOWN_DRAIN_TIMEOUT_S": "0"}  # SIGTERM: stop now, no 30 s drain
    log = temp_dir / "ray-start.log"
    args = [sys.executable, "-m", "ray.scripts.scripts", "start", "--head", "--block",
            "--node-ip-address=127.0.0.1", f"--port={gcs}", f"--num-cpus={num_cpus}",
            "--num-gpus=0", "--include-dashboard=false", f"--ray-client-server-port={client}",
            f"--dashboard-agent-listen-port={agent}", f"--temp-dir={temp_dir}",
            "--disable-usage-stats"]
    proc = None
    try:
        with open(log, "wb") as out:
            # cwd: the workers' working directory, so a relative path lands here, not in
            # the repository.
            proc = subprocess.Popen(args, cwd=temp_dir, env=env, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True, preexec_fn=die_with_parent)
        _wait_ready(proc, head, log)
        yield head
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(temp_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def ray_head() -> Iterator[RayHead]:
    """A Ray head on 127.0.0.1 for the whole session (skips if Ray is not installed)."""
    try:
        import hydra_plugins.hydra_ray_launcher  # noqa: F401
        import ray  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"Ray tests need ray and hydra-ray-launcher ({exc}); install them: "
                    f"{INSTALL}")
    with running_head() as head:
        yield head
