"""Phase 1, needs: new needs arrive, met needs decline, unmet linked needs spill over.

Shocks come from the ``needs`` stream in a shape that does not depend on the model's
state, so every steering style sees the same shocks for the same seed. Sizes scale with
the citizen's frailty, which keeps the heavy tail of need over time (Deloitte 2017: 1% of
citizens account for ~30% of welfare spending). Unmet need above the case threshold in a
linked domain adds to a domain's need (cross-domain interaction; MODEL.md §4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model import GovernanceModel


def draw_shocks(rng: np.random.Generator, n_cells: int, rate: float, scale: float
                ) -> tuple[np.ndarray, np.ndarray]:
    """Return flat cell indices and sizes of this step's new needs (state-independent)."""
    count = rng.binomial(n_cells, rate)
    return rng.integers(0, n_cells, count), rng.exponential(scale, count)


def evolve_needs(m: GovernanceModel) -> None:
    """Add shocks, apply natural decline, and spill unmet linked need (in place)."""
    p, c = m.p, m.citizens
    need = c.need
    n_domains = need.shape[1]
    cells, sizes = draw_shocks(m.streams.needs, need.size, p.shock_per_step, p.need_scale)
    np.add.at(need.reshape(-1), cells, c.frailty[cells // n_domains] * sizes)
    excess = np.maximum(need - p.need_threshold, 0.0)
    need *= 1.0 - p.need_decline_per_step
    need += p.link_worsening_per_step * (excess @ m.links)
    np.minimum(need, p.need_max, out=need)
