"""Hydra plugin: a sweeper that runs a global sensitivity analysis with SALib.

``hydra/sweeper=salib`` launches its samples through the configured launcher, as any
sweep does, in two stages:

1. **Morris screening** of every parameter of ``problem`` (``morris.trajectories``
   trajectories on a grid of ``morris.levels`` levels); mu*, sigma and mu*'s bootstrap CI
   per output (SALib's ``morris`` sampler and analyser).
2. **Sobol indices** (first-order S1 and total ST with bootstrap CIs; no second-order
   ones) for the ``sobol.top_k`` parameters with the largest mu*, from Saltelli's design
   with ``sobol.base_samples`` base points; the other parameters stay at their config
   values.

With a ``contrast`` (``key``, ``plus``, ``minus``) every sample point is launched once per
arm (e.g. ``steering=co_creation`` and ``steering=result_based``) and the output is the
difference plus - minus; a parameter with ``only: ARM`` is sampled in that arm and keeps
its config value in the other (so points that differ only in it repeat a job there, which
runs once). Each job's return value (a mapping of output name to number, e.g. sim's
final-year means) is read from the launcher's ``JobReturn``.

Every point is checked before anything runs: its values lie inside the bounds, the keys
exist with the right types, and, if ``validator`` names a function, that function accepts
each point's composed config. A bad one stops with one line and exit code 2. Job folders
are short and stable (``morris-00007-co_creation``), so the same command with the same
``hydra.sweep.dir`` skips jobs already complete and gives the same indices. Problem,
samples, outputs and indices go to ``sensitivity.json`` in the sweep folder, written
atomically after each stage. A launcher that raises does not end with a traceback: its
error goes to the sweep's status file (:mod:`sim.runs.status`, ``launcher_error``) for
``sim`` to report, as the ``prevalidated`` sweeper does. The number of jobs both stages
launch goes to the same file (``planned``), which sim's progress line reads.
"""

import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from hydra.core.config_store import ConfigStore
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf

from hydra_plugins.sim_salib import checks, design
from sim.runs import status

log = logging.getLogger(__name__)
#: Version of the layout of ``sensitivity.json``.
FORMAT = 1


@dataclass
class MorrisConf:
    """Stage 1: Morris screening of every parameter of the problem."""

    trajectories: int = 10  # r: jobs = r * (parameters + 1) * arms
    levels: int = 4  # grid levels p (even)
    seed: int = 0


@dataclass
class SobolConf:
    """Stage 2: Sobol indices (S1, ST) of the most influential parameters."""

    base_samples: int = 64  # N, a power of 2: jobs = N * (top_k + 2) * arms
    top_k: int = 4  # parameters with the largest Morris mu* (each output counted alike)
    seed: int = 0


@dataclass
class ContrastConf:
    """Run each point under two choices of ``key``; the output is ``plus`` minus ``minus``.

    Both empty (the default): no contrast, each point runs once. The node is always there,
    never ``None``: an optional structured node that a config fills in breaks the second
    composition in a joblib worker (OmegaConf, after the config store is pickled there).
    """

    key: str = "steering"
    plus: str = ""
    minus: str = ""


@dataclass
class SALibSweeperConf:
    """Configuration of :class:`SALibSweeper`.

    ``problem`` maps a config key to ``[low, high]`` or to ``{bounds: [low, high], only:
    ARM}``; ``outputs`` names the entries of each job's return value to analyse.
    """

    _target_: str = "hydra_plugins.sim_salib.SALibSweeper"
    problem: dict[str, Any] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    contrast: ContrastConf = field(default_factory=ContrastConf)
    morris: MorrisConf = field(default_factory=MorrisConf)
    sobol: SobolConf = field(default_factory=SobolConf)
    conf_level: float = 0.95  # level of every bootstrap CI
    resamples: int = 1000  # bootstrap resamples of the CIs
    validator: str | None = None  # dotted path of a function(plain config) raising ValueError
    result: str = "sensitivity.json"  # written into the sweep folder


