"""The SALib sweeper (``hydra/sweeper=salib``) and the ``sensitivity`` experiment.

Fast: the SALib path (samples, indices, the choice of Sobol parameters) reproduces the
Ishigami function's indices in closed form; the sweeper's checks name the bad key; the
experiment composes with the SALib sweeper over exactly the model's free parameters; the
plot functions and readings work on small fixture tables.
Slow (CI still runs them): the same path through Hydra (``tests/ishigami_app``, swept by
the SALib sweeper with the basic launcher) gives SALib's indices exactly and the analytic
ones within their CIs; ``sim -m experiment=sensitivity`` runs end to end at a tiny size;
the same command into the same folder skips every job and gives identical indices.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.figure import Figure
from omegaconf import OmegaConf

from hydra_plugins.sim_salib import checks, count_jobs, design, planned_jobs
from sim.params import ModelParams
from sim.reporting.analysis import SweepData
from sim.reporting.analysis import sensitivity as analysis
from sim.reporting.plots_sensitivity import plot_morris, plot_sobol
from sim.results import validate_tidy
from sim.runs.cli import check
from sim.runs.jobs import validate
from tests.ishigami_app.app import analytic_indices, ishigami

ROOT = Path(__file__).resolve().parents[1]
PI = math.pi
ISHIGAMI = design.parse_problem({f"x{i}": [-PI, PI] for i in (1, 2, 3)})
SIM = str(Path(sys.executable).with_name("sim"))


def _ishigami_y(x: np.ndarray) -> np.ndarray:
    return np.array([ishigami(*row) for row in x])


def grid_mu_star(levels: int) -> list[float]:
    """Expected Morris mu* of the Ishigami inputs on a ``levels`` grid, by enumeration.

    A step moves one input by ``delta = levels / (2 (levels - 1))`` of its range from a
    grid point that leaves room for it, the other inputs anywhere on the grid.
    """
    delta = levels / (2 * (levels - 1))
    out = []
    for i in range(3):
        effects = []
        for index in itertools.product(range(levels), repeat=3):
            u = np.array(index) / (levels - 1)
            if u[i] + delta > 1 + 1e-9:
                continue
            v = u.copy()
            v[i] += delta
            effects.append(abs(ishigami(*(-PI + 2 * PI * v)) - ishigami(*(-PI + 2 * PI * u))) / delta)
        out.append(float(np.mean(effects)))
    return out


# --- the SALib path on a function with known indices -------------------------------------


def test_sobol_indices_of_ishigami_match_closed_form():
    """At N = 1024 every S1 and ST lies within its 95% CI of the analytic value.

    The bootstrap CI half-widths at this N are 0.03-0.09, so this pins each index to
    within a few hundredths (a wrong estimator or a shuffled output would miss by tenths).
    """
    x = design.sobol_design(ISHIGAMI, 1024, seed=0)
    assert x.shape == (1024 * 5, 3)
    si = design.sobol_indices(ISHIGAMI, _ishigami_y(x), conf_level=0.95, resamples=1000, seed=0)
    exact = analytic_indices()
    for index in ("S1", "ST"):
        conf = np.array(si[f"{index}_conf"])
        assert np.all(conf < 0.1), (index, conf)
        assert np.all(np.abs(np.array(si[index]) - exact[index]) <= conf), (index, si[index])


def test_morris_mu_star_of_ishigami_matches_its_grid_expectation():
    """mu* is within 1.5 CI half-widths of its exact grid mean; x1 and x2 rank above x3.

    With 4 levels the exact means are 7.70, 7.88 and 6.25: x3 acts only through its
    interaction with x1. At 500 trajectories the CI half-width (~0.55) separates them.
    """
    x = design.morris_design(ISHIGAMI, 500, levels=4, seed=0)
    assert x.shape == (500 * 4, 3)
    mi = design.morris_indices(ISHIGAMI, x, _ishigami_y(x), levels=4, conf_level=0.95,
                               resamples=1000, seed=0)
    expected = grid_mu_star(4)
    for got, conf, want in zip(mi["mu_star"], mi["mu_star_conf"], expected, strict=True):
        # 1e-4: the samples are rounded to 6 significant digits (x2's CI is 0: all its
        # steps have the same size)
        assert abs(got - want) <= 1.5 * conf + 1e-4, (got, want, conf)
    assert min(mi["mu_star"][0], mi["mu_star"][1]) > mi["mu_star"][2]
    chosen, score = design.most_influential({"y": mi["mu_star"]}, ["x1", "x2", "x3"], 2)
    assert set(chosen) == {"x1", "x2"} and max(score) == 1.0


def test_samples_are_rounded_inside_their_bounds():
    """Sampled values have at most 6 significant digits and stay within the bounds."""
    params = design.parse_problem({"a": [0.0, 0.9], "b": {"bounds": [0.25, 1.0], "only": "x"}})
    x = design.sobol_design(params, 64, seed=3)
    assert np.all(x >= [0.0, 0.25]) and np.all(x <= [0.9, 1.0])
    assert all(float(f"{v:.6g}") == v for v in x.ravel())
    assert params[1].only == "x"


def test_most_influential_counts_every_output_alike():
    """Each output's largest mu* scores 1, whatever the output's scale."""
    chosen, score = design.most_influential(
        {"big": [100.0, 50.0, 1.0], "small": [0.001, 0.0, 0.01]}, ["a", "b", "c"], 2)
    assert chosen == ["a", "c"] and score == [1.0, 0.5, 1.0]


def test_sobol_indices_are_missing_when_the_output_does_not_vary():
    """A constant output has no variance to share: NaN indices, no warning or error."""
    si = design.sobol_indices(ISHIGAMI, np.ones(8 * 5), 0.95, 100, 0)
    assert all(math.isnan(v) for v in si["S1"] + si["ST"])
    assert json.loads(json.dumps(design.jsonable(si)))["S1"] == [None] * 3


@pytest.mark.parametrize(("spec", "message"), [
    ({"model.handoff_loss": [0.3, 0.1]}, "model.handoff_loss: bounds must be finite with low < high"),
    ({"model.handoff_loss": [0.1]}, "model.handoff_loss: bounds must be [low, high]"),
    ({"model.handoff_loss": {"bounds": [0, 1], "onyl": "x"}}, "model.handoff_loss: unknown setting"),
    ({}, "problem: no parameters"),
])
def test_malformed_problems_name_the_key(spec, message):
    """A bad problem entry stops with a message that names it."""
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        design.parse_problem(spec)


def test_stage_settings_are_checked():
    """Sizes must be integers of a usable size; N a power of 2; levels even."""
    morris, sobol = {"trajectories": 10, "levels": 4}, {"base_samples": 64, "top_k": 4}
    checks.check_settings(["y"], morris, sobol, 0.95, 1000)
    for bad, message in ((dict(sobol, base_samples=60), "sobol.base_samples: must be a power of 2"),
                         (dict(sobol, top_k=0), "sobol.top_k: must be an integer >= 1")):
        with pytest.raises(ValueError, match=message):
            checks.check_settings(["y"], morris, bad, 0.95, 1000)
    with pytest.raises(ValueError, match="morris.levels: must be even"):
        checks.check_settings(["y"], dict(morris, levels=5), sobol, 0.95, 1000)
    with pytest.raises(ValueError, match="outputs: name at least one"):
        checks.check_settings([], morris, sobol, 0.95, 1000)


# --- the experiment's config ------------------------------------------------------------


def _experiment(compose_config, overrides: list[str] | None = None):
    return compose_config(["experiment=sensitivity", *(overrides or [])], shrink=False, hydra=True)


def test_experiment_selects_the_salib_sweeper_over_the_free_parameters(compose_config):
    """The experiment composes with the SALib sweeper, over every *free* parameter.

    Bounds lie inside the ranges ModelParams and the levers allow; the target ratchet is
    sampled in the result-based arm only; ``sim``'s own check passes (one base point).
    """
    cfg = _experiment(compose_config)
    sweeper = cfg.hydra.sweeper
    assert sweeper._target_ == "hydra_plugins.sim_salib.SALibSweeper"
    assert "params" not in sweeper  # sim.runs.cli.check expands only hydra.sweeper.params
    problem = design.parse_problem(OmegaConf.to_container(sweeper.problem))
    free = {f.name for f in dataclasses.fields(ModelParams) if f.metadata["status"] == "free"}
    names = {p.name.split(".", 1)[1] for p in problem}
    assert names == free | {"ratchet_per_year"}
    # every varied parameter has a reader's label in the figures and readings
    assert {p.name for p in problem} <= set(analysis.PARAMETER_LABELS)
    fields = {f.name: f for f in dataclasses.fields(ModelParams)}
    for p in problem:
        key = p.name.split(".", 1)[1]
        if key in fields:
            assert fields[key].metadata["low"] <= p.low < p.high <= fields[key].metadata["high"], p
    assert [p.only for p in problem if p.only] == ["result_based"]
    assert dict(sweeper.contrast) == {"key": "steering", "plus": "co_creation", "minus": "result_based"}
    assert list(sweeper.outputs) == ["true_outcome", "citizen_trust", "equity_gap"]
    assert check(["-m", "experiment=sensitivity"]) == 1


def test_every_sampled_point_is_validated_against_the_model_ranges(compose_config):
    """A range beyond what the model allows is refused before any job, naming the key."""
    def load(extra):
        return _experiment(compose_config, extra).copy()

    good = design.parse_problem({"model.handoff_loss": [0.1, 0.3],
                                 "steering.ratchet_per_year": {"bounds": [0, 0.5], "only": "result_based"}})
    arms = [checks.compose_arm(load, s, [f"steering={s}"], good) for s in ("co_creation", "result_based")]
    assert arms[0].defaults["steering.ratchet_per_year"] == 0.0  # kept in the other arm
    checks.check_points("morris", good, design.morris_design(good, 2, 4, 0), arms, validate)
    bad = design.parse_problem({"model.handoff_loss": [0.1, 1.5]})
    with pytest.raises(ValueError, match=r"model.handoff_loss: must be a number in \[0.0, 1.0\]"):
        checks.check_points("morris", bad, design.morris_design(bad, 2, 4, 0), arms[:1], validate)
    missing = design.parse_problem({"model.no_such_key": [0, 1]})
    with pytest.raises(ValueError, match="problem.model.no_such_key: not a number in the config"):
        checks.compose_arm(load, "co_creation", ["steering=co_creation"], missing)


def test_jobs_that_repeat_run_once(compose_config):
    """A parameter sampled in one arm only leaves repeated jobs in the other; each runs once.

    Every Morris trajectory steps the ratchet once: in the co-creation arm, which keeps its
    own ratchet, that step repeats the point before it. The progress line counts jobs so.
    """
    params = design.parse_problem({"a": [0, 1], "r": {"bounds": [0, 0.5], "only": "minus"}})
    x = design.morris_design(params, 5, 4, 0)
    assert count_jobs(x, params, ["minus"]) == len({tuple(row) for row in x})
    first = design.first_runs(x, params, "plus")
    assert all(first[i] <= i and x[first[i], 0] == x[i, 0] for i in range(len(x)))
    assert count_jobs(x, params, ["plus"]) == len(set(x[:, 0])) < count_jobs(x, params, ["minus"])
    cfg = _experiment(compose_config, ["hydra.sweeper.morris.trajectories=2"])
    points = len(cfg.hydra.sweeper.problem) + 1  # a Morris trajectory: one point per parameter + 1
    assert planned_jobs(cfg.hydra.sweeper) == (2 * points - 2) + 2 * points + 2 * 64 * 6


# --- figures and readings on fixture tables --------------------------------------------------

OUTPUTS = ["true_outcome", "citizen_trust"]
PARAMS = ["model.effort_substitutability", "steering.ratchet_per_year", "model.handoff_loss"]


def _fixture_result() -> dict:
    rng = np.random.default_rng(0)
    morris = {o: {"mu": [0.04, -0.02, 0.001], "mu_star": [0.05, 0.02, 0.001],
                  "sigma": [0.03, 0.03, 0.0005], "mu_star_conf": [0.01, 0.005, 0.0004]}
              for o in OUTPUTS}
    sobol = {o: {"S1": [0.6, 0.2], "S1_conf": [0.1, 0.08], "ST": [0.7, 0.3], "ST_conf": [0.1, 0.05]}
             for o in OUTPUTS}
    y = {o: {"value": list(rng.normal(0.03, 0.01, 16))} for o in OUTPUTS}
    return {
        "format": 1, "status": "complete", "outputs": OUTPUTS, "conf_level": 0.95, "resamples": 1000,
        "contrast": {"key": "steering", "plus": "co_creation", "minus": "result_based"},
        "parameters": [{"name": p} for p in PARAMS],
        "morris": {"names": PARAMS, "trajectories": 4, "X": [[0, 0, 0]] * 16, "Y": y,
                   "indices": morris, "selected": PARAMS[:2]},
        "sobol": {"names": PARAMS[:2], "base_samples": 4, "X": [[0, 0]] * 16, "Y": y,
                  "indices": sobol},
    }


def test_plot_functions_render_on_fixture_tables():
    """Both plots return Figures with a title, labelled axes and a legend."""
    result = _fixture_result()
    for fig in (plot_morris(analysis.morris_table(result), OUTPUTS, "Q?", "caption",
                            {o: "Δ x (0-1)" for o in OUTPUTS}, analysis.PARAMETER_LABELS),
                plot_sobol(analysis.sobol_table(result), OUTPUTS, "Q?", "caption")):
        assert isinstance(fig, Figure)
        assert fig.get_suptitle() == "Q?"
        assert fig.legends
        for ax in fig.axes:
            assert ax.get_xlabel() and ax.get_ylabel() is not None
        fig.canvas.draw()


def test_readings_are_generated_from_the_numbers(tmp_path):
    """The analysis names the largest effects with their CIs and gives two findings."""
    (tmp_path / "sensitivity.json").write_text(json.dumps(_fixture_result()))
    table = pd.DataFrame({"job_id": "j", "replicate": [0, 1], "seed": [1, 2], "step": [12, 12],
                          "metric": "true_outcome", "value": [0.5, 0.6]})
    findings = analysis.analyse(SweepData(folder=tmp_path, table=table, config={}))
    assert [f.name for f in findings] == ["sensitivity_morris", "sensitivity_sobol"]
    morris, sobol = findings
    assert "δ effort substitutability 0.05 [0.04, 0.06]" in morris.reading
    assert "λh handoff loss" in morris.reading.split("Below 5% of the largest μ*:")[1]
    assert "ST 0.70 [0.60, 0.80], S1 0.60 [0.50, 0.70]" in sobol.reading
    assert "2 paired replicates" in morris.caption and "95%" in sobol.caption
    assert list(sobol.table.columns[:4]) == ["output", "parameter", "S1", "S1_low"]


# --- through Hydra (slow tier) --------------------------------------------------------------


@pytest.mark.slow
def test_ishigami_through_the_hydra_sweeper(tmp_path):
    """The SALib sweeper, launching one Hydra job per sample, reproduces Ishigami's indices.

    Its indices equal SALib's on the same design (the jobs' outputs are read back in
    order), x2's mu* is exact, and at N = 64 each analytic Sobol index lies within 1.5 of
    its bootstrap CI half-widths (0.07-0.3 here; intervals from 64 base samples run
    narrow). The accuracy of the estimators themselves is pinned by the fast tests above.
    """
    sweep = tmp_path / "ishigami"
    run = subprocess.run([sys.executable, "-m", "tests.ishigami_app.app",
                          f"hydra.sweep.dir={sweep}"], cwd=ROOT, capture_output=True, text=True,
                         timeout=600, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads((sweep / "sensitivity.json").read_text())
    assert result["status"] == "complete"
    assert sorted(p.name for p in sweep.iterdir() if p.is_dir())[:2] == ["morris-00000", "morris-00001"]
    morris = result["morris"]
    x = np.array(morris["X"])
    direct = design.morris_indices(ISHIGAMI, x, _ishigami_y(x), morris["levels"], 0.95, 1000,
                                   morris["seed"])
    for key, values in direct.items():
        assert morris["indices"]["y"][key] == pytest.approx(values, rel=1e-9, abs=1e-12), key
    # On the 4-level grid every step of x2 changes y by exactly 7 sin²(π/3) over 2/3.
    assert direct["mu_star"][1] == pytest.approx(grid_mu_star(4)[1], rel=1e-5)
    sobol = result["sobol"]
    x = np.array(sobol["X"])
    direct = design.sobol_indices(ISHIGAMI, _ishigami_y(x), 0.95, 1000, sobol["seed"])
    for key, values in direct.items():
        assert sobol["indices"]["y"][key] == pytest.approx(values, rel=1e-9, abs=1e-12), key
    exact = analytic_indices()
    for index in ("S1", "ST"):
        err = np.abs(np.array(direct[index]) - exact[index])
        assert np.all(err <= 1.5 * np.array(direct[f"{index}_conf"])), (index, direct)


#: The experiment's own tiny run (``analysis.tiny`` in its config, as the docs give it).
TINY = yaml.safe_load((ROOT / "sim" / "configs" / "experiment" / "sensitivity.yaml").read_text()
                      )["analysis"]["tiny"]


def _sim(sweep: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([SIM, "-m", "experiment=sensitivity", *TINY, *extra,
                           f"hydra.sweep.dir={sweep}"],
                          capture_output=True, text=True, timeout=600, check=False, cwd=sweep.parent)


@pytest.fixture(scope="module")
def tiny_sweep(tmp_path_factory):
    """The experiment at a tiny size: at most 2 x (2 x (k + 1) + 2 x 4) jobs for k parameters."""
    sweep = tmp_path_factory.mktemp("sensitivity") / "sweep"
    return sweep, _sim(sweep)


@pytest.mark.slow
def test_sensitivity_experiment_runs_end_to_end(tiny_sweep):
    """``sim -m experiment=sensitivity`` writes the indices, both figures and report.html."""
    sweep, run = tiny_sweep
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads((sweep / "sensitivity.json").read_text())
    assert result["status"] == "complete"
    points = len(result["morris"]["names"]) + 1  # a Morris trajectory: one per parameter + 1
    assert len(result["morris"]["X"]) == 2 * points and len(result["sobol"]["X"]) == 2 * 4
    assert set(result["sobol"]["indices"]) == {"true_outcome", "citizen_trust", "equity_gap"}
    folders = sorted(p.name for p in sweep.iterdir() if p.is_dir() and p.name != "figures")
    used = {f for stage in ("morris", "sobol") for point in result[stage]["folders"] for f in point}
    assert set(folders) == used and max(len(f) for f in folders) < 40
    assert len(folders) < 2 * (2 * points + 2 * 4)  # co-creation's ratchet steps repeat jobs, which run once
    assert f"{len(folders)}/{len(folders)} points done" in run.stderr
    table = validate_tidy(pd.read_parquet(sweep / "sweep.parquet"))  # one job id per job
    assert table["job_id"].nunique() == len(folders)
    ratchets = json.loads((sweep / "morris-00000-co_creation" / "provenance.json").read_text())
    assert ratchets["config"]["steering"]["ratchet_per_year"] == 0.0  # co-creation's own value
    for name in ("sensitivity_morris", "sensitivity_sobol"):
        assert (sweep / "figures" / f"{name}.png").stat().st_size > 0
        assert (sweep / "figures" / f"{name}.svg").stat().st_size > 0
    page = (sweep / "report.html").read_text()
    assert "Which free parameters of the model decide" in page
    assert page.count("data:image/png;base64,") == 2


@pytest.mark.slow
def test_rerun_into_the_same_folder_skips_every_job(tiny_sweep):
    """The same command again: every job is skipped (files untouched), indices identical."""
    sweep, first = tiny_sweep
    assert first.returncode == 0, first.stderr[-2000:]
    before = json.loads((sweep / "sensitivity.json").read_text())
    stamps = {p: p.stat().st_mtime_ns for p in sweep.glob("*/timeseries.parquet")}
    again = _sim(sweep)
    assert again.returncode == 0, again.stderr[-2000:]
    assert {p: p.stat().st_mtime_ns for p in sweep.glob("*/timeseries.parquet")} == stamps
    after = json.loads((sweep / "sensitivity.json").read_text())
    for stage in ("morris", "sobol"):
        assert after[stage]["indices"] == before[stage]["indices"]
        assert after[stage]["X"] == before[stage]["X"]


@pytest.mark.slow
def test_parallel_launcher_gives_the_same_indices(tiny_sweep, tmp_path):
    """``launcher=local`` runs the whole experiment with the basic launcher's indices.

    Its joblib workers each compose several jobs from the pickled config store.
    """
    sweep, first = tiny_sweep
    assert first.returncode == 0, first.stderr[-2000:]
    parallel = tmp_path / "parallel"
    run = _sim(parallel, "launcher=local")
    assert run.returncode == 0, run.stderr[-2000:]
    basic = json.loads((sweep / "sensitivity.json").read_text())
    local = json.loads((parallel / "sensitivity.json").read_text())
    assert local["status"] == "complete"
    for stage in ("morris", "sobol"):
        assert local[stage]["indices"] == basic[stage]["indices"]
