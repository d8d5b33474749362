"""The ``sim`` command: single runs and sweeps of the governance model, configured with Hydra.

Before Hydra runs anything, :func:`main` composes every point the command asks for
(a sweep is expanded with Hydra's own override parser) and checks each against the typed
schemas and the model's ranges, so a bad key, type or value stops with one line naming
it, exit code 2, no traceback and no output folder. The Hydra task function is thin and
calls :func:`sim.runs.jobs.run_job`.

For a sweep, :func:`main` resolves the sweep folder once (``hydra.sweep.dir``, whose
default names the date and time) and passes it to Hydra as an explicit absolute
override, with the number of points it counted as the progress callback's ``planned``
setting. Sweepers and the callback write what happened into the folder's status file
(:mod:`sim.runs.status`), which :func:`main` reads for its messages and exit code.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import hydra
from hydra import compose, initialize_config_module
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import ConfigCompositionException, MissingConfigException
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from sim.results import atomic
from sim.runs import jobs, status
from sim.runs.callbacks import SweepCallback
from sim.runs.schema import register

register()

#: ``${sim.abspath:PATH}``: PATH made absolute against the command's working directory.
#: Cached, so it is resolved once, in the command: a remote launcher's workers (Ray),
#: whose working directory is elsewhere, then write into the same folder.
if not OmegaConf.has_resolver("sim.abspath"):
    OmegaConf.register_new_resolver("sim.abspath", os.path.abspath, use_cache=True)
#: ``${sim.name:CHOICE,DEFAULT}``: a group choice for a folder name, DEFAULT when unset.
if not OmegaConf.has_resolver("sim.name"):
    OmegaConf.register_new_resolver(
        "sim.name", lambda choice, default: default if choice in (None, "", "None", "null")
        else str(choice))

#: Hydra's own flags; with any of them the command goes to Hydra untouched.
HYDRA_FLAGS = ("--help", "-h", "--hydra-help", "--cfg", "-c", "--info", "-i", "--package", "-p",
               "--config-path", "-cp", "--config-name", "-cn", "--config-dir", "-cd",
               "--shell-completion", "-sc", "--version", "--resolve", "--run", "-r",
               "--experimental-rerun")


class ConfigError(ValueError):
    """A config that cannot run, with a one-line message naming the key."""


def explain(exc: BaseException, cfg: DictConfig | None = None) -> str:
    """One line naming the key and what is allowed, from a Hydra or OmegaConf error.

    ``cfg``, if given, is the config the error came from (its keys are the allowed ones);
    otherwise the default config is composed to find them.
    """
    text = str(exc)
    if isinstance(exc, MissingConfigException):
        m = re.search(r"Could not find '([^/']+)/([^']+)'", text)
        options = re.findall(r"^\t(\S+)$", text, flags=re.M)
        if m:
            return f"{m.group(1)}: unknown option {m.group(2)!r}; allowed: {', '.join(options)}"
    m = re.search(r"Could not override '([^']+)'", text)
    if m:
        key = m.group(1)
        return _unknown_key(key, cfg)
    cause = exc.__cause__ or exc
    if isinstance(cause, OmegaConfBaseException):
        key = getattr(cause, "full_key", None) or "config"
        first = str(cause).splitlines()[0]
        if "not in" in first or "not in struct" in first:
            return _unknown_key(key, cfg)
        return f"{key}: {first}"
    return text.splitlines()[0]


def _unknown_key(key: str, cfg: DictConfig | None) -> str:
    return f"{key}: unknown key; allowed: {', '.join(_keys_of(key.rsplit('.', 1)[0], cfg))}"


def _keys_of(group: str, cfg: DictConfig | None = None) -> list[str]:
    try:
        if cfg is None:
            with initialize_config_module(config_module="sim.configs", version_base="1.3"):
                cfg = compose(config_name="config", return_hydra_config=group.startswith("hydra"))
        node = OmegaConf.select(cfg, group)
        return sorted(str(k) for k in node.keys()) if isinstance(node, DictConfig) else []
    except Exception:  # noqa: BLE001 - only used to enrich a message
        return []


def _split(argv: list[str]) -> tuple[bool, list[str]]:
    multirun = any(a in ("-m", "--multirun") for a in argv)
    return multirun, [a for a in argv if a not in ("-m", "--multirun")]


#: Config groups: an override of one of these changes the defaults list (a new compose).
GROUPS = ("steering", "population", "model", "scenario", "launcher", "sweep", "experiment")


#: Hydra overrides that name the output folders (the rest of ``hydra.*`` is left to Hydra).
DIR_KEYS = ("hydra.sweep.dir", "hydra.run.dir")


def _axes(overrides: list[str]) -> tuple[list[str], list[tuple[str, list[str]]],
                                         list[tuple[str, list[Any]]], DictConfig,
                                         DictConfig | None]:
    """Split a command line into fixed overrides, group sweep axes and value sweep axes.

    ``sweep=NAME`` and ``experiment=NAME`` sweep params are read from the composed config,
    which is returned too (with its ``hydra`` node and the fixed ``hydra.*`` overrides), and
    so is the job config of the fixed overrides when that compose gave it already (no
    sweep params were fixed values), else ``None``.
    """
    parser = OverridesParser.create()
    every = parser.parse_overrides(overrides)
    parsed = [o for o in every if not o.key_or_group.startswith("hydra")]
    own = [str(o.input_line) for o in every
           if o.key_or_group.startswith("hydra") and not o.is_sweep_override()]
    fixed = [str(o.input_line) for o in parsed if not o.is_sweep_override()]
    sweeps = {o.key_or_group: o for o in parsed if o.is_sweep_override()}
    with initialize_config_module(config_module="sim.configs", version_base="1.3"):
        base = compose(config_name="config", overrides=fixed + own, return_hydra_config=True)
    composed = len(fixed)
    for key, value in (OmegaConf.select(base, "hydra.sweeper.params") or {}).items():
        if key not in sweeps:
            (o,) = parser.parse_overrides([f"{key}={value}"])
            if o.is_sweep_override():
                sweeps[key] = o
            else:
                fixed.append(str(o.input_line))
    groups = [(k, list(o.sweep_string_iterator())) for k, o in sweeps.items() if k in GROUPS]
    values: list[tuple[str, list[Any]]] = [(k, list(o.sweep_iterator())) for k, o in sweeps.items()
                                           if k not in GROUPS]
    job = None
    if len(fixed) == composed:  # what compose() without the hydra node would give
        job = base.copy()
        with open_dict(job):
            del job["hydra"]
    return fixed, groups, values, base, job


@dataclass(frozen=True)
class Plan:
    """What a command will run, known before Hydra starts.

    Attributes:
        points: how many points (jobs) the command runs; 1 for a single run.
        multirun: whether it is a sweep (``-m``, or ``hydra.mode`` set by a config).
        sweep_dir: a sweep's folder, absolute and resolved once (``None`` for a single run).
        callback: whether the config keeps sim's progress callback (``hydra.callbacks.sweep``),
            which is then told the number of points.
    """

    points: int
    multirun: bool
    sweep_dir: Path | None
    callback: bool = True


def check(argv: list[str]) -> int:
    """Compose and validate every point; return how many; raise ConfigError on the first bad.

    One compose per combination of group choices; swept values are then set on that typed
    config (so unknown keys and wrong types still fail) and range-checked.
    """
    return plan(argv).points


def plan(argv: list[str]) -> Plan:
    """Check every point as :func:`check` does; say how many, and where a sweep goes."""
    flag, overrides = _split(argv)
    try:
        fixed, groups, values, base, job = _axes(overrides)
        multirun = flag or OmegaConf.select(base, "hydra.mode") in (RunMode.MULTIRUN, "MULTIRUN")
        sweep_dir = Path(os.path.abspath(base.hydra.sweep.dir)) if multirun else None
        callback = OmegaConf.select(base, "hydra.callbacks.sweep._target_") == (
            f"{SweepCallback.__module__}.{SweepCallback.__qualname__}")
    except Exception as exc:  # noqa: BLE001 - any composition error becomes one line
        raise ConfigError(explain(exc)) from None
    count = 0
    with initialize_config_module(config_module="sim.configs", version_base="1.3"):
        for choice in itertools.product(*[[(k, v) for v in vs] for k, vs in groups]):
            try:
                cfg = job if job is not None and not choice else compose(
                    config_name="config", overrides=fixed + [f"{k}={v}" for k, v in choice])
            except (ConfigCompositionException, MissingConfigException,
                    OmegaConfBaseException) as exc:
                raise ConfigError(explain(exc)) from None
            # every point sets every swept key, so scalars can be set on one config in turn;
            # a dict or list value merges into what is there, so it gets a fresh copy
            nested = any(isinstance(v, dict | list) for _, vs in values for v in vs)
            for point in itertools.product(*[[(k, v) for v in vs] for k, vs in values]):
                point_cfg = cfg.copy() if nested else cfg
                try:
                    for key, value in point:
                        OmegaConf.update(point_cfg, key, value, merge=True)
                except OmegaConfBaseException as exc:
                    raise ConfigError(explain(exc, cfg)) from None
                try:
                    jobs.validate(cast(dict[str, Any], OmegaConf.to_container(point_cfg, resolve=True)))
                except ValueError as exc:
                    raise ConfigError(str(exc)) from None
                count += 1
    return Plan(points=count, multirun=multirun, sweep_dir=sweep_dir, callback=callback)


def _swept(hc: Any, cfg: DictConfig) -> dict[str, Any]:
    """Run keys from the job's command-line overrides (group choices and values)."""
    out = {}
    for line in hc.overrides.task:
        key = line.split("=", 1)[0].lstrip("+~")
        if key.startswith("hydra") or key in ("launcher", "sweep"):
            continue
        value = OmegaConf.select(cfg, key)
        if isinstance(value, DictConfig) or value is None:
            value = hc.runtime.choices.get(key, line.split("=", 1)[-1])
        out[key] = value
    return out


