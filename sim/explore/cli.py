"""``sim-explore``: serve the students' explorer on this machine.

Starts Solara's server with the explorer's page (:mod:`sim.explore.app`), in production
mode, with its assets served from the local environment and telemetry and version
checks off, so the page works without the internet. Listens on 127.0.0.1 unless
``--host`` says otherwise.
"""

from __future__ import annotations

import argparse
import socket
import sys
import warnings
from typing import NoReturn

from sim.explore.offline import serve_offline

#: The module Solara serves.
APP = "sim.explore.app"


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``error: <message>`` to stderr and exit with status 2."""
        self.exit(2, f"error: {message}\n")


def _port(text: str) -> int:
    """A TCP port number, 0-65535 (0: any free port)."""
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"must be an integer in [0, 65535], got {text!r}")
    return int(text)


def free_port(host: str, port: int = 0) -> int:
    """Check that ``port`` is free on ``host`` now (0: pick a free one); return it.

    Raises ``OSError`` if the address cannot be bound (taken, or not this machine's).
    """
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        sock.bind((host, port))
        return sock.getsockname()[1]


def parser() -> argparse.ArgumentParser:
    """The command line of ``sim-explore``."""
    p = _Parser(prog="sim-explore", description=(
        "Serve the students' explorer: pick a scenario and two steering styles, set levers "
        "and compare both runs on the same seed. Open the printed address in a browser."))
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1, this machine only)")
    p.add_argument("--port", type=_port, default=8765,
                   help="TCP port (default 8765; 0 picks a free one)")
    return p


def main(argv: list[str] | None = None) -> None:
    """Parse the options, print the address and serve until interrupted."""
    args = parser().parse_args(argv)
    try:
        args.port = free_port(args.host, args.port)
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}; "
              "choose another --port or --host", file=sys.stderr)
        sys.exit(2)
    serve_offline()  # before Solara is imported
    # Solara warns once that a session cookie on a plain-http address other than
    # "localhost" falls back to SameSite=lax: that is what a local server wants.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none", category=UserWarning)
    from solara.__main__ import run  # noqa: PLC0415 - needs the environment set above

    url = f"http://{args.host}:{args.port}/"
    print(f"sim-explore: serving the explorer at {url} (Ctrl-C stops)", flush=True)
    options = [APP, "--host", args.host, "--port", str(args.port), "--production",
               "--no-open", "--no-check-version", "--log-level", "warning"]
    try:
        run.main(args=options, prog_name="sim-explore", standalone_mode=False)
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # e.g. the port was taken meanwhile
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
