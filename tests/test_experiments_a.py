"""Experiments goodhart, steering_frontier, school_inclusion and ten_caseworkers.

Fast tests run each analysis on a small tidy table built by hand, with known values, and
check one number of each reading against a direct scipy computation. Configs are composed
(every point validated) without running. The slow tier runs each experiment end to end at a
tiny size through the ``sim`` command and checks its figures and report.
"""

from __future__ import annotations

import html
import itertools
import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.figure import Figure
from omegaconf import OmegaConf
from scipy import stats

from sim.reporting.analysis import Finding, SweepData, analysis_for
from sim.results import validate_tidy
from sim.runs.cli import check
from sim.scenarios import CONFIG_DIR

EXPERIMENTS = ("goodhart", "steering_frontier", "school_inclusion", "ten_caseworkers")
SIM = Path(sys.executable).parent / "sim"
REPLICATES = 5
Values = Callable[[dict, int], float]


def experiment(name: str) -> dict:
    """The experiment's YAML file as written."""
    return yaml.safe_load((Path(CONFIG_DIR) / "experiment" / f"{name}.yaml").read_text())


def sweep_table(axes: dict[str, list[float]], metrics: dict[str, Values], steps: int = 3,
                noise: float = 0.01) -> pd.DataFrame:
    """A tidy sweep table: every point of ``axes`` × replicate × step × metric.

    A metric's value is ``metrics[name](point, replicate)`` plus seeded noise that depends
    on the point, the replicate and the metric but not on the step, so the final-year mean
    is exactly that value.
    """
    rng = np.random.default_rng(7)
    rows = []
    keys = list(axes)
    for values in itertools.product(*axes.values()):
        point = dict(zip(keys, values, strict=True))
        job = ",".join(f"{k}={v:g}" for k, v in point.items())
        for rep in range(REPLICATES):
            for metric, fn in metrics.items():
                value = fn(point, rep) + noise * rng.standard_normal()
                rows += [{"job_id": job, "replicate": rep, "seed": 1000 + rep, **point,
                          "step": step, "metric": metric, "value": value}
                         for step in range(1, steps + 1)]
    return validate_tidy(pd.DataFrame(rows))


def sweep_data(name: str, table: pd.DataFrame, tmp_path: Path) -> SweepData:
    """SweepData of a synthetic table with the experiment's real analysis block."""
    return SweepData(folder=tmp_path, table=table, config={"analysis": experiment(name)["analysis"]})


def final_of(table: pd.DataFrame, metric: str, **point: float) -> pd.Series:
    """Final-year value per seed of ``metric`` at ``point`` (all steps are the final year)."""
    rows = table[table["metric"] == metric]
    for key, value in point.items():
        rows = rows[rows[key] == value]
    return rows.groupby("seed")["value"].mean()


def paired_ci(a: pd.Series, b: pd.Series, digits: int) -> str:
    """Mean and 95% t interval of ``a − b`` paired on seed, as the readings write it."""
    d = (a - b).to_numpy()
    low, high = stats.t.interval(0.95, d.size - 1, loc=d.mean(), scale=stats.sem(d))
    return f"{d.mean():.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def check_findings(name: str, findings: list[Finding]) -> None:
    """One finding per named figure, each a Figure with a question, caption and numbers."""
    assert [f.name for f in findings] == experiment(name)["analysis"]["figures"]
    for f in findings:
        assert isinstance(f.figure, Figure)
        assert f.title.endswith("?")
        assert "95%" in f.caption and f"{REPLICATES} paired replicates" in f.caption
        assert any(ch.isdigit() for ch in f.reading) and "[" in f.reading
        assert f.table is not None and not f.table.empty
        for ax in f.figure.axes:
            if ax.get_visible() and ax.get_label() != "<colorbar>":
                ticks = any(t.get_text() for t in ax.get_yticklabels())
                assert ax.get_xlabel() and (ax.get_ylabel() or ticks)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --- the analyses on hand-made tables --------------------------------------------------


