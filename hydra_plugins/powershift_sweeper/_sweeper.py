"""The sweeper of `hydra/sweeper=powershift` (see this package's docstring)."""

from __future__ import annotations

import gc
import importlib
import os
import pickle
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf

#: Configs that arrived in this (worker) process with their job's overrides, by overrides.
ARRIVED: dict[tuple[str, ...], bytes] = {}


def _arrive(overrides: list[str], config: bytes, parent: int | None = None) -> ComposedOverrides:
    if parent is not None and os.getppid() == parent:  # a worker: it ends with the sweep
        _die_with(parent)
    ARRIVED[tuple(overrides)] = config
    return ComposedOverrides(overrides, config)


def _die_with(parent: int) -> None:
    """End this joblib (loky) worker, a child of the sweep's process, when `parent` is gone.

    Only for a child of the sweep's process (a job that runs elsewhere, e.g. on a Slurm
    node, is not watched). By a watching thread, not `PR_SET_PDEATHSIG`: loky may start a
    worker from a thread that ends long before the sweep does (this sweeper's warm-up).
    """
    from hydra_plugins.powershift_launcher._launcher import die_with_parent

    die_with_parent(parent, prctl=False)


class ComposedOverrides(list):
    """A job's overrides (a list of strings, as Hydra's) with its composed config, pickled.

    Unpickled in a launcher's worker, it leaves the config in `ARRIVED` for `KeptConfigs`.
    """

    def __init__(self, overrides: Sequence[str], config: bytes) -> None:
        """The overrides and the pickled config."""
        super().__init__(overrides)
        self.config = config

    def __reduce__(self):
        """Pickled as the overrides, the config and the sweep's pid, for `_arrive`."""
        return _arrive, (list(self), self.config, os.getpid())


