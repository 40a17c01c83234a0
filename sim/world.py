"""Scenario worlds: the country and dyad tables a model starts from, their schema and checks.

A world is a folder holding `countries.csv` (or `.parquet`), one row per country, optionally
`dyads.csv` (or `.parquet`), one row per unordered pair of countries, and optionally
`scenario.yaml`, the politics in force at the end of the data year (`Politics`: the year, the
blocs, wars, sanctions, great-power strategies and scheduled events the model starts from).
The shipped worlds, `world_2000`, `world_2014` and `world_2024`, are built from public sources
by `scripts/build_world.py`; their provenance is in `sim/data/DATA.md`, and their politics
files cite their own sources. Users point a model at their own folder with the same
schema (`WorldModel(scenario="path/to/folder")`); every value is checked on loading, and a bad
file fails with a `ScenarioError` naming the file, row, column and what was expected.

Two kinds of rule guard a value. A column's hard bounds (`Column.low`, `Column.high`) say what
can be meant at all (a GDP > 0, a latitude in [-90, 90]); they always hold. Its plausible range
(`Column.plausible`, and `PLAUSIBLE_RATIOS` for GDP per head) says what a real state's value
can be (a population of 500 to 10 billion); a value outside it is almost always a unit slip (a
population in thousands, a GDP in millions) and fails too, unless the check is relaxed on
purpose with `load_world(folder, plausibility=False)`.
"""

from __future__ import annotations

import csv
import errno
import functools
import io
import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.geo import distance_matrix_km

UN_REGIONAL_GROUPS = ("African", "Asia-Pacific", "Eastern European", "GRULAC", "WEOG")
MEMBERSHIPS = (
    "nato",
    "eu",
    "g7",
    "g20",
    "brics",
    "brics_partner",
    "sco",
    "eaeu",
    "csto",
    "asean",
    "au",
    "arab_league",
)


class ScenarioError(ValueError):
    """A scenario file is missing, malformed, or holds a value outside its column's rules."""


@dataclass(frozen=True)
class Column:
    """One column of a scenario table and the rule its values must follow.

    Attributes:
        name: Column name in the file.
        kind: One of "str", "float", "int", "bool".
        required: The column must be present in the file.
        nullable: Empty cells are allowed (missing data).
        default: Value used when an optional column is absent (None: missing).
        low: Smallest allowed value (numbers).
        high: Largest allowed value (numbers).
        low_open: The lower bound is strict (value must be > low).
        pattern: Regular expression a string must match in full.
        choices: Allowed string values.
        plausible: (low, high), inclusive: the range every real state's value lies in (numbers).
            Checked after the hard bounds, unless loading with `plausibility=False`.
        doc: What the column holds, with units.
    """

    name: str
    kind: str
    required: bool = False
    nullable: bool = False
    default: object = None
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    pattern: str | None = None
    choices: tuple[str, ...] | None = None
    plausible: tuple[float, float] | None = None
    doc: str = ""

    def expectation(self) -> str:
        """Describe the allowed values in words, for error messages."""
        kind = {"str": "text", "float": "a number", "int": "a whole number", "bool": "true/false"}
        parts = [kind[self.kind]]
        if self.pattern:
            parts.append(f"matching {self.pattern}")
        if self.choices:
            parts.append("one of " + ", ".join(self.choices))
        if self.low is not None:
            parts.append(f"{'>' if self.low_open else '>='} {self.low:g}")
        if self.high is not None:
            parts.append(f"<= {self.high:g}")
        return " ".join(parts)

    def plausibility(self) -> str:
        """Describe the plausible range in words, for error messages."""
        low, high = self.plausible
        return f"a plausible value, between {low:g} and {high:g}{_RELAX}"


#: How to relax the plausibility checks, appended to their error messages.
_RELAX = " (the range of real states; load_world(..., plausibility=False) allows it)"

#: Whole numbers are held as int64 through floats: beyond 2**53 they are no longer exact.
_LARGEST_WHOLE = 2**53


@dataclass(frozen=True)
class Ratio:
    """A plausibility check on the ratio of two columns of the same row.

    Attributes:
        name: What the ratio is, for error messages ("GDP per head").
        numerator: Column name.
        denominator: Column name.
        low: Smallest plausible ratio (inclusive).
        high: Largest plausible ratio (inclusive).
        unit: Unit of the ratio, for error messages.
    """

    name: str
    numerator: str
    denominator: str
    low: float
    high: float
    unit: str = ""


