"""The students' explorer: two steering styles side by side in the browser (``sim-explore``).

Built on Mesa's SolaraViz. :mod:`sim.explore.runs` holds the two-run model and
:mod:`sim.explore.network` and :mod:`sim.explore.figures` its drawings (no Solara);
:mod:`sim.explore.components` and :mod:`sim.explore.app` are the page, and
:mod:`sim.explore.cli` starts the server. Needs the ``explore`` extra
(``pip install -e '.[explore]'``).
"""