class KeptConfigs:
    """A config loader that serves a job's composed config once: kept here, or arrived.

    Everything else is the wrapped loader's.
    """

    def __init__(self, loader: Any) -> None:
        """Wrap `loader` (Hydra's `ConfigLoader`)."""
        self.loader = loader
        self.kept: dict[tuple[str, ...], bytes] = {}
        self.templates: dict[tuple, bytes] = {}
        self.parsed: dict[str, Any] = {}  # each override line, parsed once (`_shape`)

    def keep(
        self,
        master_config: DictConfig,
        overrides: Sequence[str],
        config: DictConfig | None = None,
    ) -> bytes:
        """Compose the job with `overrides` (raising if it cannot be), keep and return it.

        `config`: the job's config, already composed.
        """
        if config is None:
            config = self.compose(master_config, list(overrides))
        self.kept[tuple(overrides)] = pickle.dumps(config, protocol=pickle.HIGHEST_PROTOCOL)
        return self.kept[tuple(overrides)]

    def compose(self, master_config: DictConfig, overrides: list[str]) -> DictConfig:
        """The job's config, as `load_sweep_config` composes it, in a few milliseconds.

        Jobs of a sweep mostly differ in plain values (`seed=3`, `model.shock_sd=0.01`). A
        job whose other overrides (config groups, `hydra.*`, `+`, `~`, lists and dicts) and
        whose value keys are those of a job composed before starts from that job's config
        and sets its own values, as Hydra sets them (`OmegaConf.update` on the composed
        config; scalars only, so nothing of the earlier values is left), then the records
        Hydra derives from the overrides (`hydra.overrides.task`,
        `hydra.job.override_dirname`) and the resolvers' cache. Any other job, or one whose
        value fails, is composed by Hydra. The tests check that both give the same config.
        """
        shape = self._shape(master_config, overrides)
        template = self.templates.get(shape[0]) if shape is not None else None
        if template is not None:
            try:
                return self._derive(master_config, pickle.loads(template), *shape[1:])
            except Exception:  # noqa: BLE001  (Hydra composes it, and raises its own error)
                pass
        config = self.loader.load_sweep_config(master_config, overrides)
        if shape is not None:
            self.templates.setdefault(shape[0], pickle.dumps(config, pickle.HIGHEST_PROTOCOL))
        return config

    def _shape(self, master_config: DictConfig, overrides: list[str]) -> tuple | None:
        """(key of the jobs that share a template, the value overrides, the task overrides).

        None when the fast path does not apply (a search-path override; a parse error). Each
        line is parsed once per sweep: its parse depends on the line alone (no config loader).
        """
        from hydra.core.override_parser.overrides_parser import OverridesParser
        from hydra.core.override_parser.types import OverrideType

        repository = getattr(self.loader, "repository", None)  # Hydra's ConfigLoaderImpl's
        if repository is None:
            return None
        lines = [*OmegaConf.to_container(master_config.hydra.overrides.hydra), *overrides]
        new = [line for line in dict.fromkeys(lines) if line not in self.parsed]
        try:  # the lines not seen yet (jobs share most of theirs)
            if new:
                parsed = OverridesParser.create().parse_overrides(new)
                self.parsed.update(zip(new, parsed, strict=True))
        except Exception:  # noqa: BLE001  (Hydra's composition reports it)
            return None
        parsed = [self.parsed[line] for line in lines]
        if any(o.key_or_group == "hydra.searchpath" for o in parsed):
            return None
        values, structure = [], []
        for override in parsed:
            plain = (
                override.type == OverrideType.CHANGE
                and override.package is None
                and not override.is_hydra_override()
                and isinstance(override.value(), str | int | float | bool | None)
                and not repository.group_exists(override.key_or_group)
            )
            if plain:
                values.append(override)
                structure.append(("value", override.key_or_group))
            else:
                structure.append(("other", override.input_line))
        task = [o for o in parsed if not o.is_hydra_override()]
        return (master_config.hydra.job.config_name, *structure), values, task

    def _derive(self, master_config, config: DictConfig, values: list, task: list) -> DictConfig:
        """`config` (a copy of the template of the job's shape), changed into this job's."""
        from hydra._internal.config_loader_impl import get_overrides_dirname

        for override in values:  # as ConfigLoaderImpl._apply_overrides_to_config
            OmegaConf.update(config, override.key_or_group, override.value(), merge=True)
        config.hydra.overrides.task = [o.input_line for o in task]
        dirname = config.hydra.job.config.override_dirname
        config.hydra.job.override_dirname = get_overrides_dirname(
            overrides=task,
            kv_sep=dirname.kv_sep,
            item_sep=dirname.item_sep,
            exclude_keys=dirname.exclude_keys,
        )
        OmegaConf.copy_cache(from_config=master_config, to_config=config)
        return config

    def load_sweep_config(self, master_config: DictConfig, sweep_overrides: list[str]):
        """The kept (or arrived) config of this job, once; else a new composition."""
        key = tuple(sweep_overrides)
        kept = self.kept.pop(key, None) or ARRIVED.pop(key, None)
        if kept is not None:
            return pickle.loads(kept)
        return self.loader.load_sweep_config(master_config, sweep_overrides)

    def __getattr__(self, name: str) -> Any:
        """The wrapped loader's attribute."""
        if name in ("loader", "kept", "templates", "parsed"):  # not set yet (while unpickling)
            raise AttributeError(name)
        return getattr(self.loader, name)

    def __getstate__(self) -> dict[str, Any]:
        """The loader without the kept configs (each job's travels with its overrides)."""
        return {"loader": self.loader, "kept": {}, "templates": {}, "parsed": {}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore the pickled state."""
        self.__dict__.update(state)


def _import(module: str, parent: int | None = None) -> str:
    """Import `module` in this (worker) process, then freeze what the imports made.

    A worker keeps its modules until the sweep ends; `gc.freeze` takes their objects out of
    the garbage collector's sight, which also spares the interpreter's last collections
    when the worker exits, and the command waits for that: about 0.25 s with the model's
    libraries (mesa, pandas, scipy) imported, 0.03 s frozen.
    """
    if parent is not None and os.getppid() == parent:
        _die_with(parent)
    importlib.import_module(module)
    gc.freeze()
    return module


def _job_check() -> Any:
    """A new `experiments.sweep.JobCheck` (None where this project's package is not there)."""
    try:
        from experiments.sweep import JobCheck
    except ImportError:
        return None
    return JobCheck()


def _stopping() -> tuple[type[BaseException], ...]:
    """The errors that stop a sweep midway (besides OSError), which `stopped` reports."""
    from hydra_plugins.powershift_launcher._launcher import WorkerDied

    return (WorkerDied,)


def _design_points(config: DictConfig) -> list[str]:
    """`design.point=range(0,n)` for a config with a design that does not set its point."""
    try:
        from experiments.design import sweep_arguments
    except ImportError:
        return []
    return sweep_arguments(config)


def _refused() -> tuple[type[BaseException], ...]:
    """The errors of a job the check refuses."""
    try:
        from experiments.schema import ConfigError
    except ImportError:
        return ()
    return (ConfigError,)


class PowershiftSweeper(Sweeper):
    """Hydra's basic sweeper (the same jobs, in the same order), launching the checked configs.

    It expands a sweep with `BasicSweeper.split_arguments` and otherwise does what
    `BasicSweeper.sweep` does, batch by batch: check every job (compose it), launch the
    batch, read the returns. It is not a subclass of `BasicSweeper`, whose module Hydra's
    plugin scan executes again in each process (a subclass made before the scan would no
    longer match the class).
    """

    def __init__(self, max_batch_size: int | None = None, params: dict | None = None) -> None:
        """Take the basic sweeper's options.

        Args:
            max_batch_size: Jobs launched at a time (None: all).
            params: The sweep (`hydra.sweeper.params`): key to values, as on the command line.
        """
        self.max_batch_size = max_batch_size
        self.params = dict(params or {})
        self.config: DictConfig | None = None
        self.launcher = None
        self.hydra_context: HydraContext | None = None

    def setup(
        self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
    ) -> None:
        """Instantiate the launcher with a loader that serves the kept configs."""
        from hydra.core.plugins import Plugins

        self.config = config
        self.configs = KeptConfigs(hydra_context.config_loader)
        self.task_module = getattr(task_function, "__module__", None)
        self.hydra_context = HydraContext(
            config_loader=self.configs, callbacks=hydra_context.callbacks
        )
        self.launcher = Plugins.instance().instantiate_launcher(
            hydra_context=self.hydra_context, task_function=task_function, config=config
        )

    def sweep(self, arguments: list[str]) -> Any:
        """Expand the sweep, then check and launch it batch by batch; the jobs' returns.

        A job that `check` refuses ends the command (status 1, its message) before any job
        of its batch starts.
        """
        from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
        from hydra.core.override_parser.overrides_parser import OverridesParser

        parser = OverridesParser.create(config_loader=self.configs)
        params = [f"{k}={v}" for k, v in self.params.items()]
        overrides = parser.parse_overrides(params + arguments + _design_points(self.config))
        batches = BasicSweeper.split_arguments(overrides, self.max_batch_size)
        sweep_dir = Path(self.config.hydra.sweep.dir)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        OmegaConf.save(self.config, sweep_dir / "multirun.yaml")
        returns, first = [], 0
        self.checking = _job_check()
        for batch in batches:
            self.check(batch, first)
            try:
                results = self.launcher.launch(batch, initial_job_idx=first)
            except (OSError, *_stopping()) as error:  # a full disk, a dead worker: say so
                from experiments.sweep import stopped

                stopped(sweep_dir, error)
                raise
            for result in results:
                _ = result.return_value  # raises a job's exception, as the basic sweeper
            first += len(batch)
            returns.append(results)
        return returns

    def check(self, batch: list[list[str]], first: int = 0) -> None:
        """Compose and check every job of the batch (any error fails the sweep now); keep them.

        Each job's overrides in `batch` become `ComposedOverrides` carrying its config. The
        check (`experiments.sweep.JobCheck`, when this project's `experiments` is there) is of
        each job's values and ranges and that no two jobs share a folder; a job it refuses
        ends the command with its message, before any job of the batch starts.

        Args:
            batch: The jobs' overrides.
            first: The number of the batch's first job.
        """
        self.configs.kept.clear()  # what the last batch's launcher did not take
        checking = getattr(self, "checking", None)
        # What is alive now (modules, the sweep's config) lives as long as the sweep: the
        # collections of each job's garbage need not scan it again (0.1 s a full one)
        gc.freeze()
        warming = self._warm_joblib_workers()
        try:
            for number, overrides in enumerate(batch):
                composed = self.configs.compose(self.config, list(overrides))
                if checking is not None:
                    checking(composed, first + number, overrides)
                config = self.configs.keep(self.config, overrides, composed)
                batch[number] = ComposedOverrides(overrides, config)
        except _refused() as error:
            from experiments.sweep import fail

            fail(f"{error}\nNo job was started.")
        finally:
            if warming is not None:
                warming.join()

    def _joblib_options(self) -> dict[str, Any] | None:
        """The options joblib's `Parallel` gets from the joblib launcher (None: another one)."""
        if type(self.launcher).__name__ != "JoblibLauncher" or self.task_module is None:
            return None
        from hydra_plugins.hydra_joblib_launcher._core import process_joblib_cfg

        options = dict(self.launcher.joblib)
        options["backend"] = "loky"  # as the launcher sets it
        process_joblib_cfg(options)
        return options

    def _warm_joblib_workers(self) -> threading.Thread | None:
        """Start joblib's workers, importing the task's module, in a thread; None if not joblib.

        The launcher's `Parallel` then reuses the same workers (joblib reuses its executor
        when the options are the same).
        """
        options = self._joblib_options()
        if options is None:
            return None
        from joblib import Parallel, delayed, effective_n_jobs

        workers = effective_n_jobs(options.get("n_jobs", -1))
        tasks = [delayed(_import)(self.task_module, os.getpid()) for _ in range(workers)]
        thread = threading.Thread(target=lambda: Parallel(**options)(tasks), daemon=True)
        thread.start()
        return thread


@dataclass
class PowershiftSweeperConf:
    """The options of Hydra's basic sweeper."""

    _target_: str = "hydra_plugins.powershift_sweeper._sweeper.PowershiftSweeper"
    max_batch_size: int | None = None
    params: dict[str, str] | None = None


ConfigStore.instance().store(
    group="hydra/sweeper", name="powershift", node=PowershiftSweeperConf, provider="powershift"
)