def test_goodhart_reads_the_grid_and_the_paired_audit_effect(tmp_path):
    """Gap peaks at high α and weak audit; the reading's audit effect matches scipy."""
    axes = {"steering.incentive": [0.0, 0.5, 1.0], "steering.audit": [0.05, 0.2, 0.5]}
    table = sweep_table(axes, {
        "kpi_survey_gap": lambda p, r: 0.3 * p["steering.incentive"] - 0.4 * p["steering.audit"],
        "true_outcome": lambda p, r: 0.75 - 0.01 * p["steering.incentive"] + 0.002 * r,
        "gaming_share": lambda p, r: 0.2 * p["steering.incentive"] * (1 - p["steering.audit"]),
        "kpi_outcome_corr": lambda p, r: 0.2 - 0.3 * p["steering.audit"],
    })
    findings = analysis_for("goodhart")(sweep_data("goodhart", table, tmp_path))
    check_findings("goodhart", findings)
    heat, audit = findings
    assert "furthest ahead of the survey at α = 1, μ = 0.05" in heat.reading
    strong = final_of(table, "kpi_survey_gap", **{"steering.incentive": 1.0, "steering.audit": 0.5})
    weak = final_of(table, "kpi_survey_gap", **{"steering.incentive": 1.0, "steering.audit": 0.05})
    assert f"kpi_survey_gap {paired_ci(strong, weak, 3)}" in audit.reading
    assert "from μ = 0.05 to μ = 0.5 at α = 1" in audit.reading


def test_goodhart_needs_two_audit_levels(tmp_path):
    """A sweep with one audit level cannot answer whether audit helps: one clear error."""
    table = sweep_table({"steering.incentive": [0.0, 1.0], "steering.audit": [0.05]},
                        {m: lambda p, r: 0.1 for m in ("kpi_survey_gap", "true_outcome")})
    with pytest.raises(ValueError, match="steering.audit: goodhart needs at least two"):
        analysis_for("goodhart")(sweep_data("goodhart", table, tmp_path))


def test_steering_frontier_finds_an_optimum_that_moves(tmp_path):
    """Best w is 1 at low spill-over and 0.5 at high; the margin over w = 1 matches scipy."""
    def outcome(p: dict, r: int) -> float:
        w = p["steering.weight"]
        if p["population.link_worsening_per_step"] < 0.05:
            return 0.76 + 0.02 * w
        return 0.69 + 0.04 * w - 0.04 * w * w

    axes = {"steering.weight": [0.0, 0.5, 1.0], "population.link_worsening_per_step": [0.02, 0.1]}
    table = sweep_table(axes, {
        "true_outcome": outcome,
        "kpi": lambda p, r: 0.9 - 0.3 * p["steering.weight"],
        "admin_share": lambda p, r: 0.405 - 0.25 * p["steering.weight"],
    }, noise=0.002)
    findings = analysis_for("steering_frontier")(sweep_data("steering_frontier", table, tmp_path))
    check_findings("steering_frontier", findings)
    reading = findings[2].reading
    assert "at spill-over 0.02 per month the best mix is w = 1 " in reading
    assert "at spill-over 0.1 per month the best mix is w = 0.5 " in reading
    key = "population.link_worsening_per_step"
    top = final_of(table, "true_outcome", **{key: 0.1, "steering.weight": 1.0})
    best = final_of(table, "true_outcome", **{key: 0.1, "steering.weight": 0.5})
    assert f"w = 1 differs by {paired_ci(top, best, 4)} (clearly lower)" in reading
    assert "The best mix moves with complexity" in reading


