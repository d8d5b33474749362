"""The run and sweep machinery: the ``sim`` command, jobs, typed config schemas, sweeps.

Hydra lives here and in ``configs/``; nothing below (the model, mechanisms, policies)
imports this package.
"""
