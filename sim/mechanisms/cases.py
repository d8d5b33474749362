"""Phase 4, case allocation: silos or interprofessional teams (MODEL.md §4, pattern P7).

Silo mode: every domain need above the threshold is a case with its own caseworker and
its own plan; cases are reassigned (rotation, rebalancing) and each handoff loses part of
what was known about the citizen (Deloitte 2017 for the Ministry of Finance: a
cash-benefit recipient can have 8-10 uncoordinated plans). Team mode: a citizen at or
above ``team_threshold`` open needs, drawn into the style's ``team_cases`` share, gets
one coordinating professional and one plan; the team's internal reassignments are not
handoffs the citizen meets and lose a quarter as much information. Co-creation arenas
join professions: once an implemented decision has joined the framed domains, a citizen
with open cases in two of them, drawn into the arena's ``teams`` share, gets a team too
(MODEL.md §4 step 6).

A need above the threshold becomes a case only when the citizen brings it forward
(:func:`take_up`: resources, trust and legitimacy), their team finds it (a team sees
across domains for its citizens, ``team_sight``; a silo caseworker sees only their own
domain) or outreach finds it; until then it is
latent: unserved, spilling into linked domains, and invisible to frontline reports
(MODEL.md §10.1). The build opens every need of the initial population.

Open cases are kept as a compact list of flat cell indices (citizen * D + domain), so
the per-step work scales with open cases rather than with citizens x domains.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.calendar import window_slot
from sim.mechanisms import beliefs

if TYPE_CHECKING:
    from sim.state import ModelState

#: Midpoint of resources, trust and legitimacy (0-1 each): an average citizen comes
#: forward at ``take_up_per_step``.
TAKE_UP_MIDPOINT = 0.5
#: Share of the handoff information loss that a team's shared plan still suffers.
TEAM_LOSS_FACTOR = 0.25
#: Open cases in domains an arena joined from which a citizen gets an arena team: the
#: framed professions have agreed one plan, so two linked cases already make a team.
ARENA_TEAM_CASES = 2
#: A case closes when its need falls below this share of the opening threshold (a gap
#: between opening and closing, so cases do not flicker open and shut).
CLOSE_SHARE = 0.5


def _random_professional(m: ModelState, domains: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Pick a professional of each domain in ``domains`` from uniforms ``u``."""
    start, count = m.domain_start[domains], m.domain_count[domains]
    return (start + np.minimum((u * count).astype(np.int64), count - 1)).astype(np.int32)


def _distinct_sorted(values: np.ndarray) -> np.ndarray:
    """The distinct values of sorted ``values``, in order."""
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if values.size else values


def _distinct(cells: np.ndarray) -> np.ndarray:
    """The sorted distinct values of ``cells``, as ``np.unique`` gives (several times faster)."""
    return _distinct_sorted(np.sort(cells))


def take_up(m: ModelState) -> np.ndarray:
    """Per citizen: the chance this month of bringing a need above the threshold forward.

    ``take_up_per_step`` times the mean of resources, trust and legitimacy over its
    midpoint 0.5 (MODEL.md §10.1): the resourceful know their way in, those who doubt the
    municipality stay away. Capped at 1.
    """
    c = m.citizens
    belief = (c.resources + beliefs.trust(c) + beliefs.legitimacy(c)) / (3.0 * TAKE_UP_MIDPOINT)
    return np.minimum(m.p.take_up_per_step * belief, 1.0)


