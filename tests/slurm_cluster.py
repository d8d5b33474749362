"""A throwaway single-node Slurm cluster on localhost, as a session-scoped pytest fixture.

:func:`slurm_cluster` starts its own ``munged``, ``slurmctld`` and ``slurmd`` (as root),
with every key, socket, port, state directory, pid file and log in one temporary folder,
waits until the node is idle and yields a :class:`SlurmCluster`. At teardown it cancels
the cluster's jobs, stops exactly the daemons it started (by PID) and removes the folder.
If a program is missing the fixture skips, naming the Debian packages to install.

There is no accounting (no ``slurmdbd``), so the real ``sacct`` only says "Slurm
accounting storage is disabled". submitit polls job states with ``sacct``; when that
fails it logs "Bypassing sacct error" at each poll and sees a job end only through its
result file, so a job killed by Slurm (time limit, memory, ``scancel``) would leave the
sweep waiting forever. The cluster's ``bin`` folder, first on :attr:`SlurmCluster.env`'s
``PATH``, therefore holds an ``sacct`` that answers submitit's query from the controller
(``squeue --states=all``); jobs stay there for ``MinJobAge`` seconds after they end.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.ports import free_ports

#: Program -> the Debian package that provides it.
PROGRAMS = {
    "munged": "munge", "slurmctld": "slurmctld", "slurmd": "slurmd",
    "sinfo": "slurm-client", "sbatch": "slurm-client", "squeue": "slurm-client",
    "scontrol": "slurm-client", "scancel": "slurm-client", "srun": "slurm-client",
}
#: Where the daemons live on Debian (not on a normal user's PATH).
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
NODE = "localhost"
START_TIMEOUT_S = 60

#: ``sacct`` for a cluster without accounting: answers the one query submitit makes
#: (``sacct -o JobID,State,NodeList --parsable2 -j ID ...``) from slurmctld's memory.
SACCT = """#!/bin/sh
# sacct stand-in (no slurmdbd here): job states from slurmctld, as sacct --parsable2 prints.
ids=""
while [ $# -gt 0 ]; do
  case "$1" in
    -j|--jobs) ids="$ids${ids:+,}$2"; shift 2 ;;
    --jobs=*) ids="$ids${ids:+,}${1#--jobs=}"; shift ;;
    -o|--format)
      if [ "$2" != "JobID,State,NodeList" ]; then
        echo "sacct stand-in: only -o JobID,State,NodeList" >&2; exit 1
      fi
      shift 2 ;;
    *) shift ;;
  esac
done
echo "JobID|State|NodeList"
[ -z "$ids" ] || squeue --noheader --array --states=all --jobs="$ids" --format='%i|%T|%N' 2>/dev/null
exit 0
"""


@dataclass
class SlurmCluster:
    """A running single-node cluster: its folder, slurm.conf and the environment to use it."""

    root: Path
    conf: Path
    env: dict[str, str]
    node: str = NODE
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def run(self, *args: str, check: bool = True, timeout: float = 60) -> str:
        """Run a Slurm client command against this cluster and return its stdout."""
        out = subprocess.run(list(args), env=self.env, capture_output=True, text=True,
                             timeout=timeout, check=False)
        if check and out.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({out.returncode}): {out.stderr}")
        return out.stdout

    def jobs(self) -> dict[str, tuple[str, str]]:
        """Every job (array tasks one by one) the controller knows: id -> (state, command)."""
        text = self.run("squeue", "--noheader", "--array", "--states=all",
                        "--format=%i|%T|%o")
        rows = [line.split("|", 2) for line in text.splitlines() if line.strip()]
        return {job: (state, command) for job, state, command in rows}

    def logs(self) -> str:
        """The tail of every daemon log, to explain a failure."""
        parts = []
        for path in sorted((self.root / "log").glob("*")):
            lines = path.read_text(errors="replace").splitlines()[-25:]
            parts.append(f"--- {path.name}\n" + "\n".join(lines))
        return "\n".join(parts)


def missing_programs() -> dict[str, str]:
    """Programs the fixture needs that are not installed, with their Debian package."""
    return {p: pkg for p, pkg in PROGRAMS.items() if shutil.which(p, path=SEARCH_PATH) is None}




def _memory_mb() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) // 1024
    raise RuntimeError("no MemTotal in /proc/meminfo")


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Ask Linux to SIGTERM the daemon if pytest dies without tearing down."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def slurm_conf(root: Path, cpus: int, memory_mb: int, ctld_port: int, slurmd_port: int) -> str:
    """The slurm.conf of a one-node cluster whose files all live under ``root``."""
    return f"""\
