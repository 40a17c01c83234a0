"""`experiments.run`: one parameter point, its tables, parameters, provenance and markers."""

from __future__ import annotations

import json

import mesa
import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from experiments.run import CONFIGS, run, run_job, summarise, with_parameters
from experiments.schema import default, parameters
from experiments.store import COMPLETE, CORRUPT, FAILED, job_state
from sim import WorldModel


def config(*overrides):
    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
        return compose(config_name="config", overrides=list(overrides))


def test_run_writes_tables_markers_and_provenance(tmp_path):
    cfg = config("replicates=3", "steps=4", "seed=9", "alignment=hedging")
    tables = run(cfg, tmp_path)
    steps = pd.read_parquet(tmp_path / "steps.parquet")
    summary = pd.read_parquet(tmp_path / "summary.parquet")
    assert len(steps) == 3 * 5 and sorted(steps["replicate"].unique()) == [0, 1, 2]
    assert list(summary["year"]) == [2028] * 3
    pd.testing.assert_frame_equal(steps, tables["steps"], check_exact=True)
    # the parameters are columns, first, in every table
    columns = parameters(cfg)
    assert list(steps.columns[: len(columns)]) == list(columns)
    assert set(steps["alignment"]) == {"hedging"} and set(steps["seed"]) == {9}
    assert set(summary["strategy_USA"]) == {"contain"}
    votes = pd.read_parquet(tmp_path / "votes.parquet")
    assert len(votes) > 0 and set(votes["replicate"]) == {0, 1, 2}
    assert set(votes["alignment"].astype(str)) == {"hedging"}
    assert {"draft", "iso3", "vote"} <= set(votes.columns)
    assert "seed: 9" in (tmp_path / "config.yaml").read_text()
    record = json.loads((tmp_path / "provenance.json").read_text())
    assert record["versions"]["mesa"] and record["seeds"]["root"] == 9
    assert [r["spawn_key"] for r in record["seeds"]["replicates"]] == [[0], [1], [2]]
    assert job_state(tmp_path).status == COMPLETE
    # the summary is the final years of the outcomes, with the parameters put in front
    outcomes = steps.drop(columns=list(columns))
    expected = with_parameters(summarise(outcomes), columns)
    pd.testing.assert_frame_equal(summary, expected, check_exact=True)
    # the tables are the files pandas writes, byte for byte
    for kind in ("steps", "summary"):
        tables[kind].to_parquet(tmp_path / "b.parquet", index=False)
        written = (tmp_path / f"{kind}.parquet").read_bytes()
        assert written == (tmp_path / "b.parquet").read_bytes(), kind
    # replicates differ from each other, and the same seed reproduces them exactly
    assert summary["gdp_world_usd"].nunique() == 3
    again = run(config("replicates=3", "steps=4", "seed=9", "alignment=hedging"), tmp_path / "b")
    pd.testing.assert_frame_equal(again["steps"], tables["steps"], check_exact=True)
    assert (tmp_path / "votes.parquet").read_bytes() == (tmp_path / "b/votes.parquet").read_bytes()


def test_votes_left_out_are_not_made_and_leave_the_other_tables_alone(tmp_path):
    with_votes = run(config("replicates=2", "steps=3", "seed=4"), tmp_path / "votes")
    without = run(config("replicates=2", "steps=3", "seed=4", "record.votes=false"), tmp_path)
    assert (tmp_path / "votes/votes.parquet").exists()
    assert not (tmp_path / "votes.parquet").exists() and "votes" not in without
    assert "votes.parquet" not in json.loads((tmp_path / "done.json").read_text())["files"]
    assert job_state(tmp_path).status == COMPLETE
    pd.testing.assert_frame_equal(without["steps"], with_votes["steps"], check_exact=True)


