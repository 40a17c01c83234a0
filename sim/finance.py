"""The finance phase: the share of each country's trade settled outside the dollar system.

Each country's non-dollar share moves part of the way each year (`finance_adjustment_rate`)
toward a target made of its exposure to the sanctions of the dollar system (the dollar's
issuer, the United States, and the bloc it leads) and of what its trade partners use. The
partner term passes through a steep logistic, a network effect that can tip (Eichengreen,
Mehl & Chitu 2017, "How Global Currencies Work"; Farrell & Newman 2019, "Weaponized
Interdependence", International Security 44(1)). The sanctions weight and the adjustment
rate are fitted to Russia's settlement currencies after the sanctions of 2022
(`experiments.finance_calibration`; `sim/data/finance_calibration.md`). Sanctions by the
dollar's issuer also cut a sanctioned country's trade with third parties, less so the more
that trade is settled outside the dollar (`apply_secondary_cut`).

Entry point: `settle_finance(model)`, the finance phase of the year.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.economy import adjust_toward
from sim.kernels import exp

if TYPE_CHECKING:
    from sim.model import WorldModel

#: Non-dollar share of a country outside any pressure (stylised; the US dollar is on one side
#: of about 88% of foreign-exchange trades, BIS Triennial Survey 2022).
BASELINE_SHARE = 0.05
#: Weight, steepness and midpoint of the network (tipping) term (assumptions).
NETWORK_WEIGHT = 0.3
TIPPING_STEEPNESS = 12.0
TIPPING_POINT = 0.5
#: The fit of `experiments.finance_calibration` (its inputs, values and residuals).
CALIBRATION_FILE = "finance_calibration.json"


@functools.cache
def calibration() -> dict:
    """The shipped fit: `sanctions_weight`, `adjustment_rate` and how they were obtained."""
    return json.loads((resources.files("sim") / "data" / CALIBRATION_FILE).read_text())


def adjustment_rate() -> float:
    """Share of the gap to the target closed a year (fitted; `finance_adjustment_rate`)."""
    return calibration()["fit"]["adjustment_rate"]


def sanctions_weight() -> float:
    """How far a unit of dollar-system sanctions raises the target non-dollar share (fitted)."""
    return calibration()["fit"]["sanctions_weight"]


def initial_non_dollar_share(exposure: np.ndarray, iso3: np.ndarray, year: int) -> np.ndarray:
    """Start-year shares: the record where it has the year, else the target less its network term.

    The network term is below 0.01 at baseline shares.

    Args:
        exposure: (N,) largest sanctions intensity each country faces from the dollar system.
        iso3: (N,) country codes.
        year: The start year.

    Returns:
        (N,) shares in [0, 1]; Russia's in 2024 is the record's 0.814
        (`sim/data/settlement_russia_2021_2024.csv`).
    """
    shares = np.clip(BASELINE_SHARE + sanctions_weight() * exposure, 0.0, 1.0)
    recorded = calibration()["record_by_year"].get(str(year))
    if recorded is not None and "RUS" in iso3:
        shares[list(iso3).index("RUS")] = recorded
    return shares


def dollar_system(model: WorldModel) -> np.ndarray:
    """Rows of the dollar's issuer (the United States) and of the bloc it leads (may be empty)."""
    issuer = model.row.get("USA")
    if issuer is None:
        return np.array([], dtype=int)
    led = [b for b, bloc in enumerate(model.blocs) if bloc.active and bloc.leader == issuer]
    if not led:
        return np.array([issuer])
    return np.flatnonzero(model.bloc == led[0])


def sanctions_exposure(model: WorldModel) -> np.ndarray:
    """The largest sanctions intensity each country faces from the dollar system (N,)."""
    imposers = dollar_system(model)
    if not len(imposers):
        return np.zeros(model.n)
    return model.sanctions[imposers].max(axis=0)


