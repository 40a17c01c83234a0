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
        "source": CITATIONS,
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
        "year effect.",
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
        "not structural-gravity estimates; the GDP elasticities below 1 also reflect that.",
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
