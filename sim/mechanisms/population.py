"""Initial population: citizens, professionals, the social network and domain links.

All draws come from the ``population``, ``network`` and ``professionals`` streams, so the
initial state depends only on the seed and the parameters, never on the steering style.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sim.params import ModelParams

#: Names of the first six domains (MODEL.md §2); further domains are numbered.
DOMAIN_NAMES = ("school", "health", "employment", "social", "family", "housing")

#: Linked needs for the six named domains: progress in one is capped while the other's
#: need is open (employment cannot improve while housing or addiction needs are open).
_NAMED_LINKS = (("employment", "housing"), ("employment", "health"), ("social", "health"),
                ("family", "school"), ("family", "social"), ("housing", "social"))

#: Initial need relative to the no-service level (shocks / decline); tuned so that the
#: result-based status quo starts near its own steady state.
INITIAL_NEED_LEVEL = 0.75
#: Log-frailty difference between the poorest and the richest citizen.
RESOURCE_GRADIENT = 1.5

#: Index of time uses in professionals' time arrays.
OUTPUT, QUALITY, COORDINATION, GAMING, SUPPORT, DOCUMENTATION = range(6)
TIME_USES = ("output", "quality", "coordination", "gaming", "support", "documentation")


def domain_names(n_domains: int) -> list[str]:
    """Return the names of ``n_domains`` domains."""
    return [DOMAIN_NAMES[d] if d < len(DOMAIN_NAMES) else f"domain{d + 1}"
            for d in range(n_domains)]


def domain_links(n_domains: int) -> np.ndarray:
    """Return the symmetric 0/1 matrix of linked domains (zero diagonal).

    Six domains use the named links; other sizes link each domain to its ring neighbours.
    """
    links = np.zeros((n_domains, n_domains))
    if n_domains == len(DOMAIN_NAMES):
        index = {name: d for d, name in enumerate(DOMAIN_NAMES)}
        for a, b in _NAMED_LINKS:
            links[index[a], index[b]] = links[index[b], index[a]] = 1.0
    else:
        for d in range(n_domains):
            links[d, (d + 1) % n_domains] = links[(d + 1) % n_domains, d] = 1.0
    return links


def link_list(links: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each domain, its linked domains and a 0/1 weight (shape D x max degree each).

    Rows shorter than the maximum degree are padded with the domain itself at weight 0, so
    vectorised scatters need no mask (adding zero to a cell's own need changes nothing).
    """
    degree = max(int(links.sum(axis=0).max()), 1)
    n = links.shape[0]
    out = np.repeat(np.arange(n)[:, None], degree, axis=1)
    weight = np.zeros((n, degree))
    for d in range(n):
        linked = np.flatnonzero(links[:, d])
        out[d, :linked.size] = linked
        weight[d, :linked.size] = 1.0
    return out, weight


