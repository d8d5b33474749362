"""The students' explorer without a browser: its model, its page (``solara.render``), its CLI.

The page is rendered headless inside Solara's AppLayout (which shows the sidebar) and
driven through its widgets: Step, a slider, Reset and the scenario menu.
"""

from __future__ import annotations

import re
import socket
import sys
from pathlib import Path

import numpy as np
import pytest

solara = pytest.importorskip("solara", reason="the explorer needs its extra: "
                             "pip install -e '.[dev,explore]'")

import ipyvuetify as v  # noqa: E402
import ipywidgets as w  # noqa: E402

from sim.explore import cli, components  # noqa: E402
from sim.explore.app import Page, model_params  # noqa: E402
from sim.explore.lessons import TRY, lesson  # noqa: E402
from sim.explore.network import population_figure, ring_layout, snapshot  # noqa: E402
from sim.explore.offline import NO_CDN, serve_offline  # noqa: E402
from sim.explore.runs import ExplorerModel, parse_seed  # noqa: E402
from sim.scenarios import list_scenarios  # noqa: E402


# ------------------------------------------------------------------ the two-run model
def test_both_runs_share_the_population_and_differ_in_style():
    """Common random numbers: same citizens, network and first draws; different levers."""
    m = ExplorerModel()
    a, b = m.runs["A"], m.runs["B"]
    assert (m.style_a, m.style_b) == ("result_based", "experience_based")
    assert a.p.n_citizens == b.p.n_citizens == 300
    np.testing.assert_array_equal(a.citizens.resources, b.citizens.resources)
    np.testing.assert_array_equal(a.citizens.trust, b.citizens.trust)
    assert (a.citizens.neighbours != b.citizens.neighbours).nnz == 0
    assert a.levers.incentive == 0.8 and b.levers.incentive == 0.1


def test_sliders_set_style_a_only_and_keys_it_lacks_are_ignored():
    """Levers go to A; B keeps its own; a mix weight means nothing to result-based steering."""
    m = ExplorerModel(audit=0.5, incentive=0.3, weight=0.9, council_openness=0.7,
                      budget_cut=0.2)
    assert m.runs["A"].levers.audit == 0.5 and m.runs["A"].levers.incentive == 0.3
    assert m.runs["B"].levers.audit == 0.05 and m.runs["B"].levers.incentive == 0.1
    assert "weight" not in m.settings()
    for run in m.runs.values():  # the municipality is shared
        assert run.p.council_openness == 0.7 and run.p.budget_cut == 0.2


def test_a_scenario_brings_its_style_and_its_settings():
    """task_committee: co-creation at the preset's arena settings, an open council."""
    m = ExplorerModel(preset="task_committee")
    assert (m.style_a, m.style_b) == ("co_creation", "result_based")
    assert m.settings()["facilitation"] == 0.8 and m.settings()["council_openness"] == 0.95
    m = ExplorerModel(preset="task_committee", facilitation=0.2, scope=0.1)
    assert m.runs["A"].style.arena(1).facilitation == 0.2
    assert m.runs["A"].style.arena(1).invited_citizens == 10  # the rest of the preset stays
    mixed = ExplorerModel(style_a="mixed", weight=0.25)
    assert mixed.settings()["weight"] == 0.25 and "incentive" not in mixed.settings()


def test_settings_rebuild_the_same_model():
    """settings() are keywords that rebuild the model: what Reset does with the sliders."""
    m = ExplorerModel(preset="budget_cut", style_a="co_creation", seed="7", scope=0.4)
    again = ExplorerModel(**m.settings())
    assert again.settings() == m.settings()
    assert m.seed == 7 and m.settings()["budget_cut"] == 0.1


def test_step_advances_both_runs_and_stops_at_the_horizon():
    """One step is a month in both runs; the metrics table grows; Play stops at the horizon."""
    m = ExplorerModel(horizon=3)
    for _ in range(3):
        m.step()
    assert m.steps == 3 and all(run.steps == 3 for run in m.runs.values())
    assert list(m.frame("A")["step"]) == [1, 2, 3] and not m.running
    assert m.frame("A")["kpi"].iloc[-1] != m.frame("B")["kpi"].iloc[-1]


