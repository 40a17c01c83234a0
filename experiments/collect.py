"""Merge a sweep into one tidy table per kind, and report missing or failed jobs.

Usage: `python -m experiments.collect DIR [--out OUT] [--format csv] [--allow-incomplete]`

Reads every complete job folder under DIR (one whose `done.json` matches its files, see
`experiments.store`) and writes into DIR (or OUT) `steps`, `summary`, `votes` and
`countries` tables (those that any job recorded), one row per job row, with `job` (the job
folder, relative to DIR) and the parameters first. Parameters are taken from each job's
resolved `config.yaml` (`experiments.schema.parameters`), never from its folder name. Also
writes `jobs`: one row per job with its status and parameters.

Jobs listed in DIR/sweep.json but without a folder are reported missing; a job that raised
is reported failed with its error, one killed before it finished incomplete, one whose files
no longer match its marker (e.g. truncated) corrupt. None of these enter the tables. The exit
status is 1 when any job is not complete (0 with `--allow-incomplete`).
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
    LONG_TABLES,
    MISSING,
    PROVENANCE,
    TABLE_KINDS,
    JobState,
    find_jobs,
    job_state,
    with_constants,
    write_arrow,
    write_table,
)
from experiments.sweep import SWEEP_FILE, missing


def job_states(root: Path) -> list[JobState]:
    """Every job under `root`, plus the jobs `sweep.json` lists that never started."""
    states = [job_state(folder) for folder in find_jobs(root)]
    if (root / SWEEP_FILE).is_file():
        states += [JobState(root / label, MISSING, "never started") for label in missing(root)]
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
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = Path(root)
    states = job_states(root)
    parts: dict[str, list] = {kind: [] for kind in TABLE_KINDS}
    index = []
    for state in states:
        label = job_label(root, state.folder)
        row = {"job": label, "status": state.status, "detail": state.detail}
        if state.complete:
            config = yaml.safe_load((state.folder / CONFIG).read_text())
            columns = {"job": label, **parameters(config)}
            row.update(columns)
            for kind, path in state.tables().items():
                if kind in LONG_TABLES:
                    table = pq.read_table(path)
                    table = table.drop_columns([c for c in columns if c in table.column_names])
                    parts[kind].append(with_constants(table, columns))
                else:
                    table = pd.read_parquet(path)
                    table = table.drop(columns=[c for c in columns if c in table.columns])
                    parts[kind].append(with_parameters(table, columns))
        index.append(row)
    tables: dict[str, Any] = {}
    for kind, frames in parts.items():
        if not frames:
            continue
        if kind in LONG_TABLES:
            tables[kind] = pa.concat_tables(frames, promote_options="permissive")
        else:
            tables[kind] = pd.concat(frames, ignore_index=True)
    tables["jobs"] = pd.DataFrame(index)
    return tables, states


def report(states: list[JobState], root: Path) -> str:
    """One line for the counts, one for each job that is not complete."""
    counts: dict[str, int] = {}
    for state in states:
        counts[state.status] = counts.get(state.status, 0) + 1
    lines = [
        f"{len(states)} jobs in {root}: "
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
    if out in {state.folder for state in states}:
        parser.error(f"{out} is a job folder: its tables would be replaced; pass --out")
    written = []
    for kind, table in tables.items():
        path = out / f"{kind}.{args.format}"
        if isinstance(table, pd.DataFrame):
            write_table(table, path)
        else:
            write_arrow(table, path)
        written.append(f"{path.name} ({len(table)} rows)")
    print(report(states, root))
    print(f"wrote into {out}: " + ", ".join(written))
    problems = [s for s in states if s.status != COMPLETE]
    if problems and not args.allow_incomplete:
        missing = sum(s.status == MISSING for s in problems)
        print(
            f"{len(problems)} jobs not collected ({missing} missing); re-run the sweep with "
            f"hydra.sweep.dir={root} to complete it",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
