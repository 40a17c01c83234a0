"""The trade and finance phases' compiled kernels against their plain-numpy references.

The trade phase's kernels do the references' operations in the same order (numpy's pairwise
order for the sums over a row), so they must give the same bits as the references computed
with the kernels' exp and log (`sim.kernels.exp`, the C library's log), and agree to 1e-12
relative with the references in plain numpy (whose exp and log may differ in the last bits);
the finance kernel sums the partners' trade in its own order, so it must agree to 1e-12
relative. Sizes include ones that are not multiples of 8 or of the tile, and ones above 128,
where numpy splits a row's sum in halves.
"""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from sim import WorldModel, finance, kernels, synthetic_world, trade

SIZES = (1, 5, 8, 39, 129, 200, 300)


def kernel_exp(values):
    """`sim.kernels.exp` of an array: the exp of the kernels, for bit-for-bit references."""
    return kernels.exp_into(values, np.empty_like(values))


@njit(cache=True)
def _libm_log_into(values, out):
    for k in range(values.size):
        out.flat[k] = np.log(values.flat[k])
    return out


def libm_log(values):
    """The C library's log of an array (numba's `np.log` in a loop, as the kernels')."""
    return _libm_log_into(np.ascontiguousarray(values), np.empty(values.shape))


def matrices(rng, n, sym):
    a = rng.uniform(-1.0, 1.0, (n, n))
    return (a + a.T) / 2 if sym else a


def sparse_sanctions(rng, n, density=0.05):
    """Sanctions as in the model, few and some out of [0, 1] (the kernel clips them)."""
    return rng.uniform(-0.2, 1.3, (n, n)) * (rng.random((n, n)) < density)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("sym", ["symmetric", "asymmetric", "one pair"])
