"""Rebuild a shipped world scenario (2000, 2014 or 2024) from the raw source files.

Reads the public source files collected in ``../shared/data`` (see the README there for
provenance) and writes, deterministically (same bytes on every run), for the year ``Y``:

* ``sim/data/world_Y/countries.csv``: one row per UN member state that existed at the end
  of ``Y`` (193 for 2014 and 2024, 190 for 2000), sorted by iso3;
* ``sim/data/world_Y/dyads.parquet``: one row per unordered pair of members: distance,
  contiguity, common language and the security relations of ``Y`` (ongoing strategic
  rivalry, ATOP defence pact and any alliance, years of militarized disputes and of armed
  conflict on opposite sides; see :func:`add_security`);
* the data documentation (``sim/data/DATA.md`` for 2024, ``sim/data/world_Y/DATA.md``
  otherwise): sources, licences, citations, column derivations and every gap-filling rule
  together with the countries it touched (computed by this script).

The politics of a world (``scenario.yaml``: blocs, conflicts, sanctions, strategies) are
written by hand, with their sources, not by this script.

Usage (paths default to these, relative to the repository root, from any cwd)::

    python scripts/build_world.py --year 2024 --sources ../shared/data --out sim/data/world_2024

The script fails loudly (``ValueError``) when a required column has a gap that no
documented rule fills, or when the sources disagree with each other.
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

#: The shipped worlds, by scenario year.
WORLD_YEARS = (2000, 2014, 2024)
#: The year of ``countries_2024.csv`` (names, codes, capitals and the 2024 figures).
BASE_YEAR = 2024
#: Pandemic years left out of trend growth.
TREND_EXCLUDED = (2020, 2021)
#: Minimum number of observed years for a country's own trend growth.
TREND_MIN_YEARS = 4
#: Bounds on trend growth (fraction per year).
TREND_CLIP = (-0.02, 0.08)
#: Span (years) of the compound annual population growth that ends in the scenario year.
POP_GROWTH_SPAN = 5
#: Percentile of GDP per capita used to impute GDP where the World Bank has none.
GDP_PC_IMPUTE_PERCENTILE = 10
#: Years after the scenario year searched for a first World Bank GDP (earlier worlds).
GDP_LATER_YEARS = 5
#: Last year of COW NMC v7; military expenditure of a later world is that of this year.
COW_LAST_YEAR = 2022
#: Years before the COW reference year searched for an earlier milex value.
MILEX_LOOKBACK = 12
#: Last year of the World Bank PPP extract (price levels of later worlds are of this year).
PPP_LAST_YEAR = 2021
#: UN members that were not yet independent states (iso3 -> first year at its end):
#: Timor-Leste (independent 20 May 2002), Montenegro (3 June 2006), South Sudan (9 July
#: 2011). A world of year Y holds the members that existed at the end of Y.
EXISTS_FROM = {"TLS": 2002, "MNE": 2006, "SSD": 2011}


def trend_years(year: int) -> list[int]:
    """Years of the trend growth of a world: the decade ending in ``year``, pandemic excluded."""
    return [y for y in range(year - 9, year + 1) if y not in TREND_EXCLUDED]


def milex_year(year: int) -> int:
    """COW reference year of military expenditure for a world of ``year``."""
    return min(year, COW_LAST_YEAR)


def price_year(year: int) -> int:
    """Year of the price level of a world of ``year``."""
    return min(year, PPP_LAST_YEAR)


def status_year(year: int) -> int:
    """The year whose end fixes memberships and Council seats: the first simulated year."""
    return year + 1


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
#: Sudan's independence (Kenya, Uganda and DR Congo now border South Sudan only). Pair ->
#: first year the border is stale (the split's year); earlier worlds keep it.
STALE_BORDERS = {("ALB", "SRB"): 2006, ("KEN", "SDN"): 2011, ("SDN", "UGA"): 2011,
                 ("COD", "SDN"): 2011}  # fmt: skip

# ---- security relations of the dyads (rivalries, alliances, disputes, armed conflicts) ----
#: Last year the Thompson-Sakuwa-Suhas strategic-rivalry data code: a rivalry whose `end` is
#: this year was still going when the coding stopped, so it counts as ongoing at any later
#: scenario year (the build checks that no rivalry ends later).
RIVALRY_CODED_THROUGH = 2020
#: Code errors in the rivalry file, corrected: tssr_id -> (rivalry name, column, code in the
#: file, correct COW code, why).
TSS_CODE_FIXES = {
    165: ("Eguatorial Guinea-Gabon", "ccode1", 438, 411,
          "the Equatorial Guinea-Gabon rivalry is coded 438, which is Guinea; Equatorial"
          " Guinea is COW 411"),
}  # fmt: skip
#: ATOP obligation columns; `alliance` is any of them, `defense_pact` the first.
ATOP_OBLIGATIONS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
#: Length in years of the windows of `dispute_years` (GML MID) and `conflict_years` (UCDP).
DISPUTE_WINDOW = 10
CONFLICT_WINDOW = 10
#: Security columns of the dyad table, in file order.
SECURITY_COLUMNS = ("rivalry", "defense_pact", "alliance", "dispute_years", "conflict_years")
#: Pairs shown in DATA.md (iso3_a < iso3_b).
SECURITY_EXAMPLES = [
    ("CHN", "IND"), ("IND", "PAK"), ("KOR", "PRK"), ("IRN", "SAU"), ("RUS", "USA"),
    ("CHN", "USA"), ("RUS", "UKR"), ("ARM", "AZE"), ("JPN", "USA"), ("KOR", "USA"),
    ("GRC", "TUR"), ("ISR", "SYR"), ("DEU", "FRA"), ("AUS", "NZL"), ("CHL", "NOR"),
]  # fmt: skip
#: Correlates of War codes (rivalries, ATOP, MID) of former states whose records are read
#: as those of the member that continues them.
COW_CONTINUED = {
    260: ("DEU", "German Federal Republic (West Germany), 1955-1990; Germany is COW 255 from"
                 " 1990"),
    678: ("YEM", "Yemen Arab Republic (North Yemen), to 1990; Yemen is COW 679 from 1990"),
}  # fmt: skip
#: COW codes of states that are not UN members in 2024: their records are dropped (counted).
COW_NON_MEMBERS = {
    265: "German Democratic Republic (to 1990)",
    315: "Czechoslovakia (to 1992)",
    347: "Kosovo",
    680: "Yemen People's Republic (South Yemen, to 1990)",
    713: "Taiwan",
    817: "Republic of Vietnam (South Vietnam, to 1975)",
}
#: Members whose code in UCDP differs from `gw_code` in countries_2024.csv:
#: iso3 -> (gw_code in countries_2024.csv, code UCDP uses, why).
UCDP_CODE_FIXES = {
    "CZE": (315, 316, "Gleditsch-Ward 315 is Czechoslovakia (to 1992), the Czech Republic 316"),
    "SRB": (340, 345, "UCDP keeps 345 (Yugoslavia, then Serbia and Montenegro) for Serbia;"
                      " the Gleditsch-Ward list has 340 from 2006"),
    "VNM": (817, 816, "816 is Vietnam (the Democratic Republic, North Vietnam until 1976),"
                      " 817 the Republic of Vietnam (to 1975)"),
    "YEM": (680, 678, "678 is Yemen (the Arab Republic, continued by unified Yemen in 1990),"
                      " 680 South Yemen (to 1990)"),
}  # fmt: skip
#: UCDP (Gleditsch-Ward) codes of states that are not UN members in 2024: dropped (counted).
UCDP_NON_MEMBERS = {
    315: "Czechoslovakia (to 1992)",
    347: "Kosovo",
    680: "South Yemen (to 1990)",
    713: "Taiwan",
    751: "Hyderabad (1947-1948)",
    817: "Republic of Vietnam (to 1975)",
}

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
#: Members per flag, by the year whose end fixes them (``status_year``): the build checks
#: these against the sources.
EXPECTED_COUNTS = {
    2025: {"nato": 32, "eu": 27, "g7": 7, "g20": 19, "brics": 10, "brics_partner": 10,
           "sco": 10, "eaeu": 5, "csto": 6, "asean": 11, "au": 54, "arab_league": 21, "p5": 5},
    2015: {"nato": 28, "eu": 28, "g7": 7, "g20": 19, "brics": 5, "brics_partner": 0,
           "sco": 6, "eaeu": 5, "csto": 6, "asean": 10, "au": 53, "arab_league": 21, "p5": 5},
    2001: {"nato": 19, "eu": 15, "g7": 7, "g20": 19, "brics": 0, "brics_partner": 0,
           "sco": 6, "eaeu": 0, "csto": 6, "asean": 10, "au": 52, "arab_league": 21, "p5": 5},
}  # fmt: skip
#: Membership spells that ``memberships_2025.csv`` (status late 2025) no longer shows:
#: (org, iso3, first year, last year a member at the year's end, source).
FORMER_MEMBERSHIPS = [
    ("EU", "GBR", 1973, 2019, "acceded 1 January 1973; withdrew 31 January 2020"),
    ("AU", "MAR", 1963, 1984, "OAU founder; withdrew in November 1984, readmitted to the AU"
                              " on 30 January 2017"),
    ("CSTO", "AZE", 1994, 1998, "Collective Security Treaty; did not renew it in April 1999"),
    ("CSTO", "GEO", 1994, 1998, "Collective Security Treaty; did not renew it in April 1999"),
    ("CSTO", "UZB", 1994, 1998, "Collective Security Treaty; did not renew it in April 1999"),
    ("CSTO", "UZB", 2006, 2011, "rejoined in August 2006; suspended its membership in June"
                                " 2012"),
]  # fmt: skip
#: Entry years for rows of ``memberships_2025.csv`` whose ``since`` is empty and that joined
#: after 2001 (an empty ``since`` otherwise means a member since before 2001: the G7 since
#: 1975-76, the G20 since 1999, the OAU/AU and the Arab League members before 2001).
SINCE_FILLS = {
    ("AU", "MAR"): (2017, "readmitted 30 January 2017"),
    ("AU", "SSD"): (2011, "admitted 27 July 2011"),
}
#: The organisation an earlier world flags as ``au``: the OAU until the AU replaced it (9
#: July 2002); the OAU's members became the AU's.
AU_FOUNDED = 2002
#: Elected members of the Council in the first simulated year of the earlier worlds: iso3 ->
#: last year of the two-year term, from the General Assembly's elections of October 1999
#: and 2000 (for 2001) and of October 2013 and 2014 (for 2015), as listed on the UN's
#: "Countries elected members of the Security Council" page (un.org/securitycouncil).
COUNCIL_SEATS = {
    2001: {"BGD": 2001, "JAM": 2001, "MLI": 2001, "TUN": 2001, "UKR": 2001,
           "COL": 2002, "IRL": 2002, "MUS": 2002, "NOR": 2002, "SGP": 2002},
    2015: {"TCD": 2015, "CHL": 2015, "JOR": 2015, "LTU": 2015, "NGA": 2015,
           "AGO": 2016, "MYS": 2016, "NZL": 2016, "ESP": 2016, "VEN": 2016},
}  # fmt: skip
#: Total nuclear warhead inventories of the earlier worlds (the 2024 world reads
#: ``nuclear_forces_2025.csv``), approximate by nature. 2014: SIPRI Yearbook 2014, world
#: nuclear forces, January 2014 (midpoints of the ranges given for India, Pakistan and North
#: Korea). 2000: Norris & Kristensen (2006), "Global nuclear stockpiles, 1945-2006",
#: Bulletin of the Atomic Scientists 62(4): 64-66, for the five NPT nuclear-weapon states;
#: India and Pakistan: midpoints of the Bulletin's Nuclear Notebook estimates "India's
#: nuclear forces, 2002" (30-35) and "Pakistan's nuclear forces, 2001" (24-48); Israel:
#: about 80, the estimate of Kristensen & Norris (2014), "Israeli nuclear weapons, 2014",
#: used for 2000 too (the column is context: no mechanism reads it).
NUCLEAR_HISTORY = {
    2014: {"USA": 7300, "RUS": 8000, "GBR": 225, "FRA": 300, "CHN": 250, "IND": 100,
           "PAK": 110, "ISR": 80, "PRK": 7},
    2000: {"USA": 10577, "RUS": 21000, "GBR": 185, "FRA": 470, "CHN": 400, "IND": 32,
           "PAK": 36, "ISR": 80},
}  # fmt: skip

COLUMNS = [
    "iso3", "name", "region", "subregion", "un_regional_group",
    "gdp_usd", "gdp_year", "gdp_imputed", "trend_growth",
    "population", "population_growth",
    "milex_usd", "milex_year", "milex_share_gdp", "milex_imputed",
    "milper_thousands", "cinc_cow", "price_level", "price_level_mean",
    "ideal_point", "ideal_point_year",
    "capital", "capital_lat", "capital_lon",
    "nuclear_warheads",
    *MEMBERSHIP_FLAGS,
    "unsc_term_end",
]  # fmt: skip
#: Columns that may be empty (everything else must be complete).
OPTIONAL_COLUMNS = {
    "un_regional_group", "milper_thousands", "cinc_cow", "price_level", "price_level_mean",
    "unsc_term_end",
}  # fmt: skip


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
        raise ValueError(f"build_world: {message}")


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


def since_year(org: str, iso3: str, since: str) -> int:
    """First year of a membership from ``memberships_2025.csv``'s ``since``.

    Args:
        org: Organisation.
        iso3: Member.
        since: The ``since`` cell: a year, ``1992/1994`` (the first counts) or empty.

    Returns:
        The year; ``SINCE_FILLS`` for the empty cells listed there, 0 (a member before
        2001) for the other empty cells.
    """
    if (org, iso3) in SINCE_FILLS:
        return SINCE_FILLS[(org, iso3)][0]
    since = str(since).strip()
    if not since or since == "nan":
        return 0
    return int(since[:4])


def membership_flags(mem: pd.DataFrame, iso: pd.Index, year: int) -> pd.DataFrame:
    """Boolean membership columns as they stood at the end of ``status_year(year)``.

    A row of ``memberships_2025.csv`` counts when its status is one of the flag's accepted
    statuses and it began by then (:func:`since_year`); the spells of
    ``FORMER_MEMBERSHIPS`` that cover that year are added.

    Args:
        mem: ``memberships_2025.csv``, UN members only.
        iso: The members of the world.
        year: Scenario year.

    Returns:
        One boolean column per ``MEMBERSHIP_FLAGS`` entry, index ``iso``.
    """
    at = status_year(year)
    out = pd.DataFrame(index=iso)
    for col, (org, statuses) in MEMBERSHIP_FLAGS.items():
        rows = mem[mem["org"] == org]
        unknown = set(rows["status"]) - statuses - {
            "observer", "partner", "invited", "member",
        }  # fmt: skip
        if unknown:
            raise ValueError(f"{org}: unexpected statuses {sorted(unknown)}")
        began = np.array([since_year(org, r.iso3, r.since) <= at for r in rows.itertuples()], bool)
        members = set(rows.loc[rows["status"].isin(statuses) & began, "iso3"])
        members |= {i for o, i, first, last, _ in FORMER_MEMBERSHIPS
                    if o == org and first <= at <= last}  # fmt: skip
        out[col] = iso.isin(sorted(members))
        n, expected = int(out[col].sum()), EXPECTED_COUNTS[at][col]
        if n != expected:
            raise ValueError(f"{col}: {n} members at the end of {at}, expected {expected}")
    return out


def build_countries(src: Path, year: int, log: GapLog) -> tuple[pd.DataFrame, dict]:
    """Assemble the per-country table of the world of ``year``.

    Args:
        src: Directory holding the source files.
        year: Scenario year (one of ``WORLD_YEARS``).
        log: Collects the countries touched by each gap rule.

    Returns:
        The table (index iso3, columns ``COLUMNS`` minus iso3, typed values) and a dict of
        build statistics used in DATA.md.
    """
    stats: dict = {}
    base = read_csv(src / "countries_2024.csv").sort_values("iso3").set_index("iso3")
    if len(base) != 193 or not base.index.is_unique:
        raise ValueError("countries_2024.csv must list 193 unique UN members")
    stats["not_yet"] = sorted(i for i, first in EXISTS_FROM.items() if first > year)
    base = base.drop(stats["not_yet"])
    iso = base.index
    out = pd.DataFrame(index=iso)
    out["name"] = base["name"]
    out["region"] = base["continent"].map(CONTINENT_TO_REGION)
    out["subregion"] = base["un_subregion"]
    sub = out["subregion"]

    # ---- memberships (long table) -------------------------------------------------
    mem = read_csv(src / "memberships_2025.csv")
    non_un = mem[~mem["iso3"].isin(base.index.union(stats["not_yet"]))]
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

    flags = membership_flags(mem, iso, year)
    for col in MEMBERSHIP_FLAGS:
        out[col] = flags[col]

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

    at = status_year(year)
    if year == BASE_YEAR:
        unsc = mem[mem["org"] == f"UNSC_elected_{at}"].set_index("iso3")
        term_end = pd.to_numeric(unsc["since"]).astype(int) + 1
    else:
        term_end = pd.Series(COUNCIL_SEATS[at])
    if len(term_end) != 10 or not set(term_end) <= {at, at + 1}:
        raise ValueError(f"the {at} Council must have 10 elected members ending {at} or {at + 1}")
    require(set(term_end.index) <= set(iso), "an elected Council member is not in the world")
    out["unsc_term_end"] = term_end.reindex(iso).astype("Int64")

    # ---- population --------------------------------------------------------------
    pop = wb_series(src / "wb_population_1960_2024.csv")
    y0, y1 = year - POP_GROWTH_SPAN, year
    out["population"] = [pop.get((i, year), np.nan) for i in iso]
    require(out["population"].notna().all(), f"World Bank population {year} missing")
    if year == BASE_YEAR:
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
    pc_wb = wb_series(src / "wb_gdp_per_capita_current_usd_1960_2024.csv")
    gdp_wb = wb_series(src / "wb_gdp_current_usd_1960_2023.csv")

    def wb_gdp(i: str, y: int) -> tuple[float, str]:
        """World Bank GDP of ``i`` in ``y``: current-US$ series, else per capita x pop."""
        if (i, y) in gdp_wb.index:
            return gdp_wb[(i, y)], "NY.GDP.MKTP.CD"
        if (i, y) in pc_wb.index and (i, y) in pop.index:
            return pc_wb[(i, y)] * pop[(i, y)], "NY.GDP.PCAP.CD x SP.POP.TOTL"
        return np.nan, ""

    pc_year = pd.Series([pc_wb.get((i, year), np.nan) for i in iso], index=iso)
    if year == BASE_YEAR:
        gdp = base["gdp_usd_latest"].astype(float)
        gdp_year = base["gdp_latest_year"]
        for i in iso[gdp_year.notna() & (gdp_year < year)]:
            log.add("gdp_stale", i, str(int(gdp_year[i])))
        pc = base["gdp_per_capita_usd_2024"].astype(float)
        require(np.allclose(pc.dropna(), pc_year[pc.notna()], rtol=1e-9), "GDP per capita mismatch")
    else:
        gdp = pd.Series(np.nan, index=iso)
        gdp_year = pd.Series(np.nan, index=iso)
        pc = pc_year
        later = range(year + 1, year + GDP_LATER_YEARS + 1)
        for i in iso:
            for y in (year, *range(year - 1, 1959, -1), *later):
                value, how = wb_gdp(i, y)
                if pd.notna(value):
                    gdp[i], gdp_year[i] = value, y
                    if how.startswith("NY.GDP.PCAP"):
                        log.add("gdp_pc_pop", i, str(y))
                    if y < year:
                        log.add("gdp_stale", i, str(y))
                    elif y > year:
                        log.add("gdp_later", i, str(y))
                    break
    pc_floor = float(np.percentile(pc.dropna(), GDP_PC_IMPUTE_PERCENTILE))
    stats["gdp_pc_p10"] = pc_floor
    stats["gdp_pc_n"] = int(pc.notna().sum())
    imputed = gdp.isna()
    for i in iso[imputed]:
        gdp[i] = pc_floor * out.loc[i, "population"]
        gdp_year[i] = year
        log.add("gdp_imputed", i, f"US${gdp[i] / 1e9:.1f} bn")
    out["gdp_usd"] = gdp.round(0)
    out["gdp_year"] = gdp_year.astype(int)
    out["gdp_imputed"] = imputed

    # ---- trend growth ----------------------------------------------------------------
    if year == BASE_YEAR:
        gr = wb_series(src / "wb_gdp_growth_pct_1990_2024.csv")
    else:  # the growth extract holds 1990, 2000 and 2015-2024 only: growth of constant US$
        kd = read_csv(src / "wb_gdp_constant_and_ppp_1960_2021.csv.gz")
        kd = pd.to_numeric(kd.set_index(["iso3c", "year"])["NY.GDP.MKTP.KD"], errors="coerce")
        kd = kd[kd.index.get_level_values(0).isin(iso)].dropna().sort_index()
        require(kd.index.is_unique, "constant-US$ GDP: duplicate (country, year) rows")
        kd.index = kd.index.set_names(["Country Code", "Year"])
        before = kd.copy()
        before.index = pd.MultiIndex.from_arrays(
            [kd.index.get_level_values(0), kd.index.get_level_values(1) + 1],
            names=kd.index.names,
        )
        gr = (100.0 * (kd / before.reindex(kd.index) - 1.0)).dropna()
    gr = gr[gr.index.get_level_values("Year").isin(trend_years(year))]
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
    ref = milex_year(year)
    earliest = ref - MILEX_LOOKBACK
    n22 = nmc.xs(ref, level="year").reindex(ccode.values)
    n22.index = iso
    out["milper_thousands"] = n22["milper"]
    out["cinc_cow"] = n22["cinc"]
    if year == BASE_YEAR:
        require(
            np.allclose(n22["milex"].fillna(-1), base["milex_usd_thousands_2022_cow"].fillna(-1)),
            "COW milex mismatch with countries_2024.csv",
        )

    milex = pd.Series(np.nan, index=iso)
    milex_yr = pd.Series(np.nan, index=iso)
    share = pd.Series(np.nan, index=iso)
    milex_imputed = pd.Series(False, index=iso)
    for i in iso:
        m = n22.loc[i, "milex"]
        if pd.notna(m):
            milex[i], milex_yr[i] = m * 1000.0, ref
            denom, how = wb_gdp(i, ref)
            if how.startswith("NY.GDP.PCAP"):
                log.add("milex_denom_pc", i, f"{ref}")
            if pd.isna(denom):
                denom = gdp[i]
                log.add("milex_denom_latest", i, f"{ref} milex / {int(gdp_year[i])} GDP")
            share[i] = milex[i] / denom
            continue
        hist = nmc.loc[ccode[i]]["milex"].dropna() if ccode[i] in nmc.index else pd.Series()
        hist = hist[(hist.index >= earliest) & (hist.index < ref)]
        for y in sorted(hist.index, reverse=True):
            denom, _ = wb_gdp(i, int(y))
            if pd.notna(denom):
                milex[i], milex_yr[i] = hist[y] * 1000.0, y
                share[i] = milex[i] / denom
                milex_imputed[i] = True
                log.add("milex_earlier_year", i, str(int(y)))
                break
            log.add("milex_year_skipped_no_gdp", i, str(int(y)))
    observed = share.where(~milex_imputed & milex.notna())
    fill = subregion_median(observed, sub)
    for i in iso[milex.isna()]:
        share[i] = fill[i]
        milex[i] = fill[i] * gdp[i]
        milex_yr[i] = gdp_year[i]
        milex_imputed[i] = True
        log.add("milex_subregion_share", i, f"{fmt_sig(100 * fill[i], 3)}% of GDP")
    out["milex_usd"] = milex.round(0)
    out["milex_year"] = milex_yr.astype(int)
    out["milex_share_gdp"] = share
    out["milex_imputed"] = milex_imputed

    # ---- price level -----------------------------------------------------------------
    ppp = pd.read_csv(src / "wb_gdp_constant_and_ppp_1960_2021.csv.gz", na_values=["NA"])
    ppp = ppp.set_index(["iso3c", "year"])["NY.GDP.MKTP.PP.CD"].astype(float).dropna()
    py = price_year(year)
    level = pd.Series(np.nan, index=iso)
    mean = pd.Series(np.nan, index=iso)
    for i in iso:
        decade = [gdp_wb[(i, y)] / ppp[(i, y)] for y in range(py - 9, py + 1)
                  if (i, y) in gdp_wb.index and (i, y) in ppp.index]  # fmt: skip
        if (i, py) in gdp_wb.index and (i, py) in ppp.index:
            level[i] = gdp_wb[(i, py)] / ppp[(i, py)]
        else:
            log.add("price_level_missing", i)
        if len(decade) >= TREND_MIN_YEARS:
            mean[i] = float(np.exp(np.mean(np.log(decade))))
        elif pd.notna(level[i]):
            log.add("price_mean_missing", i, f"{len(decade)} yrs")
    out["price_level"] = level
    out["price_level_mean"] = mean

    # ---- UNGA ideal points -------------------------------------------------------------
    bsv_all = read_csv(src / "unga_idealpoints_bsv_july2025.csv")
    bsv = bsv_all[bsv_all["year"] <= year]
    ideal = pd.Series(np.nan, index=iso)
    ideal_year = pd.Series(np.nan, index=iso)
    for i in iso:
        rows = bsv[bsv["iso3c"] == i]
        if rows.empty:
            rows = bsv[bsv["ccode"] == ccode[i]]
            if not rows.empty:
                log.add("ideal_match_ccode", i, f"ccode {ccode[i]}, iso3c {rows['iso3c'].iloc[0]}")
        if rows.empty:  # no vote yet by the scenario year (a new member): its first year
            later = bsv_all[(bsv_all["iso3c"] == i) & bsv_all["idealpointfp"].notna()]
            first = later.sort_values("year").iloc[:1]
            if not first.empty:
                ideal[i], ideal_year[i] = first["idealpointfp"].iloc[0], first["year"].iloc[0]
                log.add("ideal_later_year", i, str(int(ideal_year[i])))
            continue
        for col, rule in (("idealpointfp", None), ("idealpointall", "ideal_all")):
            r = rows[rows[col].notna()].sort_values("year")
            if not r.empty:
                ideal[i], ideal_year[i] = r[col].iloc[-1], r["year"].iloc[-1]
                if rule:
                    log.add(rule, i, str(int(ideal_year[i])))
                elif ideal_year[i] < year:
                    log.add("ideal_earlier_year", i, str(int(ideal_year[i])))
                break
    if year == BASE_YEAR:
        has24 = base["ideal_point_fp_2024"].notna()
        require(
            np.allclose(ideal[has24], base.loc[has24, "ideal_point_fp_2024"], atol=1e-6),
            "ideal points differ from countries_2024.csv",
        )
    out["ideal_point"] = ideal
    out["ideal_point_year"] = ideal_year.astype(int)

    # ---- capitals, nuclear forces ------------------------------------------------------
    cap = read_csv(src / "capitals_geonames.csv").set_index("iso3").reindex(iso)
    out["capital"] = cap["capital"]
    out["capital_lat"] = cap["lat"].astype(float)
    out["capital_lon"] = cap["lon"].astype(float)
    if year == BASE_YEAR:
        nuc = read_csv(src / "nuclear_forces_2025.csv").set_index("iso3")
        warheads = nuc["warheads_total_inventory"]
    else:
        warheads = pd.Series(NUCLEAR_HISTORY[year])
    out["nuclear_warheads"] = warheads.reindex(iso).fillna(0).astype("int64")
    if year == BASE_YEAR:
        require((out["nuclear_warheads"] == base["nuclear_warheads_2025"]).all(), "warheads")

    out = out[COLUMNS[1:]]
    validate_countries(out, len(iso))
    return out, stats


def validate_countries(df: pd.DataFrame, n: int) -> None:
    """Fail loudly if the country table breaks its contract.

    Args:
        df: The table, index iso3.
        n: The expected number of members.

    Raises:
        ValueError: On any violation.
    """
    require(len(df) == n, len(df))
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
                     "cinc_cow", "price_level", "price_level_mean"):  # fmt: skip
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


def build_dyads(src: Path, countries: pd.DataFrame, year: int, log: GapLog) -> pd.DataFrame:
    """Assemble the table of unordered country pairs.

    Args:
        src: Directory holding the source files.
        countries: The country table (index iso3, sorted), for capitals.
        year: Scenario year (which borders are stale).
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
    missing = set(MISSING_BORDERS) & set(iso)
    covered = sorted(set(iso) - missing)
    missing_in_cepii = (
        set(iso) - set(cep.index.get_level_values(0)) - set(cep.index.get_level_values(1))
    )
    if missing_in_cepii != missing:
        raise ValueError(f"CEPII lacks {sorted(missing_in_cepii)}, expected {sorted(missing)}")
    require(
        len(cep) == len(covered) * (len(covered) - 1) // 2,
        "expected len(cep) == len(covered) * (len(covered) - 1) // 2",
    )

    key = pd.MultiIndex.from_arrays([dy["iso3_a"], dy["iso3_b"]])
    found = cep.reindex(key)
    dy["cepii"] = found["contig"].notna().values
    dy["contiguity"] = found["contig"].values == 1.0
    dy["common_language"] = found["comlang_off"].values == 1.0
    stale_now = {pair for pair, first in STALE_BORDERS.items() if first <= year}
    stale = [(a, b) in stale_now for a, b in zip(dy["iso3_a"], dy["iso3_b"], strict=True)]
    require(
        dy.loc[stale, "contiguity"].all() and sum(stale) == len(stale_now),
        "a stale GeoDist border is missing from the pairs",
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
            if a in pos and b in pos:
                log.add(f"contig_{a}", b)
    for a in LANGUAGE_PROXY:
        sel = ~dy["cepii"] & ((dy["iso3_a"] == a) | (dy["iso3_b"] == a)) & dy["common_language"]
        for r in dy[sel].itertuples():
            log.add(f"comlang_{a}", r.iso3_b if r.iso3_a == a else r.iso3_a)

    n_pairs = len(iso) * (len(iso) - 1) // 2
    require(len(dy) == n_pairs, f"expected {n_pairs} pairs, got {len(dy)}")
    require((dy["iso3_a"] < dy["iso3_b"]).all(), 'expected (dy["iso3_a"] < dy["iso3_b"]).all()')
    require(
        int((~dy["cepii"]).sum()) == n_pairs - len(covered) * (len(covered) - 1) // 2,
        "the pairs outside GeoDist are not exactly those of the members it lacks",
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
        **{c: pa.array(dy[c].to_numpy(bool), pa.bool_())
           for c in ("rivalry", "defense_pact", "alliance")},
        **{c: pa.array(dy[c].to_numpy(np.int64), pa.int64())
           for c in ("dispute_years", "conflict_years")},
    })  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd", write_statistics=True)


