"""Property tests: for any valid parameters and style, state and metrics stay in range.

Parameters are drawn from the bounds each field declares in :mod:`sim.params` (its
``low``/``high``/``choices`` metadata), with the scale kept small so that every example
runs in milliseconds: once near the defaults and once over the full declared ranges. The effort
allocation is checked against its optimisation problem (Holmström & Milgrom 1991's
multitask utility).
"""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sim import (
    ExperienceBasedSteering,
    GovernanceModel,
    MixedSteering,
    ModelParams,
    ResultBasedSteering,
    SwitchSteering,
)
from sim.mechanisms.effort import allocate_time
from sim.mechanisms.metrics import ARENA_METRICS, METRICS
from sim.mechanisms.population import build_professionals

STEPS = 15
FIELDS = {f.name: f for f in dataclasses.fields(ModelParams)}
#: Fields drawn with narrower strategies than their declared bounds (scale, cost).
NARROWED = {"n_citizens", "n_domains", "citizens_per_professional", "network_k",
            "survey_sample", "budget_cut_step", "collect_agents"}
CITIZEN_UNIT = ("wellbeing", "trust", "coproduction", "self_efficacy", "voice")
PROFESSIONAL_UNIT = ("intrinsic_motivation", "perceived_control", "burnout",
                     "gaming_propensity", "practice")
#: Contract metrics that are shares or scores in [0, 1] (MODEL.md §6).
UNIT_METRICS = ("true_outcome", "kpi", "survey_outcome", "gaming_share", "motivation",
                "citizen_trust", "admin_share")
SETTINGS = settings(max_examples=25, deadline=None)


def _field_strategy(f: dataclasses.Field, near_default: bool) -> st.SearchStrategy:
    """Values the field's metadata allows; with ``near_default``, within 2x of the default.

    Floats are rounded to six decimals (values a user would type), which keeps the bounds
    and avoids subnormal numbers whose only effect is float overflow in ratios.
    """
    m = f.metadata
    if m["choices"]:
        return st.sampled_from(m["choices"])
    if f.type == "bool":
        return st.booleans()
    low, high = m["low"], m["high"]
    if near_default:
        if f.default > 0:
            low, high = max(low, f.default / 2), min(high, f.default * 2)
        else:
            high = min(high, low + 0.2 * (high - low))
    if m["integer"]:
        return st.integers(math.ceil(low), math.floor(high))
    return st.floats(low, high, allow_nan=False).map(lambda x: min(max(round(x, 6), low), high))


@st.composite
def model_params(draw: st.DrawFn, near_default: bool = False) -> dict:
    """Valid keyword parameters: every field within its declared range, at small scale.

    With ``near_default``, each parameter stays within a factor of two of its default (or
    in the lowest fifth of its range when the default is 0) and there are at least two
    professionals per domain.
    """
    n = draw(st.integers(100, 400))
    d = draw(st.integers(4, 10))
    cpp_low = FIELDS["citizens_per_professional"].metadata["low"]
    cpp_high = n / (2 * d) if near_default else n / d
    params = {
        "n_citizens": n,
        "n_domains": d,
        "citizens_per_professional": draw(st.floats(cpp_low, cpp_high)),
        "network_k": draw(st.sampled_from(range(2, 51, 2))),
        "survey_sample": draw(st.integers(1, 2000)),
        "budget_cut_step": draw(st.integers(1, STEPS + 2)),
    }
    for name, f in FIELDS.items():
        if name not in NARROWED:
            params[name] = draw(_field_strategy(f, near_default))
    return params


STYLES = st.one_of(
    st.sampled_from(["result_based", "experience_based"]),
    st.builds(ResultBasedSteering, strong_audit=st.booleans()),
    st.builds(MixedSteering, weight=st.floats(0.0, 1.0)),
    st.builds(SwitchSteering, at_step=st.integers(1, STEPS + 2)),
    st.builds(SwitchSteering, at_step=st.integers(1, STEPS + 2),
              first=st.just(ExperienceBasedSteering()), second=st.just(ResultBasedSteering())),
)


