"""A job: one parameter point run for ``replicates`` paired seeds, written atomically.

Replicate k of every job uses the k-th seed spawned from the root seed
(``SeedSequence``), so jobs that differ only in their parameters are compared on common
random numbers. A job folder holds, each written to a temporary name and renamed:

* ``timeseries.parquet`` — the tidy table: job id, replicate, seed, every swept
  parameter, then ``step``, ``metric``, ``value``;
* ``summary.json`` — final-year means per metric per replicate, their mean and 95% CI;
* ``provenance.json`` — composed config, overrides, seeds, versions, git commit, host,
  start and end times;
* ``COMPLETE`` — written last, holding the hash of the job's config; a job whose marker
  matches its config is skipped when a sweep is resumed.

A failing job writes ``error.txt`` and ``status.json`` (failed) and does not stop others.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import socket
import subprocess
import traceback
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from scipy import stats

from sim.calendar import MONTHS_PER_YEAR
from sim.results import atomic, to_tidy, validate_tidy, write_atomic, write_text_atomic
from sim.run import simulate
from sim.runs.schema import MODEL_FIELDS, POPULATION_FIELDS

MARKER, STATUS, ERROR = "COMPLETE", "status.json", "error.txt"
TIMESERIES, SUMMARY, PROVENANCE = "timeseries.parquet", "summary.json", "provenance.json"
#: Run-key names the tidy table reserves, and what a swept key of that name is called.
RESERVED = {"seed": "root_seed", "job_id": "job_id_param", "replicate": "replicate_param",
            "step": "step_param", "metric": "metric_param", "value": "value_param"}
#: Rows per row group of ``sweep.parquet`` (about 2**20: large enough for fast scans).
ROW_GROUP = 1 << 20
#: Packages whose versions the results depend on.
PACKAGES = ("samskabelse", "mesa", "numpy", "scipy", "pandas", "pyarrow", "hydra-core")


def replicate_seeds(root: int, replicates: int) -> list[int]:
    """The seeds of replicates 0..n-1, spawned from ``root`` (the same in every job)."""
    children = np.random.SeedSequence(root).spawn(replicates)
    return [int(c.generate_state(1, dtype=np.uint64)[0] % (2**63)) for c in children]


def model_kwargs(cfg: dict[str, Any]) -> dict[str, Any]:
    """GovernanceModel keyword arguments from a composed config (plain dict).

    The style named by ``steering.name`` turns the rest of the ``steering`` node into its
    keywords (:meth:`~sim.policies.SteeringStyle.config_params`). A scenario's ``arena``
    settings replace a style's arena settings where the steering node holds the default;
    a value that differs from it was set on purpose and wins, as ``steering_params`` do in
    the Python API. (To set a setting back to its default in such a scenario, use
    ``arena.KEY=VALUE``.)
    """
    from sim.policies import arena_params, style_class

    steering = dict(cfg["steering"])
    name = steering.pop("name")
    params = {k: cfg["population"][k] for k in POPULATION_FIELDS}
    params.update({k: cfg["model"][k] for k in MODEL_FIELDS})
    # a scenario's arena settings, for the styles that hold arenas; a steering value that
    # differs from the style's default was set on purpose (command line, sweep) and wins
    defaults = style_class(name).parameters()
    arena = {k: v for k, v in (cfg.get("arena") or {}).items() if v is not None}
    for key, value in arena_params(name, arena).items():
        if key not in steering or defaults[key].check(steering[key]) == defaults[key].default:
            steering[key] = value
    return {"steering": name, "steering_params": style_class(name).config_params(steering),
            **params}


def validate(cfg: dict[str, Any]) -> None:
    """Check every value of a config against its allowed range, without running anything.

    Raises ``ValueError`` whose message starts with the key as the command line spells it
    (``population.n_citizens``, ``steering.incentive``).
    """
    from sim.mechanisms.arena import frame_mask
    from sim.mechanisms.population import domain_names
    from sim.params import ModelParams
    from sim.policies import make_style

    for key in ("seed", "steps", "replicates"):
        value, low = cfg[key], (0 if key == "seed" else 1)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{key}: must be an integer >= {low}, got {value!r}")
    analysis = (cfg.get("analysis") or {}).get("name") or ""
    if analysis:
        from sim.reporting.analysis import analysis_for

        analysis_for(analysis)
    kwargs = model_kwargs(cfg)
    steering, steering_params = kwargs.pop("steering"), kwargs.pop("steering_params")
    try:
        params = ModelParams.from_dict(kwargs)
    except ValueError as exc:
        key = str(exc).split(":", 1)[0]
        group = "population" if key in POPULATION_FIELDS else "model"
        raise ValueError(f"{group}.{exc}") from None
    try:
        style = make_style(steering, steering_params)
        arena = style.arena(1)
        if arena is not None:
            frame_mask(domain_names(params.n_domains), arena)
    except ValueError as exc:
        raise ValueError(f"steering.{exc}") from None


def config_hash(cfg: dict[str, Any]) -> str:
    """A stable hash of a job's config (what resume compares)."""
    return hashlib.sha256(json.dumps(cfg, sort_keys=True, default=str).encode()).hexdigest()


