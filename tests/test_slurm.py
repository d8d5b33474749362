"""Sweeps on Slurm (``launcher=slurm``, hydra-submitit-launcher) against a real cluster.

The cluster is one node on localhost, started for the session by
:func:`tests.slurm_cluster.slurm_cluster`; without Slurm and munge these tests skip and
name the Debian packages to install.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

if TYPE_CHECKING:
    from tests.slurm_cluster import SlurmCluster

pytest_plugins = ("tests.slurm_cluster",)  # the session fixture slurm_cluster
pytestmark = pytest.mark.slow

POINTS = ["steering=result_based,experience_based", "seed=0,1"]
SMALL = ["population.n_citizens=300", "steps=6", "replicates=2"]


def _sweep(cluster: SlurmCluster, folder: Path, launcher: str) -> subprocess.CompletedProcess:
    """Run the small 2x2 sweep with ``launcher`` into ``folder`` (absolute)."""
    return subprocess.run([sys.executable, "-m", "sim", "-m", f"launcher={launcher}", *POINTS,
                           *SMALL, f"hydra.sweep.dir={folder}"], cwd=folder.parent,
                          env=cluster.env, capture_output=True, text=True, timeout=240,
                          check=False)


def _wait_done(cluster: SlurmCluster, job_ids: list[str], timeout: float = 60) -> dict:
    """Wait until Slurm reports every job in ``job_ids`` finished; return their states."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = {j: s for j, (s, _) in cluster.jobs().items() if j in job_ids}
        if len(states) == len(job_ids) and not {"PENDING", "RUNNING", "COMPLETING"} & set(
                states.values()):
            return states
        time.sleep(0.5)
    raise AssertionError(f"jobs {job_ids} not finished after {timeout} s: {cluster.jobs()}")


def test_sweep_on_slurm_gives_the_rows_of_the_basic_launcher(slurm_cluster, tmp_path):
    """A 2x2 sweep runs as a Slurm job array and collects exactly the basic launcher's rows."""
    started = time.monotonic()
    slurm = _sweep(slurm_cluster, tmp_path / "s", "slurm")
    elapsed = time.monotonic() - started
    assert slurm.returncode == 0, slurm.stderr + slurm_cluster.logs()
    assert slurm.stdout.strip().splitlines()[-1] == str(tmp_path / "s")
    assert "Bypassing sacct error" not in slurm.stderr
    assert "4/4 points done" in slurm.stderr
    # Every point ran as a task of a Slurm array, whose logs and result submitit kept.
    tasks = sorted(p.name for p in (tmp_path / "s" / ".submitit").iterdir()
                   if p.is_dir() and "_" in p.name)
    assert len(tasks) == 4 and len({t.split("_")[0] for t in tasks}) == 1, tasks
    for task in tasks:
        folder = tmp_path / "s" / ".submitit" / task
        assert (folder / f"{task}_0_result.pkl").is_file()
        assert f"JobEnvironment(job_id={task}," in (folder / f"{task}_0_log.out").read_text()
    known = slurm_cluster.jobs()
    for task in tasks:
        state, command = known[task]
        assert state == "COMPLETED" and command.startswith(str(tmp_path / "s")), known[task]
    basic = _sweep(slurm_cluster, tmp_path / "b", "basic")
    assert basic.returncode == 0, basic.stderr
    a = pd.read_parquet(tmp_path / "b" / "sweep.parquet")
    b = pd.read_parquet(tmp_path / "s" / "sweep.parquet")
    assert a["job_id"].nunique() == 4
    pd.testing.assert_frame_equal(a, b)
    assert elapsed < 150, f"the Slurm sweep took {elapsed:.0f} s"


def test_job_states_are_known_without_accounting(slurm_cluster):
    """The cluster's sacct reports finished and failed jobs as submitit reads them."""
    from submitit.slurm.slurm import SlurmInfoWatcher

    ok = slurm_cluster.run("sbatch", "--parsable", "--output=/dev/null", "--wrap=true").strip()
    bad = slurm_cluster.run("sbatch", "--parsable", "--output=/dev/null", "--wrap=exit 3").strip()
    _wait_done(slurm_cluster, [ok, bad])
    out = slurm_cluster.run("sacct", "-o", "JobID,State,NodeList", "--parsable2", "-j", ok,
                            "-j", bad)
    info = SlurmInfoWatcher().read_info(out)
    assert info[ok]["State"] == "COMPLETED" and info[bad]["State"] == "FAILED", out
    assert info[ok]["NodeList"] == slurm_cluster.node


def test_a_job_killed_by_slurm_ends_the_wait(slurm_cluster, tmp_path, monkeypatch):
    """A job cancelled in Slurm ends submitit's wait (no result file) instead of hanging it."""
    import submitit

    for key in ("PATH", "SLURM_CONF"):
        monkeypatch.setenv(key, slurm_cluster.env[key])
    executor = submitit.AutoExecutor(folder=tmp_path / "jobs", cluster="slurm")
    executor.update_parameters(timeout_min=5, mem_gb=1, cpus_per_task=1)
    job = executor.submit(time.sleep, 300)
    deadline = time.monotonic() + 60
    while job.state != "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.5)
    slurm_cluster.run("scancel", job.job_id)
    started = time.monotonic()
    with pytest.raises(submitit.core.utils.UncompletedJobError):
        job.result()
    assert job.state.startswith("CANCELLED")
    assert time.monotonic() - started < 60
