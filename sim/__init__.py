"""Samskabelse: an agent-based model of how a municipality is governed.

Result-based steering, experience-based steering and co-creation, tested on citizens,
professionals, leaders and politicians. See ``docs/model.md`` for the model.
"""

from sim.agents import Citizen, Leader, Politician, Professional
from sim.mechanisms.metrics import METRICS
from sim.model import GovernanceModel
from sim.params import ModelParams
from sim.policies import (
    ExperienceBasedSteering,
    Levers,
    MixedSteering,
    ResultBasedSteering,
    SteeringStyle,
    SwitchSteering,
)
from sim.run import simulate
from sim.scenarios import list_scenarios, load_scenario

__all__ = [
    "METRICS", "Citizen", "ExperienceBasedSteering", "GovernanceModel", "Leader", "Levers",
    "MixedSteering", "ModelParams", "Politician", "Professional", "ResultBasedSteering",
    "SteeringStyle", "SwitchSteering", "list_scenarios", "load_scenario", "simulate",
]
