"""The experiments catalogue (``experiments/``): generated from configs and results, never stale."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.reporting.analysis import analyse_sweep
from sim.results import write_atomic
from sim.runs.catalogue import DEFAULT_OUT, NOT_RUN, build_catalogue, experiments
from sim.runs.cli import check
from sim.scenarios import CONFIG_DIR

FIGURES = ["style_comparison_timeseries", "style_comparison_differences"]


def test_every_experiment_with_an_analysis_has_a_page():
    """One page per experiment config that names an analysis; the index links every one."""
    configs = sorted(p.stem for p in (Path(CONFIG_DIR) / "experiment").glob("*.yaml")
                     if (yaml.safe_load(p.read_text()).get("analysis") or {}).get("name"))
    assert [e.name for e in experiments()] == configs
    index = (DEFAULT_OUT / "README.md").read_text()
    for name in configs:
        assert (DEFAULT_OUT / name / "README.md").exists(), name
        assert f"]({name}/README.md)" in index


def test_committed_catalogue_is_up_to_date(tmp_path):
    """Regenerating from the configs changes nothing: edit a config, rerun sim-experiments."""
    copy = tmp_path / "experiments"
    shutil.copytree(DEFAULT_OUT, copy)
    build_catalogue(None, copy)
    for page in sorted(DEFAULT_OUT.rglob("README.md")):
        regenerated = (copy / page.relative_to(DEFAULT_OUT)).read_text()
        assert regenerated == page.read_text(), f"{page} is stale: run sim-experiments"


@pytest.mark.parametrize("name", [e.name for e in experiments()])
def test_tiny_command_is_valid(name):
    """The tiny command each page gives composes and validates (the slow tier runs them)."""
    (e,) = [e for e in experiments() if e.name == name]
    assert e.tiny, f"{name}: analysis.tiny is empty"
    assert check(["-m", f"experiment={name}", *e.tiny]) >= 1


@pytest.fixture
def results(tmp_path, style_runs) -> Path:
    """A folder holding one collected style-comparison sweep (3 replicates, 200 citizens)."""
    sweep = tmp_path / "results" / "style_comparison"
    write_atomic(style_runs.copy(), sweep / "sweep.parquet")
    config = {"seed": 0, "steps": 14, "replicates": 3,
              "analysis": {"name": "style_comparison", "question": "Which style?", "figures": FIGURES}}
    (sweep / "multirun.yaml").write_text(yaml.safe_dump(config))
    job = sweep / "steering=result_based"
    job.mkdir()
    (job / "provenance.json").write_text(json.dumps({
        "git_commit": "0123456789abcdef", "started": "2026-11-30T10:00:00+00:00", "config": config}))
    return tmp_path / "results"


@pytest.mark.slow
def test_findings_come_from_the_results(results, tmp_path):
    """A page's findings are its analysis's readings of the newest sweep, with its commit and date."""
    out = tmp_path / "experiments"
    shutil.copytree(DEFAULT_OUT, out)
    before = {p.name: p.read_text() for p in out.glob("*/README.md")}
    build_catalogue(results, out, any_size=True)
    page = (out / "style_comparison" / "README.md").read_text()
    _, findings = analyse_sweep(results / "style_comparison")
    for finding in findings:
        assert finding.reading in page
        assert (out / "style_comparison" / f"{finding.name}.png").stat().st_size > 0
    assert "From the sweep run on 2026-11-30 at commit `0123456789`" in page
    assert "3 paired replicates, 14 months" in page
    index = (out / "README.md").read_text()
    assert "2026-11-30 at commit `0123456789`" in index
    # the other experiments keep the findings they had
    assert (out / "goodhart" / "README.md").read_text() == \
        (DEFAULT_OUT / "goodhart" / "README.md").read_text()
    assert before  # the copy had pages to keep


@pytest.mark.slow
def test_tiny_sweeps_do_not_replace_full_size_findings(results, tmp_path):
    """By default a sweep smaller than the experiment's default size is not a finding."""
    out = tmp_path / "experiments"
    shutil.copytree(DEFAULT_OUT, out)
    with pytest.raises(ValueError, match="no collected full-size experiment sweep"):
        build_catalogue(results, out)
    assert (out / "style_comparison" / "README.md").read_text() == \
        (DEFAULT_OUT / "style_comparison" / "README.md").read_text()


def test_new_page_says_not_run(tmp_path):
    """Without results, a page that had no findings says how to get them."""
    pages = build_catalogue(None, tmp_path / "fresh")
    assert all(NOT_RUN in page.read_text() for page in pages)


def test_command_line_errors_are_one_line(tmp_path):
    """A missing results folder: one line naming it, exit 2, nothing written."""
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "sim.runs.catalogue", str(tmp_path / "nope"),
                          "--out", str(out)], capture_output=True, text=True, check=False)
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and run.stderr.startswith("error: results:")
    assert not out.exists()
