"""What each scenario is for, in the explorer: the preset's description and what to try.

The description comes from the scenario file itself (``configs/scenario/*.yaml``, the
files the ``sim`` command reads); the suggestions here name the explorer's own controls.
"""

from __future__ import annotations

from sim.scenarios import list_scenarios, load_scenario

#: What to try, per scenario, with the explorer's sliders and menus.
TRY: dict[str, str] = {
    "baseline": (
        "Play a year and compare the dashed KPI with the solid true outcome: under "
        "result-based steering the KPI runs ahead of reality. Raise A's audit to 0.5 and press "
        "Reset: gaming is caught and the KPI falls back. Then try a lower incentive intensity."),
    "school_inclusion": (
        "The school KPI counts an inclusion quota, not teaching time. Play a year: A's KPI runs "
        "high. Lower A's incentive intensity to 0.2 and press Reset: the KPI falls and the true "
        "outcome stays where it was; it never followed the KPI."),
    "complex_cases": (
        "Citizens with four or more needs meet many caseworkers in silos: see the coloured "
        "lines in A's population view and the caseworkers plot. Style B (experience-based) "
        "gives them a team with one coordinator: one line each."),
    "budget_cut": (
        "The budget falls 10% from month 13. Play three years. Then set the budget cut to 0.3 "
        "and press Reset: whose KPI falls, whose motivation, and how far does the true outcome "
        "move under each style?"),
    "trust_reform": (
        "A switches from result-based to experience-based steering at month 25; B stays "
        "result-based. Play three years: motivation moves first, citizens' outcomes slowly."),
    "task_committee": (
        "Arenas meet every quarter: ringed citizens sit on the panel. Lower the politicians' "
        "openness to 0.1 and press Reset: overrides come and trust falls. Try a narrow arena "
        "scope: what can citizens still decide?"),
    "aligned_targets": (
        "Here the KPI measures almost what matters and cannot be gamed. Play three years and "
        "compare A (result-based) with B: the dashed KPI and the solid true outcome move "
        "together, and the styles end close. Raise A's incentive intensity and press Reset."),
    "local_knowledge": (
        "Choose co-creation for A and keep B experience-based. Play three years: the arenas "
        "hear needs no caseworker sees. Then lower the politicians' openness to 0.1 and press "
        "Reset: how much of co-creation's lead survives a council that overrides?"),
    "captured_arena": (
        "Choose co-creation for A and keep B experience-based. Play three years and watch the "
        "legitimacy and civil-society plot: A's arenas hand tasks to civil society, which in "
        "this town is strong where the resourceful live and weak where the poorest do. Raise "
        "A's facilitation to 0.9 and press Reset: does a better-run arena hand over less, or "
        "change who carries what it hands over?"),
}

#: Shown with every scenario: how the page works.
HOW_TO = (
    "**A** is the style you steer with the sliders; **B** is the style to compare with, at "
    "its own settings. Both runs share the seed: the same citizens, the same network and "
    "the same shocks (common random numbers), so a difference between them is the style's "
    "doing, not noise. Sliders marked A set style A's levers (mix weight: 0 is result-based, "
    "1 experience-based); the others set the municipality of both runs; brackets show the "
    "value in force. **The sliders and the seed take effect when you press Reset**; choosing "
    "a scenario or a style starts a new run at once.")


def lesson(preset: str) -> dict[str, str]:
    """The ``description`` and ``try`` texts of scenario ``preset``."""
    if preset not in list_scenarios():
        raise ValueError(f"preset: must be one of {', '.join(list_scenarios())}, got {preset!r}")
    return {"description": load_scenario(preset)["description"],
            "try": TRY.get(preset, "Change a slider, press Reset and compare A with B.")}
