"""The sweep's status file: the one channel between ``sim``, its sweepers and its callback.

``sim`` resolves the sweep folder once and hands it and the planned points to Hydra;
the sweepers write a launcher's error and (SALib) the planned total; the callback writes
the collection's outcome; ``sim`` reads that for its messages and exit code.
"""

from __future__ import annotations

import json
import pickle
import re
import sys
from pathlib import Path

import pandas as pd
import pytest
from omegaconf import OmegaConf

from sim.runs import cli, jobs, status
from sim.runs.callbacks import SweepCallback


def _config(sweep: Path, **extra):
    return OmegaConf.create({"hydra": {"sweep": {"dir": str(sweep)}}, **extra})


def _complete_job(folder: Path) -> None:
    """A job folder that counts as done (its marker) and collects as complete."""
    folder.mkdir(parents=True)
    pd.DataFrame({"job_id": folder.name, "replicate": 0, "seed": 1, "step": [1, 2],
                  "metric": "kpi", "value": [0.5, 0.6]}).to_parquet(folder / jobs.TIMESERIES)
    (folder / jobs.SUMMARY).write_text(json.dumps(
        {"kpi": {"mean": 0.6, "ci95": [0.6, 0.6], "replicates": [0.6]}}))
    (folder / jobs.MARKER).write_text("x")
    (folder / jobs.STATUS).write_text(json.dumps({"status": "complete"}))


# --- the file itself ---------------------------------------------------------------------


def test_updates_merge_fields_and_the_file_is_whole_json(tmp_path):
    """Each update keeps the other fields and rewrites the file whole; clear removes it."""
    assert status.read(tmp_path) == {}
    status.update(tmp_path / "new", planned=4)  # the folder is created
    status.update(tmp_path / "new", launcher_error="X: y")
    text = (tmp_path / "new" / status.STATUS_FILE).read_text()
    assert json.loads(text) == {"planned": 4, "launcher_error": "X: y", "format": status.FORMAT}
    assert [p.name for p in (tmp_path / "new").iterdir()] == [status.STATUS_FILE]  # no temporaries
    status.clear(tmp_path / "new")
    status.clear(tmp_path / "new")  # twice is fine
    assert status.read(tmp_path / "new") == {}


def test_an_error_is_kept_as_its_type_and_first_line():
    """``Type: first line``, also for an error without a message."""
    assert status.error_line(RuntimeError("job 42\nmore")) == "RuntimeError: job 42"
    assert status.error_line(KeyError()) == "KeyError: "


# --- sim: one folder, resolved once ---------------------------------------------------------


def _launched(monkeypatch, argv: list[str]) -> list[str]:
    """The command line ``sim`` hands to Hydra for ``argv`` (Hydra itself not run)."""
    seen: list[list[str]] = []
    monkeypatch.setattr(cli, "_hydra_main", lambda: seen.append(list(sys.argv[1:])))
    cli.main(argv)
    return seen[0]


def test_sim_gives_hydra_the_sweep_folder_and_the_planned_points(tmp_path, monkeypatch):
    """The default folder (date, time, experiment) is resolved once, absolute, and passed on."""
    monkeypatch.chdir(tmp_path)
    launched = _launched(monkeypatch, ["-m", "seed=0,1,2", "steps=3"])
    dirs = [a.split("=", 1)[1] for a in launched if a.startswith("hydra.sweep.dir=")]
    assert len(dirs) == 1
    assert re.fullmatch(re.escape(str(tmp_path)) + r"/multirun/\d{4}-\d\d-\d\d/\d\d-\d\d-\d\d-sweep",
                        dirs[0]), dirs
    assert "++hydra.callbacks.sweep.planned=3" in launched
    smoke = _launched(monkeypatch, ["experiment=smoke"])  # a config that makes it a sweep
    assert any(re.fullmatch(r"hydra\.sweep\.dir=.*-smoke", a) for a in smoke), smoke
    single = _launched(monkeypatch, ["steps=3"])
    assert not any(a.startswith(("hydra.sweep.dir", "++hydra.callbacks")) for a in single)
    quiet = _launched(monkeypatch, ["-m", "seed=0,1", "~hydra.callbacks.sweep"])  # no callback
    assert not any(a.startswith("++hydra.callbacks") for a in quiet)
    assert any(a.startswith("hydra.sweep.dir=/") for a in quiet)


