"""Shared fixtures: tiny hand-built worlds written to tmp_path; a sweep from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

from sim.world import COUNTRY_COLUMNS, Politics, load_world, validate_table, world_from_tables

# CI runs the same examples every time (a failure there is reproducible); local runs explore.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

#: The checkout (the sweeps' working folder: `configs/` is found from it).
ROOT = Path(__file__).resolve().parents[1]


def run_sweep(folder, *overrides) -> subprocess.CompletedProcess:
    """`python -m experiments.run -m OVERRIDES hydra.sweep.dir=FOLDER`, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "experiments.run", "-m", *overrides, f"hydra.sweep.dir={folder}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


#: Nothing moves but what a test sets up: no great-power actions, sanctions, wars, events,
#: growth shocks, affinity drift, choice noise or Council.
STILL = dict(
    strategy_USA="",
    strategy_CHN="",
    strategy_RUS="",
    initial_sanctions=False,
    conflicts=(),
    events=None,
    shock_sd=0.0,
    affinity_drift_rate=0.0,
    choice_noise=0.0,
    council_rule=None,
    rng=0,
)


#: The politics of a hand-built test world: the year 2024 and the 2024 world's bloc rules (West
#: led by the United States with NATO, the EU, the G7 and US allies; Eurasia led by China).
TEST_POLITICS = Politics(2024, load_world("world_2024").politics.blocs)


def make_world(name, rows, **flags):
    """A validated world from rows (iso3, gdp_usd, population, ideal_point, lat, lon).

    Args:
        name: World name.
        rows: One tuple per country.
        **flags: Further columns, e.g. nato=[True, False, ...].
    """
    table = pd.DataFrame(
        {
            "iso3": [r[0] for r in rows],
            "name": [r[0] for r in rows],
            "gdp_usd": [r[1] for r in rows],
            "trend_growth": 0.02,
            "population": [r[2] for r in rows],
            "milex_share_gdp": 0.02,
            "ideal_point": [r[3] for r in rows],
            "capital_lat": [r[4] for r in rows],
            "capital_lon": [r[5] for r in rows],
            **flags,
        }
    )
    return world_from_tables(
        name, validate_table(table, COUNTRY_COLUMNS, name), politics=TEST_POLITICS
    )


def tiny_countries() -> pd.DataFrame:
    """Three countries with the required columns and a few optional ones (their year: 2024)."""
    return pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC"],
            "name": ["Alpha", "Beta", "Gamma"],
            "gdp_usd": [1.0e12, 5.0e11, 2.0e11],
            "gdp_year": [2024, 2024, 2023],  # the data year of a world without scenario.yaml
            "trend_growth": [0.02, 0.04, 0.03],
            "population": [5.0e7, 8.0e7, 2.0e7],
            "milex_share_gdp": [0.02, 0.015, 0.03],
            "ideal_point": [1.0, -0.5, 0.2],
            "capital_lat": [48.85, 52.52, 41.9],
            "capital_lon": [2.35, 13.40, 12.5],
            "eu": [True, True, False],
        }
    )


def tiny_dyads() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "iso3_a": ["AAA", "AAA", "BBB"],
            "iso3_b": ["BBB", "CCC", "CCC"],
            "distance_km": [878.0, 1105.0, 1181.0],
            "contiguity": [True, False, False],
            "common_language": [False, False, True],
        }
    )


@pytest.fixture
def tiny_world_dir(tmp_path):
    """A folder holding countries.csv and dyads.csv of the tiny world."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    tiny_countries().to_csv(folder / "countries.csv", index=False)
    tiny_dyads().to_csv(folder / "dyads.csv", index=False)
    return folder


#: Model set-ups whose blocs change: new blocs founded; then many founded, split and dissolved
#: (empty, inactive columns). The speed tests run their kernels through them.
BLOC_CHURN = (
    ("new_blocs", dict(bloc_formation_capability=0.01, bloc_formation_affinity=0.3)),
    (
        "bloc_churn",
        dict(
            alignment="landscape",
            bloc_formation_capability=0.005,
            bloc_formation_affinity=0.2,
            bloc_split_threshold=0.1,
            choice_noise=0.3,
        ),
    ),
)
