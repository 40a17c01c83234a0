"""The shipped war-termination hazard (sim/data/war_termination.json) and its rebuild."""

from __future__ import annotations

import filecmp
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "data"
SHIPPED = ROOT / "sim" / "data"
HAZARDS = (
    "all",
    "war",
    "minor",
    "episode_year_1",
    "episode_year_2",
    "episode_year_3_plus",
    "war_episode_year_3_plus",
)


@pytest.fixture(scope="module")
def result():
    return json.loads((SHIPPED / "war_termination.json").read_text(encoding="utf-8"))


def test_shipped_json_has_the_expected_keys(result):
    assert {"hazard", "episode_length_years", "sample", "source", "years"} <= set(result)
    assert result["years"] == [1946, 2024]
    assert set(result["hazard"]) == set(HAZARDS)
    assert (SHIPPED / "war_termination.md").is_file()
    assert "Gleditsch" in result["source"]["ucdp_prio_2002"]


@pytest.mark.parametrize("name", HAZARDS)
def test_hazards_are_proportions_inside_their_intervals(result, name):
    h = result["hazard"][name]
    assert 0 < h["ci95_low"] < h["estimate"] < h["ci95_high"] < 1
    assert 0 < h["episode_ends"] < h["conflict_years"]
    assert h["estimate"] == pytest.approx(h["episode_ends"] / h["conflict_years"], rel=1e-5)


def test_counts_add_up(result):
    h, s, e = result["hazard"], result["sample"], result["episode_length_years"]
    assert h["all"]["conflict_years"] == s["interstate_conflict_years"]
    assert (
        h["war"]["conflict_years"] + h["minor"]["conflict_years"] == s["interstate_conflict_years"]
    )
    by_year = ("episode_year_1", "episode_year_2", "episode_year_3_plus")
    assert sum(h[k]["conflict_years"] for k in by_year) == s["interstate_conflict_years"]
    assert h["episode_year_1"]["conflict_years"] == s["interstate_episodes"]
    assert h["all"]["episode_ends"] == s["interstate_episodes_ended"] == e["n_completed"]
    assert e["median_completed"] >= 1 and e["median_kaplan_meier"] >= 1


@pytest.mark.skipif(not SOURCES.is_dir(), reason="needs ../shared/data beside the checkout")
def test_rerun_gives_the_shipped_bytes(tmp_path):
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "estimate_war_hazard.py"),
            "--sources",
            str(SOURCES),
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    for name in ("war_termination.json", "war_termination.md"):
        assert filecmp.cmp(tmp_path / name, SHIPPED / name, shallow=False), name
