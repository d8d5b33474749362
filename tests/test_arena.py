"""The co-creation arena: deliberation core, each step of a cycle, and its statistics.

Statistical tests use paired arena trials (``tests/arena_trials.py``) or paired seeds
(``tests/stats.py``) and assert signs only where the 95% CI or a t-test excludes zero.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sim import GovernanceModel, simulate
from sim.mechanisms.arena import frame_mask, run_arena
from sim.mechanisms.deliberation import clusters, decide, hegselmann_krause, outcome_measures
from sim.mechanisms.metrics import ARENA_METRICS
from sim.policies import ArenaSettings, CoCreationSteering
from tests.arena_trials import run_trials
from tests.stats import paired

# --- the bounded-confidence core against published behaviour ---------------------------


@pytest.mark.parametrize("eps", [0.25, 0.3])
def test_hk_reaches_consensus_for_wide_bounds(eps):
    """Hegselmann-Krause, 500 uniform opinions: consensus in >= 90% of runs for eps >= 0.25."""
    rng = np.random.default_rng(1)
    runs = [len(set(clusters(hegselmann_krause(rng.random(500), np.full(500, eps))))) == 1
            for _ in range(20)]
    assert np.mean(runs) >= 0.9


@pytest.mark.parametrize("eps", [0.05, 0.1])
def test_hk_splits_into_clusters_for_narrow_bounds(eps):
    """Hegselmann-Krause, 500 uniform opinions: several clusters for eps <= 0.1."""
    rng = np.random.default_rng(2)
    counts = [len(set(clusters(hegselmann_krause(rng.random(500), np.full(500, eps)))))
              for _ in range(20)]
    assert min(counts) >= 2 and np.mean(counts) >= 3


def test_hk_weights_pull_the_compromise():
    """With everyone in reach, the group settles at the influence-weighted mean."""
    final = hegselmann_krause(np.array([0.0, 1.0]), np.array([1.0, 1.0]), np.array([3.0, 1.0]))
    assert final == pytest.approx([0.25, 0.25], abs=1e-6)


# --- decision rules and outcome measures ----------------------------------------------


def test_decision_rules_need_their_share_of_weight():
    """Consensus needs all, supermajority 0.75, majority more than half of the weight."""
    final = np.array([0.2, 0.2, 0.2, 0.8])
    w = np.ones(4)
    assert decide(final, w, "consensus")[0] is False
    assert decide(final, w, "supermajority")[0] is True  # exactly 0.75
    assert decide(final, w, "majority")[0] is True
    split = np.array([0.2, 0.2, 0.8, 0.8])
    assert decide(split, w, "majority")[0] is False  # a tie is not a majority
    ok, stance = decide(final, w, "supermajority")
    assert ok and stance == pytest.approx(0.2)
    with pytest.raises(ValueError, match="decision_rule"):
        decide(final, w, "unanimity")


def test_outcome_measures():
    """Acceptability is mean utility; equity is the lowest party's mean over the highest's."""
    prefs = np.array([0.0, 0.0, 1.0])
    acc, eq = outcome_measures(np.array([0.0]), prefs, np.array([0, 0, 1]))
    assert acc == pytest.approx(2 / 3)
    assert eq == pytest.approx(0.0)
    acc, eq = outcome_measures(np.array([0.5]), prefs, np.array([0, 0, 1]))
    assert acc == pytest.approx(0.5) and eq == pytest.approx(1.0)


# --- settings and framing -------------------------------------------------------------


@pytest.mark.parametrize(("key", "value"), [("scope", 1.5), ("facilitation", -0.1),
                                            ("decision_rule", "unanimity"),
                                            ("recruitment", "lottery"), ("invited_citizens", 0),
                                            ("panel_term", 2.5)])
def test_bad_arena_settings_name_the_key(key, value):
    """A bad arena setting raises ValueError starting with the setting's name."""
    with pytest.raises(ValueError, match=f"^{key}: "):
        CoCreationSteering(**{key: value})


def test_unknown_co_creation_key_lists_what_is_allowed():
    """An unknown key for co_creation is rejected with the allowed levers and settings."""
    with pytest.raises(ValueError, match=r"^alpha: .*facilitation.*incentive"):
        CoCreationSteering(alpha=1.0)


def test_frame_keeps_unframed_domains_fixed():
    """Budget shares of domains outside the frame never move in an arena."""
    m = GovernanceModel(steering=CoCreationSteering(domains=("employment", "housing", "social"),
                                                    facilitation=1.0, scope=1.0, envelope=0.5),
                        n_citizens=600, rng=3, council_openness=1.0)
    outside = ~m.arena_frame
    for _ in range(12):
        before = m.budget_shares[outside].copy()
        m.step()
        if m.arena_now is not None and m.steps % 12 != 1:
            assert m.budget_shares[outside] == pytest.approx(before, abs=1e-12)
    with pytest.raises(ValueError, match="^domains: unknown domain 'parks'"):
        frame_mask(m.domain_names, ArenaSettings(domains=("parks",)))


