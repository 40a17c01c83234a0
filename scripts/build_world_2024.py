"""Rebuild the shipped 2024 world scenario tables from the raw source files.

Reads the public source files collected in ``../shared/data`` (see the README there for
provenance) and writes, deterministically (same bytes on every run):

* ``sim/data/world_2024/countries.csv``: one row per UN member state (193), sorted by iso3;
* ``sim/data/world_2024/dyads.parquet``: one row per unordered pair of members (18,528);
* ``sim/data/DATA.md``: sources, licences, citations, column derivations and every
  gap-filling rule together with the countries it touched (computed by this script).

Usage (paths default to these, relative to the repository root, from any cwd)::

    python scripts/build_world_2024.py --sources ../shared/data --out sim/data/world_2024

The script fails loudly (``AssertionError`` / ``ValueError``) when a required column has a
gap that no documented rule fills, or when the sources disagree with each other.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from sim.geo import distance_matrix_km  # noqa: E402

#: Year of the scenario.
SCENARIO_YEAR = 2024
#: Years used for trend growth (the pandemic years are excluded).
TREND_YEARS = [y for y in range(2015, 2025) if y not in (2020, 2021)]
#: Minimum number of observed years for a country's own trend growth.
TREND_MIN_YEARS = 4
#: Bounds on trend growth (fraction per year).
TREND_CLIP = (-0.02, 0.08)
#: Years for the compound annual population growth.
POP_GROWTH_YEARS = (2019, 2024)
#: Percentile of 2024 GDP per capita used to impute GDP where the World Bank has none.
GDP_PC_IMPUTE_PERCENTILE = 10
#: COW military expenditure: reference year and earliest year accepted as a fallback.
MILEX_YEAR = 2022
MILEX_EARLIEST = 2010

#: CEPII GeoDist uses its 2011 country list; recode to current ISO 3166 alpha-3.
CEPII_RECODE = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "YUG": "SRB"}
#: Land borders of the UN members that GeoDist lacks (CIA World Factbook, "Land boundaries";
#: only UN members listed, so Kosovo is omitted for Montenegro).
MISSING_BORDERS = {
    "SSD": ["SDN", "ETH", "KEN", "UGA", "COD", "CAF"],
    "MNE": ["SRB", "BIH", "HRV", "ALB"],
    "LIE": ["CHE", "AUT"],
    "MCO": ["FRA"],
}
#: Proxy country whose CEPII official-language ties are copied to a missing country.
#: South Sudan's official language is English: its proxy is English-speaking Uganda.
LANGUAGE_PROXY = {"MNE": "SRB", "LIE": "AUT", "MCO": "FRA", "SSD": "UGA"}
#: Borders that GeoDist (2011) records for countries that have since split: its YUG is Serbia
#: and Montenegro (Albania now borders Montenegro only), its SDN is Sudan before South
#: Sudan's independence (Kenya, Uganda and DR Congo now border South Sudan only).
STALE_BORDERS = {("ALB", "SRB"), ("KEN", "SDN"), ("SDN", "UGA"), ("COD", "SDN")}

CONTINENT_TO_REGION = {
    "Africa": "Africa",
    "America": "Americas",
    "Americas": "Americas",
    "Asia": "Asia",
    "Europe": "Europe",
    "Oceania": "Oceania",
}
REGIONAL_GROUPS = {"African", "Asia-Pacific", "Eastern European", "GRULAC", "WEOG"}

#: Boolean membership columns: column -> (org in memberships_2025.csv, accepted statuses).
MEMBERSHIP_FLAGS = {
    "nato": ("NATO", {"member"}),
    "eu": ("EU", {"member"}),
    "g7": ("G7", {"member"}),
    "g20": ("G20", {"member"}),
    "brics": ("BRICS", {"member"}),
    "brics_partner": ("BRICS", {"partner"}),
    "sco": ("SCO", {"member"}),
    "eaeu": ("EAEU", {"member"}),
    "csto": ("CSTO", {"member", "member (participation frozen)"}),
    "asean": ("ASEAN", {"member"}),
    "au": ("AU", {"member", "suspended"}),
    "arab_league": ("ArabLeague", {"member"}),
    "p5": ("UNSC_P5", {"member"}),
}
EXPECTED_COUNTS = {
    "nato": 32,
    "eu": 27,
    "g7": 7,
    "g20": 19,
    "brics": 10,
    "brics_partner": 10,
    "sco": 10,
    "eaeu": 5,
    "csto": 6,
    "asean": 11,
    "au": 54,
    "arab_league": 21,
    "p5": 5,
}

COLUMNS = [
    "iso3", "name", "region", "subregion", "un_regional_group",
    "gdp_usd", "gdp_year", "gdp_imputed", "trend_growth",
    "population", "population_growth",
    "milex_usd", "milex_year", "milex_share_gdp", "milex_imputed",
    "milper_thousands", "cinc_cow_2022",
    "ideal_point", "ideal_point_year",
    "capital", "capital_lat", "capital_lon",
    "nuclear_warheads",
    *MEMBERSHIP_FLAGS,
    "unsc_term_end",
]  # fmt: skip
#: Columns that may be empty (everything else must be complete).
OPTIONAL_COLUMNS = {"un_regional_group", "milper_thousands", "cinc_cow_2022", "unsc_term_end"}


@dataclass
class GapLog:
    """Countries touched by each gap-filling rule, for the build log and DATA.md.

    Attributes:
        rules: Rule key -> list of ``(iso3, detail)`` pairs, in iso3 order.
    """

    rules: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def add(self, rule: str, iso3: str, detail: str = "") -> None:
        """Record that ``rule`` touched ``iso3``.

        Args:
            rule: Key of the rule.
            iso3: Country code.
            detail: Short note (value, year) shown next to the country.
        """
        self.rules.setdefault(rule, []).append((iso3, detail))

    def items(self, rule: str) -> list[tuple[str, str]]:
        """Return the sorted ``(iso3, detail)`` pairs recorded under ``rule``.

        Args:
            rule: Key of the rule.

        Returns:
            The pairs sorted by iso3 (empty when the rule touched nobody).
        """
        return sorted(self.rules.get(rule, []))

    def text(self, rule: str) -> str:
        """Format the countries of ``rule`` for Markdown.

        Args:
            rule: Key of the rule.

        Returns:
            A comma-separated list such as ``AFG (2023), VEN (2021)``, or ``none``.
        """
        pairs = self.items(rule)
        if not pairs:
            return "none"
        return ", ".join(f"{iso} ({d})" if d else iso for iso, d in pairs)


# --------------------------------------------------------------------------- reading


def require(condition: bool, message: str) -> None:
    """Stop the build with `message` when a check on the sources or the output fails.

    Unlike `assert`, it also runs under `python -O`.
    """
    if not condition:
        raise ValueError(f"build_world_2024: {message}")


def read_csv(path: Path) -> pd.DataFrame:
    """Read a source CSV keeping codes such as ``NA`` (Namibia) as strings.

    Args:
        path: File to read (``.csv`` or ``.csv.gz``).

    Returns:
        The table; only empty cells and ``..`` are treated as missing.
    """
    return pd.read_csv(path, keep_default_na=False, na_values=["", ".."])


def wb_series(path: Path, code_col: str = "Country Code") -> pd.Series:
    """Load a long-format World Bank WDI file as a series indexed by (iso3, year).

    Args:
        path: The WDI extract.
        code_col: Name of the ISO3 column.

    Returns:
        Values indexed by ``(iso3, year)``, missing values dropped.
    """
    df = read_csv(path)
    s = df.set_index([code_col, "Year"])["Value"].astype(float).dropna()
    if not s.index.is_unique:
        raise ValueError(f"{path.name}: duplicate (country, year) rows")
    return s.sort_index()


# --------------------------------------------------------------------------- helpers


def subregion_median(values: pd.Series, subregion: pd.Series) -> pd.Series:
    """Median of the non-missing ``values`` within each UN subregion, broadcast to rows.

    Args:
        values: Per-country values (index iso3), NaN where unknown.
        subregion: Per-country subregion (same index).

    Returns:
        The subregion median for every country.
    """
    med = values.groupby(subregion).median()
    return subregion.map(med)


def fmt_sig(x: float, digits: int = 6) -> str:
    """Format a float with ``digits`` significant digits, positional (no exponent).

    Args:
        x: The value; NaN gives an empty string.
        digits: Significant digits.

    Returns:
        The text.
    """
    if pd.isna(x):
        return ""
    if x == 0:
        return "0"
    return np.format_float_positional(
        float(x), precision=digits, unique=False, fractional=False, trim="-"
    )


def fmt_given(x: float) -> str:
    """Format a float as given in the source (shortest round-trip repr, no exponent).

    Args:
        x: The value; NaN gives an empty string.

    Returns:
        The text.
    """
    if pd.isna(x):
        return ""
    return np.format_float_positional(float(x), trim="-")


def fmt_whole(x: float) -> str:
    """Format a float rounded to a whole number (e.g. US dollars).

    Args:
        x: The value; NaN gives an empty string.

    Returns:
        The text.
    """
    return "" if pd.isna(x) else f"{round(float(x)):d}"


def fmt_int(x: float) -> str:
    """Format an integer-valued number; NaN gives an empty string.

    Args:
        x: The value.

    Returns:
        The text.
    """
    return "" if pd.isna(x) else str(int(x))


def fmt_bool(x: bool) -> str:
    """Format a boolean as ``True`` / ``False``.

    Args:
        x: The value.

    Returns:
        The text.
    """
    return "True" if bool(x) else "False"


# --------------------------------------------------------------------------- countries


def build_countries(src: Path, log: GapLog) -> tuple[pd.DataFrame, dict]:
    """Assemble the per-country table.

    Args:
        src: Directory holding the source files.
        log: Collects the countries touched by each gap rule.

    Returns:
        The table (index iso3, columns ``COLUMNS`` minus iso3, typed values) and a dict of
        build statistics used in DATA.md.
    """
    stats: dict = {}
    base = read_csv(src / "countries_2024.csv").sort_values("iso3").set_index("iso3")
    if len(base) != 193 or not base.index.is_unique:
        raise ValueError("countries_2024.csv must list 193 unique UN members")
    iso = base.index
    out = pd.DataFrame(index=iso)
    out["name"] = base["name"]
    out["region"] = base["continent"].map(CONTINENT_TO_REGION)
    out["subregion"] = base["un_subregion"]
    sub = out["subregion"]

    # ---- memberships (long table) -------------------------------------------------
    mem = read_csv(src / "memberships_2025.csv")
    non_un = mem[~mem["iso3"].isin(iso)]
    stats["non_un_members"] = sorted(f"{r.org}:{r.iso3}" for r in non_un.itertuples())
    mem = mem[mem["iso3"].isin(iso)]

    groups = mem[mem["org"].str.startswith("UN_regional_group:")]
    if not groups["iso3"].is_unique:
        raise ValueError("a country is listed in two UN regional groups")
    group = groups.set_index("iso3")["org"].str.split(":", n=1).str[1]
    out["un_regional_group"] = group.reindex(iso)
    stats["no_regional_group"] = sorted(iso[out["un_regional_group"].isna()])
    require(stats["no_regional_group"] == ["KIR"], stats["no_regional_group"])
    require(set(group) <= REGIONAL_GROUPS, "expected set(group) <= REGIONAL_GROUPS")
    legacy = base["un_regional_group"].where(base["un_regional_group"] != "none")
    require((legacy.fillna("") == out["un_regional_group"].fillna("")).all(), "regional groups")

    for col, (org, statuses) in MEMBERSHIP_FLAGS.items():
        rows = mem[mem["org"] == org]
        unknown = set(rows["status"]) - statuses - {
            "observer", "partner", "invited", "member",
        }  # fmt: skip
        if unknown:
            raise ValueError(f"{org}: unexpected statuses {sorted(unknown)}")
        out[col] = iso.isin(rows.loc[rows["status"].isin(statuses), "iso3"])
        n = int(out[col].sum())
        if n != EXPECTED_COUNTS[col]:
            raise ValueError(f"{col}: {n} members, expected {EXPECTED_COUNTS[col]}")

    def with_status(org: str, status: str) -> list[str]:
        """Sorted UN members of ``org`` with ``status``."""
        return sorted(mem.loc[(mem["org"] == org) & (mem["status"] == status), "iso3"])

    stats["brics_invited"] = with_status("BRICS", "invited")
    stats["sco_observers"] = with_status("SCO", "observer")
    stats["csto_frozen"] = with_status("CSTO", "member (participation frozen)")
    stats["au_suspended"] = with_status("AU", "suspended")
    stats["asean_2025"] = sorted(
        mem.loc[(mem.org == "ASEAN") & (mem["since"].astype(str) == "2025"), "iso3"]
    )

    unsc = mem[mem["org"] == f"UNSC_elected_{SCENARIO_YEAR + 1}"].set_index("iso3")
    term_end = pd.to_numeric(unsc["since"]).astype(int) + 1
    if len(term_end) != 10 or not set(term_end) <= {SCENARIO_YEAR + 1, SCENARIO_YEAR + 2}:
        raise ValueError("the 2025 Council must have 10 elected members ending 2025 or 2026")
    out["unsc_term_end"] = term_end.reindex(iso).astype("Int64")

    # ---- population --------------------------------------------------------------
    pop = wb_series(src / "wb_population_1960_2024.csv")
    y0, y1 = POP_GROWTH_YEARS
    out["population"] = [pop.get((i, SCENARIO_YEAR), np.nan) for i in iso]
    require(out["population"].notna().all(), "World Bank population 2024 missing")
    require((out["population"] == base["population_2024"]).all(), "population mismatch")
    out["population"] = out["population"].astype("int64")
    p0 = pd.Series([pop.get((i, y0), np.nan) for i in iso], index=iso)
    p1 = pd.Series([pop.get((i, y1), np.nan) for i in iso], index=iso)
    growth = (p1 / p0) ** (1.0 / (y1 - y0)) - 1.0
    fill = subregion_median(growth, sub)
    for i in iso[growth.isna()]:
        log.add("pop_growth_subregion", i, fmt_sig(fill[i], 3))
    out["population_growth"] = growth.fillna(fill)

    # ---- GDP -----------------------------------------------------------------------
    gdp = base["gdp_usd_latest"].astype(float)
    gdp_year = base["gdp_latest_year"]
    for i in iso[gdp_year.notna() & (gdp_year < SCENARIO_YEAR)]:
        log.add("gdp_stale", i, str(int(gdp_year[i])))
    pc = base["gdp_per_capita_usd_2024"].astype(float)
    pc_wb = wb_series(src / "wb_gdp_per_capita_current_usd_1960_2024.csv")
    pc_check = pd.Series([pc_wb.get((i, SCENARIO_YEAR), np.nan) for i in iso], index=iso)
    require(np.allclose(pc.dropna(), pc_check[pc.notna()], rtol=1e-9), "GDP per capita mismatch")
    pc_floor = float(np.percentile(pc.dropna(), GDP_PC_IMPUTE_PERCENTILE))
    stats["gdp_pc_p10"] = pc_floor
    stats["gdp_pc_n"] = int(pc.notna().sum())
    imputed = gdp.isna()
    for i in iso[imputed]:
        gdp[i] = pc_floor * out.loc[i, "population"]
        gdp_year[i] = SCENARIO_YEAR
        log.add("gdp_imputed", i, f"US${gdp[i] / 1e9:.1f} bn")
    out["gdp_usd"] = gdp.round(0)
    out["gdp_year"] = gdp_year.astype(int)
    out["gdp_imputed"] = imputed

    # ---- trend growth ----------------------------------------------------------------
    gr = wb_series(src / "wb_gdp_growth_pct_1990_2024.csv")
    gr = gr[gr.index.get_level_values("Year").isin(TREND_YEARS)]
    counts = gr.groupby(level=0).size().reindex(iso, fill_value=0)
    own = (gr.groupby(level=0).median() / 100.0).reindex(iso)
    own[counts < TREND_MIN_YEARS] = np.nan
    fill = subregion_median(own, sub)
    for i in iso[own.isna()]:
        log.add("trend_subregion", i, f"{counts[i]} yrs; {fmt_sig(fill[i], 3)}")
    trend = own.fillna(fill)
    lo, hi = TREND_CLIP
    for i in iso[(trend < lo) | (trend > hi)]:
        log.add("trend_clipped", i, f"{fmt_sig(trend[i], 3)} -> {hi if trend[i] > hi else lo}")
    out["trend_growth"] = trend.clip(lo, hi)

    # ---- COW NMC: milex, milper, CINC ---------------------------------------------
    nmc = read_csv(src / "cow_nmc_v7_1816_2022.csv")
    nmc = nmc.set_index(["ccode", "year"]).sort_index()
    if ((nmc[["milex", "milper"]] < 0).any()).any():
        raise ValueError("negative (coded missing) NMC values")
    ccode = base["cow_code"].astype(int)
    n22 = nmc.xs(MILEX_YEAR, level="year").reindex(ccode.values)
    n22.index = iso
    out["milper_thousands"] = n22["milper"]
    out["cinc_cow_2022"] = n22["cinc"]
    require(
        np.allclose(n22["milex"].fillna(-1), base["milex_usd_thousands_2022_cow"].fillna(-1)),
        "COW milex mismatch with countries_2024.csv",
    )

    gdp_wb = wb_series(src / "wb_gdp_current_usd_1960_2023.csv")

    def wb_gdp(i: str, year: int) -> tuple[float, str]:
        """World Bank GDP of ``i`` in ``year``: current-US$ series, else per capita x pop."""
        if (i, year) in gdp_wb.index:
            return gdp_wb[(i, year)], "NY.GDP.MKTP.CD"
        if (i, year) in pc_wb.index and (i, year) in pop.index:
            return pc_wb[(i, year)] * pop[(i, year)], "NY.GDP.PCAP.CD x SP.POP.TOTL"
        return np.nan, ""

    milex = pd.Series(np.nan, index=iso)
    milex_year = pd.Series(np.nan, index=iso)
    share = pd.Series(np.nan, index=iso)
    milex_imputed = pd.Series(False, index=iso)
    for i in iso:
        m = n22.loc[i, "milex"]
        if pd.notna(m):
            milex[i], milex_year[i] = m * 1000.0, MILEX_YEAR
            denom, how = wb_gdp(i, MILEX_YEAR)
            if how.startswith("NY.GDP.PCAP"):
                log.add("milex_denom_pc", i, f"{MILEX_YEAR}")
            if pd.isna(denom):
                denom = gdp[i]
                log.add("milex_denom_latest", i, f"{MILEX_YEAR} milex / {int(gdp_year[i])} GDP")
            share[i] = milex[i] / denom
            continue
        hist = nmc.loc[ccode[i]]["milex"].dropna()
        hist = hist[(hist.index >= MILEX_EARLIEST) & (hist.index < MILEX_YEAR)]
        for year in sorted(hist.index, reverse=True):
            denom, _ = wb_gdp(i, int(year))
            if pd.notna(denom):
                milex[i], milex_year[i] = hist[year] * 1000.0, year
                share[i] = milex[i] / denom
                milex_imputed[i] = True
                log.add("milex_earlier_year", i, str(int(year)))
                break
            log.add("milex_year_skipped_no_gdp", i, str(int(year)))
    observed_2022 = share.where(~milex_imputed & milex.notna())
    fill = subregion_median(observed_2022, sub)
    for i in iso[milex.isna()]:
        share[i] = fill[i]
        milex[i] = fill[i] * gdp[i]
        milex_year[i] = gdp_year[i]
        milex_imputed[i] = True
        log.add("milex_subregion_share", i, f"{fmt_sig(100 * fill[i], 3)}% of GDP")
    out["milex_usd"] = milex.round(0)
    out["milex_year"] = milex_year.astype(int)
    out["milex_share_gdp"] = share
    out["milex_imputed"] = milex_imputed

    # ---- UNGA ideal points -------------------------------------------------------------
    bsv = read_csv(src / "unga_idealpoints_bsv_july2025.csv")
    ideal = pd.Series(np.nan, index=iso)
    ideal_year = pd.Series(np.nan, index=iso)
    for i in iso:
        rows = bsv[bsv["iso3c"] == i]
        if rows.empty:
            rows = bsv[bsv["ccode"] == ccode[i]]
            log.add("ideal_match_ccode", i, f"ccode {ccode[i]}, iso3c {rows['iso3c'].iloc[0]}")
        for col, rule in (("idealpointfp", None), ("idealpointall", "ideal_all")):
            r = rows[rows[col].notna()].sort_values("year")
            if not r.empty:
                ideal[i], ideal_year[i] = r[col].iloc[-1], r["year"].iloc[-1]
                if rule:
                    log.add(rule, i, str(int(ideal_year[i])))
                elif ideal_year[i] < SCENARIO_YEAR:
                    log.add("ideal_earlier_year", i, str(int(ideal_year[i])))
                break
    has24 = base["ideal_point_fp_2024"].notna()
    require(
        np.allclose(ideal[has24], base.loc[has24, "ideal_point_fp_2024"], atol=1e-6),
        'expected np.allclose(ideal[has24], base.loc[has24, "ideal_point_fp_2024"], atol=1e-6)',
    )
    out["ideal_point"] = ideal
    out["ideal_point_year"] = ideal_year.astype(int)

    # ---- capitals, nuclear forces ------------------------------------------------------
    cap = read_csv(src / "capitals_geonames.csv").set_index("iso3").reindex(iso)
    out["capital"] = cap["capital"]
    out["capital_lat"] = cap["lat"].astype(float)
    out["capital_lon"] = cap["lon"].astype(float)
    nuc = read_csv(src / "nuclear_forces_2025.csv").set_index("iso3")
    out["nuclear_warheads"] = nuc["warheads_total_inventory"].reindex(iso).fillna(0).astype("int64")
    require((out["nuclear_warheads"] == base["nuclear_warheads_2025"]).all(), "warheads")

    out = out[COLUMNS[1:]]
    validate_countries(out)
    return out, stats


def validate_countries(df: pd.DataFrame) -> None:
    """Fail loudly if the country table breaks its contract.

    Args:
        df: The table, index iso3.

    Raises:
        AssertionError: On any violation.
    """
    require(len(df) == 193, len(df))
    require(
        df.index.is_unique and df.index.is_monotonic_increasing,
        "expected df.index.is_unique and df.index.is_monotonic_increasing",
    )
    require(
        df.index.str.fullmatch(r"[A-Z]{3}").all(),
        'expected df.index.str.fullmatch(r"[A-Z]{3}").all()',
    )
    required = [c for c in df.columns if c not in OPTIONAL_COLUMNS]
    gaps = {c: list(df.index[df[c].isna()]) for c in required if df[c].isna().any()}
    require(not gaps, f"unfilled gaps in required columns: {gaps}")
    require(
        set(df["region"]) == {"Africa", "Americas", "Asia", "Europe", "Oceania"},
        'expected set(df["region"]) == {"Africa", "Americas", "Asia", "Europe", "Oceania"}',
    )
    require(
        (df["gdp_usd"] > 0).all() and (df["milex_usd"] >= 0).all(),
        'expected (df["gdp_usd"] > 0).all() and (df["milex_usd"] >= 0).all()',
    )
    require(
        (df["milex_share_gdp"] >= 0).all() and (df["nuclear_warheads"] >= 0).all(),
        'expected (df["milex_share_gdp"] >= 0).all() and (df["nuclear_warheads"] >= 0).all()',
    )
    require(
        df["trend_growth"].between(*TREND_CLIP).all(),
        'expected df["trend_growth"].between(*TREND_CLIP).all()',
    )
    require(
        df["unsc_term_end"].notna().sum() == 10, 'expected df["unsc_term_end"].notna().sum() == 10'
    )
    require(
        not (df["p5"] & df["unsc_term_end"].notna()).any(),
        'expected not (df["p5"] & df["unsc_term_end"].notna()).any()',
    )
    require(
        not (df["brics"] & df["brics_partner"]).any(),
        'expected not (df["brics"] & df["brics_partner"]).any()',
    )


def write_countries(df: pd.DataFrame, path: Path) -> None:
    """Write the country table as a compact, diffable CSV.

    Args:
        df: The table, index iso3.
        path: Output file.
    """
    text = pd.DataFrame(index=df.index)
    for col in df.columns:
        s = df[col]
        if col in ("gdp_usd", "milex_usd"):
            text[col] = s.map(fmt_whole)
        elif col in ("trend_growth", "population_growth", "milex_share_gdp", "ideal_point",
                     "cinc_cow_2022"):  # fmt: skip
            text[col] = s.map(fmt_sig)
        elif col in ("capital_lat", "capital_lon", "milper_thousands"):
            text[col] = s.map(fmt_given)
        elif s.dtype == bool:
            text[col] = s.map(fmt_bool)
        elif col in ("gdp_year", "milex_year", "ideal_point_year", "population",
                     "nuclear_warheads", "unsc_term_end"):  # fmt: skip
            text[col] = s.map(fmt_int)
        else:
            text[col] = s.fillna("")
    text.index.name = "iso3"
    path.parent.mkdir(parents=True, exist_ok=True)
    text.reset_index().to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


# --------------------------------------------------------------------------- dyads


def build_dyads(src: Path, countries: pd.DataFrame, log: GapLog) -> pd.DataFrame:
    """Assemble the table of unordered country pairs.

    Args:
        src: Directory holding the source files.
        countries: The country table (index iso3, sorted), for capitals.
        log: Collects the pairs filled by rule.

    Returns:
        One row per pair with ``iso3_a < iso3_b``, sorted.
    """
    iso = list(countries.index)
    pos = {c: k for k, c in enumerate(iso)}
    dist = distance_matrix_km(countries["capital_lat"].values, countries["capital_lon"].values)
    ia, ib = np.triu_indices(len(iso), k=1)
    dy = pd.DataFrame({
        "iso3_a": np.array(iso, dtype=object)[ia],
        "iso3_b": np.array(iso, dtype=object)[ib],
        "distance_km": np.round(dist[ia, ib], 1),
    })  # fmt: skip

    cep = read_csv(src / "cepii_geodist_dist.csv.gz")
    for col in ("iso_o", "iso_d"):
        cep[col] = cep[col].replace(CEPII_RECODE)
    cep = cep[(cep["iso_o"] < cep["iso_d"]) & cep["iso_o"].isin(pos) & cep["iso_d"].isin(pos)]
    cep = cep.set_index(["iso_o", "iso_d"])[["contig", "comlang_off"]]
    if not cep.index.is_unique:
        raise ValueError("CEPII: duplicate pairs after recoding")
    covered = sorted(set(iso) - set(MISSING_BORDERS))
    missing_in_cepii = (
        set(iso) - set(cep.index.get_level_values(0)) - set(cep.index.get_level_values(1))
    )
    if missing_in_cepii != set(MISSING_BORDERS):
        raise ValueError(
            f"CEPII lacks {sorted(missing_in_cepii)}, expected {sorted(MISSING_BORDERS)}"
        )
    require(
        len(cep) == len(covered) * (len(covered) - 1) // 2,
        "expected len(cep) == len(covered) * (len(covered) - 1) // 2",
    )

    key = pd.MultiIndex.from_arrays([dy["iso3_a"], dy["iso3_b"]])
    found = cep.reindex(key)
    dy["cepii"] = found["contig"].notna().values
    dy["contiguity"] = found["contig"].values == 1.0
    dy["common_language"] = found["comlang_off"].values == 1.0
    stale = [(a, b) in STALE_BORDERS for a, b in zip(dy["iso3_a"], dy["iso3_b"], strict=True)]
    require(
        dy.loc[stale, "contiguity"].all() and sum(stale) == len(STALE_BORDERS),
        'expected dy.loc[stale, "contiguity"].all() and sum(stale) == len(STALE_BORDERS)',
    )
    dy.loc[stale, "contiguity"] = False

    lang = cep["comlang_off"]

    def comlang(a: str, b: str) -> bool:
        """Official common language between two CEPII-covered countries."""
        if a == b:
            return True  # a missing country and its own proxy share the proxy's language
        k = (a, b) if a < b else (b, a)
        return bool(lang[k] == 1.0)

    borders = {tuple(sorted((a, b))) for a, bs in MISSING_BORDERS.items() for b in bs}
    for k in np.flatnonzero(~dy["cepii"].values):
        a, b = dy.at[k, "iso3_a"], dy.at[k, "iso3_b"]
        dy.at[k, "contiguity"] = (a, b) in borders
        dy.at[k, "common_language"] = comlang(LANGUAGE_PROXY.get(a, a), LANGUAGE_PROXY.get(b, b))
    for a, bs in MISSING_BORDERS.items():
        for b in sorted(bs):
            log.add(f"contig_{a}", b)
    for a in LANGUAGE_PROXY:
        sel = ~dy["cepii"] & ((dy["iso3_a"] == a) | (dy["iso3_b"] == a)) & dy["common_language"]
        for r in dy[sel].itertuples():
            log.add(f"comlang_{a}", r.iso3_b if r.iso3_a == a else r.iso3_a)

    require(len(dy) == 193 * 192 // 2, "expected len(dy) == 193 * 192 // 2")
    require((dy["iso3_a"] < dy["iso3_b"]).all(), 'expected (dy["iso3_a"] < dy["iso3_b"]).all()')
    require(
        int((~dy["cepii"]).sum()) == 18528 - len(covered) * (len(covered) - 1) // 2,
        'expected int((~dy["cepii"]).sum()) == 18528 - len(covered) * (len(covered) - 1) // 2',
    )
    require(dy.notna().all().all(), "expected dy.notna().all().all()")
    return dy[["iso3_a", "iso3_b", "distance_km", "contiguity", "common_language", "cepii"]]


def write_dyads(dy: pd.DataFrame, path: Path) -> None:
    """Write the dyad table as Parquet (pyarrow, zstd, no pandas index or metadata).

    Args:
        dy: The dyad table.
        path: Output file.
    """
    table = pa.table({
        "iso3_a": pa.array(dy["iso3_a"].tolist(), pa.string()),
        "iso3_b": pa.array(dy["iso3_b"].tolist(), pa.string()),
        "distance_km": pa.array(dy["distance_km"].to_numpy(float), pa.float64()),
        "contiguity": pa.array(dy["contiguity"].to_numpy(bool), pa.bool_()),
        "common_language": pa.array(dy["common_language"].to_numpy(bool), pa.bool_()),
        "cepii": pa.array(dy["cepii"].to_numpy(bool), pa.bool_()),
    })  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd", write_statistics=True)


# --------------------------------------------------------------------------- DATA.md


def md_table(header: list[str], rows: list[list[str]]) -> str:
    """Render a Markdown table.

    Args:
        header: Column titles.
        rows: Cells, one list per row.

    Returns:
        The table as Markdown lines.
    """
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


#: Source files, what they feed, producer / licence / citation (from the shared README).
SOURCES = [
    [
        "`countries_2024.csv`",
        "names, continent, UN subregion, COW code, latest World Bank GDP and its year,"
        " 2024 GDP per capita (North Korea imputation); cross-checks",
        "Project compilation of the sources below; each column keeps its source's terms.",
    ],
    [
        "`memberships_2025.csv`",
        "UN regional groups, all membership flags, P5, elected Security Council members",
        "Compiled from public facts (organisations' own member lists; UN DPPA, Security"
        " Council membership), status late 2025.",
    ],
    [
        "`wb_population_1960_2024.csv`",
        "`population`, `population_growth`",
        "World Bank, World Development Indicators, SP.POP.TOTL (population, total). CC BY 4.0.",
    ],
    [
        "`wb_gdp_current_usd_1960_2023.csv`",
        "GDP of the military-expenditure year (denominator of `milex_share_gdp`)",
        "World Bank, World Development Indicators, NY.GDP.MKTP.CD (GDP, current US$). CC BY 4.0.",
    ],
    [
        "`wb_gdp_per_capita_current_usd_1960_2024.csv`",
        "GDP 2024 (per capita x population, via `countries_2024.csv`); share denominator fallback",
        "World Bank, World Development Indicators, NY.GDP.PCAP.CD (GDP per capita,"
        " current US$). CC BY 4.0.",
    ],
    [
        "`wb_gdp_growth_pct_1990_2024.csv`",
        "`trend_growth`",
        "World Bank, World Development Indicators, NY.GDP.MKTP.KD.ZG (GDP growth,"
        " annual %). CC BY 4.0.",
    ],
    [
        "`cow_nmc_v7_1816_2022.csv`",
        "`milex_usd`, `milper_thousands`, `cinc_cow_2022`",
        "Correlates of War Project, National Material Capabilities v7.0, free with"
        ' citation. Singer, J. David, Stuart Bremer, and John Stuckey (1972), "Capability'
        ' Distribution, Uncertainty, and Major Power War, 1820-1965", in Bruce Russett'
        " (ed.), *Peace, War, and Numbers*, Beverly Hills: Sage, 19-48. Greig, J. Michael,"
        " and Andrew J. Enterline, *National Material Capabilities (NMC) Data"
        " Documentation, Version 7.0*, Correlates of War Project.",
    ],
    [
        "`unga_idealpoints_bsv_july2025.csv`",
        "`ideal_point`",
        'Bailey, Michael A., Anton Strezhnev, and Erik Voeten (2017), "Estimating Dynamic'
        ' State Preferences from United Nations Voting Data", *Journal of Conflict'
        " Resolution* 61(2): 430-456. Data: Harvard Dataverse, doi:10.7910/DVN/LEJUQZ"
        " (July 2025 release), CC0.",
    ],
    [
        "`capitals_geonames.csv`",
        "`capital`, `capital_lat`, `capital_lon`; dyad distances",
        "GeoNames (geonames.org), CC BY 4.0. Official capitals (Israel: Jerusalem,"
        " Bolivia: Sucre, Cote d'Ivoire: Yamoussoukro).",
    ],
    [
        "`nuclear_forces_2025.csv`",
        "`nuclear_warheads`",
        "SIPRI Yearbook 2025: Armaments, Disarmament and International Security"
        " (Stockholm International Peace Research Institute / Oxford University Press,"
        " 2025), world nuclear forces, estimates for January 2025: headline figures as"
        " reported publicly (facts, cited).",
    ],
    [
        "`cepii_geodist_dist.csv.gz`",
        "dyad `contiguity`, `common_language`",
        "CEPII GeoDist, open licence with attribution. Mayer, Thierry, and Soledad"
        ' Zignago (2011), "Notes on CEPII\'s distances measures: the GeoDist Database",'
        " CEPII Working Paper 2011-25.",
    ],
    [
        "CIA World Factbook",
        "land borders of the four members GeoDist lacks",
        'Central Intelligence Agency, *The World Factbook*, "Land boundaries" entries'
        " (public domain).",
    ],
]


def render_data_md(df: pd.DataFrame, dy: pd.DataFrame, log: GapLog, stats: dict) -> str:
    """Render the data documentation, including every gap list computed in this run.

    Args:
        df: The country table.
        dy: The dyad table.
        log: Gap-rule log.
        stats: Build statistics from :func:`build_countries`.

    Returns:
        Markdown text.
    """
    t = log.text
    n_cepii = int(dy["cepii"].sum())
    n_rule = len(dy) - n_cepii
    members = {c: ", ".join(df.index[df[c]]) for c in MEMBERSHIP_FLAGS}
    count = {c: int(df[c].sum()) for c in MEMBERSHIP_FLAGS}
    unsc_txt = "; ".join(f"{i} {int(v)}" for i, v in df["unsc_term_end"].dropna().items())

    def empty_for(col: str) -> str:
        return ", ".join(df.index[df[col].isna()]) or "none"

    y0, y1 = POP_GROWTH_YEARS
    columns = md_table(["Column", "Derivation"], [
        ["`iso3`", "ISO 3166-1 alpha-3, unique, sorted."],
        ["`name`", "Short name from `countries_2024.csv`."],
        ["`region`", "Continent from `countries_2024.csv` (`America` renamed `Americas`)."],
        ["`subregion`", "UN M49 subregion; the peer group of every median-based gap rule."],
        ["`un_regional_group`", "UN regional group (Security Council elections), from"
         f" `memberships_2025.csv`. Empty only for {', '.join(stats['no_regional_group'])}"
         " (Kiribati belongs to none)."],
        ["`gdp_usd`, `gdp_year`", "`gdp_usd_latest` / `gdp_latest_year` of"
         " `countries_2024.csv`: World Bank GDP, current US$, for 2024 (GDP per capita x"
         " population) or, without a 2024 figure, the latest year. Whole dollars."],
        ["`gdp_imputed`", "True where GDP was imputed (gap rules below)."],
        ["`trend_growth`", "Median World Bank real GDP growth (NY.GDP.MKTP.KD.ZG),"
         f" {TREND_YEARS[0]}-{TREND_YEARS[-1]} without 2020 and 2021, as a fraction per"
         f" year; at least {TREND_MIN_YEARS} observed years; clipped to"
         f" [{TREND_CLIP[0]}, {TREND_CLIP[1]}]. 6 significant digits."],
        ["`population`", f"World Bank SP.POP.TOTL, {SCENARIO_YEAR}."],
        ["`population_growth`", f"Compound annual growth {y0}-{y1}:"
         f" (P{y1}/P{y0})^(1/{y1 - y0}) - 1."],
        ["`milex_usd`, `milex_year`", f"COW NMC v7 `milex` {MILEX_YEAR} x 1000"
         " (**COW milex is in US$ thousands**), current US$; whole dollars."],
        ["`milex_share_gdp`", "`milex_usd` / World Bank GDP (NY.GDP.MKTP.CD) of"
         " `milex_year`, a fraction."],
        ["`milex_imputed`", f"True where military expenditure is not the COW {MILEX_YEAR}"
         " value."],
        ["`milper_thousands`", f"COW NMC v7 `milper` {MILEX_YEAR}, thousands of personnel"
         f" (as given). May be empty; empty for: {empty_for('milper_thousands')}."],
        ["`cinc_cow_2022`", "COW NMC v7 Composite Index of National Capability, 2022,"
         f" 6 significant digits. May be empty; empty for: {empty_for('cinc_cow_2022')}."],
        ["`ideal_point`, `ideal_point_year`", "UNGA ideal point `idealpointfp`"
         f" (Bailey-Strezhnev-Voeten), {SCENARIO_YEAR}, 6 significant digits; matched by"
         " `iso3c`, else by COW `ccode`."],
        ["`capital`, `capital_lat`, `capital_lon`", "GeoNames capitals file; coordinates"
         " (degrees) as given."],
        ["`nuclear_warheads`", "Total warhead inventory, January 2025, SIPRI Yearbook 2025"
         " headline figures (`nuclear_forces_2025.csv`); 0 for all other states."],
        ["`nato` ... `arab_league`, `p5`", "True/False from `memberships_2025.csv` (status"
         " late 2025), UN members only; see the notes below."],
        ["`unsc_term_end`", f"Elected members of the {SCENARIO_YEAR + 1} Security Council:"
         f" last year of the two-year term ({SCENARIO_YEAR + 1}: elected for"
         f" {SCENARIO_YEAR}-{SCENARIO_YEAR + 1}; {SCENARIO_YEAR + 2}: elected for"
         f" {SCENARIO_YEAR + 1}-{SCENARIO_YEAR + 2}). Empty otherwise, P5 included."
         f" Values: {unsc_txt}."],
    ])  # fmt: skip
    dyad_columns = md_table(["Column", "Derivation"], [
        ["`iso3_a`, `iso3_b`", "The pair, `iso3_a < iso3_b`."],
        ["`distance_km`", "Great-circle (haversine) distance between the capitals (GeoNames"
         " coordinates), `sim.geo.distance_matrix_km`, mean Earth radius 6371.0088 km;"
         " rounded to 0.1 km."],
        ["`contiguity`", "CEPII GeoDist `contig`."],
        ["`common_language`", "CEPII GeoDist `comlang_off` (a common official language)."],
        ["`cepii`", f"True where the pair is in GeoDist ({n_cepii:,} pairs); False where"
         f" the two columns above were filled by rule ({n_rule:,} pairs)."],
    ])  # fmt: skip
    missing = md_table(
        ["Missing", "Land borders (contiguity True)", "Language proxy", "Common language with"],
        [
            [a, ", ".join(sorted(bs)), LANGUAGE_PROXY[a], t(f"comlang_{a}")]
            for a, bs in MISSING_BORDERS.items()
        ],
    )
    return f"""# Data: the 2024 world scenario

