"""The explorer's page: Mesa's SolaraViz around two runs of the model (``sim-explore``).

Run it with ``sim-explore`` (or ``solara run sim.explore.app``). The page is
:func:`Page`: a lesson card, then Mesa's SolaraViz with the population views and the
plots in its grid; SolaraViz's sidebar holds Step, Play/Pause and Reset and the sliders.

Mesa's Reset builds a new model from the sliders' values, and SolaraViz reads its
``model_params`` once, when it is first shown. The sliders depend on style A (its class
names them: a mix weight for ``mixed``, arena settings for ``co_creation``) and start at the
values in force, so choosing a scenario or a style builds a new model and shows SolaraViz
afresh (a new ``key``) with sliders for that model; the seed and the sliders apply on Reset.
"""

from __future__ import annotations

from sim.explore.offline import serve_offline

serve_offline()  # before Solara reads its settings

import solara  # noqa: E402
from mesa.visualization import SolaraViz  # noqa: E402

from sim.explore.components import VIEWS, LessonCard, RunCard  # noqa: E402
from sim.explore.runs import TOWN_KEYS, ExplorerModel, style_keys  # noqa: E402
from sim.fields import parameters_of  # noqa: E402
from sim.params import ModelParams  # noqa: E402
from sim.policies import STYLES  # noqa: E402

#: Slider of each setting: (label, step). ``{cut_step}`` is the cut's first month. The
#: slider's min and max are the setting's declared range (:func:`slider_range`); a setting
#: missing here (a new style's slider) gets its name as label and a step of 0.05.
SLIDERS: dict[str, tuple[str, float]] = {
    "incentive": ("A: incentive intensity", 0.05),
    "audit": ("A: audit per month", 0.05),
    "documentation": ("A: documentation burden", 0.05),
    "weight": ("A: mix weight", 0.05),
    "scope": ("A: arena scope", 0.05),
    "facilitation": ("A: facilitation", 0.05),
    "council_openness": ("openness of politicians", 0.05),
    "budget_cut": ("budget cut from month {cut_step}", 0.05),
}
#: Sliders narrower than the declared range, on purpose: a cut beyond half the budget
#: (declared up to 0.9) leaves too few staff in a 300-citizen town for the lesson on
#: prioritising to show anything but collapse.
NARROWED: dict[str, tuple[float, float]] = {"budget_cut": (0.0, 0.5)}
#: Largest seed on the seed slider (any seed is as good as another; the first hundred do).
SEED_MAX = 99
#: Title of the page.
TITLE = "Samskabelse explorer: one municipality, two steering styles"


def model_params(model: ExplorerModel) -> dict:
    """SolaraViz ``model_params`` for ``model``: its menus fixed, sliders at the values in force.

    A slider's label ends with the value in force in brackets; it changes on Reset.
    """
    settings = model.settings()
    cut_step = model.runs["A"].p.budget_cut_step
    params: dict = {key: settings[key] for key in ("preset", "style_a", "style_b")}
    # a slider, not a text box: Mesa's Reset shows a traceback instead of the page if the
    # model cannot be built, and a slider cannot hold a bad seed
    seed = settings["seed"]
    params["seed"] = {"type": "SliderInt", "value": seed, "min": 0, "max": max(SEED_MAX, seed),
                      "step": 1, "label": f"seed, both runs [{seed}]"}
    # narrower than the declared 10-10,000,000 on purpose: the population view draws every
    # citizen, and both runs step at Play's pace
    params["n_citizens"] = {"type": "SliderInt", "value": settings["n_citizens"],
                            "label": f"citizens [{settings['n_citizens']}]", "min": 200,
                            "max": 1000, "step": 100}
    for key in (*style_keys(model.style_a), *TOWN_KEYS):
        label, step = SLIDERS.get(key, (f"A: {key.replace('_', ' ')}", 0.05))
        low, high = slider_range(model.style_a, key)
        value = round(settings[key], 4)
        params[key] = {"type": "SliderFloat", "value": value, "min": low, "max": high,
                       "step": step, "label": f"{label.format(cut_step=cut_step)} [{value:.2f}]"}
    return params


def slider_range(style: str, key: str) -> tuple[float, float]:
    """A slider's (min, max): the declared range of ``key``, unless :data:`NARROWED` narrows it.

    ``key`` is a parameter of ``style`` or of the model.
    """
    if key in NARROWED:
        return NARROWED[key]
    parameters = {**parameters_of(ModelParams), **STYLES[style].parameters()}
    low, high = parameters[key].bounds()
    if high is None:
        raise ValueError(f"{key}: declared without an upper bound; narrow it in NARROWED for a slider")
    return float(low), float(high)


@solara.component
def Page():
    """The explorer: lesson, menus, and SolaraViz with the views of both runs."""
    first = solara.use_memo(ExplorerModel, [])
    model = solara.use_reactive(first)
    shown = solara.use_reactive(0)  # SolaraViz's key: a new one shows it afresh

    def start(new: ExplorerModel) -> None:
        model.set(new)
        shown.set(shown.value + 1)

    with solara.Sidebar():
        RunCard(model.value, on_model=start)
    with solara.Column(style={"padding": "0px 8px"}):
        LessonCard(model.value)
        SolaraViz(model, components=list(VIEWS), model_params=model_params(model.value),
                  name=TITLE, play_interval=150).key(f"explorer-{shown.value}")


page = Page