# --------------------------------------------------------------------------- security relations


def member_codes(src: Path, iso: pd.Index) -> tuple[dict[int, str], dict[int, str], dict[str, int]]:
    """Code tables of the members: COW codes and the codes UCDP uses, each to iso3.

    COW codes are ``cow_code`` of ``countries_2024.csv`` plus the former states of
    ``COW_CONTINUED``; UCDP codes are its ``gw_code`` with the corrections of
    ``UCDP_CODE_FIXES``.

    Args:
        src: Directory holding the source files.
        iso: The members (iso3), for a cross-check.

    Returns:
        ``(cow, ucdp, listed)``: COW code -> iso3, UCDP code -> iso3, and iso3 -> the
        ``gw_code`` listed in ``countries_2024.csv``.
    """
    base = read_csv(src / "countries_2024.csv").set_index("iso3")
    require(set(iso) <= set(base.index), "members missing from countries_2024.csv")
    base = base.loc[sorted(iso)]
    for col in ("cow_code", "gw_code"):
        require(base[col].notna().all(), f"countries_2024.csv: {col} has gaps")
        require(base[col].is_unique, f"countries_2024.csv: {col} is not unique")
    cow = {int(c): i for i, c in base["cow_code"].items()}
    for code, (member, _) in COW_CONTINUED.items():
        require(code not in cow, f"COW {code} is a member's own code")
        require(member in base.index, f"COW {code}: {member} is not a member")
        cow[code] = member
    listed = base["gw_code"].astype(int).to_dict()
    gw = dict(listed)
    for member, (in_file, used, _) in UCDP_CODE_FIXES.items():
        require(gw[member] in (in_file, used),
                f"countries_2024.csv: gw_code of {member} is {gw[member]}, expected {in_file}"
                f" (or {used})")  # fmt: skip
        gw[member] = used
    ucdp = {c: i for i, c in gw.items()}
    require(len(ucdp) == len(gw), "UCDP codes are not unique after the corrections")
    for codes, non in ((cow, COW_NON_MEMBERS), (ucdp, UCDP_NON_MEMBERS)):
        clash = sorted(set(codes) & set(non))
        require(not clash, f"codes listed both as members and as non-members: {clash}")
    return cow, ucdp, listed


