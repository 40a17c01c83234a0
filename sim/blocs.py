"""Blocs: named groupings of countries with a leader, their cohesion, splits and formation.

The initial blocs are the scenario's (`initial_blocs`, from its `scenario.yaml`). Each country
is in exactly one bloc or non-aligned (bloc -1). A bloc that holds two mutually hostile
camps splits (structural balance, Heider 1946; the camps found by `bisect`, Doreian & Mrvar
1996); the camp holding the leader keeps the name. Cohesion is the mean affinity among its
members. New blocs are founded in the alignment phase, where the followers choose
(`sim.alignment.strategies.found_blocs`). The blocs' sizes and lowest internal affinity, which
say which blocs may split, are one compiled pass (`bloc_stats_kernel`, beside its reference);
the bisection's rounds and the sums over blocs keep their matrix products (BLAS) and do the
rest in kernels (`camp_move_kernel`, `spread_kernel`, ...; `bisect_reference` and
`bloc_sums_reference` beside them).

Entry point: `update_blocs(model)`, the blocs' phase of the year (after the alignment choices).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numba import njit

from sim.kernels import bloc_members

if TYPE_CHECKING:
    from sim.model import WorldModel
    from sim.world import BlocSpec

NON_ALIGNED = -1


@dataclass
class Bloc:
    """A bloc: its name and its leader (row index of the country that leads it)."""

    name: str
    leader: int
    founded: int
    active: bool = True


def initial_blocs(
    countries: pd.DataFrame, year: int, specs: Iterable[BlocSpec]
) -> tuple[list[Bloc], np.ndarray]:
    """The blocs in force at the start, from the scenario's politics (`scenario.yaml`).

    Each spec names a leader and members, by membership column (e.g. every NATO member) or by
    ISO3 code; a country named by two blocs is in the first, and every other country is
    non-aligned. A bloc whose leader the scenario lacks is left out (e.g. in a synthetic world).

    Args:
        countries: The scenario's country table.
        year: The scenario year (recorded as the blocs' founding year).
        specs: The blocs in force (`sim.world.Politics.blocs`).

    Returns:
        The blocs and the bloc index of every country (-1: non-aligned).
    """
    iso3 = countries["iso3"].to_numpy(dtype=str)
    row = {code: i for i, code in enumerate(iso3)}
    bloc = np.full(len(iso3), NON_ALIGNED)
    blocs: list[Bloc] = []
    for spec in specs:
        if spec.leader not in row:
            continue
        members = named_members(countries, spec)
        members[row[spec.leader]] = True
        bloc[members & (bloc < 0)] = len(blocs)
        blocs.append(Bloc(spec.name, row[spec.leader], year))
    return blocs, bloc


def named_members(countries: pd.DataFrame, spec: BlocSpec) -> np.ndarray:
    """(N,) bool: the countries a spec names, by membership column or ISO3 code."""
    members = np.isin(countries["iso3"].to_numpy(dtype=str), spec.countries)
    for org in spec.memberships:
        members |= countries[org].to_numpy(bool)
    return members


def membership_matrix(bloc: np.ndarray, n_blocs: int) -> np.ndarray:
    """(N, B) 0/1 matrix: country i is in bloc b."""
    matrix = np.zeros((len(bloc), n_blocs))
    aligned = bloc >= 0
    matrix[np.flatnonzero(aligned), bloc[aligned]] = 1.0
    return matrix


def bloc_sums(matrix: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Matrix @ members (N, B), computed over the blocs that have members only.

    Blocs founded and dissolved over a long run keep their (empty) columns; skipping them
    keeps the dyadic work proportional to the blocs that exist. `bloc_sums_reference` in
    fewer numpy calls: the same matrix product (the same operands, so the same bits), the
    blocs with members found and the columns spread by kernels.

    Args:
        matrix: (N, N) values.
        members: (N, B) 0/1 membership (`membership_matrix`).
    """
    live = live_blocs_kernel(members)
    if len(live) == members.shape[1]:  # every bloc has members (the usual case)
        return (matrix @ members).astype(float, copy=False)
    return spread_kernel(matrix @ members[:, live], live, members.shape[1])


def bloc_sums_reference(matrix: np.ndarray, members: np.ndarray) -> np.ndarray:
    """`bloc_sums` in plain numpy (as it was)."""
    live = members.any(axis=0)
    if live.all():
        return (matrix @ members).astype(float, copy=False)
    live = live.nonzero()[0]
    sums = np.zeros((matrix.shape[0], members.shape[1]))
    sums[:, live] = matrix @ members[:, live]
    return sums


@njit(cache=True, nogil=True)
def live_blocs_kernel(members):
    """The blocs (columns of an (N, B) membership) that have a member (nonzero), in order."""
    live = np.empty(members.shape[1], dtype=np.int64)
    n_live = 0
    for b in range(members.shape[1]):
        for i in range(members.shape[0]):
            if members[i, b] != 0:
                live[n_live] = b
                n_live += 1
                break
    return live[:n_live]


@njit(cache=True, nogil=True)
def spread_kernel(product, live, n_blocs):
    """(n, B) zeros with the columns `live` set to `product`'s (n, len(live)) columns."""
    sums = np.zeros((product.shape[0], n_blocs))
    for k in range(product.shape[0]):
        for c in range(len(live)):
            sums[k, live[c]] = product[k, c]
    return sums


def cohesion_of(affinity: np.ndarray, rows: np.ndarray) -> float:
    """A bloc's cohesion: the mean affinity among its members; NaN for fewer than 2.

    Args:
        affinity: (N, N) affinity, unit diagonal.
        rows: Row indices of the members.
    """
    n = len(rows)
    if n < 2:
        return float("nan")
    return float((affinity[np.ix_(rows, rows)].sum() - n) / (n * (n - 1)))


def bisect(affinity: np.ndarray, members: np.ndarray, leader: int) -> np.ndarray:
    """Split a bloc's members into the leader's camp and the rest, by structural balance.

    A local search for the partition in two that best fits structural balance (friends in the
    same camp, foes across; Doreian & Mrvar 1996, "A partitioning approach to structural
    balance", Social Networks 18(2)): start from the members who like the leader, then move
    every member to the camp it likes more on average, until no one moves (at most as many
    rounds as members). The leader stays in its camp.

    Args:
        affinity: Full affinity matrix (N, N).
        members: Row indices of the members.
        leader: Row index of the leader (stays in the first camp).

    Returns:
        The members of the other camp (empty if every member sides with the leader).
    """
    return members[~leader_camp(affinity, members, leader)]


def leader_camp(affinity: np.ndarray, members: np.ndarray, leader: int) -> np.ndarray:
    """`bisect`'s camp of the leader, as a mask over `members` (bool).

    `bisect_reference`'s search, its matrix products (BLAS) the same; the sub-matrix, and
    each round's averages and moves, by kernels (`camp_start_kernel`, `camp_move_kernel`).
    """
    sub, head, in_camp, out_camp = camp_start_kernel(affinity, members, leader)
    if head < 0:
        raise IndexError("bisect: the leader is not among the members")
    for _ in range(len(members)):
        moved, out_moved, stable = camp_move_kernel(sub @ in_camp, sub @ out_camp, in_camp, head)
        if stable:
            break
        in_camp, out_camp = moved, out_moved
    return in_camp != 0.0


@njit(cache=True, nogil=True)
def camp_start_kernel(affinity, members, leader):
    """The members' affinity with a zero diagonal, the leader's place and its first camp.

    Returns:
        sub (n, n), head (the leader's place in `members`, -1: absent), and the first camp
        (the members liking the leader at least 0, and the leader) as 0/1 floats, and 1 minus it.
    """
    n = len(members)
    sub = np.empty((n, n))
    head = -1
    for r in range(n):
        if head < 0 and members[r] == leader:
            head = r
        for c in range(n):
            sub[r, c] = affinity[members[r], members[c]] if r != c else 0.0
    in_camp, out_camp = np.zeros(n), np.ones(n)
    if head >= 0:
        for r in range(n):
            if sub[r, head] >= 0.0 or r == head:
                in_camp[r], out_camp[r] = 1.0, 0.0
    return sub, head, in_camp, out_camp


@njit(cache=True, nogil=True)
def camp_move_kernel(with_camp, with_rest, in_camp, head):
    """One round of `bisect_reference`: each member to the camp it likes more on average.

    Args:
        with_camp: (n,) each member's affinity summed over the leader's camp (sub @ in_camp).
        with_rest: (n,) the same over the other camp (sub @ (1 - in_camp)).
        in_camp: (n,) the leader's camp, 0/1.
        head: The leader's place (stays in its camp).

    Returns:
        The new camp as 0/1, 1 minus it, and whether no member moved.
    """
    n = len(in_camp)
    count = 0.0
    for i in range(n):
        count += in_camp[i]
    moved, out_moved = np.empty(n), np.empty(n)
    stable = True
    for i in range(n):
        size = count - in_camp[i]  # the others in the leader's camp
        rest = (n - 1) - size
        to_camp = with_camp[i] / size if size > 0 else 0.0
        to_rest = with_rest[i] / rest if rest > 0 else 0.0
        joins = to_camp >= to_rest or i == head
        moved[i], out_moved[i] = (1.0, 0.0) if joins else (0.0, 1.0)
        stable = stable and joins == (in_camp[i] != 0.0)
    return moved, out_moved, stable


def bisect_reference(affinity: np.ndarray, members: np.ndarray, leader: int) -> np.ndarray:
    """`bisect` in plain numpy, round by round: its reference (the same arguments and result).

    The search as `bisect`'s docstring states it, each round's averages and moves in numpy.
    """
    sub = affinity[np.ix_(members, members)].copy()
    np.fill_diagonal(sub, 0.0)
    head = int(np.flatnonzero(members == leader)[0])
    camp = sub[:, head] >= 0.0
    camp[head] = True
    for _ in range(len(members)):
        in_camp = camp.astype(float)
        size = in_camp.sum() - in_camp  # the others in the leader's camp, each member apart
        rest = (len(members) - 1) - size
        to_camp = np.divide(sub @ in_camp, size, out=np.zeros(len(members)), where=size > 0)
        to_rest = np.divide(sub @ (1.0 - in_camp), rest, out=np.zeros(len(members)), where=rest > 0)
        moved = to_camp >= to_rest
        moved[head] = True
        if (moved == camp).all():
            break
        camp = moved
    return members[~camp]


def update_blocs(model: WorldModel) -> None:
    """The blocs' phase: blocs holding two hostile camps split; lone leaders' blocs dissolve.

    A bloc of at least three members splits when the two camps of its bisection (`bisect`)
    like each other less than `bloc_split_threshold` on average (structural
    balance: a group holding two mutually hostile camps is unstable, Heider 1946; Cartwright
    & Harary 1956). The camp without the leader leaves: one state becomes non-aligned, more
    found a bloc of their own led by the most capable. New blocs are founded in the
    alignment phase, where the followers choose (`sim.alignment.strategies.found_blocs`).
    """
    # a split moves only the splitting bloc's members, so each bloc's size and lowest
    # affinity (one compiled pass) hold until its own turn
    sizes, lowest = bloc_stats_kernel(model.affinity, model.bloc, len(model.blocs))
    split = False
    for b, bloc in enumerate(list(model.blocs)):
        if not bloc.active or sizes[b] < 3:
            continue
        if lowest[b] >= model.bloc_split_threshold:
            continue  # no pair below the threshold: no two camps can be below it
        members = np.flatnonzero(model.bloc == b)
        camp = leader_camp(model.affinity, members, bloc.leader)
        leaving, staying = members[~camp], members[camp]  # as `bisect`
        if not len(leaving):
            continue
        across = model.affinity[np.ix_(leaving, staying)].mean()
        if across >= model.bloc_split_threshold:
            continue
        if len(leaving) == 1:  # a lone dissenter leaves; it does not make a bloc
            model.bloc[leaving] = NON_ALIGNED
        else:
            found_bloc(model, int(leaving[np.argmax(model._capability[leaving])]), leaving)
        split = True
    if split:  # the sizes after the splits
        sizes = np.bincount(model.bloc + 1, minlength=len(model.blocs) + 1)[1:]
    sizes = sizes.tolist()
    for b, bloc in enumerate(model.blocs):
        # a bloc left with its leader alone dissolves; the leader is non-aligned
        if bloc.active and sizes[b] <= 1:
            bloc.active = False
            model.bloc[model.bloc == b] = NON_ALIGNED


def bloc_stats_reference(affinity: np.ndarray, bloc: np.ndarray, n_blocs: int):
    """Each bloc's size and lowest affinity among its members; `bloc_stats_kernel` the same.

    Returns:
        sizes (B,), and the lowest affinity between two members or a member and itself
        (B,; +inf for an empty bloc, NaN if one is NaN, as numpy's min).
    """
    sizes = np.bincount(bloc + 1, minlength=n_blocs + 1)[1:]
    lowest = np.full(n_blocs, np.inf)
    for b in np.flatnonzero(sizes):
        members = np.flatnonzero(bloc == b)
        lowest[b] = affinity[np.ix_(members, members)].min()
    return sizes, lowest


@njit(cache=True, nogil=True)
def bloc_stats_kernel(affinity, bloc, n_blocs):
    """`bloc_stats_reference` in one pass over the pairs of members of a bloc.

    Each member's row is read at its bloc's members only (`bloc_members`, in country order:
    the pairs in the order of a pass over every pair, so even a NaN is the same one).
    """
    start, order = bloc_members(bloc, n_blocs)
    sizes = start[1:] - start[:-1]
    lowest = np.full(n_blocs, np.inf)
    for i in range(len(bloc)):
        b = bloc[i]
        if b < 0:
            continue
        for k in range(start[b], start[b + 1]):
            x = affinity[i, order[k]]
            if x < lowest[b] or x != x:
                lowest[b] = x
    return sizes, lowest


def found_bloc(model: WorldModel, leader: int, members: np.ndarray) -> None:
    """A new bloc "<ISO3>-led" (with "+" added until the name is new), its members moved in."""
    name = f"{model.iso3[leader]}-led"
    names = {b.name for b in model.blocs}
    while name in names:
        name += "+"
    model.blocs.append(Bloc(name, leader, model.year))
    model.bloc[members] = len(model.blocs) - 1
