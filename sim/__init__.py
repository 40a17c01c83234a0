"""powershift: an agent-based model of shifting global power.

`WorldModel` is the Mesa model; `load_world` and `synthetic_world` give it a scenario.
This package never imports Hydra, the experiments or the notebooks.
"""

from sim.agents import Country
from sim.model import WorldModel
from sim.world import ScenarioError, World, load_world, synthetic_world

__all__ = ["Country", "ScenarioError", "World", "WorldModel", "load_world", "synthetic_world"]
__version__ = "0.1.0"