<!-- Generated by scripts/build_world_2024.py; edit the script, not this file. -->

Tables in `sim/data/world_2024/`:

* `countries.csv`: one row per UN member state (193), sorted by `iso3`.
* `dyads.parquet`: one row per unordered pair of members (18,528), `iso3_a < iso3_b`,
  sorted; written with pyarrow, zstd compression, no index.

## Rebuilding

```
make data    # runs: python scripts/build_world_2024.py
python scripts/build_world_2024.py --sources ../shared/data --out sim/data/world_2024
```

The paths above are the defaults, relative to the repository root (the script works from
any working directory). The build is deterministic: rerunning it gives identical bytes.
It also rewrites this file, because the gap lists below are computed by the script. It
fails loudly if a required column has a gap that no rule below fills, if there are not
193 unique members, or if sources that should agree do not.

## Sources

The raw files are not shipped; they are described in `../shared/data/README.md`. All
may be redistributed with attribution. SIPRI military-expenditure figures are
deliberately **not** used (SIPRI's terms restrict reuse): military expenditure comes
from the Correlates of War (COW).

{md_table(["File", "Used for", "Producer, licence, citation"], SOURCES)}

Not used by this build (in the shared data for other steps): COW Dyadic Trade v4.0
(Barbieri, Katherine, and Omar M. G. Keshk (2016), *Correlates of War Project
Trade Data Set Codebook, Version 4.0*; free with citation), the raw UNGA roll-call votes
(Voeten, Erik, "United Nations General Assembly Voting Data", Harvard Dataverse, CC0),
the GeoDist country file (CEPII, as above) and the largest-polygon centroids (360info
and geoBoundaries, CC BY 4.0).

## countries.csv: columns

{columns}

Membership notes (from `memberships_2025.csv`; counts are of UN members):

* `nato` ({count["nato"]}), `eu` ({count["eu"]}), `g7` ({count["g7"]}), `g20`
  ({count["g20"]}: the country members; the EU and the African Union also belong to the
  G20 but are not countries).
* `brics` ({count["brics"]}): full members only: {members["brics"]}.
  `brics_partner` ({count["brics_partner"]}): {members["brics_partner"]}.
  **Saudi Arabia** ({", ".join(stats["brics_invited"])}) was invited (August 2023) but
  has not formally confirmed membership: it is *neither* member nor partner here.
* `sco` ({count["sco"]}): members only; the observers
  ({", ".join(stats["sco_observers"])}) are False.
* `eaeu` ({count["eaeu"]}): {members["eaeu"]}.
* `csto` ({count["csto"]}): {members["csto"]}. **Armenia**
  ({", ".join(stats["csto_frozen"])}) counts as a member although it froze its
  participation in 2024.
* `asean` ({count["asean"]}): includes {", ".join(stats["asean_2025"])} (Timor-Leste),
  admitted in October 2025.
* `au` ({count["au"]}): every UN member of the African Union, **including the suspended
  ones**: {", ".join(stats["au_suspended"])} (suspended after coups: Mali 2021, Guinea
  2021, Sudan 2021, Burkina Faso 2022, Niger 2023; Madagascar in October 2025; such
  statuses change, verify before use).
* `arab_league` ({count["arab_league"]}): UN members of the Arab League (Syria included).
* `p5`: {members["p5"]}.
* Non-UN entries of `memberships_2025.csv` dropped: {", ".join(stats["non_un_members"])}
  (the Sahrawi Republic in the AU, Palestine in the Arab League).

## dyads.parquet: columns

{dyad_columns}

GeoDist uses its 2011 country list; codes recoded ROM->ROU, ZAR->COD, TMP->TLS,
YUG->SRB.

## Gap-filling rules (and the countries each touched in this build)

No gap is filled silently: every rule lists what it changed. Everything not listed here
is complete in the sources, and the script asserts that.

### GDP

* **Latest year instead of 2024.** Without a World Bank 2024 GDP, `gdp_usd` is the
  Bank's latest figure and `gdp_year` its year (`gdp_imputed` False). Stale figures are
  kept as the rule says: a known caveat (Venezuela's latest World Bank GDP is from 2014,
  Eritrea's from 2011, South Sudan's from 2015). Touched: {t("gdp_stale")}.
* **No World Bank GDP at all: imputed.** GDP per capita = the
  {GDP_PC_IMPUTE_PERCENTILE}th percentile of 2024 GDP per capita across the
  {stats["gdp_pc_n"]} UN members that have one (numpy linear interpolation:
  US${stats["gdp_pc_p10"]:,.2f}), times the 2024 population; `gdp_year` {SCENARIO_YEAR},
  `gdp_imputed` True. Touched: {t("gdp_imputed")}.

### Trend growth

* **Too few years: subregion median.** A country needs at least {TREND_MIN_YEARS}
  observed years of real GDP growth among {", ".join(map(str, TREND_YEARS))}; otherwise
  it takes the median trend of the countries of its UN subregion that have one (before
  clipping). Touched (observed years; value): {t("trend_subregion")}.
* **Clipping** to [{TREND_CLIP[0]}, {TREND_CLIP[1]}]. Clipped (raw -> clipped):
  {t("trend_clipped")}.

### Population growth

* **Missing: subregion median.** Touched: {t("pop_growth_subregion")}.

### Military expenditure

COW milex is in **US$ thousands**; `milex_usd` = milex x 1000.

* **Share denominator.** `milex_share_gdp` divides by the World Bank GDP
  (NY.GDP.MKTP.CD) of `milex_year`. Where that series lacks the year, World Bank GDP per
  capita x population of that year is used: {t("milex_denom_pc")}. Where both lack it,
  the latest World Bank GDP (`gdp_usd`, an earlier year) is used, a caveat:
  {t("milex_denom_latest")}. Military expenditure is still the observed COW
  {MILEX_YEAR} value for these rows (`milex_imputed` False).
* **No COW {MILEX_YEAR} value: latest earlier COW year.** The latest COW year from
  {MILEX_EARLIEST} on with a milex value *and* a World Bank GDP for that year (so the
  share is of one year); `milex_year` is that year, `milex_imputed` True. Touched (year
  used): {t("milex_earlier_year")}. COW years passed over for lack of World Bank GDP:
  {t("milex_year_skipped_no_gdp")}.
* **No COW value since {MILEX_EARLIEST}: subregion median share.** `milex_share_gdp` =
  median share of the countries of its UN subregion with an observed COW {MILEX_YEAR}
  value; `milex_usd` = share x `gdp_usd`; `milex_year` = `gdp_year`; `milex_imputed`
  True. Touched (share): {t("milex_subregion_share")}. Caveat: North Korea gets the
  East Asian median share of an imputed GDP, surely far below its real effort.

### UNGA ideal point

* Matched by `iso3c`; where the file lacks the code, by COW `ccode`:
  {t("ideal_match_ccode")}.
* **No {SCENARIO_YEAR} `idealpointfp`: latest year with one.** Touched (year used):
  {t("ideal_earlier_year")}.
* **No `idealpointfp` at all: latest `idealpointall`.** Touched: {t("ideal_all")}.

### Dyads: members missing from GeoDist

GeoDist (2011) lacks South Sudan, Montenegro, Liechtenstein and Monaco. For their
{n_rule:,} pairs (`cepii` False):

* `contiguity` is True only for the land borders hand-coded from the CIA World Factbook
  ("Land boundaries"; UN members only, so Kosovo is omitted for Montenegro).
* `common_language`: the pair (X, Y) takes GeoDist's `comlang_off` of (proxy(X),
  proxy(Y)), where proxy maps a missing country to a country with its official language
  and is the identity otherwise; a country and its own proxy share a language (MNE-SRB,
  LIE-AUT, MCO-FRA, SSD-UGA True). South Sudan's official language is English, so its
  proxy is Uganda rather than Arabic-speaking Sudan.

