"""Alignment strategies: how a country chooses between non-alignment and each bloc.

Every strategy is a function that scores a country's options, column 0 being non-alignment
and column 1 + b joining bloc b; the model adds inertia (a bonus for the current option,
`switching_cost`) and logit noise (Gumbel, `choice_noise`; McFadden 1974) and each country
takes its best option. Adding a strategy means writing one such function and decorating it
with `@register("name")`; nothing else changes.

Literature anchors: balancing, Walt (1987) "The Origins of Alliances" (balance of threat);
bandwagoning, Schweller (1994) "Bandwagoning for Profit", International Security 19(1);
hedging, Kuik (2008) "The Essence of Hedging", Contemporary Southeast Asia 30(2);
ideological alignment, Bailey, Strezhnev & Voeten (2017) ideal points; economic alignment,
Keohane & Nye (1977) "Power and Interdependence"; landscape, Axelrod & Bennett (1993) "A
Landscape Theory of Aggregation", British Journal of Political Science 23(2).

Entry point: `align(model)`, the alignment phase of the year.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.blocs import EURASIAN_TREATY_PARTNERS, US_TREATY_ALLIES, bloc_sums
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
        ideology_gap: (N, B) distance of the ideal point to the bloc's capability-weighted centre.
        landscape_gain: (N, B) sum over the bloc's other members of capability x affinity.
        thresholds: Strategy name -> the score of non-alignment for that strategy.
    """

    bloc_threat: np.ndarray
    bloc_capability: np.ndarray
    affinity_to_bloc: np.ndarray
    trade_share: np.ndarray
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


def _against_top_threat(ctx: AlignmentContext, who: np.ndarray) -> np.ndarray:
    threat = ctx.bloc_threat[who]
    # Joining bloc b relieves the top threat if b is not its source; among such blocs a
    # country prefers its friends (a small tie-breaking term).
    return threat.max(axis=1, keepdims=True, initial=0.0) - threat + 0.1 * ctx.affinity_to_bloc[who]


@register("balancing")
def balancing(ctx: AlignmentContext, who: np.ndarray) -> np.ndarray:
    """Align against the bloc that threatens you most (Walt): its opponents score the gap."""
    return _scores(ctx, who, ctx.thresholds["balancing"], _against_top_threat(ctx, who))


@register("hedging")
def hedging(ctx: AlignmentContext, who: np.ndarray) -> np.ndarray:
    """Stay out, keeping ties with all sides, unless a threat passes the (higher) threshold."""
    return _scores(ctx, who, ctx.thresholds["hedging"], _against_top_threat(ctx, who))


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
    # the 2025 status quo: states in a mutual-defence alliance (NATO, the United States'
    # treaty allies, Russia, China and their treaty partners) balance; everyone else hedges
    "status_quo": {
        "by": "nato",
        "groups": {"true": "balancing"},
        "default": {
            "by": "iso3",
            "groups": {
                code: "balancing"
                for code in (*US_TREATY_ALLIES, "CHN", "RUS", *EURASIAN_TREATY_PARTNERS)
            },
            "default": "hedging",
        },
    },
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
    spec = MIXED_PRESETS["status_quo"] if mixed is None else mixed
    if isinstance(spec, str):
        if spec not in MIXED_PRESETS:
            raise ValueError(f"mixed: unknown preset {spec!r}; known: {sorted(MIXED_PRESETS)}")
        spec = MIXED_PRESETS[spec]
    return _assign(spec, countries)


def _assign(spec: Mapping | str, countries: pd.DataFrame) -> np.ndarray:
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
    result = _assign(spec.get("default", "hedging"), countries)
    for value, strategy in dict(spec.get("groups", {})).items():
        _check_strategy(strategy, f"mixed.groups.{value}")
        result[values == str(value).lower()] = strategy
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
    total = scores + noise
    total[np.arange(len(current)), current] += switching_cost
    return total.argmax(axis=1)


def alignment_context(model: WorldModel) -> AlignmentContext:
    """What the alignment strategies see this year."""
    members = model.membership()
    cap = model._capability
    weighted = model.affinity * cap[None, :]
    np.fill_diagonal(weighted, 0.0)
    gain = bloc_sums(weighted, members)
    others = cap @ members - cap[:, None] * members
    affinity_to_bloc = np.divide(gain, others, out=np.zeros_like(gain), where=others > 0)
    two_way = model._two_way_trade
    total = two_way.sum(axis=1, keepdims=True)
    trade_share = np.divide(
        bloc_sums(two_way, members), total, out=np.zeros_like(gain), where=total > 0
    )
    bloc_cap = cap @ members
    centre = np.divide(
        (cap * model._ideal_point) @ members,
        bloc_cap,
        out=np.zeros(len(model.blocs)),
        where=bloc_cap > 0,
    )
    return AlignmentContext(
        bloc_threat=model.bloc_threat,
        bloc_capability=bloc_cap,
        affinity_to_bloc=affinity_to_bloc,
        trade_share=trade_share,
        ideology_gap=np.abs(model._ideal_point[:, None] - centre[None, :]),
        landscape_gain=gain,
        thresholds=model.thresholds,
    )


def align(model: WorldModel) -> None:
    """The alignment phase: each country applies its strategy; leaders stay with their blocs."""
    n_options = len(model.blocs) + 1
    ctx = alignment_context(model)
    scores = np.empty((model.n, n_options))
    for name, who in model._strategy_rows.items():
        scores[who] = STRATEGIES[name](ctx, who)
    scores += model.alignment_bonus
    inactive = np.array([not b.active for b in model.blocs], dtype=bool)
    scores[:, 1:][:, inactive] = -np.inf
    noise = model.choice_noise * model.rng.gumbel(size=(model.n, n_options))
    chosen = choose(scores, model.bloc + 1, model.switching_cost, noise) - 1
    for b, bloc in enumerate(model.blocs):
        if bloc.active:
            chosen[bloc.leader] = b
    model.bloc = chosen
