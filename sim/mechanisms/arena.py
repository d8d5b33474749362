"""Phase 9, the co-creation arena: one cycle of MODEL.md §4 (Gentofte's task committees).

1. Framing: the style's :class:`~sim.policies.ArenaSettings` fix the domains, the scope
   (share of their budget open to the arena) and the envelope (most budget one decision
   may move) before anyone deliberates; what is outside the frame cannot move.
2. Convening: a standing citizen panel is re-invited each cycle and empty seats are
   filled (a random sample, or weighted to low-resource and high-need citizens); each
   invitee accepts with a probability rising with trust, voice and resources. Declines by
   low-trust citizens are revealed distrust. Politicians come from the council;
   professionals of the framed domains take part, each standing for one domain.
3. Deliberation over priorities (MODEL.md §10.1): each participant brings a priority vector
   over the framed domains. Citizens bring the needs they know, their own and their network
   neighbours', each weighted by the linked needs it blocks (local knowledge a silo's
   frontline report does not have), tilted by resources toward visible services (capture);
   since needs differ by group, the poor and the resourceful bring different priorities.
   Each invited professional defends their own domain; each politician brings their
   priorities mixed with the visible KPI table by electoral pressure. Priorities move by
   bounded confidence on the total-variation distance (:mod:`sim.mechanisms.deliberation`);
   power weighs and also narrows the bounds of the strong, who need not compromise; open,
   unpressed politicians listen further. Transparency lowers perception noise; facilitation
   widens bounds and gives each party an equal say; conflict (spread of priorities x budget
   scarcity) narrows bounds the more, the less a participant trusts (Balliet & Van Lange
   2013); written communication narrows them (Balliet 2010).
4. Decision: consensus, supermajority or majority over the clusters of priorities; the
   decision is the deciding cluster's mean. ``o``
   (:func:`~sim.mechanisms.deliberation.toward_citizens`) is how far it sits from the
   council's view toward the citizens'. Success, acceptability, equity across
   the parties' positions (Choi & Robertson 2014) and citizens' influence (scope x ``o``).
   Acceptability and equity describe the latest decision; without one the council decides
   alone and the arena's budget recommendation stands still.
5. Ratification: politicians override with probability formal_power x electoral_pressure
   x (1 - openness). The share of decisions overridden so far is revealed closedness
   (MODEL.md §10.5); the council learns from the cycle's record next month
   (:mod:`sim.mechanisms.council`).
6. Implementation: the framed budget moves toward the decision; a package bigger than
   the envelope is ranked and cut (:func:`rank_and_cut`; unfunded promises disappoint);
   a co-production programme paid from the domains' budgets grows with what the arena
   may decide (resources for citizens, targeted or not as the support lever says), and
   an outreach earmark (``scope x o x the latent share of need the
   participants see among themselves and their neighbours``; :func:`latent_seen`) is paid
   from the framed budget before the standard service (MODEL.md §10.1, §10.4); and a
   share ``handover x o x funded share`` of each framed domain's task passes
   to civil society (up to :data:`MAX_HANDED`; :mod:`sim.mechanisms.civil`); and the
   framed professions are joined, so citizens with open cases in two joined domains get
   one interprofessional team (the ``teams`` share; :mod:`sim.mechanisms.cases`).
   What the cycle showed (overridden, undecided, or implemented as far as funded and as
   far as the frame let it matter), and for an implemented decision whether it moved money
   toward what each citizen wants (:func:`~sim.mechanisms.deliberation.moved_toward`:
   winners and losers), moves participants' legitimacy, and non-participants'
   only as far as they follow it, the process is transparent and the panel looks like
   them (:func:`sim.mechanisms.legitimacy.arena_cycle`; no constant bump for the public).
7. Costs: arena time comes out of framed-domain professionals' time and facilitation out
   of the framed domains' budgets in arena months (applied in phases 4-5); like the
   programme, it can cut staff hours where a budget falls below its wage bill.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.mechanisms import beliefs
from sim.mechanisms.deliberation import (
    decide,
    distance,
    hegselmann_krause,
    moved_toward,
    outcome_measures,
    party_utilities,
    toward_citizens,
)
from sim.mechanisms.legitimacy import arena_cycle, cycle_value
from sim.mechanisms.measurement import INITIAL_KPI, LEAGUE_OFFSET

if TYPE_CHECKING:
    from sim.policies import ArenaSettings
    from sim.state import ModelState

#: Acceptance: logistic in trust, voice and resources (intercept, slopes).
ACCEPT = (-2.5, 3.0, 1.5, 1.5)
#: Trust below which a decline counts as revealed distrust.
LOW_TRUST = 0.35
#: Noise in perceived needs and priorities at zero transparency.
PERCEPTION_NOISE = 0.3
#: Tilt of resourceful citizens' priorities toward visible services (school, health).
AMENITY_BIAS = 0.3
#: Indices of the visible services that tilt draws toward (school, health).
VISIBLE_SERVICES = (0, 1)
#: How far a politician's confidence bound widens per unit of openness and narrows per
#: unit of electoral pressure from their midpoints (the more open and the less pressed,
#: the further they listen; assumed).
OPENNESS_REACH, PRESSURE_REACH = 0.8, 0.6
#: The midpoint of openness and pressure (their 0-1 scales).
MIDDLE = 0.5
#: How far an invited professional leans toward their own domain's share (added to the
#: budget's current shares before normalising; assumed): professions defend their domains.
PROFESSION_LEAN = 0.3
#: Influence weights: a citizen's base weight (plus resources), and the extra weight
#: per unit of power imbalance of professionals (1x) and politicians (2x, times power).
CITIZEN_WEIGHT, POLITICIAN_IMBALANCE = 0.5, 2.0
#: Conflict per unit of spread of priorities (mean distance from their weighted centre)
#: times scarcity, capped at 1.
CONFLICT_PER_SPREAD = 2.0
#: Confidence bounds under written communication keep this share plus the rest scaled
#: by its effect size relative to face to face (Balliet 2010; assumed floor).
COMMUNICATION_FLOOR = 0.6
#: Firmness under power imbalance: how far the strong narrow their bounds
#: (professionals, politicians; citizens 0).
PROFESSIONAL_FIRMNESS, POLITICIAN_FIRMNESS = 0.3, 0.6
#: Trust of politicians and professionals in the process.
STAFF_TRUST = 0.7
#: Confidence bounds on the total-variation distance between priority vectors: U(low,
#: high) plus facilitation's widening (Hegselmann-Krause). Assumed: with them a default
#: arena decides about three cycles in four, a weakly facilitated consensus almost never.
BOUND_LOW, BOUND_HIGH, FACILITATION_WIDENING = 0.08, 0.24, 0.12
#: Communication effect sizes on cooperation (Balliet 2010).
COMMUNICATION_D = {"face_to_face": 1.2, "written": 0.46}
#: Co-production programme funded per implemented decision (support units per citizen),
#: its ceiling, and its monthly cost as a share of the budget per unit.
PROGRAMME_STEP, PROGRAMME_MAX, PROGRAMME_COST = 0.02, 0.06, 0.1
#: Scope at which an arena decides enough to fund a full programme step and to show
#: participants a decision that matters; a narrower frame shows them less (tokenism).
FULL_SCOPE = 0.3
#: Most of a domain's task that can be handed to civil society (assumed).
MAX_HANDED = 0.3


def frame_mask(domain_names: list[str], settings: ArenaSettings) -> np.ndarray:
    """Boolean mask of the domains inside the arena's frame."""
    if not settings.domains:
        return np.ones(len(domain_names), dtype=bool)
    unknown = sorted(set(settings.domains) - set(domain_names))
    if unknown:
        raise ValueError(f"domains: unknown domain {unknown[0]!r}; allowed: {', '.join(domain_names)}")
    return np.isin(domain_names, settings.domains)


