"""`hydra/launcher=fork` (hydra_plugins/powershift_launcher): workers, and a worker that dies.

That its tables are the basic launcher's, bit for bit, and that a job's error is recorded
while the sweep goes on, is tested with the other launchers (test_experiments_sweep).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from hydra import compose, initialize_config_dir

from experiments.run import CONFIGS
from hydra_plugins.powershift_launcher._launcher import ForkLauncher, workers


def test_it_is_a_choice_of_the_launcher_group():
    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
        cfg = compose("config", overrides=["hydra/launcher=fork"], return_hydra_config=True)
    assert cfg.hydra.launcher._target_ == f"{ForkLauncher.__module__}.ForkLauncher"
    assert cfg.hydra.launcher.n_jobs is None


def test_workers_are_n_jobs_counted_as_joblib_counts_them_but_never_more_than_the_jobs():
    cpus = len(os.sched_getaffinity(0))
    assert workers(4, 10) == 4
    assert workers(4, 3) == 3
    assert workers(None, 1000) == workers(-1, 1000) == cpus
    assert workers(-2, 1000) == max(1, cpus - 1)
    assert workers(-1000, 10) == 1
    for bad in (0, 1.5, True, "2"):
        with pytest.raises(ValueError, match=r"hydra\.launcher\.n_jobs: expected a non-zero"):
            workers(bad, 10)


def test_a_bad_n_jobs_fails_before_any_job_runs(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "experiments.run",
            "-m",
            "seed=1,2",
            "steps=1",
            "replicates=1",
            f"hydra.sweep.dir={tmp_path}",
            "hydra/launcher=fork",
            "hydra.launcher.n_jobs=0",
        ],
        capture_output=True,
        text=True,
        cwd=CONFIGS.parent,
    )
    assert done.returncode != 0 and "hydra.launcher.n_jobs: expected a non-zero" in done.stderr
    assert not list(tmp_path.rglob(".hydra"))


def test_a_worker_that_dies_fails_the_sweep_naming_the_jobs_it_lost(tmp_path):
    # the job with seed=2 ends its process (as the system's out-of-memory killer would); with
    # one worker, the job before it completes and the one after it never runs
    script = (
        "import os, sys\n"
        "import hydra\n"
        "from experiments.run import CONFIGS, task\n"
        "def dies(cfg):\n"
        "    if cfg.seed == 2:\n"
        "        os._exit(3)\n"
        "    return task(cfg)\n"
        "sys.argv = ['run', '-m', 'steps=1', 'replicates=1', 'seed=1,2,3',"
        f" 'hydra.sweep.dir={tmp_path}', 'hydra/launcher=fork', 'hydra.launcher.n_jobs=1']\n"
        "hydra.main(version_base='1.3', config_path=str(CONFIGS), config_name='config')(dies)()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=CONFIGS.parent
    )
    assert done.returncode != 0
    assert "a worker process died" in done.stderr
    lost = re.search(r"these jobs did not finish: (.*?)\. ", done.stderr).group(1)
    assert lost == "#1 (steps=1 replicates=1 seed=2), #2 (steps=1 replicates=1 seed=3)"
    assert [p.parent.name for p in tmp_path.rglob("done.json")] == ["seed=1"]
    assert "#0 complete (1 of 3 done)" in done.stdout + done.stderr  # each job, as it ends


def test_ctrl_c_stops_the_workers_before_the_jobs_queued_to_them(tmp_path):
    # one worker, four jobs of a second or more; Ctrl-C (SIGINT to the process group) during
    # the first: the command ends, and the jobs after it never start
    command = [
        sys.executable,
        "-m",
        "experiments.run",
        "-m",
        "seed=1,2,3,4",
        "replicates=20",
        f"hydra.sweep.dir={tmp_path}",
        "hydra/launcher=fork",
        "hydra.launcher.n_jobs=1",
    ]
    process = subprocess.Popen(
        command,
        cwd=CONFIGS.parent,
        start_new_session=True,
        # as from a terminal: a shell starts background commands with SIGINT ignored (then
        # Python installs no KeyboardInterrupt), and the sweep would inherit that from pytest
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.rglob("seed=1/.hydra")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0 and "KeyboardInterrupt" in stderr
    started = sorted(p.parent.name for p in tmp_path.rglob(".hydra"))
    assert started == ["seed=1"]
    assert not list(tmp_path.rglob("done.json"))


@pytest.mark.parametrize("prctl", [True, False], ids=["prctl", "watching-thread"])
def test_a_worker_ends_when_its_parent_is_killed(tmp_path, prctl):
    # a parent forks a worker that calls die_with_parent, then both sleep; kill -9 the parent
    script = (
        "import os, sys, time\n"
        "from hydra_plugins.powershift_launcher._launcher import die_with_parent\n"
        "parent = os.getpid()\n"
        "if os.fork() == 0:\n"
        f"    die_with_parent(parent, prctl={prctl})\n"
        f"    open({str(tmp_path / 'worker')!r}, 'w').write(str(os.getpid()))\n"
        "    time.sleep(60)\n"
        "    os._exit(0)\n"
        "time.sleep(60)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "worker").is_file() or not (tmp_path / "worker").read_text():
            assert time.monotonic() < deadline, "the worker never started"
            time.sleep(0.02)
        worker = int((tmp_path / "worker").read_text())
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 5
        while alive(worker):
            assert time.monotonic() < deadline, "the worker outlived its parent"
            time.sleep(0.02)
    finally:
        for pid in (process.pid, locals().get("worker")):
            if pid and alive(pid):
                os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, waiting for init to reap it, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
