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

The (N, N) work is compiled (numba kernels, row by row so that the loops vectorise), each
kernel beside the plain-numpy function it reproduces: the set-up terms (`proximity`,
`ideological_similarity`, `shared_membership`, `allies`, `security_relations`,
`affinity_base`, `bloc_alignment`, each with its `*_reference`) bit for bit; the yearly drift
and the target (`affinity_blocks_kernel`) as `drift` toward `affinity_target`, bit for bit when
the reference is given the kernels' exponential (`sim.kernels.exp`: the same bits on every
machine), and within 1e-15 of it with numpy's (tests/test_diplomacy_speed.py).
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.blocs import bloc_sums
from sim.kernels import exp, upper_tiles

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
    """1 - |ideal point distance| / IDEOLOGY_SCALE, clipped to [-1, 1] (N, N).

    Compiled, row by row (`ideology_kernel`): the numbers of `ideological_similarity_reference`.
    """
    ideal_point = np.asarray(ideal_point, dtype=float)
    out = np.empty((len(ideal_point), len(ideal_point)))
    ideology_kernel(ideal_point, out)
    return out


def ideological_similarity_reference(ideal_point: np.ndarray) -> np.ndarray:
    """`ideological_similarity` in plain numpy."""
    gap = np.abs(ideal_point[:, None] - ideal_point[None, :])
    return np.clip(1.0 - gap / IDEOLOGY_SCALE, -1.0, 1.0)


@njit(cache=True, nogil=True, error_model="numpy")
def ideology_kernel(ideal_point, out):
    """`ideological_similarity_reference` into `out`, row by row (vectorised; NaN stays NaN)."""
    n = len(ideal_point)
    for i in range(n):
        mine, into = ideal_point[i], out[i]
        for j in range(n):
            value = 1.0 - abs(mine - ideal_point[j]) / IDEOLOGY_SCALE
            value = -1.0 if value < -1.0 else value
            into[j] = 1.0 if value > 1.0 else value


def shared_membership(flags: dict[str, np.ndarray]) -> np.ndarray:
    """Shared groupings, a third each, saturating at 1 (N, N).

    Compiled, row by row (`shared_membership_kernel`): the numbers of
    `shared_membership_reference`.

    Args:
        flags: Membership name -> bool array (N,); missing names are ignored.

    Returns:
        Values in [0, 1], zero diagonal.
    """
    n = len(next(iter(flags.values())))
    member = [np.asarray(flag, dtype=float) for name, flag in flags.items() if name in GROUPINGS]
    members = np.array(member) if member else np.zeros((0, n))
    out = np.empty((n, n))
    shared_membership_kernel(members, out)
    return out


def shared_membership_reference(flags: dict[str, np.ndarray]) -> np.ndarray:
    """`shared_membership` in plain numpy."""
    n = len(next(iter(flags.values())))
    score = np.zeros((n, n))
    for name, flag in flags.items():
        if name in GROUPINGS:
            member = flag.astype(float)
            score += np.outer(member, member)
    np.fill_diagonal(score, 0.0)
    return np.minimum(score / 3.0, 1.0)


@njit(cache=True, nogil=True, error_model="numpy")
def shared_membership_kernel(members, out):
    """`shared_membership_reference` into `out`: members (G, N), 0/1, in the flags' order.

    Row by row: the groupings of country i added in order (those it is not in add
    0 * m = 0 and are skipped: the flags are 0/1), then min(score / 3, 1), zero diagonal.
    """
    groups, n = members.shape
    for i in range(n):
        into = out[i]
        into[:] = 0.0
        for g in range(groups):
            mine, theirs = members[g, i], members[g]
            if mine != 0.0:
                for j in range(n):
                    into[j] += mine * theirs[j]
        into[i] = 0.0
        for j in range(n):
            into[j] = min(into[j] / 3.0, 1.0)


def bloc_alignment(members: np.ndarray) -> np.ndarray:
    """+1 for two members of the same bloc, -1 for members of different blocs, else 0.

    Compiled, row by row (`bloc_alignment_kernel`): the numbers of `bloc_alignment_reference`
    (its matrix product sums 0/1 products: exact in any order).

    Args:
        members: (N, B) 0/1 membership (`sim.blocs.membership_matrix`).
    """
    live = np.ascontiguousarray(members[:, members.any(axis=0)].T, dtype=float)
    relation = np.empty((len(members), len(members)))
    bloc_alignment_kernel(live, live.any(axis=0).astype(float), relation)
    return relation


