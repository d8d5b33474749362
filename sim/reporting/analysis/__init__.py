"""Experiment analyses: from a sweep folder's tidy table to figures with readings.

An experiment (``configs/experiment/NAME.yaml``) names its analysis in
``analysis.name``; the analysis is a function ``analyse(data: SweepData) ->
list[Finding]`` in ``sim.reporting.analysis.NAME``. Each :class:`Finding` is one figure with the
question it answers, a caption (replicates and CI level), a plain-language reading
generated from the numbers, and a small table of key results. :func:`analyse_sweep`
runs the analysis of a sweep folder and saves every figure as PNG and SVG; the report
(:mod:`sim.reporting.report`) lays the findings out for readers.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from matplotlib.figure import Figure

#: Experiments with an analysis of their own; a sweep without one gets ``generic``.
ANALYSES = ("style_comparison", "goodhart", "steering_frontier", "school_inclusion",
            "ten_caseworkers", "trust_reform", "framing", "budget_cut", "sensitivity",
            "where_styles_win")
FIGURES = "figures"


@dataclass
class Finding:
    """One figure of an experiment and what it shows.

    Attributes:
        name: file stem (``figures/<name>.png`` and ``.svg``).
        title: the question the figure answers.
        figure: the matplotlib Figure.
        caption: what is plotted, the number of replicates and the CI level.
        reading: a plain-language reading generated from the numbers, with CIs.
        table: key results (a small DataFrame) or ``None``.
    """

    name: str
    title: str
    figure: Figure
    caption: str
    reading: str
    table: pd.DataFrame | None = None


@dataclass
class SweepData:
    """A finished sweep folder: its tidy table, its composed config and its jobs' provenance."""

    folder: Path
    table: pd.DataFrame
    config: dict[str, Any]
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def analysis(self) -> dict[str, Any]:
        """The experiment's ``analysis`` block (name, question, figures)."""
        return dict(self.config.get("analysis") or {})

    @property
    def name(self) -> str:
        """The experiment's name, or ``sweep`` for a plain sweep."""
        return self.analysis.get("name") or "sweep"

    @property
    def replicates(self) -> int:
        """Replicates per job (paired seeds)."""
        return int(self.table["replicate"].nunique())

    @property
    def steps(self) -> int:
        """Steps per run."""
        return int(self.table["step"].max())


def load_sweep(folder: str | Path) -> SweepData:
    """Read a collected sweep folder (``sweep.parquet`` and Hydra's ``multirun.yaml``).

    Raises ``ValueError`` with one line if the folder holds no collected sweep.
    """
    folder = Path(folder)
    table_path, config_path = folder / "sweep.parquet", folder / "multirun.yaml"
    if not table_path.exists():
        raise ValueError(f"{folder}: no sweep.parquet (run `sim-collect {folder}` first)")
    config: dict[str, Any] = {}
    if config_path.exists():
        config = yaml.safe_load(config_path.read_text()) or {}
    provenance: dict[str, Any] = {}
    first = next(iter(sorted(folder.rglob("provenance.json"))), None)
    if first is not None:
        provenance = json.loads(first.read_text())
        config = config or provenance.get("config", {})
    table = pd.read_parquet(table_path)
    if table.empty:
        raise ValueError(f"{folder}: sweep.parquet holds no rows")
    return SweepData(folder=folder, table=table, config=config, provenance=provenance)


def analysis_for(name: str) -> Callable[[SweepData], list[Finding]]:
    """The analysis function of experiment ``name`` (``generic`` for a plain sweep)."""
    if name and name not in ANALYSES:
        raise ValueError(f"analysis.name: must be one of {', '.join(ANALYSES)} or empty, "
                         f"got {name!r}")
    try:
        module = importlib.import_module(f"sim.reporting.analysis.{name or 'generic'}")
    except ModuleNotFoundError:
        raise ValueError(f"analysis.name: {name!r} has no analysis module (sim/reporting/analysis/{name}.py)"
                         ) from None
    return module.analyse


def save_figure(finding: Finding, folder: Path) -> list[Path]:
    """Save a finding's figure as PNG and SVG (atomically) and return the paths."""
    from sim.results import atomic

    paths = []
    for ext in ("png", "svg"):
        path = folder / f"{finding.name}.{ext}"
        def save(tmp: str, ext: str = ext) -> None:
            finding.figure.savefig(tmp, format=ext, dpi=110)

        atomic(path, save)
        paths.append(path)
    return paths


def analyse_sweep(folder: str | Path) -> tuple[SweepData, list[Finding]]:
    """Run a sweep folder's analysis and save its figures under ``<folder>/figures``."""
    data = load_sweep(folder)
    findings = analysis_for(data.analysis.get("name", ""))(data)
    for finding in findings:
        save_figure(finding, data.folder / FIGURES)
    return data, findings


__all__ = ["ANALYSES", "Finding", "SweepData", "analyse_sweep", "analysis_for", "load_sweep",
           "save_figure"]
