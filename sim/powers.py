"""Great-power strategies: what the United States, China and Russia do to the others each year.

Each strategy is a function `(model, power, strength) -> None` acting on the model's affinity,
sanctions and alignment bonuses; `@register_power("name")` adds one. Literature anchors:
wedge strategies, Crawford (2011) "Preventing Enemy Coalitions: How Wedge Strategies Shape
Power Politics" (Cornell) and Izumikawa (2013) "To Coerce or Reward? Theorizing Wedge
Strategies in Alliance Politics", Security Studies 22(3); containment, Kennan (1947); expansion
by membership offers through clubs, Schweller (1994) and the 2023 and 2024 BRICS
enlargements; mediation raising the mediator's standing and the chance that a war ends, Kydd
(2003) "Which Side Are You On? Bias, Credibility, and Mediation", AJPS 47(4), Regan & Stam
(2000), Beardsley (2011) "The Mediation Dilemma".

The defaults are the scenario's (its `scenario.yaml`): in the 2024 world, the 2025 status quo,
the United States contains the Eurasian bloc, China expands its reach (BRICS), Russia
consolidates its bloc; the sanctions in force are listed there too.

Affinity moves through `sim.diplomacy.nudge_affinity` (compiled; the same numbers as its
numpy reference, bit for bit: tests/test_alignment_speed.py). The strategies' own array work
is compiled too (`consolidate_kernel`, `expand_kernel`, `contain_kernel`), each beside the
plain-numpy code it replaces, kept as its reference (`*_reference`) and tested bit for bit
against it (tests/test_diplomacy_speed.py): a phase of a few microseconds of work is
otherwise a few dozen small numpy calls.

Entry point: `act_great_powers(model)`, the great powers' phase of the year.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.diplomacy import nudge_affinity
from sim.registry import registrar

if TYPE_CHECKING:
    from sim.model import WorldModel

#: Yearly affinity step of an active policy (consolidate, mediate, the wedge at strength 1).
POLICY_STEP = 0.05
#: The offer of `expand` per unit of affinity, and its premium per shared club.
EXPAND_OFFER = 0.1
CLUB_PREMIUM = 1.0
CLUBS = ("brics", "sco")
#: Sanctions intensity that containment ramps toward, and the share of the gap closed a year
#: (stylised: US tariffs and export controls on China, 2018-2025, reach a large share of
#: bilateral trade without an embargo).
CONTAIN_LEVEL = 0.3
CONTAIN_RATE = 0.2

PowerStrategy = Callable[["WorldModel", int, float], None]
POWER_STRATEGIES: dict[str, PowerStrategy] = {}


#: `@register_power("name")` adds a great-power strategy to `POWER_STRATEGIES`.
register_power = registrar(POWER_STRATEGIES, "great-power strategy")


def parse_strategies(value: str | list | tuple | None, key: str) -> tuple[str, ...]:
    """Parse "contain+wedge" or ["contain", "wedge"] into ("contain", "wedge"), checked."""
    if value is None or value == "":
        return ()
    names = tuple(value.split("+")) if isinstance(value, str) else tuple(value)
    for name in names:
        if name not in POWER_STRATEGIES:
            raise ValueError(
                f"{key}: unknown great-power strategy {name!r}; known: {sorted(POWER_STRATEGIES)}"
            )
    return names


def act_great_powers(model: WorldModel) -> None:
    """Each great power applies its strategies, in the order USA, CHN, RUS and as listed.

    The alignment bonuses (offers for this year's alignment choice) start from zero.
    """
    model.alignment_bonus = np.zeros((model.n, len(model.blocs) + 1))
    for power, names in model.power_strategies.items():
        for name in names:
            POWER_STRATEGIES[name](model, power, model.wedge_strength)


def rival_bloc(model: WorldModel, power: int) -> int | None:
    """The strongest active bloc the power does not belong to (None if there is none)."""
    own = model.bloc[power]
    strength = model.bloc_capability()
    best, best_strength = None, -1.0
    for b, bloc in enumerate(model.blocs):
        if bloc.active and b != own and strength[b] > best_strength:
            best, best_strength = b, strength[b]
    return best


def own_bloc_members(model: WorldModel, power: int) -> np.ndarray:
    """The power's bloc partners (excluding itself); empty if non-aligned."""
    if model.bloc[power] < 0:
        return np.array([], dtype=int)
    members = np.flatnonzero(model.bloc == model.bloc[power])
    return members[members != power]


@register_power("restraint")
def restraint(model: WorldModel, power: int, strength: float) -> None:
    """No active measures; the power's own sanctions wind down (a tenth a year)."""
    model.sanctions[power] *= 0.9


@register_power("consolidate")
def consolidate(model: WorldModel, power: int, strength: float) -> None:
    """Deepen ties inside the bloc: affinity with partners rises, staying is rewarded.

    Compiled: `consolidate_kernel` (the partners and their bonus), as `consolidate_reference`.
    """
    if model.bloc[power] < 0:
        return
    partners = consolidate_kernel(model.bloc, power, model.alignment_bonus)
    if len(partners):
        nudge_affinity(model, power, partners, POLICY_STEP)


@njit(cache=True, nogil=True)
def consolidate_kernel(bloc, power, bonus):
    """The power's bloc partners (ascending), each given 0.05 for staying (`bonus`, in place)."""
    own = bloc[power]
    count = 0
    for j in range(len(bloc)):
        count += bloc[j] == own and j != power
    partners = np.empty(count, dtype=np.int64)
    count = 0
    for j in range(len(bloc)):
        if bloc[j] == own and j != power:
            partners[count] = j
            bonus[j, 1 + own] += 0.05
            count += 1
    return partners


def consolidate_reference(model: WorldModel, power: int, strength: float) -> None:
    """`consolidate` in plain numpy."""
    partners = own_bloc_members(model, power)
    if len(partners):
        nudge_affinity(model, power, partners, POLICY_STEP)
        model.alignment_bonus[partners, 1 + model.bloc[power]] += 0.05


@register_power("expand")
def expand(model: WorldModel, power: int, strength: float) -> None:
    """Offer membership: non-aligned friends of the power get a bonus for joining its bloc.

    The offer to a non-aligned country with affinity A > 0 to the power is EXPAND_OFFER x A,
    times (1 + CLUB_PREMIUM) for every club of `CLUBS` both belong to: a club is the channel
    through which the offer is made and made credible (the BRICS and SCO enlargements of
    2023-2024 as the power's offers; Schweller 1994, "Bandwagoning for Profit": alignment
    bought with the gains of joining the stronger side). Compiled: `expand_kernel`, as
    `expand_reference`.
    """
    own = model.bloc[power]
    if own < 0:
        return
    clubs = tuple(model.memberships[club] for club in CLUBS)
    expand_kernel(model.affinity[power], model.bloc, clubs, power, model.alignment_bonus, own)


@njit(cache=True, nogil=True)
def expand_kernel(affinity, bloc, clubs, power, bonus, own):
    """The offers of `expand` added to `bonus[:, 1 + own]`, in place.

    `affinity`: the power's row; `clubs`: the membership flags of `CLUBS`, in that order.
    """
    for j in range(len(bloc)):
        if bloc[j] < 0 and affinity[j] > 0:  # non-aligned friends
            shared = 0.0
            for club in clubs:
                if club[power]:
                    shared += 1.0 if club[j] else 0.0
            bonus[j, 1 + own] += EXPAND_OFFER * affinity[j] * (1.0 + CLUB_PREMIUM * shared)


def expand_reference(model: WorldModel, power: int, strength: float) -> None:
    """`expand` in plain numpy."""
    own = model.bloc[power]
    if own < 0:
        return
    affinity = model.affinity[power]
    friendly = np.flatnonzero((model.bloc < 0) & (affinity > 0))  # non-aligned friends
    shared = np.zeros(len(friendly))
    for club in CLUBS:
        if model.memberships[club][power]:
            shared += model.memberships[club][friendly]
    offer = EXPAND_OFFER * affinity[friendly] * (1.0 + CLUB_PREMIUM * shared)
    model.alignment_bonus[friendly, 1 + own] += offer


@register_power("contain")
def contain(model: WorldModel, power: int, strength: float) -> None:
    """Sanction the rival bloc: the power's sanctions on its members ramp toward CONTAIN_LEVEL.

    Compiled: `contain_kernel`, as `contain_reference`.
    """
    rival = rival_bloc(model, power)
    if rival is not None:
        contain_kernel(model.sanctions[power], model.bloc, rival)


@njit(cache=True, nogil=True)
def contain_kernel(sanctions, bloc, rival):
    """The power's sanctions (its row, in place) on the rival bloc's members ramp up."""
    for j in range(len(bloc)):
        if bloc[j] == rival:
            current = sanctions[j]
            sanctions[j] = current + CONTAIN_RATE * max(CONTAIN_LEVEL - current, 0.0)


def contain_reference(model: WorldModel, power: int, strength: float) -> None:
    """`contain` in plain numpy."""
    rival = rival_bloc(model, power)
    if rival is None:
        return
    targets = np.flatnonzero(model.bloc == rival)
    current = model.sanctions[power, targets]
    model.sanctions[power, targets] = current + CONTAIN_RATE * np.maximum(
        CONTAIN_LEVEL - current, 0.0
    )


@register_power("wedge")
def wedge(model: WorldModel, power: int, strength: float) -> None:
    """Court the named target (`wedge_target`, Russia): affinity, sanctions relief, a reward.

    At strength s in [0, 1]: the target's affinity with the power moves 2 s POLICY_STEP toward
    +1 and with the power's partners s POLICY_STEP; the sanctions the power's side imposes on
    it fall by a share s / 2 a year; outside the power's bloc it gets a bonus 0.2 s for
    non-alignment (for leaving its bloc, or for staying out once it has left); and while it is
    in a bloc led by another state, its affinity with that leader moves s POLICY_STEP toward
    -1, the senior partner's fear of abandonment that courting the junior sows (the alliance
    security dilemma, Snyder 1984, "The Security Dilemma in Alliance Politics", World
    Politics 36(4)). The target is kept whatever happens (Crawford 2011: a wedge is aimed at
    one partner of the opposing coalition). At s = 0, or with the power as its own target,
    nothing changes.
    """
    target = model.row[model.wedge_target]
    if strength <= 0 or target == power:
        return
    side = np.append(own_bloc_members(model, power), power)
    nudge_affinity(model, power, target, 2 * strength * POLICY_STEP)
    nudge_affinity(model, side[:-1], target, strength * POLICY_STEP)
    model.sanctions[side, target] *= 1.0 - 0.5 * strength
    their_bloc = model.bloc[target]
    if their_bloc < 0 or their_bloc != model.bloc[power]:
        model.alignment_bonus[target, 0] += 0.2 * strength
    if their_bloc >= 0 and their_bloc != model.bloc[power]:
        leader = model.blocs[their_bloc].leader
        if leader != target:
            nudge_affinity(model, target, leader, -strength * POLICY_STEP)


@register_power("mediate")
def mediate(model: WorldModel, power: int, strength: float) -> None:
    """Mediate the ongoing wars: affinity with both parties rises, and the war may end sooner.

    The mediator's affinity with both parties of every war it is not a party to moves
    POLICY_STEP toward +1 (an honest broker's standing, Kydd 2003), and the war is marked as
    mediated this year: its yearly chance of ending is raised (`sim.diplomacy.end_wars`),
    and if it ends the mediator is credited.
    """
    for a, b in model.conflicts:
        if power in (a, b):
            continue
        nudge_affinity(model, power, [a, b], POLICY_STEP)
        model.mediators.setdefault(frozenset((a, b)), power)
