"""Phase 2, the council: politicians who set goals, face elections and learn from arenas.

MODEL.md §10.5. Three rules move the council that :func:`build_council` draws at the
start; the yearly budget itself is :func:`sim.mechanisms.governance.set_budgets`.

* **Goals** (yearly, from step 13; :func:`set_goals`). Each politician's priorities move at
  ``goal_rate_per_year`` toward what the style shows the council
  (:meth:`~sim.mechanisms.governance.Watched.shown`: the KPI league table at weight
  ``1 - budget_from_frontline``, frontline reports at ``budget_from_frontline``, the
  latest implemented arena recommendation at ``budget_from_arena``) and toward what their
  own constituency wants, in proportion to how dissatisfied it is. A politician's
  constituency are the citizens whose stated preferences are nearest to the politician's
  priorities (the voters a list would attract; Downs 1957): politicians answer to those who
  would vote for them (proximity voting).
* **Elections** (every four years, steps 49, 97, ...; :func:`hold_election`). A share of
  seats rising with the electorate's discontent (:func:`electorate_discontent`) goes to
  challengers, who carry the electorate's priorities (mean stated preference, plus noise),
  are less open the more citizens distrust the municipality, and start with less formal
  power than incumbents; re-elected incumbents gain some (posts and seniority). Every
  election draws the same block of numbers from the ``elections`` stream, whatever the
  style or the discontent, so paired seeds stay paired.
* **Openness from experience** (after each arena cycle; :func:`learn_from_arena`). The
  politicians who sat in the arena open after a decision was implemented (by the funded
  share), close after a cycle that reached no decision, and close further the larger the
  share of distrustful citizens: a council that has seen arenas work shares agenda power
  more, visible failure and low legitimacy push it to close and override (Gentofte's task
  committees as Sørensen & Torfing describe them; Tyler 2006). An override teaches the council
  nothing here: it is the council's own act, already counted as revealed closedness.

Formal power moves only at elections: it is a matter of posts (chairs, the mayoralty),
which change hands with seats, not with the month's experience.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.mechanisms import beliefs
from sim.mechanisms.arena import LOW_TRUST

if TYPE_CHECKING:
    from sim.mechanisms.governance import Watched
    from sim.params import ModelParams
    from sim.policies import Levers
    from sim.state import ModelState

#: Concentration of politicians' priorities ~ Dirichlet(k * initial shares + 1) around the
#: initial budget shares (assumed: priorities differ, but not wildly).
PRIORITY_CONCENTRATION = 20.0
#: Politicians' formal power ~ U(0.6, 1.0) and electoral pressure ~ U(0.3, 0.8) (assumed).
FORMAL_POWER_RANGE, ELECTORAL_PRESSURE_RANGE = (0.6, 1.0), (0.3, 0.8)
#: Spread of individual openness around its centre (uniform +-; assumed).
OPENNESS_SPREAD = 0.2
#: Challengers' formal power ~ U(0.6, 0.8): the lower half of the first council's range,
#: since newcomers hold no chairs yet (assumed).
CHALLENGER_POWER_RANGE = (0.6, 0.8)
#: SD of the log-normal noise on challengers' priorities around the electorate's mean
#: preference: about the relative spread of the first council's Dirichlet draws (assumed).
CHALLENGER_PRIORITY_NOISE = 0.4


def build_council(p: ModelParams, shares: np.ndarray, rng: np.random.Generator
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Draw the first council: priorities, formal power, electoral pressure and openness."""
    k = p.n_politicians
    priorities = rng.dirichlet(PRIORITY_CONCENTRATION * shares + 1.0, k)
    power = rng.uniform(*FORMAL_POWER_RANGE, k)
    pressure = rng.uniform(*ELECTORAL_PRESSURE_RANGE, k)
    openness = np.clip(p.council_openness + rng.uniform(-OPENNESS_SPREAD, OPENNESS_SPREAD, k),
                       0.0, 1.0)
    return priorities, power, pressure, openness