def test_an_explicit_folder_is_kept_made_absolute_and_its_old_status_removed(tmp_path,
                                                                            monkeypatch):
    """A relative ``hydra.sweep.dir`` becomes absolute; an earlier run's outcome is cleared."""
    monkeypatch.chdir(tmp_path)
    status.update(tmp_path / "a b", collected=True, failed=3, jobs=3, failed_jobs=[])
    launched = _launched(monkeypatch, ["-m", "seed=0,1", "hydra.sweep.dir=a b"])
    assert f"hydra.sweep.dir='{tmp_path}/a b'" in launched  # quoted for Hydra's parser
    assert not (tmp_path / "a b" / status.STATUS_FILE).exists()


# --- the callback ---------------------------------------------------------------------------


def test_the_progress_total_is_the_callback_s_until_a_sweeper_sets_one(tmp_path):
    """``planned`` from sim, then the status file's once a sweeper writes it; kept in pickles."""
    callback = SweepCallback(planned=3)
    assert callback.total(tmp_path) == 3
    status.update(tmp_path, planned=7)
    assert callback.total(tmp_path) == 7
    assert pickle.loads(pickle.dumps(callback)).planned == 3
    assert SweepCallback().total(tmp_path / "none") == 0


def test_the_callback_writes_the_collected_outcome(tmp_path, capsys):
    """Points done before, jobs, complete and failed ones go to the status, marked collected."""
    _complete_job(tmp_path / "a")
    jobs.record_failure(tmp_path / "b", RuntimeError("boom"))
    callback = SweepCallback(planned=3)
    callback.on_multirun_start(_config(tmp_path))
    _complete_job(tmp_path / "c")  # this run's point
    callback.on_multirun_end(_config(tmp_path))
    assert status.read(tmp_path) == {
        "format": status.FORMAT, "planned": 3, "done_before": 2, "jobs": 3, "complete": 2,
        "failed": 1, "failed_jobs": ["b"], "report": None, "report_error": None,
        "collected": True}
    assert "3/3 points done (2 before this run)" in capsys.readouterr().err


def test_a_report_that_fails_is_said_in_the_status(tmp_path, monkeypatch):
    """With an analysis, a report that cannot be built leaves its reason, first line only."""
    import sim.reporting.report as report

    def broken(sweep):
        raise ValueError("no table\nat all")

    monkeypatch.setattr(report, "build_report", broken)
    _complete_job(tmp_path / "a")
    config = _config(tmp_path, analysis={"name": "goodhart"})
    callback = SweepCallback(planned=1)
    callback.on_multirun_start(config)
    callback.on_multirun_end(config)
    assert status.read(tmp_path)["report_error"] == "ValueError: no table"
    monkeypatch.setattr(report, "build_report", lambda sweep: sweep / "report.html")
    callback.on_multirun_end(config)
    assert status.read(tmp_path)["report"] == str(tmp_path / "report.html")
    status.update(tmp_path, launcher_error="E: stopped", report=None)
    callback.on_multirun_end(config)  # no report after a launcher error
    assert status.read(tmp_path)["report"] is None


# --- what sim says ----------------------------------------------------------------------------


OUTCOME = {"collected": True, "planned": 4, "jobs": 4, "complete": 4, "failed": 0,
           "failed_jobs": [], "report": None, "report_error": None, "launcher_error": None}


