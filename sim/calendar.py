"""The model's calendar: one step is one month (MODEL.md §2-3).

Steps count from 1 (Mesa increments ``steps`` before calling ``step``), so the first
month of model year ``y`` (from 0) is step ``12 y + 1``, a quarter ends on steps
3, 6, 9, ... and elections fall on steps 49, 97, ... (every four years). Every yearly,
quarterly, election or rolling-window rule in the model reads these names rather than a
bare 12, 3 or 48.
"""

from __future__ import annotations

#: Months in a year: yearly budgets and target ratchets, 12-row histories and windows.
MONTHS_PER_YEAR = 12
#: Months in a quarter: leaders' code learning and the client-outcome signal.
MONTHS_PER_QUARTER = 3
#: Months in a council's term: Danish municipal councils are elected for four years
#: (the local elections act, kommunalvalgloven; MODEL.md §10.5 "every 48 steps").
MONTHS_PER_TERM = 48


def is_new_year(step: int) -> bool:
    """Whether ``step`` is the first month of a model year (steps 1, 13, 25, ...)."""
    return step % MONTHS_PER_YEAR == 1


def is_quarter_end(step: int) -> bool:
    """Whether ``step`` is the last month of a quarter (steps 3, 6, 9, ...)."""
    return step % MONTHS_PER_QUARTER == 0


def is_election(step: int) -> bool:
    """Whether ``step`` is an election month: the first month of each new term (49, 97, ...).

    The council of step 1 was elected just before the run starts, so the first election
    falls a full term later.
    """
    return step > 1 and step % MONTHS_PER_TERM == 1


def history_row(step: int) -> int:
    """Row of a 12-row monthly history that ``step`` writes (step 1 writes row 0).

    Rows ``0 .. min(step, MONTHS_PER_YEAR) - 1`` hold the months recorded so far.
    """
    return (step - 1) % MONTHS_PER_YEAR


def window_slot(step: int) -> int:
    """Slot of a rolling 12-month ring buffer that ``step`` overwrites."""
    return step % MONTHS_PER_YEAR