# Plausible ranges (`Column.plausible`, `PLAUSIBLE_RATIOS`), checked against the three shipped
# worlds (2000, 2014, 2024; 190-193 states each) and set wide of them, so that every real state
# passes and a unit slip (a factor of 1,000 or a million) mostly does not:
# - gdp_usd 1e5 .. 1e16 US$: the shipped range is Tuvalu's 1.5e7 (2000) to the United States'
#   2.9e13 (2024); world GDP in 2024 was about 1.1e14. The low bound leaves room for a microstate
#   in the prices of an early year, the high one for nominal growth well past 2100.
# - GDP per head (gdp_usd / population) 10 .. 1e6 US$: shipped from Ethiopia's 122 (2000) and
#   Burundi's 154 (2024) to Monaco's 227,000 (2024); 10 US$ is a twelfth of the lowest (room
#   for the dollar incomes of early years), 1e6 four times the highest.
# - population 500 .. 1e10: Tuvalu (9,544 in 2000) and Nauru (10,742) are the smallest shipped
#   states, Vatican City (about 800) the smallest anywhere; 1e10 is above the UN's projected
#   peak of the whole world's population (10.3 billion, World Population Prospects 2024).
# - ideal_point -5 .. 5: the shipped points span -2.0 (North Korea, 2014) to 2.6 (United
#   States, 2000); the scale is a standardised one (Bailey, Strezhnev & Voeten 2017).
# - price_level(_mean) 0.02 .. 10 (relative to the US): shipped 0.055 (Iraq's decade mean,
#   2000) to 1.52 (Japan, 2000): the range is 2.5 times wider below and 6 times above.
# - capital_lat -60 .. 80: capitals lie between Wellington (-41.3) and Reykjavik (64.1), and no
#   state has its capital in Antarctica or near the pole (two capitals at a pole coincide).
# - nuclear_warheads 0 .. 1e5, milper_thousands 0 .. 1e5, milex_usd 0 .. 1e15: the largest
#   inventories ever were the Soviet Union's (about 40,000 of the world's 70,000 in 1986,
#   Kristensen & Norris); the largest armed forces about 12 million (the United States and the
#   Soviet Union, 1945); the largest military spending shipped 8.4e11 US$ (United States, 2024).
# - years 1900 (1946 for the UN's: ideal points, Council terms) .. 2100: the shipped data years
#   are 1994-2024; the hard bounds reach 2200.
# - distance_km 0.5 .. 20,100: the closest capitals shipped are Kinshasa and Brazzaville (7.6
#   km), the closest anywhere Rome and Vatican City (a few km); no two points on Earth are
#   more than pi * 6,371 = 20,015 km apart. Distances derived from capitals obey the same range.
# - Columns whose hard bounds are already the real range (shares, growth rates, longitudes,
#   dispute years) have the same plausible range.
COUNTRY_COLUMNS: tuple[Column, ...] = (
    Column("iso3", "str", required=True, pattern=r"[A-Z]{3}", doc="ISO 3166-1 alpha-3 code"),
    Column("name", "str", required=True, doc="short name"),
    Column("region", "str", nullable=True, doc="continent"),
    Column("subregion", "str", nullable=True, doc="UN geoscheme subregion"),
    Column(
        "un_regional_group",
        "str",
        nullable=True,
        choices=UN_REGIONAL_GROUPS,
        doc="UN regional group for Security Council elections (empty: none)",
    ),
    Column(
        "gdp_usd",
        "float",
        required=True,
        low=0,
        low_open=True,
        plausible=(1e5, 1e16),
        doc="GDP, current US$",
    ),
    Column(
        "gdp_year",
        "int",
        nullable=True,
        low=1900,
        high=2200,
        plausible=(1900, 2100),
        doc="year of gdp_usd",
    ),
    Column("gdp_imputed", "bool", default=False, doc="gdp_usd filled by a documented rule"),
    Column(
        "trend_growth",
        "float",
        required=True,
        low=-0.2,
        high=0.3,
        plausible=(-0.2, 0.3),
        doc="trend real GDP growth, fraction per year",
    ),
    Column(
        "population",
        "float",
        required=True,
        low=0,
        low_open=True,
        plausible=(500, 1e10),
        doc="people",
    ),
    Column(
        "population_growth",
        "float",
        default=0.0,
        low=-0.1,
        high=0.1,
        plausible=(-0.1, 0.1),
        doc="fraction per year",
    ),
    Column(
        "milex_usd",
        "float",
        nullable=True,
        low=0,
        plausible=(0, 1e15),
        doc="military expenditure, US$",
    ),
    Column(
        "milex_year",
        "int",
        nullable=True,
        low=1900,
        high=2200,
        plausible=(1900, 2100),
        doc="year of milex_usd",
    ),
    Column(
        "milex_share_gdp",
        "float",
        required=True,
        low=0,
        high=1,
        plausible=(0, 1),
        doc="military expenditure / GDP",
    ),
    Column("milex_imputed", "bool", default=False, doc="milex filled by a documented rule"),
    Column(
        "milper_thousands",
        "float",
        nullable=True,
        low=0,
        plausible=(0, 1e5),
        doc="military personnel",
    ),
    Column(
        "cinc_cow", "float", nullable=True, low=0, high=1, plausible=(0, 1), doc="COW CINC score"
    ),
    Column(
        "price_level",
        "float",
        nullable=True,
        low=0.01,
        high=100,
        plausible=(0.02, 10),
        doc="price level relative to the United States (GDP in US$ / GDP at PPP)",
    ),
    Column(
        "price_level_mean",
        "float",
        nullable=True,
        low=0.01,
        high=100,
        plausible=(0.02, 10),
        doc="its geometric mean over the preceding decade",
    ),
    Column(
        "ideal_point",
        "float",
        required=True,
        low=-10,
        high=10,
        plausible=(-5, 5),
        doc="UNGA ideal point (Bailey, Strezhnev & Voeten)",
    ),
    Column(
        "ideal_point_year",
        "int",
        nullable=True,
        low=1946,
        high=2200,
        plausible=(1946, 2100),
        doc="its year",
    ),
    Column("capital", "str", nullable=True, doc="capital city"),
    Column(
        "capital_lat",
        "float",
        required=True,
        low=-90,
        high=90,
        plausible=(-60, 80),
        doc="degrees north",
    ),
    Column(
        "capital_lon",
        "float",
        required=True,
        low=-180,
        high=180,
        plausible=(-180, 180),
        doc="degrees east",
    ),
    Column("nuclear_warheads", "int", default=0, low=0, plausible=(0, 1e5), doc="total inventory"),
    *(Column(org, "bool", default=False, doc=f"member of {org}") for org in MEMBERSHIPS),
    Column("p5", "bool", default=False, doc="permanent member of the Security Council"),
    Column(
        "unsc_term_end",
        "int",
        nullable=True,
        low=1946,
        high=2200,
        plausible=(1946, 2100),
        doc="elected Council member: last year of its term (empty: not elected)",
    ),
)

#: Plausibility checks on ratios of country columns (see the ranges above COUNTRY_COLUMNS).
PLAUSIBLE_RATIOS: tuple[Ratio, ...] = (
    Ratio("GDP per head", "gdp_usd", "population", 10.0, 1e6, "US$"),
)

DYAD_COLUMNS: tuple[Column, ...] = (
    Column("iso3_a", "str", required=True, pattern=r"[A-Z]{3}", doc="first country"),
    Column("iso3_b", "str", required=True, pattern=r"[A-Z]{3}", doc="second country"),
    Column(
        "distance_km",
        "float",
        required=True,
        low=0,
        low_open=True,
        plausible=(0.5, 20_100),
        doc="great-circle distance between capitals, km",
    ),
    Column("contiguity", "bool", default=False, doc="share a land border"),
    Column("common_language", "bool", default=False, doc="share an official language"),
    Column("cepii", "bool", default=False, doc="pair covered by CEPII GeoDist"),
    Column("rivalry", "bool", default=False, doc="in an ongoing strategic rivalry"),
    Column("defense_pact", "bool", default=False, doc="ATOP defence obligation, either way"),
    Column("alliance", "bool", default=False, doc="any ATOP obligation, either way"),
    Column(
        "dispute_years",
        "int",
        default=0,
        low=0,
        high=10,
        plausible=(0, 10),
        doc="years with a militarized interstate dispute, of the last 10 covered",
    ),
    Column(
        "conflict_years",
        "int",
        default=0,
        low=0,
        high=10,
        plausible=(0, 10),
        doc="years on opposite sides of an armed conflict, of the last 10",
    ),
)