@pytest.mark.parametrize("bad", ["x", "-1", "1.5", True])
def test_a_bad_seed_names_the_seed(bad):
    """A seed must be a non-negative integer (the seed box gives text)."""
    with pytest.raises(ValueError, match="seed: must be a non-negative integer"):
        parse_seed(bad)


def test_bad_choices_name_the_key():
    """Unknown scenarios and styles fail with the allowed values."""
    with pytest.raises(ValueError, match="preset: must be one of"):
        ExplorerModel(preset="nowhere")
    with pytest.raises(ValueError, match="style_b: must be one of"):
        ExplorerModel(style_b="anarchy")


def test_every_scenario_has_a_description_and_something_to_try():
    """The page's text per scenario: the preset's description and the explorer's suggestion."""
    assert set(TRY) == set(list_scenarios())
    for name in list_scenarios():
        text = lesson(name)
        assert len(text["description"]) > 40 and len(text["try"]) > 40


# ------------------------------------------------------------------ the drawings
def test_the_layout_is_a_fixed_ring_with_professionals_inside():
    """Citizens on three close tracks of a ring, professionals in domain sectors inside."""
    layout = ring_layout(300, (3, 2, 3, 2, 3, 2))
    radius = np.hypot(*layout.citizens.T)
    assert layout.citizens.shape == (300, 2) and radius.min() > 0.8 and radius.max() <= 1.0
    assert np.allclose(np.hypot(*layout.professionals.T), 0.55)
    assert ring_layout(300, (3, 2, 3, 2, 3, 2)) is layout  # computed once


def test_population_view_shows_casework_and_the_arena_panel():
    """Complex citizens are joined to their caseworkers; an arena's panel is ringed."""
    m = ExplorerModel(preset="task_committee")
    for _ in range(3):  # the first arena meets in month 3
        m.step()
    snap = snapshot(m.runs["A"], "A", "wellbeing")
    assert snap.panel.size > 0 and snap.casework.shape[1] == 2 and snap.ties.shape[1] == 2
    assert "month 3" in snap.caption
    fig = population_figure(snap)
    assert fig.get_suptitle().startswith("A\nmonth 3")
    with pytest.raises(ValueError, match="colour_by"):
        snapshot(m.runs["A"], "A", "income")


def test_slider_params_follow_style_a():
    """Sliders for A's own levers and the municipality, each at the value in force."""
    params = model_params(ExplorerModel(preset="task_committee"))
    assert params["preset"] == "task_committee" and params["seed"]["value"] == 42
    assert {"incentive", "audit", "documentation", "scope", "facilitation",
            "council_openness", "budget_cut"} <= set(params)
    assert params["facilitation"]["value"] == 0.8 and "[0.80]" in params["facilitation"]["label"]
    assert "weight" in model_params(ExplorerModel(style_a="mixed"))


# ------------------------------------------------------------------ the page, headless
def _page():
    """Render the page inside an AppLayout; return the render context."""
    _, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    return rc


def _button(rc, label):
    return next(b for b in rc.find(v.Btn).widgets if b.children == [label])


def _texts(rc):
    return [h.children[0] for h in rc.find(v.Html, tag="span").widgets
            if h.children and isinstance(h.children[0], str)]


def _lesson(rc):
    return " ".join(h.unsafe_innerHTML for h in rc.find(solara.widgets.HTML).widgets)


def _images(rc):
    return {cls: img for img in rc.find(w.Image).widgets for cls in img._dom_classes
            if cls.startswith("explore-")}


def test_page_renders_the_views_and_step_draws_them_anew():
    """Population views and plots are there, with the note on Reset; Step draws month 1."""
    rc = _page()
    images = _images(rc)
    assert set(images) == {"explore-population-A", "explore-population-B", "explore-gap",
                           "explore-trust-motivation", "explore-legitimacy-civil",
                           "explore-caseworkers", "explore-arenas"}
    assert "Time: 0.0" in _texts(rc)
    assert "take effect when you press Reset" in _lesson(rc)
    before = {k: img.value for k, img in images.items()}
    assert all(bytes(value[:4]) == b"\x89PNG" for value in before.values())
    _button(rc, "Step").click()
    assert "Time: 1.0" in _texts(rc)
    after = {k: img.value for k, img in _images(rc).items()}
    assert all(after[k] != before[k] for k in before)  # every view drew month 1


