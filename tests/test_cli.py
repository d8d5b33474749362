"""The ``sim`` command: the plain ``run_single`` function and the real Hydra entry point.

``run_single`` is called directly with a small config; the end-to-end tests run
``python -m sim`` in a subprocess (marked ``slow``) and check its exit codes, output and
run folder.
"""

import dataclasses
import os
import stat
import subprocess
import sys

import pandas as pd
import pytest

from sim.cli import run_single
from sim.metrics import METRICS
from sim.params import ModelParams
from sim.results import validate_tidy

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
STEPS = 6


def _config(**overrides) -> dict:
    """A run config as Hydra composes it: run keys plus every model parameter (None = default)."""
    cfg = {"steering": None, "scenario": None, "seed": 3, "steps": STEPS}
    cfg.update({f.name: None for f in dataclasses.fields(ModelParams)})
    cfg["n_citizens"] = 300
    cfg.update(overrides)
    return cfg


def _run(args: list[str], cwd) -> subprocess.CompletedProcess:
    """Run ``python -m sim`` with ``args`` in ``cwd``."""
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.mark.parametrize("steering", ["result_based", "experience_based"])
def test_run_single_writes_tidy_metrics_and_figure(tmp_path, steering):
    """run_single writes a valid tidy metrics.parquet with every metric and a PNG figure."""
    out = run_single(_config(steering=steering), tmp_path / "out")
    assert out == tmp_path / "out"
    table = pd.read_parquet(out / "metrics.parquet")
    assert validate_tidy(table) is table
    assert list(table.columns) == ["seed", "steering", "scenario", "step", "metric", "value"]
    assert set(table["seed"]) == {3}
    assert set(table["steering"]) == {steering}
    assert set(table["scenario"]) == {"baseline"}
    assert sorted(table["step"].unique()) == list(range(1, STEPS + 1))
    assert set(METRICS) <= set(table["metric"])
    assert len(table) == STEPS * table["metric"].nunique()
    true_outcome = table.loc[table["metric"] == "true_outcome", "value"]
    assert true_outcome.between(0.0, 1.0).all()
    png = out / "main_metrics.png"
    assert png.is_file()
    assert png.read_bytes()[:8] == PNG_MAGIC
    assert png.stat().st_size > 10_000
    assert sorted(p.name for p in out.iterdir()) == ["main_metrics.png", "metrics.parquet"]


def test_run_single_passes_parameters_and_seed(tmp_path):
    """Parameters and the seed in the config reach the model: changing either changes results."""
    base = pd.read_parquet(run_single(_config(), tmp_path / "a") / "metrics.parquet")
    again = pd.read_parquet(run_single(_config(), tmp_path / "b") / "metrics.parquet")
    pd.testing.assert_frame_equal(base, again)
    other_seed = pd.read_parquet(run_single(_config(seed=4), tmp_path / "c") / "metrics.parquet")
    shocked = pd.read_parquet(run_single(_config(shock_per_step=0.2), tmp_path / "d")
                              / "metrics.parquet")
    for other in (other_seed, shocked):
        assert not base["value"].equals(other["value"])
    assert set(other_seed["seed"]) == {4}


def test_run_single_rejects_bad_values_before_writing(tmp_path):
    """A bad parameter raises ValueError naming it, and no output folder is created."""
    with pytest.raises(ValueError, match=r"^n_citizens: "):
        run_single(_config(n_citizens=-5), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_run_single_records_the_scenario(tmp_path):
    """A scenario run is labelled with the scenario's name in the tidy table."""
    out = run_single(_config(scenario="budget_cut"), tmp_path / "out")
    table = pd.read_parquet(out / "metrics.parquet")
    assert set(table["scenario"]) == {"budget_cut"}


def test_run_single_labels_the_style_that_ran(tmp_path):
    """The steering column names the style that actually ran, also when a scenario sets it."""
    out = run_single(_config(scenario="trust_reform"), tmp_path / "out")
    table = pd.read_parquet(out / "metrics.parquet")
    assert set(table["steering"]) == {"switch"}


def test_metrics_file_has_ordinary_permissions(tmp_path):
    """Under umask 022, metrics.parquet is world-readable (0644) like any other new file."""
    old = os.umask(0o022)
    try:
        out = run_single(_config(), tmp_path / "out")
    finally:
        os.umask(old)
    assert stat.S_IMODE((out / "main_metrics.png").stat().st_mode) == 0o644
    assert stat.S_IMODE((out / "metrics.parquet").stat().st_mode) == 0o644


@pytest.mark.slow
def test_command_runs_and_prints_the_run_folder(tmp_path):
    """`python -m sim ...` exits 0 and prints the run folder, which holds the outputs."""
    run_dir = tmp_path / "run"
    result = _run(["n_citizens=300", f"steps={STEPS}", "seed=4", "steering=experience_based",
                   f"hydra.run.dir={run_dir}"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(run_dir)
    table = pd.read_parquet(run_dir / "metrics.parquet")
    validate_tidy(table)
    assert set(table["steering"]) == {"experience_based"}
    assert set(table["seed"]) == {4}
    assert table["step"].max() == STEPS
    assert (run_dir / "main_metrics.png").read_bytes()[:8] == PNG_MAGIC


@pytest.mark.slow
def test_command_rejects_bad_value_cleanly(tmp_path):
    """A bad value exits 2 with one 'error: n_citizens ...' line, no traceback, no run folder."""
    run_dir = tmp_path / "run"
    result = _run(["n_citizens=-5", "steps=2", f"hydra.run.dir={run_dir}"], tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: n_citizens")
    assert "[10, " in lines[0]
    assert "Traceback" not in result.stderr
    assert result.stdout.strip() == ""
    assert not run_dir.exists()


@pytest.mark.slow
@pytest.mark.parametrize(("override", "key"), [("bogus=1", "bogus"), ("n_citizens=abc", "n_citizens")])
def test_command_rejects_unknown_key_and_wrong_type(tmp_path, override, key):
    """Hydra's schema refuses an unknown key or a mistyped value, naming it, without a traceback."""
    run_dir = tmp_path / "run"
    result = _run([override, "steps=2", f"hydra.run.dir={run_dir}"], tmp_path)
    assert result.returncode != 0
    assert key in result.stderr
    assert "Traceback" not in result.stderr
    assert not run_dir.exists()


@pytest.mark.slow
def test_command_selects_a_scenario_by_name(tmp_path):
    """`python -m sim scenario=budget_cut` runs the preset and labels the table with it."""
    run_dir = tmp_path / "run"
    result = _run(["scenario=budget_cut", "n_citizens=300", "steps=2",
                   f"hydra.run.dir={run_dir}"], tmp_path)
    assert result.returncode == 0, result.stderr
    table = pd.read_parquet(run_dir / "metrics.parquet")
    assert set(table["scenario"]) == {"budget_cut"}
