"""Serve the explorer without the internet: Solara's assets from disk, no telemetry.

Solara's page loads its JavaScript and CSS from ``/_solara/cdn``, which Solara serves
from ``<env>/share/solara/cdn`` (installed by the ``solara-assets`` package). A file
missing there Solara would fetch from a CDN; that CDN is pointed at this machine instead.
Solara's telemetry posts usage events to a web service and its ``run`` command asks PyPI
for a newer version: both are turned off. Solara reads these settings from the
environment when it is imported, so call :func:`serve_offline` first; it also corrects
settings already read.
"""

from __future__ import annotations

import os
import sys

#: Where Solara's asset proxy would fetch a file missing from disk: an address on this
#: machine where nothing listens, so a missing asset fails at once (and says so in the
#: server's log) instead of being fetched from the internet.
NO_CDN = "http://127.0.0.1:9/no-cdn/"
#: Environment for Solara: assets through its local proxy only, no telemetry.
SOLARA_ENV = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_ASSETS_PROXY": "True",
    "SOLARA_ASSETS_CDN": NO_CDN,
}


def serve_offline() -> None:
    """Set :data:`SOLARA_ENV`, and the same settings if Solara has already read them."""
    os.environ.update(SOLARA_ENV)
    server_settings = sys.modules.get("solara.server.settings")
    if server_settings is not None:
        server_settings.telemetry.mixpanel_enable = False
    settings = sys.modules.get("solara.settings")
    if settings is not None:
        settings.assets.proxy = True
        settings.assets.cdn = NO_CDN
