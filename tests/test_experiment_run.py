"""`python -m experiments.run`: composes, runs replicates, writes complete tables."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from experiments.run import run, summarise

CONFIGS = Path(__file__).resolve().parents[1] / "configs"


def config(*overrides):
    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
        return compose(config_name="config", overrides=list(overrides))


def test_run_writes_tables_and_figure(tmp_path):
    cfg = config("replicates=3", "steps=4", "seed=9")
    tables = run(cfg, tmp_path)
    steps = pd.read_parquet(tmp_path / "steps.parquet")
    summary = pd.read_parquet(tmp_path / "summary.parquet")
    assert len(steps) == 3 * 5 and sorted(steps["replicate"].unique()) == [0, 1, 2]
    assert list(summary["year"]) == [2028] * 3
    pd.testing.assert_frame_equal(steps, tables["steps"], check_exact=True)
    assert (tmp_path / "gdp_shares.png").stat().st_size > 10_000
    assert "seed: 9" in (tmp_path / "config.yaml").read_text()
    # replicates differ from each other, and the same seed reproduces them exactly
    finals = summary["gdp_world_usd"]
    assert finals.nunique() == 3
    again = run(config("replicates=3", "steps=4", "seed=9", "figure=false"), tmp_path / "b")
    pd.testing.assert_frame_equal(again["steps"], tables["steps"], check_exact=True)


def test_model_overrides_reach_the_model(tmp_path):
    tables = run(
        config(
            "replicates=2",
            "steps=2",
            "+model.shock_sd=0.0",
            "+model.choice_noise=0.0",
            "+model.council_rule=null",
            "figure=false",
        ),
        tmp_path,
    )
    first, second = (t.reset_index(drop=True) for _, t in tables["steps"].groupby("replicate"))
    pd.testing.assert_frame_equal(
        first.drop(columns="replicate"), second.drop(columns="replicate"), check_exact=True
    )


def test_summary_is_the_final_year_of_each_replicate():
    steps = pd.DataFrame(
        {"replicate": [0, 0, 0, 1, 1, 1], "year": [1, 2, 3] * 2, "polarity": [1.0, 2, 3, 4, 5, 6]}
    )
    summary = summarise(steps)
    assert list(summary["polarity"]) == [3.0, 6.0] and list(summary["year"]) == [3, 3]


@pytest.mark.parametrize(
    "override, key", [("model.shock_sd=-1", "shock_sd"), ("scenario=atlantis", "atlantis")]
)
def test_command_line_errors_name_the_key(tmp_path, override, key):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "experiments.run",
            "replicates=1",
            "steps=1",
            "figure=false",
            f"hydra.run.dir={tmp_path}",
            override.replace("model.", "+model."),
        ],
        capture_output=True,
        text=True,
        cwd=CONFIGS.parent,
    )
    assert done.returncode != 0
    assert key in done.stderr
