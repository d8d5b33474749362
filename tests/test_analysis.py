"""The analysis layer: CIs against scipy, plot functions, the report, and the experiments."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.figure import Figure
from scipy import stats

from sim.reporting.analysis import ANALYSES, load_sweep
from sim.reporting.analysis.stats import final_year, mean_ci, paired_differences, summarise
from sim.reporting.plots import (
    plot_curves,
    plot_differences,
    plot_heatmaps,
    plot_main_metrics,
    plot_timeseries,
    plot_tradeoff,
)
from sim.reporting.report import build_report
from sim.results import write_atomic

SIM = str(Path(sys.executable).with_name("sim"))
CONFIGS = Path(__file__).resolve().parents[1] / "sim" / "configs" / "experiment"


def tidy(values: dict[tuple[str, int], np.ndarray], metric: str = "true_outcome",
         steps: int = 3) -> pd.DataFrame:
    """A tidy table: ``values[(steering, replicate)]`` is that run's series over steps."""
    rows = []
    for (steering, rep), series in values.items():
        for step in range(1, steps + 1):
            rows.append({"job_id": f"steering={steering}", "replicate": rep, "seed": 100 + rep,
                         "steering": steering, "step": step, "metric": metric,
                         "value": float(series[step - 1])})
    return pd.DataFrame(rows)


# --- confidence intervals: checked against scipy on known data -------------------------

def test_mean_ci_is_scipy_t_interval():
    """The CI of a mean is scipy's Student-t interval."""
    x = np.array([0.1, 0.4, 0.35, 0.8, 0.55, 0.2])
    low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert mean_ci(x) == pytest.approx((x.mean(), low, high), rel=1e-12)
    assert mean_ci([0.3]) == (0.3, 0.3, 0.3)
    assert all(np.isnan(mean_ci([np.nan])))


def test_summarise_matches_scipy_per_group():
    """The vectorised summary equals scipy's interval in every group, NaNs dropped."""
    rng = np.random.default_rng(1)
    values = {(s, r): rng.normal(loc, 0.1, 3) for s, loc in (("a", 0.2), ("b", 0.6))
              for r in range(7)}
    table = tidy(values)
    table.loc[0, "value"] = np.nan
    out = summarise(table, ["steering", "step"])
    for _, row in out.iterrows():
        x = table[(table["steering"] == row["steering"]) & (table["step"] == row["step"])]["value"]
        x = x.dropna().to_numpy()
        low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
        assert (row["mean"], row["low"], row["high"], row["n"]) == pytest.approx(
            (x.mean(), low, high, len(x)), rel=1e-10)


def test_paired_differences_match_ttest_rel():
    """Differences are paired on the seed: scipy's paired t-test gives the same CI and p."""
    rng = np.random.default_rng(2)
    base = rng.normal(0.5, 0.2, 9)  # a large seed effect shared by both styles
    effect = rng.normal(0.03, 0.01, 9)
    table = tidy({**{("a", r): [base[r]] for r in range(9)},
                  **{("b", r): [base[r] + effect[r]] for r in range(9)}}, steps=1)
    out = paired_differences(final_year(table), "steering", "a").iloc[0]
    test = stats.ttest_rel(base + effect, base)
    ci = test.confidence_interval(0.95)
    assert (out["option"], out["n"]) == ("b", 9)
    assert (out["mean"], out["low"], out["high"], out["p"]) == pytest.approx(
        (effect.mean(), ci.low, ci.high, test.pvalue), rel=1e-9)
    # unpaired, the seed effect would swamp the difference; paired, the CI excludes zero
    assert out["low"] > 0


def test_a_difference_at_rounding_is_none_and_a_small_one_is_kept():
    """Values that differ only by floating-point rounding pair to exactly 0 with no p-value.

    (A sum taken in another order gives ``1.0`` against ``1.0 + 2e-16``: a seed-SD ratio or a
    p-value of that would be noise.) A difference of 1e-9 of the values is still measured.
    """
    rng = np.random.default_rng(3)
    base = rng.uniform(0.9, 1.0, 8)
    noise = base * np.finfo(float).eps * rng.choice([-1.0, 0.0, 1.0], 8)
    for shift, zero in ((noise, True), (base * 1e-9 * rng.uniform(1.0, 2.0, 8), False)):
        table = tidy({**{("a", r): [base[r]] for r in range(8)},
                      **{("b", r): [base[r] + shift[r]] for r in range(8)}}, steps=1)
        out = paired_differences(final_year(table), "steering", "a").iloc[0]
        if zero:
            assert (out["mean"], out["low"], out["high"]) == (0.0, 0.0, 0.0)
            assert np.isnan(out["p"])
        else:
            assert out["low"] > 0 and out["p"] < 0.05