def partner_share(two_way: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Trade-weighted mean non-dollar share of each country's partners (N,).

    Args:
        two_way: Trade both ways, X + X^T (N, N).
        share: Non-dollar shares (N,).
    """
    total = two_way.sum(axis=1)
    return np.divide(two_way @ share, total, out=np.zeros_like(share), where=total > 0)


def target_share(exposure: np.ndarray, partners: np.ndarray) -> np.ndarray:
    """Where each country's non-dollar share is heading (N,), in [0, 1].

    Args:
        exposure: Sanctions intensity from the dollar system (`sanctions_exposure`).
        partners: Trade-weighted partner share (`partner_share`).

    Returns:
        clip(BASELINE_SHARE + sanctions_weight x exposure + NETWORK_WEIGHT x tipping, 0, 1).
    """
    tipping = 1.0 / (1.0 + np.exp(-TIPPING_STEEPNESS * (partners - TIPPING_POINT)))
    target = BASELINE_SHARE + sanctions_weight() * exposure + NETWORK_WEIGHT * tipping
    return np.clip(target, 0.0, 1.0)


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


@njit(cache=True, nogil=True)
def secondary_cut_kernel(open_share, us_sanctions, share, reach):
    """`apply_secondary_cut` (in place), bit for bit: the same factor for each pair.

    The rows of the exposed countries are cut whole; in the other rows, only the columns of
    the exposed countries (the factor of a pair of which neither is exposed is exactly 1).
    """
    n = len(share)
    exposure = np.empty(n)
    exposed = np.empty(n, dtype=np.int64)
    count = 0
    for j in range(n):
        exposure[j] = reach * us_sanctions[j]
        if exposure[j] != 0.0:
            exposed[count] = j
            count += 1
    if count == 0:
        return
    for i in range(n):
        e_i, s_i = exposure[i], share[i]
        if e_i != 0.0:
            for j in range(n):
                open_share[i, j] *= 1.0 - max(e_i, exposure[j]) * (1.0 - 0.5 * (s_i + share[j]))
        else:  # the transposed rows of the exposed, as the reference's columns
            for r in range(count):
                j = exposed[r]
                open_share[i, j] *= 1.0 - max(exposure[j], e_i) * (1.0 - 0.5 * (share[j] + s_i))


def us_sanctions(model: WorldModel) -> np.ndarray:
    """Intensity of the dollar issuer's (US) sanctions on each country (N,); zeros without it."""
    return model.sanctions[model.row["USA"]] if "USA" in model.row else np.zeros(model.n)


def settle_finance(model: WorldModel) -> None:
    """The finance phase: non-dollar shares move toward what sanctions and partners imply.

    One compiled pass (`settle_kernel`) does the work of `sanctions_exposure`,
    `partner_share`, `target_share` and `adjust_toward`.
    """
    model.non_dollar_share = settle_kernel(
        model.sanctions,
        dollar_system(model),
        model._two_way_trade,
        model.non_dollar_share,
        sanctions_weight(),
        model.finance_adjustment_rate,
    )


def settle_reference(model: WorldModel) -> np.ndarray:
    """The new non-dollar shares (N,) in plain numpy: the reference of `settle_kernel`."""
    target = target_share(
        sanctions_exposure(model), partner_share(model._two_way_trade, model.non_dollar_share)
    )
    return adjust_toward(model.non_dollar_share, target, model.finance_adjustment_rate)


@njit(cache=True, nogil=True)
def settle_kernel(sanctions, imposers, two_way, share, weight, rate):
    """The shares (N,) after a year's adjustment: `settle_reference` in one pass.

    The same operations as the reference, but for the order of the partner sums: each row's
    are summed in eight interleaved partial sums (which LLVM vectorises), where the
    reference's matrix product has the BLAS library's order, and its row sums numpy's
    pairwise order; so the shares agree with the reference's to about 1e-15 relative (the
    exp is `sim.kernels.exp`, the same bits on every machine; numpy's may differ in the last
    bits).

    Args:
        sanctions: (N, N) intensities, row imposer (clipped to [0, 1] by the trade phase).
        imposers: Rows of the dollar system (`dollar_system`, may be empty).
        two_way: Trade both ways, X + X^T (N, N).
        share: Non-dollar shares (N,).
        weight: `sanctions_weight()`.
        rate: `finance_adjustment_rate`.
    """
    n = len(share)
    exposure = np.zeros(n)
    if len(imposers):
        exposure[:] = sanctions[imposers[0]]
        for r in imposers[1:]:
            for j in range(n):
                exposure[j] = max(exposure[j], sanctions[r, j])
    out = np.empty(n)
    end = n - n % 8
    for i in range(n):
        t0 = t1 = t2 = t3 = t4 = t5 = t6 = t7 = 0.0
        d0 = d1 = d2 = d3 = d4 = d5 = d6 = d7 = 0.0
        for j in range(0, end, 8):
            t0, t1 = t0 + two_way[i, j], t1 + two_way[i, j + 1]
            t2, t3 = t2 + two_way[i, j + 2], t3 + two_way[i, j + 3]
            t4, t5 = t4 + two_way[i, j + 4], t5 + two_way[i, j + 5]
            t6, t7 = t6 + two_way[i, j + 6], t7 + two_way[i, j + 7]
            d0, d1 = d0 + two_way[i, j] * share[j], d1 + two_way[i, j + 1] * share[j + 1]
            d2, d3 = d2 + two_way[i, j + 2] * share[j + 2], d3 + two_way[i, j + 3] * share[j + 3]
            d4, d5 = d4 + two_way[i, j + 4] * share[j + 4], d5 + two_way[i, j + 5] * share[j + 5]
            d6, d7 = d6 + two_way[i, j + 6] * share[j + 6], d7 + two_way[i, j + 7] * share[j + 7]
        total = ((t0 + t1) + (t2 + t3)) + ((t4 + t5) + (t6 + t7))
        dot = ((d0 + d1) + (d2 + d3)) + ((d4 + d5) + (d6 + d7))
        for j in range(end, n):
            total += two_way[i, j]
            dot += two_way[i, j] * share[j]
        partners = dot / total if total > 0 else 0.0
        tipping = 1.0 / (1.0 + exp(-TIPPING_STEEPNESS * (partners - TIPPING_POINT)))
        target = BASELINE_SHARE + weight * exposure[i] + NETWORK_WEIGHT * tipping
        target = min(max(target, 0.0), 1.0)
        out[i] = share[i] + rate * (target - share[i])
    return out
