"""``sim-experiments``: the experiments catalogue, one page per experiment in ``experiments/``.

A researcher finds in one place which experiments there are, what each asks, the commands
that run it (at its default size and at a tiny size), which figures it draws, and what it
found last time it ran. Everything but the findings is generated from the experiment's own
config (``configs/experiment/NAME.yaml``: ``analysis.question``, ``analysis.figures``,
``analysis.tiny``, the swept axes and replicates); the findings are the readings and key
tables the experiment's analysis generates from a finished sweep folder, with the commit
and date of the sweep's provenance and copies of its figures. Nothing on a page is
written by hand.

``sim-experiments RESULTS`` rebuilds the pages of every experiment that has a collected
sweep at or under ``RESULTS`` (the newest one per experiment) and keeps the findings of
the others as they are; ``sim-experiments`` alone regenerates only the parts that come
from the configs (a test checks that this changes nothing in the committed catalogue).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import yaml
from hydra import compose, initialize_config_module
from omegaconf import OmegaConf

from sim.fields import markdown_table
from sim.reporting.analysis import FIGURES, Finding, SweepData, analyse_sweep
from sim.reporting.report import find_sweeps
from sim.results import write_text_atomic
from sim.runs.schema import register
from sim.scenarios import CONFIG_DIR

#: Where the catalogue lives, beside ``sim/`` in a checkout.
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "experiments"
#: The line that separates a page's generated-from-config part from its findings.
FINDINGS = "## Latest findings"
#: Shown until an experiment has been run and its page rebuilt from the results.
NOT_RUN = "Not run yet: run the default command above, then `sim-experiments multirun/`."


@dataclass(frozen=True)
class Experiment:
    """An experiment as its config declares it."""

    name: str
    question: str
    figures: tuple[str, ...]
    tiny: tuple[str, ...]
    axes: dict[str, str]
    replicates: int
    steps: int
    sweeper: str

    @property
    def default_command(self) -> str:
        """The command that runs it at its default size."""
        return f"sim -m experiment={self.name} launcher=local"

    @property
    def tiny_command(self) -> str:
        """The command that runs it at a tiny size (what the tests run)."""
        return " ".join(["sim -m", f"experiment={self.name}", *self.tiny])

    @property
    def points(self) -> int | None:
        """Parameter points of the default sweep (``None`` for an adaptive sweeper)."""
        if self.sweeper != "basic":
            return None
        return math.prod(len(str(v).split(",")) for v in self.axes.values())


def experiments(config_dir: Path = Path(CONFIG_DIR)) -> list[Experiment]:
    """Every experiment with an analysis, in name order, as Hydra composes it for ``sim``.

    Composed (not read as YAML), so sizes the experiment leaves to the schema's defaults
    and the sweeper its defaults list selects are what a run gets.
    """
    register()
    out = []
    with initialize_config_module(config_module="sim.configs", version_base="1.3"):
        for path in sorted((config_dir / "experiment").glob("*.yaml")):
            cfg = compose(config_name="config", overrides=[f"experiment={path.stem}"],
                          return_hydra_config=True)
            analysis = cfg.analysis
            if not analysis.name:
                continue  # a plain sweep (smoke) has no analysis and no findings
            params = OmegaConf.select(cfg, "hydra.sweeper.params") or {}
            out.append(Experiment(
                name=path.stem, question=" ".join(str(analysis.question).split()),
                figures=tuple(analysis.figures), tiny=tuple(analysis.tiny),
                axes={str(k): str(v) for k, v in params.items()},
                replicates=int(cfg.replicates), steps=int(cfg.steps),
                sweeper="basic" if "params" in cfg.hydra.sweeper else "salib"))
    return out


def _title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _size(e: Experiment) -> str:
    if e.points is None:
        return (f"adaptive (SALib: Morris screening, then Sobol on the most influential "
                f"parameters), {e.replicates} paired replicates per job, {e.steps} months")
    return f"{e.points} parameter points × {e.replicates} paired replicates, {e.steps} months"


def header(e: Experiment) -> str:
    """The part of an experiment's page that comes from its config."""
    axes = "\n".join(f"- `{k}`: {v.replace(',', ', ')}" for k, v in e.axes.items()) \
        or "- the sampled parameters of `hydra.sweeper.problem` in the config"
    figures = "\n".join(f"- `{f}` (`figures/{f}.png`, `.svg` in the sweep folder)" for f in e.figures)
    return (
        f"# {_title(e.name)}\n\n"
        "<!-- Generated by sim-experiments from the experiment's config and results; "
        "do not edit. -->\n\n"
        f"**Question.** {e.question}\n\n"
        f"**Size.** {_size(e)}.\n\n"
        f"**Swept.**\n\n{axes}\n\n"
        "**Run it** (from a checkout, after `make run` or `make test` has set up `.venv`):\n\n"
        "```bash\n"
        f".venv/bin/{e.default_command}    # default size\n"
        f".venv/bin/{e.tiny_command}    # tiny\n"
        "```\n\n"
        "A sweep folder is printed; `sim-report FOLDER` rebuilds its `report.html`, and "
        "`sim-experiments FOLDER` this page.\n\n"
        f"**Figures.**\n\n{figures}\n\n"
        f"**Defined in** [`sim/configs/experiment/{e.name}.yaml`]"
        f"(../../sim/configs/experiment/{e.name}.yaml); analysis in "
        f"[`sim/reporting/analysis/{e.name}.py`](../../sim/reporting/analysis/{e.name}.py).\n\n")


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "–" if math.isnan(value) else f"{value:.4g}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def frame_table(table: pd.DataFrame) -> str:
    """A DataFrame as a Markdown pipe table (numbers to four significant digits)."""
    return markdown_table([_cell(c) for c in table.columns],
                          [[_cell(v) for v in row] for row in table.itertuples(index=False)])


