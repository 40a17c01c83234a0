"""Sweeps: one sweep per folder, every job checked before any runs, the failed ones reported.

`SweepGuard` is a Hydra callback (`hydra.callbacks` in `configs/config.yaml`). At the start
of a multirun it

- takes the sweep folder's lock (`sweep.lock`: the owner's pid, host and command), so that a
  second sweep into the same folder is refused while the first runs; a lock left by a sweep
  that was killed is taken over, saying so;
- expands the sweep exactly as Hydra's basic sweeper does (the experiment's
  `hydra.sweeper.params` and the command line; `range()`, `choice()`, `glob()` included, never
  by splitting strings), refuses a job listed twice, and names in the job folders every key
  that `hydra.job.config.override_dirname.exclude_keys` leaves out of them but that differs
  between jobs (`-m study=a,b`, `-m experiment=baseline,wedge`): job identity and folder
  agree, so no job overwrites another;
- refuses a folder that holds another sweep's jobs (a different `sweep.json`), and writes
  `sweep.json`: every job's overrides.

Any error there ends the command with status 1 and its message, before any job starts (it
fails closed: Hydra would turn an exception of a callback into a warning). The sweeper
(`hydra/sweeper=powershift`) then checks every composed job with `JobCheck` (values and
ranges, `experiments.schema.check`, and that no two jobs share a folder), so a bad value's
message comes first and alone; `hydra.callbacks.sweep_guard.check_jobs=true` also builds a
model for each point, under any basic sweeper. At the end the guard finds each job's folder
by its overrides (`experiments.store.job_overrides`), reads its state and fails, naming the
failed, incomplete, corrupt or missing jobs; the results of the others stay.
`python -m experiments.collect` reads `sweep.json` the same way.
"""

from __future__ import annotations

import atexit
import datetime as dt
import errno
import json
import logging
import os
import socket
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from experiments.design import sweep_arguments
from experiments.schema import ConfigError, check
from experiments.store import COMPLETE, find_jobs, job_overrides, job_state, write_json

log = logging.getLogger(__name__)

SWEEP_FILE = "sweep.json"
LOCK_FILE = "sweep.lock"
#: Sweepers that expand a sweep as Hydra's basic sweeper does.
BASIC_SWEEPERS = (
    "hydra._internal.core_plugins.basic_sweeper.BasicSweeper",
    "hydra_plugins.powershift_sweeper._sweeper.PowershiftSweeper",
)
EXCLUDE_KEYS = "hydra.job.config.override_dirname.exclude_keys"
#: `hydra.sweep.subdir` of `configs/config.yaml`.
SUBDIR = "${job_dirname:${hydra.job.override_dirname}}/seed=${seed}"


class SweepError(RuntimeError):
    """A sweep that must not start (its folder is locked, holds another sweep, ...)."""


def fail(message: str) -> None:
    """End the command with status 1 after printing `message` to stderr.

    Hydra turns an exception raised in a callback into a warning (and the command would
    exit 0), so the guard exits instead, as Hydra itself does on an error.
    """
    print(f"Error: {message}", file=sys.stderr, flush=True)
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
    points = sweep_arguments(config)
    if points and config.hydra.sweeper.get("_target_") != BASIC_SWEEPERS[1]:
        raise ConfigError(
            f"design: only hydra/sweeper=powershift (the default) runs every point of a design;"
            f" with this sweeper, sweep them yourself: {points[0]}"
        )
    arguments += list(config.hydra.overrides.task) + points
    loader = GlobalHydra.instance().config_loader()
    parsed = OverridesParser.create(config_loader=loader).parse_overrides(arguments)
    (batch,) = BasicSweeper.split_arguments(parsed, max_batch_size=None)
    return batch


def _key(overrides: Sequence[str]) -> tuple[str, ...]:
    """A job's identity: its overrides, in any order."""
    return tuple(sorted(overrides))


def _label(number: int, overrides: Sequence[str]) -> str:
    return f"job #{number} ({' '.join(overrides) or 'no overrides'})"


def refuse_duplicates(jobs: list[list[str]]) -> None:
    """Raise if two jobs have the same overrides: both would write into one folder."""
    seen: dict[tuple[str, ...], int] = {}
    for number, overrides in enumerate(jobs):
        first = seen.setdefault(_key(overrides), number)
        if first != number:
            raise ConfigError(
                f"{_label(first, jobs[first])} and #{number} are the same job: both would "
                "write into one folder at once. List each value once."
            )


