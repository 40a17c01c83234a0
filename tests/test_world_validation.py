"""Loading a user's scenario: every broken file fails with file, row, column and expectation."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from sim import ScenarioError, WorldModel, load_world
from sim.world import COUNTRY_COLUMNS, DYAD_COLUMNS, validate_table, world_from_tables
from tests.conftest import tiny_countries, tiny_dyads


def write(folder, countries=None, dyads=None, fmt="csv"):
    folder.mkdir(exist_ok=True)
    for name, table in (("countries", countries), ("dyads", dyads)):
        if table is None:
            continue
        if fmt == "csv":
            table.to_csv(folder / f"{name}.csv", index=False)
        else:
            table.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


def test_valid_tiny_world_loads_with_defaults(tiny_world_dir):
    world = load_world(tiny_world_dir)
    assert world.n == 3
    assert list(world.countries["iso3"]) == ["AAA", "BBB", "CCC"]
    # optional columns absent from the file take their documented defaults
    assert not world.countries["nato"].any()
    assert (world.countries["population_growth"] == 0.0).all()
    assert world.distance_km[0, 1] == world.distance_km[1, 0] == 878.0
    assert world.contiguity[0, 1] and not world.contiguity[0, 2]
    assert world.common_language[2, 1]
    assert np.all(np.diag(world.distance_km) == 0)


def test_parquet_files_load_like_csv(tmp_path):
    a = load_world(write(tmp_path / "csv", tiny_countries(), tiny_dyads()))
    b = load_world(write(tmp_path / "pq", tiny_countries(), tiny_dyads(), fmt="parquet"))
    pd.testing.assert_frame_equal(a.countries, b.countries)
    np.testing.assert_array_equal(a.distance_km, b.distance_km)


def typed_and_text(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table as Parquet holds it (numbers, flags, NaN) and as a CSV file is read (text)."""
    text = table.astype(object).where(table.notna(), "").astype(str)
    return table, text


def test_typed_columns_convert_like_their_text():
    # numbers and flags of a numeric or boolean dtype skip the text: the same table results,
    # with the same dtypes, the same defaults for empty cells and the same missing values
    table = tiny_countries().assign(
        milex_usd=[1.0e10, np.nan, 3.0e9],  # nullable: missing
        gdp_year=[2024.0, np.nan, 2023.0],  # a nullable whole number: <NA>
        nuclear_warheads=[np.nan, 2.0**53, 5.0],  # a default (0) and the largest exact one
        unsc_term_end=pd.array([2025, None, 2026], dtype="Int64"),
        nato=[True, False, True],
    )
    typed, text = typed_and_text(table)
    assert typed["nuclear_warheads"].dtype == float and typed["nato"].dtype == bool
    assert text["nato"].tolist() == ["True", "False", "True"] and text.at[1, "gdp_year"] == ""
    a = validate_table(typed, COUNTRY_COLUMNS, "t.parquet", plausibility=False)  # 2^53 bombs
    b = validate_table(text, COUNTRY_COLUMNS, "t.csv", plausibility=False)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a["nuclear_warheads"].tolist() == [0, 2**53, 5]
    assert a["gdp_year"].dtype == "Int64" and a["gdp_year"].isna().tolist() == [False, True, False]
    assert a["milex_usd"].isna().tolist() == [False, True, False]
    dyads = tiny_dyads().assign(dispute_years=[1.0, np.nan, 3.0])
    typed, text = typed_and_text(dyads)
    a = validate_table(typed, DYAD_COLUMNS, "d.parquet")
    pd.testing.assert_frame_equal(a, validate_table(text, DYAD_COLUMNS, "d.csv"))
    assert a["dispute_years"].tolist() == [1, 0, 3]


