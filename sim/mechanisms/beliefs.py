"""What citizens' behaviour reads of their trust and legitimacy (MODEL.md §10.3).

Trust (in the municipality's competence) and legitimacy (acceptance of its decisions)
change nothing by themselves; they matter through what citizens do. Every behavioural
consequence reads them here: coming forward with a need (:mod:`sim.mechanisms.cases`),
co-production and voice (:mod:`sim.mechanisms.citizens`), civil capacity
(:mod:`sim.mechanisms.civil`), complaints and plan compliance
(:mod:`sim.mechanisms.production`), accepting an arena invitation and how far one listens
in it (:mod:`sim.mechanisms.arena`), and what the electorate tells the council
(:mod:`sim.mechanisms.council`). Their own dynamics and the metrics read the state
directly. One place thus says what behaviour sees, and a validation mutant
(``tests/mutants.py``) can make trust or legitimacy inert by replacing these two.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from sim.state import CitizenState


def trust(c: CitizenState) -> np.ndarray:
    """Each citizen's trust as their behaviour acts on it (the state's own array)."""
    return c.trust


def legitimacy(c: CitizenState) -> np.ndarray:
    """Each citizen's legitimacy belief as their behaviour acts on it (the state's own array)."""
    return c.legitimacy