#: Dyad columns held as (N, N) symmetric matrices on `World` besides distance, contiguity and
#: common language: name -> dtype (False / 0 for pairs not listed).
SECURITY_MATRICES = {
    "rivalry": bool,
    "defense_pact": bool,
    "alliance": bool,
    "dispute_years": float,
    "conflict_years": float,
}

_TRUE = {"true", "1", "yes", "t", "y"}
_FALSE = {"false", "0", "no", "f", "n"}


#: The politics file of a scenario folder.
POLITICS_FILE = "scenario.yaml"
_ISO3 = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class BlocSpec:
    """A bloc in force at the start: its name, its leader and who belongs to it.

    Attributes:
        name: Bloc name ("West", "Eurasia": the names the outcomes track).
        leader: ISO3 code of the leading state (a bloc whose leader the world lacks is left out).
        memberships: Membership columns (`MEMBERSHIPS`) whose members all belong.
        countries: ISO3 codes of further members (those the world lacks are skipped).
    """

    name: str
    leader: str
    memberships: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Politics:
    """The politics of a scenario's data year, which the model starts from by default.

    Attributes:
        year: The data year (the model's `start_year`); None: the folder does not say.
        blocs: The blocs in force, in order (a country named by two blocs is in the first).
        conflicts: Pairs of ISO3 codes at war.
        sanctions: (imposer, target, intensity): the imposer a bloc name or an ISO3 code, the
            intensity in [0, 1] the share of the pair's trade cut.
        strategies: Great power ISO3 code -> its strategies ("contain+wedge"; "" for none).
        events: A named event set (`sim.events.EVENT_SETS`) or a list of event mappings.
        allied: The states in a mutual-defence alliance (membership columns and ISO3 codes,
            as a bloc's members): the ones that balance under the "status_quo" alignment.
        source: The file the politics were read from ("" when none).
    """

    year: int | None = None
    blocs: tuple[BlocSpec, ...] = ()
    conflicts: tuple[tuple[str, str], ...] = ()
    sanctions: tuple[tuple[str, str, float], ...] = ()
    strategies: tuple[tuple[str, str], ...] = ()
    events: str | tuple = "status_quo"
    allied: BlocSpec = BlocSpec("allied", "")
    source: str = ""

    def strategy(self, iso3: str) -> str:
        """The strategies of great power `iso3` ("" when the scenario gives it none)."""
        return dict(self.strategies).get(iso3, "")


def read_politics(path: Path, countries: pd.DataFrame | None = None) -> Politics:
    """Read and check a scenario's politics file (`scenario.yaml`).

    Args:
        path: The file.
        countries: The scenario's country table: every ISO3 code the file names must be in it.

    Returns:
        The politics.

    Raises:
        ScenarioError: Naming the file, the key and what was expected.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ScenarioError(f"{path}: cannot be read as YAML: {exc}") from exc
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path}: expected a mapping of keys, got {type(raw).__name__}")
    known = {"year", "blocs", "conflicts", "sanctions", "strategies", "events", "allied"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ScenarioError(f"{path}: unknown key {unknown[0]!r}; expected some of {sorted(known)}")
    codes = None if countries is None else set(countries["iso3"])

    def fail(key: str, expected: str, got) -> ScenarioError:
        return ScenarioError(f"{path}: {key}: expected {expected}, got {got!r}")

    def iso3(key: str, value) -> str:
        if not isinstance(value, str) or not _ISO3.fullmatch(value):
            raise fail(key, "an ISO3 code", value)
        if codes is not None and value not in codes:
            raise fail(key, "an ISO3 code of the countries table", value)
        return value

    def listed(key: str, value) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            raise fail(key, "a list", value)
        return value

    def members(key: str, value) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Split a member list into membership columns and ISO3 codes."""
        value = listed(key, value)
        orgs = tuple(m for m in value if m in MEMBERSHIPS)
        others = tuple(m for m in value if m not in MEMBERSHIPS)
        for j, code in enumerate(others):
            if not isinstance(code, str) or not _ISO3.fullmatch(code):
                raise fail(f"{key}[{j}]", f"an ISO3 code or one of {MEMBERSHIPS}", code)
        return orgs, others

    year = raw.get("year")
    if year is not None and (type(year) is not int or not 1900 <= year <= 2200):
        raise fail("year", "a whole year between 1900 and 2200", year)
    blocs = []
    for k, item in enumerate(listed("blocs", raw.get("blocs"))):
        key = f"blocs[{k}]"
        if not isinstance(item, dict) or set(item) - {"name", "leader", "members"}:
            raise fail(key, "a mapping of name, leader and members", item)
        if not isinstance(item.get("name"), str) or not item["name"]:
            raise fail(f"{key}.name", "a bloc name", item.get("name"))
        if codes is not None and item.get("leader") not in codes:
            raise fail(f"{key}.leader", "an ISO3 code of the countries table", item.get("leader"))
        orgs, others = members(f"{key}.members", item.get("members"))
        blocs.append(BlocSpec(item["name"], iso3(f"{key}.leader", item["leader"]), orgs, others))
    conflicts = []
    for k, pair in enumerate(listed("conflicts", raw.get("conflicts"))):
        if not isinstance(pair, list) or len(pair) != 2 or pair[0] == pair[1]:
            raise fail(f"conflicts[{k}]", "a pair [ISO3, ISO3] of two countries", pair)
        conflicts.append((iso3(f"conflicts[{k}]", pair[0]), iso3(f"conflicts[{k}]", pair[1])))
    names = {b.name for b in blocs}
    sanctions = []
    for k, item in enumerate(listed("sanctions", raw.get("sanctions"))):
        key = f"sanctions[{k}]"
        if not isinstance(item, list) or len(item) != 3:
            raise fail(key, "[imposer, target, intensity]", item)
        imposer, target, intensity = item
        if imposer not in names:
            iso3(f"{key} imposer (or a bloc name: {sorted(names)})", imposer)
        if type(intensity) not in (int, float) or not 0.0 <= intensity <= 1.0:
            raise fail(f"{key} intensity", "a number in [0, 1]", intensity)
        sanctions.append((imposer, iso3(f"{key} target", target), float(intensity)))
    strategies = raw.get("strategies") or {}
    if not isinstance(strategies, dict):
        raise fail("strategies", "a mapping of ISO3 code -> strategies", strategies)
    for code, value in strategies.items():
        if not isinstance(value, str):
            expected = 'strategies written "contain+wedge" ("" for none)'
            raise fail(f"strategies.{code}", expected, value)
    events = raw.get("events", "status_quo")
    if isinstance(events, list):
        events = tuple(events)
    elif not isinstance(events, str):
        raise fail("events", "an event set name or a list of events", events)
    return Politics(
        year,
        tuple(blocs),
        tuple(conflicts),
        tuple(sanctions),
        tuple((str(c), v) for c, v in strategies.items()),
        events,
        BlocSpec("allied", "", *members("allied", raw.get("allied"))),
        str(path),
    )


