"""A-priori voting power of each Council seat: Shapley-Shubik and Banzhaf, computed exactly.

The rule defines a simple game: a coalition of yes voters wins iff it has at least `quota`
members and fewer than `vetoes_to_block` veto holders stay outside it. As is standard for
a-priori power, every seat votes only yes or no (abstention is set aside), and all
orderings (Shapley-Shubik) or all coalitions (Banzhaf) are equally likely.

- Shapley & Shubik (1954), "A method for evaluating the distribution of power in a
  committee system", American Political Science Review 48(3): 787-792: the share of the
  n! voting orders in which a seat is pivotal.
- Banzhaf (1965), "Weighted voting doesn't work", Rutgers Law Review 19: 317-343, and
  Penrose (1946): the number of coalitions in which a seat is decisive (a swing);
  `banzhaf` is normalised to sum to 1, `banzhaf_absolute` is the swing probability
  swings / 2^(n-1), the measure Felsenthal & Machover (1998), "The Measurement of Voting
  Power", Edward Elgar, recommend for comparing different rules.
- Textbook values for the Council since 1965 (Straffin 1993, "Game Theory and Strategy",
  MAA; Felsenthal & Machover 1998): Shapley-Shubik 421/2145 = 0.1963 per permanent member
  and 4/2145 = 0.0019 per elected member; normalised Banzhaf 848/5080 = 0.1669 and
  84/5080 = 0.0165.

Seats of the same type (veto holder, permanent without veto, elected) are interchangeable,
so coalitions are counted by how many seats of each type they hold, with binomial
coefficients (the generating-function method of Brams & Affuso 1976, "Power and size: a
new paradox", Theory and Decision 7: 29-56): at most 12 x 12 x 15 terms for 25 seats
instead of 2^25 coalitions. `brute_force_power` enumerates all coalitions, for tests.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb, factorial

import numpy as np
import pandas as pd

from sim.council.rules import NO, YES, CouncilRule, adopted, get_rule

BRUTE_FORCE_MAX_SEATS = 20


def _seat_types(rule: CouncilRule) -> list[tuple[int, str, bool]]:
    """The three seat types in seat order: (count, kind, veto)."""
    return [
        (rule.veto_holders, "permanent", True),
        (rule.permanent_seats - rule.veto_holders, "permanent", False),
        (rule.elected_seats, "elected", False),
    ]


def _wins(rule: CouncilRule, veto: int, other_permanent: int, elected: int) -> bool:
    """Whether a coalition with these numbers of seats of each type wins."""
    members = veto + other_permanent + elected
    return members >= rule.quota and rule.veto_holders - veto < rule.vetoes_to_block


def _swings(rule: CouncilRule, seat_type: int) -> tuple[int, Fraction]:
    """Swing count and Shapley-Shubik index of one seat of the given type (0, 1 or 2).

    Sums over coalitions S of the other seats, grouped by how many of each type they hold:
    C(n0, a) C(n1, b) C(n2, c) coalitions each, in which the seat is a swing iff S loses and
    S with the seat wins; each such S weighs |S|! (n - 1 - |S|)! / n! in Shapley-Shubik.
    """
    n = rule.seats
    others = [count for count, _, _ in _seat_types(rule)]
    others[seat_type] -= 1
    step = [int(t == seat_type) for t in range(3)]
    swings = 0
    pivot_orders = 0
    for a in range(others[0] + 1):
        for b in range(others[1] + 1):
            for c in range(others[2] + 1):
                if _wins(rule, a, b, c) or not _wins(rule, a + step[0], b + step[1], c + step[2]):
                    continue
                ways = comb(others[0], a) * comb(others[1], b) * comb(others[2], c)
                size = a + b + c
                swings += ways
                pivot_orders += ways * factorial(size) * factorial(n - 1 - size)
    return swings, Fraction(pivot_orders, factorial(n))


def voting_power(rule: str | CouncilRule) -> pd.DataFrame:
    """Exact a-priori voting power of every seat under a rule.

    Args:
        rule: A `CouncilRule` or the name of one in `RULES`.

    Returns:
        DataFrame indexed by `seat` (0 .. seats-1, in the rule's seat order) with columns
        `kind` ("permanent" or "elected"), `veto` (bool), `shapley_shubik`, `banzhaf`
        (normalised to sum to 1) and `banzhaf_absolute` (swings / 2^(seats-1), the
        probability of being decisive when all coalitions are equally likely).
    """
    rule = get_rule(rule)
    rows = []
    for seat_type, (count, kind, veto) in enumerate(_seat_types(rule)):
        if count == 0:
            continue
        swings, shapley = _swings(rule, seat_type)
        rows += [(kind, veto, shapley, swings)] * count
    total_swings = sum(row[3] for row in rows)
    frame = pd.DataFrame(
        {
            "kind": [row[0] for row in rows],
            "veto": [row[1] for row in rows],
            "shapley_shubik": [float(row[2]) for row in rows],
            "banzhaf": [row[3] / total_swings for row in rows],
            "banzhaf_absolute": [row[3] / 2 ** (rule.seats - 1) for row in rows],
        }
    )
    frame.index.name = "seat"
    return frame


def brute_force_power(rule: str | CouncilRule) -> pd.DataFrame:
    """Voting power by enumerating all 2^seats coalitions (for tests; small games only).

    Every coalition is turned into a vote profile (members yes, the others no) and decided
    by `adopted`, so this shares no counting code with `voting_power`. Shapley-Shubik uses
    the coalition form: a swing into a coalition of size s weighs s! (n - 1 - s)! / n!.

    Args:
        rule: A `CouncilRule` or the name of one in `RULES`, with at most
            `BRUTE_FORCE_MAX_SEATS` seats.

    Returns:
        A DataFrame laid out as by `voting_power`.

    Raises:
        ValueError: If the rule has more than `BRUTE_FORCE_MAX_SEATS` seats.
    """
    rule = get_rule(rule)
    n = rule.seats
    if n > BRUTE_FORCE_MAX_SEATS:
        raise ValueError(
            f"brute_force_power enumerates 2^seats coalitions; rule {rule.name!r} has {n} "
            f"seats, more than {BRUTE_FORCE_MAX_SEATS}"
        )
    coalitions = np.arange(2**n)
    members = (coalitions[:, None] >> np.arange(n)) & 1
    wins = adopted(rule, np.where(members == 1, YES, NO))
    sizes = members.sum(axis=1)
    weights = [Fraction(factorial(s) * factorial(n - 1 - s), factorial(n)) for s in range(n)]
    swings, shapley = [], []
    for seat in range(n):
        without = coalitions[members[:, seat] == 0]
        swing = wins[without | (1 << seat)] & ~wins[without]
        by_size = np.bincount(sizes[without][swing], minlength=n)
        swings.append(int(swing.sum()))
        shapley.append(float(sum(int(k) * w for k, w in zip(by_size, weights, strict=True))))
    frame = pd.DataFrame(
        {
            "kind": np.where(rule.permanent_mask, "permanent", "elected"),
            "veto": rule.veto_mask,
            "shapley_shubik": shapley,
            "banzhaf": np.array(swings) / sum(swings),
            "banzhaf_absolute": np.array(swings) / 2 ** (n - 1),
        }
    )
    frame.index.name = "seat"
    return frame