def bloc_alignment_reference(members: np.ndarray) -> np.ndarray:
    """`bloc_alignment` in plain numpy."""
    live = members[:, members.any(axis=0)]
    aligned = live.any(axis=1)
    relation = live @ live.T  # 1 for two members of the same bloc
    relation *= 2.0
    relation -= np.outer(aligned, aligned)
    return relation


@njit(cache=True, nogil=True)
def bloc_alignment_kernel(live, aligned, out):
    """`bloc_alignment_reference` into `out`, row by row: 2 sum_b L_bi L_bj - a_i a_j.

    `live` (B, N): 0/1, the blocs with members (blocs country i is not in add 0: skipped);
    `aligned` (N,): 1 for a member of any.
    """
    n = out.shape[0]
    for i in range(n):
        into = out[i]
        into[:] = 0.0
        for b in range(live.shape[0]):
            mine, theirs = live[b, i], live[b]
            if mine != 0.0:
                for j in range(n):
                    into[j] += mine * theirs[j]
        mine = aligned[i]
        for j in range(n):
            into[j] = into[j] * 2.0 - mine * aligned[j]


def trade_interdependence(two_way_usd: np.ndarray, gdp_usd: np.ndarray, exp=np.exp) -> np.ndarray:
    """Two-way trade relative to the smaller partner's GDP, saturating: 1 - exp(-10 x) (N, N).

    A pair trading 10% of the smaller economy's GDP scores about 0.63.

    Args:
        two_way_usd: Trade both ways, X + X^T (N, N).
        gdp_usd: GDP (N,).
        exp: The exponential, called as exp(values, out=values): numpy's (the model's kernels
            use `sim.kernels.exp`; the tests pass it here to compare bit for bit).
    """
    ratio = np.minimum(gdp_usd[:, None], gdp_usd[None, :])
    np.divide(two_way_usd, ratio, out=ratio)
    ratio *= -10.0
    exp(ratio, out=ratio)
    return np.subtract(1.0, ratio, out=ratio)


def proximity(distance_km: np.ndarray) -> np.ndarray:
    """1 / (1 + distance / THREAT_DISTANCE_KM), zero diagonal (N, N).

    Compiled, row by row (`proximity_kernel`): the numbers of `proximity_reference`.
    """
    near = np.empty(np.shape(distance_km))
    proximity_kernel(np.asarray(distance_km, dtype=float), near)
    return near


def proximity_reference(distance_km: np.ndarray) -> np.ndarray:
    """`proximity` in plain numpy."""
    near = 1.0 / (1.0 + distance_km / THREAT_DISTANCE_KM)
    np.fill_diagonal(near, 0.0)
    return near


@njit(cache=True, nogil=True, error_model="numpy")
def proximity_kernel(distance_km, out):
    """`proximity_reference` into `out`, row by row (vectorised)."""
    n = distance_km.shape[0]
    for i in range(n):
        row, into = distance_km[i], out[i]
        for j in range(n):
            into[j] = 1.0 / (1.0 + row[j] / THREAT_DISTANCE_KM)
        into[i] = 0.0


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