@dataclass(frozen=True, eq=False)
class World:
    """A validated scenario: the country table and the dyadic matrices, in country order.

    Attributes:
        name: Scenario name (the folder name for files, or a generator's label).
        countries: One row per country, columns as in `COUNTRY_COLUMNS`, in model order.
        distance_km: (N, N) great-circle distances, zero diagonal.
        contiguity: (N, N) bool, symmetric.
        common_language: (N, N) bool, symmetric.
        rivalry: (N, N) bool, symmetric: an ongoing strategic rivalry.
        defense_pact: (N, N) bool, symmetric: a defence obligation (ATOP).
        alliance: (N, N) bool, symmetric: any alliance obligation (ATOP).
        dispute_years: (N, N) float, symmetric: years with a militarized dispute (0-10).
        conflict_years: (N, N) float, symmetric: years on opposite sides of an armed
            conflict (0-10).
        politics: The politics of the data year (`scenario.yaml`; none for a folder without).

    The five security matrices default to False / 0 (when not given, e.g. by older code
    building a `World` from the first five fields); the diagonal is always zero. A matrix
    that is all False / 0 (no dyad file, or a column absent or empty in it) is a read-only
    zero-stride view, so synthetic worlds of thousands of countries cost no memory for it.
    """

    name: str
    countries: pd.DataFrame
    distance_km: np.ndarray
    contiguity: np.ndarray
    common_language: np.ndarray
    rivalry: np.ndarray | None = None
    defense_pact: np.ndarray | None = None
    alliance: np.ndarray | None = None
    dispute_years: np.ndarray | None = None
    conflict_years: np.ndarray | None = None
    politics: Politics = field(default_factory=Politics)

    def __post_init__(self) -> None:
        """Fill absent security matrices with False / 0 and freeze every matrix."""
        n = len(self.countries)
        for name, dtype in SECURITY_MATRICES.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, _zero_matrix(n, dtype))
        for matrix in (
            self.distance_km,
            self.contiguity,
            self.common_language,
            *(getattr(self, name) for name in SECURITY_MATRICES),
        ):
            matrix.flags.writeable = False

    @property
    def n(self) -> int:
        """Number of countries."""
        return len(self.countries)

    @property
    def year(self) -> int | None:
        """The data year: from `scenario.yaml`, else the latest `gdp_year`, else None."""
        if self.politics.year is not None:
            return self.politics.year
        if "gdp_year" not in self.countries:
            return None
        years = pd.to_numeric(self.countries["gdp_year"], errors="coerce")
        return None if years.isna().all() else int(years.max())


def shipped_scenarios() -> list[str]:
    """Names of the scenarios shipped in `sim/data`."""
    root = resources.files("sim") / "data"
    return sorted(p.name for p in root.iterdir() if (p / "countries.csv").is_file())


#: The files a scenario folder may hold (the loader reads no other).
_SCENARIO_FILES = (
    "countries.csv",
    "countries.parquet",
    "dyads.csv",
    "dyads.parquet",
    POLITICS_FILE,
)


def load_world(scenario: str | Path | World, *, plausibility: bool = True) -> World:
    """Load and validate a scenario given by shipped name, folder path or `World`.

    Args:
        scenario: A shipped name such as "world_2024" (a bare name: no path separators), a
            folder holding `countries.csv` (or `.parquet`) and optionally `dyads.csv` (or
            `.parquet`) and `scenario.yaml`, or a `World` (returned as it is).
        plausibility: Also check every value against the range of real states
            (`Column.plausible`, `PLAUSIBLE_RATIOS` such as GDP per head, and capitals at
            least 0.5 km apart). False relaxes these checks on purpose, e.g. for a stylised
            world of made-up magnitudes; the hard bounds, the types, and distances > 0 between
            distinct countries are checked always.

    Returns:
        The validated world. Loads of the same unchanged folder are cached and shared.

    Raises:
        ScenarioError: The scenario is unknown, a file cannot be read, or it breaks the
            schema or (with `plausibility`) the plausible ranges.
    """
    if isinstance(scenario, World):
        return scenario
    folder = _scenario_folder(scenario)
    stamp = tuple(
        _file_stamp(folder / name)
        for name in _SCENARIO_FILES
        if os.path.lexists(folder / name)  # a dangling link is there, and fails clearly
    )
    return _load_folder(folder, stamp, bool(plausibility))


def _scenario_folder(scenario: str | Path) -> Path:
    """The folder of a scenario: an existing folder path, else a shipped name's folder."""
    text = str(scenario)
    if text and Path(text).is_dir():
        return Path(text).resolve()
    root = resources.files("sim") / "data"
    # one of `shipped_scenarios()`, checked without looking into every folder
    if text in {p.name for p in root.iterdir()} and (root / text / "countries.csv").is_file():
        return Path(str(root / text)).resolve()
    shipped = shipped_scenarios()
    expected = f"expected one of {shipped} or a folder holding countries.csv"
    if not text:
        raise ScenarioError(f"unknown scenario '': {expected}")
    if "/" in text or "\\" in text or os.path.isabs(text):
        raise ScenarioError(
            f"unknown scenario {text!r}: no such folder, and a shipped name has no path "
            f"separators; {expected}"
        )
    raise ScenarioError(f"unknown scenario {text!r}: {expected}")


