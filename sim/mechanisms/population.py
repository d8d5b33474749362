"""Initial population: citizens, professionals, the social network and domain links.

All draws come from the ``population``, ``network`` and ``professionals`` streams, so the
initial state depends only on the seed and the parameters, never on the steering style.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sim.calendar import MONTHS_PER_YEAR
from sim.mechanisms.civil import CIVIL_BELIEF_BASE, civil_base
from sim.mechanisms.production import wellbeing_index
from sim.params import ModelParams
from sim.state import TIME_USES, CitizenState, ProfessionalState

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
#: How each named domain's need departs from the mean social gradient (mean zero): needs
#: for work and social support fall harder on citizens with few resources, school and
#: health needs less so, family and housing at the mean (assumed ordering; times
#: ``need_gradient_spread``).
#: Other domain counts use a uniform gradient.
DOMAIN_GRADIENT = (-1.0, -0.5, 0.75, 0.75, 0.0, 0.0)

#: Resources ~ Beta(2, 2): spread over (0, 1), few at the extremes (assumed).
RESOURCES_BETA = (2.0, 2.0)
#: Self-efficacy ~ Beta(2, 2), independent of resources (assumed).
SELF_EFFICACY_BETA = (2.0, 2.0)
#: Concentration of initial trust ~ Beta(k * initial_trust, k * (1 - initial_trust)):
#: mean ``initial_trust``, standard deviation about 0.16 at a mean of 0.5 (assumed).
TRUST_CONCENTRATION = 9.0
#: Noise (SD) added to need shares to give citizens' preferences (MODEL.md §2: "from
#: their needs, plus noise").
PREFERENCE_NOISE = 0.1
#: Initial co-production per unit of resources (the steady state is found in the run).
INITIAL_COPRODUCTION = 0.3
#: Voice's targets: weights of trust and legitimacy (their mean) and of resources (equal;
#: assumed).
VOICE_TRUST_WEIGHT, VOICE_RESOURCE_WEIGHT = 0.5, 0.5
#: Skill outside a professional's own domain (own domain: 1; MODEL.md §2 "others low").
OTHER_DOMAIN_SKILL = 0.3
#: Intrinsic and public-service motivation ~ Beta(5, 3): mean 0.625, most professionals
#: motivated (Le Grand's knights).
MOTIVATION_BETA = (5.0, 3.0)
#: Gaming propensity ~ Beta(0.6, 2.4): mean 0.2, most near zero and a few high (Le
#: Grand's knaves).
GAMING_BETA = (0.6, 2.4)
#: Perceived control of a new professional (the middle of 0-1).
INITIAL_PERCEIVED_CONTROL = 0.5
#: Own practice (quality orientation) of the initial staff ~ U(0.3, 0.7) around the code.
INITIAL_PRACTICE = (0.3, 0.7)


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


def resource_rank(resources: np.ndarray) -> np.ndarray:
    """Each citizen's rank by resources, 0 for the poorest to n - 1 (ties in citizen order)."""
    return np.argsort(np.argsort(resources, kind="stable"), kind="stable")


def sorted_by_resources(adj: sp.csr_matrix, resources: np.ndarray, segregation: float,
                        rng: np.random.Generator) -> sp.csr_matrix:
    """Seat citizens on the network's ring by resources, so neighbours are alike.

    A citizen's place on the ring sorts ``segregation x`` their resource rank plus
    ``(1 - segregation) x`` a uniform draw: at 1 the lattice neighbours are the citizens
    nearest in resources, at 0 (not called) places are random. Rewired links stay random,
    so the graph stays a small world; only who lives where changes (MODEL.md §10.2: civil
    capacity is local and unequal).
    """
    n = resources.size
    rank = resource_rank(resources) / max(n - 1, 1)
    place = np.argsort(segregation * rank + (1.0 - segregation) * rng.random(n), kind="stable")
    seat = np.empty(n, dtype=np.int64)
    seat[place] = np.arange(n)  # citizen i sits at ring position seat[i]
    return adj[seat][:, seat].tocsr()