def name_swept_keys(config: DictConfig, jobs: list[list[str]]) -> list[str]:
    """Put in the folder names the excluded keys whose values differ between jobs.

    `hydra.job.config.override_dirname.exclude_keys` leaves keys out of the job folders'
    names (`experiment`, `study`, ...) because one value is the same for every job; when a
    sweep gives them several values, jobs that differ only there would share a folder and
    overwrite each other. Such keys are taken out of the list for this sweep: the list is
    set on `config` and added to its Hydra overrides, which every launcher composes each job
    with, so each job's folder names them. A key the subdir names itself (`seed=${seed}`) is
    left as it is.

    Args:
        config: The multirun's config (changed in place).
        jobs: Every job's overrides.

    Returns:
        The keys now named in the folders.
    """
    excluded = list(OmegaConf.select(config, EXCLUDE_KEYS) or [])
    if not excluded or len(jobs) < 2:
        return []
    subdir = str(OmegaConf.to_container(config.hydra.sweep, resolve=False).get("subdir", ""))
    parser = OverridesParser.create()
    values: dict[str, set[str | None]] = {key: set() for key in excluded}
    parsed: dict[str, Any] = {}
    for overrides in jobs:
        present = {}
        for line in overrides:
            if line not in parsed:
                parsed[line] = parser.parse_override(line)
            present[parsed[line].key_or_group] = line
        for key in excluded:
            values[key].add(present.get(key))
    swept = [key for key in excluded if len(values[key]) > 1 and "${" + key + "}" not in subdir]
    if not swept:
        return []
    kept = [key for key in excluded if key not in swept]
    with read_write(config.hydra), open_dict(config.hydra):
        OmegaConf.update(config, EXCLUDE_KEYS, kept, merge=False)
        config.hydra.overrides.hydra.append(
            f"{EXCLUDE_KEYS}=[{','.join(repr(key) for key in kept)}]"
        )
    one = len(swept) == 1
    log.info(
        f"{', '.join(swept)} {'differs' if one else 'differ'} between jobs: the job folders "
        f"name {'it' if one else 'them'} ({EXCLUDE_KEYS}={kept})"
    )
    return swept


def plain(config: DictConfig) -> dict[str, Any]:
    """A composed job config without its `hydra` node, resolved, as plain data."""
    return {
        key: OmegaConf.to_container(config[key], resolve=True, enum_to_str=True)
        if OmegaConf.is_config(config[key])
        else config[key]
        for key in config
        if key != "hydra"
    }


def job_folder(config: DictConfig, number: int) -> str | None:
    """The folder of job `number` under the sweep folder, as its launcher will make it.

    None when the subdir cannot be resolved before the job runs (it names something only a
    launcher sets).
    """
    try:
        with read_write(config.hydra.job), open_dict(config.hydra.job):
            config.hydra.job.num = number  # as the launchers set them
            config.hydra.job.id = number
        if config.hydra.sweep._get_node("subdir")._value() == SUBDIR:  # the same, 1 ms sooner
            subdir = f"{job_dirname(config.hydra.job.override_dirname)}/seed={config.seed}"
        else:
            subdir = OmegaConf.select(config, "hydra.sweep.subdir", throw_on_missing=True)
    except Exception:  # noqa: BLE001  (the launcher resolves it, or fails, itself)
        return None
    return os.path.normpath(str(subdir))


class JobCheck:
    """Checks each composed job of a sweep, in order: its values, and its folder's name.

    Call it on every job: it raises `ConfigError`, naming the job, for a value that is not
    allowed (`experiments.schema.check`: types, ranges, combinations; with `build`, one
    model per point too) or for a job whose folder is an earlier job's.
    """

    def __init__(self, build: bool = False) -> None:
        """Start with no job seen.

        Args:
            build: Also build one model per distinct point (about 0.1 s each).
        """
        self.build = build
        self.built: set[str] = set()
        self.folders: dict[str, tuple[int, list[str]]] = {}

    def __call__(self, config: DictConfig, number: int, overrides: Sequence[str]) -> None:
        """Check job `number` (its composed config and overrides)."""
        task = plain(config)
        build = False
        if self.build:
            point = json.dumps({k: v for k, v in task.items() if k != "seed"}, sort_keys=True)
            build = point not in self.built
            self.built.add(point)
        try:
            check(task, build=build, overrides=overrides)
        except ConfigError as error:
            raise ConfigError(f"{_label(number, overrides)}: {error}") from error
        folder = job_folder(config, number)
        if folder is None:
            return
        first, others = self.folders.setdefault(folder, (number, list(overrides)))
        if first != number:
            raise ConfigError(
                f"{_label(first, others)} and {_label(number, overrides)} would write into "
                f"the same folder {folder!r}; make hydra.sweep.subdir name what differs "
                f"between them (or leave it out of {EXCLUDE_KEYS})."
            )


