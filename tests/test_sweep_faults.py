"""Sweeps under faults: kill -9, a dead worker, a read-only folder, a full disk, two at once.

For each: nothing already finished is lost or reported complete when it is not, the rerun
(the same command with the same `hydra.sweep.dir`) completes the rest, and the messages say
what happened. The sweeps are tiny (one replicate, one year, no votes); a job is made to
hang half-written (its votes stream open) by a wrapper of the task, `HANG`, so that a kill
lands mid-job at a known point.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments.collect import main as collect_main
from experiments.run import CONFIGS
from experiments.store import COMPLETE, INCOMPLETE, job_state, partial_files

DESIGN = ("steps=1", "replicates=1")
FORK = ("hydra/launcher=fork", "hydra.launcher.n_jobs=2")
JOBLIB = ("hydra/launcher=joblib", "hydra.launcher.n_jobs=2")

#: `python -m experiments.run -m ...` with a task that, for the seeds in $HANG, hangs once
#: the job's votes are half written (marking `hang-<seed>-<pid>` in $MARKS); for the seed in
#: $GATE_SEED, waits for the file $GATE first (marking `waiting`); for the seed in $FILL,
#: fills the disk of the sweep's folder first.
WRAPPER = """
import os, sys, time
import hydra
import experiments.run as run
from experiments.run import CONFIGS
from hydra.core.hydra_config import HydraConfig

def task(cfg):
    marks, seed = os.environ["MARKS"], str(cfg.seed)
    if seed == os.environ.get("GATE_SEED"):
        open(f"{marks}/waiting", "w").close()
        while not os.path.exists(os.environ["GATE"]):
            time.sleep(0.05)
    if seed == os.environ.get("FILL"):
        with open(HydraConfig.get().sweep.dir + "/filler", "wb") as filler:
            try:
                while True:
                    filler.write(bytes(1 << 16))
                    filler.flush()
            except OSError:
                pass
    if seed in os.environ.get("HANG", "").split(","):
        def hang(steps):
            open(f"{marks}/hang-{seed}-{os.getpid()}", "w").close()
            time.sleep(600)
        run.summarise = hang
    return run.task(cfg)

