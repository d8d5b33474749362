"""Sweeps on an existing Ray cluster with ``launcher=ray`` (hydra-ray-launcher).

A real Ray head on 127.0.0.1 (:mod:`tests.ray_cluster`) runs the points of a small sweep;
the command, run like a researcher runs it, collects the sweep in the driver and gives
the same ``sweep.parquet`` as the basic launcher.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest
import yaml

from sim.runs import jobs

if TYPE_CHECKING:
    from tests.ray_cluster import RayHead

pytest_plugins = ("tests.ray_cluster",)  # the session fixture ray_head

POINTS = ["steering=result_based,experience_based", "population.n_citizens=300,400",
          "steps=6", "replicates=2"]


def _sweep(launcher: str, folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``python -m sim -m launcher=LAUNCHER <POINTS>`` into the absolute ``folder``."""
    from tests.ray_cluster import die_with_parent  # after pytest_plugins loaded it

    return subprocess.run([sys.executable, "-m", "sim", "-m", f"launcher={launcher}", *POINTS,
                           f"hydra.sweep.dir={folder}"], cwd=folder.parent, env=env,
                          capture_output=True, text=True, timeout=300, check=False,
                          preexec_fn=die_with_parent)


def _tasks_run(head: RayHead) -> dict[str, int]:
    """Tasks of the launcher (``_run_job``) that Ray's workers ran, per Ray job id.

    Ray writes ``:job_id:ID`` and ``:task_name:NAME`` into a worker's log when it starts
    a task; the file names end ``-JOBID-PID.out``.
    """
    counts: dict[str, int] = {}
    for log in head.logs.glob("worker-*.out"):
        job = None
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith(":job_id:"):
                job = line.removeprefix(":job_id:")
            elif line == ":task_name:_run_job" and job:
                counts[job] = counts.get(job, 0) + 1
    return counts


@pytest.mark.slow
def test_ray_sweep_runs_on_the_cluster_and_matches_the_basic_launcher(tmp_path, ray_head):
    """A launcher=ray sweep runs its points as Ray tasks and gives basic's sweep.parquet."""
    before = _tasks_run(ray_head)
    env = {**os.environ, **ray_head.env}
    env.pop("SIM_FAIL_JOB", None)
    ray = _sweep("ray", tmp_path / "s", env)
    assert ray.returncode == 0, ray.stdout + ray.stderr
    assert ray.stdout.strip().splitlines()[-1] == str(tmp_path / "s")
    assert f"'address': '{ray_head.address}'" in ray.stdout  # Hydra's log: ray.init(...)

    # Evidence that Ray's workers, not the driver, ran the jobs: four new _run_job tasks
    # under one new Ray job (the sweep's driver), and Hydra's job ids from the launcher.
    after = _tasks_run(ray_head)
    new = {job: n - before.get(job, 0) for job, n in after.items() if n > before.get(job, 0)}
    assert list(new.values()) == [4], (before, after)
    folders = sorted(p.parent for p in (tmp_path / "s").rglob(jobs.MARKER))
    assert len(folders) == 4
    ids = {yaml.safe_load((f / ".hydra" / "hydra.yaml").read_text())["hydra"]["job"]["id"]
           for f in folders}
    assert all(re.fullmatch(r"job_id_for_\d", i) for i in ids) and len(ids) == 4, ids

    basic = _sweep("basic", tmp_path / "b", {k: v for k, v in env.items()
                                              if not k.startswith("RAY_")})
    assert basic.returncode == 0, basic.stderr
    a = pd.read_parquet(tmp_path / "b" / "sweep.parquet")
    b = pd.read_parquet(tmp_path / "s" / "sweep.parquet")
    assert a["job_id"].nunique() == 4
    pd.testing.assert_frame_equal(a, b)
    summary_a = pd.read_csv(tmp_path / "b" / "summary.csv")
    pd.testing.assert_frame_equal(summary_a, pd.read_csv(tmp_path / "s" / "summary.csv"))
