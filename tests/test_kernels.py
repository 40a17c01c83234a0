"""The compiled kernels against their plain-numpy references (sim.kernels, trade, diplomacy).

Each kernel must give its reference's numbers to 1e-12 relative, on symmetric inputs (as in
the model, where a kernel computes each pair's exp once) and on asymmetric ones (where it
must not), at sizes that are not multiples of the tile.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import WorldModel, diplomacy, trade
from sim.kernels import TILE, upper_tiles

SIZES = (1, 5, TILE, TILE + 7, 3 * TILE + 1)


def symmetric(rng, n, low=-1.0, high=1.0):
    a = rng.uniform(low, high, (n, n))
    return (a + a.T) / 2


def matrices(rng, n, sym):
    """Affinity-like (N, N) inputs: symmetric or not."""
    return symmetric(rng, n) if sym else rng.uniform(-1.0, 1.0, (n, n))


@pytest.mark.parametrize("n", SIZES)
def test_the_tiles_cover_every_pair_once(n):
    seen = np.zeros((n, n), dtype=int)
    for i0, i1, j0, j1 in upper_tiles(n):
        for i in range(i0, i1):
            for j in range(max(j0, i), j1):
                seen[i, j] += 1
                if j != i:
                    seen[j, i] += 1
    assert (seen == 1).all()


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("sym", [True, False])
def test_policy_flows_kernel_is_gravity_then_policy(n, sym):
    rng = np.random.default_rng(n)
    gravity = trade.Gravity.estimated()
    resistance = rng.uniform(0, 1e-3, (n, n))
    np.fill_diagonal(resistance, 0.0)
    gdp = rng.uniform(1e9, 1e13, n)
    affinity, start = matrices(rng, n, sym), matrices(rng, n, sym)
    bloc, shift = 0.2 * matrices(rng, n, sym), 0.1 * matrices(rng, n, sym)
    sanctions = rng.uniform(-0.2, 1.3, (n, n)) * (rng.random((n, n)) < 0.3)  # some out of range
    clipped = np.clip(sanctions, 0.0, 1.0)
    base = trade.gravity_flows(resistance, gdp, gravity)
    ref_flows, ref_open = trade.policy_flows(base, 0.5 * (affinity - start), bloc, shift, clipped)

    exporter, importer = trade.gdp_scales(gdp, gravity)
    flows, open_share, imports0 = np.empty((n, n)), np.empty((n, n)), np.zeros(n)
    trade.policy_flows_kernel(
        resistance, exporter, importer, affinity, start, 0.5, bloc, shift, sanctions,
        flows, open_share, imports0, sanctions,
    )  # fmt: skip
    np.testing.assert_allclose(flows, ref_flows, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(open_share, ref_open)
    np.testing.assert_array_equal(sanctions, clipped)  # clipped in place
    np.testing.assert_allclose(imports0, base.sum(axis=0), rtol=1e-12, atol=0)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("diversion", [0.0, 2 / 3, 1.0])
def test_divert_kernel_is_divert(n, diversion):
    rng = np.random.default_rng(n + 1)
    flows = rng.uniform(0, 1e9, (n, n))
    np.fill_diagonal(flows, 0.0)
    open_share = np.where(rng.random((n, n)) < 0.2, rng.uniform(0, 1, (n, n)), 1.0)
    if n > 1:
        open_share[0, :] = 0.0  # an exporter cut off entirely: no weight left to divert to
    reference = trade.divert(flows.copy(), open_share, diversion)
    out, two_way, imports = flows.copy(), np.empty((n, n)), np.zeros(n)
    trade.divert_kernel(out, open_share, diversion, two_way, imports)
    np.testing.assert_allclose(out, reference, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(two_way, out + out.T)
    np.testing.assert_allclose(imports, reference.sum(axis=0), rtol=1e-12, atol=0)


@pytest.mark.parametrize("n", SIZES)
def test_pairwise_threat_kernel_is_pairwise_threat(n):
    rng = np.random.default_rng(n + 2)
    capability = rng.uniform(0, 1, n)
    capability[0] = 0.0  # a zero total on the diagonal
    near = rng.uniform(0, 1, (n, n))
    affinity = matrices(rng, n, False)
    rivalry = (rng.random((n, n)) < 0.1).astype(float)
    out = np.empty((n, n))
    diplomacy.pairwise_threat_kernel(capability, near, affinity, rivalry, out)
    reference = diplomacy.pairwise_threat(capability, near, affinity, rivalry)
    np.testing.assert_allclose(out, reference, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("sym", [True, False])
def test_the_affinity_kernels_are_affinity_target_and_its_drift(n, sym):
    rng = np.random.default_rng(n + 3)
    base, blocs = matrices(rng, n, sym), np.sign(matrices(rng, n, True)).round()
    slow = diplomacy.affinity_slow_terms(base, blocs)
    gdp = rng.uniform(1e9, 1e13, n)
    two_way = symmetric(rng, n, 0, 1e11)
    threats = rng.uniform(0, 1, (n, 3))
    sanctions = rng.uniform(0, 1, (n, n)) * (rng.random((n, n)) < 0.1)
    seats = np.arange(min(n, 4))
    agreement = symmetric(rng, len(seats))
    np.fill_diagonal(agreement, 0.0)
    concert = (np.arange(min(n, 2)), 0.7)
    reference = diplomacy.affinity_target(
        base,
        blocs,
        diplomacy.trade_interdependence(two_way, gdp),
        diplomacy.common_threat(threats),
        (seats, agreement),
        sanctions,
        concert,
    )
    target = np.empty((n, n))
    diplomacy.affinity_terms_kernel(slow, two_way, gdp, threats, sanctions, target)
    diplomacy.add_block_terms(target, (seats, agreement), None, concert)
    bounded = diplomacy.soft_bound(target.copy())
    np.fill_diagonal(bounded, 1.0)
    np.testing.assert_allclose(bounded, reference, rtol=1e-12, atol=1e-15)

    affinity = matrices(rng, n, sym)
    expected = affinity + (reference - affinity) * 0.1
    diplomacy.drift_kernel(target, affinity, 0.1)
    np.testing.assert_allclose(affinity, expected, rtol=1e-12, atol=1e-15)


def test_the_model_affinity_target_before_its_bound_bounds_to_the_target():
    model = WorldModel(rng=3)
    model.step()
    bounded = diplomacy.model_affinity_target(model)
    raw = diplomacy.model_affinity_target(model, bound=False)
    again = diplomacy.soft_bound(raw)
    np.fill_diagonal(again, 1.0)
    np.testing.assert_array_equal(bounded, again)
    np.testing.assert_allclose(bounded, bounded.T, rtol=0, atol=1e-15)