def test_final_year_means_the_last_twelve_steps():
    """The final year is the mean of the last 12 steps of each run."""
    table = tidy({("a", 0): np.arange(1.0, 31.0)}, steps=30)
    out = final_year(table)
    assert out["value"].iloc[0] == pytest.approx(np.arange(19.0, 31.0).mean())


# --- plot functions on small fixture tables ----------------------------------------------

@pytest.fixture
def summary() -> pd.DataFrame:
    """A small summary over two styles, two parameters, two steps and two metrics."""
    rows = []
    for style in ("result_based", "co_creation"):
        for x in (0.0, 0.5, 1.0):
            for y in (0.1, 0.9):
                for step in (1, 2):
                    for metric in ("true_outcome", "kpi"):
                        mean = 0.5 + 0.1 * x - 0.05 * y + 0.01 * step
                        rows.append({"steering": style, "x": x, "y": y, "step": step,
                                     "metric": metric, "mean": mean, "low": mean - 0.02,
                                     "high": mean + 0.02, "n": 5})
    return pd.DataFrame(rows)


def test_plot_functions_return_figures(summary):
    """Each plot function renders a Figure with its question as title and a caption."""
    one = summary[(summary["x"] == 0.0) & (summary["y"] == 0.1)]
    final = summary[summary["step"] == 2]
    diffs = final[(final["y"] == 0.1) & (final["x"] == 0.5)].rename(columns={"steering": "option"})
    figures = [
        plot_timeseries(one, ["true_outcome", "kpi"], "steering", "Q1?", "caption 1"),
        plot_differences(diffs, ["true_outcome", "kpi"], "experience_based", "Q2?", "caption 2"),
        plot_heatmaps(final[final["steering"] == "co_creation"], "x", "y", ["kpi"], "Q3?", "cap 3"),
        plot_curves(final[final["y"] == 0.1], "x", ["kpi"], "Q4?", "caption 4", by="steering"),
        plot_tradeoff(final[(final["y"] == 0.1) & (final["steering"] == "co_creation")], "kpi",
                      "true_outcome", "x", "Q5?", "caption 5"),
    ]
    for i, fig in enumerate(figures, start=1):
        assert isinstance(fig, Figure)
        assert fig._suptitle.get_text() == f"Q{i}?"
        assert any(t.get_text().startswith("cap") for t in fig.texts)
        fig.canvas.draw()


def test_main_metrics_figure_from_a_tidy_table():
    """The single-run figure draws the main metrics with CI bands."""
    from sim import simulate
    from sim.results import to_tidy

    frames = [to_tidy(simulate(steps=3, seed=s, n_citizens=200), replicate=s, seed=s)
              for s in range(3)]
    fig = plot_main_metrics(pd.concat(frames, ignore_index=True))
    assert isinstance(fig, Figure) and len(fig.axes) == 6
    assert "3 paired replicates" in fig.texts[-1].get_text()


# --- the report ------------------------------------------------------------------------

HOSTILE = "<script>alert('x')</script> & \"quoted\""


@pytest.fixture
def sweep_folder(tmp_path, style_runs) -> Path:
    """A collected style-comparison sweep with a hostile string in its config."""
    write_atomic(style_runs.copy(), tmp_path / "sweep.parquet")
    config = {"seed": 0, "steps": 14, "replicates": 3, "description": HOSTILE,
              "analysis": {"name": "style_comparison", "question": f"Which style? {HOSTILE}",
                           "figures": ["style_comparison_timeseries", "style_comparison_differences"]},
              "hydra": {"overrides": {"task": [f"description={HOSTILE}"]}}}
    (tmp_path / "multirun.yaml").write_text(yaml.safe_dump(config))
    job = tmp_path / "steering=result_based"
    job.mkdir()
    (job / "provenance.json").write_text(json.dumps({
        "root_seed": 0, "seeds": [11, 22, 33], "git_commit": "abc123", "host": "h",
        "started": "t0", "versions": {"mesa": "3.5.1"}, "config": config}))
    return tmp_path


