"""Tests for sim.estimation (PPML by IRLS and OLS, with HC0 standard errors) and for the
gravity estimation with country effects (scripts/estimate_gravity.py, sim.trade loaders)."""

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
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


# --- Structural gravity: exporter and importer effects (scripts/estimate_gravity.py) -------

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import estimate_gravity as eg  # noqa: E402

from sim import trade  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO.parent / "shared" / "data"
GRAVITY_JSON = REPO / "sim" / "data" / "gravity_cow_2010_2014.json"


def _panel(rng, n_countries, years, scale=1.0):
    """All ordered pairs i != j over ``years``: levels, dense regressors, true mean."""
    i, j = np.meshgrid(np.arange(n_countries), np.arange(n_countries), indexing="ij")
    off = i != j
    i, j = i[off], j[off]
    exporter = np.tile(i, len(years))
    importer = np.tile(j, len(years))
    t = np.repeat(np.arange(len(years)), len(i))
    log_gdp = rng.normal(0.0, 1.0, n_countries)[:, None] + rng.normal(
        0.0, 0.3, (n_countries, len(years))
    )
    dist = rng.normal(0.0, 0.7, (n_countries, n_countries))
    dist = (dist + dist.T) / 2
    Z = np.column_stack(
        [
            log_gdp[exporter, t],
            log_gdp[importer, t],
            dist[exporter, importer],
            *[(t == k).astype(float) for k in range(1, len(years))],
        ]
    )
    o = rng.normal(0.0, 0.8, n_countries)
    m = rng.normal(0.0, 0.8, n_countries)
    beta = np.array([0.7, 0.6, -0.9, *np.linspace(0.05, 0.2, len(years) - 1)])
    mu = scale * np.exp(Z @ beta + o[exporter] + m[importer])
    return exporter, importer, Z, beta, o, m, mu