def _file_stamp(path: Path) -> tuple[str, int, int]:
    """(path, mtime, size) of a scenario file, the key of the load cache."""
    try:
        info = path.stat()
    except OSError as exc:
        raise ScenarioError(_unreadable(path, exc)) from exc
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise ScenarioError(f"{path}: cannot be read: expected a file, found {what}")
    return str(path), info.st_mtime_ns, info.st_size


def _unreadable(path: Path, exc: OSError, kind: str | None = None) -> str:
    """The message for a file the system cannot open: a link loop, a dangling link, ..."""
    if exc.errno == errno.ELOOP:
        why = "it is a symbolic link loop"
    elif os.path.islink(path) and not os.path.exists(path):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        why = f"it is a dangling symbolic link (to {target}, which does not exist)"
    else:
        why = exc.strerror or str(exc) or type(exc).__name__
    return f"{path}: cannot be read{f' as {kind}' if kind else ''}: {why}"


@functools.lru_cache(maxsize=8)
def _load_folder(folder: Path, stamp: tuple, plausibility: bool = True) -> World:
    countries_file = _table_file(folder, "countries", required=True)
    countries = validate_table(
        _read_table(countries_file, COUNTRY_COLUMNS),
        COUNTRY_COLUMNS,
        countries_file,
        plausibility=plausibility,
    )
    if len(countries) < 2:  # before the politics and dyads, which would name missing codes
        raise ScenarioError(
            f"{countries_file}: expected at least 2 countries, got {len(countries)}"
        )
    _check_unique(countries, "iso3", countries_file)
    dyads_file = _table_file(folder, "dyads", required=False)
    dyads = None
    if dyads_file is not None:
        dyads = validate_table(
            _read_table(dyads_file, DYAD_COLUMNS),
            DYAD_COLUMNS,
            dyads_file,
            plausibility=plausibility,
        )
    politics_file = folder / POLITICS_FILE
    politics = read_politics(politics_file, countries) if politics_file.is_file() else Politics()
    return world_from_tables(
        folder.name,
        countries,
        dyads,
        dyads_file,
        politics,
        countries_file=countries_file,
        plausibility=plausibility,
    )


def world_from_tables(
    name: str,
    countries: pd.DataFrame,
    dyads: pd.DataFrame | None = None,
    dyads_file: Path | str = "dyads",
    politics: Politics | None = None,
    *,
    countries_file: Path | str | None = None,
    plausibility: bool = True,
) -> World:
    """Assemble a `World` from validated tables.

    Pairs absent from `dyads` get the great-circle distance between the capitals and no
    contiguity or common language; a warning says how many. They (and every pair, without
    `dyads`) also get no rivalry, defence pact or alliance and zero dispute and conflict
    years. Two countries whose capitals coincide need their distance in `dyads`.

    Args:
        name: Scenario name.
        countries: Validated country table.
        dyads: Validated dyad table, or None to derive every pair from coordinates.
        dyads_file: File name used in error messages.
        politics: The politics of the data year (None: none).
        countries_file: File name used in error messages (None: `name`).
        plausibility: Distances derived from capitals must be plausible (at least the
            plausible minimum of `distance_km`, 0.5 km); False: only > 0.

    Returns:
        The world, countries in the given order.

    Raises:
        ScenarioError: Fewer than 2 countries, a dyad row naming an unknown country, a pair
            twice or a country with itself, or two capitals (too) close without a dyad row.
    """
    countries = countries.reset_index(drop=True)
    n = len(countries)
    if n < 2:
        raise ScenarioError(f"{name}: expected at least 2 countries, got {n}")
    distance = distance_matrix_km(countries["capital_lat"], countries["capital_lon"])
    contiguity = np.zeros((n, n), dtype=bool)
    language = np.zeros((n, n), dtype=bool)
    listed = None  # pairs whose distance the dyad file gives
    security = {key: _zero_matrix(n, dtype) for key, dtype in SECURITY_MATRICES.items()}
    if dyads is not None and len(dyads):
        codes = pd.Index(countries["iso3"])
        for col in ("iso3_a", "iso3_b"):
            unknown = ~dyads[col].isin(codes)
            if unknown.any():
                row = int(np.flatnonzero(unknown)[0])
                raise ScenarioError(
                    f"{dyads_file}: row {row + 1}, column '{col}': expected an iso3 listed in "
                    f"the countries table, got {dyads[col].iloc[row]!r}"
                )
        a = codes.get_indexer_for(dyads["iso3_a"])  # the row of each pair's countries
        b = codes.get_indexer_for(dyads["iso3_b"])
        if (a == b).any():
            row = int(np.flatnonzero(a == b)[0])
            raise ScenarioError(
                f"{dyads_file}: row {row + 1}, column 'iso3_b': expected a country other than "
                f"iso3_a, got {dyads['iso3_b'].iloc[row]!r}"
            )
        pair = np.minimum(a, b) * n + np.maximum(a, b)
        dup = pd.Series(pair).duplicated().to_numpy()
        if dup.any():
            row = int(np.flatnonzero(dup)[0])
            raise ScenarioError(
                f"{dyads_file}: row {row + 1}, columns 'iso3_a'/'iso3_b': expected each pair "
                f"once, got {dyads['iso3_a'].iloc[row]}-{dyads['iso3_b'].iloc[row]} again"
            )
        for matrix_name, dtype in SECURITY_MATRICES.items():
            values = _dyad_values(dyads, matrix_name, dtype)
            if values.any():
                security[matrix_name] = np.zeros((n, n), dtype=dtype)
                security[matrix_name][a, b] = values
                security[matrix_name][b, a] = values
        listed = np.zeros((n, n), dtype=bool)
        for matrix, values in (
            (distance, dyads["distance_km"].to_numpy(float)),
            (contiguity, dyads["contiguity"].to_numpy(bool)),
            (language, dyads["common_language"].to_numpy(bool)),
            (listed, True),
        ):
            matrix[a, b] = values
            matrix[b, a] = values
        missing = n * (n - 1) // 2 - len(dyads)
        if missing:
            warnings.warn(
                f"{dyads_file}: {missing} country pairs not listed; they get the great-circle "
                "distance between capitals and no contiguity or common language",
                stacklevel=2,
            )
    source = name if countries_file is None else countries_file
    _check_capital_distances(distance, listed, countries, source, dyads_file, plausibility)
    politics = Politics() if politics is None else politics
    return World(name, countries, distance, contiguity, language, **security, politics=politics)


