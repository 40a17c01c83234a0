"""Estimate the model's gravity equation of bilateral trade on COW dyadic trade, 2010-2014.

The model computes each year's bilateral trade flow (US$, exporter i -> importer j) as::

    X_ij = exp(constant + b_exp ln GDP_i + b_imp ln GDP_j + b_dist ln dist_ij
               + b_contig contig_ij + b_lang comlang_ij)

This script estimates those coefficients by Poisson pseudo-maximum likelihood (PPML, the
main estimate, zero flows included; Santos Silva & Tenreyro 2006) and, for comparison, by
OLS on the log of positive flows, with year fixed effects (2010 is the base year; the
model's ``constant`` is the intercept plus the 2014 effect, i.e. the 2014 level).

Sample construction (all counts are written to the output):

1. COW Dyadic Trade v4.0 (non-directed dyads), years 2010-2014. ``flow1`` is imports of
   ``ccode1`` from ``ccode2`` (so exporter = ccode2, importer = ccode1) and ``flow2`` the
   reverse; each dyad-year gives two directed observations. Flows are US$ millions and
   are converted to US$. Missing flows (blank, or the COW missing code -9) and missing
   country codes (-1 / -9) are dropped.
2. COW codes are mapped to ISO3 with ``countries_2024.csv`` (UN members only); non-members
   (Taiwan, Kosovo) are dropped.
3. GDP: World Bank current US$ of the same year for exporter and importer; observations
   without it are dropped.
4. Distance: great-circle km between capitals (``sim.geo.distance_matrix_km``).
5. Contiguity and common official language: CEPII GeoDist ``contig``, ``comlang_off``
   (2011 codes recoded ROM->ROU, ZAR->COD, TMP->TLS, YUG->SRB); dyads that GeoDist lacks
   are dropped.

Country effects (structural gravity; Anderson & van Wincoop 2003, Fally 2015), written to
the same JSON and reported under "Country effects" in ``gravity.md``:

* ``ppml_two_way_fe``: PPML with year effects and time-invariant exporter and importer
  effects; the GDP elasticities are then identified by within-country GDP variation only.
* ``ppml_country_effects`` (the one the model should use): GDP elasticities restricted to
  the pooled PPML ones, distance, contiguity and language estimated with the two-way effects
  on the panel, then the effects set by their PPML first-order conditions on 2014 alone
  (fitted 2014 exports and imports of every country equal to the observed ones), normalised
  to GDP-weighted means of zero; members without data get their UN subregion's median.
  The effects are in ``country_effects`` (read by ``sim.trade.country_effects``).
* ``pooled_with_effects``: sensitivity, all pooled coefficients and 2014 effects.
* ``validation``: partners trading more with China than with the US, world trade, shares
  and in-sample fit, at 2014 and latest GDP.

Outputs ``<out>/gravity_cow_2010_2014.json`` (coefficients, robust standard errors, R^2,
sample counts, predicted world trade, citations; rounded to 6 significant digits, sorted
keys, so reruns are byte-identical) and ``<out>/gravity.md`` (the report).

Usage::

    python scripts/estimate_gravity.py --sources ../shared/data --out sim/data

Relative paths are resolved against the repository root (the parent of ``scripts/``).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from sim.estimation import ols, ppml  # noqa: E402
from sim.geo import distance_matrix_km  # noqa: E402

YEARS = (2010, 2011, 2012, 2013, 2014)
CEPII_RECODE = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "YUG": "SRB"}
COW_MISSING_CODES = (-1, -9)
COEF_NAMES = (
    "constant",
    "log_gdp_exporter",
    "log_gdp_importer",
    "log_distance_km",
    "contiguity",
    "common_language",
)

CITATIONS = {
    "cow_trade": (
        "Barbieri, Katherine and Omar Keshk (2016), Correlates of War Project Trade Data Set "
        "Codebook, Version 4.0; Barbieri, Katherine, Omar M. G. Keshk and Brian Pollins "
        '(2009), "Trading Data: Evaluating our Assumptions and Coding Rules", Conflict '
        "Management and Peace Science 26(5): 471-491."
    ),
    "gdp": "World Bank, World Development Indicators, NY.GDP.MKTP.CD (current US$), CC BY 4.0.",
    "cepii": (
        "Mayer, Thierry and Soledad Zignago (2011), \"Notes on CEPII's distances measures: "
        'the GeoDist Database", CEPII Working Paper 2011-25.'
    ),
    "capitals": "GeoNames capitals (CC BY 4.0), via countries_2024.csv.",
    "ppml": (
        'Santos Silva, J. M. C. and Silvana Tenreyro (2006), "The Log of Gravity", Review '
        "of Economics and Statistics 88(4): 641-658."
    ),
    "consensus": (
        'Head, Keith and Thierry Mayer (2014), "Gravity Equations: Workhorse, Toolkit, and '
        'Cookbook", in G. Gopinath, E. Helpman and K. Rogoff (eds.), Handbook of '
        "International Economics vol. 4, Elsevier, ch. 3, pp. 131-195."
    ),
}


def sig(x, digits=6):
    """Round a number to ``digits`` significant digits (None for NaN).

    Args:
        x: A number.
        digits: Significant digits.

    Returns:
        A float (or int if ``x`` is an int), or None when ``x`` is not finite.
    """
    if isinstance(x, (int, np.integer)):
        return int(x)
    x = float(x)
    if not np.isfinite(x):
        return None
    return float(f"{x:.{digits}g}")


def load_directed_flows(path, counts):
    """Read COW dyadic trade 2010-2014 and return directed observations in US$.

    Args:
        path: Path of ``cow_dyadic_trade_v4_2000_2014.csv.gz``.
        counts: Dict updated in place with sample-construction counts.

    Returns:
        DataFrame with columns ``exp_cow, imp_cow, year, flow_usd``.
    """
    raw = pd.read_csv(path)
    raw = raw[raw["year"].isin(YEARS)]
    counts["cow_dyad_years"] = len(raw)
    # flow1: imports of ccode1 from ccode2 -> exporter ccode2, importer ccode1.
    a = pd.DataFrame(
        {
            "exp_cow": raw["ccode2"],
            "imp_cow": raw["ccode1"],
            "year": raw["year"],
            "flow": raw["flow1"],
        }
    )
    b = pd.DataFrame(
        {
            "exp_cow": raw["ccode1"],
            "imp_cow": raw["ccode2"],
            "year": raw["year"],
            "flow": raw["flow2"],
        }
    )
    d = pd.concat([a, b], ignore_index=True)
    counts["directed_obs_raw"] = len(d)
    bad_code = d["exp_cow"].isin(COW_MISSING_CODES) | d["imp_cow"].isin(COW_MISSING_CODES)
    counts["dropped_missing_cow_code"] = int(bad_code.sum())
    d = d[~bad_code]
    missing_flow = d["flow"].isna() | (d["flow"] < 0)  # blank or COW missing code -9
    counts["dropped_missing_flow"] = int(missing_flow.sum())
    d = d[~missing_flow].copy()
    d["flow_usd"] = d["flow"] * 1e6
    return d.drop(columns="flow")


def load_cepii(path):
    """Read CEPII GeoDist contiguity and common official language, recoded to ISO3 2024.

    Args:
        path: Path of ``cepii_geodist_dist.csv.gz``.

    Returns:
        DataFrame with columns ``exp_iso, imp_iso, contig, comlang_off``.
    """
    c = pd.read_csv(path, usecols=["iso_o", "iso_d", "contig", "comlang_off"])
    c["iso_o"] = c["iso_o"].replace(CEPII_RECODE)
    c["iso_d"] = c["iso_d"].replace(CEPII_RECODE)
    return c.rename(columns={"iso_o": "exp_iso", "iso_d": "imp_iso"})


def build_sample(sources, counts):
    """Assemble the directed estimation sample.

    Args:
        sources: Directory with the source files.
        counts: Dict updated in place with sample-construction counts.

    Returns:
        Tuple ``(sample, countries, dist)``: the sample DataFrame, the UN-member table and
        the capital-to-capital distance matrix (km) indexed like ``countries``.
    """
    countries = pd.read_csv(sources / "countries_2024.csv").sort_values("iso3")
    countries = countries.reset_index(drop=True)
    cow_to_iso = dict(zip(countries["cow_code"].astype(int), countries["iso3"], strict=True))

    d = load_directed_flows(sources / "cow_dyadic_trade_v4_2000_2014.csv.gz", counts)
    d["exp_iso"] = d["exp_cow"].map(cow_to_iso)
    d["imp_iso"] = d["imp_cow"].map(cow_to_iso)
    non_un = d["exp_iso"].isna() | d["imp_iso"].isna()
    codes = sorted(
        set(d.loc[d["exp_iso"].isna(), "exp_cow"]) | set(d.loc[d["imp_iso"].isna(), "imp_cow"])
    )
    counts["non_un_cow_codes_dropped"] = [int(x) for x in codes]
    counts["dropped_non_un_member"] = int(non_un.sum())
    d = d[~non_un]
    present = set(d["exp_iso"]) | set(d["imp_iso"])
    counts["un_members_absent_from_cow_2010_2014"] = sorted(set(countries["iso3"]) - present)

    gdp = pd.read_csv(sources / "wb_gdp_current_usd_1960_2023.csv")
    gdp = gdp[gdp["Year"].isin(YEARS)].dropna(subset=["Value"])
    gdp = gdp[gdp["Value"] > 0].set_index(["Country Code", "Year"])["Value"]
    d["gdp_exp"] = gdp.reindex(pd.MultiIndex.from_arrays([d["exp_iso"], d["year"]])).to_numpy()
    d["gdp_imp"] = gdp.reindex(pd.MultiIndex.from_arrays([d["imp_iso"], d["year"]])).to_numpy()
    no_gdp = d["gdp_exp"].isna() | d["gdp_imp"].isna()
    counts["dropped_missing_gdp"] = int(no_gdp.sum())
    lacking = sorted(
        set(
            d.loc[d["gdp_exp"].isna(), "exp_iso"]
            + ":"
            + d.loc[d["gdp_exp"].isna(), "year"].astype(str)
        )
        | set(
            d.loc[d["gdp_imp"].isna(), "imp_iso"]
            + ":"
            + d.loc[d["gdp_imp"].isna(), "year"].astype(str)
        )
    )
    counts["country_years_without_gdp"] = lacking
    d = d[~no_gdp]

    dist = distance_matrix_km(
        countries["capital_lat"].to_numpy(), countries["capital_lon"].to_numpy()
    )
    pos = {iso: k for k, iso in enumerate(countries["iso3"])}
    d["dist_km"] = dist[d["exp_iso"].map(pos).to_numpy(), d["imp_iso"].map(pos).to_numpy()]

    cepii = load_cepii(sources / "cepii_geodist_dist.csv.gz")
    d = d.merge(cepii, on=["exp_iso", "imp_iso"], how="left")
    no_cepii = d["contig"].isna() | d["comlang_off"].isna()
    counts["dropped_missing_cepii"] = int(no_cepii.sum())
    counts["countries_missing_from_cepii"] = sorted(
        (set(d["exp_iso"]) | set(d["imp_iso"])) - set(cepii["exp_iso"])
    )
    d = d[~no_cepii]
    d = d.sort_values(["year", "exp_iso", "imp_iso"]).reset_index(drop=True)
    counts["n_obs"] = len(d)
    counts["n_zero"] = int((d["flow_usd"] == 0).sum())
    counts["n_countries"] = len(set(d["exp_iso"]) | set(d["imp_iso"]))
    return d, countries, dist


def design(d):
    """Design matrix: constant, gravity regressors, year dummies 2011-2014 (base 2010).

    Args:
        d: Sample DataFrame.

    Returns:
        The (n, 10) design matrix.
    """
    cols = [
        np.ones(len(d)),
        np.log(d["gdp_exp"]),
        np.log(d["gdp_imp"]),
        np.log(d["dist_km"]),
        d["contig"],
        d["comlang_off"],
    ]
    cols += [(d["year"] == y).astype(float) for y in YEARS[1:]]
    return np.column_stack(cols).astype(float)


def model_coefficients(res):
    """Map a fit to the model's named coefficients (constant = intercept + 2014 effect).

    Args:
        res: A ``FitResult`` on the :func:`design` matrix.

    Returns:
        Tuple of dicts ``(coef, se)`` keyed by ``COEF_NAMES``. ``se["constant"]`` is
        the intercept's SE only; the caller replaces it with the SE of the sum
        (:func:`constant_se`), which needs the full covariance.
    """
    coef = dict(zip(COEF_NAMES, res.coef[:6], strict=True))
    se = dict(zip(COEF_NAMES, res.se[:6], strict=True))
    coef["constant"] = res.coef[0] + res.coef[-1]
    return coef, se


def predict_matrix(coef, gdp, dist, contig, lang):
    """Model trade matrix (row exporter, column importer), zero diagonal, US$.

    Args:
        coef: Named coefficients.
        gdp: GDP vector, US$.
        dist: Distance matrix, km.
        contig: Contiguity matrix (0/1).
        lang: Common-official-language matrix (0/1).

    Returns:
        The (N, N) predicted flows.
    """
    lg = np.log(gdp)
    with np.errstate(divide="ignore"):
        ld = np.log(dist)
    x = np.exp(
        coef["constant"]
        + coef["log_gdp_exporter"] * lg[:, None]
        + coef["log_gdp_importer"] * lg[None, :]
        + coef["log_distance_km"] * ld
        + coef["contiguity"] * contig
        + coef["common_language"] * lang
    )
    np.fill_diagonal(x, 0.0)
    return x


def pair_matrices(isos, cepii):
    """Contiguity and common-language matrices for ``isos`` (0 where GeoDist lacks a pair).

    Args:
        isos: List of ISO3 codes.
        cepii: GeoDist DataFrame from :func:`load_cepii`.

    Returns:
        Tuple ``(contig, lang, n_missing_pairs)``.
    """
    pos = {iso: k for k, iso in enumerate(isos)}
    c = cepii[cepii["exp_iso"].isin(pos) & cepii["imp_iso"].isin(pos)]
    n = len(isos)
    contig = np.zeros((n, n))
    lang = np.zeros((n, n))
    have = np.zeros((n, n), dtype=bool)
    i = c["exp_iso"].map(pos).to_numpy()
    j = c["imp_iso"].map(pos).to_numpy()
    contig[i, j] = c["contig"].to_numpy()
    lang[i, j] = c["comlang_off"].to_numpy()
    have[i, j] = True
    np.fill_diagonal(have, True)
    return contig, lang, int((~have).sum())


def world_trade(coef, countries, dist, cepii, gdp_col):
    """Predicted total world trade with the model formula over all pairs with GDP.

    Args:
        coef: Named coefficients.
        countries: UN-member table (row order matches ``dist``).
        dist: Capital distance matrix, km.
        cepii: GeoDist DataFrame.
        gdp_col: Series of GDP (US$) aligned with ``countries``.

    Returns:
        Dict with the predicted total (US$), countries used and pairs lacking GeoDist.
    """
    keep = gdp_col.notna().to_numpy() & (gdp_col.fillna(0).to_numpy() > 0)
    isos = countries["iso3"][keep].tolist()
    contig, lang, n_missing = pair_matrices(isos, cepii)
    x = predict_matrix(coef, gdp_col[keep].to_numpy(float), dist[np.ix_(keep, keep)], contig, lang)
    return {
        "predicted_usd": float(x.sum()),
        "n_countries": len(isos),
        "pairs_without_geodist_set_to_0": n_missing,
    }


def constant_se(y, X, res, poisson):
    """Robust SE of intercept + 2014 effect (last column) from the HC0 sandwich.

    Args:
        y: Dependent variable used in the fit.
        X: Design matrix.
        res: The fit.
        poisson: True for PPML (Hessian weights = fitted mean), False for OLS.

    Returns:
        The standard error of ``coef[0] + coef[-1]``.
    """
    w = res.fitted if poisson else np.ones_like(y)
    u = y - res.fitted
    a_inv = np.linalg.inv(X.T @ (w[:, None] * X))
    cov = a_inv @ (X.T @ ((u**2)[:, None] * X)) @ a_inv
    g = np.zeros(X.shape[1])
    g[0] = g[-1] = 1.0
    return float(np.sqrt(g @ cov @ g))


# --- Structural gravity: exporter and importer effects ------------------------------------
#
# PPML with exporter and importer fixed effects (Fally 2015) is solved by Newton / IRLS on
# the full parameter vector, using the sparsity of the dummies: the Hessian X' diag(mu) X is
# assembled from group sums (np.bincount) in O(n k^2) plus an (N_exp x N_imp) cross-table, and
# the (k + N_exp + N_imp - 1)-square system (about 370 here) is solved densely. This is the
# same estimator as `sim.estimation.ppml` on a design with explicit dummy columns (a test
# checks that), about a hundred times faster.


@dataclass(frozen=True)
class TwoWayFit:
    """PPML fit with exporter and importer fixed effects.

    Attributes:
        coef: Coefficients of the dense regressors ``Z``, shape (k,).
        exporter: Exporter effects, shape (n_exp,), in the units of ``y`` (the intercept is
            folded into them).
        importer: Importer effects, shape (n_imp,); ``importer[0] = 0`` (the reference).
        fitted: Fitted means, shape (n,), in the units of ``y``.
        iterations: Newton (IRLS) iterations used.
        converged: Whether the coefficient-change tolerance was met.
    """

    coef: np.ndarray
    exporter: np.ndarray
    importer: np.ndarray
    fitted: np.ndarray
    iterations: int
    converged: bool


def _two_way_hessian(w, Z, exporter, importer, n_exp, n_imp):
    """X' diag(w) X for X = [Z, exporter dummies, importer dummies without level 0].

    Args:
        w: Weights, shape (n,).
        Z: Dense regressors, shape (n, k).
        exporter: Exporter level of each observation, integers in [0, n_exp).
        importer: Importer level of each observation, integers in [0, n_imp).
        n_exp: Number of exporter levels.
        n_imp: Number of importer levels.

    Returns:
        The (k + n_exp + n_imp - 1)-square matrix.
    """
    k = Z.shape[1]
    size = k + n_exp + n_imp - 1
    h = np.zeros((size, size))
    wz = w[:, None] * Z
    h[:k, :k] = Z.T @ wz
    for c in range(k):
        ze = np.bincount(exporter, wz[:, c], n_exp)
        zi = np.bincount(importer, wz[:, c], n_imp)[1:]
        h[c, k : k + n_exp] = h[k : k + n_exp, c] = ze
        h[c, k + n_exp :] = h[k + n_exp :, c] = zi
    e = np.arange(k, k + n_exp)
    i = np.arange(k + n_exp, size)
    h[e, e] = np.bincount(exporter, w, n_exp)
    h[i, i] = np.bincount(importer, w, n_imp)[1:]
    cross = np.bincount(exporter * n_imp + importer, w, n_exp * n_imp).reshape(n_exp, n_imp)
    h[k : k + n_exp, k + n_exp :] = cross[:, 1:]
    h[k + n_exp :, k : k + n_exp] = cross[:, 1:].T
    return h


def _two_way_xtv(v, Z, exporter, importer, n_exp, n_imp):
    """X' v for the two-way design of :func:`_two_way_hessian`."""
    return np.concatenate(
        [Z.T @ v, np.bincount(exporter, v, n_exp), np.bincount(importer, v, n_imp)[1:]]
    )


