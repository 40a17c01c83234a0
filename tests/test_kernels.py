"""The compiled kernels against their plain-numpy references (sim.kernels, diplomacy).

`sim.kernels.exp` is tested in `tests/test_fast_exp.py`.

The trade and finance phases' kernels are tested in `tests/test_trade_speed.py`.
The affinity drift's kernels are tested in `tests/test_diplomacy_speed.py`.

Each kernel must give its reference's numbers to 1e-12 relative, on symmetric inputs (as in
the model, where a kernel computes each pair's exp once) and on asymmetric ones (where it
must not), at sizes that are not multiples of the tile.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import WorldModel, diplomacy
from sim.kernels import (
    TILE,
    all_finite,
    bloc_members,
    exp,
    exp_into,
    pairwise_plan,
    pairwise_sum,
    planned_sum,
    upper_tiles,
)

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


def test_the_model_affinity_target_before_its_bound_bounds_to_the_target():
    model = WorldModel(rng=3)
    model.step()
    bounded = diplomacy.model_affinity_target(model)
    raw = diplomacy.model_affinity_target(model, bound=False)
    again = diplomacy.soft_bound(raw, exp=lambda values, out: exp_into(values, out))
    np.fill_diagonal(again, 1.0)
    np.testing.assert_array_equal(bounded, again)  # the kernel's exp: the same bits
    np.testing.assert_allclose(bounded, bounded.T, rtol=0, atol=1e-15)


@pytest.mark.parametrize("n", (*range(0, 300), 1000, 1001, 4097))
def test_planned_sum_is_numpys_sum_bit_for_bit(n):
    rng = np.random.default_rng(n)
    values = rng.standard_normal(n + 3) * 10.0 ** rng.uniform(-8, 8, n + 3)
    plan, rows = pairwise_plan(n)
    total = planned_sum(values, 3, plan, rows, np.empty(max(rows, 1)))
    assert total == values[3:].sum()
    assert pairwise_sum(values[3:]) == values[3:].sum()


def test_pairwise_sums_of_rows_are_numpys_row_sums():
    matrix = np.random.default_rng(1).standard_normal((193, 193)) * 1e3
    rows = np.array([pairwise_sum(row) for row in matrix])
    assert rows.tobytes() == matrix.sum(axis=1).tobytes()


@pytest.mark.parametrize("n_blocs", [0, 1, 4])
def test_bloc_members_lists_each_blocs_members_in_country_order(n_blocs):
    rng = np.random.default_rng(n_blocs)
    bloc = rng.integers(-1, n_blocs, 50) if n_blocs else np.full(50, -1)
    start, order = bloc_members(bloc, n_blocs)
    assert start.dtype == order.dtype == np.int64 and len(start) == n_blocs + 1
    for b in range(n_blocs):
        assert order[start[b] : start[b + 1]].tolist() == np.flatnonzero(bloc == b).tolist()
    assert len(order) == (bloc >= 0).sum()


@pytest.mark.parametrize("n", (0, 1, 7, 64, 193 * 193))
def test_all_finite_is_numpys_isfinite_all(n):
    rng = np.random.default_rng(n)
    values = rng.normal(0.0, 1e300, n) * rng.choice([1.0, 1e-300, 0.0], n)
    assert all_finite(values) and np.isfinite(values).all()
    for bad in (np.nan, np.inf, -np.inf):
        for at in {0, n // 2, n - 1} if n else set():
            spoiled = values.copy()
            spoiled[at] = bad
            assert not all_finite(spoiled), (bad, at)
    # finite values whose sum overflows are finite (a sum-based check would stop the run)
    assert all_finite(np.full(4, 1e308))


#: exp's edges: NaN, infinities, signed zeros, the overflow and subnormal ends.
EXP_EDGES = (
    float("nan"), float("inf"), -float("inf"), 0.0, -0.0, 1.0, 709.7, 709.8, -708.5, -745.1,
    -745.3, -0.5,
)  # fmt: skip


def test_the_kernels_run_as_plain_python_without_the_compiler():
    """NUMBA_DISABLE_JIT=1 (for debugging) runs every kernel as Python: the same numbers."""
    import json
    import os
    import subprocess
    import sys

    from sim import synthetic_world

    script = (
        "import json; from sim import WorldModel, synthetic_world\n"
        "m = WorldModel(synthetic_world(20, seed=3), rng=1)\n"
        "m.step(); m.step()\n"
        "print(json.dumps(m.datacollector.get_model_vars_dataframe().to_dict('list')))\n"
        "from sim.kernels import exp\n"
        f"print(json.dumps([repr(float(exp(float(x)))) for x in {list(map(repr, EXP_EDGES))}]))\n"
    )
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    outcomes, exps = done.stdout.splitlines()
    plain = json.loads(outcomes)
    assert json.loads(exps) == [repr(float(exp(x))) for x in EXP_EDGES]  # NaN, inf, overflow
    model = WorldModel(synthetic_world(20, seed=3), rng=1)
    model.step()
    model.step()
    compiled = json.loads(
        json.dumps(model.datacollector.get_model_vars_dataframe().to_dict("list"))
    )
    assert model.council is not None and plain == compiled