def is_complete(folder: Path, cfg: dict[str, Any]) -> bool:
    """Whether ``folder`` holds a finished job with this exact config."""
    marker = folder / MARKER
    return marker.exists() and marker.read_text().strip() == config_hash(cfg)


def _write_text(path: Path, text: str) -> None:
    write_text_atomic(text, path)


@functools.cache
def _git_commit() -> str | None:
    try:
        root = Path(__file__).resolve().parents[2]
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=5, check=False)
        return out.stdout.strip() or None
    except OSError:
        return None


@functools.cache
def _versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    out["python"] = platform.python_version()
    return out


def summarise(tidy: pd.DataFrame, steps: int) -> dict[str, Any]:
    """Final-year (last 12 steps) mean per metric per replicate, their mean and 95% CI."""
    last = tidy[tidy["step"] > max(steps - MONTHS_PER_YEAR, 0)]
    per = last.groupby(["metric", "replicate"])["value"].mean().unstack("replicate")
    out: dict[str, Any] = {}
    for metric, row in per.iterrows():
        values = row.dropna().to_numpy()
        mean = float(values.mean()) if values.size else None
        if values.size > 1 and values.std() > 0:
            low, high = stats.t.interval(0.95, values.size - 1, loc=values.mean(),
                                         scale=stats.sem(values))
            ci: list[float | None] = [float(low), float(high)]
        else:
            ci = [mean, mean]
        out[metric] = {"replicates": [None if np.isnan(v) else float(v) for v in row.to_numpy()],
                       "mean": mean, "ci95": ci}
    return out


def run_job(cfg: dict[str, Any], folder: Path, job_id: str, swept: dict[str, Any],
            overrides: list[str]) -> pd.DataFrame:
    """Run one job into ``folder`` and return its tidy table."""
    started = datetime.now(UTC).isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    for name in (TIMESERIES, SUMMARY, PROVENANCE, STATUS, MARKER, ERROR):
        for stale in folder.glob(f".{name}.*"):  # temporaries of a killed earlier attempt
            stale.unlink()
        if name != STATUS:
            (folder / name).unlink(missing_ok=True)
    fail = os.environ.get("SIM_FAIL_JOB")
    if fail and fail in job_id:  # fault injection, to test failure handling end to end
        raise RuntimeError(f"injected failure (SIM_FAIL_JOB={fail!r})")
    seeds = replicate_seeds(cfg["seed"], cfg["replicates"])
    kwargs = model_kwargs(cfg)
    swept = {RESERVED.get(k, k): v for k, v in swept.items()}
    frames = []
    for k, seed in enumerate(seeds):
        frame = simulate(steps=cfg["steps"], seed=seed, **kwargs)
        frames.append(to_tidy(frame, job_id=job_id, replicate=k, seed=seed,
                              **swept))
    tidy = validate_tidy(pd.concat(frames, ignore_index=True))
    write_atomic(tidy, folder / TIMESERIES)
    _write_text(folder / SUMMARY, json.dumps(summarise(tidy, cfg["steps"]), indent=1))
    provenance = {
        "job_id": job_id, "config": cfg, "overrides": overrides, "swept": swept,
        "root_seed": cfg["seed"], "seeds": seeds, "versions": _versions(),
        "git_commit": _git_commit(), "host": socket.gethostname(),
        "platform": platform.platform(), "started": started,
        "finished": datetime.now(UTC).isoformat(),
    }
    _write_text(folder / PROVENANCE, json.dumps(provenance, indent=1, default=str))
    _write_text(folder / STATUS, json.dumps({"status": "complete"}))
    _write_text(folder / MARKER, config_hash(cfg))
    return tidy


