"""The hindcast: a quick sweep from 2000 and 2014, scored against the record's files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import hindcast
from sim.world import load_world

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "sim" / "data"


def test_gdp_scores_of_a_toy_world():
    predicted = pd.Series({"USA": 2.0, "CHN": 1.0, "DEU": 1.0, "XXX": 5.0})
    actual = pd.Series({"USA": 1.0, "CHN": 1.0, "DEU": 2.0})
    scores = hindcast.gdp_scores(predicted, actual, eu={"DEU"})
    assert scores["countries"] == 3  # XXX is not in the record
    assert scores["share_USA"] == pytest.approx(0.5) and scores["share_EU"] == pytest.approx(0.25)
    assert scores["china_us_ratio"] == pytest.approx(0.5)
    expected = np.mean(np.abs(np.log([0.5 / 0.25, 0.25 / 0.25, 0.25 / 0.5])))
    assert scores["mae_log_share"] == pytest.approx(expected)
    assert scores["spearman"] == pytest.approx(-0.5)
    perfect = hindcast.gdp_scores(actual * 7.0, actual, eu={"DEU"})
    assert perfect["mae_log_share"] == pytest.approx(0.0) and perfect["spearman"] == 1.0


def test_baselines():
    start = load_world("world_2014").countries
    frozen = hindcast.baseline_gdp(start, 10, "frozen")
    trend = hindcast.baseline_gdp(start, 10, "own_trend")
    gdp = start.set_index("iso3")["gdp_usd"]
    pd.testing.assert_series_equal(frozen, gdp.astype(float))
    growth = (1.0 + start.set_index("iso3")["trend_growth"]) ** 10
    np.testing.assert_allclose(trend.to_numpy(), (gdp * growth).to_numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="frozen"):
        hindcast.baseline_gdp(start, 10, "random_walk")


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """A hindcast of 2 replicates a start, scored by the module's entry point."""
    folder = tmp_path_factory.mktemp("hindcast")
    command = [sys.executable, "-m", "experiments.run", "-m", "experiment=hindcast",
               "replicates=2", f"hydra.sweep.dir={folder}"]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    assert hindcast.main([str(folder)]) == 0
    return folder


def test_a_quick_hindcast_scores_both_starts(quick):
    verdict = pd.read_csv(quick / "hindcast_verdict.csv")
    starts = set(zip(verdict["start"], verdict["year"], strict=True))
    assert starts == {("world_2000", 2014), ("world_2000", 2024), ("world_2014", 2024)}
    assert (quick / "hindcast_gdp_2024.png").stat().st_size > 10_000
    scores = pd.read_csv(quick / "hindcast_scores.csv")
    model = scores[scores["source"] == "model"]
    assert sorted(set(model["replicate"])) == [0, 1]
    assert model["mae_log_share"].between(0.05, 2.0).all()
    council = pd.read_csv(quick / "hindcast_council.csv")
    assert set(council["start"]) == {"world_2000", "world_2014"}
    first = council.groupby("start")["years"].first()
    assert first["world_2000"] == "2011-2024" and first["world_2014"] == "2015-2024"


def test_the_scores_come_from_the_record_files(quick):
    scores = pd.read_csv(quick / "hindcast_scores.csv")
    record_2024 = pd.read_csv(DATA / "world_2024" / "countries.csv").set_index("iso3")
    start = pd.read_csv(DATA / "world_2014" / "countries.csv").set_index("iso3")
    common = start.index.intersection(record_2024.index)
    actual = record_2024.loc[common, "gdp_usd"] / record_2024.loc[common, "gdp_usd"].sum()
    at = (scores["start"] == "world_2014") & (scores["year"] == 2024)
    record = scores[at & (scores["source"] == "record")].iloc[0]
    assert record["share_USA"] == pytest.approx(actual["USA"], rel=1e-12)
    assert record["mae_log_share"] == 0.0 and record["ru_cn_aligned"] == 1.0  # Eurasia, 2024
    # the frozen baseline: the 2014 shares against the 2024 ones, computed here from the files
    frozen = start.loc[common, "gdp_usd"] / start.loc[common, "gdp_usd"].sum()
    expected = np.mean(np.abs(np.log(frozen) - np.log(actual)))
    row = scores[at & (scores["source"] == "frozen")].iloc[0]
    assert row["mae_log_share"] == pytest.approx(expected, rel=1e-12)
    assert row["share_CHN"] == pytest.approx(frozen["CHN"], rel=1e-12)


def test_a_different_record_gives_different_scores(quick, tmp_path, monkeypatch):
    shutil.copytree(DATA / "world_2024", tmp_path / "world_2024")
    table = pd.read_csv(tmp_path / "world_2024" / "countries.csv", keep_default_na=False)
    table.loc[table["iso3"] == "USA", "gdp_usd"] *= 2
    table.to_csv(tmp_path / "world_2024" / "countries.csv", index=False)
    tables = hindcast.load_sweep(quick)
    before = hindcast.score(tables)["verdict"]
    monkeypatch.setitem(hindcast.RECORD_WORLDS, 2024, str(tmp_path / "world_2024"))
    after = hindcast.score(tables)["verdict"]
    assert not np.allclose(before["frozen"], after["frozen"])
    assert not np.allclose(before["model"], after["model"])
