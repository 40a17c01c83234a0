"""Blocs: named groupings of countries with a leader, their cohesion, splits and formation.

The initial blocs follow a documented rule from 2025 facts (`initial_blocs`). Each country
is in exactly one bloc or non-aligned (bloc -1). A bloc whose cohesion (mean affinity among
its members) falls below a threshold splits in two along the sign of the leading
eigenvector of its members' affinity matrix (spectral bisection, Fiedler 1973 / Newman
2006's modularity method applied to a signed affinity matrix); the part holding the leader
keeps the name. A non-aligned country strong enough to lead can found a bloc with the
non-aligned countries that like it.

Entry point: `update_blocs(model)`, the blocs' phase of the year (after the alignment choices).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sim.model import WorldModel

NON_ALIGNED = -1

#: United States treaty allies outside NATO (bilateral treaties with Japan, South Korea and
#: the Philippines; ANZUS with Australia and New Zealand; US Department of State, "U.S.
#: Collective Defense Arrangements"). Thailand (Manila Pact) is left out: it is a BRICS
#: partner country since 2025. The Rio Treaty is treated as dormant.
US_TREATY_ALLIES = ("JPN", "KOR", "PHL", "AUS", "NZL")
#: States bound to Russia or China by a mutual-defence treaty in force in 2025: the CSTO
#: members taking part (Armenia froze its participation in 2024) and North Korea (1961
#: treaty with China; 2024 Comprehensive Strategic Partnership treaty with Russia).
EURASIAN_TREATY_PARTNERS = ("BLR", "KAZ", "KGZ", "TJK", "PRK")


@dataclass
class Bloc:
    """A bloc: its name and its leader (row index of the country that leads it)."""

    name: str
    leader: int
    founded: int
    active: bool = True


def initial_blocs(countries: pd.DataFrame, year: int) -> tuple[list[Bloc], np.ndarray]:
    """The 2025 blocs, by rule: a Western bloc, a Eurasian bloc, everyone else non-aligned.

    West: NATO, EU and G7 members and the United States' treaty allies, led by the United
    States. Eurasia: China, Russia and their mutual-defence treaty partners, led by China
    (the larger by capability). In a scenario lacking the United States or China the
    corresponding bloc is left out.

    Args:
        countries: The scenario's country table.
        year: The scenario year (recorded as the blocs' founding year).

    Returns:
        The blocs and the bloc index of every country (-1: non-aligned).
    """
    iso3 = countries["iso3"].to_numpy(dtype=str)
    row = {code: i for i, code in enumerate(iso3)}
    bloc = np.full(len(iso3), NON_ALIGNED)
    blocs: list[Bloc] = []
    if "USA" in row:
        west = (
            countries["nato"].to_numpy(bool)
            | countries["eu"].to_numpy(bool)
            | countries["g7"].to_numpy(bool)
            | np.isin(iso3, US_TREATY_ALLIES)
        )
        west[row["USA"]] = True
        bloc[west] = len(blocs)
        blocs.append(Bloc("West", row["USA"], year))
    if "CHN" in row:
        eurasia = np.isin(iso3, ("CHN", "RUS", *EURASIAN_TREATY_PARTNERS)) & (bloc < 0)
        bloc[eurasia] = len(blocs)
        blocs.append(Bloc("Eurasia", row["CHN"], year))
    return blocs, bloc


def membership_matrix(bloc: np.ndarray, n_blocs: int) -> np.ndarray:
    """(N, B) 0/1 matrix: country i is in bloc b."""
    matrix = np.zeros((len(bloc), n_blocs))
    aligned = bloc >= 0
    matrix[np.flatnonzero(aligned), bloc[aligned]] = 1.0
    return matrix


def bloc_sums(matrix: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Matrix @ members (N, B), computed over the blocs that have members only.

    Blocs founded and dissolved over a long run keep their (empty) columns; skipping them
    keeps the dyadic work proportional to the blocs that exist.

    Args:
        matrix: (N, N) values.
        members: (N, B) 0/1 membership (`membership_matrix`).
    """
    live = members.any(axis=0).nonzero()[0]
    product = matrix @ members[:, live]
    if len(live) == members.shape[1]:  # every bloc has members (the usual case)
        return product.astype(float, copy=False)
    sums = np.zeros((matrix.shape[0], members.shape[1]))
    sums[:, live] = product
    return sums


def cohesion(affinity: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Mean affinity among each bloc's members (B,); NaN for blocs with fewer than 2.

    Args:
        affinity: (N, N) affinity, unit diagonal.
        members: (N, B) 0/1 membership (`membership_matrix`).
    """
    size = members.sum(axis=0)
    # sum over pairs i != j in the bloc: diag(M^T A M) minus the unit diagonal
    within = (bloc_sums(affinity, members) * members).sum(axis=0) - size
    pairs = size * (size - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(pairs > 0, within / np.where(pairs > 0, pairs, 1), np.nan)


def bisect(affinity: np.ndarray, members: np.ndarray, leader: int) -> np.ndarray:
    """Split a bloc's members in two by the leading eigenvector of their affinity matrix.

    Args:
        affinity: Full affinity matrix (N, N).
        members: Row indices of the bloc's members.
        leader: Row index of the leader (stays in the first part).

    Returns:
        The members that leave with the second part.
    """
    sub = affinity[np.ix_(members, members)]
    centred = sub - sub.mean()
    _, vectors = np.linalg.eigh(centred)
    lead = vectors[:, -1]
    leader_side = np.sign(lead[np.flatnonzero(members == leader)[0]]) or 1.0
    leaving = members[np.sign(lead) == -leader_side]
    return leaving


def update_blocs(model: WorldModel) -> None:
    """The blocs' phase: blocs holding two hostile camps split; lone leaders' blocs dissolve.

    A bloc of at least three members splits when the two camps of its spectral bisection
    (`bisect`) like each other less than `bloc_split_threshold` on average (structural
    balance: a group holding two mutually hostile camps is unstable, Heider 1946; Cartwright
    & Harary 1956). The camp without the leader leaves: one state becomes non-aligned, more
    found a bloc of their own led by the most capable. New blocs are founded in the
    alignment phase, where the followers choose (`sim.alignment.strategies.found_blocs`).
    """
    for b, bloc in enumerate(list(model.blocs)):
        if not bloc.active:
            continue
        members = np.flatnonzero(model.bloc == b)
        if len(members) < 3:
            continue
        leaving = bisect(model.affinity, members, bloc.leader)
        staying = np.setdiff1d(members, leaving)
        if not len(leaving):
            continue
        across = model.affinity[np.ix_(leaving, staying)].mean()
        if across >= model.bloc_split_threshold:
            continue
        if len(leaving) == 1:  # a lone dissenter leaves; it does not make a bloc
            model.bloc[leaving] = NON_ALIGNED
        else:
            found_bloc(model, int(leaving[np.argmax(model._capability[leaving])]), leaving)
    for b, bloc in enumerate(model.blocs):
        # a bloc left with its leader alone dissolves; the leader is non-aligned
        if bloc.active and (model.bloc == b).sum() <= 1:
            bloc.active = False
            model.bloc[model.bloc == b] = NON_ALIGNED


def found_bloc(model: WorldModel, leader: int, members: np.ndarray) -> None:
    """A new bloc "<ISO3>-led" (with "+" added until the name is new), its members moved in."""
    name = f"{model.iso3[leader]}-led"
    names = {b.name for b in model.blocs}
    while name in names:
        name += "+"
    model.blocs.append(Bloc(name, leader, model.year))
    model.bloc[members] = len(model.blocs) - 1