@njit(cache=True, nogil=True, error_model="numpy")
def pairwise_threat_kernel(capability, near, affinity, rivalry, out):
    """`pairwise_threat` in one pass over the pairs, into `out` (N, N).

    Row by row, so that the loop vectorises: the share is computed for every pair and kept
    where the total is positive (numpy's error model: a zero total gives a NaN, not an
    exception, in the branch not taken).
    """
    n = near.shape[0]
    for i in range(n):
        mine, hostile, rival, close, into = (
            capability[i],
            affinity[i],
            rivalry[i],
            near[i],
            out[i],
        )
        for j in range(n):
            hostility = -hostile[j] + RIVAL_WARINESS * rival[j]
            hostility = min(max(hostility, 0.0), 1.0) * close[j]
            total = mine + capability[j]
            share = capability[j] / total
            into[j] = hostility * share if total > 0 else hostility * total


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

    Compiled, row by row (`security_kernel`): the numbers of `security_relations_reference`.

    Args:
        allies: (N, N) 0/1, a defence obligation.
        rivalry: (N, N) 0/1, an ongoing strategic rivalry.
        conflict_years: (N, N) years of the last ten on opposite sides of an armed conflict.
        dispute_years: (N, N) years of the last ten with a militarized dispute.

    Returns:
        WEIGHT_ALLY allies - WEIGHT_RIVALRY rivalry - WEIGHT_RECENT_CONFLICT conflict_years / 10
        - WEIGHT_RECENT_DISPUTES dispute_years / 10, zero diagonal.
    """
    relations = np.empty(np.shape(allies))
    security_kernel(*map(_numbers, (allies, rivalry, conflict_years, dispute_years)), relations)
    return relations


def _numbers(values) -> np.ndarray:
    """An array for a kernel: a bool array viewed as its 0/1 bytes (no copy), else as is."""
    values = np.asarray(values)
    return values.view(np.uint8) if values.dtype == bool else values


def security_relations_reference(
    allies: np.ndarray,
    rivalry: np.ndarray,
    conflict_years: np.ndarray,
    dispute_years: np.ndarray,
) -> np.ndarray:
    """`security_relations` in plain numpy."""
    relations = WEIGHT_ALLY * np.asarray(allies, dtype=float)
    relations -= WEIGHT_RIVALRY * rivalry
    relations -= WEIGHT_RECENT_CONFLICT / 10.0 * conflict_years
    relations -= WEIGHT_RECENT_DISPUTES / 10.0 * dispute_years
    np.fill_diagonal(relations, 0.0)
    return relations


@njit(cache=True, nogil=True)
def security_kernel(allies, rivalry, conflict_years, dispute_years, out):
    """`security_relations_reference` into `out`, row by row (the terms in its order)."""
    n = out.shape[0]
    conflict, dispute = WEIGHT_RECENT_CONFLICT / 10.0, WEIGHT_RECENT_DISPUTES / 10.0
    for i in range(n):
        allied, rival, fought, disputed, into = (
            allies[i],
            rivalry[i],
            conflict_years[i],
            dispute_years[i],
            out[i],
        )
        for j in range(n):
            value = WEIGHT_ALLY * float(allied[j]) - WEIGHT_RIVALRY * float(rival[j])
            into[j] = value - conflict * float(fought[j]) - dispute * float(disputed[j])
        into[i] = 0.0


def allies(defense_pact: np.ndarray, flags: dict[str, np.ndarray]) -> np.ndarray:
    """(N, N) bool: a defence obligation, from ATOP or from both being in NATO or the CSTO.

    Compiled, row by row (`allies_kernel`): the values of `allies_reference`.
    """
    n = len(defense_pact)
    member = [np.asarray(flags[name], dtype=bool) for name in ALLIANCES if name in flags]
    members = np.array(member) if member else np.zeros((0, n), dtype=bool)
    allied = np.empty((n, n), dtype=bool)
    allies_kernel(np.asarray(defense_pact), members, allied)
    return allied


def allies_reference(defense_pact: np.ndarray, flags: dict[str, np.ndarray]) -> np.ndarray:
    """`allies` in plain numpy."""
    allied = np.array(defense_pact, dtype=bool)
    for name in ALLIANCES:
        if name in flags:
            member = np.asarray(flags[name], dtype=bool)
            allied |= np.outer(member, member)
    np.fill_diagonal(allied, False)
    return allied


@njit(cache=True, nogil=True)
def allies_kernel(defense_pact, members, out):
    """`allies_reference` into `out`: a pact, or both in one alliance of `members` (A, N)."""
    n = out.shape[0]
    for i in range(n):
        pact, into = defense_pact[i], out[i]
        for j in range(n):
            into[j] = pact[j] != 0
        for a in range(members.shape[0]):
            if members[a, i]:
                theirs = members[a]
                for j in range(n):
                    into[j] |= theirs[j]
        into[i] = False


def affinity_base(
    ideology: np.ndarray,
    membership: np.ndarray,
    conflict: np.ndarray,
    security: np.ndarray | None = None,
) -> np.ndarray:
    """The slowly changing part of the affinity target: ideology, memberships, wars (N, N).

    Compiled, row by row (`affinity_base_kernel`): the numbers of `affinity_base_reference`.

    Args:
        ideology: Ideological similarity (N, N), in [-1, 1].
        membership: Shared membership (N, N), in [0, 1].
        conflict: -1 for pairs at war, else 0 (N, N).
        security: `security_relations` (None: none).

    Returns:
        WEIGHT_IDEOLOGY ideology + WEIGHT_MEMBERSHIP membership + 2 conflict + security (a war
        lowers the pair's target by 2 before the tanh bound: below -0.76 whatever else holds).
    """
    base = np.empty(np.shape(ideology))
    has_security = security is not None
    affinity_base_kernel(
        ideology, membership, conflict, security if has_security else ideology, has_security, base
    )
    return base


def affinity_base_reference(
    ideology: np.ndarray,
    membership: np.ndarray,
    conflict: np.ndarray,
    security: np.ndarray | None = None,
) -> np.ndarray:
    """`affinity_base` in plain numpy."""
    base = WEIGHT_IDEOLOGY * ideology + WEIGHT_MEMBERSHIP * membership + 2.0 * conflict
    if security is not None:
        base += security
    return base


@njit(cache=True, nogil=True)
def affinity_base_kernel(ideology, membership, conflict, security, has_security, out):
    """`affinity_base_reference` into `out`, row by row (`security` read if `has_security`)."""
    n = out.shape[0]
    for i in range(n):
        ideo, shared, war, secure, into = (
            ideology[i],
            membership[i],
            conflict[i],
            security[i],
            out[i],
        )
        if has_security:
            for j in range(n):
                value = WEIGHT_IDEOLOGY * ideo[j] + WEIGHT_MEMBERSHIP * shared[j]
                into[j] = value + 2.0 * war[j] + secure[j]
        else:
            for j in range(n):
                into[j] = WEIGHT_IDEOLOGY * ideo[j] + WEIGHT_MEMBERSHIP * shared[j] + 2.0 * war[j]


def affinity_slow_terms(base: np.ndarray, blocs: np.ndarray) -> np.ndarray:
    """The terms of the affinity target that change only with events and membership (N, N).

    The model keeps them packed (`cached_slow_pairs`, `pack_slow_terms_kernel`).

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
    exp=np.exp,
) -> np.ndarray:
    """What interests imply for affinity: tanh of the weighted terms, unit diagonal.

    The plain-numpy statement of the target; the model computes it with a compiled kernel
    (`affinity_blocks_kernel`, with `sim.kernels.exp`), tested to give the same numbers as this
    function given the same exponential (`exp`, of `soft_bound`), and within 1e-15 of it
    with numpy's.

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
        exp: The exponential of the soft bound (`soft_bound`).

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
    soft_bound(target, exp)
    np.fill_diagonal(target, 1.0)
    return target


def add_block_terms(
    target: np.ndarray,
    covoting: tuple[np.ndarray, np.ndarray] | None,
    sanctions: np.ndarray | None,
    concert: tuple[np.ndarray, float] | None,
) -> np.ndarray:
    """Add (in place) the terms of `affinity_target` that touch a few countries only.

    In this order: sanctions (either way), Council co-voting and a concert (the reference;
    the model adds them in `add_pair_terms`). Returns `target`.
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