def _equilibrated(h):
    """Jacobi scaling ``s`` so that ``diag(s) h diag(s)`` has a unit diagonal."""
    return 1.0 / np.sqrt(np.diag(h))


def ppml_two_way(y, Z, exporter, importer, *, offset=None, max_iter=100, tol=1e-10):
    """PPML of ``E[y] = exp(offset + Z b + exporter_i + importer_j)`` by IRLS (Newton).

    The design has no separate intercept: it is folded into the exporter effects, and the
    first importer level is the reference (effect 0). ``Z`` must therefore not contain a
    constant column (nor anything else collinear with the dummies). The start and stopping
    rule are those of :func:`sim.estimation.ppml`. PPML's first-order conditions make the
    fitted total of every exporter and importer level equal the observed one (Fally 2015).

    Args:
        y: Dependent variable (n,), non-negative, finite.
        Z: Dense regressors (n, k); k may be 0.
        exporter: Exporter level of each observation, integers 0..n_exp-1, all present.
        importer: Importer level of each observation, integers 0..n_imp-1, all present.
        offset: Optional known term of the linear predictor (n,), e.g. restricted elasticities.
        max_iter: Maximum iterations.
        tol: Tolerance on the relative change of every parameter.

    Returns:
        A :class:`TwoWayFit`.

    Raises:
        ValueError: On bad input, a level without observations, or a level whose observed
            total is zero (its effect would be minus infinity).
    """
    y = np.asarray(y, dtype=float)
    Z = np.asarray(Z, dtype=float).reshape(len(y), -1)
    exporter = np.asarray(exporter, dtype=np.int64)
    importer = np.asarray(importer, dtype=np.int64)
    n, k = Z.shape
    if not (len(exporter) == len(importer) == n):
        raise ValueError("shape mismatch between y, Z, exporter and importer")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(Z))):
        raise ValueError("y or Z contains NaN or infinite values")
    if np.any(y < 0):
        raise ValueError("PPML needs a non-negative dependent variable; y has negative values")
    n_exp, n_imp = int(exporter.max()) + 1, int(importer.max()) + 1
    for name, levels, m in (("exporter", exporter, n_exp), ("importer", importer, n_imp)):
        if levels.min() < 0 or np.any(np.bincount(levels, minlength=m) == 0):
            raise ValueError(f"every {name} level 0..{m - 1} needs observations")
        if np.any(np.bincount(levels, y, m) <= 0):
            raise ValueError(f"an {name} level has zero observed total (effect = -inf)")
    off = np.zeros(n) if offset is None else np.asarray(offset, dtype=float)
    scale = y.mean()  # PPML is scale-equivariant; work with y / mean(y) for conditioning
    ys = y / scale
    mu = (ys + ys.mean()) / 2.0
    eta = np.log(mu)
    theta = np.full(k + n_exp + n_imp - 1, np.inf)
    converged = False
    iterations = 0
    for iteration in range(1, max_iter + 1):
        iterations = iteration
        z = eta - off + (ys - mu) / mu
        h = _two_way_hessian(mu, Z, exporter, importer, n_exp, n_imp)
        s = _equilibrated(h)
        rhs = _two_way_xtv(mu * z, Z, exporter, importer, n_exp, n_imp)
        new = s * np.linalg.solve(h * s[:, None] * s[None, :], s * rhs)
        step = np.max(np.abs(new - theta) / (1.0 + np.abs(new)))
        theta = new
        imp_fe = np.concatenate([[0.0], theta[k + n_exp :]])
        eta = off + Z @ theta[:k] + theta[k : k + n_exp][exporter] + imp_fe[importer]
        mu = np.exp(eta)
        if step <= tol:
            converged = True
            break
    return TwoWayFit(
        coef=theta[:k],
        exporter=theta[k : k + n_exp] + np.log(scale),
        importer=np.concatenate([[0.0], theta[k + n_exp :]]),
        fitted=mu * scale,
        iterations=iterations,
        converged=converged,
    )


