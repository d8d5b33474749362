"""Phase 7, measurement: KPIs with gaming and noise, audit, and an independent survey.

Each domain unit reports a KPI in [0, 1], the mean of its indicators (MODEL.md §4):

* throughput attainment: measured output per unit of need against a (ratcheted) target;
* timeliness: the share of cases done within a threshold. Processing times are lognormal
  with a median that falls with output time, so the share is ``Phi(z)``; gaming moves
  late cases from just above the threshold to just below it, which produces bunching in
  the last twelfth of the allowed time (Locker & Mason 2005: 4.7% -> 8.4% of patients
  left in the last 20 minutes before the 4-hour limit);
* in the school domain, when an inclusion quota is set, the quota attainment (an input).

Reported KPI = measured indicators + gaming uplift + noise. An audit (probability mu per
unit per step) strips the gaming uplift and sanctions the unit's gamers. The survey
asks a random sample of citizens whether they are doing well (each says yes with
probability equal to their wellbeing): the true outcome plus sampling noise, on the KPI's
share scale (Bevan & Hood 2006: official 90% vs 69% in a patient survey).
"""

from __future__ import annotations

from math import log, sqrt
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import ndtr

from sim.state import GAMING, OUTPUT

if TYPE_CHECKING:
    from sim.policies import Levers
    from sim.state import ModelState

#: Lognormal spread of processing times.
TIMELINESS_SIGMA = 0.6
#: Median processing time (in threshold units) at unit output per need.
TIMELINESS_MEDIAN = 0.33
#: Width of the window above the threshold from which gaming moves cases.
GAMING_WINDOW = log(1.3)
#: Last-minute window below the threshold (the last 20 of 240 minutes).
LAST_WINDOW = log(11.0 / 12.0)
#: Share of the window's late cases moved per unit of gaming time.
BUNCHING_PER_GAMING = 3.0
#: Reported-KPI uplift per unit of gaming time (creative counting, reclassification).
GAMING_UPLIFT = 4.0
#: Reference output per unit need at which throughput meets the initial target.
TARGET_OUTPUT = 0.55
#: KPI a unit is taken to report before it is first measured (and where one is missing).
INITIAL_KPI = 0.75
#: League tables rank units by ``LEAGUE_OFFSET - KPI``: a unit at full KPI still keeps a
#: little attention, so no share falls to zero (assumed).
LEAGUE_OFFSET = 1.05
#: SD of KPI noise per unit of sqrt(kpi_noise_var): a noise variance of 1 gives 0.1 on
#: the 0-1 KPI scale.
KPI_NOISE_SCALE = 0.1
#: Factor on a detected gamer's propensity after an audit (the sanction deters).
SANCTION_FACTOR = 0.7
#: Perceived control gained by every professional of an audited unit.
AUDIT_CONTROL_GAIN = 0.1


def timeliness(output_per_need: np.ndarray, gaming: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return true on-time share, reported on-time share and bunching share per unit.

    Args:
        output_per_need: measured output time per unit of need, per unit.
        gaming: mean gaming time share, per unit.
    """
    median = TIMELINESS_MEDIAN / np.maximum(output_per_need, 1e-6)
    z = -np.log(median) / TIMELINESS_SIGMA
    on_time = ndtr(z)
    last = on_time - ndtr(z + LAST_WINDOW / TIMELINESS_SIGMA)
    moved = np.minimum(1.0, BUNCHING_PER_GAMING * gaming) * (
        ndtr(z + GAMING_WINDOW / TIMELINESS_SIGMA) - on_time)
    return on_time, on_time + moved, last + moved


def measure(m: ModelState, lev: Levers) -> None:
    """Compute unit KPIs, audit them, and run the survey (in place on the model)."""
    p, pro, c = m.p, m.professionals, m.citizens
    rng = m.streams.measurement
    d = p.n_domains
    count = m.domain_count
    work = np.maximum(np.bincount(pro.domain, pro.workload, minlength=d), 1e-9)
    output = np.bincount(pro.domain, pro.time[:, OUTPUT], minlength=d) * m.capacity
    output_per_need = output * m.workload_norm / work
    gaming = np.bincount(pro.domain, pro.time[:, GAMING], minlength=d) / count
    thru_true = np.minimum(output_per_need / m.targets, 1.0)
    on_time, on_time_reported, bunching = timeliness(output_per_need, gaming)
    n_ind = np.full(d, 2.0)  # indicators per unit: throughput and timeliness
    true_sum = thru_true + on_time
    reported_sum = thru_true + on_time_reported
    if p.inclusion_quota > 0.0:  # the quota is met by placement decisions: attainment 1
        n_ind[0] += 1.0
        true_sum[0] += 1.0
        reported_sum[0] += 1.0
    noise = rng.normal(0.0, KPI_NOISE_SCALE * sqrt(p.kpi_noise_var), d)
    audited = rng.random(d) < lev.audit
    reported = np.minimum(reported_sum / n_ind + GAMING_UPLIFT * gaming, 1.0)
    m.kpi_units = np.minimum(np.maximum(np.where(audited, true_sum / n_ind, reported) + noise, 0.0), 1.0)
    m.throughput_attainment = thru_true
    m.bunching = float(bunching @ work / work.sum())
    if audited.any():  # sanctions: detected gamers game less; the audited unit feels controlled
        hit = audited[pro.domain] & (pro.time[:, GAMING] > 0.0)
        pro.gaming_propensity[hit] *= SANCTION_FACTOR
        pro.perceived_control[audited[pro.domain]] += AUDIT_CONTROL_GAIN
        np.minimum(pro.perceived_control, 1.0, out=pro.perceived_control)
    sample = rng.integers(0, c.wellbeing.size, p.survey_sample)
    yes = rng.random(p.survey_sample) < c.wellbeing[sample]
    m.survey = np.count_nonzero(yes) / yes.size
    clients = np.maximum(np.bincount(m.open_cols, minlength=d), 1)
    m.unit_outcome = np.bincount(m.open_cols, c.wellbeing[m.open_rows], minlength=d) / clients