@hydra.main(config_path="pkg://sim.configs", config_name="config", version_base="1.3")
def _hydra_main(cfg: DictConfig) -> dict[str, float | None] | None:
    """Hydra task: run one job (skipped if complete when a sweep is resumed).

    Returns the job's final-year means per metric (what sweepers that adapt read), or
    ``None`` if it failed.
    """
    logging.getLogger("MESA").setLevel(logging.WARNING)
    hc = HydraConfig.get()
    plain = cast(dict[str, Any], OmegaConf.to_container(cfg, resolve=True))
    folder = Path(hc.runtime.output_dir)
    multirun = hc.mode == RunMode.MULTIRUN
    job_id = hc.job.override_dirname or hc.runtime.choices.get("scenario", "job")
    if multirun and jobs.is_complete(folder, plain):
        return jobs.final_means(folder)
    try:
        tidy = jobs.run_job(plain, folder, job_id, _swept(hc, cfg), list(hc.overrides.task))
    except Exception as exc:  # noqa: BLE001 - a failing job must not stop the others
        jobs.record_failure(folder, exc)
        if multirun:
            return None
        print(f"error: {exc} (details in {folder / jobs.ERROR})", file=sys.stderr)
        sys.exit(1)
    if not multirun:
        if plain.get("figure", True):
            from sim.reporting.plots import plot_main_metrics  # only here: sweep workers skip matplotlib

            labelled = tidy.copy()
            if "steering" not in labelled.columns:  # a steering=NAME override made it a run key
                labelled.insert(0, "steering", plain["steering"]["name"])
            fig = plot_main_metrics(labelled)
            atomic(folder / "main_metrics.png", lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
        print(folder)
    return jobs.final_means(folder)


def _absolute_dirs(argv: list[str]) -> list[str]:
    """``hydra.sweep.dir`` / ``hydra.run.dir`` overrides made absolute (workers run elsewhere)."""
    out = []
    for arg in argv:
        key, sep, value = arg.partition("=")
        if key in DIR_KEYS and sep and value and not value.startswith(("/", "$")):
            arg = f"{key}={os.path.abspath(value)}"
        out.append(arg)
    return out


def _quoted(value: str) -> str:
    """A value as a Hydra override writes it: bare if plain, else in single quotes."""
    if re.fullmatch(r"[\w/.+@%-]+", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _with_sweep(argv: list[str], planned: Plan) -> list[str]:
    """``argv`` with the sweep folder and the planned points as explicit Hydra overrides."""
    kept = [a for a in argv if a.partition("=")[0] != "hydra.sweep.dir"]
    out = [*kept, f"hydra.sweep.dir={_quoted(str(planned.sweep_dir))}"]
    if planned.callback:
        out.append(f"++hydra.callbacks.sweep.planned={planned.points}")
    return out


def main(argv: list[str] | None = None) -> None:
    """Console entry point: validate everything, then let Hydra run it."""
    argv = _absolute_dirs(list(sys.argv[1:] if argv is None else argv))
    sweep: Path | None = None
    if not any(a.split("=")[0] in HYDRA_FLAGS for a in argv):
        try:
            planned = plan(argv)
        except ConfigError as exc:
            print(f"error: {exc}", file=sys.stderr)
            sys.exit(2)
        if planned.sweep_dir is not None:
            sweep = planned.sweep_dir
            status.clear(sweep)  # an earlier run's outcome is not this one's
            argv = _with_sweep(argv, planned)
    sys.argv = [sys.argv[0], *argv]
    _hydra_main()
    if sweep is not None:
        report_sweep(sweep)


def report_sweep(sweep: Path) -> None:
    """Print a collected sweep's folder and report; exit 1 if it did not all run.

    Reads the sweep's status file (:mod:`sim.runs.status`); a sweep that was not
    collected (nothing ran) prints nothing.
    """
    state = status.read(sweep)
    if not state.get("collected"):
        return
    print(sweep)
    if state.get("report"):
        print(f"figures: {sweep / 'figures'}\nreport: {state['report']}")
    if state.get("report_error"):
        print(f"error: the report could not be built ({state['report_error']}); the results are "
              f"in {sweep}; rerun with `sim-report {sweep}`", file=sys.stderr)
        sys.exit(1)
    if state.get("launcher_error"):
        print(f"error: the launcher stopped ({state['launcher_error']}); {state['complete']} of "
              f"{state.get('planned', 0)} points finished and were collected; run the same command "
              "to resume", file=sys.stderr)
        sys.exit(1)
    if state["failed"]:
        print(f"error: {state['failed']} of {state['jobs']} jobs failed; see error.txt in "
              + ", ".join(str(sweep / j) for j in state["failed_jobs"][:5]), file=sys.stderr)
        sys.exit(1)


def collect_main(argv: list[str] | None = None) -> None:
    """``sim-collect DIR``: gather a sweep folder into sweep.parquet and summary.csv."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("error: usage: sim-collect DIR (an existing sweep folder)", file=sys.stderr)
        sys.exit(2)
    rows, status = jobs.collect(Path(argv[0]))
    failed = int((status["status"] == "failed").sum())
    print(f"{argv[0]}: {len(status)} jobs, {failed} failed, {rows} rows")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
