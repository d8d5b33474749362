"""The four kinds of agents: thin Mesa views over the model's state arrays."""

from sim.agents.citizen import Citizen
from sim.agents.leader import Leader
from sim.agents.politician import Politician
from sim.agents.professional import Professional

__all__ = ["Citizen", "Leader", "Politician", "Professional"]
