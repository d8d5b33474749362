"""The generated tables of ``docs/model.md``: parameters, levers, arena and composite settings.

Every table is made from the declarations (:mod:`sim.fields` in :mod:`sim.params` and
:mod:`sim.policies`) and written between its marker comments (``<!-- BEGIN name -->``).
``python -m sim.docs --table`` rewrites them; ``python -m sim.docs --check`` exits 1 when a
table in the file differs from the declarations (a test runs the same check).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.fields import between, replace_between
from sim.params import parameter_table
from sim.policies import lever_table, setting_tables

#: The documentation whose tables are generated from the declarations.
DOCS = Path(__file__).resolve().parents[1] / "docs" / "model.md"


def tables() -> dict[str, str]:
    """Every generated table of ``docs/model.md``, by the name of its markers."""
    return {"parameters": parameter_table(), "levers": lever_table(), **setting_tables()}


def stale_tables(path: Path = DOCS) -> list[str]:
    """Names of the generated tables whose text in ``path`` differs from the declarations."""
    text = path.read_text(encoding="utf-8")
    return [name for name, table in tables().items() if between(text, name) != table]


def write_tables(path: Path = DOCS) -> None:
    """Rewrite every generated table of ``path`` between its marker comments."""
    text = path.read_text(encoding="utf-8")
    for name, table in tables().items():
        text = replace_between(text, name, table)
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.docs --table`` rewrites the tables; ``--check`` exits 1 if they are stale."""
    parser = argparse.ArgumentParser(prog="python -m sim.docs", description=main.__doc__)
    parser.add_argument("--table", action="store_true", help="rewrite the tables of docs/model.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if a table is stale")
    args = parser.parse_args(argv)
    if args.table:
        write_tables()
    stale = stale_tables()
    if stale:
        print(f"stale tables in {DOCS}: {', '.join(stale)}", file=sys.stderr)
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
