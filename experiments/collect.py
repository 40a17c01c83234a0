"""Merge a sweep into one tidy table per kind, and report missing or failed jobs.

Usage: `python -m experiments.collect DIR [--out OUT] [--format csv] [--allow-incomplete]`

Reads every complete job folder under DIR (one whose `done.json` matches its files, see
`experiments.store`) and writes into DIR (or OUT) `steps`, `summary`, `votes` and
`countries` tables (those that any job recorded), one row per job row, with `job` (the job
folder, relative to DIR) and the parameters first. Parameters are taken from each job's
resolved `config.yaml` (`experiments.schema.parameters`), never from its folder name. Also
writes `jobs`: one row per job with its status and parameters.

DIR may hold several sweeps (e.g. `multirun/wedge/`, a folder per sweep): each sweep's jobs
are the ones its own `sweep.json` lists. A listed job without a folder is reported missing; a
job that raised is reported failed with its error, one killed before it finished incomplete,
one whose files no longer match its marker (e.g. truncated) corrupt, one in a sweep's folder
that its `sweep.json` does not list unlisted (another sweep's). None of these enter the
tables. The exit status is 1 when any job is not complete (0 with `--allow-incomplete`), 2
when DIR holds no job at all (then nothing is written).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from experiments.run import with_parameters
from experiments.schema import parameters
from experiments.store import (
    COMPLETE,
    CONFIG,
    CORRUPT,
    LONG_TABLES,
    MISSING,
    PROVENANCE,
    TABLE_KINDS,
    JobState,
    find_jobs,
    job_overrides,
    job_state,
    with_constants,
    write_arrow,
    write_table,
)
from experiments.sweep import SWEEP_FILE, listed

#: A job in a sweep's folder that its `sweep.json` does not list.
UNLISTED = "unlisted"


def sweeps(root: Path) -> list[Path]:
    """The sweep folders under `root`, itself included: those holding a `sweep.json`."""
    found = [path.parent for path in Path(root).rglob(SWEEP_FILE) if path.is_file()]
    return sorted(p for p in found if ".submitit" not in p.relative_to(root).parts)


def job_states(root: Path) -> list[JobState]:
    """Every job under `root`, plus the jobs each `sweep.json` lists that never started.

    A job belongs to the nearest sweep folder above it; one that its sweep's `sweep.json`
    does not list is UNLISTED. An unreadable `sweep.json` is a CORRUPT entry of its own.
    """
    root = Path(root)
    folders = find_jobs(root)
    owners = sweeps(root)
    states = []
    by_sweep: dict[Path, list[Path]] = {owner: [] for owner in owners}
    for folder in folders:
        owner = max(
            (o for o in owners if folder == o or o in folder.parents),
            key=lambda o: len(o.parts),
            default=None,
        )
        if owner is None:
            states.append(job_state(folder))
        else:
            by_sweep[owner].append(folder)
    for owner, members in by_sweep.items():
        try:
            jobs = {tuple(sorted(o)): " ".join(o) for o in listed(owner)}
        except (ValueError, KeyError, TypeError, OSError) as error:
            states.append(JobState(owner / SWEEP_FILE, CORRUPT, f"unreadable: {error}"))
            states += [job_state(folder) for folder in members]
            continue
        found: dict[tuple[str, ...] | None, Path] = {}
        for folder in members:
            state = job_state(folder)
            overrides = job_overrides(folder)
            key = None if overrides is None else tuple(sorted(overrides))
            if key is not None and key in found:  # a copy of a job's folder
                state = JobState(
                    folder,
                    UNLISTED,
                    f"the same job as {job_label(root, found[key])} (a copy?); {state.status}",
                )
            elif key is None:
                state.detail = (state.detail + "; " if state.detail else "") + (
                    "no .hydra record nor provenance.json: which job of the sweep it is "
                    "cannot be told"
                )
                if state.complete:
                    state.status = CORRUPT
            elif key not in jobs:
                state = JobState(
                    folder,
                    UNLISTED,
                    f"not a job of {job_label(root, owner)}/{SWEEP_FILE} (another sweep's?); "
                    f"{state.status}",
                )
            found.setdefault(key, folder)
            states.append(state)
        states += [
            JobState(owner / label, MISSING, "never started")
            for key, label in jobs.items()
            if key not in found
        ]
    return sorted(states, key=lambda state: state.folder)


def job_label(root: Path, folder: Path) -> str:
    """The job's folder relative to the collected folder ("." for the folder itself)."""
    return folder.relative_to(root).as_posix()