class SALibSweeper(Sweeper):
    """Morris screening, then Sobol indices of the most influential parameters."""

    def __init__(self, problem: Any, outputs: Sequence[str], contrast: Any = None,
                 morris: Any = None, sobol: Any = None, conf_level: float = 0.95,
                 resamples: int = 1000, validator: str | None = None,
                 result: str = "sensitivity.json") -> None:
        """Keep the settings (Hydra instantiates the sweeper from its config)."""
        super().__init__()
        self.problem = _plain(problem) or {}
        self.outputs = [str(o) for o in (_plain(outputs) or [])]
        self.contrast = _contrast(contrast)
        self.morris = {**vars(MorrisConf()), **(_plain(morris) or {})}
        self.sobol = {**vars(SobolConf()), **(_plain(sobol) or {})}
        self.conf_level, self.resamples = float(conf_level), int(resamples)
        self.validator, self.result = validator, result
        self.hydra_context: HydraContext | None = None
        self.config: DictConfig | None = None
        self.launcher: Any = None
        self._arguments: list[str] = []
        self._launch_error: str | None = None

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction,
              config: DictConfig) -> None:
        """Compose jobs from templates, as sim's basic sweeper does; create the launcher."""
        from hydra.core.plugins import Plugins

        from sim.runs.templates import with_templates

        hydra_context = with_templates(hydra_context)
        self.hydra_context, self.config = hydra_context, config
        self.launcher = Plugins.instance().instantiate_launcher(
            hydra_context=hydra_context, task_function=task_function, config=config)

    # --- the sweep ---------------------------------------------------------------------
    def sweep(self, arguments: list[str]) -> Any:
        """Run both stages; write ``sensitivity.json``; keep a launcher's error."""
        self._launch_error = None
        assert self.config is not None
        try:
            params, arms = self._check(arguments)
            validate = checks.validator(self.validator)
            x_morris = design.morris_design(params, self.morris["trajectories"],
                                            self.morris["levels"], self.morris["seed"])
            checks.check_points("morris", params, x_morris, arms, validate)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            sys.exit(2)
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        sweep_dir.mkdir(parents=True, exist_ok=True)
        OmegaConf.save(self.config, sweep_dir / "multirun.yaml")
        k = min(int(self.sobol["top_k"]), len(params))
        n_morris = count_jobs(x_morris, params, arms)
        # The whole sweep, both stages: what sim's progress line and messages count (the
        # Sobol stage's count is exact once its parameters are known).
        status.update(sweep_dir, planned=planned_jobs(self.config.hydra.sweeper),
                      launcher_error=None)
        record = self._record(arguments, params, arms)
        returns = []

        log.info(f"Morris screening: {n_morris} jobs ({len(params)} parameters)")
        results, y, folders = self._stage("morris", params, params, x_morris, arms, 0)
        returns.append(results)
        record["morris"].update(X=x_morris, Y=y, folders=folders)
        if not self._complete(record, "morris", y, sweep_dir):
            return returns
        mu_star = {}
        for out in self.outputs:
            idx = design.morris_indices(params, x_morris, y[out]["value"], self.morris["levels"],
                                        self.conf_level, self.resamples, self.morris["seed"])
            record["morris"]["indices"][out] = idx
            mu_star[out] = idx["mu_star"]
        chosen, score = design.most_influential(mu_star, [p.name for p in params], k)
        record["morris"].update(score=score, selected=chosen)
        top = [p for p in params if p.name in chosen]
        log.info("Sobol indices of: " + ", ".join(p.name for p in top))

        x_sobol = design.sobol_design(top, int(self.sobol["base_samples"]), int(self.sobol["seed"]))
        try:  # the ranges were checked at both ends in stage 1; each point is checked again
            checks.check_points("sobol", top, x_sobol, arms, validate)
        except ValueError as exc:
            record["status"] = f"sobol: {exc}"
            self._write(record, sweep_dir)
            print(f"error: {exc}", file=sys.stderr)
            sys.exit(2)
        record["sobol"].update(names=[p.name for p in top], X=x_sobol)
        status.update(sweep_dir, planned=n_morris + count_jobs(x_sobol, top, arms))
        log.info(f"Sobol indices: {count_jobs(x_sobol, top, arms)} jobs")
        results, y, folders = self._stage("sobol", params, top, x_sobol, arms, n_morris)
        returns.append(results)
        record["sobol"].update(Y=y, folders=folders)
        if not self._complete(record, "sobol", y, sweep_dir):
            return returns
        for out in self.outputs:
            record["sobol"]["indices"][out] = design.sobol_indices(
                top, y[out]["value"], self.conf_level, self.resamples, self.sobol["seed"])
        record["status"] = "complete"
        self._write(record, sweep_dir)
        return returns

    def _stage(self, stage: str, params: Sequence[design.Parameter],
               sampled: Sequence[design.Parameter], x: np.ndarray, arms: Sequence[checks.Arm],
               start: int) -> tuple[list[Any], dict[str, Any], list[list[str]]]:
        """Launch one stage (each distinct job once).

        Returns:
            The JobReturns; per output, its value at each point in every arm and, with a
            contrast, plus - minus as ``value``; each point's job folder per arm.
        """
        first = {arm.name: design.first_runs(x, sampled, arm.name) for arm in arms}
        batch, where = [], {}
        for i, row in enumerate(x):
            for arm in arms:
                if first[arm.name][i] == i:
                    where[arm.name, i] = len(batch)
                    batch.append(self._job(stage, i, params, sampled, row, arm))
        try:
            results = list(self.launcher.launch(batch, initial_job_idx=start))
        except Exception as exc:  # noqa: BLE001 - reported by sim in one line; points kept
            self._launch_error = status.error_line(exc)
            assert self.config is not None
            status.update(Path(str(self.config.hydra.sweep.dir)), launcher_error=self._launch_error)
            results = []
        values = [_return_value(r) for r in results]
        values += [None] * (len(batch) - len(values))
        folders = [[_folder(stage, first[a.name][i], a) for a in arms] for i in range(len(x))]
        y: dict[str, Any] = {}
        for out in self.outputs:
            per_arm = {a.name: [_output(values[where[a.name, first[a.name][i]]], out)
                                for i in range(len(x))] for a in arms}
            if self.contrast:
                plus, minus = (np.array(per_arm[self.contrast[s]]) for s in ("plus", "minus"))
                y[out] = {**per_arm, "value": list(plus - minus)}
            else:
                y[out] = {"value": per_arm[arms[0].name]}
        return results, y, folders

    def _job(self, stage: str, i: int, params: Sequence[design.Parameter],
             sampled: Sequence[design.Parameter], row: np.ndarray, arm: checks.Arm) -> list[str]:
        """One job's overrides: every parameter (sampled, or its config value), arm, folder."""
        values = dict(zip([p.name for p in sampled], row, strict=True))
        overrides = [*self._arguments, *arm.overrides]
        for p in params:
            if p.name in values and (p.only is None or p.only == arm.name):
                overrides.append(f"{p.name}={float(values[p.name])!r}")
            elif p.name in arm.defaults:
                overrides.append(f"{p.name}={arm.defaults[p.name]!r}")
        return [*overrides, f"hydra.sweep.subdir={_folder(stage, i, arm)}"]

    def _complete(self, record: dict[str, Any], stage: str, y: dict[str, Any],
                  sweep_dir: Path) -> bool:
        """Whether every job of ``stage`` gave every output; write the record either way."""
        values = np.array([y[out]["value"] for out in self.outputs], dtype=float)
        missing = int(np.sum(~np.all(np.isfinite(values), axis=0)))
        if self._launch_error:
            record["status"] = f"{stage}: the launcher stopped ({self._launch_error})"
        elif missing:
            record["status"] = (f"{stage}: {missing} of {values.shape[1]} sample points lack "
                                "outputs (failed jobs); run the same command to resume")
        else:
            record["status"] = f"{stage} done"
        self._write(record, sweep_dir)
        if record["status"] != f"{stage} done":
            log.error(f"sensitivity analysis stopped after {record['status']}")
            return False
        return True

    def _write(self, record: dict[str, Any], sweep_dir: Path) -> None:
        from sim.results import write_text_atomic

        write_text_atomic(json.dumps(design.jsonable(record), indent=1), sweep_dir / self.result)

    def _record(self, arguments: list[str], params: Sequence[design.Parameter],
                arms: Sequence[checks.Arm]) -> dict[str, Any]:
        return {
            "format": FORMAT, "status": "running", "arguments": list(arguments),
            "outputs": self.outputs, "contrast": self.contrast, "conf_level": self.conf_level,
            "resamples": self.resamples,
            "parameters": [{"name": p.name, "low": p.low, "high": p.high, "only": p.only,
                            "config_value": {a.name: a.defaults.get(p.name) for a in arms}}
                           for p in params],
            "morris": {**self.morris, "names": [p.name for p in params], "indices": {}},
            "sobol": {**self.sobol, "indices": {}},
        }

    # --- checks before anything runs ------------------------------------------------------
    def _check(self, arguments: list[str]) -> tuple[list[design.Parameter], list[checks.Arm]]:
        """Parse the problem, check the settings and compose every arm of the contrast."""
        try:
            params = design.parse_problem(self.problem)
        except ValueError as exc:
            raise ValueError(f"hydra.sweeper.problem.{exc}") from None
        checks.check_settings(self.outputs, self.morris, self.sobol, self.conf_level,
                              self.resamples)
        key = self.contrast["key"] if self.contrast else None
        checks.check_arguments(arguments, params, key)
        self._arguments = list(arguments)
        assert self.hydra_context is not None and self.config is not None
        loader, master = self.hydra_context.config_loader, self.config

        def load(extra: list[str]) -> DictConfig:
            return loader.load_sweep_config(master, [*arguments, *extra])

        if self.contrast:
            choices = [self.contrast["plus"], self.contrast["minus"]]
            if not all(choices):
                raise ValueError("hydra.sweeper.contrast: set both plus and minus, or neither")
            if choices[0] == choices[1]:
                raise ValueError("hydra.sweeper.contrast: plus and minus must differ")
            arms = [checks.compose_arm(load, c, [f"{key}={c}"], params) for c in choices]
        else:
            arms = [checks.compose_arm(load, "", [], params)]
        checks.check_only(params, arms)
        return params, arms