def provenance_line(data: SweepData) -> str:
    """Where a sweep's numbers come from: commit, date, size."""
    prov = data.provenance
    commit = (prov.get("git_commit") or "unknown")[:10]
    date = str(prov.get("started") or "unknown date")[:10]
    return (f"From the sweep run on {date} at commit `{commit}`: "
            f"{data.table['job_id'].nunique()} jobs (a parameter point under one style each) × "
            f"{data.replicates} paired replicates, {data.steps} months.")


def findings_section(data: SweepData, findings: list[Finding], page_dir: Path) -> str:
    """The findings part of a page, copying the sweep's figures beside it."""
    parts = [FINDINGS, "", provenance_line(data), ""]
    for f in findings:
        png = data.folder / FIGURES / f"{f.name}.png"
        parts += [f"### {f.title}", ""]
        if png.exists():
            shutil.copyfile(png, page_dir / png.name)
            parts += [f"![{f.title}]({png.name})", ""]
        parts += [f.reading, ""]
        if f.table is not None and not f.table.empty:
            parts += [frame_table(f.table), ""]
    return "\n".join(parts)


def _findings_of(page: Path) -> str:
    if page.exists():
        text = page.read_text()
        if FINDINGS in text:
            return text[text.index(FINDINGS):]
    return f"{FINDINGS}\n\n{NOT_RUN}\n"


def _source_of(findings: str) -> str:
    for line in findings.splitlines():
        if line.startswith("From the sweep run on "):
            return line.removeprefix("From the sweep run on ").split(":")[0]
    return "not run yet"