@pytest.mark.parametrize(
    "column, values, expected",
    [
        ("gdp_usd", [1.0e12, np.nan, 2.0e11], r"row 2.*'gdp_usd'.*cannot be empty.*empty cell"),
        ("gdp_year", [2024.0, 2023.5, 2023.0], r"row 2.*'gdp_year'.*whole number.*got 2023.5"),
        ("trend_growth", [0.02, np.inf, 0.03], r"row 2.*'trend_growth'.*got inf"),
        ("population", [5.0e7, -1.0, 2.0e7], r"row 2.*'population'.*> 0.*got -1.0"),
    ],
)
def test_typed_columns_fail_like_their_text(column, values, expected):
    with pytest.raises(ScenarioError, match=expected):
        validate_table(tiny_countries().assign(**{column: values}), COUNTRY_COLUMNS, "t")


def test_model_runs_on_a_user_world(tiny_world_dir):
    model = WorldModel(tiny_world_dir, rng=3, council_rule=None)  # 3 countries: no Council
    assert model.start_year == 2024  # its latest gdp_year: it has no scenario.yaml
    assert model.blocs == [] and model.conflicts == [] and not model.sanctions.any()
    model.step()
    assert model.gdp_usd.shape == (3,)
    assert model.trade_usd[0, 1] > 0


def test_the_start_year_is_the_scenarios(tiny_world_dir):
    with pytest.raises(
        ValueError,
        match=r"start_year: the scenario 'world_2024' holds the world "
        r"of 2024, got start_year=2000",
    ):
        WorldModel("world_2024", start_year=2000)
    tiny_countries().drop(columns="gdp_year").to_csv(tiny_world_dir / "countries.csv", index=False)
    with pytest.raises(ValueError, match=r"'tiny' does not say its year .* pass start_year"):
        WorldModel(tiny_world_dir, council_rule=None)
    assert WorldModel(tiny_world_dir, start_year=1990, council_rule=None).year == 1990
    # a table built in code may lack the column altogether: no year either
    assert world_from_tables("tiny", tiny_countries().drop(columns="gdp_year")).year is None


def test_a_scenario_file_gives_the_politics(tiny_world_dir):
    codes = list(tiny_countries()["iso3"])
    (tiny_world_dir / "scenario.yaml").write_text(
        "year: 2010\n"
        f"blocs:\n  - {{name: West, leader: {codes[0]}, members: [{codes[1]}]}}\n"
        f"conflicts: [[{codes[1]}, {codes[2]}]]\n"
        f"sanctions: [[West, {codes[2]}, 0.5]]\n"
        f"allied: [{codes[2]}]\n"
        "strategies: {USA: restraint}\n"
    )
    model = WorldModel(tiny_world_dir, rng=1, council_rule=None, alignment="mixed")
    assert model.start_year == 2010 and [b.name for b in model.blocs] == ["West"]
    assert list(model.bloc) == [0, 0, -1] and model.conflicts == [(1, 2)]
    assert model.sanctions[0, 2] == model.sanctions[1, 2] == 0.5
    assert list(model.strategies) == ["hedging", "hedging", "balancing"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("year: 2010.5\n", r"year: expected a whole year"),
        ("sanctions: [[West, AAA, 2]]\n", r"sanctions\[0\] imposer"),
        ("conflicts: [[AAA, ZZZ]]\n", r"conflicts\[0\]: expected an ISO3 code of the countries"),
        ("allied: [AAA, nato, zz]\n", r"allied\[1\]: expected an ISO3 code or one of"),
        ("alies: [AAA]\n", r"unknown key 'alies'"),
        ("blocs: [{name: X, leader: QQQ}]\n", r"blocs\[0\].leader: expected an ISO3 code"),
    ],
)
def test_a_bad_scenario_file_names_the_file_and_key(tiny_world_dir, text, expected):
    (tiny_world_dir / "scenario.yaml").write_text(text)
    with pytest.raises(ScenarioError, match=expected) as info:
        load_world(tiny_world_dir)
    assert "scenario.yaml" in str(info.value)


