"""Sweeps from the command line: launchers, collect, determinism, failures and resume."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from experiments.collect import main as collect_main
from experiments.run import CONFIGS

DESIGN = ("steps=2", "replicates=2", "alignment=balancing,hedging", "seed=5,6")
LAUNCHERS = {
    "basic": (),
    # Hydra's own basic sweeper, which composes every job twice (ours: once, same configs)
    "hydra_basic_sweeper": ("hydra/sweeper=basic",),
    "joblib_1": ("hydra/launcher=joblib", "hydra.launcher.n_jobs=1"),
    "joblib_2": ("hydra/launcher=joblib", "hydra.launcher.n_jobs=2"),
    "fork_1": ("hydra/launcher=fork", "hydra.launcher.n_jobs=1"),
    "fork_2": ("hydra/launcher=fork", "hydra.launcher.n_jobs=2"),
    "submitit_local": ("hydra/launcher=submitit_local", "hydra.launcher.timeout_min=5"),
}


def sweep(folder, *overrides):
    return subprocess.run(
        [sys.executable, "-m", "experiments.run", "-m", *overrides, f"hydra.sweep.dir={folder}"],
        capture_output=True,
        text=True,
        cwd=CONFIGS.parent,
    )


def collected(folder, *options):
    status = collect_main([str(folder), *options])
    tables = {kind: pd.read_parquet(folder / f"{kind}.parquet") for kind in ("steps", "summary")}
    tables["jobs"] = pd.read_parquet(folder / "jobs.parquet")
    return status, tables


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory):
    root = tmp_path_factory.mktemp("sweeps")
    results = {}
    for name, launcher in LAUNCHERS.items():
        done = sweep(root / name, *DESIGN, *launcher)
        assert done.returncode == 0, done.stderr[-3000:]
        results[name] = root / name
    return results


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_sweep_then_collect_gives_tidy_tables(sweeps, launcher):
    folder = sweeps[launcher]
    status, tables = collected(folder)
    assert status == 0
    steps, summary, jobs = tables["steps"], tables["summary"], tables["jobs"]
    assert len(jobs) == 4 and set(jobs["status"]) == {"complete"}
    assert len(steps) == 4 * 2 * 3 and len(summary) == 4 * 2  # jobs x replicates (x years)
    assert set(summary["alignment"]) == {"balancing", "hedging"}
    assert set(zip(summary["alignment"], summary["seed"], strict=True)) == {
        (a, s) for a in ("balancing", "hedging") for s in (5, 6)
    }
    assert set(summary["year"]) == {2026} and set(summary["replicate"]) == {0, 1}
    # job folders are named by their parameter values, the seed one level below
    assert set(summary["job"]) == {
        f"alignment={a},replicates=2,steps=2/seed={s}"
        for a in ("balancing", "hedging")
        for s in (5, 6)
    }
    columns = list(summary.columns)
    assert columns[0] == "job" and columns.index("wedge_strength") < columns.index("year")
    votes = pd.read_parquet(folder / "votes.parquet")
    assert set(votes["job"].astype(str)) == set(summary["job"])
    assert json.loads((folder / "sweep.json").read_text())["jobs"][0]["overrides"]


def test_same_point_same_tables_under_every_launcher_and_worker_count(sweeps):
    reference = {kind: collected(sweeps["basic"])[1][kind] for kind in ("steps", "summary")}
    for launcher in LAUNCHERS:
        _, tables = collected(sweeps[launcher])
        for kind, table in reference.items():
            pd.testing.assert_frame_equal(tables[kind], table, check_exact=True)
        votes = pd.read_parquet(sweeps[launcher] / "votes.parquet")
        pd.testing.assert_frame_equal(votes, pd.read_parquet(sweeps["basic"] / "votes.parquet"))


def test_collect_to_another_folder_as_csv(sweeps, tmp_path):
    assert collect_main([str(sweeps["basic"]), "--out", str(tmp_path), "--format", "csv"]) == 0
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert len(summary) == 8 and set(summary["alignment"]) == {"balancing", "hedging"}


@pytest.mark.parametrize("launcher", ["basic", "fork_2"])
def test_failed_job_leaves_the_others_and_fails_the_sweep(tmp_path, tiny_world_dir, launcher):
    # the tiny world has no great powers: the 2026 summit raises in the second year
    folder = tmp_path / "sweep"
    overrides = (
        *LAUNCHERS[launcher],
        "scenario=custom",
        f"scenario.path={tiny_world_dir}",
        "events=status_quo,three_way_summit",
        "steps=2",
        "replicates=1",
    )
    done = sweep(folder, *overrides)
    assert done.returncode != 0
    assert "1 of 2 jobs" in done.stderr and "events=three_way_summit" in done.stderr
    assert "unknown countries" in done.stderr
    status, tables = collected(folder)
    assert status == 1
    jobs = tables["jobs"].set_index("status")
    assert "unknown countries" in jobs.loc["failed", "detail"]
    assert set(tables["summary"]["events"]) == {"status_quo"} and len(tables["summary"]) == 1
    good = next(folder.rglob("events=status_quo,*/seed=*"))
    written = (good / "steps.parquet").stat().st_mtime_ns
    again = sweep(folder, *overrides)  # resume: the complete job is skipped, the failed re-run
    assert again.returncode != 0 and "skipped (complete)" in again.stdout + again.stderr
    assert (good / "steps.parquet").stat().st_mtime_ns == written


def test_resume_runs_only_what_is_missing_or_broken(tmp_path, capsys):
    folder = tmp_path / "sweep"
    overrides = ("steps=2", "replicates=1", "powers.wedge_strength=0,0.25,0.5,0.75")
    assert sweep(folder, *overrides).returncode == 0
    assert collected(folder)[0] == 0
    before = pd.read_parquet(folder / "summary.parquet")
    jobs = sorted(p.parent for p in folder.rglob("done.json"))
    killed, truncated, vanished, untouched = jobs
    (killed / "done.json").unlink()  # killed before its marker
    data = (truncated / "steps.parquet").read_bytes()
    (truncated / "steps.parquet").write_bytes(data[:100])
    for path in sorted(vanished.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    vanished.rmdir()
    mtime = (untouched / "steps.parquet").stat().st_mtime_ns

    status, _ = collected(folder)
    report = capsys.readouterr().out
    assert status == 1
    assert "incomplete" in report and "corrupt" in report and "missing" in report

    again = sweep(folder, *overrides)
    assert again.returncode == 0, again.stderr[-2000:]
    assert (again.stdout + again.stderr).count("skipped (complete)") == 1
    assert (untouched / "steps.parquet").stat().st_mtime_ns == mtime
    status, tables = collected(folder)
    assert status == 0
    pd.testing.assert_frame_equal(tables["summary"], before, check_exact=True)