def collect(root: Path) -> tuple[dict[str, Any], list[JobState]]:
    """Merge the complete jobs under `root`.

    Args:
        root: A sweep folder (or a single job's folder).

    Returns:
        The merged tables by kind (`jobs` included): pandas DataFrames, except the long
        tables (`votes`, `countries`), which are Arrow tables with dictionary-encoded
        parameter columns; and every job's state.
    """
    root = Path(root)
    states = job_states(root)
    parts: dict[str, list] = {kind: [] for kind in TABLE_KINDS}
    index = []
    for state in states:
        label = job_label(root, state.folder)
        row = {"job": label, "status": state.status, "detail": state.detail}
        if state.complete:
            try:
                read = read_job(state, label)
            except Exception as error:  # noqa: BLE001  (reported, not collected)
                state.status, state.detail = CORRUPT, f"unreadable: {type(error).__name__}: {error}"
                row.update(status=state.status, detail=state.detail)
            else:
                row.update(read.pop("jobs"))
                for kind, table in read.items():
                    parts[kind].append(table)
        index.append(row)
    tables: dict[str, Any] = {}
    for kind, frames in parts.items():
        if not frames:
            continue
        if kind in LONG_TABLES:
            tables[kind] = concat_long(frames)
        else:
            tables[kind] = pd.concat(frames, ignore_index=True)
    tables["jobs"] = pd.DataFrame(index)
    return tables, states


def concat_long(frames: list) -> Any:
    """Several jobs' long tables (Arrow) in one, their columns' types made to agree.

    A parameter column is dictionary-encoded where a job holds one value of it
    (`with_constants`) and plain where each replicate drew its own (`uncertainty=`); a
    column that is both in different jobs is decoded to its values in all of them. Other
    differences are left to Arrow's permissive promotion (e.g. null to a type).
    """
    import pyarrow as pa

    types: dict[str, set] = {}
    for frame in frames:
        for field in frame.schema:
            types.setdefault(field.name, set()).add(field.type)
    mixed = {
        name
        for name, kinds in types.items()
        if len(kinds) > 1 and any(pa.types.is_dictionary(kind) for kind in kinds)
    }
    if mixed:
        frames = [_decoded(frame, mixed) for frame in frames]
    return pa.concat_tables(frames, promote_options="permissive")


def _decoded(frame, names: set[str]):
    """`frame` with its dictionary-encoded columns among `names` as plain (nullable) ones."""
    import pyarrow as pa

    for position, field in enumerate(frame.schema):
        if field.name in names and pa.types.is_dictionary(field.type):
            values = frame.column(position).cast(field.type.value_type)
            frame = frame.set_column(position, pa.field(field.name, values.type), values)
    return frame


def read_job(state: JobState, label: str) -> dict[str, Any]:
    """A complete job's tables with `job` and the parameters first, and its `jobs` row."""
    import pyarrow.parquet as pq

    config = yaml.safe_load((state.folder / CONFIG).read_text())
    columns = {"job": label, **parameters(config)}
    read: dict[str, Any] = {"jobs": columns}
    for kind, path in state.tables().items():
        if kind in LONG_TABLES:
            table = pq.read_table(path)
            table = table.drop_columns([c for c in columns if c in table.column_names])
            read[kind] = with_constants(table, columns)
        else:
            table = pd.read_parquet(path)
            table = table.drop(columns=[c for c in columns if c in table.columns])
            read[kind] = with_parameters(table, columns)
    return read


def report(states: list[JobState], root: Path) -> str:
    """One line for the counts, one for each job that is not complete."""
    counts: dict[str, int] = {}
    for state in states:
        counts[state.status] = counts.get(state.status, 0) + 1
    folders = sweeps(root)
    where = f" ({len(folders)} sweeps)" if len(folders) > 1 else ""
    lines = [
        f"{len(states)} jobs in {root}{where}: "
        + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    ]
    for state in states:
        if state.status != COMPLETE:
            lines.append(f"  {state.status}: {job_label(root, state.folder)}: {state.detail}")
    return "\n".join(lines)


