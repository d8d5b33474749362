"""Phase 8, legitimacy: each citizen's belief that the municipality's decisions are rightful.

Legitimacy is distinct from trust in competence (MODEL.md §10.3; Tyler 2006; Levi, Sacks
& Tyler 2009). It has two parts:

* procedural — being known and heard: for a client, the mean share of case knowledge that
  survived handoffs over their open cases (a caseworker who knows the case has listened;
  ten caseworkers who each start again have not);
* distributive — what they got against what they were entitled to: the mean share of
  their cases' service demand the budget bought (``ration``), so those rationed under a
  cut or by a reallocation lose and those who gain are served in full. A loss decided by a
  procedure they saw as fair weighs less (Brockner & Wiesenfeld 1996): a client who has
  seen the priorities set with citizens like them (``heard``, from arenas) holds only
  ``1 - fair_process_buffer * heard`` of a rationing loss against the municipality.

Each month a client's legitimacy moves toward ``w * procedural + (1 - w) * distributive``
at ``legitimacy_rate_per_step``; citizens without an open case have no such experience.
Word of mouth pulls everyone's belief toward their network neighbours' at the trust
spread rate. Arenas (:func:`arena_cycle`) add what participants saw, and what others
could observe of it. Legitimacy acts through behaviour elsewhere: complaints and
compliance (:mod:`sim.mechanisms.production`), take-up of help
(:mod:`sim.mechanisms.cases`), co-production and voice (:mod:`sim.mechanisms.citizens`),
and, through voice, who accepts an arena invitation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.state import ModelState

#: Quintiles of resources: a panel "looks like" a citizen as far as their own quintile
#: holds its fifth of the seats.
QUINTILES = 5
#: What an arena cycle shows participants (the target their legitimacy moves toward):
#: a recommendation overridden says they were not heard (0); a cycle without a decision,
#: heard but nothing decided, is neutral (0.5); an implemented decision counts from 0.5 up
#: to 1 by how much of it was funded and how much the frame let the arena decide.
OVERRIDDEN, UNDECIDED = 0.0, 0.5


def casework_signal(m: ModelState) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per citizen: procedural and distributive signals of their open cases, and who has one."""
    c = m.citizens
    n = c.legitimacy.size
    rows = m.open_rows
    count = np.maximum(m.open_count, 1)
    procedural = np.bincount(rows, c.info.reshape(-1).take(m.open_idx), minlength=n) / count
    served = np.minimum(m.ration.take(m.open_cols), 1.0)  # the standard is the entitlement
    # a loss from priorities set in a procedure the client saw as fair weighs less
    accepted = m.p.fair_process_buffer * c.heard.take(rows)
    distributive = np.bincount(rows, served + accepted * (1.0 - served), minlength=n) / count
    return procedural, distributive, m.open_count > 0


def update_legitimacy(m: ModelState) -> None:
    """Move clients' legitimacy toward how their cases are handled, then word of mouth."""
    p, c = m.p, m.citizens
    procedural, distributive, client = casework_signal(m)
    target = p.procedural_weight * procedural + (1.0 - p.procedural_weight) * distributive
    c.legitimacy += p.legitimacy_rate_per_step * client * (target - c.legitimacy)
    c.legitimacy += p.trust_spread_per_step * (c.neighbours @ c.legitimacy - c.legitimacy)
    np.minimum(np.maximum(c.legitimacy, 0.0, out=c.legitimacy), 1.0, out=c.legitimacy)


def cycle_value(success: bool, overridden: bool, implemented: float, scope_weight: float) -> float:
    """What one arena cycle shows its participants, 0-1 (see :data:`OVERRIDDEN`)."""
    if overridden:
        return OVERRIDDEN
    if not success:
        return UNDECIDED
    return UNDECIDED + (1.0 - UNDECIDED) * implemented * scope_weight


def panel_likeness(quintile: np.ndarray, participants: np.ndarray) -> np.ndarray:
    """Per citizen: how far the panel looks like them, 0-1.

    Their own resource quintile's share of the seats against its fair fifth, capped at 1:
    a panel of resourceful citizens does not look like the poorest.
    """
    if participants.size == 0:
        return np.zeros(quintile.size)
    seats = np.bincount(quintile[participants], minlength=QUINTILES) / participants.size
    return np.minimum(QUINTILES * seats, 1.0)[quintile]


def arena_cycle(m: ModelState, participants: np.ndarray, value: float, transparency: float,
                decided: bool, overridden: bool, won: np.ndarray | None = None) -> None:
    """Participants' legitimacy moves toward what the cycle showed; others' as far as they see it.

    A non-participant follows a cycle that ended in a decision (a cycle without one gives
    them nothing to observe) with weight ``publicity * transparency``. An override is news
    to everyone: citizens at the table were not heard. An implemented decision counts for a
    citizen only as far as the panel looks like them (:func:`panel_likeness`; Grimes 2006,
    Arnesen & Peters 2018): a decision taken by a panel of others is not theirs, so a
    captured panel earns the unrepresented nothing. ``heard`` (how far a citizen has seen
    the priorities set with citizens like them) follows the procedural signal ``value``.

    An implemented decision also has winners and losers: ``won`` (per citizen, 0-1) says
    how far it moved the budget toward what each wants. What a citizen takes from the cycle
    is then ``procedural_weight * value + (1 - procedural_weight) * won`` (Tyler 2006).
    Nobody outside the room gains or loses by a constant bump.
    """
    p, c = m.p, m.citizens
    weight = p.publicity * transparency if decided else 0.0
    if decided and not overridden:
        seen = weight * panel_likeness(m.resource_quintile, participants)
    else:
        seen = np.full(c.legitimacy.size, weight)
    seen[participants] = 1.0
    step = p.arena_legitimacy_rate * seen
    target = value if won is None else p.procedural_weight * value + (
        1.0 - p.procedural_weight) * won
    c.legitimacy += step * (target - c.legitimacy)
    np.minimum(np.maximum(c.legitimacy, 0.0, out=c.legitimacy), 1.0, out=c.legitimacy)
    c.heard += step * (value - c.heard)
