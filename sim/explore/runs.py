"""Two runs of the governance model side by side, on common random numbers.

The explorer compares a steering style A, whose levers the student sets, with a style B
at its own settings. Both runs are :class:`~sim.model.GovernanceModel` instances built
from the same seed, so they share the citizens, the network and every shock: what differs
between them is the steering, not the luck of the draw (common random numbers; Stout &
Goldsman's paired comparisons). :class:`ExplorerModel` is a plain Mesa model that owns
both runs and steps them together, so Mesa's SolaraViz can drive it like any other model.
"""

from __future__ import annotations

from typing import Any

import mesa
import pandas as pd

from sim.model import GovernanceModel
from sim.policies import DEFAULT_STYLE, STYLES, SteeringStyle
from sim.scenarios import list_scenarios, load_scenario

#: Styles a student can pick, in the order of the menu.
STYLE_NAMES: tuple[str, ...] = tuple(STYLES)
#: Settings of the municipality, shared by both runs.
TOWN_KEYS = ("council_openness", "budget_cut")
#: Default number of citizens: small enough to draw every one of them.
DEFAULT_CITIZENS = 300
#: Steps after which Play stops (ten years of months).
DEFAULT_HORIZON = 120


def contrast_style(style: str) -> str:
    """The style to compare ``style`` with: the rival its class names (an unknown name: the default)."""
    cls = STYLES.get(style)
    return cls.rival if cls else DEFAULT_STYLE


def style_keys(style: str) -> tuple[str, ...]:
    """Names of the settings of ``style`` that the explorer's sliders may set (its ``sliders``)."""
    return STYLES[style].sliders


def style_settings(style: SteeringStyle) -> dict[str, float]:
    """The values in force of the settings :func:`style_keys` names, read from a style object."""
    return {key: float(style.setting(key)) for key in style_keys(style.name)}


def parse_seed(seed: Any) -> int:
    """Read a seed given as an integer or as text; raise ``ValueError`` naming ``seed``."""
    text = str(seed).strip()
    if isinstance(seed, bool) or not text.isdigit():
        raise ValueError(f"seed: must be a non-negative integer, got {seed!r}")
    return int(text)


class ExplorerModel(mesa.Model):
    """Style A (levers set by the student) and style B (its own settings), one seed.

    Args:
        preset: a scenario of ``configs/scenario`` (the same files the ``sim`` command reads).
        style_a: the style whose levers the keywords below set; ``None`` takes the
            scenario's style, else ``result_based``.
        style_b: the style to compare with, at its own settings (the scenario's, where the
            scenario sets that style); ``None`` takes :func:`contrast_style` of style A.
        seed: the seed of both runs (an integer, or its digits as text).
        n_citizens: citizens in each run.
        incentive, audit, documentation: levers of style A (fixed-lever styles only).
        weight: style A's mix weight (``mixed`` only).
        scope, facilitation: style A's arena settings (``co_creation`` only).
        council_openness: politicians' mean openness, in both runs.
        budget_cut: share of the budget cut from ``budget_cut_step`` on, in both runs.
        horizon: steps after which the model stops running.
        **sliders: any other setting a style's class lists as a slider (style A only).

    ``None`` leaves a setting at the scenario's value, else the style's or the model's
    default. A keyword that style A does not have is ignored, so that the explorer's
    sliders can be passed whatever style is chosen.
    """

    def __init__(self, preset: str = "baseline", style_a: str | None = None,
                 style_b: str | None = None, seed: int | str = 42,
                 n_citizens: int = DEFAULT_CITIZENS, incentive: float | None = None,
                 audit: float | None = None, documentation: float | None = None,
                 weight: float | None = None, scope: float | None = None,
                 facilitation: float | None = None, council_openness: float | None = None,
                 budget_cut: float | None = None, horizon: int = DEFAULT_HORIZON,
                 **sliders: float | None) -> None:
        """Build both runs from the same seed."""
        if preset not in list_scenarios():
            raise ValueError(f"preset: must be one of {', '.join(list_scenarios())}, got {preset!r}")
        scenario = load_scenario(preset)
        style_a = style_a or scenario.get("steering", DEFAULT_STYLE)
        style_b = style_b or contrast_style(style_a)
        for key, name in (("style_a", style_a), ("style_b", style_b)):
            if name not in STYLES:
                raise ValueError(f"{key}: must be one of {', '.join(STYLES)}, got {name!r}")
        seed = parse_seed(seed)
        super().__init__(rng=seed)
        self.seed = seed
        self.preset, self.style_a, self.style_b = preset, style_a, style_b
        self.description = scenario["description"]
        self.horizon = int(horizon)
        given = {**sliders, "incentive": incentive, "audit": audit, "documentation": documentation,
                 "weight": weight, "scope": scope, "facilitation": facilitation}
        town = {k: v for k, v in (("council_openness", council_openness),
                                  ("budget_cut", budget_cut)) if v is not None}
        base = scenario.get("steering_params") or {}
        params_a = dict(base) if scenario.get("steering") == style_a else {}
        params_a.update({k: given[k] for k in style_keys(style_a) if given.get(k) is not None})
        params_b = dict(base) if scenario.get("steering") == style_b else {}
        self.runs: dict[str, GovernanceModel] = {
            "A": GovernanceModel(steering=style_a, steering_params=params_a, preset=preset,
                                 rng=seed, n_citizens=int(n_citizens), **town),
            "B": GovernanceModel(steering=style_b, steering_params=params_b, preset=preset,
                                 rng=seed, n_citizens=int(n_citizens), **town),
        }
        self.n_citizens = int(n_citizens)
        self._frames: dict[str, tuple[int, pd.DataFrame]] = {}

    @property
    def labels(self) -> dict[str, str]:
        """Legend label of each run, e.g. ``{"A": "A: result_based", ...}``."""
        return {"A": f"A: {self.style_a}", "B": f"B: {self.style_b}"}

    def step(self) -> None:
        """Advance both runs one month; stop running at the horizon."""
        for run in self.runs.values():
            run.step()
        self.running = self.steps < self.horizon

    def frame(self, key: str) -> pd.DataFrame:
        """Per-step metrics of run ``key`` (``"A"`` or ``"B"``), one row per step so far."""
        cached = self._frames.get(key)
        if cached is None or cached[0] != self.steps:
            run = self.runs[key]
            frame = run.metrics_frame() if run.steps else pd.DataFrame({"step": []})
            cached = self._frames[key] = (self.steps, frame)
        return cached[1]

    def settings(self) -> dict[str, Any]:
        """Every setting in force, as keywords that rebuild this model (the sliders' values)."""
        a = self.runs["A"]
        return {"preset": self.preset, "style_a": self.style_a, "style_b": self.style_b,
                "seed": self.seed, "n_citizens": self.n_citizens,
                **style_settings(a.style),
                "council_openness": float(a.p.council_openness),
                "budget_cut": float(a.p.budget_cut)}