def design(root: Path) -> dict[str, Any]:
    """Replicates, steps, seed, years, code commit and command of a collected sweep.

    The commit is the one its jobs ran (their `provenance.json`): "abc1234567", with
    " (dirty tree)" when tracked files differed from it, "several" when jobs differ, "?"
    without git.
    """
    steps = pd.read_parquet(
        root / "steps.parquet", columns=["job", "replicate", "year", "steps", "seed"]
    )
    commits = set()
    for job in steps["job"].unique():
        path = root / job / PROVENANCE
        git = json.loads(path.read_text()).get("git") if path.is_file() else None
        commits.add(
            f"{git['commit'][:10]}{' (dirty tree)' if git['dirty'] else ''}" if git else "?"
        )
    sweep = ""
    if (root / "multirun.yaml").is_file():  # the sweep's own overrides, as Hydra kept them
        overrides = (yaml.safe_load((root / "multirun.yaml").read_text()) or {}).get("hydra", {})
        overrides = overrides.get("overrides", {})
        kept = [
            o
            for o in overrides.get("hydra", [])
            if not o.startswith(("hydra.sweep.dir=", "hydra.mode="))
        ]
        sweep = shlex.join(
            ["python", "-m", "experiments.run", "-m", *overrides.get("task", []), *kept]
        )
    return {
        "sweep": sweep,
        "replicates": int(steps["replicate"].nunique()),
        "steps": int(steps["steps"].max()),
        "seed": sorted(int(s) for s in steps["seed"].unique()),
        "years": f"{int(steps['year'].min())}-{int(steps['year'].max())}",
        "commit": commits.pop() if len(commits) == 1 else "several",
    }


def main(argv=None) -> int:
    """Command line; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a sweep folder (multirun/...)")
    parser.add_argument("--out", type=Path, help="where to write the tables (default: folder)")
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="exit 0 even if some jobs are missing, failed, incomplete or corrupt",
    )
    args = parser.parse_args(argv)
    root = args.folder.resolve()
    if not root.is_dir():
        parser.error(f"{args.folder}: no such folder")
    out = (args.out or args.folder).resolve()
    tables, states = collect(root)
    if not states:
        print(
            f"Error: no jobs in {root}: no {SWEEP_FILE}, and no job folder (done.json, "
            "error.json or .hydra/) under it; nothing written",
            file=sys.stderr,
        )
        return 2
    if out in {state.folder for state in states}:
        parser.error(f"{out} is a job folder: its tables would be replaced; pass --out")
    print(report(states, root))
    written = []
    try:
        for kind, table in tables.items():
            path = out / f"{kind}.{args.format}"
            if isinstance(table, pd.DataFrame):
                write_table(table, path)
            else:
                write_arrow(table, path)
            written.append(f"{path.name} ({len(table)} rows)")
    except OSError as error:
        print(f"Error: cannot write the tables into {out}: {error}", file=sys.stderr)
        return 1
    print(f"wrote into {out}: " + ", ".join(written))
    problems = [s for s in states if s.status != COMPLETE]
    if problems and not args.allow_incomplete:
        print(advice(problems, root), file=sys.stderr)
        return 1
    return 0


def advice(problems: list[JobState], root: Path) -> str:
    """What to do about the jobs that were not collected."""
    missing = sum(s.status == MISSING for s in problems)
    unlisted = sum(s.status == UNLISTED for s in problems)
    rerun = sorted(
        {
            job_label(root, owner)
            for owner in sweeps(root)
            for s in problems
            if s.status != UNLISTED and (s.folder == owner or owner in s.folder.parents)
        }
    )
    lines = [f"{len(problems)} jobs not collected ({missing} missing, {unlisted} unlisted)"]
    if rerun:
        folders = ", ".join(str(root / label) if label != "." else str(root) for label in rerun)
        lines.append(f"re-run each sweep's command with hydra.sweep.dir=<its folder> ({folders})")
    if unlisted:
        lines.append(
            "unlisted jobs are not part of the sweep whose folder holds them: move them to "
            "their own sweep's folder, or collect with --allow-incomplete to leave them out"
        )
    return "; ".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