@njit(cache=True, nogil=True, inline="always")
def pair_index(i, j, n):
    """The place of the pair (i, j), i < j, among the packed pairs: row by row, j ascending."""
    return i * (2 * n - i - 1) // 2 + j - i - 1


@njit(cache=True, nogil=True)
def pack_pairs_kernel(matrix, upper, lower):
    """The pairs of an (N, N) matrix, packed (`pair_index`): M_ij into `upper`, M_ji into `lower`.

    Returns whether the matrix is symmetric (every M_ij == M_ji, the diagonal aside).
    """
    n = matrix.shape[0]
    symmetric = True
    tiles = upper_tiles(n)
    for t in range(len(tiles)):
        for i in range(tiles[t, 0], tiles[t, 1]):
            lo = max(tiles[t, 2], i + 1)
            k = pair_index(i, lo, n)
            for j in range(lo, tiles[t, 3]):
                upper[k] = matrix[i, j]
                lower[k] = matrix[j, i]
                symmetric &= matrix[i, j] == matrix[j, i]
                k += 1
    return symmetric


@njit(cache=True, nogil=True)
def pack_slow_terms_kernel(base, blocs, upper, lower):
    """`affinity_slow_terms` packed (`pair_index`), without the (N, N) sum: returns symmetric.

    base + WEIGHT_BLOC blocs of each pair i < j into `upper` and, unless `lower` is empty,
    of (j, i) into `lower` (as `pack_pairs_kernel` of the sum). In tiles (`upper_tiles`), for
    the transposed entries.
    """
    n = base.shape[0]
    fill = len(lower) > 0
    symmetric = True
    tiles = upper_tiles(n)
    for t in range(len(tiles)):
        for i in range(tiles[t, 0], tiles[t, 1]):
            lo = max(tiles[t, 2], i + 1)
            k = pair_index(i, lo, n)
            for j in range(lo, tiles[t, 3]):
                above = base[i, j] + WEIGHT_BLOC * blocs[i, j]
                below = base[j, i] + WEIGHT_BLOC * blocs[j, i]
                upper[k] = above
                if fill:
                    lower[k] = below
                symmetric &= above == below
                k += 1
    return symmetric