def latest_sweeps(results: Path, min_replicates: dict[str, int] | None = None) -> dict[str, Path]:
    """The newest collected sweep per experiment name at or under ``results``.

    With ``min_replicates``, a sweep with fewer replicates than its experiment's entry (a
    tiny or shrunk run) does not count: findings come from full-size sweeps only.
    """
    newest: dict[str, tuple[str, Path]] = {}
    for folder in find_sweeps(results):
        cfg_file = folder / "multirun.yaml"
        cfg = (yaml.safe_load(cfg_file.read_text()) if cfg_file.exists() else None) or {}
        name = (cfg.get("analysis") or {}).get("name")
        if not name or int(cfg.get("replicates", 0)) < (min_replicates or {}).get(name, 0):
            continue
        first = next(iter(sorted(folder.rglob("provenance.json"))), None)
        stamp = str(json.loads(first.read_text()).get("started", "")) if first else ""
        if name not in newest or stamp > newest[name][0]:
            newest[name] = (stamp, folder)
    return {name: folder for name, (_, folder) in newest.items()}


def build_catalogue(results: Path | None = None, out: Path = DEFAULT_OUT, *,
                    any_size: bool = False) -> list[Path]:
    """Write ``out/README.md`` and ``out/NAME/README.md`` for every experiment; return the pages.

    Experiments with a collected sweep under ``results`` (at least their default number of
    replicates, unless ``any_size``) get their findings rebuilt from the newest one; the
    others keep the findings their page has.
    """
    exps = experiments()
    sweeps: dict[str, Path] = {}
    if results is not None:
        sweeps = latest_sweeps(results, None if any_size else {e.name: e.replicates for e in exps})
        if not sweeps:
            raise ValueError(f"{results}: no collected full-size experiment sweep (sweep.parquet) "
                             "at or under it (--any-size also takes tiny runs)")
    pages, rows = [], []
    for e in exps:
        page_dir = out / e.name
        page_dir.mkdir(parents=True, exist_ok=True)
        page = page_dir / "README.md"
        if e.name in sweeps:
            data, findings = analyse_sweep(sweeps[e.name])
            body = findings_section(data, findings, page_dir)
            for finding in findings:  # the page copies the sweep's own images
                plt.close(finding.figure)
        else:
            body = _findings_of(page)
        write_text_atomic(header(e) + body.rstrip("\n") + "\n", page)
        pages.append(page)
        rows.append(f"| [{_title(e.name)}]({e.name}/README.md) | {e.question} | "
                    f"`{e.default_command}` | {_source_of(body)} |")
    index = (
        "# Experiments\n\n"
        "<!-- Generated by sim-experiments from the experiments' configs and results; "
        "do not edit. -->\n\n"
        "Each experiment is a versioned config in `sim/configs/experiment/` (what Hydra "
        "composes) with an analysis in `sim/reporting/analysis/`. Each page here gives its "
        "question, the commands that run it at its default and at a tiny size, its figures, "
        "and its latest findings: the readings its analysis generated from the last sweep, "
        "with that sweep's commit and date. `make run` runs `style_comparison`; "
        "`sim-experiments multirun/` rebuilds these pages from the sweeps under a folder.\n\n"
        "| experiment | question | command | findings from |\n|---|---|---|---|\n"
        + "\n".join(rows) + "\n")
    write_text_atomic(index, out / "README.md")
    return pages


def main(argv: list[str] | None = None) -> None:
    """Console entry point: ``sim-experiments [RESULTS] [--out DIR]``."""
    parser = argparse.ArgumentParser(
        prog="sim-experiments",
        description="Rebuild the experiments catalogue (experiments/) from configs and results.")
    parser.add_argument("results", nargs="?", type=Path,
                        help="a folder holding finished experiment sweeps (e.g. multirun/); "
                             "without it only the parts that come from the configs are rebuilt")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"where the catalogue goes (default {DEFAULT_OUT})")
    parser.add_argument("--any-size", action="store_true",
                        help="also take sweeps with fewer replicates than the experiment's default")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.results is not None and not args.results.is_dir():
        print(f"error: results: {args.results} is not a folder", file=sys.stderr)
        sys.exit(2)
    try:
        pages = build_catalogue(args.results, args.out, any_size=args.any_size)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    print(f"{args.out / 'README.md'} ({len(pages)} experiments)")


if __name__ == "__main__":
    main()
