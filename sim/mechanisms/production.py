"""Phases 5-6: professionals allocate time, and welfare is produced (MODEL.md §4).

Time allocation (P1, Holmström & Milgrom 1991) uses :func:`sim.mechanisms.effort.allocate_time`.
Production is non-linear: per case, the share of need resolved in a step is

    s = G * x^a * (1 + coproduction)^b * H * info * ration * school,

where ``x`` is quality-weighted effort per unit of need of the case's professional, ``H``
the cap from need in linked domains (h(n) = 1 / (1 + min(n / cap, 1)) per linked domain:
need in a linked domain can at most halve progress),
``info`` what survived handoffs, ``ration`` the service level the budget buys
(:func:`service_factor`), and
``school`` the inclusion effect. Quality-weighted effort combines measured output and
quality time in a CES with exponent 1/2, weighted by the angle between the KPI and the
true goal (Baker 2002): each input raises the other's marginal product, and time on
output alone counts only cos^2(angle) of its value.
``compliance`` is ``1 - compliance_weight * (1 - legitimacy)``: clients follow plans they
accept (Tyler 2006). Civil society then resolves need directly (:mod:`sim.mechanisms.civil`); a task handed
to it is not produced publicly (``1 - handed``). Wellbeing follows what the needs leave,
the mean over domains of
``1 / (1 + need / scale)`` (:func:`wellbeing_index`).
Complaints and appeals (``complaint_per_step * (1 - legitimacy)`` per open case) take
``complaint_hours`` each from the caseworker's month before time is allocated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.mechanisms import beliefs
from sim.mechanisms.civil import produce_civil
from sim.mechanisms.effort import allocate_time
from sim.state import COORDINATION, DOCUMENTATION, GAMING, OUTPUT, QUALITY, SUPPORT

if TYPE_CHECKING:
    from sim.policies import Levers
    from sim.state import ModelState

#: Marginal benefit of measured output per unit of incentive intensity.
INCENTIVE_WEIGHT = 0.27
#: Extra value intrinsically motivated professionals put on quality work.
QUALITY_MOTIVE = 0.15
#: Pull of the unit's code (practice) on the output/quality split.
PRACTICE_WEIGHT = 0.2
#: Value of coordination time per unit of team share in the caseload.
COORDINATION_WEIGHT = 0.8
#: Value of co-production support per unit of the support lever.
SUPPORT_WEIGHT = 2.5
#: How much a unit of gaming time is worth to a gamer, per unit of incentive.
GAMING_GAIN = 2.5
#: Scale of all marginal benefits: low enough that, without incentives, professionals leave
#: some time unused (slack), so incentives can raise effort (P4; Holmström & Milgrom 1991).
BENEFIT_SCALE = 0.8
#: Most effort one unit of need can absorb, relative to the initial workload norm: a case
#: cannot be worked faster than its service allows, however light the caseload.
MAX_EFFORT_PER_NEED = 1.5
#: Returns to service above the standard level, per unit (assumed diminishing: half).
SERVICE_RETURNS = 0.5
#: Most of a case's need that can be resolved in one month.
MAX_RESOLVED_SHARE = 0.5
#: Share of the linked-need cap a team lifts by working linked needs together.
TEAM_CAP_RELIEF = 0.25
#: Quality time per school professional that fully supports included pupils.
REFERENCE_QUALITY_TIME = 0.25
#: Inclusion's effect on school production per unit of quota: a gain when teaching
#: support follows, a larger harm to the class when it does not (MODEL.md §4; assumed).
INCLUSION_GAIN, INCLUSION_HARM = 0.2, 0.5
#: Extra incentive pressure per unit of throughput shortfall against target.
SHORTFALL_PRESSURE = 0.5
#: Marginal benefit of gaming where gaming is impossible: negative, so it is never chosen.
NO_GAMING_BENEFIT = -1.0
#: Lightest caseload counted in effort per need, as a share of the workload norm (a nearly
#: empty caseload does not give unbounded effort per case).
MIN_WORKLOAD_SHARE = 0.1


#: Row length from which numpy's sums switch from in-order to pairwise addition.
PAIRWISE_MIN = 8


def wellbeing_index(need: np.ndarray, scale: float) -> np.ndarray:
    """Wellbeing each citizen's needs allow: the mean over domains of ``1 / (1 + need / scale)``.

    Each domain counts for its share, so a citizen with needs in four domains gains from
    every one that is served and never sits at a floor near zero (MODEL.md §10.7).
    """
    per_domain = need / scale
    per_domain += 1.0
    np.divide(1.0, per_domain, out=per_domain)
    d = per_domain.shape[1]
    if d >= PAIRWISE_MIN or d == 0:
        return per_domain.mean(axis=1)
    # numpy sums fewer than eight numbers in order: adding the columns in order gives the
    # same bits as ``mean(axis=1)`` at half its cost for a few domains
    total = per_domain[:, 0].copy()
    for j in range(1, d):
        total += per_domain[:, j]
    return total / d


def service_factor(level: np.ndarray) -> np.ndarray:
    """Production factor of the service level per case: full below the standard, then less.

    ``min(level, 1) + SERVICE_RETURNS * max(level - 1, 0)``: rationing cuts progress one for
    one; service above the standard helps at diminishing returns.
    """
    return np.minimum(level, 1.0) + SERVICE_RETURNS * np.maximum(level - 1.0, 0.0)


def quality_effort(t_out: np.ndarray, t_qual: np.ndarray, angle_deg: float) -> np.ndarray:
    """Quality-weighted effort: a CES of output and quality time (exponent 1/2, angle-weighted)."""
    theta = np.deg2rad(angle_deg)
    return (np.cos(theta) * np.sqrt(t_out) + np.sin(theta) * np.sqrt(t_qual)) ** 2


def inclusion_factor(quota: float, teaching_time: float, quality_time: float) -> float:
    """Effect of the school inclusion quota on school production (MODEL.md §4).

    Inclusion helps when the complementary teaching time comes with it and harms the class
    when it does not: ``1 + quota * (0.2 * support - 0.5 * (1 - support))``, where support is
    the given teaching time times the school's quality time relative to a reference of 0.25.
    The quota itself is an input the KPI sees whether or not support follows.
    """
    support = teaching_time * min(1.0, quality_time / REFERENCE_QUALITY_TIME)
    return 1.0 + quota * (INCLUSION_GAIN * support - INCLUSION_HARM * (1.0 - support))


def allocate(m: ModelState, lev: Levers) -> None:
    """Phase 5: every professional chooses time shares given the levers (in place)."""
    p, pro = m.p, m.professionals
    im, psm = pro.intrinsic_motivation, pro.public_service_motivation
    theta = np.deg2rad(p.kpi_angle_deg)
    values = 0.5 * (im + psm)
    shortfall = np.maximum(1.0 - m.throughput_attainment, 0.0)[pro.domain]
    pressure = lev.incentive * (1.0 + SHORTFALL_PRESSURE * shortfall)
    benefit = np.empty((pro.domain.size, 5))  # every time use but documentation
    benefit[:, 0] = (INCENTIVE_WEIGHT * pressure + values * np.cos(theta)
                     + PRACTICE_WEIGHT * (1.0 - pro.practice))
    benefit[:, 1] = values * np.sin(theta) + QUALITY_MOTIVE * im + PRACTICE_WEIGHT * pro.practice
    benefit[:, 2] = values * COORDINATION_WEIGHT * m.team_share
    if p.gaming_possible:
        benefit[:, 3] = GAMING_GAIN * pressure * pro.gaming_propensity - lev.audit * p.sanction
    else:
        benefit[:, 3] = NO_GAMING_BENEFIT
    benefit[:, 4] = values * SUPPORT_WEIGHT * lev.coproduction_support
    benefit *= BENEFIT_SCALE
    admin = min(lev.documentation + lev.audit * p.audit_hours, 1.0)
    available = np.full(pro.domain.size, max(1.0 - admin, 0.0))
    # complaints and appeals from clients who doubt the decisions take caseworkers' time
    per_case = p.complaint_per_step * (1.0 - beliefs.legitimacy(m.citizens).take(m.open_rows))
    n = pro.domain.size
    m.complaint_time = np.minimum(
        p.complaint_hours * np.bincount(m.open_prof, per_case, minlength=n + 1)[:n], 1.0)
    m.complaints = 1000.0 * float(per_case.sum()) / m.citizens.legitimacy.size
    available -= m.complaint_time
    if m.arena_now is not None:  # arena hours come out of framed-domain professionals' time
        assert m.arena_frame is not None  # step() frames every arena it runs
        available -= m.arena_now.arena_time * m.arena_frame[pro.domain]
    np.maximum(available, 0.0, out=available)
    shares = allocate_time(benefit, p.effort_substitutability, available)
    pro.time[:, [OUTPUT, QUALITY, COORDINATION, GAMING, SUPPORT]] = shares
    pro.time[:, DOCUMENTATION] = admin


def produce(m: ModelState, lev: Levers) -> None:
    """Phase 6: resolve need in every open case and update wellbeing (in place)."""
    p, c, pro = m.p, m.citizens, m.professionals
    t = pro.time
    capacity = m.capacity[pro.domain]
    workload = np.maximum(pro.workload, MIN_WORKLOAD_SHARE * m.workload_norm)
    eff = quality_effort(t[:, OUTPUT], t[:, QUALITY], p.kpi_angle_deg)
    eff *= 1.0 + p.team_coordination_gain * t[:, COORDINATION]
    x = np.minimum(eff * capacity * m.workload_norm / workload, MAX_EFFORT_PER_NEED)
    per_prof = np.append(p.production_scale * x ** p.exponent_effort, 0.0)
    school = np.ones(p.n_domains)
    school[0] = inclusion_factor(p.inclusion_quota, p.inclusion_teaching_time,
                                 t[m.domain_start[0]:m.domain_start[1], QUALITY].sum()
                                 / m.domain_count[0])
    m.school_factor = school[0]
    # linked-need cap, for citizens with an open case only
    active = m.active_rows
    # take: gathers rows several times faster than fancy indexing; then in place
    blocked = c.need.take(active, axis=0)
    blocked /= p.linked_need_cap
    np.log1p(np.minimum(blocked, 1.0, out=blocked), out=blocked)
    linked = blocked @ m.links
    linked *= np.where(c.in_team[active], 1.0 - TEAM_CAP_RELIEF, 1.0)[:, None]
    cap = np.exp(np.negative(linked, out=linked), out=linked)
    idx, rows, cols = m.open_idx, m.open_rows, m.open_cols
    need = c.need.reshape(-1)
    copro = (1.0 + c.coproduction.take(rows)) ** p.exponent_coproduction
    assigned = m.open_prof
    info = c.info.reshape(-1)
    known = info.take(idx)
    at = m.row_pos.take(rows) * p.n_domains + cols
    share = per_prof.take(assigned) * cap.reshape(-1).take(at) * known
    # a task handed to civil society is no longer produced publicly (MODEL.md §10.2)
    share *= (service_factor(m.ration) * school * (1.0 - m.handed))[cols] * copro
    share *= 1.0 - p.compliance_weight * (1.0 - beliefs.legitimacy(c).take(rows))
    np.minimum(share, MAX_RESOLVED_SHARE, out=share)
    before = m.open_need
    resolved = before * share
    need[idx] = before - resolved
    info[idx] = known + p.info_recovery_per_step * (1.0 - known)
    n = c.wellbeing.size
    m.resolved_total = float(resolved.sum())
    # astype: a weighted bincount of no cases is int64; the declared dtype is float64
    m.public_input = np.bincount(rows, share, minlength=n).astype(np.float64, copy=False)
    m.client_gain = np.bincount(assigned, resolved, minlength=m.n_professionals + 1)[:-1].astype(
        np.float64, copy=False)
    m.civil_resolved = produce_civil(m)
    target = wellbeing_index(c.need, p.wellbeing_need_scale)
    c.wellbeing += p.wellbeing_rate_per_step * (target - c.wellbeing)
