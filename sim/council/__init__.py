"""The UN Security Council: voting rules and the a-priori voting power of each seat.

`rules` defines `CouncilRule`, the named rules in `RULES` (the Charter since 1965 and as of
1945, no veto, two vetoes, the 2005 G4 model with and without a veto for the new permanent
members) and the vectorised `adopted` / `vetoed_by`. `power` computes the exact
Shapley-Shubik (1954) and Banzhaf (1965) indices of every seat for any rule. `session`
holds `Council`, the yearly elections (`elections`), agenda, votes and their record.
"""

from sim.council.elections import ElectionRules
from sim.council.power import brute_force_power, voting_power
from sim.council.rules import (
    ABSTAIN,
    NO,
    RULES,
    YES,
    CouncilRule,
    adopted,
    get_rule,
    vetoed_by,
)
from sim.council.session import Council

__all__ = [
    "ABSTAIN",
    "NO",
    "RULES",
    "YES",
    "Council",
    "CouncilRule",
    "ElectionRules",
    "adopted",
    "brute_force_power",
    "get_rule",
    "vetoed_by",
    "voting_power",
]