def code_to_iso(
    codes: pd.Series, members: dict[int, str], non_members: dict[int, str], source: str
) -> pd.Series:
    """Map state codes to member iso3 (missing for a known non-member); fail on any other.

    Args:
        codes: Codes as read (numbers, possibly floats such as ``2.0``).
        members: Code -> iso3 of the members.
        non_members: Code -> name of the known states that are not UN members.
        source: File name for error messages.

    Returns:
        iso3, or missing (NaN) for a known non-member; same index.
    """
    require(codes.notna().all(), f"{source}: missing state codes")
    as_float = codes.astype(float)
    require((as_float == np.round(as_float)).all(), f"{source}: non-integer state codes")
    as_int = as_float.astype(int)
    unknown = sorted(set(as_int) - set(members) - set(non_members))
    require(not unknown, f"{source}: state codes {unknown} are neither UN members nor known"
                         " non-members; add a documented rule")  # fmt: skip
    return as_int.map(lambda c: members.get(c))


def member_pairs(
    df: pd.DataFrame,
    col_a: str,
    col_b: str,
    members: dict[int, str],
    non_members: dict[int, str],
    source: str,
    dropped: dict[str, int],
) -> pd.DataFrame:
    """Replace two state-code columns by the member pair ``iso3_a < iso3_b``.

    Rows involving a non-member are dropped and counted in ``dropped`` (by state).

    Args:
        df: Records with two code columns.
        col_a: First code column.
        col_b: Second code column.
        members: Code -> iso3 of the members.
        non_members: Code -> name of known non-members.
        source: File name for error messages.
        dropped: Updated in place: ``"name (code)"`` -> number of records dropped.

    Returns:
        The kept records with ``iso3_a``, ``iso3_b`` added.
    """
    a = code_to_iso(df[col_a], members, non_members, source)
    b = code_to_iso(df[col_b], members, non_members, source)
    keep = a.notna() & b.notna()
    for col, iso in ((col_a, a), (col_b, b)):
        for code in sorted(df.loc[iso.isna(), col].astype(int)):
            key = f"{non_members[code]} ({code})"
            dropped[key] = dropped.get(key, 0) + 1
    out = df[keep].copy()
    a, b = a[keep], b[keep]
    require((a != b).all(), f"{source}: a state paired with itself after mapping codes")
    out["iso3_a"] = np.where(a < b, a, b)
    out["iso3_b"] = np.where(a < b, b, a)
    return out


