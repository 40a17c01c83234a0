"""Tests for sim.estimation (PPML by IRLS and OLS, with HC0 standard errors)."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.estimation import FitResult, ols, ppml  # noqa: E402

TRUE_B = np.array([0.5, 0.9, -0.8, 0.4])


def _design(rng, n):
    """Constant, a continuous regressor, a log-distance-like regressor and a dummy."""
    return np.column_stack(
        [
            np.ones(n),
            rng.normal(0.0, 1.0, n),
            rng.normal(0.0, 0.7, n),
            (rng.random(n) < 0.3).astype(float),
        ]
    )


def test_ppml_recovers_poisson_coefficients():
    rng = np.random.default_rng(20240601)
    n = 20_000
    X = _design(rng, n)
    y = rng.poisson(np.exp(X @ TRUE_B)).astype(float)
    res = ppml(y, X)
    assert isinstance(res, FitResult)
    assert res.converged and res.iterations < 30
    # With n = 20,000 the robust SEs are about 0.005-0.01; 5 SE is a safe but real test.
    assert np.all(np.abs(res.coef - TRUE_B) < 5 * res.se)
    assert np.all(res.se < 0.02)
    np.testing.assert_allclose(res.coef, TRUE_B, atol=0.05)


def test_ppml_consistent_under_gamma_noise_where_log_ols_is_biased():
    # y = exp(Xb) * eta, E[eta]=1, with variance of eta depending on X (heteroskedastic).
    # PPML stays consistent; OLS on logs is biased for the slope on x1 (Santos Silva &
    # Tenreyro 2006, section III).
    rng = np.random.default_rng(7)
    n = 40_000
    X = _design(rng, n)
    mu = np.exp(X @ TRUE_B)
    shape = 1.0 / (0.2 + 0.8 * np.exp(X[:, 1]))  # var(eta) = 1/shape rises with x1
    eta = rng.gamma(shape, 1.0 / shape)
    y = mu * eta
    res = ppml(y, X)
    assert res.converged
    # SEs here are about 0.01-0.03 (heavy-tailed noise); allow 5 SE.
    assert np.all(np.abs(res.coef - TRUE_B) < 5 * res.se)
    pos = y > 0
    res_ols = ols(np.log(y[pos]), X[pos])
    assert abs(res_ols.coef[1] - TRUE_B[1]) > 10 * res_ols.se[1]


def test_ppml_equals_ols_on_logs_for_exact_log_linear_data():
    # When y = exp(Xb) exactly, both estimators recover b exactly.
    rng = np.random.default_rng(3)
    X = _design(rng, 500)
    y = np.exp(X @ TRUE_B)
    np.testing.assert_allclose(ppml(y, X).coef, TRUE_B, atol=1e-8)
    res = ols(np.log(y), X)
    np.testing.assert_allclose(res.coef, TRUE_B, atol=1e-10)
    assert res.r2 == pytest.approx(1.0)


def test_ppml_single_dummy_gives_log_group_means():
    # PPML first-order conditions: sum(y - mu) = 0 in each group, so with a constant and
    # one dummy, exp(b0) = mean(y | d=0) and exp(b0 + b1) = mean(y | d=1), zeros included.
    rng = np.random.default_rng(11)
    n = 301
    d = (rng.random(n) < 0.4).astype(float)
    y = rng.poisson(3.0 + 4.0 * d).astype(float)
    y[:5] = 0.0
    X = np.column_stack([np.ones(n), d])
    res = ppml(y, X)
    m0, m1 = y[d == 0].mean(), y[d == 1].mean()
    np.testing.assert_allclose(res.coef, [np.log(m0), np.log(m1) - np.log(m0)], rtol=1e-9)
    np.testing.assert_allclose(res.fitted.sum(), y.sum(), rtol=1e-9)


def test_ppml_constant_only_and_hc0_se_closed_form():
    # Constant only: b = log(mean y); HC0 variance = sum((y-m)^2) / (n m)^2.
    y = np.array([0.0, 1.0, 2.0, 5.0, 7.0])
    X = np.ones((5, 1))
    res = ppml(y, X)
    m = y.mean()
    assert res.coef[0] == pytest.approx(np.log(m), rel=1e-12)
    assert res.se[0] == pytest.approx(np.sqrt(np.sum((y - m) ** 2)) / (5 * m), rel=1e-9)


def test_ppml_is_scale_equivariant():
    rng = np.random.default_rng(5)
    X = _design(rng, 2000)
    y = rng.poisson(np.exp(X @ TRUE_B)).astype(float)
    a, b = ppml(y, X), ppml(y * 1e9, X)  # e.g. US$ millions -> US$ thousands of billions
    np.testing.assert_allclose(b.coef[1:], a.coef[1:], rtol=1e-7)
    assert b.coef[0] - a.coef[0] == pytest.approx(np.log(1e9), rel=1e-9)
    np.testing.assert_allclose(b.se[1:], a.se[1:], rtol=1e-6)


def test_ols_matches_normal_equations_and_r2():
    rng = np.random.default_rng(1)
    X = _design(rng, 200)
    y = X @ TRUE_B + rng.normal(0, 1, 200)
    res = ols(y, X)
    np.testing.assert_allclose(res.coef, np.linalg.solve(X.T @ X, X.T @ y), rtol=1e-10)
    e = y - X @ res.coef
    assert res.r2 == pytest.approx(1 - e @ e / np.sum((y - y.mean()) ** 2))
    xtx_inv = np.linalg.inv(X.T @ X)
    hc0 = xtx_inv @ (X.T * e**2) @ X @ xtx_inv
    np.testing.assert_allclose(res.se, np.sqrt(np.diag(hc0)), rtol=1e-10)


@pytest.mark.parametrize("fn", [ppml, ols])
def test_shape_mismatch_raises(fn):
    with pytest.raises(ValueError, match="shape mismatch"):
        fn(np.ones(10), np.ones((9, 2)))


@pytest.mark.parametrize("fn", [ppml, ols])
def test_nan_raises(fn):
    X = np.column_stack([np.ones(10), np.arange(10.0)])
    y = np.ones(10)
    y[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        fn(y, X)
    X[2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        fn(np.ones(10), X)


def test_ppml_negative_y_raises():
    X = np.column_stack([np.ones(10), np.arange(10.0)])
    y = np.ones(10)
    y[0] = -1.0
    with pytest.raises(ValueError, match="negative"):
        ppml(y, X)


def test_collinear_and_bad_dims_raise():
    X = np.column_stack([np.ones(10), np.arange(10.0), 2 * np.arange(10.0)])
    with pytest.raises(ValueError, match="rank deficient"):
        ppml(np.ones(10), X)
    with pytest.raises(ValueError, match="two-dimensional"):
        ols(np.ones(10), np.ones(10))
    with pytest.raises(ValueError, match="one-dimensional"):
        ols(np.ones((10, 1)), np.ones((10, 1)))
