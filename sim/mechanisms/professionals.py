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

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.policies import Levers

#: Monthly drift of sanctioned gamers back toward their own propensity.
SANCTION_MEMORY = 0.05
#: Crowding-out multiplier of the weak regime.
WEAK_CROWDING = 0.25


def perceived_control_target(incentive: float, documentation: float,
                             supportiveness: float) -> float:
    """Steady-state perceived control under the levers (0-1)."""
    value = 0.15 + 0.7 * incentive * (1.0 - 0.6 * supportiveness) + 0.5 * (documentation - 0.15)
    return float(np.clip(value, 0.0, 1.0))


def crowding_step(im: np.ndarray, incentive: float, control: np.ndarray, support: float,
                  kappa_out: float, kappa_in: float) -> np.ndarray:
    """Return intrinsic motivation after one step of crowding out and in (P5)."""
    im = im - kappa_out * incentive * control * im + kappa_in * support * (1.0 - im)
    return np.minimum(np.maximum(im, 0.0, out=im), 1.0, out=im)


def update_professionals(m: GovernanceModel, lev: Levers) -> np.ndarray:
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
    pro.burnout += p.burnout_rate_per_step * (load - 0.9)
    np.minimum(np.maximum(pro.burnout, 0.0, out=pro.burnout), 1.0, out=pro.burnout)
    leave = rng.random(n) < p.turnover_per_step + p.burnout_turnover_per_step * pro.burnout
    k = int(np.count_nonzero(leave))
    pro.intrinsic_motivation[leave] = rng.beta(5.0, 3.0, k)
    pro.gaming_propensity += SANCTION_MEMORY * (pro.gaming_base - pro.gaming_propensity)
    pro.gaming_propensity[leave] = pro.gaming_base[leave] = rng.beta(0.6, 2.4, k)
    pro.practice[leave] = m.code[pro.domain[leave]]
    pro.burnout[leave] = 0.0
    pro.perceived_control[leave] = 0.5
    return leave
