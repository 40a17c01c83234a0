"""The launcher of `hydra/launcher=fork` (see this package's docstring)."""

from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from hydra.core.config_store import ConfigStore
from hydra.core.utils import (
    JobReturn,
    JobStatus,
    configure_log,
    filter_overrides,
    run_job,
    setup_globals,
)
from hydra.plugins.launcher import Launcher
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, open_dict

log = logging.getLogger(__name__)

#: The launcher whose jobs this process runs: set before its workers are forked, which
#: inherit it (with Hydra's state, the task's modules and the checked configs).
_LAUNCHER: ForkLauncher | None = None


class WorkerDied(RuntimeError):
    """A worker process died, taking jobs with it (the message names them)."""


#: prctl(2)'s option that sends this process a signal when its parent dies (Linux).
PR_SET_PDEATHSIG = 1
#: The parent a watching thread of this process watches (set once).
_WATCHED: list[int] = []


def die_with_parent(parent: int, prctl: bool = True) -> None:
    """End this (worker) process as soon as process `parent` is gone, even by `kill -9`.

    A worker whose sweep's process was killed would go on running the jobs queued to it,
    then wait forever, and race a resumed sweep in the same folders. On Linux, with `prctl`,
    the kernel kills it (`PR_SET_PDEATHSIG`; only for a child of the thread that forked it,
    which for the fork launcher is the sweep's main thread); otherwise a daemon thread looks
    twice a second whether this process's parent is still `parent`. Once per process.

    Args:
        parent: The pid of the sweep's process, taken there (so that a parent that died
            before this call is seen).
        prctl: Use `PR_SET_PDEATHSIG` where there is one.
    """
    if _WATCHED:
        return
    _WATCHED.append(parent)
    armed = False
    if prctl and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if not armed:
        threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent-watch").start()
    if os.getppid() != parent:  # it died before the kernel or the thread watched it
        os._exit(1)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _run(idx: int, overrides: list[str]) -> JobReturn:
    """Run job `idx` in this (forked) worker, as Hydra's basic launcher runs it.

    Ctrl-C (SIGINT, which reaches the workers too) ends the worker once the job has
    unwound, rather than letting it go on to the jobs already queued to it.
    """
    launcher = _LAUNCHER
    config = launcher.hydra_context.config_loader.load_sweep_config(launcher.config, overrides)
    with open_dict(config):
        config.hydra.job.id = idx
        config.hydra.job.num = idx
    try:
        return run_job(
            hydra_context=launcher.hydra_context,
            task_function=launcher.task_function,
            config=config,
            job_dir_key="hydra.sweep.dir",
            job_subdir_key="hydra.sweep.subdir",
        )
    except KeyboardInterrupt:
        os._exit(130)


def _outcome(job: JobReturn) -> str:
    """How a job ended, for the log: the task's return (e.g. "complete"), or its error."""
    if job.status == JobStatus.COMPLETED:
        return str(job.return_value)
    return f"failed: {job._return_value!r}"


def workers(n_jobs: int | None, jobs: int) -> int:
    """Worker processes for `jobs` jobs: `n_jobs`, counted as joblib counts it.

    None or -1: one per CPU this process may use; -2: all but one, and so on.
    """
    if not (n_jobs is None or type(n_jobs) is int) or n_jobs == 0:
        raise ValueError(
            f"hydra.launcher.n_jobs: expected a non-zero integer (-1: all CPUs) or null, "
            f"not {n_jobs!r}"
        )
    if n_jobs is None or n_jobs < 0:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        n_jobs = max(1, cpus + 1 + (n_jobs or -1))
    return min(n_jobs, max(jobs, 1))


class ForkLauncher(Launcher):
    """Hydra's basic launcher's jobs, run by worker processes forked from this one."""

    def __init__(self, n_jobs: int | None = None) -> None:
        """Take the options.

        Args:
            n_jobs: Worker processes, as joblib counts them (None or -1: one per CPU this
                process may use; -2: all but one).
        """
        workers(n_jobs, 1)  # a bad value fails now, before any job is checked
        self.n_jobs = n_jobs
        self.config: DictConfig | None = None
        self.task_function: TaskFunction | None = None
        self.hydra_context: HydraContext | None = None

    def setup(
        self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
    ) -> None:
        """Keep what the jobs need."""
        self.config = config
        self.hydra_context = hydra_context
        self.task_function = task_function

    def launch(
        self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int
    ) -> Sequence[JobReturn]:
        """Run the jobs in forked workers; their returns, in the jobs' order."""
        global _LAUNCHER
        if "fork" not in multiprocessing.get_all_start_methods():
            raise RuntimeError(
                "hydra/launcher=fork needs the fork start method (Linux, macOS); "
                "use hydra/launcher=joblib on this platform"
            )
        setup_globals()
        configure_log(self.config.hydra.hydra_logging, self.config.hydra.verbose)
        Path(str(self.config.hydra.sweep.dir)).mkdir(parents=True, exist_ok=True)
        count = workers(self.n_jobs, len(job_overrides))
        log.info(f"Launching {len(job_overrides)} jobs in {count} forked worker processes")
        jobs = []
        for number, overrides in enumerate(job_overrides):
            idx = initial_job_idx + number
            log.info(f"\t#{idx} : {' '.join(filter_overrides(overrides))}")
            jobs.append((idx, list(overrides)))
        _LAUNCHER = self
        # The objects alive now live as long as the workers (copies) and this process: the
        # garbage collector need not look at them again, nor touch (copy) their pages.
        gc.freeze()
        pool = ProcessPoolExecutor(
            count,
            mp_context=multiprocessing.get_context("fork"),
            initializer=die_with_parent,
            initargs=(os.getpid(),),
        )
        try:
            futures = {
                pool.submit(_run, idx, overrides): (idx, overrides) for idx, overrides in jobs
            }
            lost = []
            for done, future in enumerate(as_completed(futures), start=1):
                idx, overrides = futures[future]
                try:
                    outcome = _outcome(future.result())
                except BrokenProcessPool:
                    lost.append((idx, overrides))
                    continue
                log.info(f"\t#{idx} {outcome} ({done} of {len(jobs)} done)")
        finally:  # on an error or Ctrl-C, the jobs not started yet are not started
            pool.shutdown(cancel_futures=True)
        if lost:
            named = ", ".join(f"#{idx} ({' '.join(overrides)})" for idx, overrides in sorted(lost))
            raise WorkerDied(
                "a worker process died (killed? out of memory? a crash in compiled code?) and "
                f"these jobs did not finish: {named}. The jobs that finished are in their "
                "folders; the same command with hydra.sweep.dir=<this sweep's folder> runs the "
                "others (resume=true skips the complete ones)."
            )
        return [future.result() for future in futures]  # in the jobs' order


@dataclass
class ForkLauncherConf:
    """The options of `hydra/launcher=fork`."""

    _target_: str = "hydra_plugins.powershift_launcher._launcher.ForkLauncher"
    n_jobs: int | None = None


ConfigStore.instance().store(
    group="hydra/launcher", name="fork", node=ForkLauncherConf, provider="powershift"
)
