"""Phase 9, the co-creation arena: one cycle of MODEL.md §4 (Gentofte's task committees).

1. Framing: the style's :class:`~sim.policies.ArenaSettings` fix the domains, the scope
   (share of their budget open to the arena) and the envelope (most budget one decision
   may move) before anyone deliberates; what is outside the frame cannot move.
2. Convening: a standing citizen panel is re-invited each cycle and empty seats are
   filled (a random sample, or weighted to low-resource and high-need citizens); each
   invitee accepts with a probability rising with trust, voice and resources. Declines by
   low-trust citizens are revealed distrust. Politicians come from the council,
   professionals from the framed domains.
3. Deliberation: bounded confidence over priority vectors (:mod:`sim.deliberation`).
   Citizens bring the needs they know, their own and their network neighbours', each
   weighted by the linked needs it blocks (local knowledge a silo's frontline report does
   not have), tilted by resources toward visible services (capture). Professionals favour
   their own domain; politicians mix their priorities with the visible KPI table by
   electoral pressure. Transparency lowers perception noise; facilitation widens bounds
   and evens influence; conflict (spread of opinions x budget scarcity) narrows bounds
   the more, the less a participant trusts (Balliet & Van Lange 2013); written
   communication narrows them (Balliet 2010).
4. Decision: consensus, supermajority or majority; success, acceptability, equity
   (Choi & Robertson 2014) and citizens' influence. Without a decision the council
   decides alone: acceptability and equity are then those of the politicians' position.
5. Ratification: politicians override with probability formal_power x electoral_pressure
   x (1 - openness); an override costs participants' trust and voice, weakly their
   neighbours' trust, and, as far as the process is transparent, the public's.
6. Implementation: the framed budget moves toward the decision, cut to the envelope
   (rank and cut; unfunded promises disappoint); a co-production programme funded from
   the service budget grows with what the arena may decide (resources for citizens,
   targeted or not as the support lever says); small wins raise participants' trust and
   voice, failure lowers them, a frame too narrow to matter reads as tokenism; the
   public sees implemented decisions as far as the process is transparent.
7. Costs: arena time comes out of framed-domain professionals' time and facilitation out
   of the service budget in arena months (applied in phases 4-5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.deliberation import decide, distance, hegselmann_krause, outcome_measures

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.policies import ArenaSettings

#: Acceptance: logistic in trust, voice and resources (intercept, slopes).
ACCEPT = (-2.5, 3.0, 1.5, 1.5)
#: Trust below which a decline counts as revealed distrust.
LOW_TRUST = 0.35
#: Noise in perceived needs and priorities at zero transparency.
PERCEPTION_NOISE = 0.3
#: Tilt of resourceful citizens' priorities toward visible services (school, health).
AMENITY_BIAS = 0.3
#: Weight citizens give their own needs against the municipality's perceived needs.
OWN_WEIGHT = 0.5
#: Trust of politicians and professionals in the process.
STAFF_TRUST = 0.7
#: Confidence bounds: U(low, high) plus facilitation's widening (Hegselmann-Krause).
BOUND_LOW, BOUND_HIGH, FACILITATION_WIDENING = 0.1, 0.3, 0.15
#: Communication effect sizes on cooperation (Balliet 2010).
COMMUNICATION_D = {"face_to_face": 1.2, "written": 0.46}
#: Trust and voice changes: override, neighbours of the overridden, small win, failure.
OVERRIDE_LOSS, NEIGHBOUR_LOSS, WIN_GAIN, FAIL_LOSS = 0.15, 0.02, 0.05, 0.03
#: Co-production programme funded per implemented decision (support units per citizen),
#: its ceiling, and its monthly cost as a share of the budget per unit.
PROGRAMME_STEP, PROGRAMME_MAX, PROGRAMME_COST = 0.02, 0.06, 0.1
#: Scope at which an arena decides enough to fund a full programme step; below a third
#: of it participants see tokenism and lose trust and voice (up to TOKENISM_LOSS).
FULL_SCOPE, TOKENISM_LOSS = 0.3, 0.05
#: Population trust change per implemented decision / override, times transparency.
PUBLIC_GAIN, PUBLIC_LOSS = 0.01, 0.02


def frame_mask(domain_names: list[str], settings: ArenaSettings) -> np.ndarray:
    """Boolean mask of the domains inside the arena's frame."""
    if not settings.domains:
        return np.ones(len(domain_names), dtype=bool)
    unknown = sorted(set(settings.domains) - set(domain_names))
    if unknown:
        raise ValueError(f"domains: unknown domain {unknown[0]!r}; allowed: {', '.join(domain_names)}")
    return np.isin(domain_names, settings.domains)