def test_policy_factor_kernel_is_exp_of_policy_exponent(n, sym):
    rng = np.random.default_rng(n)
    affinity, start = matrices(rng, n, sym != "asymmetric"), matrices(rng, n, True)
    same = (matrices(rng, n, True) > 0.3).astype(float)
    same_start = (matrices(rng, n, True) > 0.3).astype(float)
    shift = 0.1 * matrices(rng, n, True)
    if sym == "one pair" and n > 1:
        affinity[n - 1, n // 3] += 0.25  # one asymmetric pair in a symmetric world
    exponent = trade.policy_exponent(0.5 * (affinity - start), 0.2 * (same - same_start), shift)
    out = np.full((n, n), np.nan)
    trade.policy_factor_kernel(affinity, start, 0.5, same, same_start, 0.2, shift, out)
    np.testing.assert_array_equal(out, kernel_exp(exponent))
    np.testing.assert_allclose(out, np.exp(exponent), rtol=1e-12, atol=0)


def test_bloc_trade_term_is_the_kernels_bloc_term():
    model = WorldModel(rng=0)
    model.bloc[:10] = -1  # ten countries leave their blocs
    term = trade.bloc_trade_term(model)
    assert term.any()
    np.testing.assert_array_equal(term, 0.2 * (model._same_bloc - model._same_bloc_start))
    zeros = np.zeros((model.n, model.n))
    out = np.empty_like(zeros)
    trade.policy_factor_kernel(
        zeros, zeros, 0.5, model._same_bloc, model._same_bloc_start, 0.2, zeros, out
    )
    np.testing.assert_array_equal(out, kernel_exp(term))


@pytest.mark.parametrize("n", (2, 5, 39, 200))
@pytest.mark.parametrize("effects", [True, False])
def test_bilateral_resistance_is_its_reference(n, effects):
    rng = np.random.default_rng(n + 7)
    distance = rng.uniform(0.5, 20_000.0, (n, n))
    distance = (distance + distance.T) / 2
    np.fill_diagonal(distance, 0.0)
    contiguity, language = rng.random((2, n, n)) < 0.2
    country = tuple(rng.normal(0.0, 1.0, (2, n))) if effects else None
    gravity = trade.Gravity.estimated()
    out = trade.bilateral_resistance(gravity, distance, contiguity, language, country)
    ours = trade.bilateral_resistance_reference(
        gravity, distance, contiguity, language, country, log=libm_log, exp=kernel_exp
    )
    np.testing.assert_array_equal(out, ours)
    numpy = trade.bilateral_resistance_reference(gravity, distance, contiguity, language, country)
    np.testing.assert_allclose(out, numpy, rtol=1e-12, atol=0)
    assert (np.diag(out) == 0).all() and (out[~np.eye(n, dtype=bool)] > 0).all()


def test_bilateral_resistance_of_world_2024_is_its_numpy_reference():
    model = WorldModel(rng=0)
    world = model.world
    dyads = (world.distance_km, world.contiguity, world.common_language)
    effects = trade.country_effects(model.iso3)
    reference = trade.bilateral_resistance_reference(model.gravity, *dyads, effects)
    np.testing.assert_allclose(model._resistance, reference, rtol=1e-12, atol=0)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("density", [0.0, 0.05, 1.0])
def test_open_share_kernel_is_policy_flows_open_share(n, density):
    rng = np.random.default_rng(n + 1)
    sanctions = sparse_sanctions(rng, n, density)
    clipped = np.clip(sanctions, 0.0, 1.0)
    _, reference = trade.policy_flows(np.ones((n, n)), *np.zeros((3, n, n)), clipped)
    open_share = np.full((n, n), np.nan)
    trade.open_share_kernel(sanctions, open_share)
    np.testing.assert_array_equal(open_share, reference)
    np.testing.assert_array_equal(sanctions, clipped)  # clipped in place


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("exposed", [0, 1, 3, "all"])
def test_secondary_cut_kernel_is_apply_secondary_cut(n, exposed):
    rng = np.random.default_rng(n + 2)
    count = n if exposed == "all" else min(exposed, n)
    us = np.zeros(n)
    us[rng.choice(n, count, replace=False)] = rng.uniform(0.1, 1.0, count)
    share = rng.uniform(0.0, 1.0, n)
    open_share = np.where(rng.random((n, n)) < 0.2, rng.uniform(0, 1, (n, n)), 1.0)
    reference = finance.apply_secondary_cut(open_share.copy(), us, share, 0.3)
    finance.secondary_cut_kernel(open_share, us, share, 0.3)
    np.testing.assert_array_equal(open_share, reference)


def flows_reference(resistance, gdp, gravity, factor, open_share, diversion):
    """The flows, X + X^T and lambda / lambda_0 by the plain-numpy references."""
    base = trade.gravity_flows(resistance, gdp, gravity)
    flows = base * factor  # `policy_flows` with its exp already taken
    trade.divert(flows, open_share, diversion)
    with_policy = trade.domestic_share(flows.sum(axis=0), gdp)
    return flows, flows + flows.T, with_policy / trade.domestic_share(base.sum(axis=0), gdp)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("diversion", [0.0, 2 / 3, 1.0])
@pytest.mark.parametrize("sanctioned", [True, False])
def test_flows_kernel_is_gravity_policy_and_divert(n, diversion, sanctioned):
    rng = np.random.default_rng(n + 3)
    gravity = trade.Gravity.estimated()
    resistance = rng.uniform(0, 1e-3, (n, n))
    np.fill_diagonal(resistance, 0.0)
    gdp = rng.uniform(1e9, 1e13, n)
    factor = np.exp(0.3 * matrices(rng, n, False))
    open_share = np.ones((n, n))
    if sanctioned:
        open_share = np.where(rng.random((n, n)) < 0.2, rng.uniform(0, 1, (n, n)), 1.0)
        open_share[0, :] = 0.0  # an exporter cut off entirely: no weight left to divert to
    ref_flows, ref_two_way, ref_ratio = flows_reference(
        resistance, gdp, gravity, factor, open_share, diversion
    )
    exporter, importer = trade.gdp_scales(gdp, gravity)
    flows, two_way, ratio = factor.copy(), np.empty((n, n)), np.empty(n)
    trade.flows_kernel(
        resistance, exporter, importer, open_share, diversion, gdp, flows, two_way, ratio
    )
    np.testing.assert_array_equal(flows, ref_flows)
    np.testing.assert_array_equal(two_way, ref_two_way)
    np.testing.assert_array_equal(ratio, ref_ratio)


def trade_reference(model, exp=np.exp):
    """The trade phase's flows, X + X^T, gains and clipped sanctions in plain numpy."""
    sanctions = np.clip(model.sanctions, 0.0, 1.0)
    base = trade.gravity_flows(model._resistance, model._gdp_usd, model.gravity)
    change = model.affinity_trade_effect * (model.affinity - model._affinity_start)
    flows, open_share = trade.policy_flows(
        base, change, trade.bloc_trade_term(model), model.trade_shift, sanctions, exp
    )
    us = sanctions[model.row["USA"]] if "USA" in model.row else np.zeros(model.n)
    finance.apply_secondary_cut(open_share, us, model.non_dollar_share, model.dollar_sanction_reach)
    trade.divert(flows, open_share, model.trade_diversion)
    gains = trade.gains_from_trade(
        flows.sum(axis=0), base.sum(axis=0), model._gdp_usd, model.trade_elasticity
    )
    return flows, flows + flows.T, gains, sanctions


@pytest.mark.parametrize("world", ["world_2024", "synthetic"])
def test_update_trade_is_the_references(world):
    model = WorldModel(synthetic_world(300, seed=0) if world == "synthetic" else world, rng=0)
    rng = np.random.default_rng(4)
    model.affinity += 0.05 * matrices(rng, model.n, True)  # a policy factor away from 1
    model.sanctions += sparse_sanctions(rng, model.n, 0.01)  # more sanctions, some > 1
    model.bloc[:7] = -1  # some leave their blocs: a bloc term
    if "USA" in model.row:
        model.sanctions[model.row["USA"], :5] = 0.7  # under US sanctions: the dollar's cut
    flows, two_way, gains, sanctions = trade_reference(model, kernel_exp)
    numpy_flows, numpy_two_way, numpy_gains, _ = trade_reference(model)
    trade.update_trade(model)
    np.testing.assert_array_equal(model._trade_usd, flows)  # with the kernels' exp: the bits
    np.testing.assert_array_equal(model._two_way_trade, two_way)
    np.testing.assert_array_equal(model._gains_level, gains)
    np.testing.assert_array_equal(model.sanctions, sanctions)
    np.testing.assert_allclose(model._trade_usd, numpy_flows, rtol=1e-12, atol=0)
    np.testing.assert_allclose(model._two_way_trade, numpy_two_way, rtol=1e-12, atol=0)
    np.testing.assert_allclose(model._gains_level, numpy_gains, rtol=1e-12, atol=1e-300)
    assert (model._gains_level != 0).any()


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("imposers", [0, 1, 4])
def test_settle_kernel_is_the_finance_references(n, imposers):
    rng = np.random.default_rng(n + 5)
    sanctions = np.clip(sparse_sanctions(rng, n, 0.2), 0.0, 1.0)
    rows = rng.choice(n, min(imposers, n), replace=False).astype(np.int64)
    two_way = rng.uniform(0, 1e9, (n, n))
    two_way[0] = 0.0  # a country without trade: no partner share
    share = rng.uniform(0.0, 1.0, n)
    exposure = sanctions[rows].max(axis=0) if len(rows) else np.zeros(n)
    target = finance.target_share(exposure, finance.partner_share(two_way, share))
    reference = share + 0.2 * (target - share)
    out = finance.settle_kernel(sanctions, rows, two_way, share, finance.sanctions_weight(), 0.2)
    np.testing.assert_allclose(out, reference, rtol=1e-12, atol=0)


def test_settle_finance_is_settle_reference():
    model = WorldModel(rng=0)
    model.sanctions[model.row["USA"], model.row["CHN"]] = 0.5  # exposure from the issuer
    before, reference = model.non_dollar_share.copy(), finance.settle_reference(model)
    finance.settle_finance(model)
    np.testing.assert_allclose(model.non_dollar_share, reference, rtol=1e-12, atol=0)
    assert not np.allclose(model.non_dollar_share, before)  # the shares moved