def local_knowledge(m: ModelState, row: int, frame: np.ndarray) -> np.ndarray:
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


def latent_seen(m: ModelState, citizens: np.ndarray, frame: np.ndarray) -> float:
    """Share of need above the threshold that is latent, as the participants see it.

    Each participant knows their own needs and their network neighbours' (latent ones
    included, which no frontline report holds): the latent share of that pooled need in
    the frame. 0 without participants or need.
    """
    if citizens.size == 0:
        return 0.0
    adj = m.citizens.neighbours
    people = np.unique(np.concatenate([citizens, adj[citizens].indices]))
    need = m.citizens.need[people][:, frame]
    above = need > m.p.need_threshold
    latent = above & (m.citizens.assigned[people][:, frame] == m.n_professionals)
    total = float((need * above).sum())
    return float((need * latent).sum()) / total if total > 0.0 else 0.0


def rank_and_cut(status: np.ndarray, decision: np.ndarray, movable: float, envelope: float
                 ) -> tuple[np.ndarray, float]:
    """Fit a decided package into the envelope: fund increases in rank order, cut the rest.

    ``decision - status`` splits into increases and decreases of equal total. Moving it
    all costs ``movable`` times that total (a budget share). When that exceeds the
    envelope the arena ranks its increases by size and funds them in that order until
    the envelope is used (the last one partly), taking the money from the decreases in
    proportion. Returns the implemented shares and the share of the package funded.
    """
    delta = decision - status
    gain = np.maximum(delta, 0.0)
    cost = movable * gain.sum()
    if cost <= envelope:
        return decision.copy(), 1.0
    budget = envelope / movable  # the share of the framed budget the envelope can move
    funded = np.zeros_like(gain)
    for d in np.argsort(-gain, kind="stable"):
        funded[d] = min(gain[d], budget)
        budget -= funded[d]
        if budget <= 0.0:
            break
    loss = np.maximum(-delta, 0.0)
    taken = loss * (funded.sum() / loss.sum()) if loss.sum() > 0 else loss
    return status + funded - taken, float(funded.sum() / gain.sum())


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.maximum(x, 1e-9)
    return x / x.sum(axis=-1, keepdims=True)