def _cluster_cov(influence, groups):
    """Sum of outer products of the influence rows summed within each group.

    Args:
        influence: (n, k) per-observation influence on the coefficients.
        groups: (n,) group labels, or None for HC0 (each observation its own group).

    Returns:
        The (k, k) covariance.
    """
    if groups is not None:
        _, g = np.unique(groups, return_inverse=True)
        influence = np.stack(
            [np.bincount(g, influence[:, c]) for c in range(influence.shape[1])], axis=1
        )
    return influence.T @ influence


def robust_covariances(influence, exporter, importer):
    """HC0, pair-clustered and two-way (exporter, importer) clustered covariances.

    The two-way covariance is Cameron, Gelbach & Miller (2011): V_exporter + V_importer -
    V_(exporter and importer), the intersection of the two clusterings being the directed
    pair. GDP varies by country and year, so residuals that share an exporter (or importer)
    are the relevant dependence for its elasticity.

    Args:
        influence: (n, k) per-observation influence ``(A^-1 x_o) u_o``.
        exporter: (n,) exporter labels.
        importer: (n,) importer labels.

    Returns:
        Dict of (k, k) covariances keyed ``hc0``, ``cluster_pair``, ``cluster_two_way``.
    """
    exporter = np.asarray(exporter, dtype=np.int64)
    importer = np.asarray(importer, dtype=np.int64)
    directed = exporter * (int(importer.max()) + 1) + importer
    lo, hi = np.minimum(exporter, importer), np.maximum(exporter, importer)
    pair = lo * (int(max(exporter.max(), importer.max())) + 1) + hi
    v_e = _cluster_cov(influence, exporter)
    v_i = _cluster_cov(influence, importer)
    v_d = _cluster_cov(influence, directed)
    return {
        "hc0": _cluster_cov(influence, None),
        "cluster_pair": _cluster_cov(influence, pair),
        "cluster_two_way": v_e + v_i - v_d,
    }


def two_way_influence(y, Z, exporter, importer, fit):
    """Per-observation influence of each observation on the ``Z`` coefficients of a fit.

    Args:
        y: Dependent variable (n,).
        Z: Dense regressors (n, k).
        exporter: Exporter levels (n,).
        importer: Importer levels (n,).
        fit: The :class:`TwoWayFit`.

    Returns:
        (n, k) array: row o is ``[H^-1 x_o]_(first k) (y_o - mu_o)``, H the Hessian, so
        sums of outer products give sandwich covariances.
    """
    Z = np.asarray(Z, dtype=float).reshape(len(y), -1)
    k = Z.shape[1]
    n_exp, n_imp = len(fit.exporter), len(fit.importer)
    scale = np.mean(y)
    w = fit.fitted / scale
    h = _two_way_hessian(w, Z, exporter, importer, n_exp, n_imp)
    s = _equilibrated(h)
    r = (s[:, None] * np.linalg.inv(h * s[:, None] * s[None, :]) * s[None, :])[:k]
    r_imp = np.concatenate([np.zeros((k, 1)), r[:, k + n_exp :]], axis=1)
    rows = Z @ r[:, :k].T + r[:, k : k + n_exp].T[exporter] + r_imp.T[importer]
    return rows * ((y - fit.fitted) / scale)[:, None]


def dense_influence(y, X, fitted):
    """Per-observation influence for a dense PPML fit (``A = X' diag(mu) X``).

    Args:
        y: Dependent variable (n,).
        X: Design (n, k).
        fitted: Fitted means (n,).

    Returns:
        (n, k) influence rows.
    """
    scale = np.mean(y)
    a_inv = np.linalg.inv(X.T @ ((fitted / scale)[:, None] * X))
    return (X @ a_inv) * ((y - fitted) / scale)[:, None]


def foc_effects(base, y, exporter, importer, *, tol=1e-13, max_iter=100_000):
    """Exporter and importer effects given every other coefficient (PPML FOCs for them alone).

    Solves sum_j base_ij exp(o_i + m_j) = sum_j y_ij for every exporter i and the same over
    i for every importer j, the first-order conditions of PPML in the effects with the rest
    of the linear predictor held fixed (ln base). The solution is found by iterative
    proportional fitting (alternating the two sets of conditions; each step is the exact
    solution of one set given the other). Effects are unique up to o + c, m - c; the
    returned ones have ``m[0] = 0``.

    Args:
        base: exp(linear predictor without effects) for each observation (n,), > 0.
        y: Observed flows (n,), >= 0; every level must have a positive total.
        exporter: Exporter levels (n,), integers 0..n_exp-1.
        importer: Importer levels (n,), integers 0..n_imp-1.
        tol: Stop when the largest relative gap between fitted and observed exporter
            totals is below this (importer totals are exact after each sweep).
        max_iter: Maximum sweeps.

    Returns:
        Tuple ``(o, m, sweeps, max_relative_gap)``.

    Raises:
        ValueError: If a level has no positive total, or the sweeps do not converge.
    """
    base = np.asarray(base, dtype=float)
    y = np.asarray(y, dtype=float)
    n_exp, n_imp = int(exporter.max()) + 1, int(importer.max()) + 1
    out = np.bincount(exporter, y, n_exp)
    inn = np.bincount(importer, y, n_imp)
    if np.any(out <= 0) or np.any(inn <= 0):
        raise ValueError("every exporter and importer level needs a positive observed total")
    m = np.zeros(n_imp)
    for sweep in range(1, max_iter + 1):
        o = np.log(out / np.bincount(exporter, base * np.exp(m[importer]), n_exp))
        m = m + np.log(inn / np.bincount(importer, base * np.exp(o[exporter] + m[importer]), n_imp))
        fitted = base * np.exp(o[exporter] + m[importer])
        gap = float(np.max(np.abs(np.bincount(exporter, fitted, n_exp) / out - 1.0)))
        if gap < tol:
            shift = m[0]
            return o + shift, m - shift, sweep, gap
    raise ValueError(f"effects did not converge in {max_iter} sweeps (gap {gap:.2e})")


def normalise_effects(o, m, weights):
    """Shift effects so that their ``weights``-weighted means are zero.

    Args:
        o: Exporter effects.
        m: Importer effects.
        weights: Non-negative weights (e.g. GDP), aligned with ``o`` and ``m``.

    Returns:
        Tuple ``(o - mean_w(o), m - mean_w(m), mean_w(o) + mean_w(m))``; the last is what the
        constant must absorb so that every flow is unchanged.
    """
    w = np.asarray(weights, dtype=float)
    so = float(np.sum(w * o) / w.sum())
    sm = float(np.sum(w * m) / w.sum())
    return o - so, m - sm, so + sm


def impute_effects(effects, countries):
    """Effects for UN members without one: the median of their UN subregion, else 0.

    Args:
        effects: Dict ISO3 -> effect for the countries estimated.
        countries: UN-member table with ``iso3`` and ``un_subregion``.

    Returns:
        Tuple ``(full, imputed)``: effects for all members, and ISO3 -> the rule applied.
    """
    region = dict(zip(countries["iso3"], countries["un_subregion"], strict=True))
    full, imputed = dict(effects), {}
    for iso in sorted(set(countries["iso3"]) - set(effects)):
        peers = [v for c, v in effects.items() if region.get(c) == region[iso]]
        if peers:
            full[iso] = float(np.median(peers))
            imputed[iso] = f"median of {region[iso]} ({len(peers)} countries)"
        else:
            full[iso] = 0.0
            imputed[iso] = "0 (no estimated country in its subregion)"
    return full, imputed


