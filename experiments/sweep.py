"""Sweeps: check every job before any runs, list the jobs, report the failed ones after.

`SweepGuard` is a Hydra callback (`hydra.callbacks` in `configs/config.yaml`). At the start
of a multirun it expands the sweep exactly as Hydra's basic sweeper does (the experiment's
`hydra.sweeper.params` and the command line; `range()`, `choice()`, `glob()` included, never
by splitting strings) and writes `sweep.json` into the sweep folder: every job's overrides;
with `hydra.callbacks.sweep_guard.check_jobs=true` it also composes and checks each job
first (`experiments.schema.check`: a value out of range fails before any job starts). At the
end it finds each job's folder by its `.hydra/overrides.yaml`, reads its state and raises,
naming the failed, incomplete, corrupt or missing jobs, so the command exits non-zero; the
results of the others stay. `python -m experiments.collect` uses `sweep.json` the same way.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf, open_dict

from experiments.schema import ConfigError, check
from experiments.store import COMPLETE, job_state, write_json

log = logging.getLogger(__name__)

SWEEP_FILE = "sweep.json"
#: Sweepers that expand a sweep as Hydra's basic sweeper does.
BASIC_SWEEPERS = (
    "hydra._internal.core_plugins.basic_sweeper.BasicSweeper",
    "hydra_plugins.powershift_sweeper._sweeper.PowershiftSweeper",
)


def fail(message: str) -> None:
    """End the command with status 1 after printing `message` to stderr.

    Hydra turns an exception raised in a callback into a warning (and the command would
    exit 0), so the guard exits instead, as Hydra itself does on an error.
    """
    print(f"Error: {message}", file=sys.stderr)
    raise SystemExit(1)


def job_dirname(override_dirname: str) -> str:
    """The job folder's name from Hydra's `override_dirname`: one folder, never a path.

    Registered as the `job_dirname` resolver (`hydra.sweep.subdir`). An empty name would
    make the subdir absolute (`/seed=1`): it becomes "defaults"; a value holding "/" (a
    scenario folder) would nest folders: "/" is written "%2F", as in a URL.
    """
    return override_dirname.replace("/", "%2F") or "defaults"


if not OmegaConf.has_resolver("job_dirname"):
    OmegaConf.register_new_resolver("job_dirname", job_dirname)


def expand(config: DictConfig) -> list[list[str]] | None:
    """Each job's overrides, as Hydra's basic sweeper makes them (None for other sweepers).

    Args:
        config: The multirun's composed config (with its `hydra` node).
    """
    if config.hydra.sweeper.get("_target_") not in BASIC_SWEEPERS:
        return None
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

    params = config.hydra.sweeper.get("params") or {}
    arguments = [f"{key}={value}" for key, value in params.items()]
    arguments += list(config.hydra.overrides.task)
    loader = GlobalHydra.instance().config_loader()
    parsed = OverridesParser.create(config_loader=loader).parse_overrides(arguments)
    (batch,) = BasicSweeper.split_arguments(parsed, max_batch_size=None)
    return batch


def plan(config: DictConfig, check_jobs: bool = False) -> list[list[str]] | None:
    """Expand a sweep, optionally check every job, and list the jobs in `sweep.json`.

    Hydra itself composes every job before launching any (so an unknown option or a value
    of the wrong type fails at once); `check_jobs` also runs `experiments.schema.check` on
    each, building one model per distinct point, so that a value out of range fails before
    the first job starts too (about 0.1 s a job; without it such a job fails on its own,
    within milliseconds, and the sweep reports it at its end).

    Args:
        config: The multirun's composed config.
        check_jobs: Compose and check every job now.

    Returns:
        Each job's overrides (None for a sweeper other than Hydra's basic one).

    Raises:
        ConfigError: A job's config is not allowed; the message names the job and the key.
    """
    jobs = expand(config)
    if jobs is None:
        return None
    sweep_dir = Path(str(config.hydra.sweep.dir))  # resolved first: jobs share its `now`
    if check_jobs:
        loader = GlobalHydra.instance().config_loader()
        checked: set[str] = set()
        for number, overrides in enumerate(jobs):
            job_config = loader.load_sweep_config(config, list(overrides))
            with open_dict(job_config):
                del job_config["hydra"]
            task = OmegaConf.to_container(job_config, resolve=True, enum_to_str=True)
            point = json.dumps({k: v for k, v in task.items() if k != "seed"}, sort_keys=True)
            try:
                check(task, build=point not in checked)
            except ConfigError as error:
                raise ConfigError(f"job #{number} ({' '.join(overrides)}): {error}") from error
            checked.add(point)
    write_json(sweep_dir / SWEEP_FILE, {"jobs": [{"overrides": list(o)} for o in jobs]})
    return jobs


def _key(overrides) -> tuple[str, ...]:
    return tuple(sorted(overrides))


def started(sweep_dir: Path) -> dict[tuple[str, ...], Path]:
    """The folders of the jobs that started under `sweep_dir`, by their overrides."""
    folders = {}
    for record in Path(sweep_dir).rglob(".hydra/overrides.yaml"):
        folder = record.parent.parent
        if ".submitit" not in folder.relative_to(sweep_dir).parts:
            folders[_key(yaml.safe_load(record.read_text()) or [])] = folder
    return folders


def listed(sweep_dir: Path) -> list[list[str]]:
    """The jobs' overrides as `sweep.json` lists them."""
    return [job["overrides"] for job in json.loads((sweep_dir / SWEEP_FILE).read_text())["jobs"]]


