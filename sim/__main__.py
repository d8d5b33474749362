"""``python -m sim`` runs the ``sim`` command."""

from sim.runs.cli import main

main()