FE_COEFS = ("log_distance_km", "contiguity", "common_language")
LOWY_2018 = {
    "more_with_china": 128,
    "partners": 190,
    "year": 2018,
    "source": (
        'Leng and Rajah (2019), "Global trade through a US-China lens", The Interpreter, '
        "Lowy Institute, 18 December 2019 (IMF Direction of Trade Statistics)."
    ),
}
CITATIONS_EFFECTS = {
    "fally": (
        'Fally, Thibault (2015), "Structural gravity and fixed effects", Journal of '
        "International Economics 97(1): 76-85."
    ),
    "cgm": (
        'Cameron, A. Colin, Jonah B. Gelbach and Douglas L. Miller (2011), "Robust Inference '
        'With Multiway Clustering", Journal of Business & Economic Statistics 29(2): 238-249.'
    ),
    "lowy": LOWY_2018["source"],
}


def linear_predictor(d, coef):
    """Gravity part of ln E[X] without constant, year or country effects, per observation.

    Args:
        d: Sample DataFrame.
        coef: Named coefficients (``COEF_NAMES`` without ``constant``).

    Returns:
        Array (n,).
    """
    return (
        coef["log_gdp_exporter"] * np.log(d["gdp_exp"].to_numpy(float))
        + coef["log_gdp_importer"] * np.log(d["gdp_imp"].to_numpy(float))
        + coef["log_distance_km"] * np.log(d["dist_km"].to_numpy(float))
        + coef["contiguity"] * d["contig"].to_numpy(float)
        + coef["common_language"] * d["comlang_off"].to_numpy(float)
    )


def fitted_with_effects(d, coef, year_effects, exporter, importer):
    """In-sample fitted flows of a specification with country effects (missing codes 0).

    Args:
        d: Sample DataFrame.
        coef: Named coefficients, ``constant`` being the 2014 level.
        year_effects: Year -> effect relative to 2010 (2010 may be absent: 0).
        exporter: ISO3 -> exporter effect.
        importer: ISO3 -> importer effect.

    Returns:
        Array (n,), US$.
    """
    ye = {2010: 0.0, **{int(k): v for k, v in year_effects.items()}}
    year = d["year"].map(ye).to_numpy(float) - ye[2014]
    eta = coef["constant"] + year + linear_predictor(d, coef)
    eta = eta + d["exp_iso"].map(exporter).fillna(0.0).to_numpy(float)
    eta = eta + d["imp_iso"].map(importer).fillna(0.0).to_numpy(float)
    return np.exp(eta)


def poisson_deviance(y, fitted):
    """Poisson deviance 2 sum(y ln(y / mu) - (y - mu)), the criterion PPML minimises."""
    ratio = np.where(y > 0, y / fitted, 1.0)
    return float(2.0 * np.sum(y * np.log(ratio) - (y - fitted)))


def r2_levels(y, fitted):
    """Squared correlation of observed and fitted levels (as `FitResult.r2` for PPML)."""
    return float(np.corrcoef(y, fitted)[0, 1] ** 2)


def trade_with_effects(coef, exporter, importer, countries, dist, cepii, gdp_col):
    """Model trade matrix over the members with GDP, with country effects (missing: 0).

    Args:
        coef: Named coefficients.
        exporter: ISO3 -> exporter effect.
        importer: ISO3 -> importer effect.
        countries: UN-member table (row order matches ``dist``).
        dist: Capital distance matrix, km.
        cepii: GeoDist DataFrame.
        gdp_col: GDP (US$) aligned with ``countries``.

    Returns:
        Tuple ``(isos, x)``: the members used and their (N, N) flows, US$.
    """
    keep = gdp_col.notna().to_numpy() & (gdp_col.fillna(0).to_numpy() > 0)
    isos = countries["iso3"][keep].tolist()
    contig, lang, _ = pair_matrices(isos, cepii)
    x = predict_matrix(coef, gdp_col[keep].to_numpy(float), dist[np.ix_(keep, keep)], contig, lang)
    o = np.array([exporter.get(c, 0.0) for c in isos])
    m = np.array([importer.get(c, 0.0) for c in isos])
    return isos, x * np.exp(o)[:, None] * np.exp(m)[None, :]


def china_us_summary(isos, x):
    """Partners trading more with China than with the US, and the two shares of world trade.

    Args:
        isos: ISO3 codes of the rows / columns of ``x``.
        x: (N, N) flows, row exporter; missing pairs 0.

    Returns:
        Dict: ``more_with_china`` among ``partners`` (all but CHN and USA; exports plus
        imports), world trade (sum of flows), and CHN / USA shares of world trade
        ((exports + imports) / (2 x world trade)).
    """
    two_way = x + x.T
    c, u = isos.index("CHN"), isos.index("USA")
    others = np.ones(len(isos), dtype=bool)
    others[[c, u]] = False
    total = float(x.sum())
    return {
        "more_with_china": int(np.sum(two_way[others, c] > two_way[others, u])),
        "partners": int(others.sum()),
        "world_trade_usd": total,
        "share_china": float((x[c].sum() + x[:, c].sum()) / (2 * total)),
        "share_usa": float((x[u].sum() + x[:, u].sum()) / (2 * total)),
    }


def china_us_agreement(observed, model, continent):
    """Partners of the observed 2014 sample by continent: more with China, observed and model.

    Args:
        observed: ``(isos, x)`` observed 2014 flows.
        model: ``(isos, x)`` model flows at 2014 GDP.
        continent: ISO3 -> continent.

    Returns:
        Dict continent -> counts ``both_china``, ``only_observed_china``,
        ``only_model_china``, ``both_usa``.
    """
    (io, xo), (im, xm) = observed, model
    to, tm = xo + xo.T, xm + xm.T
    po, pm = {c: k for k, c in enumerate(io)}, {c: k for k, c in enumerate(im)}
    out = {}
    for c in io:
        if c in ("CHN", "USA") or c not in pm:
            continue
        obs = to[po[c], po["CHN"]] > to[po[c], po["USA"]]
        mod = tm[pm[c], pm["CHN"]] > tm[pm[c], pm["USA"]]
        key = {
            (True, True): "both_china",
            (True, False): "only_observed_china",
            (False, True): "only_model_china",
            (False, False): "both_usa",
        }[(obs, mod)]
        row = out.setdefault(
            continent[c],
            dict.fromkeys(("both_china", "only_observed_china", "only_model_china", "both_usa"), 0),
        )
        row[key] += 1
    return dict(sorted(out.items()))


def observed_matrix(d14):
    """Observed 2014 flows of the sample as an (N, N) matrix (missing pairs 0).

    Args:
        d14: The 2014 rows of the sample.

    Returns:
        Tuple ``(isos, x)``.
    """
    isos = sorted(set(d14["exp_iso"]) | set(d14["imp_iso"]))
    pos = {c: k for k, c in enumerate(isos)}
    x = np.zeros((len(isos), len(isos)))
    x[d14["exp_iso"].map(pos).to_numpy(), d14["imp_iso"].map(pos).to_numpy()] = d14["flow_usd"]
    return isos, x


def rounded(coef):
    """Coefficients rounded as shipped (:func:`sig`), so derived numbers use the shipped ones."""
    return {k: sig(float(v)) for k, v in coef.items()}


