"""Helpers of the figure notebooks: a study's collected table (found or made) and figures.

A notebook asks for its study's tables with `collected_tables(folder, experiment,
overrides)`. If `folder` holds a complete collected table (`experiments.collect` wrote
`jobs.parquet`, every job complete, and the tables asked for), it is read as it is;
otherwise the study is run into `folder` with `python -m experiments.run -m
experiment=<name> <overrides> hydra.sweep.dir=<folder>` (which skips the jobs already
complete there) and collected with `python -m experiments.collect <folder>`.

Environment variables (the tests set them; a reader need not):

- `POWERSHIFT_QUICK=1`: the notebooks' quick size (a few replicates, a shrunk sweep);
- `POWERSHIFT_SWEEPS`: where sweeps go (default `multirun/` of the repository);
- `POWERSHIFT_FIGURES`: where figures go (default `figures/` of the repository).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

import sim

#: The repository (the checkout `sim` is installed from, in editable mode).
REPO = Path(sim.__file__).resolve().parents[1]

#: True when the notebooks should run at their quick size (tests, a first look).
QUICK = os.environ.get("POWERSHIFT_QUICK") == "1"

#: Where the notebooks write their figures.
FIGURES = Path(os.environ.get("POWERSHIFT_FIGURES", REPO / "figures"))

#: Colours of the blocs, the same in every figure.
BLOC_COLOURS = {
    "West": "tab:blue",
    "Eurasia": "tab:red",
    "other": "tab:green",
    "nonaligned": "0.6",
}


def sweep_dir(study: str, label: str) -> Path:
    """The folder of a notebook's own sweep of a study: `<sweeps>/<study>/<label>`."""
    return Path(os.environ.get("POWERSHIFT_SWEEPS", REPO / "multirun")) / study / label


def is_collected(folder: Path, kinds: tuple[str, ...] = ("steps", "summary")) -> bool:
    """Whether `folder` holds a complete collected table of each kind in `kinds`.

    Args:
        folder: A sweep folder.
        kinds: Table kinds that must be there (`steps`, `summary`, `votes`, `countries`).

    Returns:
        True if `experiments.collect` wrote `jobs.parquet` with every job complete, and
        each table asked for exists.
    """
    from experiments.store import COMPLETE

    folder = Path(folder)
    jobs_file = folder / "jobs.parquet"
    if not jobs_file.is_file():
        return False
    jobs = pd.read_parquet(jobs_file, columns=["status"])
    if jobs.empty or not (jobs["status"] == COMPLETE).all():
        return False
    return all((folder / f"{kind}.parquet").is_file() for kind in kinds)


def run_module(*args: str) -> None:
    """Run `python -m <args>` in the repository with this interpreter; raise if it fails."""
    command = [sys.executable, "-m", *args]
    print("$ python", " ".join(command[1:]))
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
        raise RuntimeError(f"{' '.join(command[1:3])} failed ({done.returncode}):\n{tail}")
    last = (done.stdout.strip() or done.stderr.strip()).splitlines()
    if last:
        print("  " + last[-1])


def collected_tables(
    folder: Path,
    experiment: str,
    overrides: list[str],
    kinds: tuple[str, ...] = ("steps", "summary"),
) -> dict[str, pd.DataFrame]:
    """The collected tables of a study: read from `folder`, or run and collect it there first.

    Args:
        folder: The sweep folder (e.g. `multirun/wedge/paper`, or a notebook's own).
        experiment: The study (`configs/experiment/<experiment>.yaml`).
        overrides: Hydra overrides of the study's size or sweep (e.g. `replicates=3`,
            `powers.wedge_strength=0,1`); used only when the study is run.
        kinds: The tables to read.

    Returns:
        The tables by kind, as pandas DataFrames.
    """
    folder = Path(folder).resolve()
    if is_collected(folder, kinds):
        print(f"reading the collected tables in {folder}")
    else:
        print(f"no complete collected table in {folder}: running experiment={experiment}")
        run_module(
            "experiments.run",
            "-m",
            f"experiment={experiment}",
            *overrides,
            f"hydra.sweep.dir={folder}",
        )
        run_module("experiments.collect", str(folder))
    return {kind: pd.read_parquet(folder / f"{kind}.parquet") for kind in kinds}


def band(table: pd.DataFrame, by: list[str], column: str, low=0.05, high=0.95) -> pd.DataFrame:
    """Median and a quantile band of `column` over replicates, for each group of `by`.

    Args:
        table: A `steps` or `summary` table.
        by: Grouping columns (e.g. a swept parameter and `year`).
        column: The outcome.
        low: Lower quantile of the band.
        high: Upper quantile of the band.

    Returns:
        One row per group with `median`, `low` and `high`.
    """
    grouped = table.groupby(by, sort=True, observed=True)[column]
    return pd.DataFrame(
        {
            "median": grouped.median(),
            "low": grouped.quantile(low),
            "high": grouped.quantile(high),
        }
    ).reset_index()


def save(fig, name: str, source: str) -> Path:
    """Write `fig` as `FIGURES/<name>.png` with a line naming its sources, and close it.

    Args:
        fig: A matplotlib figure.
        name: File name without extension.
        source: The sources line printed under the figure.

    Returns:
        The path written.
    """
    import matplotlib.pyplot as plt

    FIGURES.mkdir(parents=True, exist_ok=True)
    path = FIGURES / f"{name}.png"
    fig.text(0.01, 0.0, source, fontsize=7, color="0.35", ha="left", va="top", wrap=True)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    print(f"wrote {path}")
    return path
