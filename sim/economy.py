"""The economy phase: growth with convergence, military spending and composite capability.

Growth follows conditional beta-convergence (Barro & Sala-i-Martin 1992, "Convergence",
Journal of Political Economy 100(2): about 2% of the gap closed a year): each country's
log GDP grows by its observed trend, slowed as its income per head rises above where it
started, so that fast growers do not compound their 2015-2024 pace for decades. The
composite capability index follows the logic of the Correlates of War CINC score (Singer,
Bremer & Stuckey 1972): the mean of a country's shares of world totals, here of GDP,
military spending and population, with configurable weights.

Entry point: `grow_economy(model)`, the economy phase of the year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model import WorldModel


def log_growth(
    trend_growth: np.ndarray,
    gdp_per_capita: np.ndarray,
    gdp_per_capita_start: np.ndarray,
    convergence_rate: float,
) -> np.ndarray:
    """Deterministic log-growth of GDP for one year, before trade gains and shocks.

    Args:
        trend_growth: Trend real growth, fraction per year (N,).
        gdp_per_capita: Current GDP per head (N,).
        gdp_per_capita_start: GDP per head in the model's first year (N,).
        convergence_rate: Beta, the share of the log income gap that growth closes a year.

    Returns:
        ln(GDP_t / GDP_{t-1}) without shocks: ln(1 + trend) - beta * ln(y_t / y_0).
    """
    return np.log1p(trend_growth) - convergence_rate * np.log(gdp_per_capita / gdp_per_capita_start)


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


def grow_economy(model: WorldModel) -> None:
    """The economy phase: growth, then the military burden, then capability.

    GDP grows by trend with convergence, plus the change of the gains from trade since they
    were last applied, plus a shock; population grows at its own rate. The military burden
    moves part of the way toward what last year's perceived threat calls for; capability is
    recomputed from the new GDP, military spending and population.
    """
    gdp_per_capita = model._gdp_usd / model._population
    growth = log_growth(
        model._trend_growth, gdp_per_capita, model._gdp_per_capita_start, model.convergence_rate
    )
    growth += model._gains_level - model._gains_applied
    model._gains_applied = model._gains_level.copy()
    growth += model.shock_sd * model.rng.standard_normal(model.n)
    model._gdp_usd *= np.exp(growth)
    model._growth = np.expm1(growth)
    model._population *= 1.0 + model._population_growth

    target = model._milex_base * (1.0 + model.milex_threat_response * model.max_threat())
    model._milex_share = adjust_toward(model._milex_share, target, model.milex_adjustment_rate)
    model._milex_usd = model._milex_share * model._gdp_usd
    update_capability(model)


def update_capability(model: WorldModel) -> None:
    """Recompute the composite capability index from GDP, military spending and population."""
    model._capability = capability_index(
        model._gdp_usd, model._milex_usd, model._population, model.capability_weights
    )