def country_effects_results(d, countries, dist, cepii, gdp14, fit_p, coef_p, reference_gdp):
    """Estimate the country-effects specifications and validate them.

    Specifications (all PPML on the same sample):

    * ``ppml`` (existing): pooled, no country effects.
    * ``ppml_two_way_fe``: exporter and importer effects (time-invariant) with the GDP
      elasticities identified by within-country GDP variation over 2010-2014.
    * ``ppml_country_effects`` (chosen): the GDP elasticities restricted to the pooled ones,
      distance, contiguity and language estimated with the two-way effects on the panel,
      then the effects set by their first-order conditions on 2014 alone.
    * ``pooled_with_effects`` (sensitivity): all pooled coefficients, effects by the 2014
      first-order conditions.

    Args:
        d: Sample DataFrame.
        countries: UN-member table (row order matches ``dist``).
        dist: Capital distance matrix, km.
        cepii: GeoDist DataFrame.
        gdp14: 2014 GDP aligned with ``countries``.
        fit_p: The pooled PPML fit on :func:`design`.
        coef_p: Its named coefficients (constant = 2014 level).
        reference_gdp: UN members' 2014 world GDP (the model's world-scale reference).

    Returns:
        Dict with the JSON blocks ``ppml_two_way_fe``, ``ppml_country_effects``,
        ``country_effects``, ``validation`` and the pooled model's clustered SEs.
    """
    y = d["flow_usd"].to_numpy(float)
    y14 = (d["year"] == 2014).to_numpy()
    levels = sorted(set(d["exp_iso"]) | set(d["imp_iso"]))
    pos = {c: k for k, c in enumerate(levels)}
    ex = d["exp_iso"].map(pos).to_numpy()
    im = d["imp_iso"].map(pos).to_numpy()
    gdp14_by_iso = dict(zip(countries["iso3"], gdp14.fillna(0.0), strict=True))
    X = design(d)
    z_fe = X[:, 1:]  # the intercept is absorbed by the effects
    names_fe = list(COEF_NAMES[1:]) + [f"year_{t}" for t in YEARS[1:]]

    # Pooled: two-way clustered SEs for comparison with the FE estimates.
    cov_p = robust_covariances(dense_influence(y, X, fit_p.fitted), ex, im)

    # A. Two-way fixed effects, GDP elasticities from within-country variation.
    fit_a = ppml_two_way(y, z_fe, ex, im)
    if not fit_a.converged:
        raise RuntimeError("two-way PPML did not converge")
    cov_a = robust_covariances(two_way_influence(y, z_fe, ex, im, fit_a), ex, im)
    w = np.array([gdp14_by_iso[c] for c in levels])
    o_a, m_a, shift_a = normalise_effects(fit_a.exporter, fit_a.importer, w)
    coef_a = dict(zip(COEF_NAMES[1:], fit_a.coef[:5], strict=True))
    coef_a["constant"] = shift_a + fit_a.coef[-1]
    ye_a = dict(zip(YEARS[1:], fit_a.coef[5:], strict=True))
    fx_a = (dict(zip(levels, o_a, strict=True)), dict(zip(levels, m_a, strict=True)))
    fit14 = np.bincount(ex[y14], fit_a.fitted[y14], len(levels))
    obs14 = np.bincount(ex[y14], y[y14], len(levels))
    gap_a = fit14[obs14 > 0] / obs14[obs14 > 0]  # countries with 2014 exports

    # C. GDP elasticities restricted to the pooled ones; d, e, f with the two-way effects.
    a, b = fit_p.coef[1], fit_p.coef[2]
    offset = a * np.log(d["gdp_exp"].to_numpy(float)) + b * np.log(d["gdp_imp"].to_numpy(float))
    fit_c = ppml_two_way(y, z_fe[:, 2:], ex, im, offset=offset - offset.mean())
    if not fit_c.converged:
        raise RuntimeError("restricted two-way PPML did not converge")
    cov_c = robust_covariances(two_way_influence(y, z_fe[:, 2:], ex, im, fit_c), ex, im)
    coef_c = {"log_gdp_exporter": a, "log_gdp_importer": b}
    coef_c.update(zip(FE_COEFS, fit_c.coef[:3], strict=True))
    ye_c = dict(zip(YEARS[1:], fit_c.coef[3:], strict=True))

    def calibrate(coef):
        """Effects by the 2014 FOCs given rounded ``coef``; normalised, imputed, rounded."""
        coef = rounded(coef)
        d14 = d[y14]
        lv = sorted(set(d14["exp_iso"]) | set(d14["imp_iso"]))
        p14 = {c: k for k, c in enumerate(lv)}
        o, m, sweeps, gap = foc_effects(
            np.exp(linear_predictor(d14, coef)),
            d14["flow_usd"].to_numpy(float),
            d14["exp_iso"].map(p14).to_numpy(),
            d14["imp_iso"].map(p14).to_numpy(),
        )
        o, m, shift = normalise_effects(o, m, np.array([gdp14_by_iso[c] for c in lv]))
        coef["constant"] = sig(shift)
        exp_fx, imputed = impute_effects(dict(zip(lv, o, strict=True)), countries)
        imp_fx, _ = impute_effects(dict(zip(lv, m, strict=True)), countries)
        exp_fx = {k: sig(v) for k, v in sorted(exp_fx.items())}
        imp_fx = {k: sig(v) for k, v in sorted(imp_fx.items())}
        return coef, exp_fx, imp_fx, imputed, {"sweeps": sweeps, "max_relative_gap": gap}

    coef_c, exp_c, imp_c, imputed, foc_c = calibrate(coef_c)
    coef_b, exp_b, imp_b, _, foc_b = calibrate({k: v for k, v in coef_p.items()})

    # Validation: in-sample fit, then the formula over all members at 2014 and latest GDP.
    ye_p = dict(zip(YEARS[1:], fit_p.coef[6:], strict=True))
    specs = {
        "ppml": (rounded(coef_p), ye_p, {}, {}),
        "ppml_two_way_fe": (rounded(coef_a), ye_a, *fx_a),
        "ppml_country_effects": (coef_c, ye_c, exp_c, imp_c),
        "pooled_with_effects": (coef_b, ye_p, exp_b, imp_b),
    }
    latest = countries["gdp_usd_latest"]
    keep = latest.notna() & (latest > 0)
    validation = {}
    for name, (coef, ye, exp_fx, imp_fx) in specs.items():
        fitted = fitted_with_effects(d, coef, ye, exp_fx, imp_fx)
        at14 = china_us_summary(
            *trade_with_effects(coef, exp_fx, imp_fx, countries, dist, cepii, gdp14)
        )
        now = china_us_summary(
            *trade_with_effects(coef, exp_fx, imp_fx, countries, dist, cepii, latest)
        )
        scale = (float(latest[keep].sum()) / reference_gdp) ** (
            1.0 - coef["log_gdp_exporter"] - coef["log_gdp_importer"]
        )
        validation[name] = {
            "r2_levels_panel": r2_levels(y, fitted),
            "r2_levels_2014": r2_levels(y[y14], fitted[y14]),
            "poisson_deviance_2014": poisson_deviance(y[y14], fitted[y14]),
            "at_2014_gdp": at14,
            "at_latest_gdp": {
                **now,
                "world_trade_with_model_world_scale_usd": now["world_trade_usd"] * scale,
                "world_scale_factor": scale,
            },
        }
    validation["observed_2014_sample"] = china_us_summary(*observed_matrix(d[y14]))
    validation["chosen_vs_observed_2014_by_continent"] = china_us_agreement(
        observed_matrix(d[y14]),
        trade_with_effects(coef_c, exp_c, imp_c, countries, dist, cepii, gdp14),
        dict(zip(countries["iso3"], countries["continent"], strict=True)),
    )
    validation["lowy_2018"] = LOWY_2018
    validation["latest_gdp_world_usd"] = float(latest[keep].sum())
    validation["latest_gdp_members"] = int(keep.sum())

    def se(cov, names):
        return {n: sig(np.sqrt(cov[k, k])) for k, n in enumerate(names)}

    two_way_fe = {
        "description": (
            "PPML on the 2010-2014 panel with year effects and time-invariant exporter and "
            "importer effects; ln GDP elasticities identified by within-country variation of "
            "GDP over the five years (the effects absorb all cross-country differences). "
            "Reported, not used by the model (see gravity.md). constant = 2014 level after "
            "normalising the effects (GDP-weighted means 0)."
        ),
        "coefficients": {k: sig(v) for k, v in coef_a.items()},
        "year_effects": {str(t): sig(v) for t, v in ye_a.items()},
        "standard_errors_hc0": se(cov_a["hc0"], names_fe),
        "standard_errors_cluster_pair": se(cov_a["cluster_pair"], names_fe),
        "standard_errors_cluster_two_way": se(cov_a["cluster_two_way"], names_fe),
        "iterations": fit_a.iterations,
        "n_exporter_effects": len(levels),
        "n_importer_effects": len(levels),
        "fitted_over_observed_2014_exporter_totals": {
            "min": sig(gap_a.min()),
            "max": sig(gap_a.max()),
        },
    }
    names_c = list(FE_COEFS) + [f"year_{t}" for t in YEARS[1:]]
    chosen = {
        "description": (
            "The model's specification with country effects: ln X_ij = constant + "
            "exporter_i + importer_j + b_exp ln GDP_i + b_imp ln GDP_j + b_dist ln dist_ij + "
            "b_contig contig_ij + b_lang comlang_ij (2014 level; the model's world scaling "
            "unchanged). b_exp, b_imp are the pooled PPML elasticities (restricted); b_dist, "
            "b_contig, b_lang are estimated by PPML on the 2010-2014 panel with year effects "
            "and exporter and importer effects; the effects (country_effects) then solve the "
            "PPML first-order conditions on 2014 alone given these coefficients, so fitted "
            "2014 exports and imports of every sample country equal the observed ones. "
            "constant absorbs the normalisation of the effects."
        ),
        "coefficients": coef_c,
        "standard_errors_hc0": {
            **se(cov_c["hc0"], names_c),
            "log_gdp_exporter": sig(np.sqrt(cov_p["hc0"][1, 1])),
            "log_gdp_importer": sig(np.sqrt(cov_p["hc0"][2, 2])),
        },
        "standard_errors_cluster_two_way": {
            **se(cov_c["cluster_two_way"], names_c),
            "log_gdp_exporter": sig(np.sqrt(cov_p["cluster_two_way"][1, 1])),
            "log_gdp_importer": sig(np.sqrt(cov_p["cluster_two_way"][2, 2])),
        },
        "standard_errors_note": (
            "b_exp, b_imp: pooled PPML standard errors (the values are restricted in this "
            "specification); constant: none (set by the normalisation)."
        ),
        "year_effects_panel": {str(t): sig(v) for t, v in ye_c.items()},
        "iterations": fit_c.iterations,
        "foc_sweeps": foc_c["sweeps"],
        "foc_max_relative_gap_2014": sig(foc_c["max_relative_gap"]),
    }
    effects = {
        "specification": "ppml_country_effects",
        "units": "log points added to ln X_ij (exporter to the row, importer to the column)",
        "exporter": exp_c,
        "importer": imp_c,
        "imputed": imputed,
        "normalisation": (
            "GDP-weighted means zero: sum_i GDP_i,2014 exporter_i = sum_j GDP_j,2014 "
            "importer_j = 0 over the 180 countries of the 2014 sample (World Bank 2014 GDP), "
            "the shift absorbed in ppml_country_effects.constant. An effect of 0 is the "
            "openness of the GDP-weighted average economy."
        ),
        "rule": (
            "UN members without 2014 trade in the sample (no COW trade, no GDP or no GeoDist "
            "row) get the median effect of the sample countries of their UN subregion "
            "(countries_2024.csv un_subregion), exporter and importer separately; 0 if the "
            "subregion has none. Codes that are not UN members: 0 (sim.trade.country_effects)."
        ),
    }
    sensitivity = {
        "coefficients": coef_b,
        "foc_sweeps": foc_b["sweeps"],
        "note": (
            "Sensitivity: every pooled PPML coefficient kept, effects by the 2014 first-order "
            "conditions (same normalisation and rule); effects not shipped."
        ),
    }
    return {
        "ppml_two_way_fe": two_way_fe,
        "ppml_country_effects": chosen,
        "pooled_with_effects": sensitivity,
        "country_effects": effects,
        "validation": validation,
        "ppml_se_cluster_two_way": se(cov_p["cluster_two_way"], COEF_NAMES) | {"constant": None},
    }


# Head & Mayer (2014) meta-analysis, Table 4 (medians). Filled in only with figures that
# were verified; None means "not verified", and the report says so.
HEAD_MAYER_2014 = {
    "all_gravity_median": dict.fromkeys(COEF_NAMES[1:]),
    "structural_gravity_median": dict.fromkeys(COEF_NAMES[1:]),
    "verified": False,
    "note": (
        "Head & Mayer (2014) medians (their meta-analysis table of typical gravity "
        "coefficients) could not be verified: searches of the available reference "
        "material found the chapter's bibliographic record and abstract (CEPII WP "
        "2013-27, CEPR DP 9322, the hiegravity companion site) but not the table's "
        "text, so the figures are left blank rather than quoted from memory."
    ),
}
DESIGN_BRIEF = {
    "log_gdp_exporter": "about 0.9-1.0",
    "log_gdp_importer": "about 0.9-1.0",
    "log_distance_km": "about -0.9",
}