def test_truncated_output_is_detected(tmp_path):
    run(config("replicates=1", "steps=1"), tmp_path)
    data = (tmp_path / "steps.parquet").read_bytes()
    (tmp_path / "steps.parquet").write_bytes(data[: len(data) // 2])
    state = job_state(tmp_path)
    assert state.status == CORRUPT and "steps.parquet" in state.detail


def test_countries_table_and_no_council(tmp_path):
    tables = run(
        config("replicates=1", "steps=2", "record.countries=true", "council=none"), tmp_path
    )
    countries = pd.read_parquet(tmp_path / "countries.parquet")
    assert len(countries) == 3 * 193 and set(countries["year"]) == {2024, 2025, 2026}
    assert {"iso3", "bloc", "gdp_share", "replicate"} <= set(countries.columns)
    assert not (tmp_path / "votes.parquet").exists() and "votes" not in tables
    assert set(tables["steps"]["council_rule"].isna()) == {True}


def test_model_overrides_reach_the_model(tmp_path):
    cfg = config("replicates=1", "steps=1", "model.shock_sd=0", "alignment.choice_noise=0")
    tables = run(cfg, tmp_path)
    assert tables["steps"]["shock_sd"].eq(0.0).all()
    assert tables["steps"]["choice_noise"].eq(0.0).all()
    assert tables["steps"]["convergence_rate"].eq(default("convergence_rate")).all()


def test_a_job_that_raises_records_its_error(tmp_path, monkeypatch):
    import experiments.run as module

    def explode(*args, **kwargs):
        raise RuntimeError("the model broke")

    monkeypatch.setattr(module, "run_replicates", explode)
    cfg = config("replicates=1", "steps=1")
    with pytest.raises(RuntimeError):
        run_job(cfg, tmp_path, in_sweep=False)
    assert run_job(cfg, tmp_path, in_sweep=True) == "failed"
    state = job_state(tmp_path)
    assert state.status == FAILED and "the model broke" in state.detail


def test_complete_job_is_skipped_unless_its_config_changed(tmp_path):
    cfg = config("replicates=1", "steps=1")
    assert run_job(cfg, tmp_path, in_sweep=True) == "complete"
    assert run_job(cfg, tmp_path, in_sweep=True) == "skipped"
    assert run_job(config("replicates=1", "steps=2"), tmp_path, in_sweep=True) == "complete"
    assert run_job(config("replicates=1", "steps=2", "resume=false"), tmp_path, True) == "complete"


def test_complete_job_is_rerun_after_a_code_change(tmp_path, monkeypatch):
    import experiments.run

    cfg = config("replicates=1", "steps=1")
    assert run_job(cfg, tmp_path, in_sweep=True) == "complete"
    assert run_job(cfg, tmp_path, in_sweep=True) == "skipped"
    monkeypatch.setattr(experiments.run, "code_digest", lambda: "the model changed")
    assert run_job(cfg, tmp_path, in_sweep=True) == "complete"


def test_summary_is_the_final_year_of_each_replicate():
    steps = pd.DataFrame(
        {"replicate": [0, 0, 0, 1, 1, 1], "year": [1, 2, 3] * 2, "polarity": [1.0, 2, 3, 4, 5, 6]}
    )
    summary = summarise(steps)
    assert list(summary["polarity"]) == [3.0, 6.0] and list(summary["year"]) == [3, 3]


def test_mesa_batch_run_returns_yearly_outcomes():
    results = pd.DataFrame(
        mesa.batch_run(
            WorldModel,
            parameters={"shock_sd": [0.0, 0.02], "council_rule": [None]},
            rng=[1, 2],
            max_steps=2,
            data_collection_period=1,
            display_progress=False,
        )
    )
    assert len(results) == 2 * 2 * 3  # parameter values x seeds x recorded years
    assert set(results["shock_sd"]) == {0.0, 0.02}
    assert set(results["year"]) == {2024, 2025, 2026}
    assert results["gdp_world_usd"].gt(0).all()


def test_a_marker_that_lists_no_files_is_not_complete_and_the_job_reruns(tmp_path):
    cfg = config("replicates=1", "steps=1")
    assert run_job(cfg, tmp_path, in_sweep=True) == "complete"
    for marker in ({"files": {}}, {"config_sha256": "x", "files": {}}, []):
        (tmp_path / "done.json").write_text(json.dumps(marker))
        assert job_state(tmp_path).status == CORRUPT
        assert run_job(cfg, tmp_path, in_sweep=True) == "complete"  # not a KeyError
        assert job_state(tmp_path).status == COMPLETE


def test_a_rerun_removes_what_a_killed_run_left_half_written(tmp_path):
    tmp_path.joinpath(".summary.parquet.abcd1234.tmp").write_bytes(b"PAR1 half")
    tmp_path.joinpath(".votes.parquet.zz_99xyz.tmp").write_bytes(b"PAR1")
    assert job_state(tmp_path).detail.endswith(
        "2 partly written files left (removed when it reruns)"
    )
    run(config("replicates=1", "steps=1"), tmp_path)
    assert not list(tmp_path.glob("*.tmp")) and job_state(tmp_path).status == COMPLETE