def convene(m: ModelState, s: ArenaSettings, rng: np.random.Generator
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
    z = a + bt * beliefs.trust(c)[invited] + bv * c.voice[invited] + br * c.resources[invited]
    accepted = rng.random(k)[:invited.size] < 1.0 / (1.0 + np.exp(-z))
    distrust = ~accepted & (c.trust[invited] < LOW_TRUST)
    m.arena_panel = invited[accepted]
    m.arena_cycle += 1
    return invited, accepted, distrust


def run_arena(m: ModelState, s: ArenaSettings) -> None:
    """Run one arena cycle and record its metrics (in place on the model)."""
    rng = m.streams.arenas
    c = m.citizens
    assert m.arena_frame is not None  # step() frames every arena it runs
    frame = np.flatnonzero(m.arena_frame)
    k = frame.size
    shares = m.budget_shares
    framed_total = shares[frame].sum()
    status = shares[frame] / framed_total

    # 2. convening
    invited, accepted, distrust = convene(m, s, rng)
    citizens = invited[accepted]
    politicians = rng.choice(m.p.n_politicians, min(s.invited_politicians, m.p.n_politicians),
                             replace=False)
    noise_sd = PERCEPTION_NOISE * (1.0 - s.transparency)

    # 3. what each side brings: a priority vector over the framed domains each
    amenity = np.isin(frame, VISIBLE_SERVICES).astype(float)
    n_cit, n_pro, n_pol = len(citizens), s.invited_professionals, len(politicians)
    if n_cit:  # the needs each citizen knows, tilted toward visible services by resources
        known = np.array([local_knowledge(m, row, frame) for row in citizens])
        tilt = AMENITY_BIAS * c.resources[citizens, None] * amenity  # capture by the resourceful
        brought = _normalise((known + tilt) * np.exp(rng.normal(0.0, noise_sd, (n_cit, k))))
    else:
        brought = np.zeros((0, k))
    # professionals defend their own domain (a frontline view leans toward its unit)
    own = np.zeros((n_pro, k))
    own[np.arange(n_pro), np.arange(n_pro) % k] = 1.0
    professions = _normalise(status + PROFESSION_LEAN * own)
    visible = LEAGUE_OFFSET - np.nan_to_num(m.kpi_units[frame], nan=INITIAL_KPI)
    visible = visible / visible.sum()
    pressure = m.politician_pressure[politicians]
    council = _normalise((1.0 - pressure[:, None]) * _normalise(
        m.politician_priorities[politicians][:, frame]) + pressure[:, None] * visible)
    citizen_view = brought.mean(axis=0) if n_cit else status
    council_view = council.mean(axis=0)

    # participants' influence, trust and how firmly the strong hold their ground
    openness = m.politician_openness[politicians]
    weights = np.concatenate([
        CITIZEN_WEIGHT + c.resources[citizens],
        np.full(n_pro, 1.0 + s.power_imbalance),
        (1.0 + POLITICIAN_IMBALANCE * s.power_imbalance) * m.politician_power[politicians]])
    # a facilitator gives each party at the table (citizens, professions, council) an
    # equal say, whatever its numbers and power (Choi & Robertson 2014)
    sizes = np.array([n_cit, n_pro, n_pol], dtype=float)
    per_party = weights.sum() / (np.count_nonzero(sizes) * np.maximum(sizes, 1.0))
    weights = (1.0 - s.facilitation) * weights + s.facilitation * np.repeat(per_party, sizes.astype(int))
    trust = np.concatenate([beliefs.trust(c)[citizens], np.full(n_pro + n_pol, STAFF_TRUST)])
    initial = np.vstack([brought, professions, council])
    # an open, unpressed politician listens further (a wider bound), a closed one less
    listening = np.concatenate([np.ones(n_cit + n_pro), np.clip(
        1.0 + OPENNESS_REACH * (openness - MIDDLE) - PRESSURE_REACH * (pressure - MIDDLE),
        0.0, None)])

    # conflict of interest = spread of priorities x budget scarcity; what citizens wish to
    # move: the scope's share of the frame times the total-variation distance between views
    wish = s.scope * framed_total * 0.5 * np.abs(citizen_view - council_view).sum()
    scarcity = wish / (wish + s.envelope) if wish > 0 else 0.0
    centre = np.average(initial, axis=0, weights=weights)
    spread = float(np.average(distance(np.vstack([centre, initial]))[0, 1:], weights=weights))
    conflict = min(1.0, CONFLICT_PER_SPREAD * spread * scarcity)
    comm = COMMUNICATION_FLOOR + (1.0 - COMMUNICATION_FLOOR) * COMMUNICATION_D[
        s.communication] / COMMUNICATION_D["face_to_face"]
    # power: the strong need not compromise, so their bounds narrow (facilitation undoes it)
    firmness = np.concatenate([np.zeros(n_cit), np.full(n_pro, PROFESSIONAL_FIRMNESS),
                               np.full(n_pol, POLITICIAN_FIRMNESS)])
    firmness *= s.power_imbalance * (1.0 - s.facilitation)
    bounds = (rng.uniform(BOUND_LOW, BOUND_HIGH, n_cit + n_pro + n_pol)
              + FACILITATION_WIDENING * s.facilitation) * comm * (1.0 - conflict * (1.0 - trust))
    bounds *= (1.0 - firmness) * listening

    # 4. deliberation and decision over the priorities themselves
    final = hegselmann_krause(initial, bounds, weights)
    success, agreed = decide(final, weights, s.decision_rule)
    at = n_cit + n_pro  # the council's rows
    # without a decision the council decides alone, as it would have without the arena
    decision = _normalise(agreed if success else np.average(initial[at:], axis=0,
                                                            weights=weights[at:]))
    outcome = toward_citizens(decision, citizen_view, council_view)
    parties = np.repeat([0, 1, 2], [n_cit, n_pro, n_pol])
    acceptability, _ = outcome_measures(decision, initial, parties)
    # equity across parties: how evenly the decision serves what each party brought as a
    # whole (its members' mean priorities; a profession-by-profession spread is no loss)
    present = np.unique(parties)
    positions = np.array([initial[parties == g].mean(axis=0) for g in present])
    _, equity = outcome_measures(decision, positions)
    if not success:  # acceptability and equity describe the latest decision
        acceptability = m.arena_metrics["arena_acceptability"]
        equity = m.arena_metrics["arena_equity"]
    influence = s.scope * outcome if success and n_cit else 0.0

    # 5. ratification
    override_p = float(np.mean(m.politician_power[politicians] * m.politician_pressure[
        politicians] * (1.0 - m.politician_openness[politicians])))
    overridden = success and rng.random() < override_p
    m.arena_decisions += int(success)
    if overridden:
        m.arena_overrides += 1
        influence = 0.0  # an overridden recommendation moves nothing

    # 6. implementation (rank and cut to the envelope)
    implemented = 0.0
    scope_weight = min(1.0, s.scope / FULL_SCOPE)  # what the arena may decide
    if success and not overridden:
        target, implemented = rank_and_cut(status, decision, s.scope * framed_total, s.envelope)
        shares[frame] = (1.0 - s.scope) * shares[frame] + s.scope * framed_total * target
        m.budget_shares = shares / shares.sum()
        m.arena_recommendation = m.budget_shares.copy()
        m.arena_programme = min(PROGRAMME_MAX,
                                m.arena_programme + PROGRAMME_STEP * implemented * scope_weight)
        # a kind of help no frontline report asks for: finding the latent need they see
        m.arena_outreach = s.scope * outcome * latent_seen(m, citizens, frame)
        # the framed professions now work as one team for citizens across their domains
        m.arena_joined[frame] = True
        m.arena_teams = s.teams
        # some welfare tasks are no longer solved by the municipality (MODEL.md §10.2)
        m.handed[frame] = np.minimum(m.handed[frame] + s.handover * outcome * implemented,
                                     MAX_HANDED)
    # what the cycle showed: participants' legitimacy, others' as far as they can see it;
    # a funded decision has winners and losers (did it move money toward what they want?)
    value = cycle_value(success, overridden, implemented, scope_weight)
    won = None
    if success and not overridden:
        won = 0.5 * (1.0 + scope_weight * moved_toward(
            c.preference[:, frame], status, m.budget_shares[frame] / m.budget_shares[frame].sum()))
    arena_cycle(m, citizens, value, s.transparency, decided=success, overridden=overridden,
                won=won)

    m.arena_metrics.update({
        "participation": float(accepted.mean()),
        "revealed_distrust": float(distrust.mean()),
        "citizen_influence": float(influence),
        "arena_success": float(success),
        "arena_acceptability": acceptability,
        "arena_equity": equity,
        "overrides": float(m.arena_overrides),
        # cumulative: a council's closedness is its record, not one quarter's coin toss
        "revealed_closedness": m.arena_overrides / m.arena_decisions if m.arena_decisions
        else np.nan,
    })
    m.arena_record = {"invited": invited, "accepted": accepted, "citizens": citizens,
                      "politicians": politicians,
                      "success": success, "overridden": overridden, "implemented": implemented,
                      "value": value,
                      "decision": decision, "status": status, "conflict": conflict,
                      "party_utility": party_utilities(decision, initial, parties),
                      "citizen_view": citizen_view, "council_view": council_view,
                      "priorities": initial, "outcome": outcome, "parties": parties,
                      "won": won,
                      # who is heard: participants' resources against the population's
                      "resource_skew": float(c.resources[citizens].mean() - m.mean_resources)
                      if n_cit else np.nan}

