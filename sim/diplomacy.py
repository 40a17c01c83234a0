"""The diplomacy phase: wars, affinity between countries, rivalries and the threat each perceives.

Affinity is a symmetric (N, N) matrix in [-1, 1] (1 on the diagonal). It starts from the data
(ideological distance of UNGA ideal points, Bailey, Strezhnev & Voeten 2017; shared
memberships; security relations: alliances, strategic rivalries, recent disputes and armed
conflicts; bloc opposition; the wars in progress) and each year drifts part of the way toward
what interests imply: the same terms plus trade interdependence (Keohane & Nye 1977), a
common threat, sanctions as hostile acts, Council co-voting and a concert of great powers,
after the great powers' own actions (`sim.powers`).

Wars end with a yearly hazard estimated from UCDP data, sooner when mediated (`end_wars`);
rivalries end when the rivals stop fearing each other (`end_rivalries`). Threat follows
Walt's balance of threat (Walt 1987, "The Origins of Alliances"): the threat country i
perceives from country j grows with j's capability, its proximity (decaying with distance)
and its hostility toward i (negative affinity; rivals stay wary). A bloc's or great power's
threat is the sum over its members.

Entry point: `update_diplomacy(model)`, the diplomacy phase of the year: wars may end,
affinity drifts, rivalries may end, threat is perceived on the new affinity, a concert fades.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.blocs import bloc_sums
from sim.kernels import upper_tiles

if TYPE_CHECKING:
    from sim.model import WorldModel

#: Ideal-point distance at which ideological similarity reaches -1 (the 2024 points span
#: about 4 units, from Syria's -1.8 to the United States' 2.2).
IDEOLOGY_SCALE = 2.0
#: Memberships that carry a mutual-defence commitment (allies, beside the ATOP defence pacts).
ALLIANCES = ("nato", "csto")
#: Shared memberships that make countries friendlier (the alliances count here too).
GROUPINGS = ("nato", "csto", "eu", "g7", "brics", "sco", "eaeu", "asean", "au", "arab_league")
#: Distance (km) at which the proximity of a threat has halved: proximity = 1 / (1 + d / D),
#: a power-law loss-of-strength gradient (Boulding 1962, "Conflict and Defense").
THREAT_DISTANCE_KM = 2000.0

#: Security relations in the affinity base (assumptions on the scale of the other terms):
#: a defence obligation (ATOP defence pact, or both in NATO or the CSTO; Leeds et al. 2002),
#: an ongoing strategic rivalry (states that regard each other as competitors and enemies:
#: Thompson 2001, "Identifying Rivals and Rivalries in World Politics", ISQ 45(4); data of
#: Thompson, Sakuwa & Suhas 2022), and recent fighting: the share of the last ten years
#: with a militarized dispute (GML MID, Gibler, Miller & Little 2016) or on opposite sides of
#: an armed conflict (UCDP/PRIO).
WEIGHT_ALLY = 0.25
WEIGHT_RIVALRY = 0.60
WEIGHT_RECENT_CONFLICT = 0.50
WEIGHT_RECENT_DISPUTES = 0.25
#: Rivals discount each other's goodwill: i fears a rival j until their affinity exceeds this
#: (hostility max(0, RIVAL_WARINESS - A_ij) instead of max(0, -A_ij)).
RIVAL_WARINESS = 0.3
#: A rivalry ends after this many years in a row with affinity above RIVAL_WARINESS, when
#: neither fears the other any more (rivalries end when the rivals stop treating each other as
#: enemies: Thompson 2001; Bennett 1998, "Integrating
#: and Testing Models of Rivalry Duration", AJPS 42(4)); an assumption.
RIVALRY_END_YEARS = 3

#: Weights of the affinity terms (the sum of absolute weights is about 1; the target is the
#: tanh of the weighted sum, so it stays inside (-1, 1) without sticking to the bounds).
WEIGHT_IDEOLOGY = 0.45
WEIGHT_MEMBERSHIP = 0.25
WEIGHT_BLOC = 0.30
WEIGHT_TRADE = 0.20
WEIGHT_COMMON_THREAT = 0.20
#: Council co-voting: members that vote alike grow closer (Voeten 2000, "Clashes in the
#: Assembly", International Organization 54(2), on voting alignment as revealed preference).
WEIGHT_COVOTING = 0.10
#: Sanctions are hostile acts: a pair under sanctions (either way, intensity in [0, 1]) grows
#: apart (the target perceives aggressive intent, Walt 1987; Drezner 1999, "The Sanctions
#: Paradox": targets expect conflict with the sender). With the common-threat term this
#: pulls a sanctioned state toward the sender's other adversaries.
WEIGHT_SANCTIONS = 0.30
#: A concert of great powers (after a summit, `sim.events.three_way_summit`) keeps its
#: parties consulting while it lasts: their mutual target rises by this times its strength
#: (Jervis 1985, "From Balance to Concert", World Politics 38(1)).
WEIGHT_CONCERT = 0.30
#: The UCDP estimate of the yearly hazard that a war ends (`sim/data/war_termination.md`):
#: interstate conflicts in their third year or later, as every war the model starts with.
WAR_HAZARD = "episode_year_3_plus"
#: How far toward +1 a mediator's affinity with both parties moves when its war ends.
MEDIATION_CREDIT = 0.2


def nudge_affinity(model: WorldModel, rows, cols, step: float) -> None:
    """Move affinity between two groups a fraction `step` toward +1 (or -1 if step < 0).

    Compiled (`nudge_kernel`): the same numbers as `nudge_affinity_reference`, bit for bit.

    Args:
        model: The model.
        rows: A row index or indices.
        cols: A row index or indices.
        step: The share of the way to +1 (to -1 if negative) each pair moves.
    """
    rows = np.atleast_1d(np.asarray(rows, dtype=np.int64))
    cols = np.atleast_1d(np.asarray(cols, dtype=np.int64))
    nudge_kernel(model.affinity, rows, cols, float(step))


@njit(cache=True, nogil=True)
def nudge_kernel(affinity, rows, cols, step):
    """Move affinity between two groups a share `step` toward +1 (-1 if step < 0), in place.

    As `nudge_affinity_reference`: the block (rows, cols) is read, moved, written to
    (rows, cols) and then, transposed, to (cols, rows), each in numpy's order (the last write
    of a pair named twice stands); then the diagonal is 1.
    """
    goal = 1.0 if step >= 0 else -1.0
    share = abs(step)
    block = np.empty((len(rows), len(cols)))
    for a in range(len(rows)):
        for b in range(len(cols)):
            value = affinity[rows[a], cols[b]]
            block[a, b] = value + share * (goal - value)
    for a in range(len(rows)):
        for b in range(len(cols)):
            affinity[rows[a], cols[b]] = block[a, b]
    for b in range(len(cols)):
        for a in range(len(rows)):
            affinity[cols[b], rows[a]] = block[a, b]
    for i in range(affinity.shape[0]):
        affinity[i, i] = 1.0


def nudge_affinity_reference(model: WorldModel, rows, cols, step: float) -> None:
    """`nudge_affinity` in plain numpy."""
    rows, cols = np.atleast_1d(rows), np.atleast_1d(cols)
    block = model.affinity[np.ix_(rows, cols)]
    goal = 1.0 if step >= 0 else -1.0
    block += abs(step) * (goal - block)
    model.affinity[np.ix_(rows, cols)] = block
    model.affinity[np.ix_(cols, rows)] = block.T
    np.fill_diagonal(model.affinity, 1.0)


def ideological_similarity(ideal_point: np.ndarray) -> np.ndarray:
    """1 - |ideal point distance| / IDEOLOGY_SCALE, clipped to [-1, 1] (N, N)."""
    gap = np.abs(ideal_point[:, None] - ideal_point[None, :])
    return np.clip(1.0 - gap / IDEOLOGY_SCALE, -1.0, 1.0)


def shared_membership(flags: dict[str, np.ndarray]) -> np.ndarray:
    """Shared groupings, a third each, saturating at 1 (N, N).

    Args:
        flags: Membership name -> bool array (N,); missing names are ignored.

    Returns:
        Values in [0, 1], zero diagonal.
    """
    n = len(next(iter(flags.values())))
    score = np.zeros((n, n))
    for name, flag in flags.items():
        if name in GROUPINGS:
            member = flag.astype(float)
            score += np.outer(member, member)
    np.fill_diagonal(score, 0.0)
    return np.minimum(score / 3.0, 1.0)


def bloc_alignment(members: np.ndarray) -> np.ndarray:
    """+1 for two members of the same bloc, -1 for members of different blocs, else 0.

    Args:
        members: (N, B) 0/1 membership (`sim.blocs.membership_matrix`).
    """
    live = members[:, members.any(axis=0)]
    aligned = live.any(axis=1)
    relation = live @ live.T  # 1 for two members of the same bloc
    relation *= 2.0
    relation -= np.outer(aligned, aligned)
    return relation


def trade_interdependence(two_way_usd: np.ndarray, gdp_usd: np.ndarray) -> np.ndarray:
    """Two-way trade relative to the smaller partner's GDP, saturating: 1 - exp(-10 x) (N, N).

    A pair trading 10% of the smaller economy's GDP scores about 0.63.

    Args:
        two_way_usd: Trade both ways, X + X^T (N, N).
        gdp_usd: GDP (N,).
    """
    ratio = np.minimum(gdp_usd[:, None], gdp_usd[None, :])
    np.divide(two_way_usd, ratio, out=ratio)
    ratio *= -10.0
    np.exp(ratio, out=ratio)
    return np.subtract(1.0, ratio, out=ratio)


def proximity(distance_km: np.ndarray) -> np.ndarray:
    """1 / (1 + distance / THREAT_DISTANCE_KM), zero diagonal (N, N)."""
    near = 1.0 / (1.0 + distance_km / THREAT_DISTANCE_KM)
    np.fill_diagonal(near, 0.0)
    return near


def pairwise_threat(
    capability: np.ndarray,
    near: np.ndarray,
    affinity: np.ndarray,
    rivalry: np.ndarray | None = None,
) -> np.ndarray:
    """Threat i perceives from j: relative power * proximity_ij * hostility_ij (N, N).

    Relative power is capability_j / (capability_i + capability_j): a threat is measured
    against one's own strength (Walt's aggregate power); hostility is max(0, -affinity), and
    between strategic rivals (`rivalry`, 0/1) max(0, RIVAL_WARINESS - affinity), clipped to 1.
    """
    threat = np.negative(affinity)
    if rivalry is not None:
        threat += RIVAL_WARINESS * rivalry
    np.clip(threat, 0.0, 1.0, out=threat)  # hostility
    threat *= near
    total = np.add.outer(capability, capability)
    if (capability > 0).all():  # every total is positive: no mask needed (the same numbers)
        np.divide(capability[None, :], total, out=total)
    else:
        np.divide(capability[None, :], total, out=total, where=total > 0)
    threat *= total
    return threat


@njit(cache=True, nogil=True)
def pairwise_threat_kernel(capability, near, affinity, rivalry, out):
    """`pairwise_threat` in one pass over the pairs, into `out` (N, N)."""
    n = near.shape[0]
    for i in range(n):
        for j in range(n):
            hostility = -affinity[i, j] + RIVAL_WARINESS * rivalry[i, j]
            hostility = min(max(hostility, 0.0), 1.0) * near[i, j]
            total = capability[i] + capability[j]
            out[i, j] = hostility * (capability[j] / total) if total > 0 else hostility * total


def group_threat(threat: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """Threat each country perceives from each bloc: (N, B).

    Args:
        threat: Pairwise threat (N, N), each in [0, 1].
        membership: (N, B) 0/1 matrix of bloc members.

    Returns:
        Sum of the members' threats, at most 1 (0 for a bloc without members).
    """
    return np.minimum(bloc_sums(threat, membership), 1.0)


def common_threat(group_threats: np.ndarray) -> np.ndarray:
    """How far two countries fear the same group: max over groups of min(T_ig, T_jg) (N, N)."""
    n = len(group_threats)
    shared = np.zeros((n, n))
    for column in group_threats.T:  # few groups: a loop keeps memory at N x N
        np.maximum(shared, np.minimum.outer(column, column), out=shared)
    np.fill_diagonal(shared, 0.0)
    return shared


def security_relations(
    allies: np.ndarray,
    rivalry: np.ndarray,
    conflict_years: np.ndarray,
    dispute_years: np.ndarray,
) -> np.ndarray:
    """The security part of the affinity base (N, N): allies closer, rivals and foes apart.

    Args:
        allies: (N, N) 0/1, a defence obligation.
        rivalry: (N, N) 0/1, an ongoing strategic rivalry.
        conflict_years: (N, N) years of the last ten on opposite sides of an armed conflict.
        dispute_years: (N, N) years of the last ten with a militarized dispute.

    Returns:
        WEIGHT_ALLY allies - WEIGHT_RIVALRY rivalry - WEIGHT_RECENT_CONFLICT conflict_years / 10
        - WEIGHT_RECENT_DISPUTES dispute_years / 10, zero diagonal.
    """
    relations = WEIGHT_ALLY * np.asarray(allies, dtype=float)
    relations -= WEIGHT_RIVALRY * rivalry
    relations -= WEIGHT_RECENT_CONFLICT / 10.0 * conflict_years
    relations -= WEIGHT_RECENT_DISPUTES / 10.0 * dispute_years
    np.fill_diagonal(relations, 0.0)
    return relations


def allies(defense_pact: np.ndarray, flags: dict[str, np.ndarray]) -> np.ndarray:
    """(N, N) bool: a defence obligation, from ATOP or from both being in NATO or the CSTO."""
    allied = np.array(defense_pact, dtype=bool)
    for name in ALLIANCES:
        if name in flags:
            member = np.asarray(flags[name], dtype=bool)
            allied |= np.outer(member, member)
    np.fill_diagonal(allied, False)
    return allied


def affinity_base(
    ideology: np.ndarray,
    membership: np.ndarray,
    conflict: np.ndarray,
    security: np.ndarray | None = None,
) -> np.ndarray:
    """The slowly changing part of the affinity target: ideology, memberships, wars (N, N).

    Args:
        ideology: Ideological similarity (N, N), in [-1, 1].
        membership: Shared membership (N, N), in [0, 1].
        conflict: -1 for pairs at war, else 0 (N, N).
        security: `security_relations` (None: none).

    Returns:
        WEIGHT_IDEOLOGY ideology + WEIGHT_MEMBERSHIP membership + 2 conflict + security (a war
        lowers the pair's target by 2 before the tanh bound: below -0.76 whatever else holds).
    """
    base = WEIGHT_IDEOLOGY * ideology + WEIGHT_MEMBERSHIP * membership + 2.0 * conflict
    if security is not None:
        base += security
    return base


def affinity_slow_terms(base: np.ndarray, blocs: np.ndarray) -> np.ndarray:
    """The terms of the affinity target that change only with events and membership (N, N).

    Args:
        base: Output of `affinity_base` (N, N).
        blocs: Bloc alignment (N, N), -1, 0 or 1.

    Returns:
        base + WEIGHT_BLOC blocs, the sum that `affinity_target` starts from.
    """
    return base + WEIGHT_BLOC * blocs


def affinity_target(
    base: np.ndarray,
    blocs: np.ndarray,
    interdependence: np.ndarray | None = None,
    shared_threat: np.ndarray | None = None,
    covoting: tuple[np.ndarray, np.ndarray] | None = None,
    sanctions: np.ndarray | None = None,
    concert: tuple[np.ndarray, float] | None = None,
) -> np.ndarray:
    """What interests imply for affinity: tanh of the weighted terms, unit diagonal.

    The plain-numpy statement of the target; the model computes it with compiled kernels
    (`model_affinity_target`, `drift_kernel`), tested to give the same numbers.

    Args:
        base: Output of `affinity_base` (N, N).
        blocs: Bloc alignment (N, N), -1, 0 or 1.
        interdependence: Trade interdependence (N, N), in [0, 1] (None: none).
        shared_threat: Common threat (N, N), in [0, 1] (None: none).
        covoting: (seats, agreement): the rows of last year's Council members and their
            pairwise agreement in its votes, in [-1, 1] (0 on the diagonal); pairs not both
            seated get no term (None: no Council session yet).
        sanctions: Sanctions intensity (N, N), row imposer, column target, in [0, 1]; a pair
            counts the larger of its two directions (None: none).
        concert: (parties, strength): the rows of the great powers in a concert and its
            strength in [0, 1] (None: none).

    Returns:
        The target affinity (N, N), symmetric when the inputs are.
    """
    target = affinity_slow_terms(base, blocs)
    if interdependence is not None:
        target += WEIGHT_TRADE * interdependence
    if shared_threat is not None:
        target += WEIGHT_COMMON_THREAT * shared_threat
    add_block_terms(target, covoting, sanctions, concert)
    # a soft bound: close pairs approach +1 without sticking to it, so that every policy
    # still moves them (a hard clip would make the strongest ties immovable)
    soft_bound(target)
    np.fill_diagonal(target, 1.0)
    return target


def add_block_terms(
    target: np.ndarray,
    covoting: tuple[np.ndarray, np.ndarray] | None,
    sanctions: np.ndarray | None,
    concert: tuple[np.ndarray, float] | None,
) -> np.ndarray:
    """Add (in place) the terms of `affinity_target` that touch a few countries only.

    In this order: sanctions (either way; `affinity_terms_kernel` subtracts them in its pass
    when `sanctions` is None here), Council co-voting and a concert. Returns `target`.
    """
    if sanctions is not None:
        # only pairs with a sanction either way change: the block of the countries involved
        involved = np.flatnonzero(sanctions.any(axis=0) | sanctions.any(axis=1))
        block = np.ix_(involved, involved)
        pair = sanctions[block]
        target[block] -= WEIGHT_SANCTIONS * np.maximum(pair, pair.T)
    if covoting is not None:
        seats, agreement = covoting
        target[np.ix_(seats, seats)] += WEIGHT_COVOTING * agreement
    if concert is not None and concert[1] > 0:
        parties, strength = concert
        target[np.ix_(parties, parties)] += WEIGHT_CONCERT * strength
    return target


@njit(cache=True, nogil=True)
def affinity_terms_kernel(slow_terms, two_way, gdp, threats, sanctions, out):
    """The dense terms of `affinity_target` and its sanctions term, in one pass over the pairs.

    out = slow_terms + WEIGHT_TRADE `trade_interdependence` + WEIGHT_COMMON_THREAT
    `common_threat(threats)` - WEIGHT_SANCTIONS max(S_ij, S_ji) (`threats`: (N, G) group
    threats). Each pair's symmetric terms are computed once for both directions.
    """
    groups = threats.shape[1]
    tiles = upper_tiles(len(gdp))
    for t in range(len(tiles)):
        for i in range(tiles[t, 0], tiles[t, 1]):
            for j in range(max(tiles[t, 2], i), tiles[t, 3]):
                smaller = min(gdp[i], gdp[j])
                trade = WEIGHT_TRADE * (1.0 - np.exp(two_way[i, j] / smaller * -10.0))
                shared = 0.0
                if j > i:  # the common threat is zero on the diagonal
                    for g in range(groups):
                        shared = max(shared, min(threats[i, g], threats[j, g]))
                    shared *= WEIGHT_COMMON_THREAT
                upper = slow_terms[i, j] + trade + shared
                lower = slow_terms[j, i] + trade + shared
                if sanctions[i, j] != 0.0 or sanctions[j, i] != 0.0:
                    hostile = WEIGHT_SANCTIONS * max(sanctions[i, j], sanctions[j, i])
                    upper -= hostile
                    lower -= hostile
                out[i, j] = upper
                out[j, i] = lower


@njit(cache=True, nogil=True)
def drift_kernel(target, affinity, rate):
    """The drift of affinity toward the bounded target, in one pass over the pairs.

    affinity += rate (soft_bound(target) - affinity), with a unit target on the diagonal;
    each pair's bound (an exp) is computed once when both directions are equal.
    """
    tiles = upper_tiles(len(target))
    for t in range(len(tiles)):
        for i in range(tiles[t, 0], tiles[t, 1]):
            for j in range(max(tiles[t, 2], i), tiles[t, 3]):
                if j == i:
                    affinity[i, i] += (1.0 - affinity[i, i]) * rate
                    continue
                upper = 1.0 - 2.0 / (np.exp(target[i, j] * 2.0) + 1.0)
                if target[j, i] == target[i, j]:
                    lower = upper
                else:
                    lower = 1.0 - 2.0 / (np.exp(target[j, i] * 2.0) + 1.0)
                affinity[i, j] += (upper - affinity[i, j]) * rate
                affinity[j, i] += (lower - affinity[j, i]) * rate


def soft_bound(values: np.ndarray) -> np.ndarray:
    """tanh, in place: 1 - 2 / (exp(2 x) + 1) (within 4e-16 of `np.tanh`, about twice as fast).

    Args:
        values: Any array; overwritten.

    Returns:
        `values`.
    """
    np.multiply(values, 2.0, out=values)
    np.exp(values, out=values)
    values += 1.0
    np.divide(2.0, values, out=values)
    return np.subtract(1.0, values, out=values)


def update_diplomacy(model: WorldModel) -> None:
    """The diplomacy phase: wars may end, affinity drifts, threat is perceived, a concert fades."""
    end_wars(model)
    drift_affinity(model)
    end_rivalries(model)
    perceive_threat(model)
    model.concert_strength *= 0.5 ** (1.0 / model.concert_half_life)
    model.mediators = {}


def end_wars(model: WorldModel) -> None:
    """Each ongoing war ends this year with its hazard; a mediated one more likely.

    The yearly hazard `war_end_hazard` is constant (the UCDP estimate for conflicts in their
    third year or later: the hazard falls over the first years, 0.66 in the first, 0.42 in the
    second, then 0.26, `sim/data/war_termination.md`); a war mediated
    this year (`sim.powers.mediate`) ends with hazard `1 - (1 - h)^mediation_effect`, the
    hazard of `mediation_effect` years in one (mediation raises the chance of settlement:
    Regan & Stam 2000; Beardsley 2011, "The Mediation Dilemma"). A mediator whose war ends
    gains `MEDIATION_CREDIT` of the way to +1 with both parties (Kydd 2003). One draw per war
    per year from `model.war_rng`, in the order of `model.conflicts`.
    """
    if not model.conflicts:
        return
    draws = model.war_rng.random(len(model.conflicts))
    ongoing = []
    for (a, b), draw in zip(model.conflicts, draws, strict=True):
        mediator = model.mediators.get(frozenset((a, b)))
        hazard = model.war_end_hazard
        if mediator is not None:
            hazard = 1.0 - (1.0 - hazard) ** model.mediation_effect
        if draw >= hazard:
            ongoing.append((a, b))
        elif mediator is not None:
            nudge_affinity(model, mediator, [a, b], MEDIATION_CREDIT)
    if len(ongoing) < len(model.conflicts):
        model.conflicts = ongoing
        model.refresh_conflicts()


def end_rivalries(model: WorldModel) -> None:
    """Rivalries whose pair has not feared each other for RIVALRY_END_YEARS years in a row end.

    `model.rivalries` holds the ongoing rival pairs (i < j) and `model._rival_calm` the
    years each has spent with affinity above RIVAL_WARINESS; an ended rivalry leaves
    `model._rivalry` and the affinity base is recomputed.
    """
    if not len(model.rivalries):
        return
    i, j = model.rivalries.T
    calm = np.where(model.affinity[i, j] > RIVAL_WARINESS, model._rival_calm + 1, 0)
    ended = calm >= RIVALRY_END_YEARS
    model._rival_calm = calm[~ended]
    if ended.any():
        model._rivalry[i[ended], j[ended]] = model._rivalry[j[ended], i[ended]] = 0.0
        model.rivalries = model.rivalries[~ended]
        model.refresh_memberships()


def drift_affinity(model: WorldModel) -> None:
    """Affinity moves `affinity_drift_rate` of the way toward what interests imply.

    Every term is symmetric, so affinity stays symmetric and within [-1, 1]. Compiled:
    `model_affinity_target` before its bound, then the bound and the step in one pass
    (`drift_kernel`); the same numbers as `affinity_target` (tested).
    """
    target = model_affinity_target(model, bound=False)
    drift_kernel(target, model.affinity, model.affinity_drift_rate)


def model_affinity_target(model: WorldModel, bound: bool = True) -> np.ndarray:
    """`affinity_target` of the model's current state (N, N).

    `bound=False`: before its soft bound and unit diagonal (what `drift_kernel` takes). A
    bloc's threat is at least that of each member, so a great power inside a bloc adds
    nothing to the common threat (a max of mins): only unaligned powers count. The dense
    terms in one compiled pass (`affinity_terms_kernel`), then the blocks (`add_block_terms`).
    """
    powers = model.power_strategies
    unaligned = [k for k, p in enumerate(powers) if model._threat_bloc[p] < 0]
    live = np.bincount(model._threat_bloc[model._threat_bloc >= 0]).nonzero()[0]  # sorted
    threats = np.hstack([model.bloc_threat[:, live], model.power_threat[:, unaligned]])
    target = np.empty((model.n, model.n))
    slow_terms = cached_slow_terms(model)  # refreshes the bloc relations first
    affinity_terms_kernel(
        slow_terms, model._two_way_trade, model._gdp_usd, threats, model.sanctions, target
    )
    add_block_terms(target, model._covoting, None, (model.concert_parties, model.concert_strength))
    if bound:
        soft_bound(target)
        np.fill_diagonal(target, 1.0)
    return target


def cached_slow_terms(model: WorldModel) -> np.ndarray:
    """`affinity_slow_terms`, kept until membership or the affinity base changes.

    The bloc relations are refreshed first.
    """
    model.refresh_bloc_relations()
    if model._slow_terms_key != model._relations_key:
        model._slow_terms = affinity_slow_terms(model._affinity_base, model._bloc_alignment)
        model._slow_terms_key = model._relations_key
    return model._slow_terms


def perceive_threat(model: WorldModel) -> None:
    """Threat from every bloc and great power, from capability, proximity and hostility.

    Sets `model.bloc_threat` (N, B), `model.power_threat` (N, number of great powers) and
    the membership they were measured on.
    """
    model._pair_threat = np.empty((model.n, model.n))
    pairwise_threat_kernel(
        model._capability, model._near, model.affinity, model._rivalry, model._pair_threat
    )
    model._threat_bloc = model.bloc.copy()  # the membership these threats were measured on
    model.bloc_threat = group_threat(model._pair_threat, model.membership())
    # a single power's threat is its column of the pairwise threat (already in [0, 1])
    model.power_threat = model._pair_threat[:, list(model.power_strategies)]


@functools.cache
def war_termination() -> dict:
    """The shipped UCDP estimates of the yearly hazard that a war ends."""
    return json.loads((resources.files("sim") / "data" / "war_termination.json").read_text())


def war_end_hazard() -> float:
    """The default yearly hazard that a war ends (`WAR_HAZARD` of `war_termination`)."""
    return war_termination()["hazard"][WAR_HAZARD]["estimate"]