{missing}

Borders corrected (set to False, `cepii` stays True): GeoDist's `YUG` is Serbia *and
Montenegro*, so after recoding Serbia would keep Montenegro's border with Albania
(ALB-SRB); GeoDist's `SDN` is Sudan before South Sudan's independence, so Sudan would keep
borders that are now South Sudan's (KEN-SDN, SDN-UGA, COD-SDN).

## Gravity calibration

See `gravity.md`.

## Security Council record

`council_record_2011_2024.csv`: resolutions adopted and vetoes cast by each permanent
member, 2011-2024, the calibration target of the Council phase; every figure has its source
and a `verified` column (see `sim/council/CALIBRATION.md`). Compiled by hand from UN press
releases, the Secretariat's *Highlights of Security Council Practice* and Security Council
Report, not rebuilt by this script.
"""


# --------------------------------------------------------------------------- main


def print_report(df: pd.DataFrame, dy: pd.DataFrame, log: GapLog) -> None:
    """Print the gap lists and a few check numbers.

    Args:
        df: The country table.
        dy: The dyad table.
        log: Gap-rule log.
    """
    print("Gap rules:")
    for rule in sorted(log.rules):
        print(f"  {rule}: {log.text(rule)}")
    print(f"countries: {len(df)} rows; world GDP US${df['gdp_usd'].sum() / 1e12:.2f} trillion")
    print(f"dyads: {len(dy)} rows, {int(dy['cepii'].sum())} from CEPII")


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, build and write the tables and DATA.md.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", default="../shared/data",
                        help="source directory, relative to the repo root")  # fmt: skip
    parser.add_argument("--out", default="sim/data/world_2024",
                        help="output directory, relative to the repo root")  # fmt: skip
    parser.add_argument("--doc", default="sim/data/DATA.md",
                        help="data documentation to write, relative to the repo root")  # fmt: skip
    args = parser.parse_args(argv)
    src = REPO_ROOT / args.sources
    out = REPO_ROOT / args.out
    doc = REPO_ROOT / args.doc

    log = GapLog()
    countries, stats = build_countries(src, log)
    dyads = build_dyads(src, countries, log)
    write_countries(countries, out / "countries.csv")
    write_dyads(dyads, out / "dyads.parquet")
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(render_data_md(countries, dyads, log, stats), encoding="utf-8")
    print_report(countries, dyads, log)


if __name__ == "__main__":
    main()
