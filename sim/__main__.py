"""``python -m sim`` runs the ``sim`` command."""

from sim.cli import main

main()