@njit(cache=True, nogil=True)
def threat_groups_kernel(bloc_threat, power_threat, threat_bloc, power_rows):
    """The groups of the common threat, one row each (G, N): blocs, then unaligned powers.

    The blocs with members in `threat_bloc` (the membership the threats were measured on;
    the columns of `bloc_threat`), then the great powers outside them (`power_rows`, the
    columns of `power_threat`): a bloc's threat is at least each member's, so a power inside
    a bloc adds nothing to the max of mins.
    """
    n = len(threat_bloc)
    live = np.zeros(bloc_threat.shape[1], dtype=np.bool_)
    for i in range(n):
        if threat_bloc[i] >= 0:
            live[threat_bloc[i]] = True
    groups = live.sum()
    for p in power_rows:
        groups += threat_bloc[p] < 0
    threats = np.empty((groups, n))
    g = 0
    for b in range(len(live)):
        if live[b]:
            threats[g] = bloc_threat[:, b]
            g += 1
    for c in range(len(power_rows)):
        if threat_bloc[power_rows[c]] < 0:
            threats[g] = power_threat[:, c]
            g += 1
    return threats


#: What `affinity_blocks_kernel` does with the target: drift affinity toward it, write it, or
#: write it before its soft bound (half its exponent).
DRIFT, TARGET, EXPONENTS = 0, 1, 2
#: The side of the square blocks of pairs `affinity_blocks_kernel` works in: long enough for
#: its vectorised slices, two blocks of values (1 MB) stay in a core's second-level cache,
#: and the rows written down a block's columns are few enough for the address cache (TLB)
#: at thousands of countries (measured: 128 is slower at N = 193, 512 no faster).
BLOCK = 256


@njit(cache=True, nogil=True, error_model="numpy")
def affinity_blocks_kernel(
    slow_upper,
    slow_lower,
    slow_symmetric,
    two_way,
    gdp,
    threats,
    sanctions,
    seats,
    agreement,
    parties,
    strength,
    mode,
    rate,
    out,
):
    """The affinity target, pair by pair in one pass, and the drift toward it (`mode`).

    For each pair (i, j > i), in `affinity_target`'s order: the slow terms (`slow_upper`, and
    `slow_lower` for (j, i), packed by `pair_index`; the same array if `slow_symmetric`) +
    WEIGHT_TRADE (1 - exp(-10 X_ij / min(gdp_i, gdp_j))) (`trade_interdependence`; `two_way`
    is symmetric, one exp a pair) + WEIGHT_COMMON_THREAT max over the groups `threats` (G, N)
    of min(T_gi, T_gj) (`common_threat`), all doubled (the exponent of `soft_bound`; doubling
    is exact, so a doubled sum of terms has the bits of the sum of doubled terms); then, for
    the rows that have any, the few terms of `add_block_terms` (`add_pair_terms`); then the
    soft bound, 1 - 2 / (exp(x) + 1). The exps are `sim.kernels.exp`, so the loops vectorise
    (numpy's error model: no division by zero to raise, GDP being positive and e + 1 >= 1).

    In square blocks of BLOCK x BLOCK pairs: each row's part of a block computed in
    contiguous slices (vectorised) and kept, then written along row i, then the block's
    (j, i) entries written row j by row j from the kept values. `mode`: DRIFT moves `out`
    (affinity, in place) by (target - affinity) rate (`drift`; the diagonal's target is 1);
    TARGET writes the target into `out` (unit diagonal); EXPONENTS writes it before the bound
    (half the exponent, zero diagonal). Returns whether the target is asymmetric (asymmetric
    slow terms or agreement): only then is each pair's (j, i) value computed apart.
    """
    n = len(gdp)
    asymmetric = not slow_symmetric
    for a in range(len(seats)):
        for b in range(a):
            asymmetric |= agreement[a, b] != agreement[b, a]
    involved = np.zeros(n, dtype=np.bool_)  # countries with a sanction either way
    for i in range(n):
        row, imposes = sanctions[i], False
        for j in range(n):
            hit = row[j] != 0.0
            imposes |= hit
            involved[j] |= hit
        involved[i] |= imposes
    seat_of = np.full(n, -1, dtype=np.int64)
    for a in range(len(seats)):
        seat_of[seats[a]] = a
    party = np.zeros(n, dtype=np.bool_)
    for p in parties:
        party[p] = True
    concert = 2.0 * (WEIGHT_CONCERT * strength)
    side = max(min(BLOCK, n), 1)
    block_up, block_down = np.empty((side, side)), np.empty((side, side))
    block_below = block_down if asymmetric else block_up
    shared = np.empty(side)  # the common threat of a row's slice
    scale = 1.0 if mode == TARGET else 0.5
    for i0 in range(0, n, BLOCK):
        i1 = min(i0 + BLOCK, n)
        for j0 in range(i0, n, BLOCK):
            j1 = min(j0 + BLOCK, n)
            for i in range(i0, min(i1, j1 - 1)):
                lo = max(j0, i + 1)  # the row's slice: pairs (i, lo..j1)
                size = j1 - lo
                k = pair_index(i, lo, n)
                up = block_up[i - i0, lo - j0 : j1 - j0]
                down = block_down[i - i0, lo - j0 : j1 - j0]
                common = shared[:size]
                common[:] = 0.0
                for g in range(threats.shape[0]):
                    mine, theirs = threats[g, i], threats[g, lo:j1]
                    for c in range(size):
                        least = min(mine, theirs[c])
                        common[c] = max(common[c], least)
                trade, gdp_i, partner = two_way[i, lo:j1], gdp[i], gdp[lo:j1]
                slow = slow_upper[k : k + size]
                if asymmetric:
                    slow_down = slow_lower[k : k + size]
                    for c in range(size):
                        interdependence = 1.0 - exp(trade[c] / min(gdp_i, partner[c]) * -10.0)
                        up[c] = (
                            slow[c]
                            + WEIGHT_TRADE * interdependence
                            + WEIGHT_COMMON_THREAT * common[c]
                        ) * 2.0
                        down[c] = (
                            slow_down[c]
                            + WEIGHT_TRADE * interdependence
                            + WEIGHT_COMMON_THREAT * common[c]
                        ) * 2.0
                else:
                    for c in range(size):
                        interdependence = 1.0 - exp(trade[c] / min(gdp_i, partner[c]) * -10.0)
                        up[c] = (
                            slow[c]
                            + WEIGHT_TRADE * interdependence
                            + WEIGHT_COMMON_THREAT * common[c]
                        ) * 2.0
                if involved[i] or seat_of[i] >= 0 or party[i]:
                    add_pair_terms(
                        i,
                        lo,
                        j1,
                        up,
                        down,
                        asymmetric,
                        sanctions,
                        involved,
                        seats,
                        seat_of,
                        agreement,
                        party,
                        concert,
                    )
                if mode != EXPONENTS:
                    for c in range(size):
                        up[c] = 1.0 - 2.0 / (exp(up[c]) + 1.0)
                    if asymmetric:
                        for c in range(size):
                            down[c] = 1.0 - 2.0 / (exp(down[c]) + 1.0)
                mine = out[i, lo:j1]
                if mode == DRIFT:
                    for c in range(size):  # contiguous: vectorised
                        mine[c] += (up[c] - mine[c]) * rate
                else:
                    for c in range(size):
                        mine[c] = up[c] * scale
            for j in range(max(j0, i0 + 1), j1):  # the block's (j, i): along row j
                top = min(i1, j)
                row, below = out[j, i0:top], block_below[: top - i0, j - j0]
                if mode == DRIFT:
                    for r in range(top - i0):
                        row[r] += (below[r] - row[r]) * rate
                else:
                    for r in range(top - i0):
                        row[r] = below[r] * scale
    for i in range(n):
        if mode == DRIFT:
            out[i, i] += (1.0 - out[i, i]) * rate
        else:
            out[i, i] = 1.0 if mode == TARGET else 0.0
    return asymmetric


