"""The explorer in a real browser: Debian's chromium, driven by Playwright, against ``sim-explore``.

``sim-explore`` is started on a free port of 127.0.0.1. Every request the page makes to
anything but that server is blocked and recorded, and the test fails if there was one:
the page must work on a machine without the internet. Without Debian's chromium (or
Playwright) the test skips and says what to install; Playwright's own browser download is
never used. Screenshots and the server's log are kept in ``build/test-artefacts/explorer``
(``SIM_TEST_ARTEFACTS`` moves the folder).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.ports import free_ports

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(os.environ.get("SIM_TEST_ARTEFACTS", ROOT / "build" / "test-artefacts")) / "explorer"
#: Playwright's timeout for each wait, in milliseconds.
WAIT_MS = 30_000


def _need_browser() -> None:
    """Skip, naming what to install, unless Playwright and Debian's chromium are there."""
    try:
        import playwright.sync_api  # noqa: F401, PLC0415
    except ImportError as exc:
        pytest.skip(f"the browser test needs Playwright ({exc}): pip install -e '.[dev,explore]'")
    if not CHROMIUM.exists():
        pytest.skip(f"the browser test needs Debian's chromium at {CHROMIUM}: install it as root "
                    "with `apt-get install chromium` (.ci/run does)")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """``sim-explore`` on a free port of 127.0.0.1; yields its address."""
    _need_browser()
    script = Path(sys.executable).with_name("sim-explore")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "sim.explore.cli"]
    (port,) = free_ports(1)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTEFACTS / "server.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([*command, "--port", str(port)], stdout=log,
                                stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"sim-explore exited:\n{log_path.read_text()}"
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"no page after 60 s:\n{log_path.read_text()}"
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _image(page, name: str) -> str:
    """The ``src`` of the view ``name`` (each view is an image of a matplotlib figure)."""
    return page.locator(f"img.explore-{name}").get_attribute("src")


def _wait_new_image(page, name: str, old: str) -> None:
    page.wait_for_function("([name, old]) => document.querySelector(`img.explore-${name}`).src "
                           "!== old", arg=[name, old], timeout=WAIT_MS)


def _wait_time_stands_still(page) -> None:
    """Wait until the time shown is the same 1.5 s apart (a month in progress may finish)."""
    seen = None
    for _ in range(10):
        now = page.get_by_text(re.compile(r"^Time: ")).inner_text()
        if now == seen:
            return
        seen = now
        page.wait_for_timeout(1500)
    raise AssertionError(f"time still moving after Pause: {seen}")


def test_explorer_steps_applies_a_slider_on_reset_and_asks_nothing_of_the_internet(server):
    """Views present; Step, Play and Pause move time and plots; a slider applies on Reset.

    And not one request leaves 127.0.0.1, no page error, no failed response.
    """
    from playwright.sync_api import expect, sync_playwright  # noqa: PLC0415

    outside, errors, failures = [], [], []
    views = ("population-A", "population-B", "gap", "trust-motivation", "legitimacy-civil",
             "caseworkers", "arenas")

    def route(route_) -> None:
        url = urlparse(route_.request.url)
        if url.scheme in ("data", "blob") or url.hostname == "127.0.0.1":
            route_.continue_()
        else:
            outside.append(route_.request.url)
            route_.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-background-networking"])
        try:
            context = browser.new_context(viewport={"width": 1500, "height": 1900})
            context.route("**/*", route)
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
            page.on("console", lambda msg: errors.append(f"console error: {msg.text}")
                    if msg.type == "error" else None)
            page.on("response", lambda r: failures.append(f"{r.status} {r.url}")
                    if r.status >= 400 else None)
            page.goto(server)

            # the population views and the plots are there
            for name in views:
                expect(page.locator(f"img.explore-{name}")).to_be_visible(timeout=WAIT_MS)
            expect(page.get_by_text("Time: 0.0")).to_be_visible()
            expect(page.get_by_text("take effect when you press Reset")).to_be_visible()
            page.screenshot(path=ARTEFACTS / "1-start.png")

            # Step: the time and the plots change
            before = {name: _image(page, name) for name in views}
            page.get_by_role("button", name="Step").click()
            expect(page.get_by_text("Time: 1.0")).to_be_visible(timeout=WAIT_MS)
            for name in ("gap", "population-A", "trust-motivation"):
                _wait_new_image(page, name, before[name])

            # a slider changes nothing until Reset, which applies it
            lesson = page.locator(".explore-lesson")
            audit = page.get_by_role("slider", name=re.compile(r"^A: audit"))
            audit.focus()
            for _ in range(9):  # 0.05 -> 0.50 in steps of 0.05
                audit.press("ArrowRight")
            expect(audit).to_have_attribute("aria-valuenow", "0.5")
            expect(lesson).to_contain_text("audit 0.05")
            page.get_by_role("button", name="Reset").click()
            expect(page.get_by_text("Time: 0.0")).to_be_visible(timeout=WAIT_MS)
            expect(lesson).to_contain_text("audit 0.50", timeout=WAIT_MS)
            expect(page.get_by_role("slider", name="A: audit per month [0.50]")).to_have_attribute(
                "aria-valuenow", "0.5")
            for step in (1, 2, 3):
                page.get_by_role("button", name="Step").click()
                expect(page.get_by_text(f"Time: {step}.0")).to_be_visible(timeout=WAIT_MS)
            page.screenshot(path=ARTEFACTS / "2-audit-after-reset.png")

            # a scenario with arenas: its own style and sliders, the panel in the view
            page.locator(".v-select").filter(has_text="scenario").first.click()
            page.get_by_role("option", name="task_committee").click()
            expect(page.get_by_text("Scenario: task_committee")).to_be_visible(timeout=WAIT_MS)
            expect(page.get_by_role("slider", name=re.compile(r"^A: arena scope"))).to_be_attached(
                timeout=WAIT_MS)
            arenas = _image(page, "arenas")
            page.get_by_role("button", name="▶").click()  # Play until the first arena has met
            page.wait_for_function("() => /Time: ([3-9]|\\d\\d)/.test(document.body.innerText)",
                                   timeout=WAIT_MS)
            page.get_by_role("button", name="❚❚").click()  # Pause: time stands still
            expect(page.get_by_role("button", name="▶")).to_be_visible(timeout=WAIT_MS)
            _wait_time_stands_still(page)
            _wait_new_image(page, "arenas", arenas)
            page.screenshot(path=ARTEFACTS / "3-task-committee.png")
        finally:
            browser.close()

    log = (ARTEFACTS / "server.log").read_text()
    assert outside == [], f"requests outside 127.0.0.1: {outside}"
    assert errors == [], errors
    assert failures == [], failures
    assert "Could not load URL" not in log and "Traceback" not in log, log
