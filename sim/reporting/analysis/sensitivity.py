"""Sensitivity: which free parameters decide how co-creation compares with result-based steering.

Reads ``sensitivity.json``, which the SALib sweeper (``hydra_plugins/sim_salib``) writes
into the sweep folder: the problem, both stages' samples, each job's outputs and the
indices. Two findings: the Morris screening of every free parameter (mu* with its
bootstrap CI against sigma, Morris 1991; Campolongo et al. 2007) and the Sobol first-order
and total indices of the most influential ones (Saltelli et al. 2010), each with a
reading generated from the numbers and a table of them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.reporting.analysis import Finding, SweepData
from sim.reporting.analysis.stats import describe_ci, excludes_zero
from sim.reporting.plots import METRIC_LABELS, label
from sim.reporting.plots_sensitivity import plot_morris, plot_sobol

RESULT = "sensitivity.json"
TITLE_MORRIS = ("Which free parameters move the difference between co-creation and result-based "
                "steering most?")
TITLE_SOBOL = ("How much of the variation in that difference does each of the most influential "
               "parameters explain, alone (S1) and with its interactions (ST)?")
#: The free parameters (MODEL.md §9) as readers see them.
PARAMETER_LABELS = {
    "model.effort_substitutability": "δ effort substitutability",
    "model.kpi_noise_var": "σ² KPI noise",
    "model.kpi_angle_deg": "KPI angle to goal (°)",
    "steering.ratchet_per_year": "ρ target ratchet / year",
    "model.handoff_loss": "λh handoff loss",
    "model.exponent_effort": "a effort exponent",
    "model.exponent_coproduction": "b co-production exponent",
    "model.trust_gain_per_step": "trust gain / month",
    "model.trust_loss_per_step": "trust loss / month",
    "model.case_reassign_per_step": "case reassignment / month",
    "model.team_sight": "teams find latent need / month",
    "population.link_worsening_per_step": "linked-need spill-over / month",
    "model.legitimacy_rate_per_step": "legitimacy rate / month",
    "model.procedural_weight": "procedural weight of legitimacy",
    "model.complaint_per_step": "complaints / case / month",
    "model.compliance_weight": "compliance weight",
    "model.take_up_per_step": "take-up of need / month",
    "model.arena_legitimacy_rate": "arena legitimacy rate",
    "model.publicity": "publicity of arenas",
    "model.fair_process_buffer": "fair-process buffer",
    "population.civil_strength": "civil society strength",
    "population.segregation": "residential sorting by resources",
    "population.need_gradient_spread": "domain spread of the need gradient",
    "model.civil_production_per_step": "civil production / month",
    "model.civil_task_per_step": "civil production in a handed task",
    "model.civil_substitution": "civil erosion by substitution",
    "model.civil_overload": "civil overload point",
}
#: How many parameters a reading names per output.
NAMED = 3
#: |mu| at least this share of mu*: the elementary effects mostly share one sign.
MONOTONE = 0.8
#: First-order indices summing to at least this share: the output is mostly additive ...
ADDITIVE = 0.7
#: ... unless the total indices add up to this much more (interactions count twice in them).
ADDITIVE_GAP = 0.3


def load_result(folder: str | Path) -> dict[str, Any]:
    """The sweeper's record of a sweep folder; ``ValueError`` if there is none."""
    path = Path(folder) / RESULT
    if not path.exists():
        raise ValueError(f"{folder}: no {RESULT} (was the sweep run with hydra/sweeper=salib?)")
    return json.loads(path.read_text())


def pname(key: str) -> str:
    """A parameter's name for readers."""
    return PARAMETER_LABELS.get(key, key)