@njit(cache=True, nogil=True)
def add_pair_terms(
    i, lo, hi, up, down, asymmetric, sanctions, involved, seats, seat_of, agreement, party, concert
):
    """Add the few doubled terms of `add_block_terms` to the pairs (i, lo..hi), in place.

    `up[j - lo]` holds the pair's doubled sum (and `down`, its (j, i) value, if
    `asymmetric`); lo > i. In `add_block_terms`' order for each pair: - WEIGHT_SANCTIONS
    max(S_ij, S_ji) if a sanction either way (`involved`: the countries with any), +
    WEIGHT_COVOTING agreement if both are seated (`seat_of`: a country's place in `seats`,
    -1 if none; the seats are distinct), + the concert's (doubled) term if both are
    `party` to it.
    """
    if involved[i]:
        for j in range(lo, hi):
            if involved[j] and (sanctions[i, j] != 0.0 or sanctions[j, i] != 0.0):
                hostile = 2.0 * (WEIGHT_SANCTIONS * max(sanctions[i, j], sanctions[j, i]))
                up[j - lo] -= hostile
                if asymmetric:
                    down[j - lo] -= hostile
    a = seat_of[i]
    if a >= 0:
        for b in range(len(seats)):
            j = seats[b]
            if lo <= j < hi:
                up[j - lo] += 2.0 * (WEIGHT_COVOTING * agreement[a, b])
                if asymmetric:
                    down[j - lo] += 2.0 * (WEIGHT_COVOTING * agreement[b, a])
    if party[i]:
        for j in range(lo, hi):
            if party[j]:
                up[j - lo] += concert
                if asymmetric:
                    down[j - lo] += concert


