"""The package finds its configs when installed as a wheel, not only from the source tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_configs_and_runs_outside_the_source_tree(tmp_path):
    """A built wheel holds every config; unpacked elsewhere it composes and validates a run."""
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                            "-q", "-w", str(tmp_path / "wheel")],
                           capture_output=True, text=True, check=False, timeout=300)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    shipped = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("sim/configs/")}
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "sim" / "configs").rglob("*.yaml")
               if "/local/" not in p.as_posix()}
    assert on_disk <= shipped
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import sim; "
            "assert sim.__file__.startswith(sys.argv[1]), sim.__file__; "
            "from sim.runs.cli import check; print(check(['-m', 'sweep=styles', 'scenario=budget_cut']))")
    run = subprocess.run([sys.executable, "-c", code, str(site)], cwd=tmp_path,
                         capture_output=True, text=True, check=False, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "3"
