"""Sweeps from the command line: launchers, collect, determinism, failures and resume."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys

import pandas as pd
import pytest

from experiments.collect import main as collect_main
from tests.conftest import ROOT
from tests.conftest import run_sweep as sweep

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


# -- guards: job identity and folder agree; one sweep per folder; collect says what is missing


def copy_sweep(source, folder):
    """A copy of a finished sweep's folder, without the tables collected into it."""
    shutil.copytree(source, folder)
    for path in folder.glob("*.parquet"):
        path.unlink()


def test_a_swept_key_left_out_of_folder_names_is_put_in_them(tmp_path, capsys):
    # `study` is in exclude_keys: both jobs used to write into one folder
    folder = tmp_path / "sweep"
    done = sweep(folder, "steps=1", "replicates=1", "study=a,b")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "study differs between jobs: the job folders name it" in done.stdout + done.stderr
    assert sorted(p.parent.name for p in folder.glob("*/seed=2024")) == [
        "replicates=1,steps=1,study=a",
        "replicates=1,steps=1,study=b",
    ]
    status, tables = collected(folder)
    assert status == 0 and list(tables["jobs"]["status"]) == ["complete"] * 2
    again = sweep(folder, "steps=1", "replicates=1", "study=a,b")
    assert again.returncode == 0 and (again.stdout + again.stderr).count("skipped (complete)") == 2


def test_a_sweep_whose_start_check_fails_exits_non_zero_before_any_job(tmp_path):
    # the start check used to fail open: a warning, no end check, status 0 with a failed job
    folder = tmp_path / "sweep"
    (folder / "sweep.json").mkdir(parents=True)  # sweep.json cannot be written
    done = sweep(folder, "steps=1", "replicates=1", "powers.wedge_strength=0.5,1.5")
    assert done.returncode == 1
    assert done.stderr.startswith(f"Error: cannot write into the sweep folder {folder}")
    assert "No job was started" in done.stderr and not list(folder.rglob(".hydra"))


def test_a_value_out_of_range_fails_the_sweep_first_with_its_message_alone(tmp_path):
    folder = tmp_path / "sweep"
    done = sweep(
        folder, "steps=1", "replicates=1", "powers.wedge_strength=0.5,1.5", *LAUNCHERS["fork_2"]
    )
    assert done.returncode == 1
    assert done.stderr == (
        "Error: job #1 (steps=1 replicates=1 powers.wedge_strength=1.5): powers.wedge_strength: "
        "expected a value in [0.0, 1.0], got 1.5\nNo job was started.\n"
    )
    assert "Traceback" not in done.stdout and not list(folder.rglob(".hydra"))