def final_means(folder: Path) -> dict[str, float | None]:
    """A finished job's final-year mean per metric (from its ``summary.json``)."""
    summary = json.loads((folder / SUMMARY).read_text())
    return {metric: entry["mean"] for metric, entry in summary.items()}


def record_failure(folder: Path, exc: BaseException) -> None:
    """Write the error and its traceback into the job's folder."""
    folder.mkdir(parents=True, exist_ok=True)
    text = "".join(traceback.format_exception(exc))
    _write_text(folder / ERROR, text)
    _write_text(folder / STATUS, json.dumps({"status": "failed", "error": str(exc)}))


def collect(sweep: Path) -> tuple[int, pd.DataFrame]:
    """Gather every job under ``sweep`` into ``sweep.parquet`` and ``summary.csv``.

    ``sweep.parquet`` holds every complete job's rows ordered by job id, replicate,
    metric and step. It is written job by job (Arrow), so a sweep's table never has to fit
    in memory at once; jobs whose swept columns differ get nulls, and a type two jobs
    disagree on is widened. Returns the number of rows and the status table (one row per
    job folder).
    """
    done: dict[str, list[Path]] = {}
    schemas, status_rows, summary_rows = [], [], []
    for status_file in sorted(sweep.rglob(STATUS)):
        folder = status_file.parent
        status = json.loads(status_file.read_text())
        job = folder.relative_to(sweep).as_posix()
        status_rows.append({"job": job, "status": status["status"],
                            "error": status.get("error", "")})
        if status["status"] != "complete" or not (folder / MARKER).exists():
            continue
        parquet = pq.ParquetFile(folder / TIMESERIES)
        schemas.append(parquet.schema_arrow.remove_metadata())
        keys = parquet.read_row_group(0, columns=[
            c for c in parquet.schema_arrow.names
            if c not in ("replicate", "seed", "step", "metric", "value")]).slice(0, 1).to_pylist()[0]
        done.setdefault(keys["job_id"], []).append(folder / TIMESERIES)
        for metric, entry in json.loads((folder / SUMMARY).read_text()).items():
            summary_rows.append({**keys, "metric": metric, "mean": entry["mean"],
                                 "ci95_low": entry["ci95"][0], "ci95_high": entry["ci95"][1],
                                 "replicates": len(entry["replicates"])})
    status = pd.DataFrame(status_rows, columns=["job", "status", "error"])
    if not done:
        return 0, status
    schema = pa.unify_schemas(schemas, promote_options="permissive")
    tidy = ("step", "metric", "value")  # last, after every job's run keys
    schema = pa.schema([f for f in schema if f.name not in tidy] + [schema.field(c) for c in tidy])
    rows = 0

    def write(tmp: str) -> None:
        nonlocal rows
        with pq.ParquetWriter(tmp, schema) as writer:
            pending: list[pa.Table] = []
            for job_id in sorted(done):
                table = pa.concat_tables([pq.read_table(f) for f in done[job_id]],
                                         promote_options="permissive")
                table = table.sort_by([(c, "ascending") for c in ("replicate", "metric", "step")])
                pending.append(_conform(table, schema))
                rows += table.num_rows
                if sum(t.num_rows for t in pending) >= ROW_GROUP:
                    writer.write_table(pa.concat_tables(pending), row_group_size=ROW_GROUP)
                    pending = []
            if pending:
                writer.write_table(pa.concat_tables(pending), row_group_size=ROW_GROUP)

    atomic(sweep / "sweep.parquet", write)
    summary = pd.DataFrame(summary_rows).sort_values(["job_id", "metric"], kind="stable")
    _write_text(sweep / "summary.csv", summary.to_csv(index=False))
    return rows, status


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with ``schema``'s columns in its order: missing ones null, types widened."""
    columns = [table.column(f.name).cast(f.type) if f.name in table.column_names
               else pa.nulls(table.num_rows, f.type) for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)
