"""Phase 8, citizens: satisfaction, trust and co-production (MODEL.md §4).

* Satisfaction follows expectancy-disconfirmation (Van Ryzin 2006):
  ``sat = beta1 * perf + beta2 * (perf - expectation)``; expectations adapt to performance.
  Perceived performance is wellbeing less the burden of uncoordinated plans (P7).
* Trust moves toward satisfaction, faster down than up (asymmetric; Slovic 1993), and is
  pulled weakly toward network neighbours' trust (word of mouth on a small world).
* Co-production rises with resources, self-efficacy, trust and legitimacy (their mean)
  and with the support
  professionals give (Ostrom 1996; Jakobsen 2013); where citizens see public input as a
  substitute, more public effort lowers their own. Untargeted support is taken up in
  proportion to resources and so widens inequity; targeted support reaches low-resource
  citizens and narrows it (Jakobsen & Andersen 2013).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.mechanisms import beliefs
from sim.mechanisms.population import VOICE_TRUST_WEIGHT
from sim.state import SUPPORT

if TYPE_CHECKING:
    from sim.policies import Levers
    from sim.state import ModelState

#: Perceived-performance cost of each open plan beyond the first.
PLAN_BURDEN = 0.03
#: Co-production gained per unit of support received (Jakobsen 2013: resources, not
#: encouragement alone, raise co-production).
SUPPORT_EFFECT = 6.0
#: Self-efficacy gained per unit of co-production support per step.
EFFICACY_GAIN = 0.05
#: Belief's part in desired co-production: ``BASE + WEIGHT * (trust + legitimacy) / 2``
#: (citizens who doubt the municipality still co-produce at 0.4 of the others; assumed).
COPRODUCTION_TRUST_BASE, COPRODUCTION_TRUST_WEIGHT = 0.4, 0.6
#: Own co-production given up per unit of public input, where citizens see it as a
#: substitute.
SUBSTITUTION_EFFECT = 0.3
#: Monthly rate at which voice moves toward its target (trust, legitimacy and resources).
VOICE_RATE_PER_STEP = 0.05


def update_citizens(m: ModelState, lev: Levers) -> None:
    """Update satisfaction, expectation, trust, co-production and voice (in place)."""
    p, c, pro = m.p, m.citizens, m.professionals
    perf = c.wellbeing - PLAN_BURDEN * np.maximum(c.plans - 1.0, 0.0)
    c.satisfaction = (p.satisfaction_performance * perf
                      + p.satisfaction_disconfirmation * (perf - c.expectation))
    c.expectation += p.expectation_rate_per_step * (perf - c.expectation)
    gap = np.minimum(np.maximum(c.satisfaction, 0.0), 1.0) - c.trust
    c.trust += np.where(gap > 0.0, p.trust_gain_per_step, p.trust_loss_per_step) * gap
    c.trust += p.trust_spread_per_step * (c.neighbours @ c.trust - c.trust)
    np.minimum(np.maximum(c.trust, 0.0, out=c.trust), 1.0, out=c.trust)

    # Co-production support per unit need in each domain, shared by take-up weights.
    support_time = np.bincount(pro.domain, pro.time[:, SUPPORT], minlength=p.n_domains)
    support_d = support_time * m.capacity * m.workload_norm / m.domain_workload
    n_open = np.maximum(m.open_count, 1)
    take_up = _take_up(m, lev.support_targeting)
    support = np.bincount(m.open_rows, support_d[m.open_cols], minlength=n_open.size)
    support = (support / n_open + m.arena_programme) * take_up
    public = m.public_input * c.substitutes
    # trusting the competence, accepting the decisions
    belief = 0.5 * (beliefs.trust(c) + beliefs.legitimacy(c))
    desired = (m.sqrt_resources * c.self_efficacy
               * (COPRODUCTION_TRUST_BASE + COPRODUCTION_TRUST_WEIGHT * belief)
               + SUPPORT_EFFECT * support - SUBSTITUTION_EFFECT * public)
    c.coproduction += p.coproduction_rate_per_step * (np.minimum(np.maximum(desired, 0.0), 1.0)
                                                      - c.coproduction)
    c.self_efficacy += EFFICACY_GAIN * np.minimum(support, 1.0) * (1.0 - c.self_efficacy)
    c.voice += VOICE_RATE_PER_STEP * (VOICE_TRUST_WEIGHT * belief + m.voice_resources - c.voice)


def _take_up(m: ModelState, targeting: float) -> np.ndarray:
    """Who takes up support: in proportion to resources, or to their lack when targeted.

    Resources are fixed, so the weights are cached per targeting level.
    """
    cached = m.take_up_cache.get(targeting)
    if cached is None:
        r = m.citizens.resources
        cached = ((1.0 - targeting) * r / m.mean_resources
                  + targeting * (1.0 - r) / (1.0 - m.mean_resources))
        m.take_up_cache = {targeting: cached}
    return cached
