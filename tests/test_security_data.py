"""Security relations of the dyads: the shipped table, the World matrices and the loader."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import ScenarioError, World, load_world, synthetic_world
from sim.world import SECURITY_MATRICES
from tests.conftest import tiny_countries, tiny_dyads

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "data"
SHIPPED = ROOT / "sim" / "data" / "world_2024" / "dyads.parquet"
SECURITY = ("rivalry", "defense_pact", "alliance", "dispute_years", "conflict_years")
needs_sources = pytest.mark.skipif(not SOURCES.is_dir(), reason="needs ../shared/data")


@pytest.fixture(scope="module")
def table():
    return pd.read_parquet(SHIPPED).set_index(["iso3_a", "iso3_b"])


@pytest.fixture(scope="module")
def world():
    return load_world("world_2024")


@pytest.fixture(scope="module")
def build():
    path = ROOT / "scripts" / "build_world.py"
    spec = importlib.util.spec_from_file_location("build_world", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_shipped_table_has_the_security_columns(table):
    assert list(table.columns[-5:]) == list(SECURITY)
    for col in ("rivalry", "defense_pact", "alliance"):
        assert table[col].dtype == bool
    for col in ("dispute_years", "conflict_years"):
        assert table[col].dtype == np.int64
        assert table[col].between(0, 10).all()
    assert (table["alliance"] | ~table["defense_pact"]).all()  # a defence pact is an alliance
    # 56 rivalries ongoing in 2020, less China-Taiwan and Kosovo-Serbia (not UN members)
    assert table["rivalry"].sum() == 54


@pytest.mark.parametrize(
    "pair", [("CHN", "IND"), ("IND", "PAK"), ("KOR", "PRK"), ("IRN", "SAU"), ("RUS", "USA"),
             ("CHN", "USA"), ("RUS", "UKR"), ("ARM", "AZE"), ("GNQ", "GAB")],
)  # fmt: skip
def test_known_rivalries(table, pair):
    assert table.at[tuple(sorted(pair)), "rivalry"]


def test_known_relations(table):
    for pair in (("JPN", "USA"), ("KOR", "USA"), ("DEU", "FRA"), ("GBR", "USA")):
        assert table.at[pair, "defense_pact"], pair
    assert table.at[("RUS", "UKR"), "conflict_years"] == 10  # 2015-2021 Donbas (Russia on
    # the rebels' side), 2022-2024 interstate war
    assert table.at[("ARM", "AZE"), "conflict_years"] > 0
    assert table.at[("IND", "PAK"), "dispute_years"] > 0
    assert not table.at[("GAB", "GIN"), "rivalry"]  # the rivalry file's 438 is corrected to 411
    assert not table.at[("ERI", "ETH"), "rivalry"]  # ended in 2018
    for friends in (("ISL", "NZL"), ("CHE", "CRI"), ("FIN", "URY")):  # distant, no ties
        assert not table.loc[friends, list(SECURITY)].any(), friends


def test_world_matrices_are_symmetric_with_zero_diagonal(world, table):
    i = {c: k for k, c in enumerate(world.countries["iso3"])}
    for name, dtype in SECURITY_MATRICES.items():
        m = getattr(world, name)
        assert m.shape == (193, 193) and m.dtype == np.dtype(dtype), name
        assert np.array_equal(m, m.T), name
        assert not np.diag(m).any(), name
        assert not m.flags.writeable, name
        a = table.index.get_level_values(0).map(i).to_numpy()
        b = table.index.get_level_values(1).map(i).to_numpy()
        assert np.array_equal(m[a, b], table[name].to_numpy(dtype)), name
    assert world.rivalry[i["CHN"], i["USA"]] and world.rivalry[i["USA"], i["CHN"]]
    assert world.conflict_years[i["UKR"], i["RUS"]] == 10.0


def test_user_world_without_the_columns_loads_with_zeros(tiny_world_dir):
    world = load_world(tiny_world_dir)
    for name in SECURITY_MATRICES:
        m = getattr(world, name)
        assert m.shape == (3, 3) and not m.any(), name


def test_user_world_with_the_columns(tmp_path):
    folder = tmp_path / "w"
    folder.mkdir()
    tiny_countries().to_csv(folder / "countries.csv", index=False)
    tiny_dyads().assign(
        rivalry=["true", "false", ""],
        defense_pact=[False, True, False],
        alliance=[False, True, True],
        dispute_years=[3, 0, ""],
        conflict_years=[0, 10, 1],
    ).to_csv(folder / "dyads.csv", index=False)
    world = load_world(folder)
    assert world.rivalry[0, 1] and world.rivalry[1, 0] and not world.rivalry[1, 2]
    assert world.defense_pact[2, 0] and world.alliance[2, 1]
    assert world.dispute_years[1, 0] == 3.0 and world.dispute_years[1, 2] == 0.0
    assert world.conflict_years[0, 2] == 10.0 and world.conflict_years.dtype == float


def test_missing_pairs_and_no_dyad_file_get_zeros(tmp_path):
    folder = tmp_path / "w"
    folder.mkdir()
    tiny_countries().to_csv(folder / "countries.csv", index=False)
    tiny_dyads().iloc[:2].assign(rivalry=True, conflict_years=4).to_csv(
        folder / "dyads.csv", index=False
    )
    with pytest.warns(UserWarning, match="1 country pairs not listed"):
        world = load_world(folder)
    assert world.rivalry[0, 1] and not world.rivalry[1, 2]
    assert world.conflict_years[0, 2] == 4.0 and world.conflict_years[1, 2] == 0.0
    assert not synthetic_world(20, seed=1).rivalry.any()
    assert not synthetic_world(20, seed=1).conflict_years.any()
    assert synthetic_world(20, seed=1).conflict_years.strides == (0, 0)  # zeros, no memory


def test_world_built_from_the_first_five_fields_gets_zeros(world):
    old_style = World("x", world.countries, world.distance_km, world.contiguity,
                      world.common_language)  # fmt: skip
    assert not old_style.alliance.any() and old_style.dispute_years.shape == (193, 193)
    assert not old_style.dispute_years.flags.writeable


BAD_VALUES = {
    "conflict_years above 10": ("conflict_years", [0, 11, 0], ["<= 10", "'11'"]),
    "negative conflict_years": ("conflict_years", [0, -1, 0], [">= 0", "'-1'"]),
    "fractional dispute_years": ("dispute_years", [0, 2.5, 0], ["a whole number", "'2.5'"]),
    "text in dispute_years": ("dispute_years", [0, "many", 0], ["a whole number", "'many'"]),
    "bad rivalry flag": ("rivalry", ["true", "maybe", "false"], ["true/false", "'maybe'"]),
}


@pytest.mark.parametrize("case", sorted(BAD_VALUES))
def test_bad_security_value_names_file_row_and_column(tmp_path, case):
    column, values, expected = BAD_VALUES[case]
    folder = tmp_path / "w"
    folder.mkdir()
    tiny_countries().to_csv(folder / "countries.csv", index=False)
    tiny_dyads().assign(**{column: values}).to_csv(folder / "dyads.csv", index=False)
    with pytest.raises(ScenarioError) as info:
        load_world(folder)
    message = str(info.value)
    for pattern in ["dyads.csv", r"row 2 \(line 3\)", f"column '{column}'", *expected]:
        assert re.search(pattern, message), f"{pattern!r} not in {message!r}"


@needs_sources
def test_the_scenario_year_is_a_parameter(build):
    iso = pd.Index(pd.read_csv(ROOT / "sim" / "data" / "world_2024" / "countries.csv")["iso3"])
    cow, ucdp, _ = build.member_codes(SOURCES, iso)
    stats: dict = {}
    assert ("RUS", "UKR") not in build.ongoing_rivalries(SOURCES, cow, 2000, stats)
    assert ("RUS", "UKR") in build.ongoing_rivalries(SOURCES, cow, 2014, stats)
    assert ("ERI", "ETH") in build.ongoing_rivalries(SOURCES, cow, 2014, stats)
    defense, _ = build.atop_obligations(SOURCES, cow, 2014, stats)
    assert stats["atop_year"] == 2014 and ("JPN", "USA") in defense
    disputes = build.dispute_years(SOURCES, cow, 2000, stats)
    assert stats["mid_window"] == (1991, 2000) and disputes.max() <= 10
    conflicts = build.conflict_years(SOURCES, ucdp, 2014, stats)
    assert stats["ucdp_window"] == (2005, 2014)
    assert conflicts.get(("RUS", "UKR"), 0) == 1  # Donbas 2014, Russia supporting the rebels


@needs_sources
def test_unknown_state_codes_fail_loudly(build):
    with pytest.raises(ValueError, match=r"state codes \[999\]"):
        build.code_to_iso(pd.Series([2.0, 999.0]), {2: "USA"}, {713: "Taiwan"}, "test")
    mapped = build.code_to_iso(pd.Series([2.0, 713.0]), {2: "USA"}, {713: "Taiwan"}, "t")
    assert mapped.iloc[0] == "USA" and pd.isna(mapped.iloc[1])  # a known non-member