def test_an_override_that_the_design_would_ignore_fails_the_sweep_first(tmp_path):
    # the design sets wedge_strength at every point: the override used to be dropped silently
    folder = tmp_path / "sweep"
    done = sweep(folder, "design=wedge_sobol", "powers.wedge_strength=0.5", "steps=1")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: job #0 (design=wedge_sobol powers.wedge_strength=0.5")
    assert (
        "powers.wedge_strength: `powers.wedge_strength=0.5` has no effect: the design sets "
        "powers.wedge_strength at every point (its factor wedge_strength)"
    ) in done.stderr
    assert "No job was started" in done.stderr and not list(folder.rglob(".hydra"))
    # one point as a single run: the same message; the design's own keys stay overridable
    single = subprocess.run(
        [sys.executable, "-m", "experiments.run", "design=wedge_sobol", "design.point=3",
         "powers.wedge_strength=0.5", f"hydra.run.dir={tmp_path / 'one'}"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert single.returncode == 1 and "has no effect: the design sets" in single.stderr
    assert not list((tmp_path / "one").glob("*.parquet"))


def test_another_sweep_into_a_finished_sweeps_folder_is_refused(sweeps, tmp_path, capsys):
    folder = tmp_path / "sweep"
    copy_sweep(sweeps["basic"], folder)
    before = sorted((p, p.stat().st_mtime_ns) for p in folder.rglob("*"))
    done = sweep(folder, *DESIGN[:-1], "seed=7")
    assert done.returncode == 1
    assert done.stderr.startswith(f"Error: {folder} holds another sweep: its sweep.json lists 4")
    assert sorted((p, p.stat().st_mtime_ns) for p in folder.rglob("*")) == before
    assert collected(folder)[0] == 0


def test_collect_reads_every_sweep_under_a_parent_folder(sweeps, tmp_path, capsys):
    for name in ("a", "b"):
        copy_sweep(sweeps["basic"], tmp_path / name)
    lost = next((tmp_path / "b").glob("alignment=hedging*/seed=6"))
    shutil.rmtree(lost)
    status, tables = collected(tmp_path)
    report = capsys.readouterr().out
    assert status == 1 and "8 jobs in" in report and "(2 sweeps): 7 complete, 1 missing" in report
    assert "missing: b/steps=2 replicates=2 alignment=hedging seed=6: never started" in report
    assert len(tables["summary"]) == 7 * 2


def test_collect_of_a_folder_without_jobs_fails_and_writes_nothing(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("not a sweep")
    assert collect_main([str(tmp_path)]) == 2
    assert "no jobs in" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_collect_reports_jobs_its_sweep_does_not_list_and_leaves_them_out(sweeps, tmp_path, capsys):
    folder = tmp_path / "sweep"
    copy_sweep(sweeps["basic"], folder)
    job = next(folder.glob("alignment=balancing*/seed=5"))
    foreign = folder / "alignment=economic,replicates=2,steps=2" / "seed=5"
    shutil.copytree(job, foreign)  # as if another sweep had run into this folder
    overrides = ["alignment=economic", "replicates=2", "steps=2", "seed=5"]
    (foreign / ".hydra" / "overrides.yaml").write_text("".join(f"- {o}\n" for o in overrides))
    record = json.loads((foreign / "provenance.json").read_text())
    record["hydra"]["overrides"] = overrides
    (foreign / "provenance.json").write_text(json.dumps(record))
    (foreign / "done.json").unlink()
    status, tables = collected(folder)
    report = capsys.readouterr()
    assert status == 1 and "4 complete, 1 unlisted" in report.out
    assert "unlisted: alignment=economic" in report.out and "another sweep's?" in report.out
    assert len(tables["summary"]) == 4 * 2 and "unlisted" in report.err


def test_a_job_without_its_overrides_record_is_counted_once(sweeps, tmp_path, capsys):
    folder = tmp_path / "sweep"
    copy_sweep(sweeps["basic"], folder)
    for job in folder.glob("*/seed=5"):
        (job / ".hydra" / "overrides.yaml").unlink()
        (job / ".hydra" / "hydra.yaml").unlink()  # then provenance.json says which job it is
    status, tables = collected(folder)
    assert status == 0 and len(tables["jobs"]) == 4, capsys.readouterr().out
    assert set(tables["jobs"]["status"]) == {"complete"}


def test_a_sweep_folder_is_locked_while_its_sweep_runs(tmp_path, caplog):
    from experiments.sweep import LOCK_FILE, SweepError, SweepLock

    lock = SweepLock.acquire(tmp_path)
    owner = json.loads((tmp_path / LOCK_FILE).read_text())
    assert owner["pid"] == os.getpid() and owner["host"] == socket.gethostname()
    with pytest.raises(SweepError, match=f"another sweep is running in {tmp_path} \\(pid"):
        SweepLock.acquire(tmp_path)
    lock.release()
    assert not (tmp_path / LOCK_FILE).exists()
    SweepLock.acquire(tmp_path).release()


def test_a_lock_left_by_a_killed_sweep_is_taken_over_saying_so(tmp_path, caplog):
    from experiments.sweep import LOCK_FILE, SweepError, SweepLock

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    record = {"pid": int(gone.stdout), "host": socket.gethostname(), "started": "then"}
    (tmp_path / LOCK_FILE).write_text(json.dumps(record))
    with caplog.at_level("WARNING"):
        SweepLock.acquire(tmp_path).release()
    assert f"no longer running (pid {record['pid']} on" in caplog.text
    # a lock written on another host: this one cannot tell whether that sweep still runs
    (tmp_path / LOCK_FILE).write_text(json.dumps({**record, "host": "elsewhere"}))
    with pytest.raises(
        SweepError, match="cannot tell whether it still does. If it does not, remove"
    ):
        SweepLock.acquire(tmp_path)
    assert json.loads((tmp_path / LOCK_FILE).read_text())["host"] == "elsewhere"


def test_any_error_of_the_start_check_fails_the_sweep(monkeypatch, tmp_path, capsys):
    from omegaconf import OmegaConf

    import experiments.sweep as module

    def broken(*args, **kwargs):
        raise KeyError("something unforeseen")

    monkeypatch.setattr(module, "plan", broken)
    config = OmegaConf.create({"hydra": {"sweep": {"dir": str(tmp_path)}}})
    guard = module.SweepGuard()
    with pytest.raises(SystemExit) as exit:
        guard.on_multirun_start(config)
    assert exit.value.code == 1
    assert "the sweep's start check failed (KeyError" in capsys.readouterr().err
    guard.lock.release()


def test_a_job_listed_twice_is_refused():
    from experiments.schema import ConfigError
    from experiments.sweep import refuse_duplicates

    refuse_duplicates([["seed=1", "steps=1"], ["seed=2", "steps=1"]])
    with pytest.raises(ConfigError, match=r"job #0 \(seed=1 steps=1\) and #2 are the same job"):
        refuse_duplicates([["seed=1", "steps=1"], ["seed=2"], ["steps=1", "seed=1"]])


def test_a_sweep_may_grow_but_not_replace_the_jobs_of_its_folder(sweeps, tmp_path):
    from experiments.sweep import SweepError, listed, refuse_another_sweep

    folder = tmp_path / "sweep"
    copy_sweep(sweeps["basic"], folder)
    jobs = listed(folder)
    refuse_another_sweep(folder, jobs)  # the same sweep: a resume
    refuse_another_sweep(folder, [*jobs, ["seed=9"]])  # more jobs, the others kept
    with pytest.raises(SweepError, match="holds another sweep: its sweep.json lists 4 jobs, 1 of"):
        refuse_another_sweep(folder, jobs[1:])
    (folder / "sweep.json").write_text("{")
    with pytest.raises(SweepError, match="its sweep.json is unreadable"):
        refuse_another_sweep(folder, jobs[1:])
    refuse_another_sweep(folder, jobs)  # every job that started is one of these
