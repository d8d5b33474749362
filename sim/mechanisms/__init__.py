"""The model's mechanisms, one module per phase of the step (MODEL.md §3-4).

Each module's functions take the model and update its declared state with array
operations. Mechanisms import parameters, policies' value objects and each other, never
the run machinery (:mod:`sim.runs`) or reporting (:mod:`sim.reporting`).
"""
