"""``sim-report DIR``: one self-contained ``report.html`` for policy teams.

For each experiment (sweep folder) under DIR: its question, its figures (embedded as
PNG data, so the file opens anywhere without network or neighbouring files), a reading of
each figure generated from the numbers, a table of key results, and the provenance
(config, overrides, seeds, versions, commit). Every value taken from configs or tables is
HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml

from sim.reporting.analysis import Finding, SweepData, analyse_sweep
from sim.results import write_text_atomic

REPORT = "report.html"
_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1180px; margin: 2em auto; padding: 0 1em;
       color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { border-bottom: 2px solid #0072B2; padding-bottom: .2em; margin-top: 2em; }
.question { font-size: 1.1em; font-style: italic; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: .85em; color: #444; }
.reading { background: #f4f8fb; border-left: 4px solid #0072B2; padding: .6em 1em; }
table { border-collapse: collapse; font-size: .8em; margin: .5em 0; }
td, th { border: 1px solid #ccc; padding: .2em .5em; text-align: right; }
pre { background: #f6f6f6; padding: .8em; overflow-x: auto; font-size: .8em; }
details { margin: 1em 0; }
"""


def find_sweeps(folder: Path) -> list[Path]:
    """The collected sweep folders at or under ``folder`` (those holding ``sweep.parquet``)."""
    if (folder / "sweep.parquet").exists():
        return [folder]
    return sorted(p.parent for p in folder.rglob("sweep.parquet"))


def _png(finding: Finding) -> str:
    buffer = io.BytesIO()
    finding.figure.savefig(buffer, format="png", dpi=100)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _provenance(data: SweepData) -> str:
    prov = data.provenance
    overrides = ((data.config.get("hydra") or {}).get("overrides") or {}).get("task") or []
    config = {k: v for k, v in data.config.items() if k != "hydra"}
    seeds = prov.get("seeds", [])
    rows = [("sweep folder", data.folder), ("command-line overrides", " ".join(overrides) or "none"),
            ("root seed", prov.get("root_seed", config.get("seed"))),
            ("replicate seeds", f"{len(seeds)} spawned with SeedSequence: "
                                + ", ".join(str(s) for s in seeds[:5]) + (" ..." if len(seeds) > 5 else "")),
            ("git commit", prov.get("git_commit") or "not a git checkout"),
            ("host", prov.get("host", "")), ("first job started", prov.get("started", "")),
            ("versions", ", ".join(f"{k} {v}" for k, v in (prov.get("versions") or {}).items()))]
    table = "".join(f"<tr><th>{_e(k)}</th><td style='text-align:left'>{_e(v)}</td></tr>"
                    for k, v in rows)
    return (f"<details><summary>Provenance</summary><table>{table}</table>"
            f"<p>Composed config:</p><pre>{_e(yaml.safe_dump(config, sort_keys=False))}</pre>"
            "</details>")


def _section(data: SweepData, findings: list[Finding]) -> str:
    meta = data.analysis
    question = meta.get("question") or "What does this sweep show?"
    parts = [f"<h2 id='{_e(data.name)}'>{_e(data.name.replace('_', ' '))}</h2>",
             f"<p class='question'>{_e(question)}</p>",
             f"<p>{data.replicates} paired replicates per point, {data.steps} monthly steps, "
             f"{data.table['job_id'].nunique()} parameter points.</p>"]
    for f in findings:
        parts += [f"<h3>{_e(f.title)}</h3>",
                  f"<figure><img alt='{_e(f.title)}' src='data:image/png;base64,{_png(f)}'>"
                  f"<figcaption>{_e(f.caption)} Files: figures/{_e(f.name)}.png, "
                  f"figures/{_e(f.name)}.svg</figcaption></figure>",
                  f"<p class='reading'>{_e(f.reading)}</p>"]
        if f.table is not None and not f.table.empty:
            parts.append(f.table.to_html(index=False, escape=True, border=0, na_rep="-"))
    parts.append(_provenance(data))
    return "\n".join(parts)


def build_report(folder: str | Path) -> Path:
    """Analyse every sweep at or under ``folder`` and write ``folder/report.html``.

    Raises ``ValueError`` with one line if there is nothing to report.
    """
    folder = Path(folder)
    sweeps = find_sweeps(folder)
    if not sweeps:
        raise ValueError(f"{folder}: no collected sweep (sweep.parquet) at or under it")
    sections, toc = [], []
    for sweep in sweeps:
        data, findings = analyse_sweep(sweep)
        sections.append(_section(data, findings))
        toc.append(f"<li><a href='#{_e(data.name)}'>{_e(data.name.replace('_', ' '))}</a>: "
                   f"{_e(data.analysis.get('question', ''))}</li>")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    page = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>Samskabelse report</title><style>{_STYLE}</style></head><body>"
            f"<h1>Steering a municipality: results of the simulation</h1>"
            f"<p>Generated {stamp} from {_e(folder)}. Every number below is the mean over paired "
            f"replicates with its 95% confidence interval.</p><ul>{''.join(toc)}</ul>"
            + "\n".join(sections) + "</body></html>")
    return write_text_atomic(page, folder / REPORT)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: ``sim-report DIR``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) != 1 or argv[0].startswith("-") or not Path(argv[0]).is_dir():
        print("error: usage: sim-report DIR (a sweep or experiment folder)", file=sys.stderr)
        sys.exit(2)
    try:
        path = build_report(argv[0])
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    print(path)


if __name__ == "__main__":
    main()
