"""Sweep overhead benchmark: the same small runs as a loop and as two kinds of sweep.

Prints numbers; not a test.

Every arm runs the same jobs (same configs, same seeds) and writes the same job outputs:
the loop calls :func:`sim.jobs.run_job` in one process; the sweeps run ``sim -m`` with
``launcher=basic`` and ``launcher=local``. Targets: basic <= 1.2x the loop; parallel on
2 cores >= 1.7x faster than the loop.

A run is a job: one parameter point with its replicates (default 10, as ``sim`` runs).
Hydra composes every job's config (about 45 ms here with the sweeper's shared file cache)
and writes its ``.hydra/`` files (about 30 ms), so the ratios depend on how much work a
job carries; the script prints the per-job overhead too.

Usage: ``python benchmarks/bench_sweep.py [--runs 200] [--citizens 500] [--steps 24]
[--replicates 10]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hydra import compose, initialize_config_module
from omegaconf import OmegaConf

from sim import jobs
from sim.schema import register


def _points(runs: int) -> list[int]:
    """One swept value per run: the root seed (every run a different parameter point)."""
    return list(range(runs))


def loop(runs: int, citizens: int, steps: int, replicates: int, folder: Path) -> float:
    """Run every point with run_job in this process; return seconds."""
    register()
    start = time.perf_counter()
    with initialize_config_module(config_module="sim.configs", version_base="1.3"):
        for seed in _points(runs):
            cfg = OmegaConf.to_container(compose(config_name="config", overrides=[
                f"population.n_citizens={citizens}", f"steps={steps}",
                f"replicates={replicates}", f"seed={seed}"]), resolve=True)
            jobs.run_job(cfg, folder / f"seed={seed}", f"seed={seed}", {"seed": seed}, [])
    return time.perf_counter() - start


def sweep(launcher: str, runs: int, citizens: int, steps: int, replicates: int,
          folder: Path) -> float:
    """Run the same points as a Hydra sweep with ``launcher``; return seconds."""
    args = [sys.executable, "-m", "sim", "-m", f"launcher={launcher}",
            f"population.n_citizens={citizens}", f"steps={steps}", f"replicates={replicates}",
            f"seed=range(0,{runs})", f"hydra.sweep.dir={folder}"]
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    """Time the three arms and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--citizens", type=int, default=500)
    parser.add_argument("--steps", type=int, default=24)
    parser.add_argument("--replicates", type=int, default=10)
    a = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t_loop = loop(a.runs, a.citizens, a.steps, a.replicates, root / "loop")
        t_basic = sweep("basic", a.runs, a.citizens, a.steps, a.replicates, root / "basic")
        t_local = sweep("local", a.runs, a.citizens, a.steps, a.replicates, root / "local")
    print(f"{a.runs} jobs of {a.replicates} replicates x {a.citizens} citizens x {a.steps} steps"
          f" on {os.cpu_count()} cores")
    print(f"loop in one process : {t_loop:7.2f} s ({t_loop / a.runs * 1e3:.0f} ms per run)")
    print(f"sweep, basic        : {t_basic:7.2f} s = {t_basic / t_loop:.2f}x the loop (target <= 1.2);"
          f" {(t_basic - t_loop) / a.runs * 1e3:.0f} ms overhead per job")
    print(f"sweep, local (joblib): {t_local:7.2f} s = {t_loop / t_local:.2f}x faster than the loop "
          "(target >= 1.7 on 2 cores)")


if __name__ == "__main__":
    main()
