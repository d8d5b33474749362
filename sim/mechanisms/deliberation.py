"""Deliberation: bounded-confidence opinion dynamics and decision rules (MODEL.md §4).

* :func:`hegselmann_krause` — each participant moves to the influence-weighted mean of
  the opinions within its confidence bound (Hegselmann & Krause 2002; heterogeneous
  bounds as in Lorenz 2010). Opinions are scalars in [0, 1] or priority vectors on the
  simplex; vectors are compared by total-variation distance (half the L1 distance).
* :func:`decide` — consensus, supermajority (0.75) or majority over the clusters that
  deliberation leaves (Choi & Robertson 2014).
* :func:`outcome_measures` — Choi & Robertson's acceptability (mean utility of the
  outcome) and equity (how evenly the outcome serves the parties at the table: the
  lowest party's mean utility over the highest's).
* :func:`toward_citizens` and :func:`moved_toward` — where a decided priority vector sits
  between two views, and whether a move of the shares went toward what someone wants.

Pure functions of their arguments: no model, no random state.
"""

from __future__ import annotations

import numpy as np

#: Share of the weight a cluster needs under each decision rule.
RULE_SHARE = {"consensus": 1.0, "supermajority": 0.75, "majority": 0.5}
#: Opinions closer than this count as one cluster.
CLUSTER_TOLERANCE = 1e-2


def distance(opinions: np.ndarray) -> np.ndarray:
    """Pairwise distances: absolute difference (scalars) or total variation (vectors)."""
    if opinions.ndim == 1:
        return np.abs(opinions[:, None] - opinions[None, :])
    return 0.5 * np.abs(opinions[:, None, :] - opinions[None, :, :]).sum(axis=2)


def hegselmann_krause(opinions: np.ndarray, bounds: np.ndarray, weights: np.ndarray | None = None,
                      max_rounds: int = 200, tol: float = 1e-7) -> np.ndarray:
    """Run bounded-confidence dynamics to convergence (or ``max_rounds``).

    Args:
        opinions: shape (n,) in [0, 1] or (n, k) rows on the simplex.
        bounds: confidence bound per participant, shape (n,).
        weights: influence weight per participant (default equal).
        max_rounds: most synchronous updates.
        tol: stop when no opinion moves more than this.

    Returns:
        The final opinions, same shape as ``opinions``.
    """
    x = np.asarray(opinions, dtype=float).copy()
    w = np.ones(x.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    eps = np.asarray(bounds, dtype=float)
    for _ in range(max_rounds):
        near = (distance(x) <= eps[:, None]) * w[None, :]
        new = near @ x.reshape(x.shape[0], -1) / near.sum(axis=1, keepdims=True)
        new = new.reshape(x.shape)
        if np.abs(new - x).max() < tol:
            return new
        x = new
    return x


def clusters(opinions: np.ndarray, tolerance: float = CLUSTER_TOLERANCE) -> np.ndarray:
    """Label each participant with a cluster id (greedy: within ``tolerance`` of a leader)."""
    d = distance(opinions)
    labels = np.full(d.shape[0], -1)
    current = 0
    for i in range(d.shape[0]):
        if labels[i] < 0:
            labels[(labels < 0) & (d[i] <= tolerance)] = current
            current += 1
    return labels


def decide(final: np.ndarray, weights: np.ndarray, rule: str) -> tuple[bool, np.ndarray]:
    """Apply a decision rule to deliberated opinions.

    The largest cluster (by influence weight) decides if its share of the weight meets the
    rule: all of it for consensus, 0.75 for a supermajority, more than half for a majority.

    Returns:
        ``(success, decision)``: the decision is the cluster's weighted mean opinion (the
        whole group's weighted mean when the rule fails, for reference).
    """
    if rule not in RULE_SHARE:
        raise ValueError(f"decision_rule: must be one of {', '.join(RULE_SHARE)}, got {rule!r}")
    labels = clusters(final)
    share = np.bincount(labels, weights) / weights.sum()
    top = int(np.argmax(share))
    need = RULE_SHARE[rule]
    ok = share[top] >= need - 1e-12 if rule != "majority" else share[top] > need
    members = labels == top if ok else np.ones(labels.size, dtype=bool)
    decision = np.average(final[members], axis=0, weights=weights[members])
    return bool(ok), decision


def utilities(decision: np.ndarray, preferences: np.ndarray) -> np.ndarray:
    """Each participant's utility: one minus the distance from the decision to their preference."""
    both = np.vstack([decision[None, ...], preferences]) if preferences.ndim > 1 else np.r_[
        decision, preferences]
    return np.maximum(1.0 - distance(both)[0, 1:], 0.0)


def party_utilities(decision: np.ndarray, preferences: np.ndarray,
                    parties: np.ndarray) -> np.ndarray:
    """Mean utility of ``decision`` per party label 0, 1, ... (NaN for an absent party)."""
    utility = utilities(decision, preferences)
    return np.array([utility[parties == g].mean() if (parties == g).any() else np.nan
                     for g in range(int(parties.max()) + 1)])


def outcome_measures(decision: np.ndarray, preferences: np.ndarray,
                     parties: np.ndarray | None = None) -> tuple[float, float]:
    """Acceptability and equity of ``decision`` for participants' initial ``preferences``.

    Utility is one minus the distance between the decision and a participant's own
    preference. Acceptability is mean utility. Equity is the lowest party's mean utility
    over the highest party's (1 = every party equally well served); ``parties`` labels
    each participant (default: each is its own party).
    """
    utility = utilities(decision, preferences)
    labels = np.arange(utility.size) if parties is None else np.asarray(parties)
    groups = np.unique(labels)
    means = np.array([utility[labels == g].mean() for g in groups])
    return float(utility.mean()), float(means.min() / means.max()) if means.max() > 0 else 0.0


def toward_citizens(decision: np.ndarray, citizens: np.ndarray, council: np.ndarray) -> float:
    """How far a decided priority vector sits from the council's view toward citizens', 0-1.

    The projection of ``decision`` on the line from ``council`` to ``citizens``, clipped
    (1: the citizens' priorities, 0: the council's; 0.5 when the two views agree).
    """
    gap = citizens - council
    norm = float(gap @ gap)
    if norm < 1e-18:
        return 0.5
    return float(np.clip((decision - council) @ gap / norm, 0.0, 1.0))


def moved_toward(wanted: np.ndarray, before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Per row of ``wanted`` priorities: did the shares move toward them, -1 to 1.

    The gain in closeness (one minus total-variation distance) from ``before`` to
    ``after``, over the distance moved: 1 when the budget moved straight toward what a
    citizen wants, -1 straight away from it, 0 when nothing moved. Rows are normalised.
    """
    moved = 0.5 * float(np.abs(after - before).sum())
    if moved < 1e-12:
        return np.zeros(wanted.shape[0])
    want = wanted / np.maximum(wanted.sum(axis=1, keepdims=True), 1e-12)
    gain = 0.5 * (np.abs(want - before).sum(axis=1) - np.abs(want - after).sum(axis=1))
    return np.clip(gain / moved, -1.0, 1.0)
