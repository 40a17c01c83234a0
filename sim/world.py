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
"""

from __future__ import annotations

import functools
import re
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
    Column("gdp_usd", "float", required=True, low=0, low_open=True, doc="GDP, current US$"),
    Column("gdp_year", "int", nullable=True, low=1900, high=2200, doc="year of gdp_usd"),
    Column("gdp_imputed", "bool", default=False, doc="gdp_usd filled by a documented rule"),
    Column(
        "trend_growth",
        "float",
        required=True,
        low=-0.2,
        high=0.3,
        doc="trend real GDP growth, fraction per year",
    ),
    Column("population", "float", required=True, low=0, low_open=True, doc="people"),
    Column("population_growth", "float", default=0.0, low=-0.1, high=0.1, doc="fraction per year"),
    Column("milex_usd", "float", nullable=True, low=0, doc="military expenditure, US$"),
    Column("milex_year", "int", nullable=True, low=1900, high=2200, doc="year of milex_usd"),
    Column(
        "milex_share_gdp", "float", required=True, low=0, high=1, doc="military expenditure / GDP"
    ),
    Column("milex_imputed", "bool", default=False, doc="milex filled by a documented rule"),
    Column("milper_thousands", "float", nullable=True, low=0, doc="military personnel"),
    Column("cinc_cow", "float", nullable=True, low=0, high=1, doc="COW CINC score"),
    Column(
        "price_level",
        "float",
        nullable=True,
        low=0.01,
        high=100,
        doc="price level relative to the United States (GDP in US$ / GDP at PPP)",
    ),
    Column(
        "price_level_mean",
        "float",
        nullable=True,
        low=0.01,
        high=100,
        doc="its geometric mean over the preceding decade",
    ),
    Column(
        "ideal_point",
        "float",
        required=True,
        low=-10,
        high=10,
        doc="UNGA ideal point (Bailey, Strezhnev & Voeten)",
    ),
    Column("ideal_point_year", "int", nullable=True, low=1946, high=2200, doc="its year"),
    Column("capital", "str", nullable=True, doc="capital city"),
    Column("capital_lat", "float", required=True, low=-90, high=90, doc="degrees north"),
    Column("capital_lon", "float", required=True, low=-180, high=180, doc="degrees east"),
    Column("nuclear_warheads", "int", default=0, low=0, doc="total inventory"),
    *(Column(org, "bool", default=False, doc=f"member of {org}") for org in MEMBERSHIPS),
    Column("p5", "bool", default=False, doc="permanent member of the Security Council"),
    Column(
        "unsc_term_end",
        "int",
        nullable=True,
        low=1946,
        high=2200,
        doc="elected Council member: last year of its term (empty: not elected)",
    ),
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
        doc="years with a militarized interstate dispute, of the last 10 covered",
    ),
    Column(
        "conflict_years",
        "int",
        default=0,
        low=0,
        high=10,
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
        years = pd.to_numeric(self.countries.get("gdp_year"), errors="coerce")
        return None if years is None or years.isna().all() else int(years.max())


def shipped_scenarios() -> list[str]:
    """Names of the scenarios shipped in `sim/data`."""
    root = resources.files("sim") / "data"
    return sorted(p.name for p in root.iterdir() if (p / "countries.csv").is_file())


def load_world(scenario: str | Path | World) -> World:
    """Load and validate a scenario given by shipped name, folder path or `World`.

    Args:
        scenario: A shipped name such as "world_2024", a folder holding `countries.csv`
            (or `.parquet`) and optionally `dyads.csv` (or `.parquet`), or a `World`.

    Returns:
        The validated world. Loads of the same unchanged folder are cached and shared.

    Raises:
        ScenarioError: The scenario is unknown or a file breaks the schema.
    """
    if isinstance(scenario, World):
        return scenario
    folder = Path(scenario)
    if not folder.is_dir():
        shipped = resources.files("sim") / "data" / str(scenario)
        if not (shipped / "countries.csv").is_file():
            raise ScenarioError(
                f"unknown scenario {str(scenario)!r}: expected one of {shipped_scenarios()} "
                "or a folder holding countries.csv"
            )
        folder = Path(str(shipped))
    folder = folder.resolve()
    files = [
        *sorted(folder.glob("countries.*")),
        *sorted(folder.glob("dyads.*")),
        *sorted(folder.glob(POLITICS_FILE)),
    ]
    stamp = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    return _load_folder(folder, stamp)


@functools.lru_cache(maxsize=8)
def _load_folder(folder: Path, stamp: tuple) -> World:
    countries_file = _table_file(folder, "countries", required=True)
    countries = validate_table(_read_table(countries_file), COUNTRY_COLUMNS, countries_file)
    _check_unique(countries, "iso3", countries_file)
    dyads_file = _table_file(folder, "dyads", required=False)
    dyads = None
    if dyads_file is not None:
        dyads = validate_table(_read_table(dyads_file), DYAD_COLUMNS, dyads_file)
    politics_file = folder / POLITICS_FILE
    politics = read_politics(politics_file, countries) if politics_file.is_file() else Politics()
    return world_from_tables(folder.name, countries, dyads, dyads_file, politics)


def world_from_tables(
    name: str,
    countries: pd.DataFrame,
    dyads: pd.DataFrame | None = None,
    dyads_file: Path | str = "dyads",
    politics: Politics | None = None,
) -> World:
    """Assemble a `World` from validated tables.

    Pairs absent from `dyads` get the great-circle distance between the capitals and no
    contiguity or common language; a warning says how many. They (and every pair, without
    `dyads`) also get no rivalry, defence pact or alliance and zero dispute and conflict
    years.

    Args:
        name: Scenario name.
        countries: Validated country table.
        dyads: Validated dyad table, or None to derive every pair from coordinates.
        dyads_file: File name used in error messages.
        politics: The politics of the data year (None: none).

    Returns:
        The world, countries in the given order.
    """
    countries = countries.reset_index(drop=True)
    n = len(countries)
    if n < 2:
        raise ScenarioError(f"{name}: expected at least 2 countries, got {n}")
    distance = distance_matrix_km(countries["capital_lat"], countries["capital_lon"])
    contiguity = np.zeros((n, n), dtype=bool)
    language = np.zeros((n, n), dtype=bool)
    security = {key: _zero_matrix(n, dtype) for key, dtype in SECURITY_MATRICES.items()}
    if dyads is not None and len(dyads):
        index = pd.Series(np.arange(n), index=countries["iso3"])
        for col in ("iso3_a", "iso3_b"):
            unknown = ~dyads[col].isin(index.index)
            if unknown.any():
                row = int(np.flatnonzero(unknown)[0])
                raise ScenarioError(
                    f"{dyads_file}: row {row + 1}, column '{col}': expected an iso3 listed in "
                    f"the countries table, got {dyads[col].iloc[row]!r}"
                )
        a = index[dyads["iso3_a"]].to_numpy()
        b = index[dyads["iso3_b"]].to_numpy()
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
        for matrix, values in (
            (distance, dyads["distance_km"].to_numpy(float)),
            (contiguity, dyads["contiguity"].to_numpy(bool)),
            (language, dyads["common_language"].to_numpy(bool)),
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
    politics = Politics() if politics is None else politics
    return World(name, countries, distance, contiguity, language, **security, politics=politics)


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


def validate_table(raw: pd.DataFrame, columns: tuple[Column, ...], source: Path | str):
    """Check and convert a raw table against its schema.

    Args:
        raw: The table as read (any dtypes; CSV files are read as text).
        columns: The schema.
        source: File name used in error messages.

    Returns:
        A new table holding exactly the schema's columns with proper dtypes (optional columns
        that were absent get their defaults). Extra columns in the file are kept after them.

    Raises:
        ScenarioError: Naming the file, row, column and what was expected.
    """
    raw = raw.reset_index(drop=True)
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
        out[col.name] = _convert_column(raw, col, key, source)
    extra = [c for c in raw.columns if c not in out]
    table = pd.DataFrame(out)
    for c in extra:
        table[c] = raw[c]
    return table


def _default_series(col: Column, n: int) -> pd.Series:
    dtype = {"str": "object", "float": "float64", "int": "Int64", "bool": "bool"}[col.kind]
    return pd.Series([col.default] * n, dtype=dtype)


def _where(source, row: int, raw: pd.DataFrame, key: str | None, column: str) -> str:
    label = f"row {row + 1}"
    if str(source).endswith(".csv"):
        label += f" (line {row + 2})"
    if key is not None and column != key:
        label += f", {key}={raw[key].iloc[row]!s}"
    return f"{source}: {label}, column '{column}'"


def _convert_column(raw: pd.DataFrame, col: Column, key, source) -> pd.Series:
    values = raw[col.name]
    text = values.astype("string").str.strip()
    empty = values.isna().to_numpy() | (text == "").fillna(True).to_numpy()

    def fail(row: int, got) -> ScenarioError:
        expected = col.expectation()
        if empty[row]:
            expected, got = "a value (this column cannot be empty)", "an empty cell"
        else:
            got = repr(got)
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
        if values.dtype == bool:
            return values.astype(bool)
        lowered = text.str.lower()
        parsed = pd.Series(np.nan, index=values.index, dtype=object)
        parsed[lowered.isin(_TRUE).fillna(False)] = True
        parsed[lowered.isin(_FALSE).fillna(False)] = False
        bad = parsed.isna().to_numpy() & ~empty
        _raise_first(bad, fail, text)
        return parsed.fillna(bool(col.default)).astype(bool)

    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna().to_numpy() & ~empty
    bad |= ~empty & ~np.isfinite(numbers.to_numpy(float, na_value=0.0))
    if col.kind == "int":
        whole = numbers.to_numpy(float, na_value=0.0)
        bad |= ~empty & (whole != np.round(whole))
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
    if col.kind == "int":
        return pd.Series([pd.NA if np.isnan(x) else int(x) for x in data], dtype="Int64")
    return pd.Series(data, dtype="float64")


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


def _read_table(path: Path) -> pd.DataFrame:
    try:
        if path.suffix == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
    except Exception as exc:  # any parser failure becomes a clear scenario error
        raise ScenarioError(f"{path}: cannot be read as {path.suffix[1:]}: {exc}") from exc


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
    # the template's year; no politics (its codes are synthetic, so none of them apply)
    return world_from_tables(f"synthetic_{n}_{seed}", rows, politics=Politics(template.year))