@pytest.mark.slow
def test_report_embeds_every_figure_and_escapes_config_values(sweep_folder):
    """Every figure the experiment names is saved (PNG, SVG) and embedded as PNG data."""
    path = build_report(sweep_folder)
    page = path.read_text()
    names = load_sweep(sweep_folder).analysis["figures"]
    images = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", page)
    assert len(images) == len(names)
    for data in images:
        assert base64.b64decode(data).startswith(b"\x89PNG")
    for name in names:
        assert (sweep_folder / "figures" / f"{name}.png").stat().st_size > 1000
        assert (sweep_folder / "figures" / f"{name}.svg").read_text().lstrip().startswith("<?xml")
        assert f"figures/{name}.png" in page
    # nothing from a config reaches the page unescaped
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot;" in page
    # provenance: seeds, versions, commit, config
    for text in ("Provenance", "abc123", "11, 22, 33", "mesa 3.5.1", "replicates: 3"):
        assert text in page
    # readings are generated from the numbers: they quote the table's CIs
    assert re.search(r"\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]", page)
    assert not list(sweep_folder.glob(".report.html.*"))


@pytest.mark.slow
def test_report_cli_rejects_bad_input(tmp_path):
    """A missing folder or one without results: one line, exit 2, nothing written."""
    report = [str(Path(sys.executable).with_name("sim-report"))]
    for args in ([str(tmp_path / "missing")], [str(tmp_path)], []):
        result = subprocess.run(report + args, capture_output=True, text=True, check=False)
        assert result.returncode == 2
        assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1
    assert not list(tmp_path.iterdir())


def test_every_experiment_states_its_question_and_figures():
    """Each experiment file starts with its analysis block: name, question, figures."""
    for name in ANALYSES:
        path = CONFIGS / f"{name}.yaml"
        if not path.exists():
            pytest.fail(f"experiment {name} has no config file")
        data = yaml.safe_load(path.read_text())
        first_key = next(k for k in data if k != "defaults")
        assert first_key == "analysis", name
        assert data["analysis"]["name"] == name
        assert data["analysis"]["question"].rstrip().endswith("?"), name
        assert data["analysis"]["figures"], name


# --- experiments end to end at a tiny size (slow tier) ------------------------------------

EXPERIMENTS_E2E = ("style_comparison", "trust_reform", "framing", "budget_cut", "where_styles_win")


@pytest.mark.slow
@pytest.mark.parametrize("name", EXPERIMENTS_E2E)
def test_experiment_runs_end_to_end(name, tmp_path):
    """``sim -m experiment=NAME`` with the experiment's own tiny overrides writes figures and report."""
    sweep = tmp_path / name
    tiny = yaml.safe_load((CONFIGS / f"{name}.yaml").read_text())["analysis"]["tiny"]
    args = [SIM, "-m", f"experiment={name}", *tiny, f"hydra.sweep.dir={sweep}"]
    result = subprocess.run(args, capture_output=True, text=True, check=False,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"report: {sweep / 'report.html'}" in result.stdout
    page = (sweep / "report.html").read_text()
    figures = yaml.safe_load((CONFIGS / f"{name}.yaml").read_text())["analysis"]["figures"]
    for figure in figures:
        assert (sweep / "figures" / f"{figure}.png").exists()
        assert (sweep / "figures" / f"{figure}.svg").exists()
        assert f"figures/{figure}.png" in page
    assert page.count("data:image/png;base64,") == len(figures)


@pytest.mark.slow
def test_report_of_a_folder_of_experiments_has_a_section_each(sweep_folder, tmp_path_factory):
    """``sim-report DIR`` over several sweep folders: one report, one section per sweep."""
    import shutil

    parent = tmp_path_factory.mktemp("experiments")
    for name in ("first", "second"):
        shutil.copytree(sweep_folder, parent / name)
    page = build_report(parent).read_text()
    assert page.count("<h2 id=") == 2
    assert page.count("data:image/png;base64,") == 4
    assert (parent / "first" / "figures" / "style_comparison_timeseries.svg").exists()