@pytest.mark.parametrize(("fields", "code", "err"), [
    ({}, None, ""),
    ({"report": "/r/report.html"}, None, ""),
    ({"failed": 1, "complete": 3, "failed_jobs": ["x=1"]}, 1,
     "error: 1 of 4 jobs failed; see error.txt in {sweep}/x=1"),
    ({"launcher_error": "E: cancelled", "complete": 2}, 1,
     "error: the launcher stopped (E: cancelled); 2 of 4 points finished and were collected; "
     "run the same command to resume"),
    ({"report_error": "ValueError: no table"}, 1,
     "error: the report could not be built (ValueError: no table); the results are in {sweep}; "
     "rerun with `sim-report {sweep}`"),
])
def test_sim_reports_the_status_in_one_line_and_its_exit_code(tmp_path, capsys, fields, code,
                                                               err):
    """The folder on stdout (and the report), one line on stderr, exit 1 if anything failed."""
    status.update(tmp_path, **{**OUTCOME, **fields})
    if code is None:
        cli.report_sweep(tmp_path)
    else:
        with pytest.raises(SystemExit) as exit_:
            cli.report_sweep(tmp_path)
        assert exit_.value.code == code
    out, got = capsys.readouterr()
    assert out.splitlines()[0] == str(tmp_path)
    if fields.get("report"):
        assert out.splitlines()[1:] == [f"figures: {tmp_path / 'figures'}", "report: /r/report.html"]
    assert got.strip() == err.format(sweep=tmp_path)


def test_a_sweep_that_was_not_collected_prints_nothing(tmp_path, capsys):
    """No status, or one no callback finished (e.g. Hydra stopped first): nothing to say."""
    cli.report_sweep(tmp_path)
    status.update(tmp_path, planned=4, launcher_error="E: x")
    cli.report_sweep(tmp_path)
    assert capsys.readouterr() == ("", "")


# --- the SALib sweeper ----------------------------------------------------------------------


class _StoppedLauncher:
    """A launcher whose cluster cancels the batch."""

    def launch(self, batch, initial_job_idx):
        raise RuntimeError("UncompletedJobError: job 42 was cancelled\ndetails")


def test_the_salib_sweeper_writes_its_planned_total_and_a_launcher_error(tmp_path):
    """Before launching: the whole sweep's jobs; a launcher that raises: its first line.

    The sweep stops after the stage with the error, which ``sensitivity.json`` names too;
    a stale error of an earlier run of the folder does not count.
    """
    from hydra._internal.config_loader_impl import ConfigLoaderImpl
    from hydra._internal.utils import create_config_search_path
    from hydra.types import HydraContext, RunMode

    from hydra_plugins.sim_salib import SALibSweeper, planned_jobs

    tiny = ["population=small", "steps=2", "replicates=1"]
    loader = ConfigLoaderImpl(config_search_path=create_config_search_path("pkg://sim.configs"))
    config = loader.load_configuration(
        "config", overrides=["experiment=sensitivity", *tiny, f"hydra.sweep.dir={tmp_path}"],
        run_mode=RunMode.MULTIRUN)
    settings = OmegaConf.to_container(config.hydra.sweeper, resolve=True)
    settings.pop("_target_")
    sweeper = SALibSweeper(**settings)
    sweeper.hydra_context = HydraContext(config_loader=loader, callbacks=None)
    sweeper.config, sweeper.launcher = config, _StoppedLauncher()
    status.update(tmp_path, launcher_error="Old: from an earlier run")
    sweeper.sweep(tiny)
    state = status.read(tmp_path)
    assert state["planned"] == planned_jobs(config.hydra.sweeper) > 0
    assert state["launcher_error"] == "RuntimeError: UncompletedJobError: job 42 was cancelled"
    result = json.loads((tmp_path / "sensitivity.json").read_text())
    assert result["status"] == ("morris: the launcher stopped (RuntimeError: UncompletedJobError: "
                                "job 42 was cancelled)")