def _assert_unit(name: str, x: np.ndarray) -> None:
    """Assert every value of ``x`` is finite and in [0, 1]."""
    assert np.isfinite(x).all(), f"{name} not finite"
    assert x.min() >= 0.0 and x.max() <= 1.0, f"{name} outside [0, 1]: [{x.min()}, {x.max()}]"


def _check_state(model: GovernanceModel) -> None:
    """Assert citizen and professional arrays are finite and in their ranges."""
    c, pro = model.citizens, model.professionals
    assert np.isfinite(c.need).all()
    assert c.need.min() >= 0.0, "negative need"
    assert c.need.max() <= model.p.need_max, "need above need_max"
    for name in CITIZEN_UNIT:
        _assert_unit(f"citizens.{name}", getattr(c, name))
    for name in PROFESSIONAL_UNIT:
        _assert_unit(f"professionals.{name}", getattr(pro, name))
    assert np.isfinite(pro.time).all()
    assert pro.time.min() >= 0.0, "negative time share"
    assert pro.time.sum(axis=1).max() <= 1.0 + 1e-9, "time shares sum above 1"


def _check_metrics(model: GovernanceModel) -> None:
    """Assert each contract metric is finite, or NaN exactly where NaN is allowed."""
    values = model.metrics
    assert set(METRICS) <= set(values)
    for name in ARENA_METRICS:  # no arenas in this version
        assert math.isnan(values[name]), name
    assert values["overrides"] == 0.0
    no_complex = not (model.complexity >= 4).any()
    for name in ("caseworkers_complex", "plans_complex"):
        assert math.isnan(values[name]) == no_complex, name
        assert no_complex or values[name] >= 1.0, name
    corr = values["kpi_outcome_corr"]
    assert math.isnan(corr) or -1.0 - 1e-12 <= corr <= 1.0 + 1e-12
    # spending <= budget holds to rounding, so their ratio may exceed 1 by an ulp or two
    assert 0.0 <= values["budget_used"] <= 1.0 + 1e-12
    cost = values["cost_per_outcome"]
    assert math.isnan(cost) == (model.resolved_total <= 0.0)
    assert math.isnan(cost) or (math.isfinite(cost) and cost >= 0.0)
    for name in UNIT_METRICS:
        assert math.isfinite(values[name]) and 0.0 <= values[name] <= 1.0, (name, values[name])
    for name in ("kpi_survey_gap", "equity_gap"):
        assert math.isfinite(values[name]) and -1.0 <= values[name] <= 1.0, (name, values[name])


def _run_and_check(params: dict, steering, seed: int) -> None:
    """Run STEPS steps, checking state, budget and metrics after the build and every step."""
    model = GovernanceModel(steering=steering, rng=seed, **params)
    _check_state(model)
    for _ in range(STEPS):
        model.step()
        _check_state(model)
        assert model.spending >= 0.0
        assert model.spending <= model.budget_month * (1.0 + 1e-12)
        _check_metrics(model)
    assert len(model.metrics_frame()) == STEPS


@SETTINGS
@given(params=model_params(near_default=True), steering=STYLES, seed=st.integers(0, 2**32))
def test_state_and_metrics_stay_in_range(params, steering, seed):
    """Near the defaults, for any style, state stays in range and spending within budget."""
    _run_and_check(params, steering, seed)


@settings(SETTINGS, phases=[Phase.explicit, Phase.reuse, Phase.generate])  # no shrinking
@given(params=model_params(), steering=STYLES, seed=st.integers(0, 2**32))
@example(params={"n_citizens": 300, "shock_per_step": 0.0, "need_decline_per_step": 1.0},
         steering="result_based", seed=0)
def test_state_and_metrics_stay_in_range_full_ranges(params, steering, seed):
    """Over every field's full declared range, state stays in range and spending within budget."""
    _run_and_check(params, steering, seed)


