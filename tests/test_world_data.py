"""The shipped `world_2024` agrees with its sources (figures cited in sim/data/DATA.md)."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim import load_world
from sim.world import COUNTRY_COLUMNS, shipped_scenarios

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="module")
def world():
    return load_world("world_2024")


def test_is_shipped_with_the_full_schema(world):
    assert "world_2024" in shipped_scenarios()
    assert list(world.countries.columns[: len(COUNTRY_COLUMNS)]) == [
        c.name for c in COUNTRY_COLUMNS
    ]


def test_193_un_members(world):
    table = world.countries
    assert world.n == 193
    assert table["iso3"].is_unique
    assert table["un_regional_group"].value_counts().to_dict() == {
        "African": 54,
        "Asia-Pacific": 53,
        "GRULAC": 33,
        "WEOG": 29,
        "Eastern European": 23,
    }  # Kiribati belongs to no group (UN DGACM list of regional groups)


def test_gdp_matches_world_bank(world):
    gdp = world.countries.set_index("iso3")["gdp_usd"]
    # World Bank WDI NY.GDP.MKTP.CD 2024 (current US$), rounded to the dollar
    assert gdp["USA"] == pytest.approx(29_184_890_000_000, rel=1e-6)
    assert gdp["CHN"] == pytest.approx(18_743_800_000_000, rel=1e-5)
    assert list(gdp.sort_values(ascending=False).index[:5]) == ["USA", "CHN", "DEU", "JPN", "IND"]
    assert 105e12 < gdp.sum() < 115e12  # world GDP 2024, about US$110 trillion
    measured_2024 = (world.countries["gdp_year"] == 2024) & ~world.countries["gdp_imputed"]
    assert measured_2024.sum() == 176  # 17 members lack a 2024 World Bank figure
    assert world.countries.set_index("iso3").at["PRK", "gdp_imputed"]


def test_security_council_2025(world):
    table = world.countries.set_index("iso3")
    assert set(table.index[table["p5"]]) == {"CHN", "FRA", "GBR", "RUS", "USA"}
    terms = table["unsc_term_end"].dropna().astype(int).to_dict()
    assert terms == {  # UN DPPA: elected members of the Council in 2025
        "DZA": 2025,
        "GUY": 2025,
        "KOR": 2025,
        "SLE": 2025,
        "SVN": 2025,
        "DNK": 2026,
        "GRC": 2026,
        "PAK": 2026,
        "PAN": 2026,
        "SOM": 2026,
    }


def test_membership_counts(world):
    table = world.countries
    counts = {
        org: int(table[org].sum())
        for org in ("nato", "eu", "g7", "brics", "brics_partner", "sco", "eaeu", "asean", "au")
    }
    assert counts == {
        "nato": 32,
        "eu": 27,
        "g7": 7,
        "brics": 10,
        "brics_partner": 10,
        "sco": 10,
        "eaeu": 5,
        "asean": 11,
        "au": 54,
    }
    brics = set(table.loc[table["brics"], "iso3"])
    assert brics == {"BRA", "RUS", "IND", "CHN", "ZAF", "EGY", "ETH", "IRN", "ARE", "IDN"}


def test_nuclear_warheads(world):
    warheads = world.countries.set_index("iso3")["nuclear_warheads"]
    assert (warheads > 0).sum() == 9  # SIPRI Yearbook 2025: nine nuclear-armed states
    assert warheads["RUS"] == 5459 and warheads["USA"] == 5177


def test_dyads_cover_every_pair(world):
    d = world.distance_km
    assert d.shape == (193, 193)
    assert np.allclose(d, d.T) and np.all(np.diag(d) == 0)
    off = d[~np.eye(193, dtype=bool)]
    assert off.min() > 0 and off.max() < 20_038  # half the Earth's circumference
    i = {c: k for k, c in enumerate(world.countries["iso3"])}
    assert 330 < d[i["FRA"], i["GBR"]] < 360  # Paris-London
    assert world.contiguity[i["USA"], i["CAN"]] and world.contiguity[i["SSD"], i["UGA"]]
    assert not world.contiguity[i["ALB"], i["SRB"]]  # GeoDist's stale YUG border, corrected
    assert world.common_language[i["GBR"], i["USA"]]


@pytest.mark.skipif(not SOURCES.is_dir(), reason="needs ../shared/data beside the checkout")
@pytest.mark.parametrize("year", [2000, 2014, 2024])
def test_rebuild_from_sources_gives_the_shipped_bytes(tmp_path, year):
    out = tmp_path / f"world_{year}"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_world.py"),
            "--year",
            str(year),
            "--sources",
            str(SOURCES),
            "--out",
            str(out),
            "--doc",
            str(tmp_path / "DATA.md"),
        ],
        check=True,
        capture_output=True,
    )
    shipped = ROOT / "sim" / "data"
    for name in ("countries.csv", "dyads.parquet"):
        assert filecmp.cmp(out / name, shipped / f"world_{year}" / name, shallow=False), name
    doc = shipped / "DATA.md" if year == 2024 else shipped / f"world_{year}" / "DATA.md"
    assert filecmp.cmp(tmp_path / "DATA.md", doc, shallow=False)


def members(world, org: str) -> set[str]:
    table = world.countries
    return set(table.loc[table[org], "iso3"])


def test_world_2000_memberships_and_council():
    world = load_world("world_2000")
    table = world.countries.set_index("iso3")
    assert world.year == 2000 and world.n == 190
    assert not {"SSD", "MNE", "TLS"} & set(table.index)  # not yet independent
    assert {"CHE", "SRB", "ERI"} <= set(table.index)  # Switzerland (UN 2002), FR Yugoslavia
    counts = {org: len(members(world, org)) for org in ("nato", "eu", "brics", "sco", "eaeu")}
    assert counts == {"nato": 19, "eu": 15, "brics": 0, "sco": 6, "eaeu": 0}
    assert {"CZE", "HUN", "POL"} <= members(world, "nato") and "EST" not in members(world, "nato")
    assert "GBR" in members(world, "eu") and "CYP" not in members(world, "eu")
    assert members(world, "sco") == {"CHN", "RUS", "KAZ", "KGZ", "TJK", "UZB"}  # June 2001
    assert "MAR" not in members(world, "au") and "UZB" not in members(world, "csto")
    terms = table["unsc_term_end"].dropna().astype(int).to_dict()
    assert terms == {  # the Council of 2001
        **dict.fromkeys(["BGD", "JAM", "MLI", "TUN", "UKR"], 2001),
        **dict.fromkeys(["COL", "IRL", "MUS", "NOR", "SGP"], 2002),
    }
    assert (table["gdp_year"] == 2000).sum() > 170
    assert 30e12 < table["gdp_usd"].sum() < 36e12  # World Bank: world GDP 2000 about US$34 tn
    assert 0.1 < table.at["CHN", "gdp_usd"] / table.at["USA", "gdp_usd"] < 0.13
    assert set(table.index[table["nuclear_warheads"] > 0]) == {
        "USA", "RUS", "GBR", "FRA", "CHN", "IND", "PAK", "ISR",
    }  # fmt: skip


def test_world_2014_memberships_and_council():
    world = load_world("world_2014")
    table = world.countries.set_index("iso3")
    assert world.year == 2014 and world.n == 193
    counts = {org: len(members(world, org)) for org in ("nato", "eu", "brics", "sco", "eaeu")}
    assert counts == {"nato": 28, "eu": 28, "brics": 5, "sco": 6, "eaeu": 5}
    assert members(world, "brics") == {"BRA", "RUS", "IND", "CHN", "ZAF"}
    assert "MNE" not in members(world, "nato") and "GBR" in members(world, "eu")
    terms = table["unsc_term_end"].dropna().astype(int).to_dict()
    assert terms == {  # the Council of 2015
        **dict.fromkeys(["TCD", "CHL", "JOR", "LTU", "NGA"], 2015),
        **dict.fromkeys(["AGO", "MYS", "NZL", "ESP", "VEN"], 2016),
    }


@pytest.mark.parametrize("year", [2000, 2014])
def test_earlier_worlds_carry_their_own_politics(year):
    world = load_world(f"world_{year}")
    politics = world.politics
    assert politics.year == year and not politics.conflicts  # no interstate war at war level
    assert ("RUS", "UKR") not in politics.conflicts
    assert [(b.name, b.leader) for b in politics.blocs] == [("West", "USA"), ("Eurasia", "RUS")]
    targets = {target for _, target, _ in politics.sanctions}
    assert {"CUB", "IRN", "PRK"} <= targets and ("RUS" in targets) == (year == 2014)