def run(sources, out):
    """Build the sample, estimate PPML and OLS, and write the JSON and Markdown outputs.

    Args:
        sources: Directory with the source data.
        out: Output directory.

    Returns:
        The result dictionary written to JSON.
    """
    counts = {}
    d, countries, dist = build_sample(sources, counts)
    X = design(d)
    y = d["flow_usd"].to_numpy(float)

    fit_p = ppml(y, X)
    if not fit_p.converged:
        raise RuntimeError("PPML did not converge")
    pos = y > 0
    ly = np.log(y[pos])
    fit_o = ols(ly, X[pos])

    coef_p, se_p = model_coefficients(fit_p)
    coef_o, se_o = model_coefficients(fit_o)
    se_p["constant"] = constant_se(y, X, fit_p, True)
    se_o["constant"] = constant_se(ly, X[pos], fit_o, False)
    lfit = np.log(fit_p.fitted[pos])
    r2_ppml_log = float(np.corrcoef(ly, lfit)[0, 1] ** 2)

    # World trade: in-sample 2014 (fitted vs observed) and the model formula over all pairs.
    y14 = (d["year"] == 2014).to_numpy()
    cepii = load_cepii(sources / "cepii_geodist_dist.csv.gz")
    gdp = pd.read_csv(sources / "wb_gdp_current_usd_1960_2023.csv")
    gdp14 = gdp[gdp["Year"] == 2014].set_index("Country Code")["Value"]
    gdp14 = countries["iso3"].map(gdp14)
    trade = {
        "observed_2014_sample_usd": float(y[y14].sum()),
        "ppml_fitted_2014_sample_usd": float(fit_p.fitted[y14].sum()),
        "ols_fitted_2014_sample_usd": float(np.exp(X[y14] @ fit_o.coef).sum()),
        "ppml_all_pairs_2014_gdp": world_trade(coef_p, countries, dist, cepii, gdp14),
        "ppml_all_pairs_latest_gdp": world_trade(
            coef_p, countries, dist, cepii, countries["gdp_usd_latest"]
        ),
        "ols_all_pairs_latest_gdp": world_trade(
            coef_o, countries, dist, cepii, countries["gdp_usd_latest"]
        ),
    }

    fx = country_effects_results(
        d, countries, dist, cepii, gdp14, fit_p, coef_p, float(gdp14.sum())
    )

    def pack(coef, se):
        return {
            "coefficients": {k: sig(v) for k, v in coef.items()},
            "standard_errors_hc0": {k: sig(v) for k, v in se.items()},
        }

    result = {
        "description": (
            "Gravity equation X_ij = exp(constant + b ln GDP_i + b ln GDP_j + b ln "
            "dist_ij + b contig_ij + b comlang_ij), flows and GDP in current US$ "
            "(not millions); constant = intercept + 2014 year effect."
        ),
        "estimator": "PPML (Poisson pseudo-maximum likelihood, IRLS), year fixed effects",
        "years": list(YEARS),
        # The model scales flows by (world GDP / this)^(1 - b_exp - b_imp), as the year
        # effects did in the estimation: UN members' 2014 GDP, the year of `constant`.
        "reference_world_gdp_usd": sig(float(gdp14.sum())),
        "n_obs": counts["n_obs"],
        "n_zero": counts["n_zero"],
        "ppml": {
            **pack(coef_p, se_p),
            "year_effects": {
                str(y): sig(v) for y, v in zip(YEARS[1:], fit_p.coef[6:], strict=True)
            },
            "r2_levels_squared_correlation": sig(fit_p.r2),
            "r2_log_fitted_vs_log_observed_positive": sig(r2_ppml_log),
            "iterations": fit_p.iterations,
            "standard_errors_cluster_two_way": fx["ppml_se_cluster_two_way"],
        },
        "ols_log_positive": {
            **pack(coef_o, se_o),
            "year_effects": {
                str(y): sig(v) for y, v in zip(YEARS[1:], fit_o.coef[6:], strict=True)
            },
            "r2": sig(fit_o.r2),
            "n_obs": fit_o.n_obs,
        },
        "coefficients": {k: sig(v) for k, v in coef_p.items()},
        "standard_errors": {k: sig(v) for k, v in se_p.items()},
        "sample": counts,
        "world_trade": json.loads(
            json.dumps(trade, default=float), parse_float=lambda s: sig(float(s))
        ),
        "consensus": {"head_mayer_2014": HEAD_MAYER_2014, "design_brief": DESIGN_BRIEF},
        "source": CITATIONS | CITATIONS_EFFECTS,
        **{
            k: json.loads(json.dumps(fx[k], default=float), parse_float=lambda s: sig(float(s)))
            for k in (
                "ppml_two_way_fe",
                "ppml_country_effects",
                "pooled_with_effects",
                "country_effects",
                "validation",
            )
        },
    }
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, sort_keys=True, indent=2, ensure_ascii=True) + "\n"
    (out / "gravity_cow_2010_2014.json").write_text(text)
    (out / "gravity.md").write_text(report(result))
    return result


def _fmt(x, nd=3):
    """Format a number for the Markdown table ("n/v" when missing).

    Args:
        x: Number or None.
        nd: Decimals.

    Returns:
        The formatted string.
    """
    return "n/v" if x is None else f"{x:.{nd}f}"


def _se_pair(block, k):
    """'(HC0) [two-way cluster]' standard errors of coefficient ``k`` in a JSON block."""
    hc0 = block.get("standard_errors_hc0", {}).get(k)
    tw = block.get("standard_errors_cluster_two_way", {}).get(k)
    if hc0 is None:
        return ""
    return f" ({hc0:.3f}) [{tw:.3f}]" if tw is not None else f" ({hc0:.3f})"