def ongoing_rivalries(
    src: Path, cow: dict[int, str], year: int, stats: dict
) -> set[tuple[str, str]]:
    """Member pairs in a strategic rivalry ongoing at ``year`` (TSS 2022).

    A rivalry is ongoing at ``year`` if ``start <= year`` and either ``end >= year`` or
    ``end`` is ``RIVALRY_CODED_THROUGH`` (still going when the coding stopped).

    Args:
        src: Directory holding the source files.
        cow: COW code -> iso3.
        year: Scenario year.
        stats: Updated with counts for DATA.md.

    Returns:
        The pairs ``(iso3_a, iso3_b)``, ``iso3_a < iso3_b``.
    """
    name = "tss_strategic_rivalries.csv"
    r = read_csv(src / name)
    cols = ["ccode1", "ccode2", "start", "end"]
    require(r[cols].notna().all().all(), f"{name}: gaps in {cols}")
    for tssr_id, (rivalry, col, wrong, right, _) in TSS_CODE_FIXES.items():
        row = r.index[r["tssr_id"] == tssr_id]
        require(len(row) == 1 and r.at[row[0], "rivalry"] == rivalry
                and int(r.at[row[0], col]) == wrong,
                f"{name}: tssr_id {tssr_id} is no longer {rivalry!r} with {col} {wrong};"
                " review TSS_CODE_FIXES")  # fmt: skip
        r.at[row[0], col] = right
    require((r["ccode1"] < r["ccode2"]).all(), f"{name}: expected ccode1 < ccode2")
    require(int(r["end"].max()) == RIVALRY_CODED_THROUGH,
            f"{name}: latest end {int(r['end'].max())}, expected {RIVALRY_CODED_THROUGH}"
            " (update RIVALRY_CODED_THROUGH and DATA.md)")  # fmt: skip
    on = r[(r["start"] <= year) & ((r["end"] >= year) | (r["end"] == RIVALRY_CODED_THROUGH))]
    dropped: dict[str, int] = {}
    pairs = member_pairs(on, "ccode1", "ccode2", cow, COW_NON_MEMBERS, name, dropped)
    kept = set(pairs.index)
    stats["rivalry_ongoing"] = len(on)
    stats["rivalry_dropped"] = dropped
    stats["rivalry_dropped_names"] = sorted(on.loc[~on.index.isin(kept), "rivalry"])
    stats["rivalry_coded_to_end"] = int((on["end"] == RIVALRY_CODED_THROUGH).sum())
    ended = r[r["end"].between(year - 10, year - 1) & (r["end"] < RIVALRY_CODED_THROUGH)]
    stats["rivalry_ended_recently"] = [
        f"{x.rivalry} ({int(x.end)})" for x in ended.sort_values(["end", "rivalry"]).itertuples()
    ]
    return set(zip(pairs["iso3_a"], pairs["iso3_b"], strict=True))