@njit(cache=True, nogil=True, error_model="numpy")
def bound_pairs_kernel(upper, lower, asymmetric, out):
    """The soft bound of packed values into (N, N) `out`, unit diagonal (`lower` if asymmetric).

    1 - 2 / (exp(2 x) + 1) as `soft_bound`, with `sim.kernels.exp`; in blocks of pairs as
    `affinity_blocks_kernel`: each row's slice of a block along row i, then the block's
    (j, i) entries along row j.
    """
    n = out.shape[0]
    side = max(min(BLOCK, n), 1)
    block_below = np.empty((side, side))
    for i0 in range(0, n, BLOCK):
        i1 = min(i0 + BLOCK, n)
        for j0 in range(i0, n, BLOCK):
            j1 = min(j0 + BLOCK, n)
            for i in range(i0, min(i1, j1 - 1)):
                lo = max(j0, i + 1)
                size, k = j1 - lo, pair_index(i, lo, n)
                above, mine = upper[k : k + size], out[i, lo:j1]
                for c in range(size):
                    mine[c] = 1.0 - 2.0 / (exp(above[c] * 2.0) + 1.0)
                below = block_below[i - i0, lo - j0 : j1 - j0]
                if asymmetric:
                    values = lower[k : k + size]
                    for c in range(size):
                        below[c] = 1.0 - 2.0 / (exp(values[c] * 2.0) + 1.0)
                else:
                    below[:] = mine
            for j in range(max(j0, i0 + 1), j1):
                top = min(i1, j)
                out[j, i0:top] = block_below[: top - i0, j - j0]
    for i in range(n):
        out[i, i] = 1.0


def drift(affinity: np.ndarray, target: np.ndarray, rate: float) -> np.ndarray:
    """Move affinity toward the target, in place: += (target - affinity) rate (the reference)."""
    affinity += (target - affinity) * rate
    return affinity