# ----------------------------------------------------------------- what the electorate says
class Discontent(NamedTuple):
    """The electorate's signal to the council, each part a share in [0, 1].

    Attributes:
        dissatisfaction: 1 - mean satisfaction (each citizen's clipped to [0, 1]).
        distrust: share of citizens whose belief in the municipality (the mean of their
            trust and their legitimacy, MODEL.md §10.3) is below ``LOW_TRUST`` (0.35), the
            threshold at which a declined invitation counts as revealed distrust.
    """

    dissatisfaction: float
    distrust: float

    @property
    def level(self) -> float:
        """Discontent in one number: the mean of dissatisfaction and distrust."""
        return 0.5 * (self.dissatisfaction + self.distrust)


def citizen_dissatisfaction(m: ModelState) -> np.ndarray:
    """Each citizen's dissatisfaction, ``1 - satisfaction`` with satisfaction clipped to [0, 1]."""
    return 1.0 - np.minimum(np.maximum(m.citizens.satisfaction, 0.0), 1.0)


def electorate_discontent(m: ModelState) -> Discontent:
    """What the electorate tells the council at elections and after arenas.

    The one place the council reads the electorate: dissatisfaction, and the share of
    citizens who doubt the municipality's competence and the rightfulness of its decisions
    (trust and legitimacy; MODEL.md §10.5: challengers carry the electorate's
    dissatisfaction and legitimacy).
    """
    c = m.citizens
    belief = 0.5 * (beliefs.trust(c) + beliefs.legitimacy(c))
    return Discontent(float(citizen_dissatisfaction(m).mean()),
                      float(np.count_nonzero(belief < LOW_TRUST)) / c.trust.size)


# ----------------------------------------------------------------- goals
def constituencies(preference: np.ndarray, priorities: np.ndarray) -> np.ndarray:
    """Each citizen's politician: the one whose priorities are nearest (Euclidean) to theirs."""
    # |x - y|^2 = |x|^2 - 2 x.y + |y|^2; |x|^2 is the same for every politician
    distance = (priorities * priorities).sum(axis=1) - 2.0 * (preference @ priorities.T)
    return distance.argmin(axis=1)


def constituency_wants(dissatisfaction: np.ndarray, preference: np.ndarray, owner: np.ndarray,
                       k: int) -> tuple[np.ndarray, np.ndarray]:
    """What each politician's constituency wants, and how dissatisfied it is.

    Returns ``(wants, level)``: ``wants[p]`` is the dissatisfaction-weighted mean
    preference of politician ``p``'s constituents (the unhappy are heard most; uniform
    where nobody is unhappy), ``level[p]`` their mean dissatisfaction (0 for an empty
    constituency).
    """
    d = preference.shape[1]
    weight = np.bincount(owner, dissatisfaction, minlength=k)
    count = np.bincount(owner, minlength=k)
    wants = np.stack([np.bincount(owner, dissatisfaction * preference[:, j], minlength=k)
                      for j in range(d)], axis=1)
    wants = np.where(weight[:, None] > 0.0, wants / np.maximum(weight, 1e-300)[:, None], 1.0 / d)
    return wants, weight / np.maximum(count, 1)


def goal_targets(shown: np.ndarray, wants: np.ndarray, level: np.ndarray, pull: float
                 ) -> np.ndarray:
    """Each politician's goal: the shown signal, pulled toward their constituency's wants.

    ``target_p = (1 - c * g_p) * shown + c * g_p * wants_p`` with ``c`` the
    constituency pull and ``g_p`` the constituency's dissatisfaction.
    """
    w = pull * level[:, None]
    return (1.0 - w) * shown[None, :] + w * wants


def set_goals(m: ModelState, lev: Levers, seen: Watched | None) -> None:
    """Yearly: each politician's priorities move toward their goal (in place).

    ``priorities_p <- (1 - r) * priorities_p + r * target_p`` with ``r =
    goal_rate_per_year``: a mix of two share vectors, so rows keep summing to 1. Nothing
    moves in the first month (``seen`` is ``None``).
    """
    if seen is None:
        return
    p, c = m.p, m.citizens
    owner = constituencies(c.preference, m.politician_priorities)
    wants, level = constituency_wants(citizen_dissatisfaction(m), c.preference, owner,
                                      p.n_politicians)
    target = goal_targets(seen.shown(lev), wants, level, p.constituency_pull)
    r = p.goal_rate_per_year
    m.politician_priorities = (1.0 - r) * m.politician_priorities + r * target