def atop_obligations(
    src: Path, cow: dict[int, str], year: int, stats: dict
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Member pairs with an ATOP defence obligation, and with any ATOP obligation.

    Uses the last ATOP year at or before ``year``; either direction of the directed dyad.

    Args:
        src: Directory holding the source files.
        cow: COW code -> iso3.
        year: Scenario year.
        stats: Updated with the year used and counts.

    Returns:
        ``(defense, alliance)``: sets of pairs ``iso3_a < iso3_b``.
    """
    name = "atop_alliance_dyad_year_1990_2018.csv.gz"
    a = read_csv(src / name)
    require(a[list(ATOP_OBLIGATIONS)].isin([0, 1]).all().all(), f"{name}: flags not 0/1")
    years = a.loc[a["year"] <= year, "year"]
    require(len(years) > 0, f"{name}: no year at or before {year}")
    atop_year = int(years.max())
    a = a[a["year"] == atop_year]
    dropped: dict[str, int] = {}
    a = member_pairs(a, "ccode1", "ccode2", cow, COW_NON_MEMBERS, name, dropped)
    any_obligation = (a[list(ATOP_OBLIGATIONS)] == 1).any(axis=1)
    stats["atop_year"] = atop_year
    stats["atop_dropped"] = dropped
    stats["atop_rows_no_obligation"] = int((~any_obligation).sum())

    def pairs(sel: pd.Series) -> set[tuple[str, str]]:
        return set(zip(a.loc[sel, "iso3_a"], a.loc[sel, "iso3_b"], strict=True))

    return pairs(a["atop_defense"] == 1), pairs(any_obligation)


def dispute_years(src: Path, cow: dict[int, str], year: int, stats: dict) -> pd.Series:
    """Years with an ongoing militarized dispute, per member pair (GML MID v2).

    The window is the ``DISPUTE_WINDOW`` years ending at the last year the data cover at or
    before ``year``.

    Args:
        src: Directory holding the source files.
        cow: COW code -> iso3.
        year: Scenario year.
        stats: Updated with the window and counts.

    Returns:
        Number of distinct years, indexed by ``(iso3_a, iso3_b)`` (pairs with none absent).
    """
    name = "gml_mid_dyad_year_disputes.csv.gz"
    m = read_csv(src / name)
    last = min(year, int(m["year"].max()))
    first = last - DISPUTE_WINDOW + 1
    require(int(m["year"].min()) <= first, f"{name}: does not cover {first}-{last}")
    m = m[m["year"].between(first, last) & (m["gmlmidongoing"] == 1)]
    dropped: dict[str, int] = {}
    m = member_pairs(m, "ccode1", "ccode2", cow, COW_NON_MEMBERS, name, dropped)
    stats["mid_window"] = (first, last)
    stats["mid_dropped"] = dropped
    years = m.drop_duplicates(["iso3_a", "iso3_b", "year"])
    return years.groupby(["iso3_a", "iso3_b"]).size()


def ucdp_codes(text: str) -> list[int]:
    """Parse a UCDP side cell: empty, one code, or a comma-separated list (``"2, 200"``).

    Args:
        text: The cell as text.

    Returns:
        The codes.
    """
    out = []
    for part in str(text).split(","):
        part = part.strip()
        if part:
            value = float(part)
            require(value == round(value), f"UCDP: non-integer state code {part!r}")
            out.append(int(value))
    return out


def conflict_years(src: Path, ucdp: dict[int, str], year: int, stats: dict) -> pd.Series:
    """Years in which two members fought on opposite sides of a UCDP/PRIO armed conflict.

    Side A is ``gwno_a`` and ``gwno_a_2nd`` (secondary supporters), side B ``gwno_b`` and
    ``gwno_b_2nd``; every state of side A is paired with every state of side B, in every
    conflict type (an intrastate conflict has states on side B only when they support the
    rebels). The file has one row per combination of parties, so sides are collected over
    all rows of a conflict-year. The window is the ``CONFLICT_WINDOW`` years ending at the
    last year the data cover at or before ``year``.

    Args:
        src: Directory holding the source files.
        ucdp: UCDP code -> iso3.
        year: Scenario year.
        stats: Updated with the window and counts.

    Returns:
        Number of distinct years, indexed by ``(iso3_a, iso3_b)`` (pairs with none absent).
    """
    name = "ucdp_armed_conflict.csv.gz"
    u = pd.read_csv(src / name, dtype=str, keep_default_na=False)
    u["year"] = pd.to_numeric(u["year"], errors="raise").astype(int)
    last = min(year, int(u["year"].max()))
    first = last - CONFLICT_WINDOW + 1
    require(int(u["year"].min()) <= first, f"{name}: does not cover {first}-{last}")
    u = u[u["year"].between(first, last)]
    records = []
    for (cid, y), rows in u.groupby(["conflict_id", "year"], sort=True):
        side_a = {c for col in ("gwno_a", "gwno_a_2nd") for v in rows[col] for c in ucdp_codes(v)}
        side_b = {c for col in ("gwno_b", "gwno_b_2nd") for v in rows[col] for c in ucdp_codes(v)}
        require(len(side_a) > 0, f"{name}: conflict {cid}, {y}: no state on side A")
        records += [(cid, y, a, b) for a in sorted(side_a) for b in sorted(side_b) if a != b]
    pairs = pd.DataFrame(records, columns=["conflict_id", "year", "code_a", "code_b"])
    dropped: dict[str, int] = {}
    pairs = member_pairs(pairs, "code_a", "code_b", ucdp, UCDP_NON_MEMBERS, name, dropped)
    stats["ucdp_window"] = (first, last)
    stats["ucdp_conflict_years"] = int(u.groupby(["conflict_id", "year"]).ngroups)
    stats["ucdp_dropped"] = dropped
    years = pairs.drop_duplicates(["iso3_a", "iso3_b", "year"])
    return years.groupby(["iso3_a", "iso3_b"]).size()


def add_security(src: Path, dy: pd.DataFrame, year: int) -> tuple[pd.DataFrame, dict]:
    """Add the security columns (``SECURITY_COLUMNS``) to the dyad table for ``year``.

    Args:
        src: Directory holding the source files.
        dy: The dyad table (``iso3_a < iso3_b``, every pair of members once).
        year: Scenario year.

    Returns:
        The table with the new columns, and the build statistics for DATA.md.
    """
    iso = pd.Index(sorted(set(dy["iso3_a"]) | set(dy["iso3_b"])))
    cow, ucdp, listed = member_codes(src, iso)
    stats: dict = {"year": year}
    rivals = ongoing_rivalries(src, cow, year, stats)
    defense, alliance = atop_obligations(src, cow, year, stats)
    disputes = dispute_years(src, cow, year, stats)
    conflicts = conflict_years(src, ucdp, year, stats)
    key = pd.MultiIndex.from_arrays([dy["iso3_a"], dy["iso3_b"]])
    known = set(key)
    for label, pairs in (
        ("rivalry", rivals),
        ("defense_pact", defense),
        ("alliance", alliance),
        ("dispute_years", disputes.index),
        ("conflict_years", conflicts.index),
    ):
        stray = sorted(set(pairs) - known)
        require(not stray, f"{label}: pairs not in the dyad table: {stray[:5]}")  # fmt: skip
    out = dy.copy()
    out["rivalry"] = key.isin(list(rivals))
    out["defense_pact"] = key.isin(list(defense))
    out["alliance"] = key.isin(list(alliance))
    out["dispute_years"] = disputes.reindex(key, fill_value=0).to_numpy(np.int64)
    out["conflict_years"] = conflicts.reindex(key, fill_value=0).to_numpy(np.int64)
    require((out["alliance"] | ~out["defense_pact"]).all(), "a defence pact outside `alliance`")
    require(out["dispute_years"].between(0, DISPUTE_WINDOW).all(), "dispute_years range")
    require(out["conflict_years"].between(0, CONFLICT_WINDOW).all(), "conflict_years range")
    stats["cow"], stats["ucdp"], stats["gw_listed"] = cow, ucdp, listed
    return out, stats


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
        " 2024 GDP per capita (North Korea imputation); cross-checks; COW and"
        " Gleditsch-Ward codes of the dyad security columns",
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
        "`milex_usd`, `milper_thousands`, `cinc_cow`",
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
    [
        "`tss_strategic_rivalries.csv`",
        "dyad `rivalry`",
        "Strategic rivalries 1494-2020: Thompson, William R., Kentaro Sakuwa, and Prashant"
        " Hosur Suhas (2022), *Analyzing Strategic Rivalries in World Politics: Types of"
        " Rivalry, Regional Variation, and Escalation/De-escalation*, Springer; as"
        " distributed in the `peacesciencer` R package (`tss_rivalries`): Miller, Steven V."
        ' (2022), "peacesciencer: An R Package for Quantitative Peace Science Research",'
        " *Conflict Management and Peace Science* 39(6): 755-779. Free for research with"
        " citation. COW state codes.",
    ],
    [
        "`atop_alliance_dyad_year_1990_2018.csv.gz`",
        "dyad `defense_pact`, `alliance`",
        "Alliance Treaty Obligations and Provisions (ATOP) v5, directed dyad-years"
        " 1990-2018, via `peacesciencer` (Miller 2022, above). Leeds, Brett Ashley, Jeffrey"
        ' M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long (2002), "Alliance Treaty'
        ' Obligations and Provisions, 1815-1944", *International Interactions* 28(3):'
        " 237-260. Free with citation. COW state codes.",
    ],
    [
        "`gml_mid_dyad_year_disputes.csv.gz`",
        "dyad `dispute_years`",
        "Gibler-Miller-Little (GML) Militarized Interstate Dispute data v2, non-directed"
        " dyad-years 1946-2010, via `peacesciencer` (Miller 2022, above). Gibler, Douglas M.,"
        ' Steven V. Miller, and Erin K. Little (2016), "An Analysis of the Militarized'
        ' Interstate Dispute (MID) Dataset, 1816-2001", *International Studies Quarterly*'
        " 60(4): 719-730. Free with citation. COW state codes.",
    ],
    [
        "`ucdp_armed_conflict.csv.gz`",
        "dyad `conflict_years`",
        "UCDP/PRIO Armed Conflict Dataset, conflict-years 1946-2024, Uppsala Conflict Data"
        " Program, CC BY 4.0. Gleditsch, Nils Petter, Peter Wallensteen, Mikael Eriksson,"
        ' Margareta Sollenberg, and Håvard Strand (2002), "Armed Conflict 1946-2001: A New'
        ' Dataset", *Journal of Peace Research* 39(5): 615-637. Davies, Shawn, Therése'
        ' Pettersson, Margareta Sollenberg, and Magnus Öberg (2025), "Organized violence'
        ' 1989-2024, and the challenges of identifying civilian victims", *Journal of Peace'
        " Research* 62(4): 1223-1240. Gleditsch-Ward state codes as UCDP uses them.",
    ],
]


def fmt_dropped(dropped: dict[str, int]) -> str:
    """Format the records dropped for non-members, e.g. ``Taiwan (713): 20``, or ``none``.

    Args:
        dropped: ``"name (code)"`` -> number of records.

    Returns:
        The text.
    """
    return ", ".join(f"{k}: {v}" for k, v in sorted(dropped.items())) or "none"


def security_column_rows(dy: pd.DataFrame, sec: dict) -> list[list[str]]:
    """Rows of the dyad column table for the security columns.

    Args:
        dy: The dyad table.
        sec: Statistics from :func:`add_security`.

    Returns:
        Table rows.
    """
    year, atop = sec["year"], sec["atop_year"]
    n = {c: int((dy[c] > 0).sum()) for c in SECURITY_COLUMNS}
    (m0, m1), (u0, u1) = sec["mid_window"], sec["ucdp_window"]
    return [
        ["`rivalry`", f"True if the pair is in a strategic rivalry ongoing in {year}"
         " (Thompson, Sakuwa & Suhas 2022): `start` <= scenario year and either `end` >="
         f" scenario year or `end` = {RIVALRY_CODED_THROUGH}, the last year the data code"
         " (a rivalry still going then is taken to continue). Pairs True:"
         f" {n['rivalry']:,}."],
        ["`defense_pact`", "True if ATOP v5 codes a defence obligation (`atop_defense` = 1)"
         f" in either direction of the directed dyad in {atop}, the last ATOP year at or"
         f" before the scenario year. Pairs True: {n['defense_pact']:,}."],
        ["`alliance`", "True if ATOP codes any obligation (defence, offence, neutrality,"
         f" non-aggression or consultation) in either direction in {atop}; includes every"
         f" `defense_pact`. Pairs True: {n['alliance']:,}."],
        ["`dispute_years`", f"Number of years in {m0}-{m1}, the last {DISPUTE_WINDOW}"
         " years the GML MID v2 data cover up to the scenario year, with a militarized"
         " interstate dispute ongoing between the two (`gmlmidongoing` = 1); whole number"
         f" 0-{DISPUTE_WINDOW}. Pairs above 0: {n['dispute_years']:,}."],
        ["`conflict_years`", f"Number of years in {u0}-{u1} ({CONFLICT_WINDOW} years up to"
         " the scenario year) in which the two were on opposite sides of a UCDP/PRIO armed"
         " conflict: one on side A (`gwno_a` or a secondary party `gwno_a_2nd`), the other"
         " on side B (`gwno_b` or `gwno_b_2nd`); every conflict type, so an intrastate"
         " conflict counts where a state supports the rebels with troops (side B)."
         f" Whole number 0-{CONFLICT_WINDOW}. Pairs above 0: {n['conflict_years']:,}."],
    ]  # fmt: skip


def render_security_md(dy: pd.DataFrame, sec: dict) -> str:
    """Render the section on the dyads' security relations and the state-code rules.

    Args:
        dy: The dyad table.
        sec: Statistics from :func:`add_security`.

    Returns:
        Markdown text.
    """
    year, atop = sec["year"], sec["atop_year"]
    (m0, m1), (u0, u1) = sec["mid_window"], sec["ucdp_window"]
    n = {c: int((dy[c] > 0).sum()) for c in SECURITY_COLUMNS}

    def spread(col: str) -> str:
        counts = dy.loc[dy[col] > 0, col].value_counts().sort_index()
        return ", ".join(f"{k}: {v}" for k, v in counts.items())

    rivals = dy[dy["rivalry"]]
    rival_allied = rivals[rivals["alliance"] & ~rivals["defense_pact"]]
    rival_defense = rivals[rivals["defense_pact"]]

    def pairs_text(rows: pd.DataFrame) -> str:
        return ", ".join(f"{a}-{b}" for a, b in zip(rows["iso3_a"], rows["iso3_b"], strict=True))

    by_pair = dy.set_index(["iso3_a", "iso3_b"])
    examples = md_table(
        ["Pair", "`rivalry`", "`defense_pact`", "`alliance`", "`dispute_years`",
         "`conflict_years`"],
        [[f"{a}-{b}", *(str(by_pair.at[(a, b), c]) for c in SECURITY_COLUMNS)]
         for a, b in SECURITY_EXAMPLES],
    )  # fmt: skip

    cow_of: dict[str, list[int]] = {}
    for code, member in sorted(sec["cow"].items()):
        cow_of.setdefault(member, []).append(code)
    ucdp_of = {member: code for code, member in sec["ucdp"].items()}
    listed = sec["gw_listed"]
    code_rows = [
        [m, ", ".join(map(str, cow_of[m])), str(listed[m]), str(ucdp_of[m])]
        for m in sorted(listed)
        if cow_of[m] != [listed[m]] or ucdp_of[m] != listed[m]
    ]
    codes = md_table(
        ["Member", "COW codes read as it (rivalries, ATOP, MID)",
         "`gw_code` in `countries_2024.csv`", "Code read as it in UCDP"],
        code_rows,
    )  # fmt: skip
    fixes = "; ".join(
        f"{m}: {listed_code} -> {used} ({why})"
        for m, (listed_code, used, why) in UCDP_CODE_FIXES.items()
    )
    continued = "; ".join(f"{c} -> {m} ({why})" for c, (m, why) in COW_CONTINUED.items())
    tss_fixes = "; ".join(
        f"tssr_id {k} ({name}): `{col}` {wrong} -> {right} ({why})"
        for k, (name, col, wrong, right, why) in TSS_CODE_FIXES.items()
    )
    if atop < year:
        atop_lag = (
            f"Its last year, {atop}, is {year - atop} years before the scenario\n  year, so"
            " later treaties are missing: Finland and Sweden joined NATO in 2023 and 2024,\n"
            f"  yet `defense_pact` is {by_pair.at[('FIN', 'USA'), 'defense_pact']} for FIN-USA"
            f" and\n  {by_pair.at[('SWE', 'USA'), 'defense_pact']} for SWE-USA (it is\n"
            f"  {by_pair.at[('DEU', 'FIN'), 'defense_pact']} for DEU-FIN, a pair of EU members)."
        )
    else:
        atop_lag = f"ATOP codes the scenario year itself ({atop})."
    return f"""## Security relations of the dyads

The five columns `rivalry`, `defense_pact`, `alliance`, `dispute_years` and
`conflict_years` describe each pair of members at the scenario year, {year}; the
functions that build them take the scenario year as a parameter (the windows below move
with it). Counts over the {len(dy):,} pairs:

* `rivalry`: {n["rivalry"]} pairs; `defense_pact`: {n["defense_pact"]:,}; `alliance`:
  {n["alliance"]:,}.
* `dispute_years` above 0: {n["dispute_years"]} pairs (years: pairs, {spread("dispute_years")}).
* `conflict_years` above 0: {n["conflict_years"]} pairs (years: pairs,
  {spread("conflict_years")}).

Examples:

{examples}

### Rules and caveats

* **Rivalries.** {sec["rivalry_ongoing"]} rivalries of the file are ongoing at {year}
  ({sec["rivalry_coded_to_end"]} of them coded to {RIVALRY_CODED_THROUGH}, the last year the
  data code, so taken to continue to {year}). Rivalries that ended in the ten years
  before {year} are not ongoing: {", ".join(sec["rivalry_ended_recently"]) or "none"}.
  Dropped because one side is not a UN member:
  {", ".join(sec["rivalry_dropped_names"]) or "none"}. A pair with two rivalries counts
  once. Code corrected: {tss_fixes}. The type flags and `principal` are not used.
* **Alliances.** ATOP is a directed dyad-year file; a pair is True if either direction
  has the obligation. {atop_lag}
  Non-aggression and consultation obligations also come from broad multilateral
  treaties, so `alliance` is True for rivals too: {len(rival_allied)} of the
  {len(rivals)} rival pairs have such an obligation without a defence pact
  ({pairs_text(rival_allied)}), and {len(rival_defense)} have a defence pact as ATOP
  codes it ({pairs_text(rival_defense)}).
  Records kept as coded: `alliance` records treaty obligations, not friendship.
  ATOP dyad-years dropped for a non-member: {fmt_dropped(sec["atop_dropped"])}.
* **Disputes.** The GML MID data end in {m1}, so the window {m0}-{m1} ends {year - m1}
  years before the scenario year: a dated measure of hostility. A year counts once
  however many disputes the pair had. Dyad-years dropped for a non-member:
  {fmt_dropped(sec["mid_dropped"])}.
* **Armed conflicts.** {sec["ucdp_conflict_years"]} UCDP conflict-years in {u0}-{u1}. The
  file holds one row per combination of a conflict-year's parties, so the two sides are
  collected over all rows of a conflict-year before pairing; side cells may hold a
  comma-separated list. Secondary parties are the states UCDP codes as supporting a
  primary party with troops; states on a government's side pair with no one when the
  other side has no state (most intrastate conflicts). Pair-years dropped for a
  non-member: {fmt_dropped(sec["ucdp_dropped"])}.

### State codes

Rivalries, ATOP and MID use Correlates of War (COW) codes, read with `cow_code` of
`countries_2024.csv`; UCDP uses Gleditsch-Ward codes, read with its `gw_code` corrected
where UCDP's code differs. The two systems differ for these members (every other member
has one code in both):

