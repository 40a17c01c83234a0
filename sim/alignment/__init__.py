"""Alignment: the strategies countries use to choose blocs, and landscape theory on its own.

`STRATEGIES` is the registry of named country strategies (`sim.alignment.strategies`);
`landscape(sizes, propensities)` finds every two-camp local minimum of frustration for a
small set of actors (Axelrod & Bennett 1993), usable without a model.
"""

from sim.alignment.landscape import Configuration, frustration, landscape
from sim.alignment.strategies import STRATEGIES, assign_strategies, register

__all__ = [
    "STRATEGIES",
    "Configuration",
    "assign_strategies",
    "frustration",
    "landscape",
    "register",
]