def local_knowledge(m: GovernanceModel, row: int, frame: np.ndarray) -> np.ndarray:
    """What a citizen knows of needs: their own and their network neighbours'.

    Each need is weighted by the linked needs it holds back (a citizen lives the
    bottlenecks a silo's frontline report does not see); returns shares over the frame.
    """
    adj = m.citizens.neighbours
    people = np.r_[row, adj.indices[adj.indptr[row]:adj.indptr[row + 1]]]
    need = m.citizens.need[people][:, frame]
    blocking = need * (1.0 + (need > m.p.need_threshold) @ m.links[np.ix_(frame, frame)])
    total = blocking.sum(axis=0)
    return total / total.sum() if total.sum() > 0 else np.full(frame.size, 1.0 / frame.size)


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.maximum(x, 1e-9)
    return x / x.sum(axis=-1, keepdims=True)


def convene(m: GovernanceModel, s: ArenaSettings, rng: np.random.Generator
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Invite citizens; return (invited rows, accepted mask, declined-for-low-trust mask).

    The sitting panel is re-invited; empty seats (and every seat when a new term starts)
    go to newly drawn citizens.
    """
    c = m.citizens
    n = c.trust.size
    k = min(s.invited_citizens, n)
    panel = m.arena_panel if m.arena_cycle % s.panel_term else np.zeros(0, dtype=np.int64)
    if s.recruitment == "targeted":
        weight = (1.0 - c.resources) * (1.0 + c.need @ m.ones_domains)
        fresh = rng.choice(n, k, replace=False, p=weight / weight.sum())
    else:
        fresh = rng.choice(n, k, replace=False)
    fresh = fresh[~np.isin(fresh, panel)]
    invited = np.concatenate([panel, fresh])[:k]
    a, bt, bv, br = ACCEPT
    z = a + bt * c.trust[invited] + bv * c.voice[invited] + br * c.resources[invited]
    accepted = rng.random(k)[:invited.size] < 1.0 / (1.0 + np.exp(-z))
    distrust = ~accepted & (c.trust[invited] < LOW_TRUST)
    m.arena_panel = invited[accepted]
    m.arena_cycle += 1
    return invited, accepted, distrust


def run_arena(m: GovernanceModel, s: ArenaSettings) -> None:
    """Run one arena cycle and record its metrics (in place on the model)."""
    rng = m.streams.arenas
    c = m.citizens
    frame = np.flatnonzero(m.arena_frame)
    k = frame.size
    shares = m.budget_shares
    framed_total = shares[frame].sum()
    status = shares[frame] / framed_total

    # 2. convening (fixed-size draws keep the arenas stream aligned across settings)
    invited, accepted, distrust = convene(m, s, rng)
    citizens = invited[accepted]
    politicians = rng.choice(m.p.n_politicians, min(s.invited_politicians, m.p.n_politicians),
                             replace=False)
    pro_domains = frame[np.arange(s.invited_professionals) % k]  # one per framed domain in turn
    noise_sd = PERCEPTION_NOISE * (1.0 - s.transparency)

    # 3. opinions over the framed domains
    frontline = np.bincount(m.open_cols, m.open_need, minlength=m.p.n_domains)[frame]
    frontline = frontline / max(frontline.sum(), 1e-9)
    amenity = np.isin(frame, [0, 1]).astype(float)
    own = np.array([local_knowledge(m, row, frame) for row in citizens]).reshape(-1, k)
    # citizens weigh their own needs (local knowledge) against the municipality's as they
    # perceive it, with a taste of their own, tilted by resources toward visible services
    cit = (OWN_WEIGHT * own + (1.0 - OWN_WEIGHT) * frontline
           + 0.2 * c.preference[citizens][:, frame]
           + AMENITY_BIAS * c.resources[citizens, None] * amenity)
    prof = 0.5 * (pro_domains[:, None] == frame[None, :]) + 0.5 * frontline
    visible = 1.05 - np.nan_to_num(m.kpi_units[frame], nan=0.75)
    visible = visible / visible.sum()
    pressure = m.politician_pressure[politicians, None]
    pol = (1.0 - pressure) * _normalise(m.politician_priorities[politicians][:, frame]) + (
        pressure * visible)
    initial = _normalise(np.vstack([cit, prof, pol]) + rng.normal(0.0, noise_sd, (
        len(citizens) + s.invited_professionals + len(politicians), k)))
    n_cit, n_pro = len(citizens), s.invited_professionals
    weights = np.concatenate([
        0.5 + c.resources[citizens],
        np.full(n_pro, 1.0 + s.power_imbalance),
        (1.0 + 2.0 * s.power_imbalance) * m.politician_power[politicians]])
    weights = (1.0 - s.facilitation) * weights + s.facilitation * weights.mean()
    trust = np.concatenate([c.trust[citizens], np.full(n_pro + len(politicians), STAFF_TRUST)])

    # conflict of interest = spread of preferences x budget scarcity
    mean_wish = np.average(initial, axis=0, weights=weights)
    wish = s.scope * framed_total * 0.5 * np.abs(mean_wish - status).sum()
    scarcity = wish / (wish + s.envelope) if wish > 0 else 0.0
    spread = distance(initial).mean() if len(initial) > 1 else 0.0
    conflict = min(1.0, 2.0 * spread * scarcity)
    comm = 0.6 + 0.4 * COMMUNICATION_D[s.communication] / COMMUNICATION_D["face_to_face"]
    base = rng.uniform(BOUND_LOW, BOUND_HIGH, len(initial))
    bounds = (base + FACILITATION_WIDENING * s.facilitation) * comm * (
        1.0 - conflict * (1.0 - trust))

    # 4. deliberation and decision
    final = hegselmann_krause(initial, bounds, weights)
    success, decision = decide(final, weights, s.decision_rule)
    council = len(initial) - len(politicians)
    # without a decision the council decides alone, as it would have without the arena
    outcome = decision if success else np.average(initial[council:], axis=0,
                                                  weights=weights[council:])
    acceptability, equity = outcome_measures(outcome, initial)
    influence = 0.0
    if success and n_cit:
        voice_of_citizens = initial[:n_cit].mean(axis=0)
        before = 0.5 * np.abs(status - voice_of_citizens).sum()
        after = 0.5 * np.abs(decision - voice_of_citizens).sum()
        influence = s.scope * max(before - after, 0.0) / before if before > 0 else 0.0

    # 5. ratification
    override_p = float(np.mean(m.politician_power[politicians] * m.politician_pressure[
        politicians] * (1.0 - m.politician_openness[politicians])))
    overridden = success and rng.random() < override_p
    if overridden:
        m.arena_overrides += 1
        _shift(c.trust, np.arange(c.trust.size), -PUBLIC_LOSS * s.transparency)
        _shift(c.trust, citizens, -OVERRIDE_LOSS)
        _shift(c.voice, citizens, -OVERRIDE_LOSS)
        adj = c.neighbours
        neighbours = np.concatenate([adj.indices[adj.indptr[i]:adj.indptr[i + 1]] for i in citizens]
                                    ) if n_cit else np.zeros(0, dtype=int)
        _shift(c.trust, neighbours, -NEIGHBOUR_LOSS)

    # 6. implementation (rank and cut to the envelope)
    implemented = 0.0
    if success and not overridden:
        moved = s.scope * framed_total * 0.5 * np.abs(decision - status).sum()
        implemented = min(1.0, s.envelope / moved) if moved > 0 else 1.0
        target = status + implemented * (decision - status)
        shares[frame] = (1.0 - s.scope) * shares[frame] + s.scope * framed_total * target
        m.budget_shares = shares / shares.sum()
        m.arena_recommendation = m.budget_shares.copy()
        weight = implemented * min(1.0, s.scope / FULL_SCOPE)  # what the arena may decide
        m.arena_programme = min(PROGRAMME_MAX, m.arena_programme + PROGRAMME_STEP * weight)
        _shift(c.trust, np.arange(c.trust.size), PUBLIC_GAIN * s.transparency * implemented)
        disappointment = s.scope * (1.0 - implemented)
        _shift(c.trust, citizens, WIN_GAIN * implemented - OVERRIDE_LOSS * disappointment)
        _shift(c.voice, citizens, WIN_GAIN * (implemented - disappointment))
    if s.scope < FULL_SCOPE / 3:  # tokenism: a frame too narrow to matter
        token = TOKENISM_LOSS * (1.0 - 3.0 * s.scope / FULL_SCOPE)
        _shift(c.trust, citizens, -token)
        _shift(c.voice, citizens, -token)
    elif not success:
        _shift(c.trust, citizens, -FAIL_LOSS)
        _shift(c.voice, citizens, -FAIL_LOSS)

    m.arena_metrics.update({
        "participation": float(accepted.mean()),
        "revealed_distrust": float(distrust.mean()),
        "citizen_influence": float(influence),
        "arena_success": float(success),
        "arena_acceptability": acceptability,
        "arena_equity": equity,
        "overrides": float(m.arena_overrides),
    })
    m.arena_record = {"invited": invited, "accepted": accepted, "citizens": citizens,
                      "success": success, "overridden": overridden, "implemented": implemented,
                      "decision": decision, "status": status, "conflict": conflict}


def _shift(values: np.ndarray, rows: np.ndarray, delta: float) -> None:
    """Add ``delta`` to ``values[rows]`` and keep them in [0, 1]."""
    if rows.size:
        values[rows] = np.clip(values[rows] + delta, 0.0, 1.0)