def test_school_inclusion_reads_the_paired_quota_effect(tmp_path):
    """Quality falls with the quota only without teaching time; the reading matches scipy."""
    def quality(p: dict, r: int) -> float:
        q, t = p["model.inclusion_quota"], p["model.inclusion_teaching_time"]
        return 0.3 - 0.2 * q * (1 - t) + 0.05 * q * t

    axes = {"model.inclusion_quota": [0.0, 0.4, 0.8], "model.inclusion_teaching_time": [0.0, 1.0]}
    table = sweep_table(axes, {
        "kpi": lambda p, r: 0.8 + (0.1 if p["model.inclusion_quota"] > 0 else 0.0),
        "teaching_quality": quality,
        "further_education": lambda p, r: 0.15 + 0.01 * r,
        "true_outcome": lambda p, r: 0.75,
    })
    findings = analysis_for("school_inclusion")(sweep_data("school_inclusion", table, tmp_path))
    check_findings("school_inclusion", findings)
    reading = findings[1].reading
    assert "Raising the quota from 0 to 0.8" in reading
    high = final_of(table, "teaching_quality", **{"model.inclusion_quota": 0.8,
                                                  "model.inclusion_teaching_time": 0.0})
    none = final_of(table, "teaching_quality", **{"model.inclusion_quota": 0.0,
                                                  "model.inclusion_teaching_time": 0.0})
    assert f"teaching_quality with teaching time 0: {paired_ci(high, none, 3)} (clear)" in reading


def test_ten_caseworkers_reads_team_minus_silo(tmp_path):
    """Teams cut caseworkers and plans; the reading's outcome gain matches scipy."""
    axes = {"steering.team_cases": [0.0, 1.0], "population.link_worsening_per_step": [0.02, 0.1]}
    team = "steering.team_cases"
    table = sweep_table(axes, {
        "caseworkers_complex": lambda p, r: 10.5 - 9.0 * p[team],
        "plans_complex": lambda p, r: 5.5 - 4.5 * p[team],
        "true_outcome": lambda p, r: 0.75 + 0.004 * p[team] + 0.001 * r,
        "cost_per_outcome": lambda p, r: 90.0 - 20.0 * p[team],
        "budget_used": lambda p, r: 0.9 - 0.03 * p[team],
        "equity_gap": lambda p, r: 0.13,
    }, noise=0.001)
    findings = analysis_for("ten_caseworkers")(sweep_data("ten_caseworkers", table, tmp_path))
    check_findings("ten_caseworkers", findings)
    levels, diffs = findings
    assert "At spill-over 0.02 per month: caseworkers silo 10.5" in levels.reading
    key = "population.link_worsening_per_step"
    gain = paired_ci(final_of(table, "true_outcome", **{team: 1.0, key: 0.1}),
                     final_of(table, "true_outcome", **{team: 0.0, key: 0.1}), 4)
    assert f"{gain} at 0.1 (clear)" in diffs.reading


# --- configs ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_experiment_configs_compose_at_full_size(name, compose_config):
    """Each config composes with its analysis, ≥ 30 replicates, and validates every point."""
    written = experiment(name)
    assert written["analysis"]["name"] == name
    assert written["analysis"]["question"].endswith("?")
    cfg = compose_config([f"experiment={name}"], shrink=False, hydra=True)
    assert cfg.replicates >= 30 and cfg.steps == 60 and cfg.population.n_citizens == 2000
    params = OmegaConf.to_container(cfg.hydra.sweeper.params)
    points = math.prod(len(str(v).split(",")) for v in params.values())
    assert check(["-m", f"experiment={name}"]) == points


# --- end to end -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", EXPERIMENTS)
def test_experiment_runs_end_to_end(name, tmp_path):
    """The sim command runs the tiny sweep, saves every named figure and writes the report."""
    folder = tmp_path / name
    tiny = experiment(name)["analysis"]["tiny"]
    run = subprocess.run([str(SIM), "-m", f"experiment={name}", *tiny,
                          f"hydra.sweep.dir={folder}"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    analysis = experiment(name)["analysis"]
    report = (folder / "report.html").read_text()
    assert html.escape(analysis["question"], quote=True) in report
    assert report.count("data:image/png;base64,") == len(analysis["figures"])
    for figure in analysis["figures"]:
        for ext in ("png", "svg"):
            assert (folder / "figures" / f"{figure}.{ext}").stat().st_size > 0
        assert f"figures/{figure}.png" in report
