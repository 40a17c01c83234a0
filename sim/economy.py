"""The economy phase: growth, price levels, military spending and composite capability.

Growth of income per head has three parts (all in logs, a year):

* the world's mean growth, the median of the countries' start-year trends per head;
* beta-convergence relative to that mean path: a country whose income per head stands
  `x` log points above the world's median (at the start, then moving with the path) grows
  `beta * x` more slowly (unconditional convergence, about 0.8% of the gap a year in the
  2000s: Kremer, Willis & You 2021, "Converging to Convergence", NBER Macroeconomics Annual
  36; Patel, Sandefur & Subramanian 2021);
* the rest of its start-year trend, which fades by `growth_persistence` a year: growth
  rates barely persist from one decade to the next (correlations of 0.1-0.3 across
  decades: Easterly, Kremer, Pritchett & Summers 1993, "Good policy or good luck?", Journal
  of Monetary Economics 32(3); "regression to the mean is the empirically most salient
  feature of economic growth": Pritchett & Summers 2014, NBER WP 20573).

GDP is in US dollars, so it also moves with each country's price level relative to the
United States: richer countries have higher price levels (the Penn effect, Balassa 1964,
Samuelson 1964; the slope of log price level on log income per head is estimated from the
start year's cross-section), and a price level away from the country's own mean of the
preceding decade returns to it with a half-life of `price_half_life` years (3-5 years for
real exchange rates: Rogoff 1996, "The Purchasing Power Parity Puzzle", Journal of Economic
Literature 34(2)). Growth and the convergence gap are real, at purchasing-power parity;
only the dollar value moves with prices.

The composite capability index follows the logic of the Correlates of War CINC score
(Singer, Bremer & Stuckey 1972): the mean of a country's shares of world totals, here of
GDP, military spending and population, with configurable weights.

Entry points: `grow_economy(model)`, the economy phase of the year; `start_economy(...)`
computes what the growth rule keeps from the first year (called when the model is built).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.kernels import pairwise_sum

if TYPE_CHECKING:
    from sim.model import WorldModel

#: Fewest countries with an observed price level for the price-income line to be estimated;
#: with fewer (a synthetic or user world without the column) price levels stay fixed.
MIN_PRICED = 10


@dataclass(frozen=True)
class PriceLine:
    """Log price level = `intercept + slope * x`.

    x is the log income per head (PPP) relative to the world's median; the line is estimated
    by least squares over the countries with a price level.
    """

    intercept: float = 0.0
    slope: float = 0.0


def fit_price_line(log_price: np.ndarray, relative_income: np.ndarray) -> PriceLine:
    """Least-squares line of log price level on relative log income (NaN prices left out).

    Args:
        log_price: Log price level relative to the United States, NaN where unknown (N,).
        relative_income: Log income per head at PPP relative to the world's median (N,).

    Returns:
        The line; flat (zero slope, zero intercept) with fewer than `MIN_PRICED` prices.
    """
    known = np.isfinite(log_price)
    if known.sum() < MIN_PRICED:
        return PriceLine()
    slope, intercept = np.polyfit(relative_income[known], log_price[known], 1)
    return PriceLine(float(intercept), float(slope))


@dataclass
class EconomyStart:
    """What the growth rule keeps from the first year (arrays N,).

    Attributes:
        mean_growth: The world's mean log growth of income per head (the median trend).
        median_log_income: The start year's median log income per head at PPP.
        residual: The part of each start-year trend that convergence does not explain.
        price_line: The price-income line.
        price_gap: Each country's log price level minus the line, at the start.
        price_gap_mean: The same for its mean price level of the preceding decade (the gap
            the start gap returns to; the start gap where the mean is unknown).
        numeraire: The row whose currency GDP is measured in: the largest economy at the
            start (the United States in the shipped worlds); its log price level keeps its
            start value, so the others' move relative to it.
        numeraire_log_price: That start value (0 for the United States, the PPP base).
    """

    mean_growth: float
    median_log_income: float
    residual: np.ndarray
    price_line: PriceLine
    price_gap: np.ndarray
    price_gap_mean: np.ndarray
    numeraire: int
    numeraire_log_price: float


def start_economy(
    gdp_usd: np.ndarray,
    population: np.ndarray,
    trend_growth: np.ndarray,
    population_growth: np.ndarray,
    price_level: np.ndarray,
    price_level_mean: np.ndarray,
    convergence_rate: float,
) -> tuple[EconomyStart, np.ndarray]:
    """The growth rule's start: mean growth, residual trends, price line and gaps.

    Countries without a price level are put on the line (log price solved from their dollar
    income: log p = (a + b * (log y_usd - m)) / (1 + b)).

    Args:
        gdp_usd: GDP in US$ (N,).
        population: People (N,).
        trend_growth: Start-year trend of real GDP growth, fraction a year (N,).
        population_growth: Population growth, fraction a year (N,).
        price_level: Price level relative to the United States, NaN where unknown (N,).
        price_level_mean: Its mean over the preceding decade, NaN where unknown (N,).
        convergence_rate: Beta, the share of the relative income gap closed a year.

    Returns:
        The start and the log price level of every country (N,).
    """
    log_price = np.log(price_level)
    with np.errstate(over="ignore", divide="ignore"):
        log_usd = np.log(gdp_usd / population)
    if not np.isfinite(log_usd).all():
        rows = np.flatnonzero(~np.isfinite(log_usd)).tolist()
        raise ValueError(f"gdp_usd / population: not a finite income per head at rows {rows}")
    known = np.isfinite(log_price)
    log_ppp = log_usd - np.where(known, log_price, 0.0)
    median = float(np.median(log_ppp[known])) if known.any() else float(np.median(log_usd))
    line = fit_price_line(log_price, log_ppp - median)
    a, b = line.intercept, line.slope
    log_price = np.where(known, log_price, (a + b * (log_usd - median)) / (1.0 + b))
    log_ppp = log_usd - log_price
    relative = log_ppp - median
    trend_per_head = np.log1p(trend_growth) - np.log1p(population_growth)
    mean_growth = float(np.median(trend_per_head))
    residual = trend_per_head - mean_growth + convergence_rate * relative
    gap = log_price - (a + b * relative)
    mean_gap = np.where(
        known & np.isfinite(price_level_mean), np.log(price_level_mean) - log_price, 0.0
    )
    top = int(np.argmax(gdp_usd))
    start = EconomyStart(
        mean_growth, median, residual, line, gap, gap + mean_gap, top, float(log_price[top])
    )
    return start, log_price


def adjust_toward(current: np.ndarray, target: np.ndarray, rate: float) -> np.ndarray:
    """Partial adjustment: move `rate` of the way from `current` to `target`.

    Args:
        current: Present values.
        target: Desired values.
        rate: Fraction of the gap closed this year, in [0, 1].

    Returns:
        The adjusted values.
    """
    return current + rate * (target - current)


def capability_index(
    gdp_usd: np.ndarray,
    milex_usd: np.ndarray,
    population: np.ndarray,
    weights: tuple[float, float, float],
) -> np.ndarray:
    """Composite capability: weighted mean of shares of world GDP, military spending, people.

    Args:
        gdp_usd: GDP (N,).
        milex_usd: Military expenditure (N,).
        population: Population (N,).
        weights: Non-negative weights of the three shares (normalised here).

    Returns:
        Each country's capability (N,), non-negative and summing to one.
    """
    w = np.asarray(weights, dtype=float)
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError(f"capability weights: expected non-negative with a positive sum, got {w}")
    w = w / w.sum()
    index = w[0] * gdp_usd / gdp_usd.sum() + w[2] * population / population.sum()
    total_milex = milex_usd.sum()
    if total_milex > 0:
        index = index + w[1] * milex_usd / total_milex
    else:  # a world without armies: the military weight is spread over the other shares
        index = index / (w[0] + w[2]) if w[0] + w[2] > 0 else np.full_like(index, 1 / len(index))
    return index


def relative_income(model: WorldModel, years: int) -> np.ndarray:
    """Log real income per head at PPP relative to the world's mean path (N,).

    Args:
        model: The model.
        years: Years after the start at which the path is taken.
    """
    start = model._economy_start
    log_ppp = np.log(model._gdp_usd / model._population) - model._log_price
    return log_ppp - start.median_log_income - start.mean_growth * years


def grow_economy(model: WorldModel) -> None:
    """The economy phase: growth, prices, then the military burden, then capability.

    Real GDP grows by the growth rule (mean growth, convergence, the fading residual trend)
    plus population growth, plus the change of the gains from trade since they were last
    applied, plus a shock; population grows at its own rate. The price level follows the
    new relative income along the price-income line, its start gap fading; GDP in US$ moves
    with both. The military burden moves part of the way toward what last year's perceived
    threat calls for; capability is recomputed from the new GDP, military spending and
    population.

    The arithmetic is two compiled passes (`growth_kernel`, `burden_kernel`, the same
    numbers as `growth_reference` and `burden_reference`); the logs and exps stay numpy's.
    """
    start = model._economy_start
    years = model.year - model.start_year  # 1 in the first simulated year
    shocks = model.rng.standard_normal(model.n)
    growth, log_price, change = growth_kernel(
        np.log(model._gdp_usd / model._population),
        model._log_price,
        model._gains_level,
        model._gains_applied,
        shocks,
        model._population,
        model._population_growth,
        np.log1p(model._population_growth),
        start.residual,
        start.price_gap,
        start.price_gap_mean,
        growth_terms(model, years),
    )
    model._gains_applied = model._gains_level.copy()
    model._gdp_usd *= np.exp(change)
    model._log_price = log_price
    model._growth = np.expm1(growth)
    model._milex_share, model._milex_usd, model._capability = burden_kernel(
        model._gdp_usd,
        model._population,
        model._milex_base,
        model._milex_share,
        model.bloc_threat,
        model.power_threat,
        model.milex_threat_response,
        model.milex_adjustment_rate,
        np.asarray(model.capability_weights, dtype=float),
    )


def growth_terms(model: WorldModel, years: int) -> np.ndarray:
    """The growth rule's scalars in the `years`-th simulated year, as `growth_kernel` reads them.

    (11,): the start's median log income, the mean growth, the years before this one, beta,
    the residual's fade this year, the shock's s.d., the price line's intercept and slope,
    the price gap's fade after `years`, the numeraire's row and its log price.
    """
    start, half_life = model._economy_start, model.price_half_life
    line = start.price_line
    return np.array(
        [
            start.median_log_income,
            start.mean_growth,
            years - 1,
            model.convergence_rate,
            model.growth_persistence ** (years - 1),
            model.shock_sd,
            line.intercept,
            line.slope,
            0.5 ** (years / half_life) if np.isfinite(half_life) else 1.0,
            start.numeraire,
            start.numeraire_log_price,
        ]
    )


def growth_reference(
    log_income,
    log_price,
    gains_level,
    gains_applied,
    shocks,
    population,
    population_growth,
    log1p_growth,
    residual,
    price_gap,
    price_gap_mean,
    terms,
):
    """The growth rule in numpy (population in place); `growth_kernel` the same numbers.

    Real log growth of income per head in the `years`-th simulated year is mean growth -
    beta x relative income + residual x persistence^(years - 1), plus the change of the gains
    from trade and the shock; relative income is log income per head at PPP relative to the
    world's mean path (`relative_income`). The log price level is the price line at the new
    relative income plus a gap that moves from its start value to the country's mean gap
    with the price half-life (an infinite half-life keeps the start gap), relative to the
    numeraire's, whose own stays at its start value.

    Args:
        log_income: (N,) log GDP in US$ per head, this year's start.
        log_price: (N,) log price level, this year's start.
        gains_level: (N,) the gains from trade now.
        gains_applied: (N,) the gains from trade as last applied.
        shocks: (N,) standard normal draws.
        population: (N,) people, grown here in place.
        population_growth: (N,) its growth rate.
        log1p_growth: (N,) log1p of the growth rate.
        residual: (N,) the start's residual trend (`EconomyStart`).
        price_gap: (N,) the start's price gap.
        price_gap_mean: (N,) the gap it returns to.
        terms: `growth_terms`.

    Returns:
        growth (real log growth, N), the new log price level (N), and the change of log GDP
        in US$ (N).
    """
    median, mean_growth, before_years, beta, fade, shock_sd = terms[:6]
    intercept, slope, price_fade, numeraire, numeraire_log_price = terms[6:]
    before = log_income - log_price - median - mean_growth * before_years
    per_head = mean_growth - beta * before + residual * fade
    per_head += gains_level - gains_applied
    per_head += shock_sd * shocks
    growth = per_head + log1p_growth
    population *= 1.0 + population_growth
    after = before + per_head - mean_growth  # relative to the path's new year
    gap = price_gap_mean + (price_gap - price_gap_mean) * price_fade
    level = intercept + slope * after + gap
    new_log_price = level - level[int(numeraire)] + numeraire_log_price
    return growth, new_log_price, growth + new_log_price - log_price


@njit(cache=True, nogil=True)
def growth_kernel(
    log_income,
    log_price,
    gains_level,
    gains_applied,
    shocks,
    population,
    population_growth,
    log1p_growth,
    residual,
    price_gap,
    price_gap_mean,
    terms,
):
    """`growth_reference` country by country (the same operations in the same order)."""
    median, mean_growth, before_years, beta, fade, shock_sd = terms[:6]
    intercept, slope, price_fade, numeraire, numeraire_log_price = terms[6:]
    n = len(log_income)
    growth, level, change = np.empty(n), np.empty(n), np.empty(n)
    for i in range(n):
        before = log_income[i] - log_price[i] - median - mean_growth * before_years
        per_head = mean_growth - beta * before + residual[i] * fade
        per_head += gains_level[i] - gains_applied[i]
        per_head += shock_sd * shocks[i]
        growth[i] = per_head + log1p_growth[i]
        population[i] *= 1.0 + population_growth[i]
        after = before + per_head - mean_growth
        gap = price_gap_mean[i] + (price_gap[i] - price_gap_mean[i]) * price_fade
        level[i] = intercept + slope * after + gap
    base = level[int(numeraire)]
    for i in range(n):
        level[i] = level[i] - base + numeraire_log_price
        change[i] = growth[i] + level[i] - log_price[i]
    return growth, level, change


def burden_reference(
    gdp, population, base, share, bloc_threat, power_threat, response, rate, weights
):
    """The military burden and capability in numpy; `burden_kernel` computes the same.

    Args:
        gdp: (N,) this year's GDP.
        population: (N,) this year's population.
        base: (N,) the burden at zero threat.
        share: (N,) last year's burden.
        bloc_threat: (N, B) last year's threat perceived from each bloc.
        power_threat: (N, P) and from each great power.
        response: `milex_threat_response`.
        rate: `milex_adjustment_rate`.
        weights: (3,) the capability weights (checked when the model was built).

    Returns:
        The burden, military spending and capability (N,) each.
    """
    threats = np.hstack([bloc_threat, power_threat])
    threat = threats.max(axis=1) if threats.shape[1] else np.zeros(len(gdp))
    target = base * (1.0 + response * threat)
    share = adjust_toward(share, target, rate)
    milex = share * gdp
    return share, milex, capability_index(gdp, milex, population, weights)


@njit(cache=True, nogil=True)
def burden_kernel(gdp, population, base, share, bloc_threat, power_threat, response, rate, weights):
    """`burden_reference` country by country; the sums are numpy's (`pairwise_sum`)."""
    n = len(gdp)
    new_share, milex = np.empty(n), np.empty(n)
    for i in range(n):
        # the largest threat (NaN if any, as numpy's max); 0 without blocs or powers
        threat = -np.inf if bloc_threat.shape[1] + power_threat.shape[1] else 0.0
        for x in bloc_threat[i]:
            if x > threat or x != x:
                threat = x
        for x in power_threat[i]:
            if x > threat or x != x:
                threat = x
        target = base[i] * (1.0 + response * threat)
        new_share[i] = share[i] + rate * (target - share[i])
        milex[i] = new_share[i] * gdp[i]
    w = weights / (0.0 + weights[0] + weights[1] + weights[2])
    gdp_total, people = pairwise_sum(gdp), pairwise_sum(population)
    total_milex = pairwise_sum(milex)
    index = np.empty(n)
    for i in range(n):
        index[i] = w[0] * gdp[i] / gdp_total + w[2] * population[i] / people
    if total_milex > 0:
        for i in range(n):
            index[i] = index[i] + w[1] * milex[i] / total_milex
    elif w[0] + w[2] > 0:
        for i in range(n):
            index[i] = index[i] / (w[0] + w[2])
    else:
        index[:] = 1 / n
    return new_share, milex, index


def update_capability(model: WorldModel) -> None:
    """Recompute the composite capability index from GDP, military spending and population."""
    model._capability = capability_index(
        model._gdp_usd, model._milex_usd, model._population, model.capability_weights
    )
