"""Solara components of the explorer: the lesson, the run menus, the population and the plots.

Every view of the model re-renders when Mesa's SolaraViz steps or resets it (it reads
Mesa's ``update_counter``) and draws a matplotlib Figure once per step and setting
(memoised), shown as a PNG scaled to its grid cell.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable

import solara
from matplotlib.figure import Figure
from mesa.visualization.utils import update_counter
from reacton import ipywidgets as rw

from sim.explore.figures import Series, arena_figure, gap_figure, metric_figure
from sim.explore.lessons import HOW_TO, lesson
from sim.explore.network import COLOUR_BY, population_figure, snapshot
from sim.explore.runs import STYLE_NAMES, ExplorerModel
from sim.policies import STYLES
from sim.scenarios import list_scenarios

#: What the citizens in the population view are coloured by (one value per browser session).
colour_by = solara.reactive("trust")
#: Height of a figure in its SolaraViz grid cell (a cell is 10 rows of 30 px plus margins).
FIGURE_HEIGHT = "370px"
#: Colour of run B when both runs have the same style (black, from Okabe & Ito's palette).
SAME_STYLE_COLOUR = "#000000"


def png(figure: Figure) -> bytes:
    """Render ``figure`` to PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})  # fast, not small
    return buffer.getvalue()


@solara.component
def FigureView(draw: Callable[[], Figure], dependencies: list, name: str):
    """Show the Figure ``draw`` returns, redrawn only when ``dependencies`` change."""
    data = solara.use_memo(lambda: png(draw()), dependencies)
    return rw.Image(value=data, format="png", _dom_classes=["solara-image", f"explore-{name}"],
                    layout={"width": "100%", "height": FIGURE_HEIGHT, "object_fit": "contain"})  # type: ignore[call-arg]


def run_series(model: ExplorerModel) -> dict[str, Series]:
    """Each run's metrics table and colour, keyed by its legend label."""
    colours = {"A": STYLES[model.style_a].colour, "B": STYLES[model.style_b].colour}
    if model.style_a == model.style_b:
        colours["B"] = SAME_STYLE_COLOUR
    return {model.labels[k]: Series(model.frame(k), colours[k]) for k in ("A", "B")}


def _population(model: ExplorerModel, key: str) -> None:
    update_counter.get()
    by = colour_by.value
    run = model.runs[key]
    title = model.labels[key] + (" (your levers)" if key == "A" else " (its own settings)")
    FigureView(lambda: population_figure(snapshot(run, title, by)),
               [id(model), model.steps, by], name=f"population-{key}")


@solara.component
def PopulationA(model: ExplorerModel):
    """Population of run A: citizens on their network, professionals by domain."""
    _population(model, "A")


@solara.component
def PopulationB(model: ExplorerModel):
    """Population of run B, on the same layout as A (the same citizens)."""
    _population(model, "B")


@solara.component
def GapPlot(model: ExplorerModel):
    """True outcome against the reported KPI, both runs."""
    update_counter.get()
    FigureView(lambda: gap_figure(run_series(model)), [id(model), model.steps], name="gap")


@solara.component
def TrustMotivationPlot(model: ExplorerModel):
    """Citizens' trust and professionals' intrinsic motivation, both runs."""
    update_counter.get()
    FigureView(lambda: metric_figure(run_series(model), ("citizen_trust", "motivation"),
                                     ("mean trust (0-1)", "intrinsic motivation (0-1)")),
               [id(model), model.steps], name="trust-motivation")


@solara.component
def LegitimacyCivilPlot(model: ExplorerModel):
    """Legitimacy, civil society's share of resolved need and the tasks handed to it, both runs."""
    update_counter.get()
    FigureView(lambda: metric_figure(run_series(model), ("legitimacy", "civil_share", "tasks_handed"),
                                     ("mean legitimacy (0-1)", "civil share of resolved need",
                                      "share of tasks handed over")),
               [id(model), model.steps], name="legitimacy-civil")


@solara.component
def CaseworkersPlot(model: ExplorerModel):
    """Caseworkers met by citizens with four or more needs, both runs."""
    update_counter.get()
    FigureView(lambda: metric_figure(run_series(model), ("caseworkers_complex",),
                                     ("caseworkers met in 12 months, 4+ needs",), limits=None),
               [id(model), model.steps], name="caseworkers")


@solara.component
def ArenaPlot(model: ExplorerModel):
    """Arena outcomes of the runs whose style holds arenas."""
    update_counter.get()
    series = run_series(model)
    arenas = [model.labels[k] for k, run in model.runs.items() if run.style.arena(1) is not None]
    FigureView(lambda: arena_figure(series, arenas), [id(model), model.steps], name="arenas")


#: The SolaraViz components, in grid order (two per row).
VIEWS = [PopulationA, PopulationB, GapPlot, TrustMotivationPlot, LegitimacyCivilPlot, CaseworkersPlot,
         ArenaPlot]


def bold(text: str) -> str:
    """Escape ``text`` for HTML and turn ``**words**`` into bold.

    (Solara's Markdown component would load KaTeX and Mermaid, which Solara's offline
    assets do not include.)
    """
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))


def levers_text(model: ExplorerModel) -> str:
    """The settings in force, in one line per run."""
    settings = model.settings()
    skip = {"preset", "style_a", "style_b", "seed", "n_citizens"}
    levers = ", ".join(f"{k} {v:.2f}" for k, v in settings.items() if k not in skip)
    return (f"In force: **{model.labels['A']}** ({levers}) vs **{model.labels['B']}**, "
            f"seed {model.seed}, {model.n_citizens} citizens.")


@solara.component
def LessonCard(model: ExplorerModel):
    """The scenario's description, what to try, and how the page works."""
    text = lesson(model.preset)
    paragraphs = [text["description"], f"**What to try.** {text['try']}", HOW_TO,
                  levers_text(model)]
    with solara.Card(f"Scenario: {model.preset}", classes=["explore-lesson"]):
        solara.HTML(tag="div", unsafe_innerHTML="".join(f"<p>{bold(p)}</p>" for p in paragraphs))


@solara.component
def RunCard(model: ExplorerModel, on_model: Callable[[ExplorerModel], None]):
    """Menus that start a new run at once: scenario, style A, style B; the colour scale."""

    def pick_preset(preset: str) -> None:
        on_model(ExplorerModel(preset=preset, seed=model.seed, n_citizens=model.n_citizens))

    def pick_style_a(style: str) -> None:
        keep = {k: model.settings()[k] for k in ("seed", "n_citizens", "council_openness",
                                                 "budget_cut")}
        on_model(ExplorerModel(preset=model.preset, style_a=style, style_b=model.style_b, **keep))

    def pick_style_b(style: str) -> None:
        on_model(ExplorerModel(**{**model.settings(), "style_b": style}))

    with solara.Card("Scenario and styles"):
        solara.Select("scenario", values=list_scenarios(), value=model.preset,
                      on_value=pick_preset)
        solara.Select("style A (your levers)", values=list(STYLE_NAMES), value=model.style_a,
                      on_value=pick_style_a)
        solara.Select("style B (to compare)", values=list(STYLE_NAMES), value=model.style_b,
                      on_value=pick_style_b)
        solara.Text("colour citizens by")
        solara.ToggleButtonsSingle(value=colour_by, values=list(COLOUR_BY))