def _check_capital_distances(
    distance: np.ndarray,
    listed: np.ndarray | None,
    countries: pd.DataFrame,
    source,
    dyads_file,
    plausibility: bool,
) -> None:
    """Distances derived from capitals must be > 0 (else every gravity term is infinite)."""
    low = next(c for c in DYAD_COLUMNS if c.name == "distance_km").plausible[0]
    close = ~(distance >= low) if plausibility else ~(distance > 0)
    np.fill_diagonal(close, False)
    if listed is not None:
        close &= ~listed
    if not close.any():
        return
    a, b = (int(k) for k in np.argwhere(close)[0])  # the first in row order: a < b
    rows = f"rows {a + 1} and {b + 1}"
    if str(source).endswith(".csv"):
        rows += f" (lines {a + 2} and {b + 2})"
    codes = countries["iso3"]
    lat, lon = countries["capital_lat"], countries["capital_lon"]
    where = (
        f"{source}: {rows}, iso3={codes.iloc[a]} and iso3={codes.iloc[b]}, "
        "columns 'capital_lat'/'capital_lon'"
    )
    given = f"or the pair's distance_km in {dyads_file if listed is not None else 'dyads.csv'}"
    if not distance[a, b] > 0:
        raise ScenarioError(
            f"{where}: expected distinct capitals (a distance > 0 km between two countries), "
            f"{given}, got both at ({lat.iloc[a]:g}, {lon.iloc[a]:g})"
        )
    raise ScenarioError(
        f"{where}: expected capitals a plausible distance apart, at least {low:g} km{_RELAX}, "
        f"{given}, got {distance[a, b]:.3g} km between ({lat.iloc[a]:g}, {lon.iloc[a]:g}) and "
        f"({lat.iloc[b]:g}, {lon.iloc[b]:g})"
    )


def _zero_matrix(n: int, dtype: type) -> np.ndarray:
    """A read-only (n, n) matrix of zeros of `dtype` that takes no memory (zero strides)."""
    return np.broadcast_to(np.zeros((), dtype=dtype), (n, n))


def _dyad_values(dyads: pd.DataFrame, column: str, dtype: type) -> np.ndarray:
    """A dyad column as an array of `dtype`; its default where the table lacks the column."""
    if column not in dyads.columns:
        spec = next(c for c in DYAD_COLUMNS if c.name == column)
        return np.full(len(dyads), spec.default, dtype=dtype)
    values = dyads[column]
    if dtype is float:
        return values.to_numpy(float, na_value=0.0)
    return values.to_numpy(bool)


def validate_table(
    raw: pd.DataFrame,
    columns: tuple[Column, ...],
    source: Path | str,
    *,
    plausibility: bool = True,
):
    """Check and convert a raw table against its schema.

    Args:
        raw: The table as read (any dtypes; CSV files are read as text).
        columns: The schema.
        source: File name used in error messages.
        plausibility: Also check the values given against their plausible ranges
            (`Column.plausible`) and, for the countries, `PLAUSIBLE_RATIOS`.

    Returns:
        A new table holding exactly the schema's columns with proper dtypes (optional columns
        that were absent get their defaults). Extra columns in the file are kept after them.

    Raises:
        ScenarioError: Naming the file, row, column and what was expected.
    """
    raw = raw.reset_index(drop=True)
    _check_header([str(c) for c in raw.columns], source)
    key = "iso3" if "iso3" in raw.columns else None
    out = {}
    for col in columns:
        if col.name not in raw.columns:
            if col.required:
                raise ScenarioError(
                    f"{source}: missing required column '{col.name}' ({col.doc}); "
                    f"found columns {list(raw.columns)}"
                )
            out[col.name] = _default_series(col, len(raw))
            continue
        try:
            out[col.name] = _convert_column(raw, col, key, source)
        except ScenarioError:
            raise
        except (ArithmeticError, TypeError, ValueError) as exc:  # a value numpy cannot hold
            raise ScenarioError(
                f"{source}: column '{col.name}': expected {col.expectation()}, cannot convert "
                f"its values: {exc}"
            ) from exc
    if plausibility:
        for col in columns:
            if col.plausible is not None and col.name in raw.columns:
                _check_plausible(out[col.name], col, raw, key, source)
        names = {col.name for col in columns}
        for ratio in PLAUSIBLE_RATIOS:
            if {ratio.numerator, ratio.denominator} <= names & set(raw.columns):
                _check_ratio(out, ratio, raw, key, source)
    extra = [c for c in raw.columns if c not in out]
    table = pd.DataFrame(out)
    for c in extra:
        table[c] = raw[c]
    return table


def _default_series(col: Column, n: int) -> pd.Series:
    dtype = {"str": "object", "float": "float64", "int": "Int64", "bool": "bool"}[col.kind]
    return pd.Series([col.default] * n, dtype=dtype)


def _row_label(source, row: int, raw: pd.DataFrame, key: str | None, column: str) -> str:
    label = f"row {row + 1}"
    if str(source).endswith(".csv"):
        label += f" (line {row + 2})"
    if key is not None and column != key:
        label += f", {key}={raw[key].iloc[row]!s}"
    return f"{source}: {label}"


def _where(source, row: int, raw: pd.DataFrame, key: str | None, column: str) -> str:
    return f"{_row_label(source, row, raw, key, column)}, column '{column}'"