{codes}

* COW: former states read as the member that continues them: {continued}.
* UCDP: `gw_code` corrected to the code UCDP uses: {fixes}.
* 365 is the Soviet Union and then Russia in both systems (RUS); COW 345 is Yugoslavia,
  then Serbia and Montenegro, then Serbia (SRB; Montenegro is 341 from 2006); 626 is South
  Sudan from 2011 in both, 625 Sudan before and after; the Pacific codes differ between
  the systems (COW 970 is Nauru, Gleditsch-Ward 970 Kiribati), so each file is read with
  its own system's codes.
* States that are not UN members: their records are dropped and counted above. COW:
  {", ".join(f"{k} {v}" for k, v in sorted(COW_NON_MEMBERS.items()))}. UCDP:
  {", ".join(f"{k} {v}" for k, v in sorted(UCDP_NON_MEMBERS.items()))}.
* Any other code in a window that is neither a member's nor listed here stops the build.
"""


#: The paragraph an earlier world's DATA.md opens with.
OTHER_WORLDS_NOTE = """\
An earlier world, the start of a hindcast (`docs/VALIDATION.md`). It is built by the
same script and rules as the 2024 world (`sim/data/DATA.md`) from the sources of the
scenario year, except where a source exists only for 2024-2025: names, codes, capitals,
subregions and UN regional groups come from `countries_2024.csv` and
`memberships_2025.csv`; memberships are those in force at the end of the first simulated
year (from the `since` years and the spells listed below); the Council's elected seats
and the nuclear inventories are tables in the script, with their sources.