def report_effects(r):
    """Markdown lines of the country-effects section of ``gravity.md``.

    Args:
        r: The result dictionary.

    Returns:
        List of lines.
    """
    p, a, c = r["ppml"], r["ppml_two_way_fe"], r["ppml_country_effects"]
    b, fx, v = r["pooled_with_effects"], r["country_effects"], r["validation"]
    tn = 1e12
    labels = {
        "constant": "constant (2014)",
        "log_gdp_exporter": "ln GDP exporter",
        "log_gdp_importer": "ln GDP importer",
        "log_distance_km": "ln distance (km)",
        "contiguity": "contiguity",
        "common_language": "common official language",
    }
    restricted = " (restricted to pooled)"
    rows = []
    for k in COEF_NAMES:
        pooled_se = (
            f" ({p['standard_errors_hc0'][k]:.3f}) [{p['standard_errors_cluster_two_way'][k]:.3f}]"
            if k != "constant"
            else ""
        )
        chosen_se = restricted if k in ("log_gdp_exporter", "log_gdp_importer") else _se_pair(c, k)
        rows.append(
            f"| {labels[k]} | {p['coefficients'][k]:.3f}{pooled_se}"
            f" | {a['coefficients'][k]:.3f}{_se_pair(a, k)}"
            f" | **{c['coefficients'][k]:.3f}**{chosen_se}"
            f" | {b['coefficients'][k]:.3f} |"
        )
    names = {
        "ppml": "Pooled PPML, no effects (`ppml`, current model)",
        "ppml_two_way_fe": "A. Two-way FE PPML (`ppml_two_way_fe`)",
        "ppml_country_effects": "**C. Chosen (`ppml_country_effects`)**",
        "pooled_with_effects": "B. Pooled coefficients + 2014 effects (`pooled_with_effects`)",
    }
    val = []
    for k, label in names.items():
        e = v[k]
        t14, now = e["at_2014_gdp"], e["at_latest_gdp"]
        val.append(
            f"| {label} | {e['r2_levels_panel']:.3f} | {e['r2_levels_2014']:.3f} "
            f"| {e['poisson_deviance_2014'] / 1e12:.3f} "
            f"| {t14['more_with_china']} of {t14['partners']} "
            f"| {now['more_with_china']} of {now['partners']} "
            f"| {t14['world_trade_usd'] / tn:.2f} | {now['world_trade_usd'] / tn:.2f} "
            f"| {now['world_trade_with_model_world_scale_usd'] / tn:.2f} "
            f"| {100 * t14['share_china']:.1f} / {100 * t14['share_usa']:.1f} "
            f"| {100 * now['share_china']:.1f} / {100 * now['share_usa']:.1f} |"
        )
    o, lowy = v["observed_2014_sample"], v["lowy_2018"]
    val.append(
        f"| Observed, COW 2014 sample (partners in the sample; missing pairs 0) | | | "
        f"| {o['more_with_china']} of {o['partners']} | | {o['world_trade_usd'] / tn:.2f} "
        f"| | | {100 * o['share_china']:.1f} / {100 * o['share_usa']:.1f} | |"
    )
    val.append(
        f"| Lowy Institute, 2018 (IMF DOTS) | | | | | {lowy['more_with_china']} of "
        f"{lowy['partners']} (2018) | | | | | |"
    )
    cont = v["chosen_vs_observed_2014_by_continent"]
    cont_rows = [
        f"| {k} | {x['both_china']} | {x['only_observed_china']} | {x['only_model_china']} "
        f"| {x['both_usa']} |"
        for k, x in cont.items()
    ]
    missed = sum(x["only_observed_china"] for x in cont.values())
    ex, im = fx["exporter"], fx["importer"]
    pc = r["ppml_country_effects"]["coefficients"]
    gdp_keys = ("log_gdp_exporter", "log_gdp_importer")
    ratios = [
        p["standard_errors_cluster_two_way"][k] / p["standard_errors_hc0"][k] for k in gdp_keys
    ]
    ratio_lo, ratio_hi = min(ratios), max(ratios)
    se_a = [a["standard_errors_cluster_two_way"][k] for k in gdp_keys]
    se_p = [p["standard_errors_cluster_two_way"][k] for k in gdp_keys]
    bilateral_gap = max(abs(a["coefficients"][k] - c["coefficients"][k]) for k in FE_COEFS)
    worst = sorted(cont, key=lambda k: -cont[k]["only_observed_china"])[:2]
    chosen_now = v["ppml_country_effects"]["at_latest_gdp"]
    dev_c = v["ppml_country_effects"]["poisson_deviance_2014"]
    dev_b = v["pooled_with_effects"]["poisson_deviance_2014"]
    return [
        "## Country effects (structural gravity)",
        "",
        "The pooled equation above gives every country the same openness given its GDP and "
        "geography, so China's exports and the trade of entrepots and small open economies "
        "are far from what it implies (multilateral resistance and country-specific "
        "openness: Anderson & van Wincoop 2003; Head & Mayer 2014). At latest GDP it has "
        f"only {v['ppml']['at_latest_gdp']['more_with_china']} of "
        f"{v['ppml']['at_latest_gdp']['partners']} UN members trading more with China than "
        f"with the US, against {lowy['more_with_china']} of {lowy['partners']} counted by "
        "the Lowy Institute for 2018 (Leng & Rajah 2019) and "
        f"{o['more_with_china']} of {o['partners']} in the COW 2014 sample itself. Structural "
        "gravity adds exporter and importer effects; with PPML the fitted total exports and "
        "imports of each country then equal the observed ones (Fally 2015).",
        "",
        "### Specifications",
        "",
        "All are PPML on the estimation sample above (141271 directed observations, "
        "2010-2014, zeros kept).",
        "",
        "- **A. Two-way fixed effects** (`ppml_two_way_fe`): ln E[X_ijt] = year_t + a ln "
        "GDP_it + b ln GDP_jt + d ln dist_ij + e contig_ij + f lang_ij + exporter_i + "
        f"importer_j, {a['n_exporter_effects']} exporter and {a['n_importer_effects']} "
        "importer effects (intercept folded into them), solved by Newton/IRLS with the "
        f"dummies handled through group sums ({a['iterations']} iterations; identical to "
        "`sim.estimation.ppml` with explicit dummy columns, checked in "
        "`tests/test_estimation.py`). The country effects are time-invariant, so they absorb "
        "every cross-country difference in size and **a and b are identified only from "
        "within-country variation of GDP over the five years**, net of the common year "
        "effects (mostly exchange-rate and price movements of current-dollar GDP).",
        "- **C. Chosen** (`ppml_country_effects`): a and b restricted to the pooled PPML "
        "values (an offset); d, e, f and the year effects estimated on the panel with the "
        f"two-way effects ({c['iterations']} iterations); then the exporter and importer "
        "effects recomputed, given all these coefficients, from the PPML first-order "
        "conditions for the effects alone on 2014, so that every sample country's fitted 2014 "
        "exports and imports equal the observed ones (iterative proportional fitting, "
        f"{c['foc_sweeps']} sweeps, largest relative gap {c['foc_max_relative_gap_2014']:.1e}; "
        "with the shipped rounding, within about 1e-4).",
        "- **B. Sensitivity** (`pooled_with_effects`): every pooled coefficient kept and the "
        "effects from the same 2014 first-order conditions (effects not shipped).",
        "",
        "Coefficients; standard errors: (HC0) [two-way clustered by exporter and by importer, "
        "Cameron, Gelbach & Miller 2011]. GDP varies by country and year, so residuals that "
        "share an exporter or importer are the relevant dependence; the pooled GDP "
        f"elasticities' clustered errors are {ratio_lo:.0f} to {ratio_hi:.0f} times their "
        "HC0 ones. For A's GDP elasticities it is the other way round: residuals persist "
        "within a pair over the years while a country's GDP deviations from its own mean sum "
        "to about zero, so their products cancel within clusters.",
        "",
        "| Coefficient | Pooled PPML (`ppml`) | A. Two-way FE | C. Chosen | B. Pooled + effects |",
        "|---|---|---|---|---|",
        *rows,
        "",
        "The constants of A, B and C are the 2014 level after the normalisation of the "
        "effects below and are not comparable with the pooled one. Year effects (relative to "
        "2010), A: "
        + ", ".join(f"{t}: {x:.3f}" for t, x in sorted(a["year_effects"].items()))
        + "; C: "
        + ", ".join(f"{t}: {x:.3f}" for t, x in sorted(c["year_effects_panel"].items()))
        + ".",
        "",
        "### Choice",
        "",
        f"The within-country GDP elasticities of A, {a['coefficients']['log_gdp_exporter']:.2f} "
        f"[{a['standard_errors_cluster_two_way']['log_gdp_exporter']:.2f}] and "
        f"{a['coefficients']['log_gdp_importer']:.2f} "
        f"[{a['standard_errors_cluster_two_way']['log_gdp_importer']:.2f}], are identified "
        f"but poorly determined (clustered errors of {min(se_a):.2f}-{max(se_a):.2f} against "
        f"{min(se_p):.2f}-{max(se_p):.2f} pooled) and "
        "about half the pooled ones; they come from five years of current-dollar GDP "
        "movements, largely exchange rates, and attenuation by that noise is the likely "
        "reason. The model uses a and b for one thing only, to let flows grow with GDP over "
        "decades, and the figures of A would make a country's trade rise with barely half "
        "its relative growth. In a cross-section with country effects a and b do not affect "
        "the fit at all (any value is absorbed by the effects), so the chosen specification "
        "keeps the pooled cross-country elasticities for growth and takes from the panel only "
        "what it identifies well: distance, contiguity and language with the effects "
        "(structural gravity). Those hardly depend on whether a and b are free (A) or "
        f"restricted (C), at most {bilateral_gap:.4f} apart: distance "
        f"{a['coefficients']['log_distance_km']:.3f} against "
        f"{c['coefficients']['log_distance_km']:.3f}, more negative than the pooled "
        f"{p['coefficients']['log_distance_km']:.3f}, as expected once remoteness is "
        "controlled for. The effects are set on 2014 rather than as five-year averages "
        "because 2014 is the year the model's constant refers to; A's time-invariant effects "
        "miss individual countries' 2014 exports by factors of "
        f"{a['fitted_over_observed_2014_exporter_totals']['min']:.2f} to "
        f"{a['fitted_over_observed_2014_exporter_totals']['max']:.2f}. B (pooled distance "
        "elasticity) is shown to say how much the bilateral coefficients matter for the "
        "validation below: it fits the largest flows a little better (R^2 in levels) and "
        "gives China more partners, but on the criterion PPML minimises, the Poisson "
        f"deviance of 2014, C is better ({dev_c / 1e12:.3f} against {dev_b / 1e12:.3f} "
        "trillion), and its distance elasticity is the one estimated with the effects. "
        "**The model should use `ppml_country_effects` (all its "
        "coefficients, including its constant) with `country_effects`**; the pooled `ppml` "
        "block stays as it was for the current model.",
        "",
        "### Normalisation and countries without data",
        "",
        f"- Normalisation: {fx['normalisation']}",
        f"- Rule: {fx['rule']}",
        "- Imputed: " + "; ".join(f"{k} ({x})" for k, x in sorted(fx["imputed"].items())) + ".",
        f"- Examples (exporter, importer): CHN {ex['CHN']:+.3f}, {im['CHN']:+.3f}; USA "
        f"{ex['USA']:+.3f}, {im['USA']:+.3f}; DEU {ex['DEU']:+.3f}, {im['DEU']:+.3f}; JPN "
        f"{ex['JPN']:+.3f}, {im['JPN']:+.3f}; IND {ex['IND']:+.3f}, {im['IND']:+.3f}; SGP "
        f"{ex['SGP']:+.3f}, {im['SGP']:+.3f}; RUS {ex['RUS']:+.3f}, {im['RUS']:+.3f}.",
        "",
        "In the model the flow becomes X_ij = exp(constant + exporter_i + importer_j) "
        "GDP_i^a GDP_j^b dist_ij^d exp(e contig_ij + f lang_ij) (world GDP / "
        f"{r['reference_world_gdp_usd'] / tn:.2f} trillion US$)^(1 - a - b), with the "
        f"`ppml_country_effects` coefficients (constant {pc['constant']:.4f}); "
        "`sim.trade.country_effects(iso3)` returns the two effects (0 for codes not listed). "
        "Not yet wired into the model.",
        "",
        "### Validation (not fitting targets)",
        "",
        "R^2: squared correlation of fitted and observed levels in the estimation sample, "
        "all years and 2014 alone (B and C apply their 2014 effects with their year "
        "effects). The other columns apply the formula to all pairs of UN members with GDP "
        f"(2014 World Bank GDP: {v['ppml']['at_2014_gdp']['partners'] + 2} members; latest GDP, "
        f"`gdp_usd_latest`: {v['latest_gdp_members']} members, no GDP for PRK): partners "
        "(UN members other than China and the US) whose exports plus imports with China exceed "
        "those with the US; world trade (sum of flows, trillion US$) by the formula at the "
        "2014 constant, and at latest GDP also with the model's world scaling "
        f"((world GDP / 2014 world GDP)^(1 - a - b), factor "
        f"{v['ppml_country_effects']['at_latest_gdp']['world_scale_factor']:.3f} for C); China's "
        "and the US's shares of world trade, (exports + imports) / (2 x world trade), %.",
        "",
        "| Specification | R^2 2010-14 | R^2 2014 | Poisson deviance 2014 (10^12) | More "
        "with China, 2014 GDP | More with "
        "China, latest GDP | World trade, 2014 GDP | World trade, latest GDP | Latest, model "
        "scaling | CHN / USA share 2014 GDP | CHN / USA share latest GDP |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *val,
        "",
        f"With the effects, China's and the US's 2014 shares match the sample; at latest GDP "
        f"the chosen specification has {chosen_now['more_with_china']} "
        f"of {chosen_now['partners']} members trading more with "
        f"China, against {lowy['more_with_china']} of {lowy['partners']} for 2018 (Lowy; "
        "different source, IMF DOTS, and year). The gap is already there in 2014 "
        f"({v['ppml_country_effects']['at_2014_gdp']['more_with_china']} at 2014 GDP against "
        f"{o['more_with_china']} observed): country effects fix each country's totals, not "
        "with whom it trades. Of the sample's partners, by continent (chosen specification "
        f"at 2014 GDP against the observed 2014 flows; {missed} trade more with China in "
        "the data but not in the model):",
        "",
        "| Continent | Both China | Only observed China | Only model China | Both US |",
        "|---|---|---|---|---|",
        *cont_rows,
        "",
        f"The misses are mostly in {worst[0]} and {worst[1]}: partners whose trade with China "
        "is larger than distance and the two countries' effects imply, a bilateral intensity "
        "that only pair-specific terms would carry.",
        "",
        "### Commands",
        "",
        "```bash",
        ".venv/bin/python scripts/estimate_gravity.py --sources ../shared/data --out sim/data",
        "# determinism: run twice into temporary folders and compare bytes",
        ".venv/bin/python scripts/estimate_gravity.py --out /tmp/g1 && "
        ".venv/bin/python scripts/estimate_gravity.py --out /tmp/g2 && "
        "cmp /tmp/g1/gravity_cow_2010_2014.json /tmp/g2/gravity_cow_2010_2014.json && "
        "cmp /tmp/g1/gravity.md /tmp/g2/gravity.md",
        ".venv/bin/python -m pytest tests/test_estimation.py",
        "```",
        "",
    ]


