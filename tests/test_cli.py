"""The ``sim`` command: validation before anything runs, job outputs, sweeps, resume.

In-process tests call :func:`sim.runs.cli.check` and :mod:`sim.runs.jobs`; end-to-end tests run
``python -m sim`` in a subprocess (marked ``slow``) and check exit codes, output and files.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from omegaconf import OmegaConf
from scipy import stats

from sim.mechanisms.metrics import METRICS
from sim.policies import STYLES
from sim.results import validate_tidy
from sim.runs import jobs, status
from sim.runs.cli import ConfigError, check
from sim.scenarios import CONFIG_DIR, list_scenarios, load_scenario

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SMALL = ["population.n_citizens=300", "steps=6", "replicates=2"]


def _run(args: list[str], cwd, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m sim`` with ``args`` in ``cwd``."""
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, check=False, env={**os.environ, **(env or {})})


# --- validation before anything runs --------------------------------------------------


@pytest.mark.parametrize(("overrides", "key"), [
    (["population.n_citizens=-5"], "population.n_citizens: must be an integer"),
    (["population.n_citizenz=5"], "population.n_citizenz: unknown key; allowed: "),
    (["population.n_citizens=abc"], "population.n_citizens: Value 'abc'"),
    (["steering=nope"], "steering: unknown option 'nope'; allowed: co_creation"),
    (["scenario=nope"], "scenario: unknown option 'nope'; allowed: aligned_targets, baseline"),
    (["steps=0"], "steps: must be an integer >= 1"),
    (["scenario=captured_arena", "arena.handover=2"], "arena.handover: must be a number in [0.0, 1.0]"),
    (["arena.decision_rule=vote"], "arena.decision_rule: must be one of"),
    (["arena.nope=1"], "arena.nope: unknown key; allowed: arena_time, communication, "),
    (["replicates=0"], "replicates: must be an integer >= 1"),
    (["steering.incentive=1.5"], "steering.incentive: must be a number in [0.0, 1.0]"),
    (["model.crowding_regime=medium"], "model.crowding_regime: must be one of"),
    (["model.audit_hours=-1"], "model.audit_hours: must be a number in"),
    (["steering=co_creation", "steering.domains=[parks]"], "steering.domains: unknown domain"),
    (["steering=co_creation", "steering.decision_rule=vote"], "steering.decision_rule: must be"),
    (["population.n_citizens=500,-5"], "population.n_citizens: must be an integer"),
    (["population.n_citizenz=500,1000"], "population.n_citizenz: unknown key; allowed: "
                                         "citizens_per_professional, "),
    (["population.n_citizens=500,1000,abc"], "population.n_citizens: Value 'abc'"),
    (["hydra.launcher.nope=2"], "hydra.launcher.nope: unknown key; allowed: _target_"),
])
def test_bad_values_fail_with_one_line_naming_the_key(overrides, key):
    """Every bad key, type or value (sweep points too) fails before running, naming the key."""
    with pytest.raises(ConfigError) as info:
        check(["-m", *overrides] if "," in overrides[0] else overrides)
    message = str(info.value)
    assert message.startswith(key)
    assert "\n" not in message


def test_sweeps_are_expanded_before_running():
    """Every point of a command-line sweep and of sweep=NAME is composed and counted."""
    assert check(["-m", "steering=result_based,experience_based",
                  "population.n_citizens=500,1000"]) == 4
    assert check(["-m", "sweep=styles"]) == 3
    assert check(["-m", "sweep=styles", "population.n_citizens=500,1000"]) == 6


@pytest.mark.parametrize("group", ["steering", "population", "scenario", "sweep", "launcher"])
def test_every_option_of_every_group_composes_and_validates(group):
    """Every shipped config file composes against its schema and passes validation."""
    for path in sorted((CONFIG_DIR / group).glob("*.yaml")):
        assert check([f"{group}={path.stem}"]) >= 1, path


