"""Run one parameter point: `replicates` runs of `WorldModel`, recorded as tidy tables.

Usage: `python -m experiments.run [overrides]` for one point, `python -m experiments.run -m
[sweep overrides]` for a sweep (see `configs/config.yaml` and `docs/experiments.md`). A job
writes into its Hydra job folder:

- `steps.parquet`: one row per replicate and year;
- `summary.parquet`: one row per replicate (its final year);
- `votes.parquet`: one row per replicate, draft and Council member (when there is a Council);
- `countries.parquet`: one row per replicate, year and country (`record.countries=true`);
- `config.yaml` (resolved), `provenance.json` (versions, git commit, seeds, timings);
- `done.json`, last: the files above with sizes and digests (see `experiments.store`).

Every table carries the parameters (`experiments.schema.parameters`) as columns; under
`uncertainty=...` the arguments each replicate draws are columns after `replicate`. Replicate
seeds are spawned from `seed` with `numpy.random.SeedSequence`, so a point gives the same
tables bit for bit under any launcher. In a sweep folder, a job whose outputs are complete
for the same config is skipped (`resume=true`); a job that runs again first removes what a
killed run of it left half written; a job that raises writes `error.json`, and the sweep
goes on and then fails naming it (`experiments.sweep.SweepGuard`). A single run whose config
is not allowed ends with its message alone (status 1).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import importlib.metadata
import logging
import platform
import socket
import subprocess
import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

import hydra
import numpy as np
import pandas as pd
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf
from tqdm import tqdm

import experiments.sweep  # (also registers the job_dirname resolver in every process)
import sim
from experiments.schema import ConfigError, check, column_value, parameters, replicate_draws
from experiments.store import (
    CONFIG,
    LONG_TABLES,
    PROVENANCE,
    TableStream,
    clear_markers,
    clear_partial,
    job_state,
    mark_done,
    record_error,
    write_json,
    write_table,
    write_text,
)
from sim import WorldModel
from sim.model import one_blas_thread

log = logging.getLogger(__name__)

#: Distributions whose versions every job records.
LIBRARIES = ("powershift", "mesa", "numpy", "pandas", "pyarrow", "hydra-core", "omegaconf")


def run_replicates(
    kwargs: dict[str, Any],
    steps: int,
    replicates: int,
    seed: int,
    progress: str | None = None,
    sinks: dict[str, Callable[[pd.DataFrame], None] | None] | None = None,
    draws: Sequence[dict[str, Any]] | None = None,
) -> dict[str, pd.DataFrame]:
    """Run `replicates` models for `steps` years each and stack their records.

    Args:
        kwargs: `WorldModel` keyword arguments (not `rng`).
        steps: Years to simulate.
        replicates: Number of runs.
        seed: Root seed; replicate r uses the r-th child of `SeedSequence(seed)`.
        progress: Label of a progress bar (shown on a terminal only); None for no bar.
        sinks: For some kinds, a function that takes each replicate's table as soon as the
            replicate is done (e.g. `TableStream.write`), instead of stacking them; None for
            a kind not to make at all.
        draws: Replicate r's own arguments (`experiments.schema.replicate_draws`), which
            replace those of `kwargs` and are columns of its tables after `replicate`.

    Returns:
        `steps` (one row per replicate and year, the initial year included), `votes` (one row
        per replicate, draft and member; only with a Council) and `countries` (only with
        `record_countries`); each with `replicate` as the first column; kinds with a sink (or
        None) left out.
    """
    sinks = sinks or {}
    leave_out = {kind for kind, sink in sinks.items() if sink is None}
    parts: dict[str, list[pd.DataFrame]] = {"steps": [], "votes": [], "countries": []}
    children = np.random.SeedSequence(seed).spawn(replicates)
    with one_blas_thread():  # held once for the job, not set again every year
        for replicate, child in enumerate(
            tqdm(children, desc=progress, unit="replicate", disable=None if progress else True)
        ):
            drawn = draws[replicate] if draws else {}
            model = WorldModel(**{**kwargs, **drawn}, rng=np.random.default_rng(child))
            for _ in range(steps):
                model.step()
            for kind, table in record(model, leave_out).items():
                table.insert(0, "replicate", replicate)
                for place, (name, value) in enumerate(drawn.items(), start=1):
                    table.insert(place, name, column_value(value))
                if kind in sinks:
                    sinks[kind](table)
                else:
                    parts[kind].append(table)
    return {kind: pd.concat(tables, ignore_index=True) for kind, tables in parts.items() if tables}


def record(model: WorldModel, leave_out: Collection[str] = ()) -> dict[str, pd.DataFrame]:
    """A finished model's tables: its yearly outcomes, the Council's votes, the countries.

    Kinds in `leave_out` (e.g. "votes") are not made.
    """
    tables = {"steps": model.datacollector.get_model_vars_dataframe().reset_index(drop=True)}
    if model.council is not None and "votes" not in leave_out:
        tables["votes"] = model.council.votes_table()
    if model.datacollector.agent_reporters and "countries" not in leave_out:
        countries = model.datacollector.get_agent_vars_dataframe().reset_index()
        countries = countries.rename(columns={"Step": "step", "AgentID": "agent_id"})
        # Mesa's time is a float; steps and years are whole numbers
        countries["step"] = countries["step"].astype(int)
        countries.insert(0, "year", model.start_year + countries["step"])
        tables["countries"] = countries
    return tables


def summarise(steps: pd.DataFrame) -> pd.DataFrame:
    """One row per replicate: the final year's outcomes.

    Event years (the Russia-China split, China passing the United States) are outcomes the
    model carries forward, so the final row holds them.

    Args:
        steps: The `steps` table.

    Returns:
        The summary table.
    """
    return steps.groupby("replicate", sort=False).tail(1).reset_index(drop=True)


def with_parameters(table: pd.DataFrame, columns: dict[str, Any]) -> pd.DataFrame:
    """The table with the parameter columns first (constant over its rows)."""
    clash = set(columns) & set(table.columns)
    if clash:
        raise ValueError(f"parameter columns clash with outcome columns: {sorted(clash)}")
    front = pd.DataFrame(columns, index=table.index)
    return pd.concat([front, table], axis=1)


@functools.cache  # once per process: the code does not change during a sweep
def code_digest() -> str:
    """Digest of the model's code and shipped data (every file of the `sim` package)."""
    import hashlib

    root = Path(sim.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def config_digest(cfg: DictConfig | dict) -> str:
    """Digest of everything that shapes a job's outputs.

    Its config (not `resume`) and the model's code and data, so that resuming after a code
    change reruns the job.
    """
    import hashlib
    import json

    plain = cfg
    if not isinstance(cfg, dict):
        plain = OmegaConf.to_container(cfg, resolve=True, enum_to_str=True)
    plain = {k: v for k, v in plain.items() if k not in ("resume", "hydra")}
    plain["_code"] = code_digest()
    return hashlib.sha256(json.dumps(plain, sort_keys=True, default=str).encode()).hexdigest()


@functools.cache  # once per process: the code does not change during a sweep
def git_commit() -> dict[str, Any] | None:
    """The git commit of the code, and whether tracked files differ from it (None: no git)."""
    where = Path(__file__).resolve().parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True, cwd=where
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            cwd=where,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return {"commit": head, "dirty": bool(status.strip())}


@functools.cache
def versions() -> dict[str, str | None]:
    """Versions of Python and the libraries that shape the results."""
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return found


def provenance(cfg: DictConfig, seconds: dict[str, float], started: str) -> dict[str, Any]:
    """Where, when and with what a job ran, and its seeds."""
    children = np.random.SeedSequence(cfg.seed).spawn(cfg.replicates)
    hydra_info = {}
    if HydraConfig.initialized():
        hc = HydraConfig.get()
        hydra_info = {
            "mode": str(hc.mode),
            "launcher": hc.runtime.choices.get("hydra/launcher"),
            "overrides": list(hc.overrides.task),
            "job_num": hc.job.get("num"),
        }
    return {
        "versions": versions(),
        "git": git_commit(),
        "host": socket.gethostname(),
        "platform": platform.platform(),
        "started": started,
        "finished": dt.datetime.now(dt.UTC).isoformat(),
        "seconds": seconds,
        "seeds": {
            "root": int(cfg.seed),
            "replicates": [
                {"replicate": r, "entropy": str(c.entropy), "spawn_key": list(c.spawn_key)}
                for r, c in enumerate(children)
            ],
        },
        "hydra": hydra_info,
    }


def run(cfg: DictConfig, out_dir: Path, progress: str | None = None) -> dict[str, pd.DataFrame]:
    """Run the configured point and write its tables, config and provenance into `out_dir`.

    Args:
        cfg: The composed config (see `configs/config.yaml`).
        out_dir: Job folder.
        progress: Label of the progress bar, None for none.

    Returns:
        `steps` and `summary`, with the parameter columns. The long tables (`votes`,
        `countries`) go to their files replicate by replicate (`TableStream`).
    """
    started = dt.datetime.now(dt.UTC).isoformat()
    start = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    clear_markers(out_dir)
    removed = clear_partial(out_dir)  # what a killed run of this job left half written
    if removed:
        log.info(f"removed {len(removed)} partly written files of an earlier run: {removed}")
    overrides = list(HydraConfig.get().overrides.task) if HydraConfig.initialized() else []
    kwargs = check(cfg, build=False, overrides=overrides)
    columns = parameters(cfg)
    draws = replicate_draws(cfg)
    files = []
    with contextlib.ExitStack() as stack:
        # each replicate's long tables (those the model makes) go to their files at once
        streams = {
            kind: stack.enter_context(TableStream(out_dir / f"{kind}.parquet", columns))
            for kind in LONG_TABLES
        }
        sinks = {kind: stream.write for kind, stream in streams.items()}
        if not cfg.record.votes:
            sinks["votes"] = None  # not made
        tables = run_replicates(kwargs, cfg.steps, cfg.replicates, cfg.seed, progress, sinks, draws)
        model_seconds = time.perf_counter() - start
        tables["steps"] = with_parameters(tables["steps"], columns)
        tables["summary"] = summarise(tables["steps"])  # its parameter columns with it
        for kind in ("steps", "summary"):
            write_table(tables[kind], out_dir / f"{kind}.parquet")
            files.append(f"{kind}.parquet")
    files += [stream.path.name for stream in streams.values() if stream.written]
    write_text(out_dir / CONFIG, OmegaConf.to_yaml(cfg, resolve=True))
    files.append(CONFIG)
    if cfg.record.figure:
        from experiments.report import plot_gdp_shares

        plot_gdp_shares(tables["steps"], out_dir / "gdp_shares.png")
    seconds = {"models": model_seconds, "total": time.perf_counter() - start}
    write_json(out_dir / PROVENANCE, provenance(cfg, seconds, started))
    files.append(PROVENANCE)
    mark_done(out_dir, files, config_digest(cfg))
    return tables


def run_job(cfg: DictConfig, out_dir: Path, in_sweep: bool) -> str:
    """Run one job of Hydra: skip it if complete, record its error if it raises.

    Args:
        cfg: The job's config.
        out_dir: The job folder.
        in_sweep: In a sweep, an error is recorded and logged and the sweep goes on (it
            fails at its end, naming the job); otherwise it is raised.

    Returns:
        "skipped", "complete" or "failed".
    """
    state = job_state(out_dir)
    if cfg.resume and state.complete and state.marker.get("config_sha256") == config_digest(cfg):
        log.info(f"skipped (complete): {out_dir}")
        return "skipped"
    try:
        tables = run(cfg, out_dir, progress=out_dir.name if in_sweep else "replicates")
    except Exception as error:
        try:
            record_error(out_dir, error)
        except OSError as unrecorded:  # a full disk, a folder gone read-only
            log.error(f"could not write {out_dir}/error.json: {unrecorded}")
        if not in_sweep:
            raise
        if isinstance(error, ConfigError | OSError):  # the message is the whole story
            log.error(f"job failed: {out_dir}: {error}")
        else:
            log.exception(f"job failed: {out_dir}")
        return "failed"
    if not in_sweep:
        from experiments.report import describe

        print(describe(tables["summary"]))
        print(f"tables in {out_dir}")
    return "complete"


#: `configs/` of this checkout (absolute, so that the entry point works from any module name).
CONFIGS = Path(__file__).resolve().parents[1] / "configs"


def task(cfg: DictConfig) -> str:
    """Hydra's task function: one job (`run_job` in the Hydra job folder)."""
    hc = HydraConfig.get()
    in_sweep = hc.mode == RunMode.MULTIRUN
    try:
        return run_job(cfg, Path(hc.runtime.output_dir), in_sweep=in_sweep)
    except ConfigError as error:  # a single run: its message alone, status 1
        experiments.sweep.fail(str(error))


main = hydra.main(version_base="1.3", config_path=str(CONFIGS), config_name="config")(task)

if __name__ == "__main__":
    # Run the importable module's `main`, not this `__main__` copy: launchers that run jobs in
    # other processes (joblib, submitit) then pickle the task function by reference.
    from experiments import run as importable

    importable.main()
