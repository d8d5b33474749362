"""Phase 10, professionals: motivation crowding, burnout and turnover (MODEL.md §4).

Crowding (pattern P5; Deci, Koestner & Ryan 1999; Frey & Jegen 2001):
``dIM = -kappa_out * alpha * perceived_control * IM + kappa_in * support * (1 - IM)``.
Perceived control rises with incentive intensity and documentation and falls with
supportive leadership (Jacobsen, Hvitved & Andersen 2014). ``kappa_out`` and ``kappa_in``
are calibrated so that over one model-year a performance-contingent reward perceived as
controlling lowers intrinsic motivation by d = -0.28 and supportive feedback raises it by
d = +0.33. The ``weak`` regime quarters crowding out (Kim, Gerhart & Fang 2022).
Sanctioned gamers drift back toward their own propensity (deterrence fades).
Burnout builds under workload and administration; turnover rises with burnout, and a
departing professional's cases pass to the replacement (a handoff).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.mechanisms.population import GAMING_BETA, INITIAL_PERCEIVED_CONTROL, MOTIVATION_BETA

if TYPE_CHECKING:
    from sim.policies import Levers
    from sim.state import ModelState

#: Monthly drift of sanctioned gamers back toward their own propensity.
SANCTION_MEMORY = 0.05
#: Crowding-out multiplier of the weak regime.
WEAK_CROWDING = 0.25
#: Perceived control with no incentive and reference documentation (assumed baseline).
CONTROL_BASE = 0.15
#: Perceived control per unit of incentive intensity (Jacobsen, Hvitved & Andersen 2014:
#: incentives are read as control), and the share of it supportive leadership removes.
CONTROL_PER_INCENTIVE, SUPPORT_RELIEF = 0.7, 0.6
#: Perceived control per unit of documentation share above the reference share.
CONTROL_PER_DOCUMENTATION, REFERENCE_DOCUMENTATION = 0.5, 0.15
#: Relative load (workload and time against capacity) above which burnout builds and
#: below which it recovers.
BURNOUT_LOAD = 0.9


def perceived_control_target(incentive: float, documentation: float,
                             supportiveness: float) -> float:
    """Steady-state perceived control under the levers (0-1)."""
    value = (CONTROL_BASE + CONTROL_PER_INCENTIVE * incentive * (1.0 - SUPPORT_RELIEF * supportiveness)
             + CONTROL_PER_DOCUMENTATION * (documentation - REFERENCE_DOCUMENTATION))
    return float(np.clip(value, 0.0, 1.0))


def crowding_step(im: np.ndarray, incentive: float, control: np.ndarray, support: float,
                  kappa_out: float, kappa_in: float) -> np.ndarray:
    """Return intrinsic motivation after one step of crowding out and in (P5)."""
    im = im - kappa_out * incentive * control * im + kappa_in * support * (1.0 - im)
    return np.minimum(np.maximum(im, 0.0, out=im), 1.0, out=im)


def update_professionals(m: ModelState, lev: Levers) -> np.ndarray:
    """Update motivation, burnout and turnover; return the mask of departures."""
    p, pro = m.p, m.professionals
    rng = m.streams.professionals
    n = pro.domain.size
    target = perceived_control_target(lev.incentive, lev.documentation, lev.supportiveness)
    pro.perceived_control += p.control_rate_per_step * (target - pro.perceived_control)
    k_out = p.crowding_out * (WEAK_CROWDING if p.crowding_regime == "weak" else 1.0)
    pro.intrinsic_motivation = crowding_step(
        pro.intrinsic_motivation, lev.incentive, pro.perceived_control, lev.supportiveness,
        k_out, p.crowding_in)
    load = pro.workload / m.workload_norm * pro.time.sum(axis=1) / m.capacity[pro.domain]
    pro.burnout += p.burnout_rate_per_step * (load - BURNOUT_LOAD)
    np.minimum(np.maximum(pro.burnout, 0.0, out=pro.burnout), 1.0, out=pro.burnout)
    leave = rng.random(n) < p.turnover_per_step + p.burnout_turnover_per_step * pro.burnout
    k = int(np.count_nonzero(leave))
    pro.intrinsic_motivation[leave] = rng.beta(*MOTIVATION_BETA, k)
    pro.gaming_propensity += SANCTION_MEMORY * (pro.gaming_base - pro.gaming_propensity)
    pro.gaming_propensity[leave] = pro.gaming_base[leave] = rng.beta(*GAMING_BETA, k)
    pro.practice[leave] = m.code[pro.domain[leave]]
    pro.burnout[leave] = 0.0
    pro.perceived_control[leave] = INITIAL_PERCEIVED_CONTROL
    return leave