# --- metrics: NaN without arenas, carried between cycles ----------------------------------


def test_arena_metrics_nan_without_arenas_and_carried_between_cycles():
    """No arenas: NaN and zero overrides. Arenas: set every third step, carried in between."""
    plain = simulate(steps=6, seed=1, n_citizens=400, steering="experience_based")
    assert plain[list(ARENA_METRICS)].isna().all().all()
    assert (plain["overrides"] == 0).all()
    cc = simulate(steps=12, seed=1, n_citizens=400, steering="co_creation")
    assert cc.loc[cc["step"] < 3, "participation"].isna().all()
    for step in (4, 5, 7, 8):
        now, before = cc[cc["step"] == step].iloc[0], cc[cc["step"] == step - 1].iloc[0]
        assert now["participation"] == before["participation"]
        assert now["arena_success"] == before["arena_success"]
    assert cc["participation"].between(0, 1).iloc[2:].all()


# --- statistics of the arena (paired arena trials) ---------------------------------------


def _welch_greater(a: np.ndarray, b: np.ndarray) -> bool:
    """Mean of ``b`` exceeds mean of ``a`` (NaN dropped; one-sided Welch t-test, p < 0.05)."""
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    return bool(stats.ttest_ind(b, a, equal_var=False, alternative="greater").pvalue < 0.05)


def _paired_greater(a: np.ndarray, b: np.ndarray) -> bool:
    """In the trials where both arms decided, the 95% CI of mean(b - a) lies above zero.

    The trials are paired (the same state and arena stream in both arms), so this is the
    comparison docs/model.md 9.4 reports; comparing all decided trials of each arm
    unpaired would mix how fair decisions are with which arenas decide at all.
    """
    both = ~np.isnan(a) & ~np.isnan(b)
    d = b[both] - a[both]
    low, _ = stats.t.interval(0.95, d.size - 1, loc=d.mean(), scale=stats.sem(d))
    return bool(low > 0.0)


@pytest.mark.slow
def test_facilitation_raises_success_and_equity():
    """More facilitation gives more decisions and fairer ones (Choi & Robertson 2014)."""
    low, high = run_trials([ArenaSettings(facilitation=0.1), ArenaSettings(facilitation=1.0)])
    assert high.success.mean() > low.success.mean() + 0.2
    assert _paired_greater(low.equity, high.equity)


@pytest.mark.slow
def test_power_imbalance_lowers_success_and_serves_the_powerful():
    """More power imbalance gives fewer decisions, and those serve the council more.

    Choi & Robertson (2014): imbalance lowers success and the evenness of the outcome.
    Paired trials at no facilitation: under full imbalance few arenas decide, and where
    both arms decide, the council's utility rises against the citizens'. Equity across
    all three parties moves less (+0.009 +/- 0.006 over 109 paired decided trials, not
    asserted): the professions, each defending its own domain, sit in the middle of the
    priorities, so pulling a decision toward the council keeps it near them.
    """
    even, skewed = run_trials([ArenaSettings(facilitation=0.0, power_imbalance=0.0),
                               ArenaSettings(facilitation=0.0, power_imbalance=1.0)], trials=160)
    assert skewed.success.mean() < even.success.mean() - 0.1
    assert _paired_greater(even.council_gap, skewed.council_gap)


@pytest.mark.slow
def test_supermajority_sits_between_consensus_and_majority():
    """Success: consensus < supermajority < majority; equity: supermajority beats majority."""
    # no facilitator: at the default facilitation most arenas reach one cluster under any rule
    cons, sup, maj = run_trials([ArenaSettings(decision_rule=r, facilitation=0.0)
                                 for r in ("consensus", "supermajority", "majority")])
    assert cons.success.mean() < sup.success.mean() < maj.success.mean()
    # where both rules decide they pick the same cluster: the equity difference is which
    # arenas decide at all, so the arms are compared as two samples, not trial by trial
    assert _welch_greater(maj.equity, sup.equity)


# --- ratification -----------------------------------------------------------------------


