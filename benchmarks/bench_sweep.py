"""Sweep overhead benchmark: the same small runs as a loop and as two kinds of sweep.

Prints numbers; not a test.

Every arm runs the same jobs (same configs, same seeds) and writes the same job outputs:
the loop calls :func:`sim.runs.jobs.run_job` in one process; the sweeps run ``sim -m`` with
``launcher=basic`` and ``launcher=local``. Targets: basic <= 1.2x the loop; parallel on
2 cores >= 1.7x faster than the loop.

A run is a job: one parameter point with its replicates (default 10, as ``sim`` runs).
The loop is the strict reference: its configs are composed before the clock starts, so
it times only the runs and their output files. The sweeps are timed as a user meets them:
the command starts (imports, checking every point), composes each job (once per
combination of config groups, then the job's values on a copy), Hydra writes every job's
``.hydra/`` files, the workers start and ``sweep.parquet`` is collected at the end. The
ratios therefore depend on how much work a job carries; the script prints the per-job
overhead too.

Usage: ``python benchmarks/bench_sweep.py [--runs 200] [--citizens 1000] [--steps 48]
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

from sim.runs import jobs
from sim.runs.schema import register


def _points(runs: int) -> list[int]:
    """One swept value per run: the root seed (every run a different parameter point)."""
    return list(range(runs))


def configs(runs: int, citizens: int, steps: int, replicates: int) -> list[dict]:
    """Every point's composed config (plain dicts), as the loop runs them."""
    register()
    with initialize_config_module(config_module="sim.configs", version_base="1.3"):
        return [OmegaConf.to_container(compose(config_name="config", overrides=[
            f"population.n_citizens={citizens}", f"steps={steps}",
            f"replicates={replicates}", f"seed={seed}"]), resolve=True)
            for seed in _points(runs)]


def loop(cfgs: list[dict], folder: Path) -> float:
    """Run every point with run_job in this process; return seconds (configs made before)."""
    start = time.perf_counter()
    for cfg in cfgs:
        seed = cfg["seed"]
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
    parser.add_argument("--citizens", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=48)
    parser.add_argument("--replicates", type=int, default=10)
    a = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        cfgs = configs(a.runs, a.citizens, a.steps, a.replicates)
        t_compose = time.perf_counter() - start
        t_loop = loop(cfgs, root / "loop")
        t_basic = sweep("basic", a.runs, a.citizens, a.steps, a.replicates, root / "basic")
        t_local = sweep("local", a.runs, a.citizens, a.steps, a.replicates, root / "local")
    print(f"{a.runs} jobs of {a.replicates} replicates x {a.citizens} citizens x {a.steps} steps"
          f" on {os.cpu_count()} cores")
    print(f"composing the configs  : {t_compose:7.2f} s with Hydra's compose API"
          f" ({t_compose / a.runs * 1e3:.0f} ms each; before the loop, not in it)")
    print(f"loop in one process    : {t_loop:7.2f} s ({t_loop / a.runs * 1e3:.0f} ms per job:"
          " the runs and their files only)")
    print(f"sweep, basic           : {t_basic:7.2f} s = {t_basic / t_loop:.2f}x the loop"
          f" (target <= 1.2); {(t_basic - t_loop) / a.runs * 1e3:.0f} ms overhead per job")
    print(f"sweep, local (joblib)  : {t_local:7.2f} s = {t_loop / t_local:.2f}x faster than the loop"
          f" (target >= 1.7 on 2 cores); {(2 * t_local - t_loop) / a.runs * 1e3:.0f} ms of"
          " worker time per job beyond the loop's, start-up and collection included")
    with_compose = t_loop + t_compose
    print(f"against the loop with its configs composed in it ({with_compose:.2f} s): basic"
          f" {t_basic / with_compose:.2f}x, local {with_compose / t_local:.2f}x faster")


if __name__ == "__main__":
    main()