# Each case: how to break the countries table, then what the message must name.
BROKEN_COUNTRIES = {
    "missing required column": (
        lambda t: t.drop(columns="gdp_usd"),
        [r"missing required column 'gdp_usd'"],
    ),
    "text in a number column": (
        lambda t: t.assign(gdp_usd=["1e12", "lots", "2e11"]),
        [r"row 2 \(line 3\)", "iso3=BBB", "column 'gdp_usd'", "a number", "'lots'"],
    ),
    "non-positive GDP": (
        lambda t: t.assign(gdp_usd=[1e12, 5e11, -2.0]),
        [r"row 3 \(line 4\)", "iso3=CCC", "column 'gdp_usd'", "> 0", "'-2.0'"],
    ),
    "zero GDP": (
        lambda t: t.assign(gdp_usd=[0.0, 5e11, 2e11]),
        ["row 1", "column 'gdp_usd'", "> 0"],
    ),
    "latitude out of range": (
        lambda t: t.assign(capital_lat=[48.0, 95.0, 41.0]),
        ["row 2", "column 'capital_lat'", "<= 90"],
    ),
    "longitude out of range": (
        lambda t: t.assign(capital_lon=[2.0, 13.0, -181.0]),
        ["row 3", "column 'capital_lon'", ">= -180"],
    ),
    "duplicate iso3": (
        lambda t: t.assign(iso3=["AAA", "BBB", "AAA"]),
        ["row 3", "column 'iso3'", "unique", "'AAA'", "first at row 1"],
    ),
    "malformed iso3": (
        lambda t: t.assign(iso3=["AAA", "bb1", "CCC"]),
        ["row 2", "column 'iso3'", r"\[A-Z\]\{3\}", "'bb1'"],
    ),
    "missing required value": (
        lambda t: t.assign(ideal_point=[1.0, None, 0.2]),
        ["row 2", "iso3=BBB", "column 'ideal_point'", "cannot be empty", "empty cell"],
    ),
    "bad boolean": (
        lambda t: t.assign(eu=["true", "maybe", "false"]),
        ["row 2", "column 'eu'", "true/false", "'maybe'"],
    ),
    "share above one": (
        lambda t: t.assign(milex_share_gdp=[0.02, 1.5, 0.03]),
        ["row 2", "column 'milex_share_gdp'", "<= 1"],
    ),
    "unknown UN regional group": (
        lambda t: t.assign(un_regional_group=["WEOG", "Nordic", None]),
        ["row 2", "column 'un_regional_group'", "one of African"],
    ),
    "fractional whole number": (
        lambda t: t.assign(nuclear_warheads=[0, 1.5, 0]),
        ["row 2", "column 'nuclear_warheads'", "a whole number"],
    ),
    "infinite population": (
        lambda t: t.assign(population=[5e7, float("inf"), 2e7]),
        ["row 2", "column 'population'", "a number"],
    ),
    "implausible population": (
        lambda t: t.assign(population=[5e7, 1.0, 2e7]),
        [
            r"row 2 \(line 3\)",
            "iso3=BBB",
            "column 'population'",
            "between 500 and 1e\\+10",
            "'1.0'",
        ],
    ),
    "population in thousands": (
        lambda t: t.assign(population=[5e4, 8e4, 2e4]),
        [
            r"row 1 \(line 2\)",
            "iso3=AAA",
            "columns 'gdp_usd'/'population'",
            r"GDP per head \(gdp_usd / population\), between 10 and 1e\+06 US\$",
            r"got 2e\+07 \(gdp_usd='1000000000000.0', population='50000.0'\)",
            r"plausibility=False",
        ],
    ),
    "warheads beyond 2^53": (
        lambda t: t.assign(nuclear_warheads=[0, 1e308, 0]),
        ["row 2", "column 'nuclear_warheads'", r"at most 2\^53", r"'1e\+308'"],
    ),
    "duplicated header": (
        lambda t: pd.concat([t, t[["ideal_point"]]], axis=1),
        [r"column 'ideal_point' appears twice in the header \(columns 8 and 12\)"],
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_COUNTRIES))
def test_broken_countries_file(tmp_path, case):
    breaker, expected = BROKEN_COUNTRIES[case]
    folder = write(tmp_path / "w", breaker(tiny_countries()), tiny_dyads())
    with pytest.raises(ScenarioError) as info:
        load_world(folder)
    message = str(info.value)
    assert "countries.csv" in message
    for pattern in expected:
        assert re.search(pattern, message), f"{pattern!r} not in {message!r}"