def _one_cycle(openness: float, seed: int, style: dict | None = None, **params
               ) -> tuple[float, float, bool]:
    """Run one arena; return participants' and non-participants' mean legitimacy change."""
    settings = {"facilitation": 1.0, "decision_rule": "majority", **(style or {})}
    m = GovernanceModel(steering=CoCreationSteering(**settings), n_citizens=600, rng=seed, **params)
    for _ in range(12):
        m.step()
    m.politician_power[:] = 1.0
    m.politician_pressure[:] = 1.0
    m.politician_openness[:] = openness
    s = m.style.arena(13)
    m.arena_frame = frame_mask(m.domain_names, s)
    m.arena_now = s
    before = m.citizens.legitimacy.copy()
    run_arena(m, s)
    rec = m.arena_record
    who = np.zeros(before.size, dtype=bool)
    who[rec["citizens"]] = True
    change = m.citizens.legitimacy - before
    d_part = float(change[who].mean()) if who.any() else 0.0
    return d_part, float(change[~who].mean()), rec["success"]


@pytest.mark.slow
def test_override_costs_participants_legitimacy_and_others_see_only_what_they_observe():
    """An override lowers participants' legitimacy; others move only as far as they observe.

    Paired seeds, a closed council (openness 0, every decision overridden) against an open
    one (openness 1, none). Switch tried: with ``publicity=0`` non-participants cannot
    observe the arena, and their legitimacy does not move at all (no population bump).
    """
    rows = []
    for seed in range(30):
        ov, ok = _one_cycle(0.0, seed), _one_cycle(1.0, seed)
        if ov[2] and ok[2]:  # both decided: one overridden, one ratified
            rows.append((ov[0] - ok[0], ov[1] - ok[1]))
    d = np.array(rows)
    assert len(d) >= 15
    assert stats.ttest_1samp(d[:, 0], 0.0, alternative="less").pvalue < 0.01
    assert d[:, 0].mean() < -0.05
    # the public sees some of it, far less than those in the room
    assert d[:, 1].mean() < 0.0
    assert abs(d[:, 1].mean()) < abs(d[:, 0].mean()) / 10
    unseen = [_one_cycle(0.0, seed, publicity=0.0)[1] for seed in range(5)]
    assert unseen == [0.0] * 5


@pytest.mark.slow
def test_a_cycle_without_a_decision_moves_only_those_in_the_room():
    """Outside the room there is nothing to observe when an arena reaches no decision.

    Consensus under a weak facilitator often fails. In a failed cycle participants'
    legitimacy moves (toward "heard, nothing decided"), non-participants' not at all; in a
    decided one theirs moves too. Switch tried: the rule until this version (everyone
    outside saw every cycle) moved non-participants in failed cycles as well.
    """
    hard = {"facilitation": 0.4, "decision_rule": "consensus"}
    cycles = [_one_cycle(1.0, seed, hard) for seed in range(12)]
    failed = [c for c in cycles if not c[2]]
    decided = [c for c in cycles if c[2]]
    assert len(failed) >= 3 and decided
    assert all(other == 0.0 and part != 0.0 for part, other, _ in failed)
    assert all(other != 0.0 for _, other, _ in decided)


@pytest.mark.slow
def test_open_council_almost_never_overrides():
    """With Gentofte's openness overrides are near zero; with a closed council they are common."""
    def per_decision(openness: float) -> float:
        decided = overridden = 0
        for seed in range(6):
            m = GovernanceModel(steering=CoCreationSteering(facilitation=0.9), n_citizens=600,
                                rng=seed, council_openness=openness)
            for _ in range(36):
                m.step()
                if m.arena_now is not None and m.arena_record["success"]:
                    decided += 1
                    overridden += m.arena_record["overridden"]
        return overridden / decided

    assert per_decision(1.0) < 0.06
    assert per_decision(0.0) > 0.2


# --- convening and co-production ------------------------------------------------------------


@pytest.mark.slow
def test_low_trust_shows_as_revealed_distrust_and_lower_participation():
    """Where trust is low, invited citizens decline: revealed distrust up, participation down."""
    high, low = {"steering": "co_creation", "initial_trust": 0.6}, {
        "steering": "co_creation", "initial_trust": 0.2}
    assert paired("participation", high, low, steps=36, first=3, seeds=8).negative()
    assert paired("revealed_distrust", high, low, steps=36, first=3, seeds=8).positive()


@pytest.mark.slow
def test_targeted_support_narrows_and_untargeted_widens_the_equity_gap():
    """Targeted co-production support narrows equity_gap, untargeted does not (Jakobsen & Andersen 2013).

    Since version 2 (latent need, MODEL.md §10.1) support reaches only clients, and
    untargeted support no longer measurably widens the gap at defaults (+0.00015
    [-0.00007, +0.00036] over 8 paired seeds, against +0.0006 when every need is a case):
    the test asserts what holds, targeted below none and below untargeted.
    """
    def eb(**levers) -> dict:
        return {"steering": "experience_based", "steering_params": levers}

    none = eb(coproduction_support=0.0)
    targeted = eb(coproduction_support=0.3, support_targeting=1.0)
    assert paired("equity_gap", none, targeted, steps=48, seeds=8).negative()
    assert paired("equity_gap", eb(coproduction_support=0.3, support_targeting=0.0), targeted,
                  steps=48, seeds=8).negative()