sys.argv = ["run", "-m", *sys.argv[1:]]
hydra.main(version_base="1.3", config_path=str(CONFIGS), config_name="config")(task)()
"""


def command(folder, *overrides, wrapped=False):
    head = ["-c", WRAPPER] if wrapped else ["-m", "experiments.run", "-m"]
    return [sys.executable, *head, *DESIGN, *overrides, f"hydra.sweep.dir={folder}"]


def sweep(folder, *overrides):
    return subprocess.run(
        command(folder, *overrides), capture_output=True, text=True, cwd=CONFIGS.parent
    )


def session(sid: int) -> list[int]:
    """The live (not zombie) processes of session `sid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def wait_for(predicate, timeout=60.0, what="the condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def started(tmp_path):
    """Start wrapped sweeps in their own sessions; whatever of them is left is killed after."""
    marks = tmp_path / "marks"
    marks.mkdir()
    processes = []

    def start(folder, *overrides, **env):
        log = open(tmp_path / f"sweep{len(processes)}.log", "w+")  # noqa: SIM115
        process = subprocess.Popen(
            command(folder, *overrides, wrapped=True),
            cwd=CONFIGS.parent,
            env={**os.environ, "MARKS": str(marks), **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        process.log = log
        processes.append(process)
        return process

    start.marks = marks
    yield start
    for process in processes:
        for pid in session(process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=30)
        process.log.close()


def output(process) -> str:
    process.log.flush()
    process.log.seek(0)
    return process.log.read()


def hanging(marks, count):
    return lambda: len(list(marks.glob("hang-*"))) >= count


def jobs(folder) -> dict[int, Path]:
    return {int(p.name.split("=")[1]): p for p in folder.glob("*/seed=*")}


def mtimes(folder) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()
    }


def outputs(job) -> dict[str, int]:
    """The times of a finished job's outputs and marker (Hydra rewrites its `.hydra/`)."""
    names = [*job_state(job).marker["files"], "done.json"]
    return {name: (job / name).stat().st_mtime_ns for name in names}


def collect(folder, capsys, *options):
    status = collect_main([str(folder), *options])
    out, err = capsys.readouterr()
    return status, out + err


def assert_rerun_completes(folder, capsys, finished, overrides=()):
    """The same command runs the rest and skips the finished jobs, leaving their files."""
    before = {seed: outputs(jobs(folder)[seed]) for seed in finished}
    again = sweep(folder, *overrides)
    assert again.returncode == 0, again.stderr[-3000:]
    assert (again.stdout + again.stderr).count("skipped (complete)") == len(finished)
    for seed in finished:
        assert outputs(jobs(folder)[seed]) == before[seed], f"seed={seed} was written again"
    assert not [p for job in jobs(folder).values() for p in partial_files(job)]
    status, report = collect(folder, capsys)
    assert status == 0, report
    return again.stdout + again.stderr


@pytest.mark.parametrize("launcher", ["basic", "fork", "joblib"])
def test_kill_9_of_the_sweep_ends_its_workers_and_loses_nothing(
    tmp_path, started, capsys, launcher
):
    folder = tmp_path / "sweep"
    options = {"basic": (), "fork": FORK, "joblib": JOBLIB}[launcher]
    seeds = "seed=1,2,3,4,5"
    # one job after the other: #2 hangs; two workers: each finishes one, then hangs, and #5
    # waits in the queue
    hang = "2" if launcher == "basic" else "3,4"
    hung = [int(s) for s in hang.split(",")]
    process = started(folder, seeds, *options, HANG=hang)
    wait_for(hanging(started.marks, len(hung)), what="the jobs to hang")
    finished = sorted(seed for seed, job in jobs(folder).items() if job_state(job).complete)
    assert finished == list(range(1, min(hung)))

    os.kill(process.pid, signal.SIGKILL)
    # the workers die with the sweep's process: none is left to run the queued job
    wait_for(lambda: not session(process.pid), timeout=10, what="every worker to end")
    states = {seed: job_state(job) for seed, job in jobs(folder).items()}
    assert sorted(s for s, state in states.items() if state.complete) == sorted(finished)
    for seed in hung:
        assert states[seed].status == INCOMPLETE and "partly written" in states[seed].detail
        assert partial_files(jobs(folder)[seed]), "the killed job left its half-written votes"
    assert 5 not in states or not states[5].complete

    status, report = collect(folder, capsys, "--out", str(tmp_path / "collected"))
    assert status == 1 and f"{len(finished)} complete" in report and "incomplete" in report

    # the same sweep (joblib's workers take seconds to start: the rerun uses the basic
    # launcher, which makes the same job folders)
    rerun = (seeds, *(options if launcher != "joblib" else ()))
    log = assert_rerun_completes(folder, capsys, finished, rerun)
    assert "taking over the lock" in log and "killed?" in log
    assert log.count("removed 1 partly written files") == len(hung)
    summary = pd.read_parquet(folder / "summary.parquet")
    assert sorted(summary["seed"]) == [1, 2, 3, 4, 5]


def test_kill_9_of_one_fork_worker_fails_the_sweep_naming_its_job(tmp_path, started, capsys):
    folder = tmp_path / "sweep"
    process = started(folder, "seed=1,2,3,4", *FORK, HANG="3")
    wait_for(hanging(started.marks, 1), what="seed=3 to hang")
    (mark,) = started.marks.glob("hang-3-*")
    worker = int(mark.name.rsplit("-", 1)[1])
    assert worker != process.pid
    os.kill(worker, signal.SIGKILL)
    assert process.wait(timeout=30) != 0
    text = output(process)
    assert "Error: the sweep stopped: a worker process died" in text
    assert "seed=3" in text.split("did not finish:")[1]
    wait_for(lambda: not session(process.pid), timeout=10, what="the other worker to end")
    finished = [seed for seed, job in jobs(folder).items() if job_state(job).complete]
    # seed 3 went to the worker whose first job (1 or 2) had finished; the other worker's
    # job may or may not have finished before the sweep stopped
    assert set(finished) & {1, 2} and 3 not in finished
    status, report = collect(folder, capsys)
    assert status == 1 and "incomplete" in report
    assert_rerun_completes(folder, capsys, finished, ("seed=1,2,3,4", *FORK))


def test_a_second_sweep_into_a_running_sweeps_folder_is_refused(tmp_path, started, capsys):
    folder = tmp_path / "sweep"
    gate = tmp_path / "gate"
    first = started(folder, "seed=1,2", GATE=str(gate), GATE_SEED="1")
    wait_for(lambda: (started.marks / "waiting").exists(), what="the first sweep to start")
    before = mtimes(folder)
    for overrides in (("seed=1,2",), ("seed=7",)):  # the same sweep, or another one
        second = sweep(folder, *overrides)
        assert second.returncode == 1
        assert f"another sweep is running in {folder} (pid {first.pid} on" in second.stderr
        assert "Traceback" not in second.stderr
        assert mtimes(folder) == before, "the refused sweep wrote nothing"
    gate.touch()
    assert first.wait(timeout=60) == 0, output(first)[-3000:]
    assert not (folder / "sweep.lock").exists()
    status, report = collect(folder, capsys)
    assert status == 0 and "2 jobs" in report and "2 complete" in report


@contextlib.contextmanager
def read_only(folder: Path):
    """`folder` made read-only by a read-only bind mount of itself (needs root)."""
    if os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root")
    mount = subprocess.run(["mount", "--bind", folder, folder], capture_output=True)
    if mount.returncode != 0:
        pytest.skip(f"mount does not work here: {mount.stderr.decode().strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", folder, folder], check=True)
        yield
    finally:
        subprocess.run(["umount", folder], check=True)


def test_a_read_only_sweep_folder_fails_at_once_and_keeps_its_jobs(tmp_path, capsys):
    folder = tmp_path / "sweep"
    assert sweep(folder, "seed=1,2").returncode == 0
    (jobs(folder)[2] / "done.json").unlink()  # as if killed before its marker
    with read_only(folder):
        again = sweep(folder, "seed=1,2")
        assert again.returncode == 1
        assert f"cannot write into the sweep folder {folder}" in again.stderr
        assert "Read-only file system" in again.stderr and "Traceback" not in again.stderr
        status, report = collect(folder, capsys)
        assert status == 1 and "cannot write the tables" in report
        status, report = collect(folder, capsys, "--out", str(tmp_path / "out"))
        assert status == 1 and "1 complete, 1 incomplete" in report
    assert_rerun_completes(folder, capsys, [1], ("seed=1,2",))


@contextlib.contextmanager
def small_disk(folder: Path, size: str):
    """A tmpfs of `size` mounted on `folder` (needs root)."""
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", folder], capture_output=True
    )
    if mount.returncode != 0:
        pytest.skip(f"mount does not work here: {mount.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", folder], check=True)


def test_a_full_disk_fails_the_job_that_hits_it_and_keeps_the_others(tmp_path, started, capsys):
    disk = tmp_path / "disk"
    with small_disk(disk, "8m"):
        folder = disk / "sweep"
        process = started(folder, "seed=1,2,3", FILL="2")  # seed=2 fills the disk first
        assert process.wait(timeout=120) != 0
        text = output(process)
        assert f"Error: the sweep stopped: it cannot write into {folder}: " in text
        assert "No space left on device" in text and "jobs did not complete:" in text
        states = {seed: job_state(job) for seed, job in jobs(folder).items()}
        assert states[1].status == COMPLETE and states[2].status != COMPLETE
        (folder / "filler").unlink()  # space again
        status, report = collect(folder, capsys, "--out", str(tmp_path / "out"))
        assert status == 1 and "1 complete" in report
        assert_rerun_completes(folder, capsys, [1], ("seed=1,2,3",))


def test_a_truncated_table_is_reported_and_its_job_rerun(tmp_path, capsys):
    folder = tmp_path / "sweep"
    assert sweep(folder, "seed=1,2").returncode == 0
    assert collect(folder, capsys)[0] == 0
    before = pd.read_parquet(folder / "summary.parquet")
    path = jobs(folder)[2] / "summary.parquet"
    path.write_bytes(path.read_bytes()[:200])
    status, report = collect(folder, capsys)
    assert status == 1 and "1 complete, 1 corrupt" in report
    assert "seed=2: summary.parquet has 200 bytes" in report
    assert_rerun_completes(folder, capsys, [1], ("seed=1,2",))
    pd.testing.assert_frame_equal(
        pd.read_parquet(folder / "summary.parquet"), before, check_exact=True
    )