BROKEN_DYADS = {
    "unknown country": (
        lambda t: t.assign(iso3_b=["BBB", "ZZZ", "CCC"]),
        ["row 2", "column 'iso3_b'", "listed in the countries table", "'ZZZ'"],
    ),
    "pair with itself": (
        lambda t: t.assign(iso3_b=["BBB", "AAA", "CCC"]),
        ["row 2", "column 'iso3_b'", "other than iso3_a"],
    ),
    "duplicate pair, reversed": (
        lambda t: pd.concat(
            [t, t.iloc[[0]].rename(columns={"iso3_a": "iso3_b", "iso3_b": "iso3_a"})]
        ),
        ["row 4", "each pair once", "BBB-AAA"],
    ),
    "negative distance": (
        lambda t: t.assign(distance_km=[878.0, -1.0, 1181.0]),
        ["row 2", "column 'distance_km'", "> 0"],
    ),
    "missing distance": (
        lambda t: t.assign(distance_km=[878.0, None, 1181.0]),
        ["row 2", "column 'distance_km'", "cannot be empty"],
    ),
    "missing required column": (
        lambda t: t.drop(columns="iso3_a"),
        ["missing required column 'iso3_a'"],
    ),
    "zero distance": (
        lambda t: t.assign(distance_km=[878.0, 0.0, 1181.0]),
        ["row 2", "column 'distance_km'", "> 0", "'0.0'"],
    ),
    "implausible distance": (
        lambda t: t.assign(distance_km=[878.0, 1.0e6, 1181.0]),
        ["row 2", "column 'distance_km'", "between 0.5 and 20100", "'1000000.0'"],
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_DYADS))
def test_broken_dyads_file(tmp_path, case):
    breaker, expected = BROKEN_DYADS[case]
    folder = write(tmp_path / "w", tiny_countries(), breaker(tiny_dyads()))
    with pytest.raises(ScenarioError) as info:
        load_world(folder)
    message = str(info.value)
    assert "dyads.csv" in message
    for pattern in expected:
        assert re.search(pattern, message), f"{pattern!r} not in {message!r}"


def test_missing_pairs_are_filled_from_coordinates_with_a_warning(tmp_path):
    folder = write(tmp_path / "w", tiny_countries(), tiny_dyads().iloc[:2])
    with pytest.warns(UserWarning, match="1 country pairs not listed"):
        world = load_world(folder)
    # BBB-CCC: Berlin-Rome great circle, about 1,180 km
    assert 1150 < world.distance_km[1, 2] < 1200
    assert not world.common_language[1, 2]


def test_dyad_file_is_optional(tmp_path):
    folder = write(tmp_path / "w", tiny_countries())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        world = load_world(folder)
    assert world.distance_km[0, 1] > 0 and not world.contiguity.any()


def test_unknown_scenario_name_lists_the_shipped_ones():
    with pytest.raises(ScenarioError, match=r"unknown scenario 'world_1815'.*world_2024"):
        load_world("world_1815")


def test_unreadable_file(tmp_path):
    folder = tmp_path / "w"
    folder.mkdir()
    (folder / "countries.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(ScenarioError, match=r"countries.parquet: cannot be read as parquet"):
        load_world(folder)


def test_both_formats_present_is_ambiguous(tmp_path):
    folder = write(tmp_path / "w", tiny_countries())
    tiny_countries().to_parquet(folder / "countries.parquet")
    with pytest.raises(ScenarioError, match="keep one"):
        load_world(folder)


def test_edited_file_is_reloaded(tmp_path):
    folder = write(tmp_path / "w", tiny_countries(), tiny_dyads())
    assert load_world(folder).countries["gdp_usd"].iloc[0] == 1.0e12
    changed = tiny_countries().assign(gdp_usd=[3.0e12, 5.0e11, 2.0e11])
    write(folder, changed)
    assert load_world(folder).countries["gdp_usd"].iloc[0] == 3.0e12