def missing(sweep_dir: Path) -> list[str]:
    """The jobs listed in `sweep.json` that never started, as their overrides."""
    folders = started(sweep_dir)
    return [" ".join(o) for o in listed(sweep_dir) if _key(o) not in folders]


def failures(sweep_dir: Path) -> tuple[int, list[str]]:
    """The number of jobs listed in `sweep.json` and a line for each that is not complete."""
    folders = started(sweep_dir)
    jobs = listed(sweep_dir)
    lines = []
    for overrides in jobs:
        folder = folders.get(_key(overrides))
        if folder is None:
            lines.append(f"  {' '.join(overrides)}: missing: never started")
            continue
        state = job_state(folder)
        if state.status != COMPLETE:
            label = folder.relative_to(sweep_dir).as_posix()
            lines.append(f"  {label}: {state.status}: {state.detail}")
    return len(jobs), lines


class SweepGuard(Callback):
    """Check a sweep's jobs before it starts; fail it, naming the failed jobs, after."""

    def __init__(self, check_jobs: bool = False) -> None:
        """Set up the callback.

        Args:
            check_jobs: Check every job's values before the sweep starts (see `plan`).
        """
        self.check_jobs = check_jobs
        self.started = 0.0

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """List (and with `check_jobs`, check) every job; write `sweep.json`."""
        self.started = time.perf_counter()
        try:
            jobs = plan(config, check_jobs=self.check_jobs)
        except ConfigError as error:
            fail(str(error))
        if jobs is None:
            log.info("not Hydra's basic sweeper: jobs are not listed or checked in advance")
        elif self.check_jobs:
            log.info(f"checked {len(jobs)} jobs in {time.perf_counter() - self.started:.2f} s")

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Exit with status 1, naming them, if any job of the sweep is not complete."""
        sweep_dir = Path(str(config.hydra.sweep.dir))
        if not (sweep_dir / SWEEP_FILE).is_file():
            return
        total, lines = failures(sweep_dir)
        elapsed = time.perf_counter() - self.started
        if lines:
            fail(
                f"{len(lines)} of {total} jobs in {sweep_dir} did not complete:\n"
                + "\n".join(lines)
                + "\nThe other jobs' results are kept; fix the cause and run the same command "
                f"with hydra.sweep.dir={sweep_dir} to run only these."
            )
        log.info(f"all {total} jobs complete in {sweep_dir} ({elapsed:.1f} s)")