def morris_table(result: dict[str, Any]) -> pd.DataFrame:
    """Morris indices per output and parameter, ranked by mu* (1 = largest)."""
    names = result["morris"]["names"]
    frames = []
    for out, idx in result["morris"].get("indices", {}).items():
        frame = pd.DataFrame({"output": out, "parameter": names, **idx}).astype(
            {k: float for k in idx})
        frame["rank"] = frame["mu_star"].rank(ascending=False, method="first").astype(int)
        frames.append(frame)
    columns = ["output", "parameter", "mu", "mu_star", "mu_star_conf", "sigma", "rank"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def sobol_table(result: dict[str, Any]) -> pd.DataFrame:
    """Sobol first-order and total indices with CI half-widths per output and parameter."""
    names = result["sobol"].get("names", [])
    frames = [pd.DataFrame({"output": out, "parameter": names, **idx}).astype({k: float for k in idx})
              for out, idx in result["sobol"].get("indices", {}).items()]
    columns = ["output", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def contrast_text(result: dict[str, Any]) -> str:
    """``co-creation − result-based`` (or ``the output`` without a contrast)."""
    c = result.get("contrast")
    return f"{label(c['plus'])} − {label(c['minus'])}" if c else "the output"


def _g(value: float) -> str:
    """A number to three significant digits (effects span orders of magnitude)."""
    return f"{value:.3g}"


def _spread(values: list[float | None]) -> str:
    y = np.array([np.nan if v is None else v for v in values], dtype=float)
    y = y[np.isfinite(y)]
    if not y.size:
        return "no values"
    return (f"averages {_g(y.mean())} (from {_g(y.min())} to {_g(y.max())}; above zero at "
            f"{np.mean(y > 0):.0%} of {y.size} points)")


def _direction(mu: float, mu_star: float) -> str:
    """In words, which way raising a parameter moves the output (Morris mu against mu*)."""
    if mu >= MONOTONE * mu_star:
        return "raising it raises the difference"
    if mu <= -MONOTONE * mu_star:
        return "raising it lowers the difference"
    return "either way, depending on the others"


def _ordered(table: pd.DataFrame, outputs: list[str], by: str, ascending: bool) -> pd.DataFrame:
    """Rows in the order of the outputs, then by ``by``."""
    order = {o: i for i, o in enumerate(outputs)}
    return table.assign(_o=table["output"].map(order)).sort_values(
        ["_o", by], ascending=[True, ascending], kind="stable").drop(columns="_o")


def morris_key_results(table: pd.DataFrame, outputs: list[str]) -> pd.DataFrame:
    """The Morris table for readers: parameters by rank, mu* with its CI bounds."""
    out = _ordered(table, outputs, "rank", True)
    return pd.DataFrame({
        "output": out["output"], "rank": out["rank"], "parameter": out["parameter"].map(pname),
        "mu_star": out["mu_star"], "mu_star_low": (out["mu_star"] - out["mu_star_conf"]).clip(lower=0),
        "mu_star_high": out["mu_star"] + out["mu_star_conf"], "sigma": out["sigma"], "mu": out["mu"],
    }).map(lambda v: float(f"{v:.4g}") if isinstance(v, float) else v)


def sobol_key_results(table: pd.DataFrame, outputs: list[str]) -> pd.DataFrame:
    """The Sobol table for readers: S1 and ST with their CI bounds, by total index."""
    out = _ordered(table, outputs, "ST", False)
    return pd.DataFrame({
        "output": out["output"], "parameter": out["parameter"].map(pname),
        "S1": out["S1"], "S1_low": out["S1"] - out["S1_conf"], "S1_high": out["S1"] + out["S1_conf"],
        "ST": out["ST"], "ST_low": out["ST"] - out["ST_conf"], "ST_high": out["ST"] + out["ST_conf"],
    }).round(3)


def reading_morris(table: pd.DataFrame, result: dict[str, Any]) -> str:
    """Which parameters have the largest mu* per output, with CIs, and where the sign lies."""
    diff = contrast_text(result)
    y = result["morris"].get("Y", {})
    parts = [f"Every free parameter varied over its range ({len(result['morris']['names'])} "
             f"parameters, {result['morris']['trajectories']} Morris trajectories); μ* is the mean "
             f"absolute change of {diff} when one parameter moves across its whole range."]
    for out in result["outputs"]:
        rows = table[table["output"] == out].sort_values("rank")
        if rows.empty:
            continue
        named = "; ".join(
            f"{pname(r['parameter'])} {_g(r['mu_star'])} [{_g(max(r['mu_star'] - r['mu_star_conf'], 0))}, "
            f"{_g(r['mu_star'] + r['mu_star_conf'])}] ({_direction(r['mu'], r['mu_star'])})"
            for _, r in rows.head(NAMED).iterrows())
        top = rows.iloc[0]
        small = rows[rows["mu_star"] < 0.05 * top["mu_star"]]
        text = (f"{out}: {diff} {_spread(y.get(out, {}).get('value', []))}. Largest μ*: {named}.")
        if top["sigma"] > top["mu_star"]:
            text += (f" For {pname(top['parameter'])} σ exceeds μ* ({_g(top['sigma'])}): its effect "
                     "depends on the other parameters or is not linear.")
        if len(small):
            text += (f" Below 5% of the largest μ*: {', '.join(pname(p) for p in small['parameter'])}.")
        parts.append(text)
    chosen = result["morris"].get("selected") or []
    if chosen:
        parts.append("Chosen for the Sobol stage (largest μ*, each output counted alike): "
                     + ", ".join(pname(p) for p in chosen) + ".")
    return " ".join(parts)


def reading_sobol(table: pd.DataFrame, result: dict[str, Any]) -> str:
    """Each output's parameters by total index, with CIs, and the first-order sum."""
    diff = contrast_text(result)
    y = result["sobol"].get("Y", {})
    others = [pname(p["name"]) for p in result["parameters"]
              if p["name"] not in set(result["sobol"].get("names", []))]
    parts = [f"The {len(result['sobol'].get('names', []))} parameters vary together "
             f"({result['sobol']['base_samples']} base samples); the other {len(others)} stay at "
             "their defaults."]
    for out in result["outputs"]:
        rows = table[table["output"] == out].sort_values("ST", ascending=False)
        if rows.empty or rows["ST"].isna().all():
            parts.append(f"{out}: {diff} did not vary over the sample; no indices.")
            continue
        said = []
        for _, r in rows.iterrows():
            st = describe_ci(r["ST"], r["ST"] - r["ST_conf"], r["ST"] + r["ST_conf"], digits=2)
            s1 = describe_ci(r["S1"], r["S1"] - r["S1_conf"], r["S1"] + r["S1_conf"], digits=2)
            clear = excludes_zero(r["ST"] - r["ST_conf"], r["ST"] + r["ST_conf"])
            said.append(f"{pname(r['parameter'])} ST {st}, S1 {s1}"
                        + ("" if clear else " (not distinguishable from zero)"))
        first, total = rows["S1"].sum(), rows["ST"].sum()
        if first >= ADDITIVE and total - first < ADDITIVE_GAP:
            verdict = "single parameters explain most of the variance, interactions little"
        elif first >= ADDITIVE:
            verdict = ("single parameters explain most of the variance, but the total indices "
                       "add up to more: interactions among these parameters matter too")
        else:
            verdict = ("interactions among these parameters, and the replicates' noise, explain "
                       "a large share of the variance")
        parts.append(f"{out}: {diff} {_spread(y.get(out, {}).get('value', []))}. "
                     + "; ".join(said) + f". The first-order indices sum to {first:.2f}, the "
                     f"total indices to {total:.2f}: {verdict}.")
    return " ".join(parts)


def caption(data: SweepData, result: dict[str, Any], stage: str) -> str:
    """What is plotted, the replicates per job and the CI level."""
    jobs = {"morris": len(result["morris"].get("X") or []),
            "sobol": len(result["sobol"].get("X") or [])}[stage]
    arms = 2 if result.get("contrast") else 1
    what = ("Points are Morris μ* (mean |elementary effect|) and σ" if stage == "morris" else
            "Bars are Sobol first-order (S1) and total (ST) indices")
    diff = f"Δ = {contrast_text(result)}" if result.get("contrast") else "the output"
    return (f"{what} of {diff} in the final-year mean, from {jobs} sample points x {arms} "
            f"styles; each job {data.replicates} paired replicates (common random "
            f"numbers) of {data.steps} months. Error bars are {result['conf_level']:.0%} bootstrap "
            f"confidence intervals ({result['resamples']} resamples, SALib).")


def analyse(data: SweepData) -> list[Finding]:
    """Morris screening and Sobol indices of the difference between two styles."""
    result = load_result(data.folder)
    outputs = list(result["outputs"])
    units = {o: f"Δ {METRIC_LABELS.get(o, o)}" for o in outputs}
    findings = []
    stages = (("morris", TITLE_MORRIS, morris_table, plot_morris, reading_morris, morris_key_results),
              ("sobol", TITLE_SOBOL, sobol_table, plot_sobol, reading_sobol, sobol_key_results))
    for stage, title, table_of, plot, reading, key_results in stages:
        table = table_of(result)
        if table.empty:
            continue
        text = caption(data, result, stage)
        fig = plot(table, outputs, title, text, units, PARAMETER_LABELS)
        findings.append(Finding(f"sensitivity_{stage}", title, fig, text, reading(table, result),
                                key_results(table, outputs)))
    if not findings:
        raise ValueError(f"{data.folder}: {RESULT} holds no indices ({result.get('status')})")
    return findings