def _shown(value) -> str:
    """A value as the file gave it, for error messages (numpy scalars as plain numbers)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _convert_column(raw: pd.DataFrame, col: Column, key, source) -> pd.Series:
    """One column of `raw` converted to its kind, checked against `col`'s hard rules.

    Text is stripped; an empty cell (missing, or blank text) gets the column's default, or is
    missing where the column is nullable, and fails otherwise. Numbers and flags of a numeric
    or boolean dtype (e.g. from Parquet) are taken as they are, without going through text.
    """
    values = raw[col.name]
    if col.kind in ("float", "int") and _not_numeric(values.dtype):
        raise ScenarioError(
            f"{source}: column '{col.name}': expected {col.expectation()}, found values of "
            f"type {values.dtype}"
        )
    if col.kind == "bool" and values.dtype == bool:  # flags already: none is empty
        return values.astype(bool)
    empty = values.isna().to_numpy()
    text = None  # each cell's stripped text: for text and flags, and blank cells in text
    if col.kind in ("str", "bool") or not pd.api.types.is_numeric_dtype(values.dtype):
        text = values.astype("string").str.strip()
        empty = empty | (text == "").fillna(True).to_numpy()

    def fail(row: int, got, expected: str | None = None) -> ScenarioError:
        expected = col.expectation() if expected is None else expected
        if empty[row]:
            expected, got = "a value (this column cannot be empty)", "an empty cell"
        else:
            got = _shown(got)
        return ScenarioError(
            f"{_where(source, row, raw, key, col.name)}: expected {expected}, got {got}"
        )

    if empty.any() and not col.nullable and col.default is None:
        raise fail(int(np.flatnonzero(empty)[0]), None)

    if col.kind == "str":
        result = text.astype(object).where(~empty, None)
        ok = np.ones(len(values), bool)
        if col.pattern:
            ok &= empty | text.str.fullmatch(col.pattern).fillna(False).to_numpy()
        if col.choices:
            ok &= empty | text.isin(col.choices).to_numpy()
        _raise_first(~ok, fail, text)
        return pd.Series(result, dtype=object)

    if col.kind == "bool":
        lowered = text.str.lower()
        true = lowered.isin(_TRUE).fillna(False).to_numpy(bool)
        false = lowered.isin(_FALSE).fillna(False).to_numpy(bool)
        _raise_first(~(true | false | empty), fail, text)
        return pd.Series(np.where(empty, bool(col.default), true))

    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna().to_numpy() & ~empty
    bad |= ~empty & ~np.isfinite(numbers.to_numpy(float, na_value=0.0))
    if col.kind == "int":
        whole = numbers.to_numpy(float, na_value=0.0)
        bad |= ~empty & (whole != np.round(whole))
        _raise_first(bad, fail, values)
        huge = ~empty & (np.abs(whole) > _LARGEST_WHOLE)  # int64 cannot hold it exactly
        expected = f"{col.expectation()} and of size at most 2^53"
        _raise_first(huge, lambda row, got: fail(row, got, expected), values)
    _raise_first(bad, fail, values)
    data = numbers.to_numpy(float, na_value=np.nan)
    checked = ~empty
    if col.low is not None:
        low_bad = (data <= col.low) if col.low_open else (data < col.low)
        _raise_first(checked & low_bad, fail, values)
    if col.high is not None:
        _raise_first(checked & (data > col.high), fail, values)
    if empty.any() and col.default is not None:
        data = np.where(empty, col.default, data)
    if col.kind == "int":  # whole and at most 2^53: exact as int64; NaN becomes missing
        return pd.Series(data, dtype="float64").astype("Int64")
    return pd.Series(data, dtype="float64")


def _not_numeric(dtype) -> bool:
    """A pandas dtype that `pd.to_numeric` would read as numbers but does not hold them."""
    types = pd.api.types
    return (
        types.is_bool_dtype(dtype)
        or types.is_datetime64_any_dtype(dtype)
        or types.is_timedelta64_dtype(dtype)
        or isinstance(dtype, pd.PeriodDtype | pd.IntervalDtype)
    )


def _check_plausible(converted: pd.Series, col: Column, raw: pd.DataFrame, key, source) -> None:
    low, high = col.plausible
    data = converted.to_numpy(float, na_value=np.nan)
    given = ~raw[col.name].isna().to_numpy() & ~np.isnan(data)  # a default is plausible
    bad = given & ((data < low) | (data > high))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ScenarioError(
            f"{_where(source, row, raw, key, col.name)}: expected {col.plausibility()}, got "
            f"{_shown(raw[col.name].iloc[row])}"
        )


def _check_ratio(out: dict, ratio: Ratio, raw: pd.DataFrame, key, source) -> None:
    top = out[ratio.numerator].to_numpy(float, na_value=np.nan)
    bottom = out[ratio.denominator].to_numpy(float, na_value=np.nan)
    with np.errstate(all="ignore"):
        value = top / bottom
    bad = ~np.isnan(value) & ~((value >= ratio.low) & (value <= ratio.high))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        num, den = ratio.numerator, ratio.denominator
        raise ScenarioError(
            f"{_row_label(source, row, raw, key, num)}, columns '{num}'/'{den}': expected a "
            f"plausible {ratio.name} ({num} / {den}), between {ratio.low:g} and "
            f"{ratio.high:g} {ratio.unit}{_RELAX}, got {value[row]:.3g} "
            f"({num}={_shown(raw[num].iloc[row])}, {den}={_shown(raw[den].iloc[row])})"
        )


def _raise_first(bad: np.ndarray, fail, values) -> None:
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise fail(row, values.iloc[row])


def _check_unique(table: pd.DataFrame, column: str, source) -> None:
    dup = table[column].duplicated().to_numpy()
    if dup.any():
        row = int(np.flatnonzero(dup)[0])
        first = int(np.flatnonzero((table[column] == table[column].iloc[row]).to_numpy())[0])
        raise ScenarioError(
            f"{source}: row {row + 1}, column '{column}': expected unique values, got "
            f"{table[column].iloc[row]!r} again (first at row {first + 1})"
        )


def _check_header(names: list[str], source) -> None:
    """Each column once: pandas would rename a second copy `x.1`, and it would be ignored."""
    seen: dict[str, int] = {}
    for k, name in enumerate(names):
        if name in seen:
            raise ScenarioError(
                f"{source}: column '{name}' appears twice in the header (columns "
                f"{seen[name] + 1} and {k + 1}); keep one"
            )
        seen[name] = k


def _check_csv_rows(text: str, path: Path) -> None:
    """Each column named once, and each row as many fields as the header.

    pandas would rename a second `x` to `x.1`, read a row with one field more than the
    header as an index (shifting every value one column to the left), and fill a short row
    with empty cells; here each is an error naming its line.
    """
    reader = csv.reader(io.StringIO(text), strict=True)
    header = None
    try:
        for row in reader:
            if not row:  # a blank line, which pandas skips
                continue
            if header is None:
                header = row
                _check_header(header, path)
            elif len(row) != len(header):
                raise ScenarioError(
                    f"{path}: line {reader.line_num}: expected {len(header)} fields, as in the "
                    f"header, got {len(row)}"
                )
    except csv.Error as exc:  # a quote left open, or text after a closing quote
        raise ScenarioError(
            f"{path}: cannot be read as csv: line {reader.line_num}: {exc}"
        ) from exc


def _table_file(folder: Path, stem: str, required: bool) -> Path | None:
    found = [
        folder / f"{stem}{ext}"
        for ext in (".csv", ".parquet")
        if (folder / f"{stem}{ext}").is_file()
    ]
    if len(found) > 1:
        raise ScenarioError(f"{folder}: both {found[0].name} and {found[1].name}; keep one")
    if not found:
        if required:
            raise ScenarioError(f"{folder}: expected {stem}.csv or {stem}.parquet, found neither")
        return None
    return found[0]


def _read_table(path: Path, columns: tuple[Column, ...] = ()) -> pd.DataFrame:
    """Read a CSV (as text) or Parquet table; any failure becomes a `ScenarioError`.

    CSV files must be UTF-8; Parquet columns of the schema must have a type of their kind
    (numbers: integer, floating point or decimal; flags: boolean or text; text: string).
    Either format must name each column once.
    """
    kind = path.suffix[1:]
    try:
        if kind == "parquet":
            import pyarrow.parquet as pq

            schema = pq.read_schema(path)
            _check_header(schema.names, path)
            _check_arrow_types(schema, columns, path)
            return pd.read_parquet(path)
        text = path.read_bytes().decode("utf-8-sig")
        _check_csv_rows(text, path)
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[])
    except ScenarioError:
        raise
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            f"{path}: cannot be read as {kind}: expected UTF-8 text, got byte "
            f"{exc.object[exc.start]:#04x} at line {line} ({exc.reason})"
        ) from exc
    except OSError as exc:
        raise ScenarioError(_unreadable(path, exc, kind)) from exc
    except Exception as exc:  # any parser failure (pandas, pyarrow, csv) becomes a clear error
        raise ScenarioError(f"{path}: cannot be read as {kind}: {exc}") from exc


def _check_arrow_types(schema, columns: tuple[Column, ...], path: Path) -> None:
    """The Parquet type of each schema column must suit its kind (no bool or date numbers)."""
    import pyarrow as pa

    kinds = {col.name: col for col in columns}
    for item in schema:
        col = kinds.get(item.name)
        if col is None:
            continue
        arrow = item.type.value_type if pa.types.is_dictionary(item.type) else item.type
        text = pa.types.is_string(arrow) or pa.types.is_large_string(arrow)
        text = text or getattr(pa.types, "is_string_view", lambda _: False)(arrow)
        if pa.types.is_null(arrow):  # an all-empty column: the rules for empty cells apply
            continue
        if col.kind in ("float", "int"):
            ok = pa.types.is_integer(arrow) or pa.types.is_floating(arrow)
            ok = ok or pa.types.is_decimal(arrow)
            expected = "a numeric type (integer, floating point or decimal)"
        elif col.kind == "bool":
            ok, expected = pa.types.is_boolean(arrow) or text, "a boolean type (or text)"
        else:
            ok, expected = text, "a text type (string)"
        if not ok:
            raise ScenarioError(
                f"{path}: column '{item.name}': expected {expected} for {col.expectation()}, "
                f"found {arrow}"
            )


def synthetic_world(n: int, seed: int = 0, template: str | Path | World = "world_2024") -> World:
    """A synthetic world of `n` countries for stress and scaling studies.

    Countries are drawn with replacement from the template's rows, so sizes, growth, military
    burden and ideology keep their real joint distribution; capitals are moved by up to about
    5 degrees and ideal points by a little noise, so no two countries coincide. Memberships,
    Council seats and politics (blocs, wars, sanctions, strategies) are cleared; codes are
    synthetic (AAA, AAB, ...); the data year is the template's.

    Args:
        n: Number of countries (>= 2, < 26**3).
        seed: Seed of the draw (the world is a pure function of `n`, `seed` and the template).
        template: The world whose rows are resampled.

    Returns:
        The synthetic world.
    """
    if not 2 <= n < 26**3:
        raise ValueError(f"n: expected 2 <= n < {26**3}, got {n}")
    template = load_world(template)
    base = template.countries
    rng = np.random.default_rng(seed)
    rows = base.iloc[rng.integers(0, len(base), size=n)].reset_index(drop=True).copy()
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    rows["iso3"] = [letters[i // 676] + letters[i // 26 % 26] + letters[i % 26] for i in range(n)]
    rows["name"] = [f"Synthetic {code}" for code in rows["iso3"]]
    rows["capital_lat"] = np.clip(rows["capital_lat"] + rng.uniform(-5, 5, n), -89.0, 89.0)
    rows["capital_lon"] = (rows["capital_lon"] + rng.uniform(-5, 5, n) + 180.0) % 360.0 - 180.0
    rows["ideal_point"] = rows["ideal_point"] + rng.normal(0.0, 0.1, n)
    for flag in (*MEMBERSHIPS, "p5"):
        rows[flag] = False
    rows["unsc_term_end"] = pd.array([pd.NA] * n, dtype="Int64")
    rows["nuclear_warheads"] = 0
    # the template's year; no politics (its codes are synthetic, so none of them apply). The
    # rows are the template's, checked when it loaded (the moved capitals and ideal points stay
    # in their plausible ranges); only the distances are new, and copies of one country can
    # land closer than any two real capitals: they must be > 0, not 0.5 km, apart
    politics = Politics(template.year)
    return world_from_tables(f"synthetic_{n}_{seed}", rows, politics=politics, plausibility=False)