def plan(config: DictConfig, check_jobs: bool = False) -> list[list[str]] | None:
    """Expand a sweep, name its swept keys, check it, and list the jobs in `sweep.json`.

    Hydra itself composes every job before launching any (so an unknown option or a value
    of the wrong type fails at once), and `hydra/sweeper=powershift` checks each job's values
    as it composes it; `check_jobs` composes and checks every job here, building one model
    per distinct point, under any basic sweeper (about 0.1 s a job).

    Args:
        config: The multirun's composed config (its exclude keys may change, see
            `name_swept_keys`).
        check_jobs: Compose and check every job now.

    Returns:
        Each job's overrides (None for a sweeper other than Hydra's basic one).

    Raises:
        ConfigError: A job's config is not allowed, or two jobs are one; naming them.
        SweepError: The folder holds another sweep's jobs.
    """
    jobs = expand(config)
    if jobs is None:
        return None
    sweep_dir = Path(str(config.hydra.sweep.dir))  # resolved first: jobs share its `now`
    refuse_duplicates(jobs)
    name_swept_keys(config, jobs)
    if check_jobs:
        loader = GlobalHydra.instance().config_loader()
        checking = JobCheck(build=True)
        for number, overrides in enumerate(jobs):
            checking(loader.load_sweep_config(config, list(overrides)), number, overrides)
    refuse_another_sweep(sweep_dir, jobs)
    record = {
        "jobs": [{"overrides": list(o)} for o in jobs],
        "command": {
            "task": list(config.hydra.overrides.task),
            "hydra": list(config.hydra.overrides.hydra),
        },
    }
    write_json(sweep_dir / SWEEP_FILE, record)
    return jobs


def refuse_another_sweep(sweep_dir: Path, jobs: list[list[str]]) -> None:
    """Raise if `sweep_dir` holds jobs that are not among `jobs` (another sweep's).

    The same sweep again (a resume) and a sweep that keeps every job of the folder and adds
    more are allowed; so is any sweep when none of the folder's jobs started.
    """
    new = {_key(o) for o in jobs}
    try:
        old = {_key(o) for o in listed(sweep_dir)}
    except FileNotFoundError:
        old = set()
    except (ValueError, KeyError, TypeError, OSError):
        old = None  # unreadable: judge by the jobs that started
    if old == new:
        return
    begun = started(sweep_dir)
    foreign = [key for key in begun if key not in new]
    if old is None and not foreign:
        log.warning(f"{sweep_dir}: {SWEEP_FILE} was unreadable; every job there is of this sweep")
        return
    if old is not None and not (old - new) and not foreign:
        if old:
            log.info(f"{sweep_dir}: the sweep there gains {len(new - old)} job(s)")
        return
    if not begun:
        log.info(f"{sweep_dir}: replacing the list of a sweep none of whose jobs started")
        return
    if old is None:
        listing = f"its {SWEEP_FILE} is unreadable, and {len(foreign)} of its jobs"
    else:
        listing = f"its {SWEEP_FILE} lists {len(old)} jobs, {len(old - new)} of which"
    example = sorted(foreign or (old or set()) - new)[:1]
    raise SweepError(
        f"{sweep_dir} holds another sweep: {listing} this command does not make "
        f"(e.g. {' '.join(example[0]) if example else '?'}), and {len(begun)} of its jobs "
        "have started. Two sweeps in one folder would be mixed up in its tables. Run this "
        "one with another hydra.sweep.dir (collect their parent folder to merge them), or run "
        "the other's own command again to resume it."
    )