def test_reset_applies_a_slider_and_a_scenario_starts_afresh(monkeypatch):
    """A slider changes nothing until Reset; a new scenario brings its own sliders."""
    monkeypatch.setattr(components, "png", lambda figure: str(id(figure)).encode())  # fast
    rc = _page()
    _button(rc, "Step").click()
    audit = next(s for s in rc.find(v.Slider).widgets if s.label.startswith("A: audit"))
    audit.v_model = 0.5
    assert "audit 0.05" in _lesson(rc) and "Time: 1.0" in _texts(rc)  # not before Reset
    _button(rc, "Reset").click()
    assert "Time: 0.0" in _texts(rc) and "audit 0.50" in _lesson(rc)
    assert any(s.label == "A: audit per month [0.50]" for s in rc.find(v.Slider).widgets)

    menu = next(s for s in rc.find(v.Select).widgets if s.label == "scenario")
    menu.v_model = "task_committee"
    assert "co_creation" in _lesson(rc) and "Gentofte" in _lesson(rc)
    labels = [s.label for s in rc.find(v.Slider).widgets]
    assert "A: arena scope [0.30]" in labels and "A: facilitation [0.80]" in labels
    assert "openness of politicians [0.95]" in labels


# ------------------------------------------------------------------ offline and the CLI
def test_every_asset_the_page_names_is_installed():
    """Solara serves its page's JavaScript and CSS from disk: solara-assets has every file."""
    import solara.server.settings as server_settings  # noqa: PLC0415

    server = Path(server_settings.__file__).parent
    template = (server / "templates" / "solara.html.j2").read_text()
    grid = (Path(solara.__file__).parent / "widgets" / "vue" / "gridlayout.vue").read_text()
    names = set(re.findall(r"\{\{cdn\}\}/(@?[\w.-]+(?:/[\w.-]+)?@[\w.-]+)/", template))
    names |= set(re.findall(r"getCdn\(\)\}/(@?[\w.-]+(?:/[\w.-]+)?@[\w.-]+)/", grid))
    names = {n for n in names if "vuetify3" not in n}  # ipyvuetify < 3: the Vuetify 2 app
    names.add(server_settings.assets.fontawesome_path.split("/")[1])
    cdn = Path(sys.prefix) / "share" / "solara" / "cdn"
    assert len(names) >= 4
    assert all((cdn / name).is_dir() for name in names), sorted(
        n for n in names if not (cdn / n).is_dir())


def test_offline_settings_turn_off_telemetry_and_the_cdn():
    """No telemetry; assets only through Solara's local proxy, whose CDN is this machine."""
    import solara.server.settings as server_settings  # noqa: PLC0415

    serve_offline()
    assert server_settings.telemetry.mixpanel_enable is False
    assert solara.settings.assets.proxy is True and solara.settings.assets.cdn == NO_CDN


@pytest.mark.parametrize("argv, message", [
    (["--port", "http"], "error: argument --port: must be an integer in [0, 65535], got 'http'"),
    (["--port", "70000"], "error: argument --port: must be an integer in [0, 65535], got '70000'"),
    (["--colour", "red"], "error: unrecognized arguments: --colour red"),
])
def test_bad_arguments_fail_with_one_line_and_exit_2(argv, message, capsys):
    """A bad option is one line on stderr, exit status 2, no traceback."""
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 2
    assert capsys.readouterr().err == message + "\n"


def test_defaults_serve_this_machine_only():
    """--host defaults to 127.0.0.1; --port to 8765."""
    args = cli.parser().parse_args([])
    assert (args.host, args.port) == ("127.0.0.1", 8765)


def test_a_taken_port_fails_with_one_line_and_exit_2(capsys):
    """A port something already listens on is named in one line, before Solara starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(SystemExit) as exit_:
            cli.main(["--port", str(port)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot listen on 127.0.0.1:{port}: ") and err.count("\n") == 1
