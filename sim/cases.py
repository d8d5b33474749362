"""Phase 4, case allocation: silos or interprofessional teams (MODEL.md §4, pattern P7).

Silo mode: every domain need above the threshold is a case with its own caseworker and
its own plan; cases are reassigned (rotation, rebalancing, turnover) and each handoff
loses part of what was known about the citizen (Deloitte 2017 for the Ministry of
Finance: a cash-benefit recipient can have 8-10 uncoordinated plans). Team mode: a
citizen at or above ``team_threshold`` open needs, drawn into the style's ``team_cases``
share, gets one coordinating professional and one plan; the team's internal reassignments
are not handoffs the citizen meets and lose a quarter as much information.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model import GovernanceModel

#: Share of the handoff information loss that a team's shared plan still suffers.
TEAM_LOSS_FACTOR = 0.25


def _random_professional(m: GovernanceModel, domains: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Pick a professional of each domain in ``domains`` from uniforms ``u``."""
    start, count = m.domain_start[domains], m.domain_count[domains]
    return (start + np.minimum((u * count).astype(np.int64), count - 1)).astype(np.int32)


def allocate_cases(m: GovernanceModel, team_cases: float) -> None:
    """Open, close and reassign cases; form teams; count caseworkers who left (in place).

    A citizen's caseworkers over the last 12 months are the current ones (one per open
    silo case, or the team's coordinator) plus every one who stopped being their
    caseworker in that window: closed or reassigned silo cases, a coordinator who changed,
    and, on joining a team, the silo caseworkers the team replaces.
    """
    p, c = m.p, m.citizens
    nobody = m.n_professionals
    rng = m.streams.cases
    need, assigned = c.need, c.assigned
    n, n_domains = need.shape
    was_team = c.in_team
    closing = (assigned != nobody) & (need < 0.5 * p.need_threshold)
    ended = np.where(was_team, 0, closing.sum(axis=1))
    assigned[closing] = nobody
    complexity = (need > p.need_threshold).sum(axis=1)
    m.complexity = complexity
    c.in_team = in_team = (complexity >= p.team_threshold) & (c.team_draw < team_cases)
    is_open = assigned != nobody
    ended += np.where(in_team & ~was_team, is_open.sum(axis=1), 0)
    ended += was_team & ~in_team

    opening = np.flatnonzero(~is_open.reshape(-1) & (need.reshape(-1) > p.need_threshold))
    moving = np.flatnonzero(is_open.reshape(-1))
    moving = moving[rng.random(moving.size) < p.case_reassign_per_step]
    changed = np.concatenate([opening, moving])
    assigned.reshape(-1)[changed] = _random_professional(
        m, changed % n_domains, rng.random(changed.size))
    rows = moving // n_domains
    loss = np.where(in_team, TEAM_LOSS_FACTOR * p.handoff_loss, p.handoff_loss)
    c.info.reshape(-1)[moving] *= 1.0 - loss[rows]
    c.info.reshape(-1)[opening] = 1.0
    c.info += p.info_recovery_per_step * (1.0 - c.info)
    ended += np.where(in_team, 0, np.bincount(rows, minlength=n))

    # Team citizens meet one coordinator: the professional of their largest need.
    new_coord = in_team & (c.coordinator == nobody)
    c.coordinator[new_coord] = assigned[new_coord, need[new_coord].argmax(axis=1)]
    c.coordinator[~in_team] = nobody
    m.ended_now += ended.astype(np.uint8)

    is_open = assigned != nobody
    m.open_cases = is_open
    c.plans = np.where(in_team, 1.0, is_open.sum(axis=1))


def hand_off_departures(m: GovernanceModel, departed: np.ndarray) -> None:
    """Hand the cases of departed professionals to their replacements (a handoff each)."""
    if not departed.any():
        return
    c, p = m.citizens, m.p
    gone = np.append(departed, False)
    hit = gone[c.assigned]
    loss = np.where(c.in_team, TEAM_LOSS_FACTOR * p.handoff_loss, p.handoff_loss)
    c.info[hit] *= np.broadcast_to((1.0 - loss)[:, None], hit.shape)[hit]
    ended = np.where(c.in_team, gone[c.coordinator], hit.sum(axis=1))
    m.ended_now += ended.astype(np.uint8)


def roll_caseworkers(m: GovernanceModel) -> None:
    """Advance the 12-month window and count caseworkers: current plus those who left."""
    c = m.citizens
    slot = m.steps % 12
    m.ended_window += m.ended_now.astype(np.int32) - c.met[slot]
    c.met[slot] = m.ended_now
    m.ended_now[:] = 0
    current = np.where(c.in_team, 1, m.open_cases.sum(axis=1))
    c.caseworkers = m.ended_window + current