def small_world(n: int, k: int, p: float, rng: np.random.Generator) -> sp.csr_matrix:
    """Watts & Strogatz (1998) small-world graph as a symmetric 0/1 CSR adjacency matrix.

    Vectorised: a ring lattice where each node links to its ``k/2`` clockwise neighbours,
    then each edge's far end is rewired with probability ``p`` to a uniform node
    (self-loops are sent back to the lattice neighbour; duplicate edges merge).
    """
    half = max(min(k // 2, (n - 1) // 2), 1)
    src = np.repeat(np.arange(n), half)
    dst = (src + np.tile(np.arange(1, half + 1), n)) % n
    rewire = rng.random(src.size) < p
    new = rng.integers(0, n, src.size)
    dst = np.where(rewire & (new != src), new, dst)
    data = np.ones(2 * src.size)
    adj = sp.csr_matrix((data, (np.r_[src, dst], np.r_[dst, src])), shape=(n, n))
    adj.data[:] = 1.0
    return adj


@dataclass
class CitizenState:
    """Citizens' state, one row per citizen (MODEL.md §2)."""

    frailty: np.ndarray
    need: np.ndarray
    wellbeing: np.ndarray
    trust: np.ndarray
    expectation: np.ndarray
    satisfaction: np.ndarray
    resources: np.ndarray
    self_efficacy: np.ndarray
    coproduction: np.ndarray
    voice: np.ndarray
    preference: np.ndarray
    substitutes: np.ndarray
    team_draw: np.ndarray
    assigned: np.ndarray
    coordinator: np.ndarray
    info: np.ndarray
    ended_by_month: np.ndarray
    ended_now: np.ndarray
    ended_window: np.ndarray
    caseworkers: np.ndarray
    plans: np.ndarray
    in_team: np.ndarray
    neighbours: sp.csr_matrix


@dataclass
class ProfessionalState:
    """Professionals' state, one row per professional, sorted by domain (MODEL.md §2)."""

    domain: np.ndarray
    skill: np.ndarray
    intrinsic_motivation: np.ndarray
    public_service_motivation: np.ndarray
    perceived_control: np.ndarray
    gaming_propensity: np.ndarray
    gaming_base: np.ndarray
    practice: np.ndarray
    burnout: np.ndarray
    time: np.ndarray
    workload: np.ndarray


def frailty_needs(resources: np.ndarray, n_domains: int, p: ModelParams,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw heavy-tailed frailty and initial needs (P7: a few citizens carry much of the cost).

    Frailty is lognormal with sigma ``need_sigma`` and mean one, shifted up for citizens
    with fewer resources (the social gradient of need); need per domain starts near its
    expected level, frailty times an exponential draw, capped at ``need_max``, so frail
    citizens have large needs in many domains at once.
    """
    n = resources.size
    gradient = -RESOURCE_GRADIENT * (resources - 0.5)
    frailty = np.exp(rng.normal(-0.5 * p.need_sigma**2, p.need_sigma, n) + gradient)
    level = INITIAL_NEED_LEVEL * p.shock_per_step * p.need_scale / max(p.need_decline_per_step, 1e-3)
    need = np.minimum(frailty[:, None] * rng.exponential(level, (n, n_domains)), p.need_max)
    return frailty, need


def build_citizens(p: ModelParams, n_prof: int, rng: np.random.Generator,
                   net_rng: np.random.Generator) -> CitizenState:
    """Create the citizens' arrays; cases are opened by the first case-allocation phase."""
    n, d = p.n_citizens, p.n_domains
    resources = rng.beta(2.0, 2.0, n)
    frailty, need = frailty_needs(resources, d, p, rng)
    trust = rng.beta(9.0 * p.initial_trust, 9.0 * (1.0 - p.initial_trust), n)
    noise = rng.normal(0.0, 0.1, (n, d))
    pref = np.clip(need / (need.sum(axis=1, keepdims=True) + 1e-9) + noise, 0.0, None)
    pref /= pref.sum(axis=1, keepdims=True) + 1e-12
    wellbeing = np.exp(-need.sum(axis=1) / p.wellbeing_need_scale)
    adj = small_world(n, p.network_k, p.network_p, net_rng)
    degree = np.asarray(adj.sum(axis=1)).ravel()
    neighbours = sp.diags(1.0 / np.maximum(degree, 1.0)) @ adj
    return CitizenState(
        frailty=frailty, need=need, wellbeing=wellbeing, trust=trust,
        expectation=wellbeing.copy(), satisfaction=wellbeing.copy(), resources=resources,
        self_efficacy=rng.beta(2.0, 2.0, n), coproduction=0.3 * resources,
        voice=np.clip(0.5 * trust + 0.5 * resources, 0.0, 1.0), preference=pref,
        substitutes=rng.random(n) < p.coproduction_substitution, team_draw=rng.random(n),
        assigned=np.full((n, d), n_prof, dtype=np.int32),
        coordinator=np.full(n, n_prof, dtype=np.int32), info=np.ones((n, d)),
        ended_by_month=np.zeros((12, n), dtype=np.uint8), ended_now=np.zeros(n, dtype=np.uint8),
        ended_window=np.zeros(n, dtype=np.int32), caseworkers=np.zeros(n, dtype=np.int32),
        plans=np.zeros(n), in_team=np.zeros(n, dtype=bool), neighbours=neighbours.tocsr())


def apportion(weight: np.ndarray, total: int) -> np.ndarray:
    """Split ``total`` into integer counts proportional to ``weight``, at least one each.

    One per domain first, the rest by the largest-remainder method (Hamilton).
    """
    n = weight.size
    share = np.maximum(weight, 0.0)
    share = share / share.sum() if share.sum() > 0 else np.full(n, 1.0 / n)
    quota = share * (total - n)
    counts = np.floor(quota).astype(int)
    left = total - n - counts.sum()
    counts[np.argsort(-(quota - counts), kind="stable")[:left]] += 1
    return counts + 1


def build_professionals(p: ModelParams, domain_weight: np.ndarray,
                        rng: np.random.Generator) -> ProfessionalState:
    """Create professionals spread over domains in proportion to ``domain_weight``.

    Motivation is heterogeneous (Le Grand's knights and knaves): intrinsic motivation
    Beta(5, 3), gaming propensity Beta(0.6, 2.4) so most are near zero and a few high.
    """
    n_prof = max(int(round(p.n_citizens / p.citizens_per_professional)), p.n_domains)
    counts = apportion(domain_weight, n_prof)
    domain = np.repeat(np.arange(p.n_domains), counts)
    skill = np.full((n_prof, p.n_domains), 0.3)
    skill[np.arange(n_prof), domain] = 1.0
    return ProfessionalState(
        domain=domain, skill=skill, intrinsic_motivation=rng.beta(5.0, 3.0, n_prof),
        public_service_motivation=rng.beta(5.0, 3.0, n_prof),
        perceived_control=np.full(n_prof, 0.5), gaming_propensity=(gaming := rng.beta(
            0.6, 2.4, n_prof)), gaming_base=gaming.copy(),
        practice=rng.uniform(0.3, 0.7, n_prof), burnout=np.zeros(n_prof),
        time=np.zeros((n_prof, len(TIME_USES))), workload=np.zeros(n_prof))