def count_jobs(x: np.ndarray, sampled: Sequence[design.Parameter], arms: Sequence[Any]) -> int:
    """Distinct jobs of a stage's sample over the arms (see :func:`design.first_runs`)."""
    names = [a if isinstance(a, str) else a.name for a in arms]
    return sum(len(set(design.first_runs(x, sampled, name))) for name in names)


def planned_jobs(conf: DictConfig) -> int:
    """Jobs a SALib sweep will launch: Morris's exactly, Sobol's at most ``arms N (k + 2)``."""
    params = design.parse_problem(_plain(conf.problem))
    contrast = _contrast(conf.get("contrast"))
    arms = [contrast["plus"], contrast["minus"]] if contrast else [""]
    morris = {**vars(MorrisConf()), **(_plain(conf.get("morris")) or {})}
    sobol = {**vars(SobolConf()), **(_plain(conf.get("sobol")) or {})}
    x = design.morris_design(params, morris["trajectories"], morris["levels"], morris["seed"])
    k = min(int(sobol["top_k"]), len(params))
    return count_jobs(x, params, arms) + len(arms) * int(sobol["base_samples"]) * (k + 2)


def _folder(stage: str, i: int, arm: checks.Arm) -> str:
    """A job's folder: short and the same on every run of the same command."""
    return f"{stage}-{i:05d}" + (f"-{arm.name}" if arm.name else "")


def _contrast(node: Any) -> dict[str, str] | None:
    """The contrast as a plain dict, or ``None`` when it names neither arm."""
    contrast = _plain(node)
    if not contrast or not (contrast.get("plus") or contrast.get("minus")):
        return None
    return {**vars(ContrastConf()), **contrast}


def _plain(node: Any) -> Any:
    """A config node as plain Python containers."""
    if isinstance(node, DictConfig) or OmegaConf.is_config(node):
        return OmegaConf.to_container(node, resolve=True)
    return node


def _return_value(result: Any) -> Any:
    """A job's return value, or ``None`` if it failed."""
    try:
        return result.return_value
    except Exception:  # noqa: BLE001 - a failed job; it keeps its own error record
        return None


def _output(value: Any, name: str) -> float:
    """One output of a job's return value (NaN if the job failed or lacks it)."""
    try:
        out = float(value[name])
    except (TypeError, KeyError, ValueError):
        return float("nan")
    return out


ConfigStore.instance().store(group="hydra/sweeper", name="salib", node=SALibSweeperConf,
                             provider="sim")
