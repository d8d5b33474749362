"""Reporting: experiment analyses, figures and the HTML report, from tidy result tables.

Nothing here imports the model: every function reads the tidy table of
:mod:`sim.results` (or a sweep folder holding it).
"""