ClusterName=simtest
SlurmctldHost={NODE}
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={root}/run/munge.socket
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/run/slurmctld.pid
SlurmdPidFile={root}/run/slurmd.pid
SlurmctldLogFile={root}/log/slurmctld.log
SlurmdLogFile={root}/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/builtin
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SlurmdParameters=config_overrides
DefMemPerCPU={max(memory_mb // cpus, 1)}
ReturnToService=2
MinJobAge=3600
KillWait=5
NodeName={NODE} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory_mb} State=UNKNOWN
PartitionName=debug Nodes={NODE} Default=YES MaxTime=INFINITE State=UP
"""


def _start(cluster: SlurmCluster, name: str, args: list[str]) -> None:
    log = (cluster.root / "log" / f"{name}.out").open("wb")
    cluster.processes[name] = subprocess.Popen(
        [shutil.which(args[0], path=SEARCH_PATH), *args[1:]], env=cluster.env,
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        cwd=cluster.root, preexec_fn=_die_with_parent)
    log.close()


def _wait_until(cluster: SlurmCluster, what: str, ready) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        dead = {n: p.returncode for n, p in cluster.processes.items() if p.poll() is not None}
        if dead:
            raise RuntimeError(f"test Slurm: {dead} exited while waiting for {what}\n"
                               + cluster.logs())
        with contextlib.suppress(subprocess.SubprocessError, RuntimeError, OSError):
            if ready():
                return
        time.sleep(0.2)
    raise RuntimeError(f"test Slurm: no {what} after {START_TIMEOUT_S} s\n" + cluster.logs())


def _stop(cluster: SlurmCluster) -> None:
    """Cancel the cluster's jobs, then stop the daemons this fixture started, by PID."""
    if "slurmctld" in cluster.processes and cluster.processes["slurmctld"].poll() is None:
        with contextlib.suppress(subprocess.SubprocessError, RuntimeError, OSError):
            active = cluster.run("squeue", "--noheader", "--format=%A").split()
            if active:
                cluster.run("scancel", *active, check=False)
                deadline = time.monotonic() + 30
                while (time.monotonic() < deadline
                       and cluster.run("squeue", "--noheader", "--format=%A").split()):
                    time.sleep(0.5)
    for name in ("slurmd", "slurmctld", "munged"):
        proc = cluster.processes.get(name)
        if proc is None or proc.poll() is not None:
            continue
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextlib.contextmanager
def running_cluster() -> Iterator[SlurmCluster]:
    """Start the cluster, yield it, stop it and remove its folder (also on errors)."""
    if os.geteuid() != 0:
        pytest.skip("the test Slurm cluster must run as root (slurmd starts jobs as their user)")
    root = Path(tempfile.mkdtemp(prefix="sim-slurm-"))
    root.chmod(0o755)  # munged wants its socket's folder (and parents) searchable by all
    for sub, mode in (("munge", 0o700), ("run", 0o755), ("state", 0o700), ("spool", 0o755),
                      ("log", 0o755), ("bin", 0o755)):
        (root / sub).mkdir(mode=mode)
        (root / sub).chmod(mode)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLURM_", "SBATCH_",
                                                                        "SRUN_", "SQUEUE_"))}
    env.update(SLURM_CONF=str(root / "slurm.conf"),
               PATH=os.pathsep.join([str(root / "bin"), os.environ.get("PATH", "")]))
    cluster = SlurmCluster(root=root, conf=root / "slurm.conf", env=env)
    try:
        key = root / "munge" / "munge.key"
        mungekey = shutil.which("mungekey", path=SEARCH_PATH)
        if mungekey:
            subprocess.run([mungekey, "--create", f"--keyfile={key}"], check=True,
                           capture_output=True)
        else:  # munge < 0.5.14 has no mungekey: 1024 random bytes, as its docs suggest
            key.write_bytes(os.urandom(1024))
        key.chmod(0o600)
        os.chown(key, 0, 0)
        sacct = root / "bin" / "sacct"
        sacct.write_text(SACCT)
        sacct.chmod(0o755)
        cpus = os.cpu_count() or 1
        cluster.conf.write_text(slurm_conf(root, cpus, max(int(_memory_mb() * 0.9), 256),
                                           *free_ports(2)))
        _start(cluster, "munged", [
            "munged", "--foreground", f"--socket={root}/run/munge.socket", f"--key-file={key}",
            f"--pid-file={root}/run/munged.pid", f"--seed-file={root}/munge/munged.seed",
            f"--log-file={root}/log/munged.log"])
        _wait_until(cluster, "munge socket", (root / "run" / "munge.socket").exists)
        _start(cluster, "slurmctld", ["slurmctld", "-D", "-f", str(cluster.conf)])
        _start(cluster, "slurmd", ["slurmd", "-D", "-N", NODE, "-f", str(cluster.conf)])
        _wait_until(cluster, "idle node", lambda: cluster.run(
            "sinfo", "--noheader", "--Node", "--format=%N %t", timeout=10).split() == [NODE, "idle"])
        yield cluster
    finally:
        _stop(cluster)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def slurm_cluster() -> Iterator[SlurmCluster]:
    """A single-node Slurm cluster on localhost, shared by the test session.

    Skips, naming the Debian packages to install, if Slurm or munge is missing.
    """
    missing = missing_programs()
    if missing:
        packages = " ".join(sorted(set(missing.values())))
        pytest.skip(f"Slurm tests need {', '.join(sorted(missing))}: install the Debian "
                    f"packages with `apt-get install {packages}` (or `slurm-wlm munge`)")
    with running_cluster() as cluster:
        yield cluster