def started(sweep_dir: Path) -> dict[tuple[str, ...], Path]:
    """The folders of the jobs that started under `sweep_dir`, by their overrides.

    A job is known by its `.hydra` records or, without them, by its `provenance.json`
    (`experiments.store.job_overrides`).
    """
    folders = {}
    for folder in find_jobs(sweep_dir):
        overrides = job_overrides(folder)
        if overrides is not None:
            folders[_key(overrides)] = folder
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


def stopped(sweep_dir: Path, error: BaseException) -> None:
    """End a sweep that stopped midway (status 1), saying why and which jobs did not complete.

    For an error of the launcher, not of a job: a disk that is full or read-only (Hydra
    writes each job's `.hydra/` before the job runs), a worker that died.
    """
    reason = str(error)
    if isinstance(error, OSError):
        reason = f"it cannot write into {sweep_dir}: {error}"
    try:
        total, lines = failures(sweep_dir)
    except Exception:  # noqa: BLE001  (the reason is the message that matters)
        total, lines = 0, []
    listing = (
        f"\n{len(lines)} of {total} jobs did not complete:\n" + "\n".join(lines) if lines else ""
    )
    fail(
        f"the sweep stopped: {reason}{listing}\nThe jobs that finished are kept; once the cause "
        f"is fixed, run the same command with hydra.sweep.dir={sweep_dir} to run the rest."
    )


def _process_start(pid: int) -> str | None:
    """When process `pid` started (clock ticks since boot; Linux), to tell a reused pid."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _alive(owner: dict) -> bool:
    """Whether the lock's owner (on this host) is still running."""
    pid = owner.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        pass
    start = owner.get("process_start")
    return start is None or _process_start(pid) in (None, start)


def _describe(owner: dict) -> str:
    command = " ".join(owner.get("command") or [])
    return f"pid {owner.get('pid')} on {owner.get('host')}, started {owner.get('started')}" + (
        f": {command}" if command else ""
    )


class SweepLock:
    """The lock of a sweep folder, `sweep.lock`: one sweep runs there at a time.

    An exclusive `flock` on the file, held while the sweep's process (and the fork
    launcher's workers, which inherit it) live: the kernel lets go of it when they die, even
    by `kill -9`. The file says who holds it (pid, host, start, command), for the message of
    a sweep that is refused, and is removed when the sweep ends. A file left by a sweep that
    was killed is taken over (logged, naming it); one written on another host, whose owner
    this host cannot see, is not: the message says to remove it if that sweep is over.
    """

    def __init__(self, path: Path, handle: int) -> None:
        """Hold the lock on `path` (already taken on `handle`)."""
        self.path = path
        self.handle: int | None = handle
        self.pid = os.getpid()

    @classmethod
    def acquire(cls, sweep_dir: Path) -> SweepLock:
        """Take the lock of `sweep_dir` (made if need be) or raise `SweepError`."""
        import fcntl

        sweep_dir = Path(sweep_dir)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        path = sweep_dir / LOCK_FILE
        locking = True
        for _ in range(100):
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                owner = cls._read(handle)
                os.close(handle)
                orphans = owner and owner.get("host") == socket.gethostname()
                orphans = orphans and not _alive(owner)
                held = ": its process is gone but its workers still run jobs there" * bool(orphans)
                raise SweepError(
                    f"another sweep is running in {sweep_dir} ({_describe(owner or {})}){held}. "
                    "Wait for it to end (or end it), then run this command again; two sweeps "
                    "in one folder would overwrite each other's jobs."
                ) from None
            except OSError as error:  # a file system without locks: the file alone says
                if error.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                    os.close(handle)
                    raise
                locking = False
            try:  # the owner removes the file when it ends: lock the file the path names
                if os.path.samestat(os.fstat(handle), os.stat(path)):
                    break
            except FileNotFoundError:
                pass
            os.close(handle)
        else:
            raise SweepError(f"could not take the lock {path}")
        lock = cls(path, handle)
        owner = cls._read(handle)
        if owner:
            lock._take_over(owner, locking)
        lock._write()
        atexit.register(lock.release)
        return lock

    @staticmethod
    def _read(handle: int) -> dict | None:
        os.lseek(handle, 0, os.SEEK_SET)
        text = os.read(handle, 1 << 16).decode(errors="replace")
        if not text.strip():
            return None
        try:
            owner = json.loads(text)
        except ValueError:
            return {"pid": None, "host": "?", "started": "?"}
        return owner if isinstance(owner, dict) else {"pid": None, "host": "?"}

    def _take_over(self, owner: dict, locking: bool) -> None:
        """Take the lock from an owner that left its file behind, or raise."""
        if owner.get("host") not in (socket.gethostname(), "?") or (not locking and _alive(owner)):
            self.release(remove=False)  # the file is the other sweep's
            raise SweepError(
                f"{self.path} says that a sweep runs in this folder ({_describe(owner)}), and "
                "this host cannot tell whether it still does. If it does not, remove "
                f"{self.path} and run this command again."
            )
        log.warning(
            f"taking over the lock of {self.path.parent} from a sweep that is no longer "
            f"running ({_describe(owner)}; killed?): its unfinished jobs run again"
        )

    def _write(self) -> None:
        record = {
            "pid": self.pid,
            "host": socket.gethostname(),
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "process_start": _process_start(self.pid),
            "command": [Path(sys.argv[0]).name, *sys.argv[1:]],
        }
        os.ftruncate(self.handle, 0)
        os.lseek(self.handle, 0, os.SEEK_SET)
        os.write(self.handle, (json.dumps(record) + "\n").encode())

    def release(self, remove: bool = True) -> None:
        """Remove the file and let go of the lock (in the process that took it; once)."""
        if self.handle is None or os.getpid() != self.pid:
            return
        try:
            if remove and os.path.samestat(os.fstat(self.handle), os.stat(self.path)):
                self.path.unlink()
        except OSError:
            pass
        os.close(self.handle)
        self.handle = None


