"""Phases 2-3: politicians set domain budgets yearly; leaders set targets and learn.

Politicians (MODEL.md §2) hold priorities over domains and a fixed yearly budget. They
move budget shares toward their priorities and toward the signals they watch: KPI league
tables (domains that look bad on visible KPIs get money; the council's mean electoral
pressure sets how much the league table counts against its own priorities) or frontline
reports of real need. Budgets are sticky (incrementalism; Wildavsky 1964). A budget cut
applies from ``budget_cut_step`` on, month by month. What the council is shown in a year
(:func:`watched_signals`) is read twice: by its members, who set their goals from it first
(:mod:`sim.mechanisms.council`), then by :func:`set_budgets`.

Leaders run March's (1991) exploration/exploitation model: each unit has a code (the
share of effort it expects on quality rather than measured output). Professionals
socialise toward the code at rate p1 each step; every quarter the code learns (rate p2)
from the practice of the professionals who do best on the leader's signal: the KPI
(exploitation, the "clever" leader) or frontline signals of true client outcomes
(exploration, the humble leader). Targets ratchet up by rho after a year on target
(Hood 2006; Bevan & Hood 2006).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.calendar import is_new_year, is_quarter_end
from sim.mechanisms.arena import PROGRAMME_COST
from sim.mechanisms.measurement import LEAGUE_OFFSET
from sim.state import GAMING, OUTPUT

if TYPE_CHECKING:
    from sim.policies import Levers
    from sim.state import ModelState

#: Weight of the council's own priorities against the signals it watches.
PRIORITY_WEIGHT = 0.4
#: Most service a case can absorb, relative to the standard the initial budget buys
#: (assumed: more hours and better offers help, but a case cannot use unbounded service).
MAX_SERVICE_LEVEL = 3.0
#: Noise (relative) in frontline reports of need.
REPORT_NOISE = 0.1
#: Mean KPI over the year at which a unit counts as on target and its target ratchets
#: (Hood 2006: targets rise after they are met).
ON_TARGET_KPI = 0.9
#: SD of the monthly random drift in professionals' practice (March 1991's noise in
#: beliefs; keeps diversity for the code to learn from).
PRACTICE_NOISE = 0.02


class Watched(NamedTuple):
    """What the council is shown in a year: the league table, frontline reports, the arena.

    Attributes:
        visible: the league table, ``LEAGUE_OFFSET`` minus each unit's 12-month mean KPI
            (not normalised: units that look bad on visible KPIs rank high).
        frontline: frontline reports of open need per domain, as shares (noisy).
        arena: the budget shares of the latest implemented arena decision, or ``None``.
    """

    visible: np.ndarray
    frontline: np.ndarray
    arena: np.ndarray | None

    def shown(self, lev: Levers) -> np.ndarray:
        """The signal the style makes visible, as shares: league table, reports, arena.

        ``(1 - f) * league + f * frontline`` with ``f = budget_from_frontline``, then
        blended with the arena's recommendation at ``budget_from_arena`` where one exists.
        """
        f = lev.budget_from_frontline
        signal = (1.0 - f) * self.visible / self.visible.sum() + f * self.frontline
        if self.arena is not None and lev.budget_from_arena > 0.0:
            a = lev.budget_from_arena
            signal = (1.0 - a) * signal + a * self.arena
        return signal


def watched_signals(m: ModelState) -> Watched | None:
    """Yearly: what the council sees this year (``None`` in the first month, before any KPI).

    The frontline reports' noise is drawn every year, in every style, so the
    ``politicians`` stream stays paired across styles.
    """
    p = m.p
    rng = m.streams.politicians
    noise = rng.normal(1.0, REPORT_NOISE, p.n_domains)  # drawn every year, every style
    if m.steps == 1:
        return None
    visible = LEAGUE_OFFSET - m.kpi_history.mean(axis=0)
    open_need = m.citizens.need.reshape(-1)[m.open_idx]
    reported = np.bincount(m.open_cols, open_need, minlength=p.n_domains) * noise
    total = reported.sum()
    frontline = reported / total if total > 0.0 else m.budget_shares
    return Watched(visible, frontline, m.arena_recommendation)


def set_budgets(m: ModelState, lev: Levers, seen: Watched | None) -> None:
    """Yearly: the council sets the domain shares from its priorities and what it sees (in place).

    The council's mean electoral pressure weighs the league table against its own mean
    priorities; the style's levers weigh that against frontline reports and the arena.
    Nothing moves in the first month (``seen`` is ``None``).
    """
    if seen is None:
        return
    p = m.p
    priorities = m.politician_priorities.mean(axis=0)
    visible = seen.visible
    pressure = m.electoral_pressure
    league = pressure * visible / visible.sum() + (1.0 - pressure) * priorities
    f = lev.budget_from_frontline
    signal = (1.0 - f) * league + f * seen.frontline
    if seen.arena is not None and lev.budget_from_arena > 0.0:
        a = lev.budget_from_arena
        signal = (1.0 - a) * signal + a * seen.arena
    target = PRIORITY_WEIGHT * priorities + (1.0 - PRIORITY_WEIGHT) * signal
    shares = p.budget_stickiness * m.budget_shares + (1.0 - p.budget_stickiness) * target
    m.budget_shares = shares / shares.sum()


def apply_budget(m: ModelState) -> None:
    """Monthly: staff capacity, service level and outreach from the domain budgets (in place).

    Spending never exceeds the budget, and unspent money is not free slack (MODEL.md
    §10.4): staff hours shrink when a domain's budget is below its wage bill; an arena's
    outreach earmark (``arena_outreach``, a share of the framed domains' budget) is paid
    first, a prioritisation toward latent need at the expense of open cases; the standard
    service for open cases is bought with what is left; what remains buys more service
    per case (caseworkers ask for their own clients) up to :data:`MAX_SERVICE_LEVEL`; only
    the rest pays outreach that finds latent need; and what a domain cannot use goes to
    the others. A task handed to civil society (``handed``) takes its share of the service
    money and of the demand with it: that money is neither spent nor budgeted any more
    (``budget_month`` is net of it), so handing over lowers what a style costs
    (``budget_level``), not the share of its budget it uses. Under a cut, outreach and
    extra service give first, then the standard service is rationed. ``ration`` is the
    service level per unit of demand.

    Budget follow-up (``budget_follow_up``): at each quarter's end the council sets the
    next quarter's budget to what the domains could use (staff, the service ceiling for
    their open cases and outreach to all latent need), where that is below the frame, and
    returns the rest to the treasury; when need grows the budget comes back, up to the
    frame. A style that resolves need so well that every domain is at its ceiling thus
    costs less (``budget_level``) instead of leaving slack.
    """
    p = m.p
    cut = p.budget_cut if m.steps >= p.budget_cut_step else 0.0
    m.budget_frame = frame = m.base_budget_month * (1.0 - cut)
    facilitation = 0.0
    if m.arena_now is not None:
        facilitation = m.arena_now.facilitation * m.arena_now.facilitation_cost * frame
    programme = m.arena_programme * PROGRAMME_COST * frame
    m.budget_month = min(frame, m.budget_ceiling + facilitation + programme)
    budget_d = m.budget_shares * m.budget_month
    if facilitation > 0.0:  # facilitation is paid from the framed domains' budgets
        framed = m.budget_shares * m.arena_frame
        budget_d = budget_d - facilitation * framed / framed.sum()
    # an arena-funded co-production programme is paid from the domains' budgets
    budget_d = budget_d - programme * m.budget_shares
    m.capacity = np.minimum(1.0, budget_d / m.staff_cost)
    staff = m.staff_cost * m.capacity
    work = m.domain_workload
    demand = m.unit_cost * work * (1.0 - m.handed)  # handed tasks need no public service
    # a task handed to civil society takes its share of the service money with it: the
    # municipality no longer pays for it (MODEL.md §10.2, "spending falls")
    service_money = np.maximum(budget_d - staff, 0.0)
    money = service_money * (1.0 - m.handed)
    reach = m.p.outreach_cost * m.unit_cost * m.latent_need
    # an arena's outreach earmark comes first, from the framed domains, where latent need is
    earmark = np.zeros_like(money)
    if m.arena_outreach > 0.0 and m.arena_frame is not None:
        framed = m.latent_need * m.arena_frame
        if framed.sum() > 0.0:
            pot = m.arena_outreach * float(budget_d @ m.arena_frame)
            earmark = np.minimum(np.minimum(pot * framed / framed.sum(), reach), money)
    standard = np.minimum(demand, money - earmark)
    # what is left buys more service for the open cases, whose caseworkers ask for it, up
    # to MAX_SERVICE_LEVEL times the standard; only what remains then finds latent need
    extra = np.minimum(money - earmark - standard, (MAX_SERVICE_LEVEL - 1.0) * demand)
    outreach = earmark + np.minimum(money - earmark - standard - extra, reach - earmark)
    # what a domain cannot use goes to the others (virement), first to their latent need,
    # then to their service up to the same ceiling, in proportion to what each can absorb
    pool = float((money - standard - extra - outreach).sum())
    for room, spent in ((reach - outreach, outreach), ((MAX_SERVICE_LEVEL - 1.0) * demand - extra,
                                                       extra)):
        room = np.maximum(room, 0.0)
        if pool > 0.0 and room.sum() > 0.0:
            given = room * min(1.0, pool / float(room.sum()))
            spent += given
            pool -= float(given.sum())
    m.ration = (standard + extra) / np.maximum(demand, 1e-12)
    m.outreach = np.where(reach > 1e-12, outreach / np.maximum(reach, 1e-12), 0.0)
    m.outreach_spending = float(outreach.sum())
    m.spending = (float((staff + standard + extra).sum()) + m.outreach_spending + facilitation
                  + programme)
    # the money that went with the handed tasks is no longer budgeted: the budget, not only
    # spending, falls (MODEL.md §10.2, §10.4)
    m.budget_month -= float((service_money * m.handed).sum())
    if p.budget_follow_up and is_quarter_end(m.steps):
        # budget follow-up: what the domains could use at the service ceiling, with every
        # latent need reached, is the next quarter's budget where it is below the frame;
        # the rest goes back to the treasury, and the budget returns when need grows
        usable = (m.staff_cost + ((MAX_SERVICE_LEVEL * demand + reach)
                                  / np.maximum(1.0 - m.handed, 1e-9)))
        m.budget_ceiling = float(usable.sum())


def steer(m: ModelState, lev: Levers) -> None:
    """Leaders: ratchet targets yearly, socialise practice monthly, learn quarterly."""
    p, pro = m.p, m.professionals
    rng = m.streams.policy
    step = m.steps
    if step > 1 and is_new_year(step):
        on_target = m.kpi_history.mean(axis=0) >= ON_TARGET_KPI
        m.targets = np.where(on_target, m.targets * (1.0 + lev.ratchet_per_year), m.targets)
    code = m.code[pro.domain]
    pro.practice += p.conformity_per_step * (code - pro.practice)
    pro.practice += rng.normal(0.0, PRACTICE_NOISE, pro.domain.size)
    np.minimum(np.maximum(pro.practice, 0.0, out=pro.practice), 1.0, out=pro.practice)
    if is_quarter_end(step):
        work = np.maximum(pro.workload, 1e-9)
        kpi_signal = (pro.time[:, OUTPUT] + pro.time[:, GAMING]) / work
        true_signal = m.client_outcome
        w = lev.learn_from_frontline
        signal = (1.0 - w) * _standardise(kpi_signal, pro.domain) + w * _standardise(
            true_signal, pro.domain)
        good = signal > 0.0
        d = p.n_domains
        n_good = np.bincount(pro.domain, good, minlength=d)
        best = np.bincount(pro.domain, pro.practice * good, minlength=d) / np.maximum(n_good, 1)
        m.code += p.code_learning_per_quarter * np.where(n_good > 0, best - m.code, 0.0)


def _standardise(x: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Z-score ``x`` within each group (zero where a group has no spread)."""
    count = np.maximum(np.bincount(groups), 1)
    mean = np.bincount(groups, x) / count
    var = np.bincount(groups, x * x) / count - mean ** 2
    sd = np.sqrt(np.maximum(var, 0.0))[groups]
    return np.where(sd > 1e-12, (x - mean[groups]) / np.where(sd > 1e-12, sd, 1.0), 0.0)
