"""Alignment strategies: how a country chooses between non-alignment and each bloc.

Every strategy is a function that scores a country's options, column 0 being non-alignment
and column 1 + b joining bloc b; the model adds inertia (a bonus for the current option,
`switching_cost`) and logit noise (Gumbel, `choice_noise`; McFadden 1974), the great powers'
offers and, for every strategy, the exit cost of trade with one's bloc (`scores_of`); some
options are barred (a rival's bloc; for a great power, any bloc it neither leads nor is in);
each country takes its best option, then strong states propose blocs that followers join by
their own strategies (`found_blocs`). Adding a strategy means writing one such function and
decorating it with `@register("name")`; nothing else changes.

Literature anchors: balancing, Walt (1987) "The Origins of Alliances" (balance of threat);
bandwagoning, Schweller (1994) "Bandwagoning for Profit", International Security 19(1);
hedging, Kuik (2008) "The Essence of Hedging", Contemporary Southeast Asia 30(2);
ideological alignment, Bailey, Strezhnev & Voeten (2017) ideal points; economic alignment,
Keohane & Nye (1977) "Power and Interdependence"; landscape, Axelrod & Bennett (1993) "A
Landscape Theory of Aggregation", British Journal of Political Science 23(2).

The per-country loops (the alignment context, balancing's and hedging's scores, the barred
options, the choice, the founders and their friends, the strategies' groups of a proposal's
friends) are compiled kernels (numba), each
beside the plain-numpy reference it reproduces (`*_reference`; tests/test_alignment_speed.py):
bit for bit, except the context, whose sums over each bloc's members are added in another
order than the reference's matrix products (within 1e-12 of the sums of their terms'
absolute values; see `context_kernel`).

Entry point: `align(model)`, the alignment phase of the year (choices, then new blocs).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
from numba import njit

from sim.blocs import bloc_sums, found_bloc, membership_matrix
from sim.diplomacy import group_threat
from sim.kernels import bloc_members
from sim.registry import registrar

if TYPE_CHECKING:
    from sim.model import WorldModel


class AlignmentContext(NamedTuple):
    """What strategies see in a year (B = number of blocs, N = countries).

    An immutable record (a named tuple: made in every step, faster than a frozen dataclass).

    Attributes:
        bloc_threat: (N, B) threat each country perceives from each bloc's other members.
        bloc_capability: (B,) each bloc's share of world capability.
        affinity_to_bloc: (N, B) capability-weighted mean affinity to the bloc's other members.
        trade_share: (N, B) share of each country's trade (both ways) done with the bloc.
        trade_exposure: (N, B) two-way trade with the bloc's other members over the country's
            GDP (what leaving the bloc puts at stake).
        ideology_gap: (N, B) distance of the ideal point to the bloc's capability-weighted centre.
        landscape_gain: (N, B) sum over the bloc's other members of capability x affinity.
        thresholds: Strategy name -> the score of non-alignment for that strategy.
    """

    bloc_threat: np.ndarray
    bloc_capability: np.ndarray
    affinity_to_bloc: np.ndarray
    trade_share: np.ndarray
    trade_exposure: np.ndarray
    ideology_gap: np.ndarray
    landscape_gain: np.ndarray
    thresholds: Mapping[str, float]


Strategy = Callable[[AlignmentContext, np.ndarray], np.ndarray]
STRATEGIES: dict[str, Strategy] = {}


#: `@register("name")` adds a strategy function to `STRATEGIES`.
register = registrar(STRATEGIES, "alignment strategy")


def _scores(ctx: AlignmentContext, who: np.ndarray, non_aligned: float, blocs: np.ndarray):
    scores = np.empty((len(who), blocs.shape[1] + 1))
    scores[:, 0] = non_aligned
    scores[:, 1:] = blocs
    return scores


@register("balancing")
def balancing(ctx: AlignmentContext, who: np.ndarray) -> np.ndarray:
    """Align against the bloc that threatens you most (Walt): its opponents score the gap."""
    non_aligned = float(ctx.thresholds["balancing"])
    return top_threat_kernel(ctx.bloc_threat, ctx.affinity_to_bloc, np.asarray(who), non_aligned)


@register("hedging")
def hedging(ctx: AlignmentContext, who: np.ndarray) -> np.ndarray:
    """Stay out, keeping ties with all sides, unless a threat passes the (higher) threshold."""
    non_aligned = float(ctx.thresholds["hedging"])
    return top_threat_kernel(ctx.bloc_threat, ctx.affinity_to_bloc, np.asarray(who), non_aligned)


@register("bandwagoning")
def bandwagoning(ctx: AlignmentContext, who: np.ndarray) -> np.ndarray:
    """Join the strongest or most threatening bloc (Schweller): capability share + threat."""
    blocs = ctx.bloc_capability[None, :] + ctx.bloc_threat[who]
    return _scores(ctx, who, ctx.thresholds["bandwagoning"], blocs)


@register("ideological")
def ideological(ctx: AlignmentContext, who: np.ndarray) -> np.ndarray:
    """Join the bloc whose ideal-point centre is nearest, if within the tolerance."""
    return _scores(ctx, who, -ctx.thresholds["ideological"], -ctx.ideology_gap[who])


@register("economic")
def economic(ctx: AlignmentContext, who: np.ndarray) -> np.ndarray:
    """Join the bloc that carries most of your trade, if its share passes the threshold."""
    return _scores(ctx, who, ctx.thresholds["economic"], ctx.trade_share[who])


@register("landscape")
def landscape(ctx: AlignmentContext, who: np.ndarray) -> np.ndarray:
    """Lower your own frustration (Axelrod & Bennett): size-weighted affinity gained with a bloc.

    A country's frustration is the sum over others of size x propensity for those in another
    camp (a non-aligned country is in a camp of its own). Joining bloc b rather than staying
    out lowers it by sum over b's members of capability x affinity, the score used here.
    """
    return _scores(ctx, who, 0.0, ctx.landscape_gain[who])


#: Ready-made `mixed` assignments (group column -> value -> strategy; `default` for the rest).
MIXED_PRESETS: dict[str, dict] = {
    # the status quo of the start year: the states in a mutual-defence alliance (the
    # scenario's `allied` list in scenario.yaml: NATO, the United States' treaty allies,
    # Russia, China and their treaty partners in 2025) balance; everyone else hedges
    "status_quo": {"by": "allied", "groups": {"true": "balancing"}, "default": "hedging"},
    # the design brief's example: Europe balances, the rest (much of it the Global South) hedges
    "europe_balances": {"by": "region", "groups": {"Europe": "balancing"}, "default": "hedging"},
    # alliance members balance, the BRICS follow their trade, everyone else hedges
    "by_membership": {
        "by": "nato",
        "groups": {"true": "balancing"},
        "default": {"by": "brics", "groups": {"true": "economic"}, "default": "hedging"},
    },
}


def assign_strategies(
    alignment: str | Mapping, countries: pd.DataFrame, mixed: str | Mapping | None = None
) -> np.ndarray:
    """Each country's strategy name (N,).

    Args:
        alignment: A registered strategy name for everyone, or "mixed".
        countries: The scenario's country table.
        mixed: For "mixed": a preset name from `MIXED_PRESETS` or a mapping
            `{"by": column, "groups": {value: strategy}, "default": strategy or mapping}`
            (None: "status_quo"),
            where column is a country-table column (region, un_regional_group, a membership
            flag, iso3, ...). Nested mappings refine the default.

    Returns:
        Strategy names, one per country.

    Raises:
        ValueError: Unknown strategy, preset or column, naming it and what is allowed.
    """
    if alignment != "mixed":
        _check_strategy(alignment, "alignment")
        return np.full(len(countries), alignment, dtype=object)
    spec = "status_quo" if mixed is None else mixed
    preset = isinstance(spec, str)
    if preset:
        if spec not in MIXED_PRESETS:
            raise ValueError(f"mixed: unknown preset {spec!r}; known: {sorted(MIXED_PRESETS)}")
        spec = MIXED_PRESETS[spec]
    return _assign(spec, countries, strict=not preset)


def _assign(spec: Mapping | str, countries: pd.DataFrame, strict: bool = False) -> np.ndarray:
    """Strategies by a spec; `strict` (a user's mapping): every group must match a country."""
    if isinstance(spec, str):
        _check_strategy(spec, "mixed")
        return np.full(len(countries), spec, dtype=object)
    unknown = set(spec) - {"by", "groups", "default"}
    if unknown or "by" not in spec:
        raise ValueError(f"mixed: expected keys by, groups, default; got {sorted(spec)}")
    column = spec["by"]
    if column not in countries.columns:
        raise ValueError(f"mixed.by: unknown column {column!r}; known: {list(countries.columns)}")
    values = countries[column].astype(str).str.lower().to_numpy()
    result = _assign(spec.get("default", "hedging"), countries, strict)
    for value, strategy in dict(spec.get("groups", {})).items():
        _check_strategy(strategy, f"mixed.groups.{value}")
        rows = values == str(value).lower()
        if strict and not rows.any():
            known = sorted(set(values))
            shown = known if len(known) <= 12 else [*known[:12], "..."]
            raise ValueError(
                f"mixed.groups.{value}: no country has {column} = {value!r}; values: {shown}"
            )
        result[rows] = strategy
    return result


def _check_strategy(name: str, key: str) -> None:
    if name not in STRATEGIES:
        raise ValueError(f"{key}: unknown alignment strategy {name!r}; known: {sorted(STRATEGIES)}")


def choose(
    scores: np.ndarray, current: np.ndarray, switching_cost: float, noise: np.ndarray
) -> np.ndarray:
    """Pick each country's option: best score after inertia and noise.

    Args:
        scores: (n, B + 1) scores; -inf for unavailable options.
        current: (n,) current option column (0: non-aligned, 1 + b: bloc b).
        switching_cost: Bonus of the current option.
        noise: (n, B + 1) random utility terms.

    Returns:
        (n,) chosen option columns.
    """
    scores, current, noise = np.asarray(scores), np.asarray(current), np.asarray(noise)
    return choose_kernel(scores, current, float(switching_cost), noise)


@functools.cache
def every_row(n: int) -> np.ndarray:
    """np.arange(n), made once (read-only): the rows of every country."""
    rows = np.arange(n)
    rows.flags.writeable = False
    return rows


def alignment_context(
    model: WorldModel, bloc: np.ndarray | None = None, rows: np.ndarray | None = None
) -> AlignmentContext:
    """What the alignment strategies see this year (its terms by `context_kernel`).

    Args:
        model: The model.
        bloc: A trial membership (N,) with blocs `0 .. len(model.blocs)` (one more than the
            model has: a bloc being proposed); None: the model's own membership.
        rows: The countries whose view is wanted (the context's rows, in this order); None:
            every country.
    """
    if bloc is None:
        bloc, n_blocs, bloc_threat = model.bloc, len(model.blocs), model.bloc_threat
    else:
        n_blocs, bloc_threat = len(model.blocs) + 1, None
    everyone = rows is None
    rows = every_row(model.n) if everyone else np.asarray(rows)
    if bloc_threat is None:
        threat = model._pair_threat if everyone else model._pair_threat[rows]
        bloc_threat = group_threat(threat, membership_matrix(bloc, n_blocs))
    elif not everyone:
        bloc_threat = bloc_threat[rows]
    terms, bloc_cap = context_kernel(
        model.affinity,
        model._two_way_trade,
        model._capability,
        model._gdp_usd,
        model._ideal_point,
        bloc,
        n_blocs,
        rows,
    )
    # affinity_to_bloc, trade_share, trade_exposure, ideology_gap, landscape_gain (positional:
    # faster than by keyword)
    return AlignmentContext(
        bloc_threat, bloc_cap, terms[0], terms[1], terms[2], terms[3], terms[4], model.thresholds
    )


def align(model: WorldModel) -> None:
    """The alignment phase: each country chooses its bloc, then strong states found new ones.

    To the strategies' scores (`scores_of`) come the great powers' offers, noise and inertia
    (`decide_kernel`, the choice of `choose`); the leader of every active bloc stays in it.
    Then `found_blocs`.
    """
    roles = bloc_roles(model, len(model.blocs) + 1)
    scores = scores_of(model, alignment_context(model), roles=roles)
    noise = model.rng.gumbel(size=scores.shape)
    bonus = model.alignment_bonus
    if bonus.shape != scores.shape:
        scores += bonus  # broadcast (the kernel takes one offer per option)
        bonus = np.zeros_like(scores)
    model.bloc = decide_kernel(
        scores,
        bonus,
        noise,
        float(model.choice_noise),
        model.bloc,
        float(model.switching_cost),
        *roles,
    )
    found_blocs(model)


def bloc_roles(model: WorldModel, n_options: int, proposer: int = -1) -> tuple:
    """Whether each bloc is active (B,) and its leader (B,), B = `n_options` - 1.

    A bloc beyond the model's (a proposed one) is active and led by `proposer`.
    """
    extra = n_options - 1 - len(model.blocs)
    active = np.array([b.active for b in model.blocs] + [True] * extra, dtype=bool)
    leaders = np.array([b.leader for b in model.blocs] + [proposer] * extra, dtype=np.int64)
    return active, leaders


def scores_of(
    model: WorldModel,
    ctx: AlignmentContext,
    bloc: np.ndarray | None = None,
    proposer: int = -1,
    rows: np.ndarray | None = None,
    roles: tuple | None = None,
) -> np.ndarray:
    """Each country's score of each option (N, B + 1) under its own strategy, before offers.

    Besides the strategy's score: the exit cost of interdependence, staying in one's bloc
    scores `interdependence_weight` times the trade with its other members over GDP
    (Crescenzi 2005, "Economic Interdependence and Conflict in World Politics":
    interdependence is the cost of exiting a relationship; Copeland 2015, trade
    expectations). Barred options (-inf): inactive blocs; a bloc led by a strategic rival
    (rivals regard each other as enemies: Thompson 2001); for a great power any bloc but the
    one it is in or leads (great powers balance and do not subordinate themselves: Waltz
    1979, "Theory of International Politics"; Walt 1987 on bandwagoning as the choice of
    weak states).

    Args:
        model: The model.
        ctx: `alignment_context(model, bloc, rows)`.
        bloc: The membership the context describes (None: the model's).
        proposer: The leader of a proposed bloc (the last option), if the context has one.
        rows: The countries of the context's rows (None: every country).
        roles: `bloc_roles(model, B + 1, proposer)`, if made already.

    Returns:
        (len(rows), B + 1) scores, in the order of `rows`.
    """
    bloc = model.bloc if bloc is None else bloc
    rows = every_row(model.n) if rows is None else np.asarray(rows)
    everyone = len(rows) == model.n  # then rows are every country, in order
    n_options = ctx.bloc_capability.shape[0] + 1
    scores = np.empty((len(rows), n_options))
    if everyone:
        groups = model._strategy_rows.items()
    else:  # the rows' positions by strategy (each group in the order of `rows`)
        names = tuple(model._strategy_rows)  # each country's index among them: _strategy_codes
        start, order = positions_kernel(model._strategy_codes, rows, len(names))
        start = start.tolist()
        groups = (
            (name, order[start[c] : start[c + 1]])
            for c, name in enumerate(names)
            if start[c + 1] > start[c]
        )
    for name, who in groups:
        values = STRATEGIES[name](ctx, who)
        if (
            isinstance(values, np.ndarray)
            and values.shape == (len(who), n_options)
            and values.dtype == float
            and values.flags.c_contiguous
        ):
            place_kernel(scores, who, values)  # scores[who] = values, without numpy's overhead
        else:
            scores[who] = values  # broadcast or converted
    active, leaders = bloc_roles(model, n_options, proposer) if roles is None else roles
    bar_kernel(
        scores,
        rows,
        bloc,
        ctx.trade_exposure,
        float(model.interdependence_weight),
        active,
        leaders,
        model._rivalry,
        model.power_rows,
    )
    return scores


def found_blocs(model: WorldModel) -> None:
    """Strong non-aligned states propose a bloc to their friends; each friend's strategy decides.

    Candidates, in decreasing capability down to `bloc_formation_capability`: non-aligned
    states with at least `bloc_formation_followers` non-aligned friends (affinity at least
    `bloc_formation_affinity`). The friends score the proposed bloc with their own strategies
    (no noise, inertia for staying out) and join if it is their best option; the bloc is
    founded only with that many joiners, so it starts with members that chose it.
    """
    capability = model._capability
    thresholds = (
        float(model.bloc_formation_affinity),
        float(model.bloc_formation_followers),
    )
    # the candidates, and the first still non-aligned with enough non-aligned friends
    candidates, tied, at, friends = first_proposal_kernel(
        model.affinity, model.bloc, capability, float(model.bloc_formation_capability), *thresholds
    )
    if tied:  # ties: in the order of the sort of every country, as ever
        candidates = candidates_reference(capability, model.bloc, model.bloc_formation_capability)
        at, friends = proposal_kernel(model.affinity, model.bloc, candidates, 0, *thresholds)
    while at >= 0:
        candidate = candidates[at]
        trial = model.bloc.copy()
        trial[friends] = trial[candidate] = len(model.blocs)
        ctx = alignment_context(model, trial, friends)
        scores = scores_of(model, ctx, trial, candidate, friends)
        scores[:, 0] += model.switching_cost  # they are non-aligned now
        joiners = friends[scores.argmax(axis=1) == scores.shape[1] - 1]
        if len(joiners) >= model.bloc_formation_followers:
            found_bloc(model, int(candidate), np.append(joiners, candidate))
        at, friends = proposal_kernel(model.affinity, model.bloc, candidates, at + 1, *thresholds)


# -- compiled kernels (each the same numbers as its plain-numpy reference) ---------------
# The same operations in the same order (no fastmath, so no fused multiply-adds), but for
# the context's sums over countries (`context_kernel`).


def context_reference(affinity, two_way, cap, gdp, ideal, bloc, n_blocs, rows):
    """The alignment context's (n, B) terms in numpy; `context_kernel` computes the same.

    Args:
        affinity: (N, N) affinity.
        two_way: (N, N) two-way trade (zero diagonal).
        cap: (N,) capability.
        gdp: (N,) GDP.
        ideal: (N,) ideal points.
        bloc: (N,) each country's bloc (-1: none), below `n_blocs`.
        n_blocs: The number of blocs B.
        rows: (n,) the countries whose view is wanted.

    Returns:
        terms: (5, n, B) affinity_to_bloc, trade_share, trade_exposure, ideology_gap,
            landscape_gain (see `AlignmentContext`); bloc_capability: (B,).
    """
    members = membership_matrix(bloc, n_blocs)
    weighted = affinity[rows] * cap[None, :]
    weighted[np.arange(len(rows)), rows] = 0.0  # not oneself
    gain = bloc_sums(weighted, members)
    with_bloc = bloc_sums(two_way[rows], members)  # the diagonal is zero: others only
    total = two_way[rows].sum(axis=1)[:, None]
    bloc_cap = cap @ members
    others = bloc_cap - cap[rows, None] * members[rows]
    affinity_to_bloc = np.divide(gain, others, out=np.zeros_like(gain), where=others > 0)
    trade_share = np.divide(with_bloc, total, out=np.zeros_like(gain), where=total > 0)
    centre_sum = (cap * ideal) @ members
    centre = np.divide(centre_sum, bloc_cap, out=np.zeros_like(bloc_cap), where=bloc_cap > 0)
    ideology_gap = np.abs(ideal[rows, None] - centre[None, :])
    trade_exposure = with_bloc / gdp[rows, None]
    terms = np.array([affinity_to_bloc, trade_share, trade_exposure, ideology_gap, gain])
    return terms, bloc_cap


@njit(cache=True, nogil=True, inline="always")
def _four_row_totals(matrix, rows):
    """The sums of four rows of `matrix`, each in two interleaved partial sums."""
    i0, i1, i2, i3 = rows
    even0 = even1 = even2 = even3 = odd0 = odd1 = odd2 = odd3 = 0.0
    n = matrix.shape[1]
    for j in range(n // 2):
        even0 += matrix[i0, 2 * j]
        odd0 += matrix[i0, 2 * j + 1]
        even1 += matrix[i1, 2 * j]
        odd1 += matrix[i1, 2 * j + 1]
        even2 += matrix[i2, 2 * j]
        odd2 += matrix[i2, 2 * j + 1]
        even3 += matrix[i3, 2 * j]
        odd3 += matrix[i3, 2 * j + 1]
    if n % 2:
        even0 += matrix[i0, n - 1]
        even1 += matrix[i1, n - 1]
        even2 += matrix[i2, n - 1]
        even3 += matrix[i3, n - 1]
    return even0 + odd0, even1 + odd1, even2 + odd2, even3 + odd3


@njit(cache=True, nogil=True, inline="always")
def _four_row_sums(affinity, two_way, rows, members, member_cap, lo, hi, sums):
    """`sums` plus four rows' sums over members[lo:hi] of affinity x capability and trade.

    `sums`: (g0, g1, g2, g3, t0, t1, t2, t3), the rows' sums so far, added to in member order.
    `members` and `lo`, `hi` are unsigned, which spares the compiled loop numba's checks for
    negative indices.
    """
    i0, i1, i2, i3 = rows
    g0, g1, g2, g3, t0, t1, t2, t3 = sums
    for p in range(lo, hi):
        j, c = members[p], member_cap[p]
        g0 += affinity[i0, j] * c
        g1 += affinity[i1, j] * c
        g2 += affinity[i2, j] * c
        g3 += affinity[i3, j] * c
        t0 += two_way[i0, j]
        t1 += two_way[i1, j]
        t2 += two_way[i2, j]
        t3 += two_way[i3, j]
    return g0, g1, g2, g3, t0, t1, t2, t3


@njit(cache=True, nogil=True, error_model="numpy")
def context_kernel(affinity, two_way, cap, gdp, ideal, bloc, n_blocs, rows):
    """`context_reference` in one pass over the rows' affinity and trade with each bloc.

    Each bloc's members are listed once, in country order; the rows are taken four at a
    time (so each member's index and capability are read once for four rows), and a row's
    sums over a bloc's members leave out the row's own country. The reference's sums are
    matrix products (BLAS: the sums over each bloc's members of affinity x capability and
    of trade, the blocs' capability and capability-weighted ideal points) and numpy's row
    sum (the total trade); here they are added in another order (country order, the total
    in two interleaved partial sums), so they agree with the reference within 1e-12 of the
    sum of their terms' absolute values, and so do the terms made of them (for trade and
    capability, which are not negative, 1e-12 relative); the rest is the same arithmetic.
    """
    n, n_rows = len(cap), len(rows)
    # each bloc's members in country order: members[start[b]:start[b + 1]]; at[j]: where j is
    # (unsigned, so that LLVM knows the indices are not negative)
    first, order = bloc_members(bloc, n_blocs)
    start, members = first.astype(np.uint64), order.astype(np.uint64)
    member_cap, at = np.empty(len(order)), np.empty(n, np.uint64)
    bloc_cap, centre = np.zeros(n_blocs), np.zeros(n_blocs)
    for b in range(n_blocs):
        for place in range(first[b], first[b + 1]):
            j = order[place]
            member_cap[place], at[j] = cap[j], place
            bloc_cap[b] += cap[j]
            centre[b] += cap[j] * ideal[j]
    for b in range(n_blocs):
        centre[b] = centre[b] / bloc_cap[b] if bloc_cap[b] > 0 else 0.0

    gain, trade, total = np.empty((n_rows, n_blocs)), np.empty((n_rows, n_blocs)), np.empty(n_rows)
    own = np.empty(4, np.uint64)
    for k in range(0, n_rows, 4):  # four rows (the last one repeated to fill a block)
        block = (
            rows[k],
            rows[min(k + 1, n_rows - 1)],
            rows[min(k + 2, n_rows - 1)],
            rows[min(k + 3, n_rows - 1)],
        )
        totals = _four_row_totals(two_way, block)
        for b in range(n_blocs):
            # the rows' own places among b's members, in order (each left out of its row)
            places = 0
            for i in block:
                if bloc[i] == b:
                    place, q = at[i], places
                    while q > 0 and own[q - 1] > place:  # insertion sort
                        own[q] = own[q - 1]
                        q -= 1
                    own[q] = place
                    places += 1
            sums = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
            cursor = start[b]
            for q in range(places):
                if own[q] < cursor:
                    continue  # a repeated row
                sums = _four_row_sums(
                    affinity, two_way, block, members, member_cap, cursor, own[q], sums
                )
                # a row's own country: the other rows' terms only
                j, c = members[own[q]], member_cap[own[q]]
                g0, g1, g2, g3, t0, t1, t2, t3 = sums
                if j != block[0]:
                    g0, t0 = g0 + affinity[block[0], j] * c, t0 + two_way[block[0], j]
                if j != block[1]:
                    g1, t1 = g1 + affinity[block[1], j] * c, t1 + two_way[block[1], j]
                if j != block[2]:
                    g2, t2 = g2 + affinity[block[2], j] * c, t2 + two_way[block[2], j]
                if j != block[3]:
                    g3, t3 = g3 + affinity[block[3], j] * c, t3 + two_way[block[3], j]
                sums = (g0, g1, g2, g3, t0, t1, t2, t3)
                cursor = own[q] + 1
            sums = _four_row_sums(
                affinity, two_way, block, members, member_cap, cursor, start[b + 1], sums
            )
            for r in range(min(4, n_rows - k)):
                gain[k + r, b], trade[k + r, b] = sums[r], sums[4 + r]
        for r in range(min(4, n_rows - k)):
            total[k + r] = totals[r]

    terms = np.zeros((5, n_rows, n_blocs))  # one array: numba returns each at a cost
    for k in range(n_rows):
        i = rows[k]
        for b in range(n_blocs):
            others = bloc_cap[b] - cap[i] if bloc[i] == b else bloc_cap[b]
            if others > 0:
                terms[0, k, b] = gain[k, b] / others
            if total[k] > 0:
                terms[1, k, b] = trade[k, b] / total[k]
            terms[2, k, b] = trade[k, b] / gdp[i]
            terms[3, k, b] = abs(ideal[i] - centre[b])
            terms[4, k, b] = gain[k, b]
    return terms, bloc_cap


def top_threat_reference(threat, affinity_to_bloc, who, non_aligned):
    """Balancing's and hedging's scores (len(who), B + 1); `top_threat_kernel` the same.

    Staying out scores `non_aligned`; joining bloc b the top threat (at least 0) less b's:
    joining b relieves the top threat if b is not its source; among such blocs a country
    prefers its friends (a tenth of the affinity to b, a small tie-breaking term).
    """
    threat = threat[who]
    blocs = threat.max(axis=1, keepdims=True, initial=0.0) - threat + 0.1 * affinity_to_bloc[who]
    scores = np.empty((len(who), blocs.shape[1] + 1))
    scores[:, 0] = non_aligned
    scores[:, 1:] = blocs
    return scores


@njit(cache=True, nogil=True)
def top_threat_kernel(threat, affinity_to_bloc, who, non_aligned):
    """`top_threat_reference` country by country (a NaN threat is the top one, as in numpy)."""
    n_blocs = threat.shape[1]
    scores = np.empty((len(who), n_blocs + 1))
    for k in range(len(who)):
        i = who[k]
        top = 0.0
        for b in range(n_blocs):
            x = threat[i, b]
            if x > top or x != x:
                top = x
        scores[k, 0] = non_aligned
        for b in range(n_blocs):
            scores[k, 1 + b] = top - threat[i, b] + 0.1 * affinity_to_bloc[i, b]
    return scores


def friends_reference(affinity, bloc, candidate, threshold):
    """The non-aligned countries whose affinity to `candidate` is at least `threshold`."""
    outside = np.flatnonzero(bloc < 0)
    return outside[(affinity[candidate, outside] >= threshold) & (outside != candidate)]


@njit(cache=True, nogil=True)
def friends_kernel(affinity, bloc, candidate, threshold):
    """`friends_reference` in one pass over the candidate's row."""
    friends = np.empty(len(bloc), dtype=np.int64)
    k = 0
    for j in range(len(bloc)):
        if bloc[j] < 0 and affinity[candidate, j] >= threshold and j != candidate:
            friends[k] = j
            k += 1
    return friends[:k]


def candidates_reference(capability, bloc, threshold):
    """The non-aligned countries of at least `threshold` capability, strongest first.

    In the order of numpy's sort of every country by decreasing capability (which decides
    between equal capabilities).
    """
    strong = set(np.flatnonzero((capability >= threshold) & (bloc < 0)).tolist())
    return np.array([c for c in np.argsort(-capability) if c in strong], dtype=np.int64)


@njit(cache=True, nogil=True)
def candidates_kernel(capability, bloc, threshold):
    """`candidates_reference` when the candidates' capabilities are distinct.

    Returns:
        The candidates, and whether two have equal capability (then the order of equals is
        numpy's sort's: call the reference).
    """
    strong = np.flatnonzero((capability >= threshold) & (bloc < 0))
    candidates = strong[np.argsort(-capability[strong])]
    for k in range(1, len(candidates)):
        if capability[candidates[k]] == capability[candidates[k - 1]]:
            return candidates, True
    return candidates, False


def proposal_reference(affinity, bloc, candidates, start, threshold, followers):
    """The first candidate from position `start` that can propose a bloc, and its friends.

    A candidate can if it is non-aligned and has at least `followers` friends
    (`friends_reference`). Returns its position in `candidates` (-1: none) and its friends.
    """
    for at in range(start, len(candidates)):
        if bloc[candidates[at]] >= 0:
            continue  # it joined a bloc founded by a stronger candidate
        friends = friends_reference(affinity, bloc, candidates[at], threshold)
        if len(friends) >= followers:
            return at, friends
    return -1, np.empty(0, dtype=np.int64)


@njit(cache=True, nogil=True)
def proposal_kernel(affinity, bloc, candidates, start, threshold, followers):
    """`proposal_reference` (its friends by `friends_kernel`)."""
    return _proposal(affinity, bloc, candidates, start, threshold, followers)


@njit(cache=True, nogil=True)
def _proposal(affinity, bloc, candidates, start, threshold, followers):
    """`proposal_kernel`'s loop (which `first_proposal_kernel` calls too)."""
    for at in range(start, len(candidates)):
        if bloc[candidates[at]] >= 0:
            continue
        friends = friends_kernel(affinity, bloc, candidates[at], threshold)
        if len(friends) >= followers:
            return at, friends
    return -1, np.empty(0, dtype=np.int64)


def first_proposal_reference(affinity, bloc, capability, min_capability, threshold, followers):
    """`candidates_reference`, then `proposal_reference` from the first candidate.

    Returns:
        The candidates, False, the first proposer's position (-1: none) and its friends.
    """
    candidates = candidates_reference(capability, bloc, min_capability)
    return (
        candidates,
        False,
        *proposal_reference(affinity, bloc, candidates, 0, threshold, followers),
    )


@njit(cache=True, nogil=True)
def first_proposal_kernel(affinity, bloc, capability, min_capability, threshold, followers):
    """`first_proposal_reference` in one call: `candidates_kernel`, then `proposal_kernel`'s.

    When two candidates have equal capability (the second result True) no proposal is
    sought (the position is -1): the caller orders the candidates by the reference.
    """
    candidates, tied = candidates_kernel(capability, bloc, min_capability)
    if tied:
        return candidates, True, -1, np.empty(0, dtype=np.int64)
    at, friends = _proposal(affinity, bloc, candidates, 0, threshold, followers)
    return candidates, False, at, friends


def positions_reference(codes, rows, n_codes):
    """The positions in `rows` of the countries of each code, in order (`positions_kernel`).

    Returns:
        (start, order): code c's positions are `order[start[c]:start[c + 1]]` (int64).
    """
    chosen = codes[rows]
    groups = [np.flatnonzero(chosen == c) for c in range(n_codes)]
    start = np.cumsum([0, *(len(group) for group in groups)]).astype(np.int64)
    return start, np.concatenate([np.empty(0, np.int64), *groups])


@njit(cache=True, nogil=True)
def positions_kernel(codes, rows, n_codes):
    """`positions_reference` by a counting sort of the rows' codes."""
    chosen = np.empty(len(rows), dtype=np.int64)
    for k in range(len(rows)):
        chosen[k] = codes[rows[k]]
    return bloc_members(chosen, n_codes)


def decide_reference(scores, bonus, noise, noise_scale, bloc, switching_cost, active, leaders):
    """`align`'s choice in numpy: each country's new bloc (N,); `decide_kernel` the same.

    Args:
        scores: (N, B + 1) the strategies' scores (`scores_of`), added to in place.
        bonus: (N, B + 1) the great powers' offers.
        noise: (N, B + 1) Gumbel draws.
        noise_scale: Their scale (`choice_noise`).
        bloc: (N,) the current blocs (-1: none), kept at `switching_cost`.
        switching_cost: The bonus of the current option.
        active: (B,) whether each bloc is active; its leader (`leaders`, (B,)) stays in it.
        leaders: (B,) each bloc's leader.
    """
    scores += bonus
    chosen = choose_reference(scores, bloc + 1, switching_cost, noise_scale * noise) - 1
    for b, (is_active, leader) in enumerate(zip(active, leaders, strict=True)):
        if is_active:
            chosen[leader] = b
    return chosen


@njit(cache=True, nogil=True)
def decide_kernel(scores, bonus, noise, noise_scale, bloc, switching_cost, active, leaders):
    """`decide_reference` country by country (as `choose_kernel`); `scores` is left as it was."""
    n, n_options = scores.shape
    chosen = np.empty(n, dtype=np.int64)
    for i in range(n):
        best, top = 0, np.nan
        current = bloc[i] + 1
        for c in range(n_options):
            total = (scores[i, c] + bonus[i, c]) + noise_scale * noise[i, c]
            if c == current:
                total += switching_cost
            if c == 0 or total > top or (total != total and top == top):
                best, top = c, total
        chosen[i] = best - 1
    for b in range(len(leaders)):
        if active[b]:
            chosen[leaders[b]] = b
    return chosen


def place_reference(scores, who, values):
    """scores[who] = values (in place); `place_kernel` the same (values (len(who), B + 1))."""
    scores[who] = values


@njit(cache=True, nogil=True)
def place_kernel(scores, who, values):
    """`place_reference` row by row."""
    for k in range(len(who)):
        for c in range(scores.shape[1]):
            scores[who[k], c] = values[k, c]


def choose_reference(scores, current, switching_cost, noise):
    """`choose` in numpy; `choose_kernel` computes the same."""
    total = scores + noise
    total[np.arange(len(current)), current] += switching_cost
    return total.argmax(axis=1)


@njit(cache=True, nogil=True)
def choose_kernel(scores, current, switching_cost, noise):
    """`choose_reference` country by country: the first best option (a NaN first, as argmax)."""
    n, n_options = scores.shape
    chosen = np.empty(n, dtype=np.int64)
    for i in range(n):
        best, top = 0, np.nan
        for c in range(n_options):
            total = scores[i, c] + noise[i, c]
            if c == current[i]:
                total += switching_cost
            if c == 0 or total > top or (total != total and top == top):
                best, top = c, total
        chosen[i] = best
    return chosen


def bar_reference(scores, rows, bloc, exposure, weight, active, leaders, rivalry, power_rows):
    """The exit cost and the barred options of `scores_of`, in place; `bar_kernel` the same.

    Args:
        scores: (n, B + 1) the strategies' scores of the countries `rows`.
        rows: (n,) the countries.
        bloc: (N,) every country's bloc (-1: none).
        exposure: (n, B) the rows' trade exposure to each bloc.
        weight: The interdependence weight.
        active: (B,) whether each bloc is active.
        leaders: (B,) each bloc's leader (-1: none).
        rivalry: (N, N) rivalries.
        power_rows: The great powers.
    """
    own, power_bloc = bloc[rows], bloc[power_rows]
    members = np.flatnonzero(own >= 0)
    scores[members, own[members] + 1] += weight * exposure[members, own[members]]
    scores[:, 1:][:, ~active] = -np.inf
    led = np.flatnonzero(leaders >= 0)
    rivals_lead = rivalry[:, leaders[led]][rows] > 0
    scores[:, 1:][:, led] = np.where(rivals_lead, -np.inf, scores[:, 1:][:, led])
    for power, power_in in zip(power_rows, power_bloc, strict=True):
        at = np.flatnonzero(rows == power)
        if not len(at):
            continue
        allowed = leaders == power
        if power_in >= 0:
            allowed[power_in] = True
        scores[at[0], 1:][~allowed] = -np.inf


@njit(cache=True, nogil=True)
def bar_kernel(scores, rows, bloc, exposure, weight, active, leaders, rivalry, power_rows):
    """`bar_reference` country by country."""
    n_blocs = len(leaders)
    for i in range(len(rows)):
        own = bloc[rows[i]]
        if own >= 0:
            scores[i, own + 1] += weight * exposure[i, own]
        for b in range(n_blocs):
            if not active[b] or (leaders[b] >= 0 and rivalry[rows[i], leaders[b]] > 0):
                scores[i, 1 + b] = -np.inf
    for k in range(len(power_rows)):
        for i in range(len(rows)):
            if rows[i] == power_rows[k]:
                power_bloc = bloc[power_rows[k]]
                for b in range(n_blocs):
                    if leaders[b] != power_rows[k] and b != power_bloc:
                        scores[i, 1 + b] = -np.inf
                break
