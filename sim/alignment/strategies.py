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

The per-country loops (the context's terms, balancing's and hedging's scores, the barred
options, the choice) are compiled kernels (numba), each beside the plain-numpy reference it
reproduces bit for bit (`*_reference`; tests/test_alignment_speed.py); the sums over
countries stay numpy's matrix products.

Entry point: `align(model)`, the alignment phase of the year (choices, then new blocs).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numba import njit

from sim.blocs import bloc_sums, found_bloc, membership_matrix
from sim.diplomacy import group_threat
from sim.registry import registrar

if TYPE_CHECKING:
    from sim.model import WorldModel


@dataclass(frozen=True)
class AlignmentContext:
    """What strategies see in a year (B = number of blocs, N = countries).

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


def alignment_context(
    model: WorldModel, bloc: np.ndarray | None = None, rows: np.ndarray | None = None
) -> AlignmentContext:
    """What the alignment strategies see this year.

    Args:
        model: The model.
        bloc: A trial membership (N,) with blocs `0 .. len(model.blocs)` (one more than the
            model has: a bloc being proposed); None: the model's own membership.
        rows: The countries whose view is wanted (the context's rows, in this order); None:
            every country.
    """
    if bloc is None:
        members, bloc_threat = model.membership(), model.bloc_threat
    else:
        members = membership_matrix(bloc, len(model.blocs) + 1)
        bloc_threat = None
    cap = model._capability
    everyone = rows is None
    if everyone:  # whole arrays, no copies by index
        rows = np.arange(model.n)
        if bloc_threat is None:
            bloc_threat = group_threat(model._pair_threat, members)
        own_cap, own_members = cap, members
        two_way, gdp, ideal = model._two_way_trade, model._gdp_usd, model._ideal_point
    else:
        rows = np.asarray(rows)
        if bloc_threat is None:
            bloc_threat = group_threat(model._pair_threat[rows], members)
        else:
            bloc_threat = bloc_threat[rows]
        own_cap, own_members = cap[rows], members[rows]
        two_way, gdp = model._two_way_trade[rows], model._gdp_usd[rows]
        ideal = model._ideal_point[rows]
    weighted = weighted_kernel(model.affinity, cap, rows)
    if members.any(axis=0).all():  # every bloc has members: `bloc_sums`, checked once
        gain, with_bloc = weighted @ members, two_way @ members
    else:
        gain, with_bloc = bloc_sums(weighted, members), bloc_sums(two_way, members)
    bloc_cap = cap @ members  # with_bloc: the diagonal is zero, others only
    affinity_to_bloc, trade_share, trade_exposure, ideology_gap = context_kernel(
        gain,
        with_bloc,
        two_way.sum(axis=1),
        bloc_cap,
        (cap * model._ideal_point) @ members,
        own_cap,
        own_members,
        gdp,
        ideal,
    )
    return AlignmentContext(
        bloc_threat=bloc_threat,
        bloc_capability=bloc_cap,
        affinity_to_bloc=affinity_to_bloc,
        trade_share=trade_share,
        trade_exposure=trade_exposure,
        ideology_gap=ideology_gap,
        landscape_gain=gain,
        thresholds=model.thresholds,
    )


def align(model: WorldModel) -> None:
    """The alignment phase: each country chooses its bloc, then strong states found new ones.

    To the strategies' scores (`scores`) come the great powers' offers, inertia and noise
    (`choose`); the leader of every active bloc stays in it. Then `found_blocs`.
    """
    scores = scores_of(model, alignment_context(model))
    scores += model.alignment_bonus
    noise = model.choice_noise * model.rng.gumbel(size=scores.shape)
    chosen = choose(scores, model.bloc + 1, model.switching_cost, noise) - 1
    for b, bloc in enumerate(model.blocs):
        if bloc.active:
            chosen[bloc.leader] = b
    model.bloc = chosen
    found_blocs(model)


def scores_of(
    model: WorldModel,
    ctx: AlignmentContext,
    bloc: np.ndarray | None = None,
    proposer: int = -1,
    rows: np.ndarray | None = None,
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

    Returns:
        (len(rows), B + 1) scores, in the order of `rows`.
    """
    bloc = model.bloc if bloc is None else bloc
    rows = np.arange(model.n) if rows is None else np.asarray(rows)
    everyone = len(rows) == model.n  # then rows are every country, in order
    n_options = ctx.bloc_capability.shape[0] + 1
    scores = np.empty((len(rows), n_options))
    if everyone:
        groups = model._strategy_rows.items()
    else:
        chosen = model.strategies[rows]
        groups = ((name, np.flatnonzero(chosen == name)) for name in set(chosen))
    for name, who in groups:
        scores[who] = STRATEGIES[name](ctx, who)
    leaders = [b.leader for b in model.blocs]
    leaders += [proposer] * (n_options - 1 - len(leaders))  # a proposed bloc
    active = [b.active for b in model.blocs]
    active += [True] * (n_options - 1 - len(active))
    bar_kernel(
        scores,
        rows,
        bloc if everyone else bloc[rows],
        ctx.trade_exposure,
        float(model.interdependence_weight),
        np.array(active, dtype=bool),
        np.array(leaders, dtype=np.int64),
        model._rivalry,
        model.power_rows,
        bloc[model.power_rows],
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
    if not ((capability >= model.bloc_formation_capability) & (model.bloc < 0)).any():
        return  # no strong state is non-aligned (and none becomes so in the loop)
    for candidate in np.argsort(-capability):
        if capability[candidate] < model.bloc_formation_capability:
            break
        if model.bloc[candidate] >= 0:
            continue
        outside = np.flatnonzero(model.bloc < 0)
        friends = outside[
            (model.affinity[candidate, outside] >= model.bloc_formation_affinity)
            & (outside != candidate)
        ]
        if len(friends) < model.bloc_formation_followers:
            continue
        trial = model.bloc.copy()
        trial[np.append(friends, candidate)] = len(model.blocs)
        ctx = alignment_context(model, trial, friends)
        scores = scores_of(model, ctx, trial, candidate, friends)
        scores[:, 0] += model.switching_cost  # they are non-aligned now
        joiners = friends[scores.argmax(axis=1) == scores.shape[1] - 1]
        if len(joiners) >= model.bloc_formation_followers:
            found_bloc(model, int(candidate), np.append(joiners, candidate))


# -- compiled kernels (each the same numbers as its plain-numpy reference) ---------------
# The same operations in the same order (no fastmath, so no fused multiply-adds); the sums
# over countries stay numpy's (`bloc_sums`, matrix products), outside the kernels.


def weighted_reference(affinity: np.ndarray, cap: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(len(rows), N) affinity of each row's country x the others' capability, 0 for itself."""
    weighted = affinity[rows] * cap[None, :]
    weighted[np.arange(len(rows)), rows] = 0.0  # not oneself
    return weighted


@njit(cache=True, nogil=True)
def weighted_kernel(affinity, cap, rows):
    """`weighted_reference` row by row."""
    n = len(cap)
    weighted = np.empty((len(rows), n))
    for k in range(len(rows)):
        i = rows[k]
        for j in range(n):
            weighted[k, j] = affinity[i, j] * cap[j]
        weighted[k, i] = 0.0
    return weighted


def context_reference(gain, with_bloc, total, bloc_cap, centre_sum, cap, members, gdp, ideal):
    """The context's (n, B) terms from its sums over countries; `context_kernel` the same.

    Args:
        gain: (n, B) capability-weighted affinity to each bloc's members (oneself excluded).
        with_bloc: (n, B) two-way trade with each bloc's members.
        total: (n,) two-way trade with everyone.
        bloc_cap: (B,) each bloc's capability.
        centre_sum: (B,) each bloc's capability-weighted sum of ideal points.
        cap: (n,) the rows' capability.
        members: (n, B) the rows' membership (0/1).
        gdp: (n,) the rows' GDP.
        ideal: (n,) the rows' ideal point.

    Returns:
        affinity_to_bloc, trade_share, trade_exposure, ideology_gap, each (n, B).
    """
    others = bloc_cap - cap[:, None] * members
    affinity_to_bloc = np.divide(gain, others, out=np.zeros_like(gain), where=others > 0)
    total = total[:, None]
    trade_share = np.divide(with_bloc, total, out=np.zeros_like(gain), where=total > 0)
    centre = np.divide(centre_sum, bloc_cap, out=np.zeros_like(bloc_cap), where=bloc_cap > 0)
    ideology_gap = np.abs(ideal[:, None] - centre[None, :])
    return affinity_to_bloc, trade_share, with_bloc / gdp[:, None], ideology_gap


@njit(cache=True, nogil=True, error_model="numpy")
def context_kernel(gain, with_bloc, total, bloc_cap, centre_sum, cap, members, gdp, ideal):
    """`context_reference` country by country."""
    n, n_blocs = gain.shape
    centre = np.zeros(n_blocs)
    for b in range(n_blocs):
        if bloc_cap[b] > 0:
            centre[b] = centre_sum[b] / bloc_cap[b]
    affinity_to_bloc = np.zeros((n, n_blocs))
    trade_share = np.zeros((n, n_blocs))
    trade_exposure = np.empty((n, n_blocs))
    ideology_gap = np.empty((n, n_blocs))
    for i in range(n):
        for b in range(n_blocs):
            others = bloc_cap[b] - cap[i] * members[i, b]
            if others > 0:
                affinity_to_bloc[i, b] = gain[i, b] / others
            if total[i] > 0:
                trade_share[i, b] = with_bloc[i, b] / total[i]
            trade_exposure[i, b] = with_bloc[i, b] / gdp[i]
            ideology_gap[i, b] = abs(ideal[i] - centre[b])
    return affinity_to_bloc, trade_share, trade_exposure, ideology_gap


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


def bar_reference(
    scores, rows, own, exposure, weight, active, leaders, rivalry, power_rows, power_bloc
):
    """The exit cost and the barred options of `scores_of`, in place; `bar_kernel` the same.

    Args:
        scores: (n, B + 1) the strategies' scores of the countries `rows`.
        rows: (n,) the countries.
        own: (n,) their bloc (-1: none).
        exposure: (n, B) their trade exposure to each bloc.
        weight: The interdependence weight.
        active: (B,) whether each bloc is active.
        leaders: (B,) each bloc's leader (-1: none).
        rivalry: (N, N) rivalries.
        power_rows: The great powers.
        power_bloc: (len(power_rows),) their bloc (-1: none).
    """
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
def bar_kernel(
    scores, rows, own, exposure, weight, active, leaders, rivalry, power_rows, power_bloc
):
    """`bar_reference` country by country."""
    n_blocs = len(leaders)
    for i in range(len(rows)):
        if own[i] >= 0:
            scores[i, own[i] + 1] += weight * exposure[i, own[i]]
        for b in range(n_blocs):
            if not active[b] or (leaders[b] >= 0 and rivalry[rows[i], leaders[b]] > 0):
                scores[i, 1 + b] = -np.inf
    for k in range(len(power_rows)):
        for i in range(len(rows)):
            if rows[i] == power_rows[k]:
                for b in range(n_blocs):
                    if leaders[b] != power_rows[k] and b != power_bloc[k]:
                        scores[i, 1 + b] = -np.inf
                break
