"""The population view: citizens on their social network, professionals by domain.

The social network is a Watts & Strogatz (1998) small world: a ring lattice in citizen
order with a few rewired shortcuts. Drawn on a ring in that same order, lattice ties stay
short arcs along the ring and the shortcuts cross it, which reads at a glance; a spring
layout of the same graph is a knot. The layout depends only on the number of citizens
and on how many professionals each domain has, so it is computed once per population
(:func:`ring_layout`, cached) and both runs, which share the population, use the same one.

:func:`snapshot` copies what the view needs from a run into plain arrays;
:func:`population_figure` draws a snapshot and never sees a model.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

if TYPE_CHECKING:
    from sim.model import GovernanceModel

#: Okabe & Ito (2008) colour-blind-safe palette, for the domains (cycled past eight).
DOMAIN_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
                  "#CC79A7", "#000000")
#: Citizen attributes the view can colour by, with their legend label.
COLOUR_BY = {"trust": "trust in the municipality", "wellbeing": "wellbeing (true outcome)"}
#: Needs at which a citizen counts as complex (the metric ``caseworkers_complex`` uses 4).
COMPLEX_NEEDS = 4
#: Radii of the citizens' ring: neighbours alternate between three tracks so they do not overlap.
CITIZEN_TRACKS = (1.0, 0.93, 0.86)
#: Radius of the professionals' inner ring.
PROFESSIONAL_RADIUS = 0.55


@dataclass(frozen=True)
class Layout:
    """Fixed positions: ``citizens`` (n x 2) and ``professionals`` (m x 2)."""

    citizens: np.ndarray
    professionals: np.ndarray


@functools.lru_cache(maxsize=16)
def ring_layout(n_citizens: int, domain_count: tuple[int, ...]) -> Layout:
    """Citizens on a ring in network order, professionals on an inner ring in domain sectors.

    Args:
        n_citizens: number of citizens.
        domain_count: professionals per domain (professional rows are sorted by domain).
    """
    angle = 2.0 * np.pi * np.arange(n_citizens) / n_citizens
    radius = np.asarray(CITIZEN_TRACKS)[np.arange(n_citizens) % len(CITIZEN_TRACKS)]
    citizens = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    gap = 1.5  # empty slots between domain sectors
    domain = np.repeat(np.arange(len(domain_count)), domain_count)
    slots = np.arange(domain.size) + gap * domain
    theta = 2.0 * np.pi * slots / (domain.size + gap * len(domain_count))
    professionals = PROFESSIONAL_RADIUS * np.column_stack([np.sin(theta), np.cos(theta)])
    return Layout(citizens=citizens, professionals=professionals)


@dataclass(frozen=True)
class Snapshot:
    """What the population view shows of one run at one step.

    Attributes:
        title: heading of the panel.
        colour: the citizens' values for the colour scale (0-1).
        colour_by: a key of :data:`COLOUR_BY`.
        ties: pairs of befriended citizens (k x 2), each pair once.
        domain: domain index of each professional.
        domain_names: names of the domains.
        casework: (citizen, professional) pairs: current caseworkers of complex citizens.
        panel: citizens on the arena's current citizen panel (empty without arenas).
        layout: fixed positions.
        caption: one line of numbers under the title.
    """

    title: str
    colour: np.ndarray
    colour_by: str
    ties: np.ndarray
    domain: np.ndarray
    domain_names: tuple[str, ...]
    casework: np.ndarray
    panel: np.ndarray
    layout: Layout
    caption: str


def snapshot(run: GovernanceModel, title: str, colour_by: str = "trust") -> Snapshot:
    """Copy what :func:`population_figure` draws out of ``run``."""
    if colour_by not in COLOUR_BY:
        raise ValueError(f"colour_by: must be one of {', '.join(COLOUR_BY)}, got {colour_by!r}")
    c = run.citizens
    adj = c.neighbours.tocoo()
    upper = adj.row < adj.col
    ties = np.column_stack([adj.row[upper], adj.col[upper]])
    nobody = run.n_professionals
    complex_rows = np.flatnonzero(getattr(run, "complexity", np.zeros(0)) >= COMPLEX_NEEDS)
    team = c.in_team[complex_rows]
    silo_rows = complex_rows[~team]
    rows, cols = np.nonzero(c.assigned[silo_rows] != nobody)
    pairs = [np.column_stack([silo_rows[rows], c.assigned[silo_rows][rows, cols]]),
             np.column_stack([complex_rows[team], c.coordinator[complex_rows[team]]])]
    casework = np.concatenate(pairs).astype(np.int64)
    casework = casework[casework[:, 1] != nobody]
    layout = ring_layout(run.p.n_citizens, tuple(int(k) for k in run.domain_count))
    values = c.trust if colour_by == "trust" else c.wellbeing
    caption = (f"month {run.steps} | mean {colour_by} {values.mean():.2f} | "
               f"{complex_rows.size} citizens with {COMPLEX_NEEDS}+ needs")
    return Snapshot(title=title, colour=values.copy(), colour_by=colour_by, ties=ties,
                    domain=run.professionals.domain.copy(),
                    domain_names=tuple(run.domain_names), casework=casework,
                    panel=np.asarray(run.arena_panel, dtype=np.int64).copy(), layout=layout,
                    caption=caption)


def domain_colour(index: int) -> str:
    """The Okabe-Ito colour of domain ``index``."""
    return DOMAIN_COLOURS[index % len(DOMAIN_COLOURS)]


def population_figure(snap: Snapshot) -> Figure:
    """Draw citizens (circles, coloured by trust or wellbeing) and professionals (squares).

    Grey lines are friendships; coloured lines join citizens with four or more needs to
    their current caseworkers, in the caseworker's domain colour (many lines: a silo; one
    line: a team's coordinator); ringed citizens sit on the arena's citizen panel.
    """
    fig = Figure(figsize=(5.6, 4.2), dpi=100)
    ax = fig.add_axes((0.0, 0.17, 0.68, 0.72))  # fixed places: no layout engine per step
    pos, pro = snap.layout.citizens, snap.layout.professionals
    ax.add_collection(LineCollection(pos[snap.ties], colors="#9a9a9a", linewidths=0.4,
                                     alpha=0.35, zorder=1))
    if snap.casework.size:
        segments = np.stack([pos[snap.casework[:, 0]], pro[snap.casework[:, 1]]], axis=1)
        colours = [domain_colour(d) for d in snap.domain[snap.casework[:, 1]]]
        ax.add_collection(LineCollection(list(segments), colors=colours, linewidths=0.8, alpha=0.7,
                                         zorder=2))
    dots = ax.scatter(pos[:, 0], pos[:, 1], c=snap.colour, cmap="viridis", vmin=0.0, vmax=1.0,
                      s=16, linewidths=0, zorder=3)
    if snap.panel.size:
        ax.scatter(pos[snap.panel, 0], pos[snap.panel, 1], s=90, facecolors="none",
                   edgecolors="#000000", linewidths=1.4, zorder=4)
    ax.scatter(pro[:, 0], pro[:, 1], marker="s", s=46, zorder=5, edgecolors="#333333",
               linewidths=0.6, c=[domain_colour(d) for d in snap.domain])
    ax.set_xlim(-1.08, 1.08)
    ax.set_ylim(-1.08, 1.08)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.suptitle(f"{snap.title}\n{snap.caption}", fontsize=9, x=0.5, y=0.98, va="top")
    handles = [Line2D([], [], marker="s", linestyle="", markersize=6, markeredgecolor="#333333",
                      markerfacecolor=domain_colour(i), label=name)
               for i, name in enumerate(snap.domain_names)]
    handles.append(Line2D([], [], color="#555555", linewidth=1.0,
                          label=f"caseworker of a\ncitizen with {COMPLEX_NEEDS}+ needs"))
    if snap.panel.size:
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=8,
                              markerfacecolor="none", markeredgecolor="#000000",
                              label="arena panel"))
    ax.legend(handles=handles, title="professionals", loc="center left",
              bbox_to_anchor=(1.0, 0.5), fontsize=7, title_fontsize=7, frameon=False)
    bar = fig.colorbar(dots, cax=fig.add_axes((0.14, 0.115, 0.4, 0.025)),
                       orientation="horizontal")
    bar.set_label(f"citizens: {COLOUR_BY[snap.colour_by]}", fontsize=8)
    bar.ax.tick_params(labelsize=7)
    return fig