def test_ppml_two_way_equals_dense_ppml_with_dummies():
    # The block-sparse Newton solver must give exactly the estimator with explicit dummies.
    rng = np.random.default_rng(42)
    exporter, importer, Z, _, _, _, mu = _panel(rng, 9, range(3), scale=50.0)
    y = rng.poisson(mu).astype(float)
    fit = eg.ppml_two_way(y, Z, exporter, importer)
    assert fit.converged
    n = 9
    dummies_e = (exporter[:, None] == np.arange(n)).astype(float)
    dummies_i = (importer[:, None] == np.arange(1, n)).astype(float)
    dense = ppml(y, np.column_stack([Z, dummies_e, dummies_i]))
    k = Z.shape[1]
    np.testing.assert_allclose(fit.coef, dense.coef[:k], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(fit.exporter, dense.coef[k : k + n], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(fit.importer[1:], dense.coef[k + n :], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(fit.fitted, dense.fitted, rtol=1e-8)
    # HC0 standard errors agree with the dense sandwich too.
    cov = eg.robust_covariances(
        eg.two_way_influence(y, Z, exporter, importer, fit), exporter, importer
    )
    np.testing.assert_allclose(np.sqrt(np.diag(cov["hc0"])), dense.se[:k], rtol=1e-6)


def test_ppml_two_way_recovers_known_effects_and_matches_totals():
    rng = np.random.default_rng(2015)
    exporter, importer, Z, beta, o, m, mu = _panel(rng, 40, range(5), scale=200.0)
    y = rng.poisson(mu).astype(float)
    fit = eg.ppml_two_way(y, Z, exporter, importer)
    assert fit.converged and fit.iterations < 30
    np.testing.assert_allclose(fit.coef, beta, atol=0.03)
    # Effects are identified up to o + c, m - c: compare after removing the means.
    np.testing.assert_allclose(fit.exporter - fit.exporter.mean(), o - o.mean(), atol=0.05)
    np.testing.assert_allclose(fit.importer - fit.importer.mean(), m - m.mean(), atol=0.05)
    # Fally (2015): fitted exporter and importer totals equal the observed ones.
    for levels in (exporter, importer):
        np.testing.assert_allclose(
            np.bincount(levels, fit.fitted), np.bincount(levels, y), rtol=1e-8
        )


def test_ppml_two_way_rejects_zero_total_level():
    rng = np.random.default_rng(1)
    exporter, importer, Z, _, _, _, mu = _panel(rng, 6, range(2), scale=20.0)
    y = rng.poisson(mu).astype(float)
    y[exporter == 3] = 0.0
    with pytest.raises(ValueError, match="zero observed total"):
        eg.ppml_two_way(y, Z, exporter, importer)


def test_foc_effects_solve_the_first_order_conditions():
    # Effects given the rest of the linear predictor = PPML with the effects alone.
    rng = np.random.default_rng(9)
    exporter, importer, Z, beta, _, _, mu = _panel(rng, 25, [2014], scale=30.0)
    y = rng.poisson(mu).astype(float)
    base = np.exp(Z @ beta * 0.8)  # any given coefficients
    o, m, sweeps, gap = eg.foc_effects(base, y, exporter, importer)
    assert gap < 1e-12 and sweeps < 1000 and m[0] == 0.0
    fitted = base * np.exp(o[exporter] + m[importer])
    for levels in (exporter, importer):
        np.testing.assert_allclose(np.bincount(levels, fitted), np.bincount(levels, y), rtol=1e-11)
    fe = eg.ppml_two_way(y, np.empty((len(y), 0)), exporter, importer, offset=np.log(base))
    np.testing.assert_allclose(fitted, fe.fitted, rtol=1e-8)
    y[importer == 4] = 0.0
    with pytest.raises(ValueError, match="positive observed total"):
        eg.foc_effects(base, y, exporter, importer)


def test_normalise_and_impute_effects():
    o, m = np.array([1.0, 2.0, 3.0]), np.array([0.5, -0.5, 1.0])
    w = np.array([1.0, 1.0, 2.0])
    o2, m2, shift = eg.normalise_effects(o, m, w)
    assert np.sum(w * o2) == pytest.approx(0.0, abs=1e-12)
    assert np.sum(w * m2) == pytest.approx(0.0, abs=1e-12)
    # every flow unchanged: o_i + m_j = o2_i + m2_j + shift
    np.testing.assert_allclose(o[:, None] + m[None, :], o2[:, None] + m2[None, :] + shift)
    countries = pd.DataFrame(
        {"iso3": ["AAA", "BBB", "CCC", "DDD", "EEE"], "un_subregion": ["X", "X", "X", "X", "Y"]}
    )
    full, imputed = eg.impute_effects({"AAA": 1.0, "BBB": 2.0, "CCC": 4.0}, countries)
    assert full["DDD"] == 2.0 and full["EEE"] == 0.0 and set(imputed) == {"DDD", "EEE"}


def test_shipped_country_effects_and_loader():
    estimates = json.loads(GRAVITY_JSON.read_text())
    effects = estimates["country_effects"]
    assert effects["specification"] == "ppml_country_effects"
    members = pd.read_csv(REPO / "sim" / "data" / "world_2024" / "countries.csv")["iso3"]
    assert set(effects["exporter"]) == set(effects["importer"]) == set(members)
    assert set(estimates["ppml"]["coefficients"]) == set(eg.COEF_NAMES)  # old block kept
    exp_fx, imp_fx = trade.country_effects(np.array(["CHN", "USA", "ZZZ", "TWN"]))
    assert np.all(np.isfinite(exp_fx)) and np.all(np.isfinite(imp_fx))
    assert exp_fx[0] == effects["exporter"]["CHN"] and imp_fx[1] == effects["importer"]["USA"]
    assert exp_fx[0] != 0.0 and imp_fx[0] != 0.0
    assert exp_fx[2] == imp_fx[2] == exp_fx[3] == imp_fx[3] == 0.0  # unknown codes
    grid = np.array([["CHN", "USA"], ["DEU", "XXX"]])
    assert trade.country_effects(grid)[0].shape == (2, 2)
    assert trade._country_effects_table.cache_info().currsize == 1  # read once
    g = trade.Gravity.estimated()  # the model's specification
    coef = estimates["ppml_country_effects"]["coefficients"]
    assert g.constant == coef["constant"] and g.distance == coef["log_distance_km"]


@pytest.fixture(scope="module")
def sample_2014():
    if not (SOURCES / "cow_dyadic_trade_v4_2000_2014.csv.gz").exists():
        pytest.skip("source data (../shared/data) not available")
    d, _, _ = eg.build_sample(SOURCES, {})
    return d[d["year"] == 2014]


def _totals_gap(d14, coef, exporter, importer):
    """Largest relative gap of fitted to observed 2014 exporter and importer totals."""
    fitted = np.exp(
        coef["constant"]
        + eg.linear_predictor(d14, coef)
        + d14["exp_iso"].map(exporter).to_numpy(float)
        + d14["imp_iso"].map(importer).to_numpy(float)
    )
    gaps = []
    for col in ("exp_iso", "imp_iso"):
        obs = d14.groupby(col)["flow_usd"].sum()
        fit = pd.Series(fitted, index=d14.index).groupby(d14[col]).sum()
        gaps.append(float(np.max(np.abs(fit / obs - 1.0))))
    return max(gaps)


def test_shipped_effects_reproduce_2014_country_totals(sample_2014):
    # The first-order conditions: with the shipped (rounded) coefficients and effects every
    # sample country's fitted 2014 exports and imports equal the observed ones.
    estimates = json.loads(GRAVITY_JSON.read_text())
    fx = estimates["country_effects"]
    coef = estimates["ppml_country_effects"]["coefficients"]
    assert _totals_gap(sample_2014, coef, fx["exporter"], fx["importer"]) < 5e-4
    # The same check fails without the effects (pooled model: every country equally open).
    zero = dict.fromkeys(fx["exporter"], 0.0)
    assert _totals_gap(sample_2014, estimates["ppml"]["coefficients"], zero, zero) > 0.5
    # Normalisation: 2014-GDP-weighted means are zero over the sample countries.
    gdp = sample_2014.groupby("exp_iso")["gdp_exp"].first()
    for side in ("exporter", "importer"):
        values = pd.Series(fx[side]).reindex(gdp.index)
        assert abs(float(np.sum(gdp * values) / gdp.sum())) < 1e-5