# --- budget ---------------------------------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(scope=st.floats(0, 1), envelope=st.floats(0, 1), facilitation=st.floats(0, 1),
       power=st.floats(0, 1), openness=st.floats(0, 1), cost=st.floats(0, 0.2),
       rule=st.sampled_from(["consensus", "supermajority", "majority"]),
       recruitment=st.sampled_from(["open", "targeted"]), cut=st.floats(0, 0.5),
       seed=st.integers(0, 2**16))
def test_spending_never_exceeds_budget_in_any_arena_outcome(scope, envelope, facilitation, power,
                                                             openness, cost, rule, recruitment,
                                                             cut, seed):
    """For any arena settings and budget cut, spending stays within the budget every step."""
    style = CoCreationSteering(scope=scope, envelope=envelope, facilitation=facilitation,
                               power_imbalance=power, facilitation_cost=cost,
                               decision_rule=rule, recruitment=recruitment, arena_every=1)
    m = GovernanceModel(steering=style, n_citizens=300, rng=seed, council_openness=openness,
                        budget_cut=cut, budget_cut_step=4)
    for _ in range(12):
        m.step()
        assert m.spending <= m.budget_month * (1 + 1e-12)
        assert abs(m.budget_shares.sum() - 1.0) < 1e-9 and (m.budget_shares >= 0).all()
        for name in ARENA_METRICS:
            value = m.metrics[name]
            assert math.isnan(value) or 0.0 <= value <= 1.0, (name, value)


# --- co-creation is not a free lunch ----------------------------------------------------------


@pytest.mark.slow
def test_co_creation_can_beat_experience_based_steering():
    """Facilitated, transparent arenas with an open council and small budget moves do better.

    They fund co-production programmes targeted at low-resource citizens and, by being
    seen to decide, raise trust, while moving little of a budget that frontline reports
    already allocate to where services are needed.
    """
    good = {"steering": "co_creation", "council_openness": 1.0, "steering_params": {
        "facilitation": 1.0, "transparency": 1.0, "power_imbalance": 0.0, "envelope": 0.005,
        "recruitment": "targeted", "support_targeting": 1.0}}
    assert paired("true_outcome", {"steering": "experience_based"}, good, steps=48,
                  seeds=8).positive()


def test_task_committee_scenario_runs_as_gentofte():
    """The task_committee preset runs co-creation with 5 politicians and 10 citizens."""
    m = GovernanceModel(preset="task_committee", n_citizens=600, rng=1)
    s = m.style.arena(1)
    assert m.style.name == "co_creation"
    assert (s.invited_politicians, s.invited_citizens) == (5, 10)
    assert m.p.council_openness >= 0.9


def test_rank_and_cut_funds_the_largest_increases_first():
    """A package bigger than its envelope funds its largest increases first and stays balanced."""
    from sim.mechanisms.arena import rank_and_cut

    status = np.array([0.25, 0.25, 0.25, 0.25])
    decision = np.array([0.45, 0.30, 0.10, 0.15])  # +0.20, +0.05, -0.15, -0.10
    target, funded = rank_and_cut(status, decision, movable=1.0, envelope=0.2)
    assert target == pytest.approx([0.45, 0.25, 0.13, 0.17])
    assert funded == pytest.approx(0.2 / 0.25)
    assert target.sum() == pytest.approx(1.0)
    whole, all_funded = rank_and_cut(status, decision, movable=1.0, envelope=0.5)
    assert whole == pytest.approx(decision) and all_funded == 1.0


@pytest.mark.slow
def test_open_recruitment_over_represents_the_resourceful():
    """Open invitations seat citizens richer than average; targeted recruitment does not."""
    def skew(recruitment: str) -> float:
        values = []
        for seed in range(6):
            m = GovernanceModel(steering=CoCreationSteering(recruitment=recruitment),
                                n_citizens=800, rng=seed)
            for _ in range(36):
                m.step()
                if m.arena_now is not None:
                    values.append(m.arena_record["resource_skew"])
        return float(np.nanmean(values))

    assert skew("open") > 0.02
    assert skew("targeted") < skew("open") - 0.05


def test_switch_into_co_creation_starts_arenas():
    """A reform that switches to co-creation starts arenas at once; their effects phase in."""
    m = GovernanceModel(steering="switch", n_citizens=400, rng=1, steering_params={
        "at_step": 4, "second": CoCreationSteering()})
    ran = []
    for _ in range(12):
        m.step()
        ran.append(m.arena_now is not None)
    assert not any(ran[:3]) and any(ran[3:])
    assert m.levers.incentive > CoCreationSteering().levers(1).incentive  # still phasing in