def frailty_needs(resources: np.ndarray, n_domains: int, p: ModelParams,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw heavy-tailed frailty and initial needs (P7: a few citizens carry much of the cost).

    Frailty is lognormal with sigma ``need_sigma`` and mean one, shifted up for citizens
    with fewer resources (the social gradient of need), by more in some domains than in
    others (:data:`DOMAIN_GRADIENT` times ``need_gradient_spread``), so groups of citizens
    need different kinds of help and want different priorities (MODEL.md §10.1). Need per
    domain starts near its expected level, frailty times an exponential draw, capped at
    ``need_max``, so frail citizens have large needs in many domains at once. Returns
    frailty per citizen and domain (it also scales new shocks) and the initial needs.
    """
    n = resources.size
    spread = np.zeros(n_domains)
    if n_domains == len(DOMAIN_GRADIENT):
        spread[:] = p.need_gradient_spread * np.asarray(DOMAIN_GRADIENT)
    gradient = -RESOURCE_GRADIENT * (resources[:, None] - 0.5) * (1.0 + spread)
    base = rng.normal(-0.5 * p.need_sigma**2, p.need_sigma, n)
    frailty = np.exp(base[:, None] + gradient)
    level = INITIAL_NEED_LEVEL * p.shock_per_step * p.need_scale / max(p.need_decline_per_step, 1e-3)
    need = np.minimum(frailty * rng.exponential(level, (n, n_domains)), p.need_max)
    return frailty, need


def build_citizens(p: ModelParams, n_prof: int, rng: np.random.Generator,
                   net_rng: np.random.Generator) -> CitizenState:
    """Create the citizens' arrays; cases are opened by the first case-allocation phase."""
    n, d = p.n_citizens, p.n_domains
    resources = rng.beta(*RESOURCES_BETA, n)
    frailty, need = frailty_needs(resources, d, p, rng)
    trust = rng.beta(TRUST_CONCENTRATION * p.initial_trust,
                     TRUST_CONCENTRATION * (1.0 - p.initial_trust), n)
    noise = rng.normal(0.0, PREFERENCE_NOISE, (n, d))
    pref = np.clip(need / (need.sum(axis=1, keepdims=True) + 1e-9) + noise, 0.0, None)
    pref /= pref.sum(axis=1, keepdims=True) + 1e-12
    wellbeing = wellbeing_index(need, p.wellbeing_need_scale)
    self_efficacy = rng.beta(*SELF_EFFICACY_BETA, n)
    substitutes, team_draw = rng.random(n) < p.coproduction_substitution, rng.random(n)
    legitimacy = rng.beta(TRUST_CONCENTRATION * p.initial_legitimacy,
                          TRUST_CONCENTRATION * (1.0 - p.initial_legitimacy), n)
    adj = small_world(n, p.network_k, p.network_p, net_rng)
    if p.segregation > 0.0:
        adj = sorted_by_resources(adj, resources, p.segregation, net_rng)
    degree = np.asarray(adj.sum(axis=1)).ravel()
    neighbours = (sp.diags(1.0 / np.maximum(degree, 1.0)) @ adj).tocsr()
    base = civil_base(resources, neighbours, p.civil_strength)
    capacity = base * (CIVIL_BELIEF_BASE + (1.0 - CIVIL_BELIEF_BASE) * 0.5 * (trust + legitimacy))
    return CitizenState(
        civil_base=base, civil_capacity=np.minimum(capacity, 1.0),
        frailty=frailty, need=need, wellbeing=wellbeing, trust=trust, legitimacy=legitimacy,
        heard=np.zeros(n),
        expectation=wellbeing.copy(), satisfaction=wellbeing.copy(), resources=resources,
        self_efficacy=self_efficacy,
        coproduction=INITIAL_COPRODUCTION * resources,
        voice=np.clip(VOICE_TRUST_WEIGHT * 0.5 * (trust + legitimacy)
                      + VOICE_RESOURCE_WEIGHT * resources, 0.0, 1.0),
        preference=pref,
        substitutes=substitutes, team_draw=team_draw,
        assigned=np.full((n, d), n_prof, dtype=np.int32),
        coordinator=np.full(n, n_prof, dtype=np.int32), info=np.ones((n, d)),
        ended_by_month=np.zeros((MONTHS_PER_YEAR, n), dtype=np.uint8), ended_now=np.zeros(n, dtype=np.uint8),
        ended_window=np.zeros(n, dtype=np.int32), caseworkers=np.zeros(n, dtype=np.int32),
        plans=np.zeros(n), in_team=np.zeros(n, dtype=bool), neighbours=neighbours)


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
    Beta(5, 3) (:data:`MOTIVATION_BETA`), gaming propensity Beta(0.6, 2.4)
    (:data:`GAMING_BETA`) so most are near zero and a few high.
    """
    n_prof = max(int(round(p.n_citizens / p.citizens_per_professional)), p.n_domains)
    counts = apportion(domain_weight, n_prof)
    domain = np.repeat(np.arange(p.n_domains), counts)
    skill = np.full((n_prof, p.n_domains), OTHER_DOMAIN_SKILL)
    skill[np.arange(n_prof), domain] = 1.0
    return ProfessionalState(
        domain=domain, skill=skill, intrinsic_motivation=rng.beta(*MOTIVATION_BETA, n_prof),
        public_service_motivation=rng.beta(*MOTIVATION_BETA, n_prof),
        perceived_control=np.full(n_prof, INITIAL_PERCEIVED_CONTROL),
        gaming_propensity=(gaming := rng.beta(*GAMING_BETA, n_prof)), gaming_base=gaming.copy(),
        practice=rng.uniform(*INITIAL_PRACTICE, n_prof), burnout=np.zeros(n_prof),
        time=np.zeros((n_prof, len(TIME_USES))), workload=np.zeros(n_prof))
