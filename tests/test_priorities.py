"""Arenas deliberate over priorities among groups whose interests conflict (MODEL.md §10.1).

Unit tests of the pieces (who needs what, how far a decision follows citizens, who won)
and behavioural tests on paired seeds that fail when the mechanism is switched off
(``need_gradient_spread=0``: every group needs the same mix of help;
``procedural_weight=1``: who won no longer reaches legitimacy).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim import GovernanceModel
from sim.mechanisms.arena import frame_mask, run_arena
from sim.mechanisms.deliberation import moved_toward, toward_citizens
from sim.mechanisms.population import DOMAIN_GRADIENT, domain_names, frailty_needs
from sim.params import ModelParams
from sim.policies import CoCreationSteering


def test_moved_toward_is_one_straight_toward_and_minus_one_straight_away():
    """A move straight toward a priority counts 1, straight away -1, sideways 0."""
    before = np.array([0.5, 0.5, 0.0])
    after = np.array([0.4, 0.6, 0.0])
    wanted = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [2.0, 2.0, 0.0]])
    won = moved_toward(wanted, before, after)
    assert won[0] == pytest.approx(1.0) and won[1] == pytest.approx(-1.0)
    assert won[2] == pytest.approx(0.0)  # the move neither helps nor hurts a third priority
    assert -1.0 <= won[3] <= 1.0  # rows are normalised before they are compared
    assert np.all(moved_toward(wanted, before, before) == 0.0)


def test_toward_citizens_projects_on_the_line_between_the_views():
    """A decision's place between the council's view (0) and the citizens' (1)."""
    council, citizens = np.array([0.6, 0.4]), np.array([0.2, 0.8])
    assert toward_citizens(citizens, citizens, council) == pytest.approx(1.0)
    assert toward_citizens(council, citizens, council) == pytest.approx(0.0)
    assert toward_citizens(0.5 * (citizens + council), citizens, council) == pytest.approx(0.5)
    assert toward_citizens(np.array([0.0, 1.0]), citizens, council) == 1.0  # clipped
    assert toward_citizens(council, council, council) == 0.5  # nothing to choose between


def _need_share_by_resources(spread: float) -> np.ndarray:
    """Share of the poorest quintile's need in each domain over the richest quintile's."""
    p = ModelParams(n_citizens=40_000, need_gradient_spread=spread)
    rng = np.random.default_rng(3)
    resources = rng.beta(2.0, 2.0, p.n_citizens)
    _, need = frailty_needs(resources, p.n_domains, p, rng)
    share = need / need.sum(axis=1, keepdims=True)
    poor, rich = resources < np.quantile(resources, 0.2), resources > np.quantile(resources, 0.8)
    return share[poor].mean(axis=0) / share[rich].mean(axis=0)


def test_groups_need_different_help_only_when_the_gradient_differs_by_domain():
    """The poorest need relatively more work, social and housing help than the richest."""
    uneven, even = _need_share_by_resources(0.5), _need_share_by_resources(0.0)
    names = domain_names(6)
    steeper = [names[d] for d in np.argsort(DOMAIN_GRADIENT)[-2:]]
    flatter = [names[d] for d in np.argsort(DOMAIN_GRADIENT)[:2]]
    ratio = dict(zip(names, uneven, strict=True))
    assert min(ratio[d] for d in steeper) > 1.1 > 0.9 > max(ratio[d] for d in flatter)
    assert np.all(np.abs(even - 1.0) < 0.05)


#: ``captured_arena`` as it was before it sorted its municipality by resources: weak civil
#: society everywhere, neighbourhoods mixed. With the preset's own default civil strength
#: the gap is not distinguishable (+0.0023 +/- 0.0032 mixed, +0.0008 +/- 0.0050 sorted,
#: 16 seeds): where civil society resolves much need, what the panel moves matters less.
MIXED_WEAK_CIVIL = {"civil_strength": 0.3, "segregation": 0.0}


def _won_by_quintile(seed: int, spread: float) -> float:
    """Co-creation in a mixed captured arena: richest minus poorest quintile's mean ``won``."""
    m = GovernanceModel(steering="co_creation", preset="captured_arena", rng=seed,
                        n_citizens=1500, need_gradient_spread=spread, **MIXED_WEAK_CIVIL)
    q, gaps = m.resource_quintile, []
    for _ in range(36):
        m.step()
        rec = m.arena_record
        if m.arena_now is not None and rec is not None and rec["won"] is not None:
            gaps.append(rec["won"][q == 4].mean() - rec["won"][q == 0].mean())
    return float(np.mean(gaps))


@pytest.mark.slow
def test_captured_decisions_have_winners_and_losers_along_the_social_gradient():
    """A panel of the resourceful moves money toward what the resourceful want.

    Open recruitment seats the resourceful, who tilt toward visible services; when needs
    differ by group the poorest lose by the decisions and the richest win (in a mixed
    municipality with weak civil society, :data:`MIXED_WEAK_CIVIL`). Switch tried:
    with ``need_gradient_spread=0`` every group wants the same mix and the gap vanishes.
    """
    uneven = np.array([_won_by_quintile(s, 0.5) for s in range(16)])
    even = np.array([_won_by_quintile(s, 0.0) for s in range(16)])
    assert stats.ttest_1samp(uneven, 0.0, alternative="greater").pvalue < 0.01
    assert stats.ttest_rel(uneven, even, alternative="greater").pvalue < 0.01
    assert abs(even.mean()) < uneven.mean() / 3


def _winners_minus_losers(seed: int, **params) -> float:
    """One ratified arena: legitimacy change of those it moved toward minus those it moved away from."""
    m = GovernanceModel(steering=CoCreationSteering(facilitation=1.0, decision_rule="majority",
                                                    transparency=1.0),
                        n_citizens=1500, rng=seed, council_openness=1.0, **params)
    for _ in range(12):
        m.step()
    m.politician_pressure[:] = 0.0  # nothing is overridden
    s = m.style.arena(13)
    m.arena_frame = frame_mask(m.domain_names, s)
    m.arena_now = s
    before = m.citizens.legitimacy.copy()
    run_arena(m, s)
    won = m.arena_record["won"]
    assert won is not None
    change = m.citizens.legitimacy - before
    outside = np.ones(won.size, dtype=bool)
    outside[m.arena_record["citizens"]] = False
    win, lose = outside & (won > 0.5), outside & (won < 0.5)
    return float(change[win].mean() - change[lose].mean())


@pytest.mark.slow
def test_who_won_reaches_the_legitimacy_of_those_who_saw_it():
    """Outside the room, those a ratified decision served gain legitimacy against those it did not.

    Switch tried: with ``procedural_weight=1`` only the procedure counts, winners and
    losers move alike, and the difference vanishes.
    """
    on = np.array([_winners_minus_losers(s) for s in range(8)])
    off = np.array([_winners_minus_losers(s, procedural_weight=1.0) for s in range(8)])
    assert stats.ttest_1samp(on, 0.0, alternative="greater").pvalue < 0.01
    assert stats.ttest_rel(on, off, alternative="greater").pvalue < 0.01
    assert abs(off.mean()) < on.mean() / 5
