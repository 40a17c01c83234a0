"""The finance phase: the share of each country's trade settled outside the dollar system.

Each country's non-dollar share moves part of the way each year toward a target made of
its bloc's stance (none in a bloc led by the dollar's issuer, full in any other), its
exposure to US sanctions, and what its trade partners use. The partner term passes through
a steep logistic, a network effect that can tip (Eichengreen, Mehl & Chitu 2017, "How
Global Currencies Work"; Farrell & Newman 2019, "Weaponized Interdependence", International
Security 44(1)). Sanctions by the dollar's issuer also cut a sanctioned country's trade
with third parties, less so the more that trade is settled outside the dollar
(`apply_secondary_cut`).

Entry point: `settle_finance(model)`, the finance phase of the year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.economy import adjust_toward

if TYPE_CHECKING:
    from sim.model import WorldModel

#: Non-dollar share of a country outside any pressure (stylised; the US dollar is on one side
#: of about 88% of foreign-exchange trades, BIS Triennial Survey 2022).
BASELINE_SHARE = 0.05
#: Steepness and midpoint of the network (tipping) term.
TIPPING_STEEPNESS = 12.0
TIPPING_POINT = 0.5


def initial_non_dollar_share(eurasian: np.ndarray, sanctions_faced: np.ndarray) -> np.ndarray:
    """Stylised 2025 shares: the baseline, +0.35 in the Eurasian bloc, +0.5 x sanctions faced.

    Args:
        eurasian: (N,) bool, member of the Eurasian bloc.
        sanctions_faced: (N,) largest sanctions intensity the country faces.

    Returns:
        (N,) shares in [0, 1].
    """
    return np.clip(BASELINE_SHARE + 0.35 * eurasian + 0.5 * sanctions_faced, 0.0, 1.0)


def bloc_stance(led_by_dollar_issuer: bool) -> float:
    """A bloc's push on its members' non-dollar share.

    None from a bloc led by the issuer of the dollar, full from any other (the Eurasian
    bloc's de-dollarisation drive, e.g. the BRICS Kazan declaration of 2024 on
    local-currency settlement).

    Args:
        led_by_dollar_issuer: The bloc's leader is the United States.
    """
    return 0.0 if led_by_dollar_issuer else 1.0


def partner_share(two_way: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Trade-weighted mean non-dollar share of each country's partners (N,).

    Args:
        two_way: Trade both ways, X + X^T (N, N).
        share: Non-dollar shares (N,).
    """
    total = two_way.sum(axis=1)
    return np.divide(two_way @ share, total, out=np.zeros_like(share), where=total > 0)


def target_share(
    bloc_stance: np.ndarray, us_sanctions: np.ndarray, partners: np.ndarray
) -> np.ndarray:
    """Where each country's non-dollar share is heading (N,), in [0, 1].

    Args:
        bloc_stance: The push of the country's bloc (`bloc_stance`; the baseline if
            non-aligned).
        us_sanctions: Intensity of US sanctions on the country.
        partners: Trade-weighted partner share.

    Returns:
        The target share.
    """
    tipping = 1.0 / (1.0 + np.exp(-TIPPING_STEEPNESS * (partners - TIPPING_POINT)))
    target = 0.4 * bloc_stance + 0.3 * us_sanctions + 0.3 * tipping
    return np.clip(np.maximum(target, BASELINE_SHARE), 0.0, 1.0)


def apply_secondary_cut(
    open_share: np.ndarray, us_sanctions: np.ndarray, share: np.ndarray, reach: float
) -> np.ndarray:
    """Cut each flow (N, N, in place) by the dollar system's reach over sanctioned partners.

    A flow touching a country under US sanctions u keeps 1 - reach x u x (1 - the pair's
    mean non-dollar share); the larger exposure of the two partners counts. A pair of which
    neither partner is exposed keeps exactly 1 of its flow, so only the rows and columns of
    the exposed countries are computed: a cost proportional to the few sanctioned countries
    rather than to N x N.

    Args:
        open_share: (N, N) share of each flow kept so far; updated in place.
        us_sanctions: (N,) intensity of US sanctions on each country.
        share: (N,) non-dollar shares.
        reach: `dollar_sanction_reach`.

    Returns:
        `open_share`.
    """
    exposure = reach * us_sanctions
    exposed = np.flatnonzero(exposure != 0.0)
    if not len(exposed):
        return open_share
    # the rows of the exposed countries
    pair_exposure = np.maximum(exposure[exposed, None], exposure[None, :])
    outside = 0.5 * (share[exposed, None] + share[None, :])
    cut = 1.0 - pair_exposure * (1.0 - outside)
    open_share[exposed] *= cut
    # the cut is symmetric: its columns `exposed` are the transposed rows; the exposed x
    # exposed block was applied with the rows (a factor 1.0 leaves a value unchanged)
    column_cut = cut.T.copy()
    column_cut[exposed] = 1.0
    open_share[:, exposed] *= column_cut
    return open_share


def us_sanctions(model: WorldModel) -> np.ndarray:
    """Intensity of the dollar issuer's (US) sanctions on each country (N,); zeros without it."""
    return model.sanctions[model.row["USA"]] if "USA" in model.row else np.zeros(model.n)


def settle_finance(model: WorldModel) -> None:
    """The finance phase: non-dollar shares move toward bloc stance, sanctions and partners."""
    stance = np.full(model.n, BASELINE_SHARE)
    issuer = model.row.get("USA")
    for b, bloc in enumerate(model.blocs):
        if bloc.active:
            stance[model.bloc == b] = bloc_stance(bloc.leader == issuer)
    target = target_share(
        stance, us_sanctions(model), partner_share(model._two_way_trade, model.non_dollar_share)
    )
    model.non_dollar_share = adjust_toward(
        model.non_dollar_share, target, model.finance_adjustment_rate
    )