def test_steering_files_name_their_style_and_leave_values_to_the_class():
    """Each steering file names its style and sets nothing else: the class holds its defaults.

    A value written there would be a second home for a lever (or, if it differed, a CLI
    that disagrees with the Python API); a scenario or an experiment sets values instead.
    """
    for name in STYLES:
        data = yaml.safe_load((CONFIG_DIR / "steering" / f"{name}.yaml").read_text())
        assert data["defaults"][0] == f"/schema/steering/{name}@_here_", name
        assert {k: v for k, v in data.items() if k != "defaults"} == {"name": name}


def test_scenarios_are_the_same_files_for_cli_and_python(compose_config):
    """A scenario composed by Hydra and loaded by the Python API sets the same values."""
    for name in list_scenarios():
        preset = load_scenario(name)
        cfg = compose_config([f"scenario={name}"], shrink=False, plain=True)
        for key, value in preset["params"].items():
            group = "population" if key in cfg["population"] else "model"
            assert cfg[group][key] == value, (name, key)
        if "steering" in preset:
            assert cfg["steering"]["name"] == preset["steering"]
        assert cfg["description"] == preset["description"]


# --- a job and its outputs ---------------------------------------------------------------


def test_replicate_seeds_are_paired_and_reproducible():
    """Replicate k gets the same seed in every job; another root seed gives other seeds."""
    assert jobs.replicate_seeds(7, 4) == jobs.replicate_seeds(7, 4)
    assert jobs.replicate_seeds(7, 4)[:2] == jobs.replicate_seeds(7, 2)
    assert jobs.replicate_seeds(7, 4) != jobs.replicate_seeds(8, 4)
    assert len(set(jobs.replicate_seeds(7, 10))) == 10


def test_job_writes_tidy_table_summary_provenance_and_marker(tmp_path, compose_config):
    """A job writes its three files and the completion marker; the summary's CI is scipy's."""
    cfg = compose_config(["population.n_citizens=300", "steps=14", "replicates=3", "seed=5"],
                         plain=True)
    tidy = jobs.run_job(cfg, tmp_path, "job-a", {"steering": "result_based"}, ["seed=5"])
    table = pd.read_parquet(tmp_path / jobs.TIMESERIES)
    assert validate_tidy(table) is not None
    assert list(table.columns) == ["job_id", "replicate", "seed", "steering", "step", "metric",
                                   "value"]
    assert sorted(table["replicate"].unique()) == [0, 1, 2]
    assert sorted(table["seed"].unique()) == sorted(jobs.replicate_seeds(5, 3))
    assert set(METRICS) <= set(table["metric"])
    pd.testing.assert_frame_equal(table, tidy)
    summary = json.loads((tmp_path / jobs.SUMMARY).read_text())
    per = table[(table["metric"] == "true_outcome") & (table["step"] > 2)].groupby(
        "replicate")["value"].mean().to_numpy()
    low, high = stats.t.interval(0.95, 2, loc=per.mean(), scale=stats.sem(per))
    assert summary["true_outcome"]["replicates"] == pytest.approx(list(per))
    assert summary["true_outcome"]["ci95"] == pytest.approx([low, high])
    prov = json.loads((tmp_path / jobs.PROVENANCE).read_text())
    assert prov["seeds"] == jobs.replicate_seeds(5, 3)
    assert prov["config"]["population"]["n_citizens"] == 300
    assert prov["versions"]["mesa"] == "3.5.1"
    assert {"host", "started", "finished", "git_commit", "overrides"} <= set(prov)
    assert jobs.is_complete(tmp_path, cfg)
    assert not jobs.is_complete(tmp_path, {**cfg, "seed": 6})


def test_tidy_table_is_the_wide_frame_melted_with_run_keys_first():
    """to_tidy gives exactly pandas' melt of the per-step frame, run keys leading."""
    from sim import simulate
    from sim.results import to_tidy

    wide = simulate(steps=5, seed=2, n_citizens=120, citizens_per_professional=20)
    keys = {"job_id": "j", "replicate": 1, "seed": 9, "model.audit_hours": 2.5, "flag": True}
    want = wide.melt(id_vars="step", var_name="metric", value_name="value")
    for i, (name, value) in enumerate(keys.items()):
        want.insert(i, name, value)
    want["value"] = want["value"].astype(float)
    pd.testing.assert_frame_equal(to_tidy(wide, **keys), want)