"""


def render_data_md(
    df: pd.DataFrame, dy: pd.DataFrame, year: int, log: GapLog, stats: dict, sec: dict
) -> str:
    """Render the data documentation, including every gap list computed in this run.

    Args:
        df: The country table.
        dy: The dyad table.
        year: Scenario year.
        log: Gap-rule log.
        stats: Build statistics from :func:`build_countries`.
        sec: Statistics of the security columns from :func:`add_security`.

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

    y0, y1 = year - POP_GROWTH_SPAN, year
    ref, trend_yrs, at = milex_year(year), trend_years(year), status_year(year)
    earliest = ref - MILEX_LOOKBACK
    left_out = [y for y in TREND_EXCLUDED if year - 9 <= y <= year]
    trend_gap = f" without {' and '.join(map(str, left_out))}" if left_out else ""
    if year == BASE_YEAR:
        gdp_source = (
            "`gdp_usd_latest` / `gdp_latest_year` of `countries_2024.csv`: World Bank GDP,"
            " current US$, for 2024 (GDP per capita x population) or, without a 2024 figure,"
            " the latest year. Whole dollars."
        )
        nuclear_source = (
            "Total warhead inventory, January 2025, SIPRI Yearbook 2025 headline figures"
            " (`nuclear_forces_2025.csv`); 0 for all other states."
        )
        council_source = "From `memberships_2025.csv`."
        membership_notes = f"""\
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
  (the Sahrawi Republic in the AU, Palestine in the Arab League)."""
        gdp_rules = f"""\
* **Latest year instead of 2024.** Without a World Bank 2024 GDP, `gdp_usd` is the
  Bank's latest figure and `gdp_year` its year (`gdp_imputed` False). Stale figures are
  kept as the rule says: a known caveat (Venezuela's latest World Bank GDP is from 2014,
  Eritrea's from 2011, South Sudan's from 2015). Touched: {t("gdp_stale")}.
* **No World Bank GDP at all: imputed.** GDP per capita = the
  {GDP_PC_IMPUTE_PERCENTILE}th percentile of 2024 GDP per capita across the
  {stats["gdp_pc_n"]} UN members that have one (numpy linear interpolation:
  US${stats["gdp_pc_p10"]:,.2f}), times the 2024 population; `gdp_year` {year},
  `gdp_imputed` True. Touched: {t("gdp_imputed")}."""
        closing = """## Gravity calibration

See `gravity.md`.

## Security Council record

`council_record_2011_2024.csv`: resolutions adopted and vetoes cast by each permanent
member, 2011-2024, the calibration target of the Council phase; every figure has its source
and a `verified` column (see `sim/council/CALIBRATION.md`). Compiled by hand from UN press
releases, the Secretariat's *Highlights of Security Council Practice* and Security Council
Report, not rebuilt by this script.
"""
    else:
        gdp_source = (
            f"World Bank GDP, current US$ (NY.GDP.MKTP.CD), of {year}; where that series"
            f" lacks {year}, GDP per capita x population (NY.GDP.PCAP.CD x SP.POP.TOTL);"
            " without either, the gap rules below. Whole dollars."
        )
        nuclear_source = (
            "Total warhead inventory, approximate, from the sources listed in"
            " `NUCLEAR_HISTORY` of `scripts/build_world.py` (SIPRI Yearbook 2014 for 2014;"
            " Norris & Kristensen 2006 and the Bulletin's Nuclear Notebooks for 2000); 0 for"
            " all other states. No mechanism reads it."
        )
        council_source = (
            "From the General Assembly's elections (`COUNCIL_SEATS` of `scripts/build_world.py`)."
        )
        former = "; ".join(
            f"{org} {i} {first}-{last} ({why})" for org, i, first, last, why in FORMER_MEMBERSHIPS
        )
        au_body = "the OAU, which the AU replaced in 2002" if at < AU_FOUNDED else "the AU"
        fills = "; ".join(f"{org} {i} {y} ({why})" for (org, i), (y, why) in SINCE_FILLS.items())
        membership_notes = f"""\
Membership notes (counts are of UN members existing at the end of {year}). A flag is
True when `memberships_2025.csv` lists the country with an accepted status (as for 2024:
suspended AU members and Armenia's frozen CSTO participation count) and its `since` is
at or before {at}, the first simulated year; an empty `since` means a member since
before 2001, except where a later entry is known: {fills}. Spells that the 2025 file no
longer shows are added: {former}. Partner, invited and observer statuses are False.

* `nato` ({count["nato"]}), `eu` ({count["eu"]}), `g7` ({count["g7"]}), `g20`
  ({count["g20"]}).
* `brics` ({count["brics"]}): {members["brics"] or "none (the BRIC met from 2009)"};
  `brics_partner` ({count["brics_partner"]}).
* `sco` ({count["sco"]}): {members["sco"]}.
* `eaeu` ({count["eaeu"]}): {members["eaeu"] or "none (founded in 2015)"}.
* `csto` ({count["csto"]}): {members["csto"]} (the Collective Security Treaty before the
  organisation of 2002).
* `asean` ({count["asean"]}); `arab_league` ({count["arab_league"]}, Syria included: its
  suspension of 2011-2023 does not remove the flag, as suspended AU members keep theirs).
* `au` ({count["au"]}): {au_body}; Morocco is out (1984-2017).
* `p5`: {members["p5"]}."""
        gdp_rules = f"""\
* **GDP per capita x population.** Where the current-US$ series lacks the year but the
  per-capita series has it: {t("gdp_pc_pop")}.
* **Latest earlier year.** Without a World Bank GDP for {year}, the latest earlier year
  (`gdp_year` that year): {t("gdp_stale")}.
* **Earliest later year.** Without any earlier figure, the first of the
  {GDP_LATER_YEARS} following years with one (a current-US$ figure of a later year):
  {t("gdp_later")}.
* **No World Bank GDP at all: imputed.** GDP per capita = the
  {GDP_PC_IMPUTE_PERCENTILE}th percentile of {year} GDP per capita across the
  {stats["gdp_pc_n"]} members that have one (US${stats["gdp_pc_p10"]:,.2f}), times the
  {year} population; `gdp_imputed` True. Touched: {t("gdp_imputed")}."""
        closing = ""
    not_yet = (
        f" Left out, not yet independent at the end of {year}:"
        f" {', '.join(f'{i} ({EXISTS_FROM[i]})' for i in stats['not_yet'])}."
        if stats["not_yet"]
        else ""
    )
    columns = md_table(["Column", "Derivation"], [
        ["`iso3`", "ISO 3166-1 alpha-3, unique, sorted."],
        ["`name`", "Short name from `countries_2024.csv`."],
        ["`region`", "Continent from `countries_2024.csv` (`America` renamed `Americas`)."],
        ["`subregion`", "UN M49 subregion; the peer group of every median-based gap rule."],
        ["`un_regional_group`", "UN regional group (Security Council elections), from"
         f" `memberships_2025.csv`. Empty only for {', '.join(stats['no_regional_group'])}"
         " (Kiribati belongs to none)."],
        ["`gdp_usd`, `gdp_year`", gdp_source],
        ["`gdp_imputed`", "True where GDP was imputed (gap rules below)."],
        ["`trend_growth`", "Median World Bank real GDP growth (NY.GDP.MKTP.KD.ZG),"
         f" {trend_yrs[0]}-{trend_yrs[-1]}{trend_gap}, as a fraction per"
         f" year; at least {TREND_MIN_YEARS} observed years; clipped to"
         f" [{TREND_CLIP[0]}, {TREND_CLIP[1]}]. 6 significant digits."],
        ["`population`", f"World Bank SP.POP.TOTL, {year}."],
        ["`population_growth`", f"Compound annual growth {y0}-{y1}:"
         f" (P{y1}/P{y0})^(1/{y1 - y0}) - 1."],
        ["`milex_usd`, `milex_year`", f"COW NMC v7 `milex` {ref} x 1000"
         " (**COW milex is in US$ thousands**), current US$; whole dollars."],
        ["`milex_share_gdp`", "`milex_usd` / World Bank GDP (NY.GDP.MKTP.CD) of"
         " `milex_year`, a fraction."],
        ["`milex_imputed`", f"True where military expenditure is not the COW {ref}"
         " value."],
        ["`milper_thousands`", f"COW NMC v7 `milper` {ref}, thousands of personnel"
         f" (as given). May be empty; empty for: {empty_for('milper_thousands')}."],
        ["`cinc_cow`", f"COW NMC v7 Composite Index of National Capability, {ref},"
         f" 6 significant digits. May be empty; empty for: {empty_for('cinc_cow')}."],
        ["`price_level`", "World Bank GDP in current US$ (NY.GDP.MKTP.CD) over GDP at"
         f" purchasing-power parity in current international $ (NY.GDP.MKTP.PP.CD),"
         f" {price_year(year)} (the last year of the PPP extract at or before {year}): the"
         " price level relative to the United States (1). 6 significant digits. May be"
         f" empty; empty for: {empty_for('price_level')}."],
        ["`price_level_mean`", "Geometric mean of the same ratio over"
         f" {price_year(year) - 9}-{price_year(year)}, the years with both figures (at least"
         f" {TREND_MIN_YEARS}): the level real exchange rates revert to. 6 significant"
         f" digits. May be empty; empty for: {empty_for('price_level_mean')}."],
        ["`ideal_point`, `ideal_point_year`", "UNGA ideal point `idealpointfp`"
         f" (Bailey-Strezhnev-Voeten), {year}, 6 significant digits; matched by"
         " `iso3c`, else by COW `ccode`."],
        ["`capital`, `capital_lat`, `capital_lon`", "GeoNames capitals file; coordinates"
         " (degrees) as given."],
        ["`nuclear_warheads`", nuclear_source],
        ["`nato` ... `arab_league`, `p5`", "True/False from `memberships_2025.csv` (status"
         f" at the end of {at}, the first simulated year), UN members only; see the notes"
         " below."],
        ["`unsc_term_end`", f"Elected members of the {at} Security Council (the first"
         f" simulated year): last year of the two-year term ({at}: elected for"
         f" {at - 1}-{at}; {at + 1}: elected for {at}-{at + 1}). Empty otherwise, P5"
         f" included. Values: {unsc_txt}. {council_source}"],
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
        *security_column_rows(dy, sec),
    ])  # fmt: skip
    missing = md_table(
        ["Missing", "Land borders (contiguity True)", "Language proxy", "Common language with"],
        [
            [a, ", ".join(sorted(bs)), LANGUAGE_PROXY[a], t(f"comlang_{a}")]
            for a, bs in MISSING_BORDERS.items()
        ],
    )
    return f"""# Data: the {year} world scenario

<!-- Generated by scripts/build_world.py --year {year}; edit the script, not this file. -->

Tables in `sim/data/world_{year}/`:

* `countries.csv`: one row per UN member state that existed at the end of {year}
  ({len(df)}), sorted by `iso3`.{not_yet}
* `dyads.parquet`: one row per unordered pair of members ({len(dy):,}), `iso3_a < iso3_b`,
  sorted; written with pyarrow, zstd compression, no index.
* `scenario.yaml`: the politics of the start year (blocs, wars, sanctions, great-power
  strategies, events), written by hand with its sources; not rebuilt by the script.

{"" if year == BASE_YEAR else OTHER_WORLDS_NOTE}## Rebuilding

```
make data    # runs the script below for {", ".join(map(str, WORLD_YEARS))}
python scripts/build_world.py --year {year} --sources ../shared/data --out sim/data/world_{year}
```

The paths above are the defaults, relative to the repository root (the script works from
any working directory). The build is deterministic: rerunning it gives identical bytes.
It also rewrites this file, because the gap lists below are computed by the script. It
fails loudly if a required column has a gap that no rule below fills, if the members or
the memberships differ from what is expected, or if sources that should agree do not.

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

{membership_notes}

## dyads.parquet: columns

{dyad_columns}

GeoDist uses its 2011 country list; codes recoded ROM->ROU, ZAR->COD, TMP->TLS,
YUG->SRB. The five security columns (`rivalry` ... `conflict_years`), their state-code
rules and examples are in "Security relations of the dyads" below.

## Gap-filling rules (and the countries each touched in this build)

No gap is filled silently: every rule lists what it changed. Everything not listed here
is complete in the sources, and the script asserts that.

### GDP

{gdp_rules}

### Trend growth

* **Too few years: subregion median.** A country needs at least {TREND_MIN_YEARS}
  observed years of real GDP growth among {", ".join(map(str, trend_yrs))}; otherwise
  it takes the median trend of the countries of its UN subregion that have one (before
  clipping). Touched (observed years; value): {t("trend_subregion")}.
* **Clipping** to [{TREND_CLIP[0]}, {TREND_CLIP[1]}]. Clipped (raw -> clipped):
  {t("trend_clipped")}.

### Population growth

* **Missing: subregion median.** Touched: {t("pop_growth_subregion")}.

### Price level

* **Missing** (no PPP or no current-US$ GDP for {price_year(year)}): left empty; the model
  then puts the country on the cross-country price-income line. Touched:
  {t("price_level_missing")}.
* **Too few years for the decade mean** (fewer than {TREND_MIN_YEARS}): `price_level_mean`
  empty; the model then takes the start level as the country's own mean. Touched:
  {t("price_mean_missing")}.

### Military expenditure

COW milex is in **US$ thousands**; `milex_usd` = milex x 1000.

* **Share denominator.** `milex_share_gdp` divides by the World Bank GDP
  (NY.GDP.MKTP.CD) of `milex_year`. Where that series lacks the year, World Bank GDP per
  capita x population of that year is used: {t("milex_denom_pc")}. Where both lack it,
  the latest World Bank GDP (`gdp_usd`, an earlier year) is used, a caveat:
  {t("milex_denom_latest")}. Military expenditure is still the observed COW
  {ref} value for these rows (`milex_imputed` False).
* **No COW {ref} value: latest earlier COW year.** The latest COW year from
  {earliest} on with a milex value *and* a World Bank GDP for that year (so the
  share is of one year); `milex_year` is that year, `milex_imputed` True. Touched (year
  used): {t("milex_earlier_year")}. COW years passed over for lack of World Bank GDP:
  {t("milex_year_skipped_no_gdp")}.
* **No COW value since {earliest}: subregion median share.** `milex_share_gdp` =
  median share of the countries of its UN subregion with an observed COW {ref}
  value; `milex_usd` = share x `gdp_usd`; `milex_year` = `gdp_year`; `milex_imputed`
  True. Touched (share): {t("milex_subregion_share")}. Caveat: North Korea gets the
  East Asian median share of an imputed GDP, surely far below its real effort.

### UNGA ideal point

* Matched by `iso3c`; where the file lacks the code, by COW `ccode`:
  {t("ideal_match_ccode")}.
* **No {year} `idealpointfp`: latest year with one.** Touched (year used):
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

{render_security_md(dy, sec)}
{closing}"""


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
    print("security: " + ", ".join(f"{c} {int((dy[c] > 0).sum())}" for c in SECURITY_COLUMNS))


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, build and write the tables and DATA.md of one world.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=BASE_YEAR, choices=WORLD_YEARS,
                        help="scenario year")  # fmt: skip
    parser.add_argument("--sources", default="../shared/data",
                        help="source directory, relative to the repo root")  # fmt: skip
    parser.add_argument("--out", default=None,
                        help="output directory, relative to the repo root"
                             " (default sim/data/world_YEAR)")  # fmt: skip
    parser.add_argument("--doc", default=None,
                        help="data documentation to write, relative to the repo root (default"
                             " sim/data/DATA.md for 2024, else OUT/DATA.md)")  # fmt: skip
    args = parser.parse_args(argv)
    year = args.year
    src = REPO_ROOT / args.sources
    out = REPO_ROOT / (args.out or f"sim/data/world_{year}")
    if args.doc:
        doc = REPO_ROOT / args.doc
    else:
        doc = REPO_ROOT / "sim/data/DATA.md" if year == BASE_YEAR else out / "DATA.md"

    log = GapLog()
    countries, stats = build_countries(src, year, log)
    dyads = build_dyads(src, countries, year, log)
    dyads, security = add_security(src, dyads, year)
    write_countries(countries, out / "countries.csv")
    write_dyads(dyads, out / "dyads.parquet")
    doc.parent.mkdir(parents=True, exist_ok=True)
    text = render_data_md(countries, dyads, year, log, stats, security)
    doc.write_text(text, encoding="utf-8")
    print(f"world_{year}:")
    print_report(countries, dyads, log)


if __name__ == "__main__":
    main()