def soft_bound(values: np.ndarray, exp=np.exp) -> np.ndarray:
    """tanh, in place: 1 - 2 / (exp(2 x) + 1) (within 4e-16 of `np.tanh`, about twice as fast).

    Args:
        values: Any array; overwritten.
        exp: The exponential, called as exp(values, out=values): numpy's (the kernels use
            `sim.kernels.exp`; the tests pass it here to compare bit for bit).

    Returns:
        `values`.
    """
    np.multiply(values, 2.0, out=values)
    exp(values, out=values)
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
    years each has spent with affinity above RIVAL_WARINESS (counted in place,
    `rival_calm_kernel`); an ended rivalry leaves `model._rivalry` and the affinity base is
    recomputed.
    """
    if not len(model.rivalries):
        return
    if not rival_calm_kernel(model.affinity, model.rivalries, model._rival_calm):
        return
    ended = model._rival_calm >= RIVALRY_END_YEARS
    i, j = model.rivalries[ended].T
    model._rivalry[i, j] = model._rivalry[j, i] = 0.0
    model.rivalries = model.rivalries[~ended]
    model._rival_calm = model._rival_calm[~ended]
    model.refresh_memberships()


@njit(cache=True, nogil=True)
def rival_calm_kernel(affinity, rivalries, calm):
    """`rival_calm`, in place: `calm` counts on; returns how many rivalries end this year."""
    ended = 0
    for r in range(len(rivalries)):
        calm[r] = calm[r] + 1 if affinity[rivalries[r, 0], rivalries[r, 1]] > RIVAL_WARINESS else 0
        ended += calm[r] >= RIVALRY_END_YEARS
    return ended


def rival_calm(affinity: np.ndarray, rivalries: np.ndarray, calm: np.ndarray) -> np.ndarray:
    """The years of calm of each rivalry (K,), one more for a pair above RIVAL_WARINESS, else 0.

    Args:
        affinity: (N, N) affinity.
        rivalries: (K, 2) the rival pairs (i < j).
        calm: (K,) last year's counts.
    """
    i, j = rivalries.T
    return np.where(affinity[i, j] > RIVAL_WARINESS, calm + 1, 0)


def drift_affinity(model: WorldModel) -> None:
    """Affinity moves `affinity_drift_rate` of the way toward what interests imply.

    Every term is symmetric, so affinity stays symmetric and within [-1, 1]. Compiled, in one
    pass over the pairs (`affinity_blocks_kernel`, mode DRIFT): the same numbers as `drift`
    toward `affinity_target` given the same exponential (`sim.kernels.exp`), and within
    1e-15 of it with numpy's (tests/test_diplomacy_speed.py).
    """
    affinity_pass(model, DRIFT, model.affinity, model.affinity_drift_rate)


def model_affinity_target(model: WorldModel, bound: bool = True) -> np.ndarray:
    """`affinity_target` of the model's current state (N, N), as `drift_affinity` computes it.

    `bound=False`: before its soft bound, with a zero diagonal (then bit for bit the terms of
    `affinity_target`: no exponential but the trade term's).
    """
    target = np.empty((model.n, model.n))
    affinity_pass(model, TARGET if bound else EXPONENTS, target, 0.0)
    return target


def initial_affinity(model: WorldModel) -> np.ndarray:
    """The affinity a model starts from: the soft bound of the slow terms alone (N, N).

    `affinity_target(model._affinity_base, model._bloc_alignment)`, compiled
    (`bound_pairs_kernel` on `cached_slow_pairs`, which it fills for the first drift).
    """
    upper, lower, symmetric = cached_slow_pairs(model)
    affinity = np.empty((model.n, model.n))
    bound_pairs_kernel(upper, lower, not symmetric, affinity)
    return affinity


#: No Council seats (or concert parties) and their empty agreement, for the kernels.
NO_SEATS, NO_AGREEMENT = np.zeros(0, dtype=np.int64), np.zeros((0, 0))


def affinity_pass(model: WorldModel, mode: int, out: np.ndarray, rate: float) -> bool:
    """`affinity_blocks_kernel` on the model's state; returns whether the target is asymmetric.

    The terms gathered: the packed slow terms (`cached_slow_pairs`), the groups of the common
    threat (`threat_groups_kernel`), last year's Council, a concert while it lasts.
    """
    seats, agreement = model._covoting or (NO_SEATS, NO_AGREEMENT)
    parties = model.concert_parties if model.concert_strength > 0 else NO_SEATS
    slow_upper, slow_lower, slow_symmetric = cached_slow_pairs(model)
    threats = threat_groups_kernel(
        model.bloc_threat,
        model.power_threat,
        model._threat_bloc,
        np.fromiter(model.power_strategies, np.int64, len(model.power_strategies)),
    )
    return affinity_blocks_kernel(
        slow_upper,
        slow_lower,
        slow_symmetric,
        model._two_way_trade,
        model._gdp_usd,
        threats,
        model.sanctions,
        seats,
        agreement,
        parties,
        model.concert_strength,
        mode,
        rate,
        out,
    )


#: An empty array of packed pairs: `pack_slow_terms_kernel` fills no lower values.
NO_PAIRS = np.zeros(0)


def cached_slow_pairs(model: WorldModel) -> tuple[np.ndarray, np.ndarray, bool]:
    """`affinity_slow_terms` packed (`pack_slow_terms_kernel`): (upper, lower, symmetric).

    Kept (`model._slow_pairs`) until membership or the affinity base changes; the bloc
    relations are refreshed first. `lower` is `upper` when the terms are symmetric (then
    packed in one pass; else in a second, for the (j, i) values).
    """
    model.refresh_bloc_relations()
    if model._slow_terms_key != model._relations_key:
        base, blocs = model._affinity_base, model._bloc_alignment
        upper = np.empty(model.n * (model.n - 1) // 2)
        lower = upper
        symmetric = pack_slow_terms_kernel(base, blocs, upper, NO_PAIRS)
        if not symmetric:
            lower = np.empty_like(upper)
            pack_slow_terms_kernel(base, blocs, upper, lower)
        model._slow_pairs = (upper, lower, symmetric)
        model._slow_terms_key = model._relations_key
    return model._slow_pairs


def perceive_threat(model: WorldModel) -> None:
    """Threat from every bloc and great power, from capability, proximity and hostility.

    Sets `model.bloc_threat` (N, B), `model.power_threat` (N, number of great powers) and
    the membership they were measured on; the pairwise threat `model._pair_threat` (N, N) is
    overwritten in place.
    """
    pair_threat = model._pair_threat
    pairwise_threat_kernel(
        model._capability, model._near, model.affinity, model._rivalry, pair_threat
    )
    model._threat_bloc = model.bloc.copy()  # the membership these threats were measured on
    model.bloc_threat = group_threat(pair_threat, model.membership())
    # a single power's threat is its column of the pairwise threat (already in [0, 1])
    model.power_threat = pair_threat[:, list(model.power_strategies)]


@functools.cache
def war_termination() -> dict:
    """The shipped UCDP estimates of the yearly hazard that a war ends."""
    return json.loads((resources.files("sim") / "data" / "war_termination.json").read_text())


def war_end_hazard() -> float:
    """The default yearly hazard that a war ends (`WAR_HAZARD` of `war_termination`)."""
    return war_termination()["hazard"][WAR_HAZARD]["estimate"]
