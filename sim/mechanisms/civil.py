"""Civil society: citizens' own effort, family, networks, associations and volunteers.

MODEL.md §10.2 (Ostrom 1996; Parks et al. 1981; Pestoff 2012; Brandsen & Honingh 2016;
Jakobsen & Andersen 2013). Welfare is produced by public effort (complemented by each
citizen's co-production, :mod:`sim.mechanisms.production`) and also directly by civil
society, which resolves need whether or not it is a case:

    g_{i,d} = civil_capacity_i * (civil_production_per_step + handed_d * civil_task_per_step)
    need_{i,d} <- need_{i,d} * (1 - g_{i,d})

Civil capacity belongs to places in the network: each citizen's ``civil_base`` is the
mean resources of their neighbourhood (themselves and their network neighbours) times
``civil_strength``, so it is local and unequal. Capacity moves toward

    target_i = civil_base_i * (BASE + (1 - BASE) * belief_i) * (1 + MOBILISATION * programme)
               * (1 - civil_substitution * min(public_i, 1)) / (1 + civil_overload * load_i)

at ``civil_rate_per_step``: it grows with trust and legitimacy (``belief``, their mean)
and when mobilised (an arena-funded programme, as a share of its ceiling), erodes where
the municipality substitutes for it (``public``: the share of a citizen's need public
services resolved this month) and under overload (``load``: the need civil society
resolved for that citizen this month; volunteer burnout).

A co-creation decision can hand a share of a framed domain's task to civil society
(``handed``, :mod:`sim.mechanisms.arena`): public production and service demand in that
domain fall by that share, and civil society takes it on at ``civil_task_per_step`` times
local capacity, so wellbeing follows capacity, which is unequal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.mechanisms import beliefs
from sim.mechanisms.arena import PROGRAMME_MAX

if TYPE_CHECKING:
    from sim.state import ModelState

#: Share of civil capacity that does not depend on trust and legitimacy (networks and
#: family help whatever one thinks of the municipality; assumed).
CIVIL_BELIEF_BASE = 0.5
#: Growth of civil capacity at a full arena-funded programme (assumed: mobilisation by
#: co-creation raises it by at most a third).
CIVIL_MOBILISATION = 0.3


def civil_base(resources: np.ndarray, neighbours, strength: float) -> np.ndarray:
    """Each citizen's local civil capacity: their neighbourhood's mean resources, times strength."""
    return strength * 0.5 * (resources + neighbours @ resources)


def civil_share(m: ModelState) -> np.ndarray:
    """Share of each cell's need civil society resolves this month, shape (n_citizens, n_domains)."""
    p = m.p
    rate = p.civil_production_per_step + m.handed * p.civil_task_per_step
    share = np.multiply(m.citizens.civil_capacity[:, None], rate[None, :])
    return np.minimum(share, 1.0, out=share)


def produce_civil(m: ModelState) -> float:
    """Resolve need by civil society (in place); return the need resolved."""
    c = m.citizens
    resolved = civil_share(m)
    resolved *= c.need  # the need civil society resolves, in the share's buffer
    c.need -= resolved
    m.civil_load = resolved @ m.ones_domains
    return float(m.civil_load.sum())


def update_civil_capacity(m: ModelState) -> None:
    """Move civil capacity toward its target (growth, mobilisation, substitution, overload)."""
    p, c = m.p, m.citizens
    belief = 0.5 * (beliefs.trust(c) + beliefs.legitimacy(c))
    programme = m.arena_programme / PROGRAMME_MAX
    target = (c.civil_base * (CIVIL_BELIEF_BASE + (1.0 - CIVIL_BELIEF_BASE) * belief)
              * (1.0 + CIVIL_MOBILISATION * programme)
              * (1.0 - p.civil_substitution * np.minimum(m.public_input, 1.0))
              / (1.0 + p.civil_overload * m.civil_load))
    c.civil_capacity += p.civil_rate_per_step * (np.minimum(target, 1.0) - c.civil_capacity)