def test_failed_job_is_recorded_and_collected(tmp_path, compose_config):
    """A failure writes error.txt and a failed status; collection lists it and keeps the rest."""
    good = compose_config(SMALL, plain=True)
    jobs.run_job(good, tmp_path / "a", "a", {}, [])
    jobs.record_failure(tmp_path / "b", RuntimeError("boom"))
    rows, status = jobs.collect(tmp_path)
    assert "boom" in (tmp_path / "b" / jobs.ERROR).read_text()
    assert dict(zip(status["job"], status["status"], strict=True)) == {"a": "complete",
                                                                        "b": "failed"}
    table = pd.read_parquet(tmp_path / "sweep.parquet")
    assert set(table["job_id"]) == {"a"}
    assert len(table) == rows == len(pd.read_parquet(tmp_path / "a" / jobs.TIMESERIES))
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert {"mean", "ci95_low", "ci95_high", "metric"} <= set(summary.columns)


def _fake_job(folder: Path, job_id: str, extra: dict, rng: np.random.Generator) -> pd.DataFrame:
    """A complete job folder whose rows are shuffled (as no job writes them)."""
    rows = pd.DataFrame([{"job_id": job_id, "replicate": r, "seed": 10 + r, **extra,
                          "step": step, "metric": metric, "value": rng.normal()}
                         for r in (1, 0) for metric in ("b", "a") for step in (2, 1, 3)])
    rows = rows.sample(frac=1, random_state=int(rng.integers(1 << 30))).reset_index(drop=True)
    folder.mkdir(parents=True)
    rows.to_parquet(folder / jobs.TIMESERIES, index=False)
    (folder / jobs.SUMMARY).write_text(json.dumps(
        {"a": {"mean": 0.5, "ci95": [0.1, 0.9], "replicates": [0.4, 0.6]}}))
    (folder / jobs.STATUS).write_text(json.dumps({"status": "complete"}))
    (folder / jobs.MARKER).write_text("x")
    return rows


def test_collect_orders_rows_and_joins_jobs_with_different_columns(tmp_path):
    """sweep.parquet: all rows by job id, replicate, metric, step; columns unified.

    The order is stable (a job id met in two folders keeps folder order); a column only
    some jobs have is null elsewhere and comes before step, metric, value; an int column
    that another job has as float is widened.
    """
    rng = np.random.default_rng(0)
    frames = [_fake_job(tmp_path / "0", "x=2", {"x": 2}, rng),
              _fake_job(tmp_path / "1", "x=1", {"x": 1.5, "y": "b"}, rng),
              _fake_job(tmp_path / "2", "x=2", {"x": 2}, rng),
              _fake_job(tmp_path / "3", "x=0", {"x": 0}, rng)]
    rows, _ = jobs.collect(tmp_path)
    want = pd.concat(frames, ignore_index=True).sort_values(
        ["job_id", "replicate", "metric", "step"], kind="stable").reset_index(drop=True)
    got = pd.read_parquet(tmp_path / "sweep.parquet")
    assert rows == len(want) == 48
    assert list(got.columns) == ["job_id", "replicate", "seed", "x", "y", "step",
                                 "metric", "value"]
    pd.testing.assert_frame_equal(got[want.columns], want, check_dtype=False)
    assert got["x"].dtype == np.float64
    assert got["y"].isna().sum() == 36


# --- the command, end to end -------------------------------------------------------------


@pytest.mark.slow
def test_single_run_writes_outputs_and_prints_its_folder(tmp_path):
    """``sim`` runs one job with its replicates, draws the figure and prints the folder."""
    result = _run([*SMALL, f"hydra.run.dir={tmp_path}/run"], tmp_path)
    assert result.returncode == 0, result.stderr
    folder = Path(result.stdout.strip().splitlines()[-1])
    assert folder == tmp_path / "run"
    for name in (jobs.TIMESERIES, jobs.SUMMARY, jobs.PROVENANCE, jobs.MARKER):
        assert (folder / name).is_file()
    assert (folder / "main_metrics.png").read_bytes()[:8] == PNG_MAGIC
    assert (folder / ".hydra" / "config.yaml").is_file()


