"""The ``sim`` command: one simulation from the command line, configured with Hydra.

The entry point is thin: it turns the composed config into keyword arguments and calls
:func:`run_single`, a plain function that tests call directly.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import sys
from pathlib import Path
from typing import Any, Optional

import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim.model import GovernanceModel
from sim.params import ModelParams
from sim.plots import plot_main_metrics
from sim.results import to_tidy, write_atomic


def _run_config() -> type:
    """A dataclass schema: run keys plus every model parameter (``None`` = default)."""
    fields: list[tuple[str, Any, Any]] = [
        ("steering", Optional[str], dataclasses.field(default=None)),  # noqa: UP045
        # the scenario group composes the preset's file here; run_single reads its name
        ("scenario", Any, dataclasses.field(default=None)),
        ("seed", int, dataclasses.field(default=0)),
        ("steps", int, dataclasses.field(default=60)),
    ]
    for f in dataclasses.fields(ModelParams):
        kind = {"int": int, "float": float, "bool": bool, "str": str}[f.type]
        fields.append((f.name, Optional[kind], dataclasses.field(default=None)))  # noqa: UP045
    return dataclasses.make_dataclass("RunConfig", fields)


RunConfig = _run_config()
ConfigStore.instance().store(name="run_schema", node=RunConfig)


def run_single(cfg: dict[str, Any], out_dir: Path) -> Path:
    """Run one simulation from a plain config mapping; write metrics and a figure.

    ``cfg`` holds ``steering`` (a name or ``None``), ``scenario`` (a preset's name or
    ``None``), ``seed``, ``steps`` and model parameters (``None`` = the default).
    """
    params = {k: v for k, v in cfg.items() if k not in ("steering", "scenario", "seed",
                                                         "steps") and v is not None}
    steps = cfg["steps"]
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps: must be an integer >= 1, got {steps!r}")
    scenario = cfg.get("scenario")
    model = GovernanceModel(steering=cfg.get("steering"), scenario=scenario, rng=cfg["seed"],
                            **params)
    for _ in range(steps):
        model.step()
    tidy = to_tidy(model.metrics_frame(), seed=cfg["seed"], steering=model.style.name,
                   scenario=scenario or "baseline")
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(tidy, out_dir / "metrics.parquet")
    fig = plot_main_metrics(tidy)
    tmp = out_dir / ".main_metrics.tmp.png"
    fig.savefig(tmp, dpi=110, format="png")
    tmp.replace(out_dir / "main_metrics.png")
    return out_dir


@hydra.main(config_path="configs", config_name="config", version_base="1.3")
def _hydra_main(cfg: DictConfig) -> None:
    """Hydra entry: validate, run, print the output folder."""
    logging.getLogger("MESA").setLevel(logging.WARNING)
    plain = OmegaConf.to_container(cfg, resolve=True)
    plain["scenario"] = HydraConfig.get().runtime.choices.get("scenario")
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    try:
        run_single(plain, out_dir)
    except ValueError as exc:
        _discard_run_dir(out_dir)
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    print(out_dir)


def _discard_run_dir(out_dir: Path) -> None:
    """Remove a run folder that holds nothing but Hydra's own bookkeeping."""
    if out_dir.is_dir() and all(p.name == ".hydra" or p.suffix == ".log"
                                for p in out_dir.iterdir()):
        shutil.rmtree(out_dir)


def main() -> None:
    """Console-script entry point."""
    _hydra_main()


if __name__ == "__main__":
    main()