# ----------------------------------------------------------------- elections
def seats_to_challengers(share: float, k: int, u: float) -> int:
    """Seats that change hands: ``share * k`` rounded down or up at random (``u`` uniform).

    Stochastic rounding keeps the expected number of seats equal to ``share * k``, so
    turnover responds smoothly to discontent in a small council.
    """
    expected = min(max(share, 0.0), 1.0) * k
    whole = int(np.floor(expected))
    return min(k, whole + int(u < expected - whole))


def hold_election(m: ModelState) -> int:
    """Hold an election: challengers take seats, incumbents gain power (in place).

    The share of seats that changes hands is ``election_turnover +
    election_turnover_slope * discontent``; the seats lost are a random draw (no
    incumbency advantage beyond power). Challengers bring the electorate's mean stated
    preference times log-normal noise, openness centred on ``council_openness * (1 -
    challenger_closing * distrust)`` (+- ``OPENNESS_SPREAD``), formal power from
    ``CHALLENGER_POWER_RANGE`` and a fresh electoral pressure. Re-elected incumbents gain
    ``incumbency_power_gain`` of the gap to full power. Returns the seats changed.
    """
    p, c = m.p, m.citizens
    k, d = p.n_politicians, p.n_domains
    rng = m.streams.elections
    # one fixed block per election, whatever is used: paired seeds stay paired
    u_seats = rng.random()
    order = rng.random(k)
    noise = rng.standard_normal((k, d))
    u_openness, u_power, u_pressure = rng.random(k), rng.random(k), rng.random(k)

    mood = electorate_discontent(m)
    seats = seats_to_challengers(p.election_turnover + p.election_turnover_slope * mood.level,
                                 k, u_seats)
    out = np.argsort(order, kind="stable")[:seats]
    stay = np.ones(k, dtype=bool)
    stay[out] = False
    m.politician_power[stay] += p.incumbency_power_gain * (1.0 - m.politician_power[stay])
    if seats:
        want = c.preference.mean(axis=0) * np.exp(CHALLENGER_PRIORITY_NOISE * noise[out])
        m.politician_priorities[out] = want / want.sum(axis=1, keepdims=True)
        centre = p.council_openness * (1.0 - p.challenger_closing * mood.distrust)
        m.politician_openness[out] = np.clip(
            centre + OPENNESS_SPREAD * (2.0 * u_openness[out] - 1.0), 0.0, 1.0)
        low, high = CHALLENGER_POWER_RANGE
        m.politician_power[out] = low + (high - low) * u_power[out]
        low, high = ELECTORAL_PRESSURE_RANGE
        m.politician_pressure[out] = low + (high - low) * u_pressure[out]
        m.electoral_pressure = float(m.politician_pressure.mean())
    m.council_turnover += seats
    return seats


# ----------------------------------------------------------------- openness from arenas
def openness_after_cycle(openness: np.ndarray, implemented: float, failed: bool,
                         distrust: float, learning: float, distrust_rate: float) -> np.ndarray:
    """Openness of an arena's politicians after one cycle (a new array).

    ``o <- o + r * (f * (1 - o) - [failed] * o) - r_d * D * o``, clipped to [0, 1]:
    ``f`` the funded share of an implemented decision (0 if none), ``r`` the learning
    rate, ``D`` the share of distrustful citizens and ``r_d`` its rate.
    """
    change = learning * (implemented * (1.0 - openness) - float(failed) * openness)
    return np.clip(openness + change - distrust_rate * distrust * openness, 0.0, 1.0)


def learn_from_arena(m: ModelState) -> None:
    """After an arena cycle not yet learned from: its politicians' openness moves (in place)."""
    record = m.arena_record
    if record is None or m.council_arena_cycle == m.arena_cycle:
        return
    m.council_arena_cycle = m.arena_cycle
    who = record["politicians"]
    implemented = float(record["implemented"]) if record["success"] and not record[
        "overridden"] else 0.0
    m.politician_openness[who] = openness_after_cycle(
        m.politician_openness[who], implemented, not record["success"],
        electorate_discontent(m).distrust, m.p.openness_learning_per_cycle,
        m.p.openness_distrust_per_cycle)