def report(r):
    """Render the Markdown report ``gravity.md`` from the result dictionary.

    Args:
        r: The result dictionary.

    Returns:
        The Markdown text.
    """
    p, o, s, t = r["ppml"], r["ols_log_positive"], r["sample"], r["world_trade"]
    hm = r["consensus"]["head_mayer_2014"]
    labels = {
        "constant": "constant (2014)",
        "log_gdp_exporter": "ln GDP exporter",
        "log_gdp_importer": "ln GDP importer",
        "log_distance_km": "ln distance (km)",
        "contiguity": "contiguity",
        "common_language": "common official language",
    }
    rows = []
    for k in COEF_NAMES:
        a = hm["all_gravity_median"].get(k) if k != "constant" else None
        b = hm["structural_gravity_median"].get(k) if k != "constant" else None
        rows.append(
            f"| {labels[k]} | {_fmt(p['coefficients'][k])} ({_fmt(p['standard_errors_hc0'][k])})"
            f" | {_fmt(o['coefficients'][k])} ({_fmt(o['standard_errors_hc0'][k])})"
            f" | {'' if k == 'constant' else _fmt(a, 2)} | {'' if k == 'constant' else _fmt(b, 2)}"
            f" | {DESIGN_BRIEF.get(k, '')} |"
        )
    tn = 1e12
    lines = [
        "# Gravity equation of bilateral trade: estimates on COW trade 2010-2014",
        "",
        "Generated by `scripts/estimate_gravity.py` (deterministic; numbers also in "
        "`gravity_cow_2010_2014.json`). The model computes flows (US$, row exporter, column "
        "importer) as",
        "",
        "    X_ij = exp(constant + b_exp ln GDP_i + b_imp ln GDP_j + b_dist ln dist_ij"
        " + b_contig contig_ij + b_lang comlang_ij)",
        "",
        "with GDP in current US$ and distance in km. `constant` is the intercept plus the 2014 "
        "year effect. A specification that adds exporter and importer effects (structural "
        "gravity), `ppml_country_effects` with `country_effects`, is estimated and validated "
        "under Country effects below; the model should switch to it (not wired yet).",
        "",
        "## Estimates",
        "",
        "Coefficients with heteroskedasticity-robust (HC0) standard errors in parentheses.",
        "",
        "| Coefficient | PPML (main) | OLS on ln flow > 0 | Head & Mayer 2014 median, all "
        "gravity | H&M 2014 median, structural gravity | Design brief |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        f"Fit: PPML R^2 (squared correlation of fitted and observed levels, as in Santos Silva "
        f"& Tenreyro 2006) = {p['r2_levels_squared_correlation']:.3f}; R^2 of ln fitted vs ln "
        f"observed on positive flows = {p['r2_log_fitted_vs_log_observed_positive']:.3f}. "
        f"OLS R^2 = {o['r2']:.3f} (n = {o['n_obs']} positive flows). PPML converged in "
        f"{p['iterations']} IRLS iterations.",
        "",
        "Year effects (relative to 2010), PPML: "
        + ", ".join(f"{y}: {v:.3f}" for y, v in sorted(p["year_effects"].items()))
        + "; OLS: "
        + ", ".join(f"{y}: {v:.3f}" for y, v in sorted(o["year_effects"].items()))
        + ".",
        "",
        "**Consensus.** " + hm["note"] + ' "n/v" marks a figure not verified. The design '
        "brief's consensus is GDP elasticities about 0.9-1.0 and a distance elasticity about "
        "-0.9.",
        "",
        "**Points to note.** PPML gives a smaller distance elasticity and a much smaller "
        "(statistically insignificant) common-language effect than OLS on logs, the usual "
        "pattern when large flows dominate the Poisson fit (Santos Silva & Tenreyro 2006). "
        "Without origin and destination fixed effects (multilateral resistance) these are "
        "not structural-gravity estimates; the GDP elasticities below 1 also reflect that. "
        "The specification with exporter and importer effects is under Country effects.",
        "",
        "## Sample",
        "",
        f"- COW dyad-years 2010-2014: {s['cow_dyad_years']}, giving {s['directed_obs_raw']} "
        "directed observations (`flow1` = imports of ccode1 from ccode2, so exporter = ccode2; "
        "`flow2` the reverse). Flows converted from US$ millions to US$.",
        f"- Dropped for a missing COW code (-1/-9): {s['dropped_missing_cow_code']}.",
        f"- Dropped for a missing flow (blank in this extract): {s['dropped_missing_flow']}.",
        f"- Dropped because a partner is not a UN member (COW codes "
        f"{', '.join(map(str, s['non_un_cow_codes_dropped']))}: Kosovo 347, Taiwan 713): "
        f"{s['dropped_non_un_member']}.",
        f"- UN members absent from COW trade 2010-2014: "
        f"{', '.join(s['un_members_absent_from_cow_2010_2014'])} (Serbia is absent from the "
        "COW 2010-2014 rows).",
        f"- Dropped for missing World Bank GDP of the same year: {s['dropped_missing_gdp']} "
        f"(country-years: {', '.join(s['country_years_without_gdp'])}).",
        f"- Dropped because CEPII GeoDist lacks the dyad: {s['dropped_missing_cepii']} "
        f"(countries not in GeoDist: {', '.join(s['countries_missing_from_cepii'])}).",
        f"- Estimation sample: **{r['n_obs']}** directed observations, {r['n_zero']} zeros "
        f"({100 * r['n_zero'] / r['n_obs']:.1f}%), {s['n_countries']} countries, years "
        f"{r['years'][0]}-{r['years'][-1]}.",
        "",
        "How it was built: GDP is World Bank current US$ of the same year; distance is the "
        "great-circle distance between capitals (`sim.geo.distance_matrix_km`, capitals from "
        "`countries_2024.csv`); contiguity and common official language are CEPII GeoDist "
        "`contig` and `comlang_off`, with 2011 codes recoded ROM->ROU, ZAR->COD, TMP->TLS, "
        "YUG->SRB. Regressions include year dummies (base 2010). PPML keeps zero flows; OLS "
        "uses ln of positive flows only.",
        "",
        "## World trade implied",
        "",
        f"- Observed 2014 total in the sample: {t['observed_2014_sample_usd'] / tn:.2f} "
        f"trillion US$; PPML fitted on the same observations: "
        f"{t['ppml_fitted_2014_sample_usd'] / tn:.2f} (equal by construction: PPML with a "
        f"2014 dummy matches the year total); OLS, exp(fitted log) without a "
        f"retransformation correction: {t['ols_fitted_2014_sample_usd'] / tn:.2f}.",
        f"- Model formula over all pairs of the {t['ppml_all_pairs_2014_gdp']['n_countries']} "
        f"UN members with 2014 GDP (PPML): "
        f"{t['ppml_all_pairs_2014_gdp']['predicted_usd'] / tn:.2f} trillion US$.",
        f"- At latest World Bank GDP (`gdp_usd_latest`, mostly 2024; "
        f"{t['ppml_all_pairs_latest_gdp']['n_countries']} members): PPML "
        f"{t['ppml_all_pairs_latest_gdp']['predicted_usd'] / tn:.2f} trillion US$; OLS "
        f"{t['ols_all_pairs_latest_gdp']['predicted_usd'] / tn:.2f}. Pairs that GeoDist "
        f"lacks get contiguity = common language = 0 "
        f"({t['ppml_all_pairs_latest_gdp']['pairs_without_geodist_set_to_0']} ordered pairs).",
        "",
        "## How the model applies it",
        "",
        "The year effects absorb world growth in the estimation (flows grow with the product of "
        "GDPs, elasticities summing to more than one, while the year effects fall). The model "
        "does the same: it multiplies the 2014-constant flows by (world GDP / "
        f"{r['reference_world_gdp_usd'] / tn:.2f} trillion US$)^(1 - b_exp - b_imp), the "
        "reference being UN members' 2014 World Bank GDP, so world trade grows one for one with "
        "world GDP when every economy grows alike, as in structural gravity where flows are "
        "proportional to GDP_i GDP_j / world GDP (Anderson & van Wincoop 2003). At the 2024 "
        "world this puts the default world's trade at about a fifth of world GDP.",
        "",
        *report_effects(r),
        "## Citations",
        "",
        '- Anderson, James E. and Eric van Wincoop (2003), "Gravity with Gravitas: A Solution '
        'to the Border Puzzle", American Economic Review 93(1): 170-192.',
        '- Disdier, Anne-Celia and Keith Head (2008), "The Puzzling Persistence of the Distance '
        'Effect on Bilateral Trade", Review of Economics and Statistics 90(1): 37-48 (a '
        "meta-analysis of 1,467 distance effects from 103 papers; the design brief's 'about "
        "-0.9' is the order of their central estimates).",
        "",
        *[f"- {v}" for _, v in sorted(r["source"].items())],
        "",
    ]
    return "\n".join(lines)


def main(argv=None):
    """Command-line entry point.

    Args:
        argv: Argument list (defaults to ``sys.argv[1:]``).
    """
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sources",
        default="../shared/data",
        help="source data directory (relative to the repo root)",
    )
    ap.add_argument("--out", default="sim/data", help="output directory (relative to repo root)")
    args = ap.parse_args(argv)
    sources = (REPO_ROOT / args.sources).resolve()
    out = (REPO_ROOT / args.out).resolve()
    r = run(sources, out)
    print(
        json.dumps(
            {
                "ppml": r["ppml"]["coefficients"],
                "ols": r["ols_log_positive"]["coefficients"],
                "n_obs": r["n_obs"],
            },
            sort_keys=True,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