def come_forward(m: ModelState, pool: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split the cells of ``pool`` above the threshold without a case into (opening, latent).

    A citizen comes forward with probability :func:`take_up`, is found by their team
    (``team_sight`` for a citizen in a team: a team sees across domains, a silo caseworker
    only their own), or is found by the domain's outreach (``m.outreach``, bought with what
    the budget leaves after services): ``1 - (1 - take_up) * (1 - sight) * (1 - outreach)``.
    One uniform per citizen is drawn every month from the ``take_up`` stream whatever the
    state, so paired runs stay paired.
    """
    c = m.citizens
    n, n_domains = c.need.shape
    u = m.streams.take_up.random((n,))
    need, assigned = c.need.reshape(-1), c.assigned.reshape(-1)
    pool = pool[need.take(pool) > m.p.need_threshold]  # filter first: most cells drop out
    pool = _distinct(pool[assigned.take(pool) == m.n_professionals])
    rows = pool // n_domains
    # a team sees across domains for its citizens; a silo caseworker only their own domain
    found = c.in_team.take(rows) * m.p.team_sight
    chance = 1.0 - ((1.0 - take_up(m).take(rows)) * (1.0 - found)
                    * (1.0 - m.outreach.take(pool - rows * n_domains)))
    comes = u.take(rows) < chance
    return pool[comes], pool[~comes]


def allocate_cases(m: ModelState, team_cases: float, candidates: np.ndarray | None) -> None:
    """Open, close and reassign cases; form teams; count caseworkers who left (in place).

    A citizen's caseworkers over the last 12 months are the current ones (one per open
    silo case, or the team's coordinator) plus every one who stopped being their
    caseworker in that window: closed or reassigned silo cases, a coordinator who changed,
    and, on joining a team, the silo caseworkers the team replaces.

    Args:
        m: the model.
        team_cases: share of complex citizens handled by teams (the style's lever).
        candidates: flat cells whose need may have crossed the threshold since the last
            call (shocked or spilled cells); ``None`` scans every cell.
    """
    p, c = m.p, m.citizens
    nobody = m.n_professionals
    rng = m.streams.cases
    n, n_domains = c.need.shape
    need, assigned = c.need.reshape(-1), c.assigned.reshape(-1)
    thr = p.need_threshold
    was_team = c.in_team

    idx = m.open_idx
    closing = need.take(idx) < CLOSE_SHARE * thr
    closed = idx[closing]
    assigned[closed] = nobody
    ended = np.bincount(closed // n_domains, minlength=n) * ~was_team
    if candidates is None:  # the build: the municipality knows every need of its clients
        opening = np.flatnonzero((need > thr) & (assigned == nobody))
        latent = np.zeros(0, dtype=np.int64)
    else:
        opening, latent = come_forward(m, np.concatenate([m.latent_idx, candidates]))
    m.latent_idx = latent
    m.latent_need = np.bincount(latent % n_domains, need.take(latent),
                                minlength=n_domains).astype(np.float64, copy=False)
    # sorted cells keep the gathers over open cases cache-friendly
    idx = np.sort(np.concatenate([idx[~closing], opening]), kind="stable")
    rows = idx // n_domains
    open_need = need.take(idx)
    cols = idx - rows * n_domains
    above = open_need > thr
    complexity = np.bincount(rows[above], minlength=n)
    open_count = np.bincount(rows, minlength=n)
    m.complexity = complexity
    in_team = (complexity >= p.team_threshold) & (c.team_draw < team_cases)
    if m.arena_teams > 0.0 and m.arena_joined.any():  # teams an arena formed (MODEL.md §4.6)
        joined = np.bincount(rows[above & m.arena_joined[cols]], minlength=n)
        in_team |= (joined >= ARENA_TEAM_CASES) & (c.team_draw < m.arena_teams)
    c.in_team = in_team
    kept = open_count - np.bincount(opening // n_domains, minlength=n)
    joining = in_team & ~was_team
    ended += np.where(joining, kept, 0) + (was_team & ~in_team)
    handed = idx[joining[rows]]  # the team takes over the silo cases: one handoff each
    c.info.reshape(-1)[handed] *= 1.0 - p.handoff_loss

    moving = idx[rng.random(idx.size) < p.case_reassign_per_step]
    changed = np.concatenate([opening, moving])
    assigned[changed] = _random_professional(m, changed % n_domains, rng.random(changed.size))
    moved_rows = moving // n_domains
    info = c.info.reshape(-1)
    info[moving] *= 1.0 - np.where(in_team[moved_rows], TEAM_LOSS_FACTOR, 1.0) * p.handoff_loss
    info[opening] = 1.0
    ended += np.bincount(moved_rows, minlength=n) * ~in_team

    # Team citizens meet one coordinator: the professional of their largest open case.
    new_coord = np.flatnonzero(in_team & (c.coordinator == nobody))
    lead = np.where(c.assigned[new_coord] < nobody, c.need[new_coord], -1.0).argmax(axis=1)
    c.coordinator[new_coord] = c.assigned[new_coord, lead]
    c.coordinator[~in_team] = nobody
    c.ended_now += ended.astype(np.uint8)

    m.open_idx, m.open_rows, m.open_cols = idx, rows, cols
    m.open_need, m.open_prof = open_need, assigned.take(idx)
    m.open_count = open_count
    m.active_rows = active = _distinct_sorted(rows)
    m.row_pos[active] = np.arange(active.size)
    c.plans = np.where(in_team, 1.0, open_count)


def hand_off_departures(m: ModelState, departed: np.ndarray) -> None:
    """Hand the cases of departed professionals to their replacements (a handoff each)."""
    if not departed.any():
        return
    c, p = m.citizens, m.p
    gone = np.append(departed, False)
    hit = gone[m.open_prof]
    cells, rows = m.open_idx[hit], m.open_rows[hit]
    team = c.in_team[rows]
    c.info.reshape(-1)[cells] *= 1.0 - np.where(team, TEAM_LOSS_FACTOR, 1.0) * p.handoff_loss
    silo_ended = np.bincount(rows[~team], minlength=c.in_team.size)
    ended = np.where(c.in_team, gone[c.coordinator], silo_ended)
    c.ended_now += ended.astype(np.uint8)


def roll_caseworkers(m: ModelState) -> None:
    """Advance the 12-month window and count caseworkers: current plus those who left."""
    c = m.citizens
    slot = window_slot(m.steps)
    c.ended_window += c.ended_now.astype(np.int32) - c.ended_by_month[slot]
    c.ended_by_month[slot] = c.ended_now
    c.ended_now[:] = 0
    c.caseworkers = c.ended_window + np.where(c.in_team, 1, m.open_count)
