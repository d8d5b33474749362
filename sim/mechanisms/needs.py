"""Phase 1, needs: new needs arrive, met needs decline, unmet linked needs spill over.

Shocks come from the ``needs`` stream in a shape that does not depend on the model's
state, so every steering style sees the same shocks for the same seed. Sizes scale with
the citizen's frailty, which keeps the heavy tail of need over time (Deloitte 2017: 1% of
citizens account for ~30% of welfare spending). Unmet need above the case threshold in an
open case or latent (up to one threshold's worth) adds to the need in linked domains (cross-domain
interaction; MODEL.md §4).
Need per domain is capped at ``need_max``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.state import ModelState


def draw_shocks(rng: np.random.Generator, n_cells: int, rate: float, scale: float
                ) -> tuple[np.ndarray, np.ndarray]:
    """Return flat cell indices and sizes of this step's new needs (state-independent)."""
    count = rng.binomial(n_cells, rate)
    return rng.integers(0, n_cells, count), rng.exponential(scale, count)


def evolve_needs(m: ModelState) -> np.ndarray:
    """Add shocks, apply natural decline, spill unmet linked need; return touched cells."""
    p, c = m.p, m.citizens
    n_domains = c.need.shape[1]
    flat = c.need.reshape(-1)
    cells, sizes = draw_shocks(m.streams.needs, flat.size, p.shock_per_step, p.need_scale)
    np.add.at(flat, cells, c.frailty.reshape(-1).take(cells) * sizes)
    idx = np.concatenate([m.open_idx, m.latent_idx])  # open cases and latent need both spill
    excess = np.minimum(np.maximum(flat.take(idx) - p.need_threshold, 0.0), p.need_threshold)
    flat *= 1.0 - p.need_decline_per_step
    spilling = idx.take(np.flatnonzero(excess))
    rows = spilling // n_domains
    cols = spilling - rows * n_domains
    excess = excess[excess > 0.0]
    targets = (rows * n_domains)[:, None] + m.link_list.take(cols, axis=0)
    amounts = (p.link_worsening_per_step * excess)[:, None] * m.link_weight.take(cols, axis=0)
    targets, amounts = targets.reshape(-1), amounts.reshape(-1)
    np.add.at(flat, targets, amounts)
    touched = np.concatenate([cells, targets[amounts > 0.0]])
    flat[touched] = np.minimum(flat.take(touched), p.need_max)
    return touched