@pytest.mark.slow
def test_bad_value_exits_2_with_one_line_and_writes_nothing(tmp_path):
    """A bad value exits with code 2, one line on stderr, no traceback and no folder."""
    result = _run(["population.n_citizens=-5"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: population.n_citizens: must be an integer in [10, 10000000], got -5"]
    assert "Traceback" not in result.stderr + result.stdout
    assert not any(tmp_path.iterdir())


@pytest.mark.slow
def test_help_and_cfg_keep_working(tmp_path):
    """``sim --help`` lists the groups; ``sim --cfg job`` prints the composed config."""
    helped = _run(["--help"], tmp_path)
    assert helped.returncode == 0
    for group in ("steering", "population", "scenario", "launcher", "sweep"):
        assert f"{group}:" in helped.stdout
    shown = _run(["--cfg", "job", "steering=co_creation"], tmp_path)
    assert shown.returncode == 0
    assert "facilitation: 0.6" in shown.stdout and "n_citizens: 2000" in shown.stdout


def _sweep(tmp_path, name: str, launcher: str, env: dict | None = None, extra=()):
    args = ["-m", f"launcher={launcher}", "steering=result_based,experience_based",
            "population.n_citizens=300,400", "steps=8", "replicates=2",
            f"hydra.sweep.dir={tmp_path}/{name}", *extra]
    return _run(args, tmp_path, env)


@pytest.mark.slow
def test_parallel_and_basic_launchers_give_identical_results(tmp_path):
    """The same sweep gives the same sweep.parquet with the basic and the local launcher."""
    basic, local = _sweep(tmp_path, "basic", "basic"), _sweep(tmp_path, "local", "local")
    assert basic.returncode == 0 and local.returncode == 0, basic.stderr + local.stderr
    a = pd.read_parquet(tmp_path / "basic" / "sweep.parquet")
    b = pd.read_parquet(tmp_path / "local" / "sweep.parquet")
    assert a["job_id"].nunique() == 4
    pd.testing.assert_frame_equal(a, b)
    assert "points done" in local.stderr


@pytest.mark.slow
def test_a_failing_job_does_not_stop_the_others(tmp_path):
    """One failing job: the others finish, the sweep exits 1 and says where to look."""
    result = _sweep(tmp_path, "s", "basic", env={"SIM_FAIL_JOB": "n_citizens=400,replicates=2,"
                                                                 "steering=experience_based"})
    assert result.returncode == 1
    assert "1 of 4 jobs failed" in result.stderr
    table = pd.read_parquet(tmp_path / "s" / "sweep.parquet")
    assert table["job_id"].nunique() == 3
    failed = [p for p in (tmp_path / "s").rglob(jobs.ERROR)]
    assert len(failed) == 1 and "injected failure" in failed[0].read_text()


@pytest.mark.slow
def test_sweep_killed_half_way_resumes_to_the_same_rows(tmp_path):
    """SIGKILL half-way, then the same command: exactly the rows of an uninterrupted sweep."""
    whole = _sweep(tmp_path, "whole", "basic", extra=["steps=30"])
    assert whole.returncode == 0, whole.stderr
    args = [sys.executable, "-m", "sim", "-m", "launcher=basic",
            "steering=result_based,experience_based", "population.n_citizens=300,400",
            "steps=30", "replicates=2", f"hydra.sweep.dir={tmp_path}/cut"]
    proc = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list((tmp_path / "cut").rglob(jobs.MARKER)):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(list((tmp_path / "cut").rglob(jobs.MARKER)))
    assert 1 <= done < 4
    resumed = _run(args[3:], tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert f"4/4 points done ({done} before this run)" in resumed.stderr
    a = pd.read_parquet(tmp_path / "whole" / "sweep.parquet")
    b = pd.read_parquet(tmp_path / "cut" / "sweep.parquet")
    pd.testing.assert_frame_equal(a, b)
    assert not [p for p in (tmp_path / "cut").rglob(".*") if p.is_file()
                and p.name.startswith(".timeseries")]


@pytest.mark.slow
def test_sim_collect_gathers_a_sweep_folder(tmp_path):
    """``sim-collect DIR`` rebuilds sweep.parquet and summary.csv; bad usage exits 2."""
    assert _sweep(tmp_path, "s", "basic").returncode == 0
    (tmp_path / "s" / "sweep.parquet").unlink()
    collect = [sys.executable, "-c", "from sim.runs.cli import collect_main; collect_main()"]
    ok = subprocess.run([*collect, str(tmp_path / "s")], capture_output=True, text=True,
                        check=False)
    assert ok.returncode == 0 and "4 jobs, 0 failed" in ok.stdout
    assert (tmp_path / "s" / "sweep.parquet").is_file()
    bad = subprocess.run([*collect, str(tmp_path / "missing")], capture_output=True, text=True,
                         check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("error: usage")


def test_results_are_paired_across_jobs(compose_config):
    """Replicate k of two jobs that differ only in style starts from the same population."""
    a = jobs.model_kwargs(compose_config(["steering=result_based"], plain=True))
    b = jobs.model_kwargs(compose_config(["steering=experience_based"], plain=True))
    from sim import GovernanceModel

    seed = jobs.replicate_seeds(0, 1)[0]
    ma, mb = GovernanceModel(rng=seed, **a), GovernanceModel(rng=seed, **b)
    np.testing.assert_array_equal(ma.citizens.need, mb.citizens.need)


def test_a_launcher_error_is_kept_for_one_line_and_collection(monkeypatch, tmp_path):
    """The sim sweeper writes a launcher's error (first line) to the sweep's status file."""
    from hydra_plugins.sim_sweeper import PrevalidatedSweeper

    def fail(self, arguments):
        raise RuntimeError("cluster job 42 was cancelled\nmore details")

    monkeypatch.setattr(PrevalidatedSweeper.__mro__[1], "sweep", fail)
    sweeper = PrevalidatedSweeper(max_batch_size=None, params=None)
    sweeper.config = OmegaConf.create({"hydra": {"sweep": {"dir": str(tmp_path)}}})
    assert sweeper.sweep([]) == []
    assert status.read(tmp_path)["launcher_error"] == "RuntimeError: cluster job 42 was cancelled"
    # the next sweep into the folder that does not fail clears it
    monkeypatch.setattr(PrevalidatedSweeper.__mro__[1], "sweep", lambda self, arguments: [["ok"]])
    assert sweeper.sweep([]) == [["ok"]]
    assert status.read(tmp_path)["launcher_error"] is None


@pytest.mark.slow
def test_launcher_error_exits_1_in_one_line_after_collecting(tmp_path, monkeypatch, capsys):
    """After a launcher error, sim collects the finished points and exits 1 with one line."""
    from sim.runs import cli

    real = cli._hydra_main

    def run_then_stop() -> None:
        real()  # the sweep runs; then pretend the launcher raised for a last point
        status.update(tmp_path / "s", launcher_error="UncompletedJobError: job 42 was cancelled")

    monkeypatch.setattr(cli, "_hydra_main", run_then_stop)
    with pytest.raises(SystemExit) as code:
        cli.main(["-m", "launcher=basic", "steering=result_based,experience_based", *SMALL,
                  f"hydra.sweep.dir={tmp_path}/s"])
    assert code.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err == ("error: the launcher stopped (UncompletedJobError: job 42 was cancelled); "
                   "2 of 2 points finished and were collected; run the same command to resume")
    assert (tmp_path / "s" / "sweep.parquet").is_file()


def test_the_readme_single_run_example_runs(tmp_path, capsys):
    """``sim steering=experience_based population=small steps=6 replicates=1`` (the README's).

    ``steering`` is then a run key of the tidy table; the figure's label must not add it again.
    """
    from sim.runs import cli

    cli.main(["steering=experience_based", "population=small", "steps=6", "replicates=1",
              f"hydra.run.dir={tmp_path}/run"])
    assert capsys.readouterr().out.strip().splitlines()[-1] == str(tmp_path / "run")
    table = pd.read_parquet(tmp_path / "run" / jobs.TIMESERIES)
    assert set(table["steering"]) == {"experience_based"}
    assert (tmp_path / "run" / "main_metrics.png").read_bytes()[:8] == PNG_MAGIC
