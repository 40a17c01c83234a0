"""The trade phase: structural gravity flows and the gains from trade.

Flows follow the gravity equation (Tinbergen 1962; Anderson & van Wincoop 2003):
X_ij = exp(c) * GDP_i^a * GDP_j^b * distance_ij^d * exp(e * contiguity_ij + f * language_ij),
times a policy factor (changes in affinity and shared blocs since the start, Greater Eurasia,
sanctions and the dollar system's reach; see `update_trade`). The
coefficients are estimated by Poisson pseudo-maximum likelihood (Santos Silva & Tenreyro
2006) on the Correlates of War dyadic trade data, 2010-2014 (`scripts/estimate_gravity.py`,
results in `sim/data/gravity.md`), and applied to today's GDP. The year effects of that
estimation absorb world growth; the model does the same by scaling flows with
(world GDP / 2014 world GDP)^(1 - a - b), so world trade keeps pace with world GDP when all
economies grow alike, as in structural gravity where flows go with GDP_i GDP_j / world GDP.

Gains from trade follow Arkolakis, Costinot & Rodriguez-Clare (2012, "New Trade Models, Same
Old Gains?", AER 102(1)): real income moves with lambda^(-1/epsilon), lambda the share of
spending on domestic goods and epsilon the trade elasticity. Only changes in trade costs
(policy) count: income is compared with the same year's flows without the policy factor, so
trade that grows with GDP does not create income out of nothing.

Entry point: `update_trade(model)`, the trade phase of the year.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, fields, replace
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim import finance
from sim.kernels import exp, pairwise_plan, planned_sum, upper_tiles

if TYPE_CHECKING:
    from sim.model import WorldModel

GRAVITY_FILE = "gravity_cow_2010_2014.json"
#: The estimated specification the model uses: bilateral coefficients of structural gravity
#: (exporter and importer effects), GDP elasticities of the pooled fit (`sim/data/gravity.md`).
SPECIFICATION = "ppml_country_effects"

#: Largest import share of GDP used for the domestic-spending share (small entrepot economies
#: can import more than their GDP in a gravity fit; lambda must stay positive).
MAX_IMPORT_SHARE = 0.95


@dataclass(frozen=True)
class Gravity:
    """Coefficients of the gravity equation (flows and GDP in US$, distance in km).

    `constant` holds at world GDP `reference_world_gdp_usd` (the estimation's 2014 world).
    """

    constant: float
    gdp_exporter: float
    gdp_importer: float
    distance: float
    contiguity: float
    common_language: float
    reference_world_gdp_usd: float

    @classmethod
    def estimated(cls) -> Gravity:
        """The PPML estimates shipped in `sim/data` (COW trade 2010-2014, 2014 constant).

        The specification with exporter and importer country effects (`SPECIFICATION`), to
        be used with `country_effects`.
        """
        return _estimated_gravity()

    def with_overrides(self, **values: float | None) -> Gravity:
        """A copy with the given coefficients replaced (None keeps the estimate).

        Args:
            **values: Coefficient names of this class mapped to new values or None.

        Returns:
            The updated coefficients.
        """
        names = {f.name for f in fields(self)}
        unknown = set(values) - names
        if unknown:
            raise ValueError(f"unknown gravity coefficients {sorted(unknown)}; known: {names}")
        return replace(self, **{k: float(v) for k, v in values.items() if v is not None})


@functools.cache
def _estimated_gravity() -> Gravity:
    text = (resources.files("sim") / "data" / GRAVITY_FILE).read_text()
    estimates = json.loads(text)
    coef = estimates[SPECIFICATION]["coefficients"]
    return Gravity(
        constant=coef["constant"],
        gdp_exporter=coef["log_gdp_exporter"],
        gdp_importer=coef["log_gdp_importer"],
        distance=coef["log_distance_km"],
        contiguity=coef["contiguity"],
        common_language=coef["common_language"],
        reference_world_gdp_usd=estimates["reference_world_gdp_usd"],
    )


def anchored(
    gravity: Gravity,
    reference: Gravity,
    distance_km: np.ndarray,
    contiguity: np.ndarray,
    language: np.ndarray,
    gdp_usd: np.ndarray,
    effects: tuple[np.ndarray, np.ndarray] | None = None,
) -> Gravity:
    """`gravity` with its constant re-anchored so that world trade at `gdp_usd` is `reference`'s.

    A gravity constant only holds with the coefficients it was estimated with: halving the
    distance elasticity alone would multiply world trade many times over. So when a user
    overrides coefficients, the constant is set so that world trade / world GDP in the start
    year stays what the estimated equation gives (which, by the adding-up property of PPML
    with year effects, reproduces the observed world total of the estimation year 2014:
    `sim/data/gravity.md`). Flows are proportional to exp(constant), so the new constant is
    exact: constant + ln(reference world trade / world trade with the overrides).

    Args:
        gravity: The coefficients to use (e.g. with overrides).
        reference: The estimated coefficients.
        distance_km: (N, N) distances, zero diagonal.
        contiguity: (N, N) bool.
        language: (N, N) bool.
        gdp_usd: GDP (N,) of the start year.
        effects: Exporter and importer country effects (N,) each (None: none).

    Returns:
        `gravity` itself if it equals `reference`, else a copy with the anchored constant.
    """
    if gravity == reference:
        return gravity
    world_trade = [
        gravity_flows(
            bilateral_resistance(g, distance_km, contiguity, language, effects), gdp_usd, g
        ).sum()
        for g in (reference, gravity)
    ]
    return replace(gravity, constant=gravity.constant + np.log(world_trade[0] / world_trade[1]))


def bilateral_resistance(
    gravity: Gravity,
    distance_km: np.ndarray,
    contiguity: np.ndarray,
    language: np.ndarray,
    effects: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """The time-invariant part of the gravity equation, an (N, N) factor with zero diagonal.

    One compiled pass over the rows (`resistance_kernel`) with the operations of the
    plain-numpy reference `bilateral_resistance_reference` in the same order; its logs are the
    C library's and its exps `sim.kernels.exp`, so it agrees with the reference to about
    1e-15 relative (and bit for bit with the reference given those two functions).

    Args:
        gravity: Coefficients.
        distance_km: (N, N) distances, zero diagonal.
        contiguity: (N, N) bool.
        language: (N, N) bool.
        effects: Exporter and importer country effects (N,) each, log points
            (`country_effects`; None: none).

    Returns:
        exp(c + exporter_i + importer_j + d ln distance + e contiguity + f language) off the
        diagonal, 0 on it.
    """
    n = len(distance_km)
    exporter, importer = (np.zeros(n), np.zeros(n)) if effects is None else effects
    out = np.empty((n, n))
    resistance_kernel(
        gravity.constant,
        gravity.distance,
        gravity.contiguity,
        gravity.common_language,
        distance_km,
        contiguity,
        language,
        np.asarray(exporter, dtype=float),
        np.asarray(importer, dtype=float),
        effects is not None,
        out,
    )
    return out


def bilateral_resistance_reference(
    gravity: Gravity,
    distance_km: np.ndarray,
    contiguity: np.ndarray,
    language: np.ndarray,
    effects: tuple[np.ndarray, np.ndarray] | None = None,
    log=np.log,
    exp=np.exp,
) -> np.ndarray:
    """`bilateral_resistance` in plain numpy: the reference of `resistance_kernel`.

    `log` and `exp` are the array functions it uses (numpy's by default; tests pass the
    kernel's to compare bit for bit).
    """
    off_diagonal = ~np.eye(len(distance_km), dtype=bool)
    log_distance = log(np.where(off_diagonal, distance_km, 1.0))
    exponent = (
        gravity.constant
        + gravity.distance * log_distance
        + gravity.contiguity * contiguity
        + gravity.common_language * language
    )
    if effects is not None:
        exponent += effects[0][:, None] + effects[1][None, :]
    factor = exp(exponent)
    return np.where(off_diagonal, factor, 0.0)


@njit(cache=True, nogil=True)
def resistance_kernel(
    c, d, e, f, distance_km, contiguity, language, exporter, importer, with_effects, out
):  # fmt: skip
    """`bilateral_resistance_reference` into `out` (N, N), row by row; c, d, e, f: `Gravity`'s.

    The same operations in the same order (the bools count as 1.0 and 0.0, the country
    effects are added as exporter_i + importer_j when `with_effects`); a row's exponents are
    computed first (with the C library's log), then their `exp` in a loop that LLVM
    vectorises, and the diagonal set to 0.
    """
    n = out.shape[0]
    row = np.empty(n)
    for i in range(n):
        for j in range(n):
            log_distance = np.log(distance_km[i, j] if j != i else 1.0)
            value = c + d * log_distance
            value = value + e * (1.0 if contiguity[i, j] else 0.0)
            value = value + f * (1.0 if language[i, j] else 0.0)
            if with_effects:
                value = value + (exporter[i] + importer[j])
            row[j] = value
        for j in range(n):
            out[i, j] = exp(row[j])
        out[i, i] = 0.0


def gravity_flows(
    resistance: np.ndarray, gdp_usd: np.ndarray, gravity: Gravity, out: np.ndarray | None = None
) -> np.ndarray:
    """Trade flows before policy: resistance * GDP_i^a * GDP_j^b * (world GDP scale)^(1-a-b).

    Args:
        resistance: Output of `bilateral_resistance` (N, N).
        gdp_usd: GDP (N,).
        gravity: Coefficients.
        out: Optional (N, N) array to write into.

    Returns:
        Flows (N, N), US$, row = exporter, column = importer.
    """
    exporter, importer = gdp_scales(gdp_usd, gravity)
    out = np.multiply(resistance, exporter[:, None], out=out)
    out *= importer[None, :]
    return out


def gdp_scales(gdp_usd: np.ndarray, gravity: Gravity) -> tuple[np.ndarray, np.ndarray]:
    """The exporter's and the importer's GDP terms of `gravity_flows` (N,) each."""
    world_scale = (gdp_usd.sum() / gravity.reference_world_gdp_usd) ** (
        1.0 - gravity.gdp_exporter - gravity.gdp_importer
    )
    return gdp_usd**gravity.gdp_exporter * world_scale, gdp_usd**gravity.gdp_importer


def domestic_share(imports_usd: np.ndarray, gdp_usd: np.ndarray) -> np.ndarray:
    """Share of spending on domestic goods, 1 - imports / GDP (imports capped, see above).

    Args:
        imports_usd: Total imports (N,).
        gdp_usd: GDP (N,).

    Returns:
        Lambda (N,), in [1 - MAX_IMPORT_SHARE, 1].
    """
    return 1.0 - np.minimum(imports_usd / gdp_usd, MAX_IMPORT_SHARE)


def gains_from_trade(
    imports_usd: np.ndarray,
    imports_without_policy_usd: np.ndarray,
    gdp_usd: np.ndarray,
    trade_elasticity: float,
) -> np.ndarray:
    """Log real-income effect of trade policy, ACR: -(1/epsilon) ln(lambda / lambda_0).

    Args:
        imports_usd: Imports with the policy factor (N,).
        imports_without_policy_usd: Imports of the same year without it (N,).
        gdp_usd: GDP (N,).
        trade_elasticity: Epsilon > 0.

    Returns:
        The log income level relative to no policy (N,): negative where policy cuts trade.
    """
    lam = domestic_share(imports_usd, gdp_usd)
    lam0 = domestic_share(imports_without_policy_usd, gdp_usd)
    return -np.log(lam / lam0) / trade_elasticity


def update_trade(model: WorldModel) -> None:
    """The trade phase: gravity flows at this year's GDP, moved by politics, cut by sanctions.

    Sets `model._trade_usd` (X), its two-way sum X + X^T and the gains-from-trade level that
    next year's growth takes up (`sim.economy`). The trade that sanctions cut is partly
    re-routed to the partners' other partners (`divert`). Compiled passes do the work of the
    plain-numpy references: the policy factor, exp of `policy_exponent` with the bloc term of
    `bloc_trade_term` (`policy_factor_kernel`, with `sim.kernels.exp`), the share of each
    flow that sanctions leave, with the dollar system's secondary cut (`open_share_kernel`,
    `finance.secondary_cut_kernel`), and the flows, their diversion, two-way sums and the
    domestic-spending ratio of the gains (`flows_kernel`). The same operations in the same
    order as the references, so the same bits as theirs with `sim.kernels.exp` for their exp
    (with numpy's exp, to about 1e-15 relative: the exps' last bits).
    """
    exporter, importer = gdp_scales(model._gdp_usd, model.gravity)
    flows, open_share = model._trade_usd, model._open_share
    model.refresh_bloc_relations()
    policy_factor_kernel(
        model.affinity,
        model._affinity_start,
        model.affinity_trade_effect,
        model._same_bloc,
        model._same_bloc_start,
        model.bloc_trade_effect,
        model.trade_shift,
        flows,
    )
    open_share_kernel(model.sanctions, open_share)
    finance.secondary_cut_kernel(
        open_share, finance.us_sanctions(model), model.non_dollar_share, model.dollar_sanction_reach
    )
    ratio = np.empty(model.n)
    flows_kernel(
        model._resistance,
        exporter,
        importer,
        open_share,
        model.trade_diversion,
        model._gdp_usd,
        flows,
        model._two_way_trade,
        ratio,
    )
    # gains_from_trade's -ln(lambda / lambda_0) / epsilon; (-a) / b is a / (-b) exactly
    model._gains_level = np.divide(np.log(ratio, out=ratio), -model.trade_elasticity, out=ratio)


def policy_exponent(
    log_affinity_change: np.ndarray, bloc_term: np.ndarray, shift: np.ndarray
) -> np.ndarray:
    """The log of the policy factor (N, N): the sum of its terms (`policy_flows`).

    With `bloc_trade_term`, the plain-numpy reference of `policy_factor_kernel`'s exponent.
    """
    return log_affinity_change + bloc_term + shift


def policy_flows(
    base: np.ndarray,
    log_affinity_change: np.ndarray,
    bloc_term: np.ndarray,
    shift: np.ndarray,
    sanctions: np.ndarray,
    exp=np.exp,
) -> tuple[np.ndarray, np.ndarray]:
    """Flows with the policy factor, before sanctions, and the share sanctions leave (N, N).

    With `gravity_flows` before it, the plain-numpy reference of `policy_factor_kernel` and
    the first pass of `flows_kernel` (the flows), and of `open_share_kernel` (the share).
    `exp` is the array function it uses (numpy's by default; tests pass `sim.kernels.exp`'s,
    `exp_into`, to compare bit for bit).

    Args:
        base: Flows before policy (`gravity_flows`).
        log_affinity_change: affinity_trade_effect x (affinity - its start).
        bloc_term: `bloc_trade_term`.
        shift: Log shifts of trade costs (`model.trade_shift`, Greater Eurasia).
        sanctions: Sanctions intensity (N, N) in [0, 1], row imposer.
        exp: The exponential of arrays.

    Returns:
        base x exp(log_affinity_change + bloc_term + shift), and 1 - max(S_ij, S_ji): an
        embargo cuts the flows both ways, whoever imposes it.
    """
    flows = base * exp(policy_exponent(log_affinity_change, bloc_term, shift))
    return flows, 1.0 - np.maximum(sanctions, sanctions.T)


@njit(cache=True, nogil=True)
def policy_factor_kernel(
    affinity, affinity_start, affinity_effect, same_bloc, same_bloc_start, bloc_effect, shift, out
):  # fmt: skip
    """The policy factor, exp of `policy_exponent`, into `out` (N, N), in one pass over the rows.

    The exponent of pair (i, j) is affinity_effect x (affinity - affinity_start) +
    bloc_effect x (same_bloc - same_bloc_start) (`bloc_trade_term`) + shift, with the
    reference's operations in the same order (so the same bits); its exp is
    `sim.kernels.exp`, in the same loop, over row slices indexed from 0, which LLVM
    vectorises (from another start it cannot prove the index non-negative, and does not).
    The exponent is symmetric in the model, but computing the exp of one triangle and
    copying it to the other is slower (the copy walks columns: 87 us against 84 at N = 193,
    3.7 ms against 2.0 at N = 1000).
    """
    n = out.shape[0]
    for i in range(n):
        a, a0, s, s0, h, factor = (
            affinity[i], affinity_start[i], same_bloc[i], same_bloc_start[i], shift[i], out[i]
        )  # fmt: skip
        for j in range(n):
            factor[j] = exp(
                (a[j] - a0[j]) * affinity_effect + (s[j] - s0[j]) * bloc_effect + h[j]
            )  # fmt: skip


@njit(cache=True, nogil=True)
def open_share_kernel(sanctions, open_share):
    """The share of each flow that sanctions leave, 1 - max(S_ij, S_ji), into `open_share`.

    The second result of `policy_flows` with S = `sanctions` clipped to [0, 1]; the clipped
    values are written back into `sanctions`. Sanctions are few: one pass over the rows fills
    `open_share` with 1 (the share of a pair that neither side sanctions) and finds the rows
    with a nonzero entry; only their nonzero entries (and the transposed pairs) are computed.
    """
    n = sanctions.shape[0]
    rows = np.empty(n, dtype=np.int64)
    count = 0
    for i in range(n):
        nonzero = 0
        for j in range(n):
            open_share[i, j] = 1.0
            nonzero += sanctions[i, j] != 0.0
        if nonzero:
            rows[count] = i
            count += 1
    for r in range(count):
        i = rows[r]
        for j in range(n):
            s_ij = sanctions[i, j]
            if s_ij != 0.0:
                s_ij = min(max(s_ij, 0.0), 1.0)
                s_ji = min(max(sanctions[j, i], 0.0), 1.0)
                sanctions[i, j] = s_ij
                open_share[i, j] = open_share[j, i] = 1.0 - max(s_ij, s_ji)


def divert(flows: np.ndarray, open_share: np.ndarray, diversion: float) -> np.ndarray:
    """Cut flows (in place) by sanctions and re-route part of what is cut (trade diversion).

    Each flow keeps `open_share` of itself. Of the trade a country loses, its exports and its
    imports, a share `diversion` goes to its other partners in proportion to what they still
    trade with it, weighted again by the pair's openness (a partner that also sanctions it
    takes less): the exporter re-routes lost exports, the importer re-sources lost imports
    (as in structural gravity, where higher trade costs with some partners lower a country's
    multilateral resistance and raise its trade with the others; Anderson & van Wincoop
    2003). A flow touching no sanctioned pair is not moved unless a partner has lost trade.

    The plain-numpy reference of `flows_kernel`'s diversion.

    Args:
        flows: (N, N) flows before sanctions; overwritten with the flows after them.
        open_share: (N, N) share of each flow that sanctions leave, in [0, 1].
        diversion: Share of lost trade re-routed, in [0, 1].

    Returns:
        `flows`.
    """
    lost = flows * (1.0 - open_share)
    flows *= open_share
    if diversion == 0.0 or not lost.any():
        return flows
    weight = flows * open_share
    rates = []
    for axis in (1, 0):  # exporters' lost exports, then importers' lost imports
        total = weight.sum(axis=axis)
        rate = np.divide(lost.sum(axis=axis), total, out=np.zeros_like(total), where=total > 0)
        rates.append(diversion * rate)
    # flows += weight * (exporter's rate + importer's rate), in one pass over the matrix
    np.add.outer(rates[0], rates[1], out=lost)
    lost *= weight
    flows += lost
    return flows


@njit(cache=True, nogil=True)
def flows_kernel(
    resistance, exporter, importer, open_share, diversion, gdp, flows, two_way, ratio
):  # fmt: skip
    """The flows after policy and sanctions, their two-way sums and the ratio of the gains.

    On entry `flows` holds the policy factor (exp of `policy_exponent`). Does the work of
    `gravity_flows`, `policy_flows` (flows), `divert`, X + X^T and `gains_from_trade`'s
    lambda / lambda_0, with the same operations in the same order, so the same bits: sums over
    a column are taken row by row, as numpy's sum over axis 0, sums over a row by
    `sim.kernels.planned_sum`, as numpy's over axis 1.

    Writes `flows` (X, in place), `two_way` (X + X^T) and `ratio` (the domestic-spending
    share with the policy factor over that without it, (N,)).

    Passes over the rows: the flows before sanctions and the lost trade and diversion weights
    summed both ways (with the imports without the policy factor); then, unless no trade is
    lost or none is diverted (when the diversion adds exactly 0 to every flow), the diverted
    trade added, with the imports; then X + X^T, tile by tile (`upper_tiles`).
    """
    n = flows.shape[0]
    imports_without_policy, imports = np.zeros(n), np.zeros(n)
    lost_in, weight_in = np.zeros(n), np.zeros(n)
    lost_out, weight_out = np.empty(n), np.empty(n)
    lost_row, weight_row = np.empty(n), np.empty(n)
    plan, rows = pairwise_plan(n)
    sums = np.empty(rows)
    any_lost = 0
    for i in range(n):
        for j in range(n):
            base = resistance[i, j] * exporter[i] * importer[j]
            imports_without_policy[j] += base
            flow, keep = base * flows[i, j], open_share[i, j]
            lost = flow * (1.0 - keep)
            flow = flow * keep
            flows[i, j] = flow
            weight = flow * keep
            any_lost += lost != 0.0
            lost_row[j], weight_row[j] = lost, weight
            lost_in[j] += lost
            weight_in[j] += weight
        lost_out[i] = planned_sum(lost_row, 0, plan, rows, sums)
        weight_out[i] = planned_sum(weight_row, 0, plan, rows, sums)
    if diversion != 0.0 and any_lost:
        rate_out, rate_in = np.zeros(n), np.zeros(n)
        for i in range(n):
            if weight_out[i] > 0:
                rate_out[i] = diversion * (lost_out[i] / weight_out[i])
            if weight_in[i] > 0:
                rate_in[i] = diversion * (lost_in[i] / weight_in[i])
        for i in range(n):
            for j in range(n):
                flow = flows[i, j]
                flow = flow + (rate_out[i] + rate_in[j]) * (flow * open_share[i, j])
                flows[i, j] = flow
                imports[j] += flow
    else:
        for i in range(n):
            for j in range(n):
                imports[j] += flows[i, j]
    tiles = upper_tiles(n)
    for t in range(len(tiles)):
        for i in range(tiles[t, 0], tiles[t, 1]):
            for j in range(max(tiles[t, 2], i), tiles[t, 3]):
                two_way[i, j] = two_way[j, i] = flows[i, j] + flows[j, i]
    for j in range(n):
        with_policy = 1.0 - min(imports[j] / gdp[j], MAX_IMPORT_SHARE)
        without = 1.0 - min(imports_without_policy[j] / gdp[j], MAX_IMPORT_SHARE)
        ratio[j] = with_policy / without


def bloc_trade_term(model: WorldModel) -> np.ndarray:
    """The log change of flows from pairs that came to share a bloc or stopped (N, N).

    The bloc relations are refreshed first. The plain-numpy reference of the bloc term that
    `policy_factor_kernel` computes pair by pair (the phase keeps no (N, N) array of it).
    """
    model.refresh_bloc_relations()
    return model.bloc_trade_effect * (model._same_bloc - model._same_bloc_start)


@functools.cache
def _country_effects_table() -> tuple[dict[str, float], dict[str, float]]:
    """Exporter and importer effects by ISO3, read once from `GRAVITY_FILE` (`country_effects`)."""
    estimates = json.loads((resources.files("sim") / "data" / GRAVITY_FILE).read_text())
    effects = estimates["country_effects"]
    return dict(effects["exporter"]), dict(effects["importer"])


def country_effects(iso3: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exporter and importer effects of structural gravity (log points) for ISO3 codes.

    Estimated with PPML on COW trade (`scripts/estimate_gravity.py`, `sim/data/gravity.md`,
    Country effects): they go with the `ppml_country_effects` coefficients
    (`Gravity.estimated`), flows being multiplied by exp(exporter_i + importer_j).
    Normalised so that their 2014-GDP-weighted means are zero; UN members without trade data
    carry their UN subregion's median. Codes not in the table (not UN members) get 0.

    Args:
        iso3: ISO3 codes (any shape).

    Returns:
        `(exporter, importer)`, float arrays of the shape of `iso3`.
    """
    exporter, importer = _country_effects_table()
    codes = np.asarray(iso3)
    flat = [str(code) for code in codes.ravel()]
    return (
        np.array([exporter.get(code, 0.0) for code in flat], dtype=float).reshape(codes.shape),
        np.array([importer.get(code, 0.0) for code in flat], dtype=float).reshape(codes.shape),
    )