def test_model_runs_when_no_case_is_open():
    """A municipality whose needs vanish (no shocks, full decline) keeps running with finite state."""
    params = {"n_citizens": 300, "shock_per_step": 0.0, "need_decline_per_step": 1.0}
    _run_and_check(params, "result_based", 0)


@pytest.mark.parametrize("weight", [[5, 5, 0, 0, 0, 0, 0, 0, 0, 0], [3, 3, 3, 0, 0, 0, 0, 0, 0, 0],
                                    [16, 8, 1, 1, 1, 1, 1, 1, 1, 1]])
def test_every_domain_gets_a_professional(weight):
    """build_professionals staffs every domain with at least one of exactly n_prof professionals."""
    p = ModelParams(n_citizens=100, n_domains=10, citizens_per_professional=10.0)
    try:
        pro = build_professionals(p, np.asarray(weight, float) + 1e-9, np.random.default_rng(0))
    except ValueError as exc:  # negative counts reach np.repeat
        raise AssertionError(str(exc)) from exc
    counts = np.bincount(pro.domain, minlength=10)
    assert counts.sum() == 10
    assert counts.min() >= 1


def test_time_shares_stay_within_a_day_under_extreme_levers():
    """Valid extreme levers (documentation 0.9, audit 1) never give more than all of the time."""
    style = ResultBasedSteering(documentation=0.9, audit=1.0)
    model = GovernanceModel(steering=style, rng=0, n_citizens=300, audit_hours=0.5)
    model.step()
    assert model.professionals.time.sum(axis=1).max() <= 1.0 + 1e-9
    assert model.metrics["admin_share"] <= 1.0


def _utility(t: np.ndarray, b: np.ndarray, delta: float) -> np.ndarray:
    """Multitask utility b.t - 1/2 t'Ct with C = (1 - delta) I + delta 11', per row."""
    quad = (1.0 - delta) * (t * t).sum(axis=-1) + delta * t.sum(axis=-1) ** 2
    return (b * t).sum(axis=-1) - 0.5 * quad


@settings(max_examples=200, deadline=None)
@given(
    benefit=st.integers(1, 12).flatmap(lambda n: hnp.arrays(
        float, (n, 5), elements=st.floats(-1.0, 2.0, allow_nan=False))),
    delta=st.floats(0.0, 0.9, exclude_max=True),
    available_seed=st.integers(0, 2**32),
)
def test_allocate_time_is_feasible_and_optimal(benefit, delta, available_seed):
    """allocate_time returns feasible shares that beat any random feasible allocation."""
    rng = np.random.default_rng(available_seed)
    n = benefit.shape[0]
    available = rng.uniform(0.0, 1.5, n)
    available[rng.random(n) < 0.2] = 0.0
    available[rng.random(n) < 0.2] = 1.5
    t = allocate_time(benefit, delta, available)
    assert t.shape == benefit.shape
    assert np.isfinite(t).all()
    assert t.min() >= 0.0
    assert (t.sum(axis=1) <= available + 1e-9).all()
    best = _utility(t, benefit, delta)
    points = rng.dirichlet(np.ones(5), size=(20, n)) * (
        rng.random((20, n, 1)) * available[None, :, None])
    points[0] = 0.0  # doing nothing is always feasible
    others = _utility(points, benefit[None], delta)
    assert (best[None] >= others - 1e-9).all()


def test_allocate_time_known_solutions():
    """Closed forms: interior optimum C^-1 b when slack; budget binds with equal benefits."""
    b = np.array([[0.6, 0.5, 0.4, -0.5, 0.0]])
    delta = 0.2
    t = allocate_time(b, delta, np.array([1.5]))
    c = (1 - delta) * np.eye(3) + delta
    np.testing.assert_allclose(t[0, :3], np.linalg.solve(c, b[0, :3]), atol=1e-12)
    np.testing.assert_allclose(t[0, 3:], 0.0)
    t = allocate_time(np.full((1, 5), 2.0), 0.0, np.array([0.5]))
    np.testing.assert_allclose(t, np.full((1, 5), 0.1), atol=1e-12)
