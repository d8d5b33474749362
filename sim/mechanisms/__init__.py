"""The model's mechanisms, one module per phase of the step (MODEL.md §3-4).

Each module's functions take the model, typed as :class:`sim.state.ModelState`, and
read and write only its declared state (:mod:`sim.state`) with array operations.
Mechanisms import parameters, the state declarations, the calendar, policies' value
objects and each other (one way: no import circles), never :mod:`sim.model`, the run
machinery (:mod:`sim.runs`) or reporting (:mod:`sim.reporting`).
"""