class SweepGuard(Callback):
    """Lock and check a sweep before it starts; fail it, naming the failed jobs, after."""

    def __init__(self, check_jobs: bool = False) -> None:
        """Set up the callback.

        Args:
            check_jobs: Check every job's values before the sweep starts (see `plan`).
        """
        self.check_jobs = check_jobs
        self.started = 0.0
        self.listed = False
        self.lock: SweepLock | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Without the lock, which stays with the sweep's process (joblib pickles callbacks)."""
        return {**self.__dict__, "lock": None}

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Lock the folder, list (and check) every job, write `sweep.json`; or exit 1."""
        self.started = time.perf_counter()
        sweep_dir = "the sweep folder"
        try:
            sweep_dir = Path(str(config.hydra.sweep.dir))
            self.lock = SweepLock.acquire(sweep_dir)
            jobs = plan(config, check_jobs=self.check_jobs)
        except (ConfigError, SweepError) as error:
            fail(f"{error}\nNo job was started.")
        except OSError as error:
            fail(f"cannot write into the sweep folder {sweep_dir}: {error}\nNo job was started.")
        except Exception as error:  # noqa: BLE001  (fail closed, whatever it was)
            fail(
                f"the sweep's start check failed ({type(error).__name__}: {error}).\n"
                "No job was started."
            )
        self.listed = jobs is not None
        if jobs is None:
            log.info("not Hydra's basic sweeper: jobs are not listed or checked in advance")
        elif self.check_jobs:
            log.info(f"checked {len(jobs)} jobs in {time.perf_counter() - self.started:.2f} s")

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Exit with status 1, naming them, if any job of the sweep is not complete."""
        try:
            sweep_dir = Path(str(config.hydra.sweep.dir))
            if not self.listed:
                return
            if not (sweep_dir / SWEEP_FILE).is_file():
                fail(f"{sweep_dir / SWEEP_FILE} is gone: the jobs of the sweep cannot be checked")
            total, lines = failures(sweep_dir)
        except Exception as error:  # noqa: BLE001  (fail closed)
            fail(f"the sweep's end check failed ({type(error).__name__}: {error})")
        finally:
            if self.lock is not None:
                self.lock.release()
        elapsed = time.perf_counter() - self.started
        if lines:
            fail(
                f"{len(lines)} of {total} jobs in {sweep_dir} did not complete:\n"
                + "\n".join(lines)
                + "\nThe other jobs' results are kept; fix the cause and run the same command "
                f"with hydra.sweep.dir={sweep_dir} to run only these."
            )
        log.info(f"all {total} jobs complete in {sweep_dir} ({elapsed:.1f} s)")
