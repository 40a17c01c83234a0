"""Time a Morris design end to end: its sweep on this machine's cores, then its analysis.

Usage: `python -m benchmarks.bench_design [--trajectories 10] [--replicates 5] [--steps 26]
[--workers N] [--json PATH]`. The design is `configs/design/morris20.yaml` (twenty factors:
`configs/factors/bloc.yaml`, `exogenous.yaml`, `assumed.yaml`), `trajectories` x 21 points,
`replicates` replicates a point, run as `python -m experiments.run -m design=morris20
hydra/launcher=fork` on `workers` processes (default: every core), the Council's votes not
recorded (the design needs the yearly outcomes only). It times:

- `sweep_s`: the whole sweep from the command line (start-up included) and its rate,
  `runs_per_s` (model runs, i.e. points x replicates, a second);
- `analysis_s`: `python -m experiments.sensitivity` on it (collect the tables, Morris
  indices with 1,000 bootstrap resamples, table and figure), for one outcome.

Writes JSON (default `benchmarks/results/bench_design.json`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.record import ROOT, wall, write_record


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=10)
    parser.add_argument("--replicates", type=int, default=5)
    parser.add_argument("--steps", type=int, default=26)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--outcome", default="bloc_size_West")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks/results/bench_design.json")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench_design_"))
    try:
        overrides = [
            "design=morris20",
            f"design.samples={args.trajectories}",
            f"replicates={args.replicates}",
            f"steps={args.steps}",
            "record.votes=false",
            "hydra/launcher=fork",
            f"hydra.launcher.n_jobs={args.workers}",
            f"hydra.sweep.dir={folder}",
        ]
        sweep_s = wall([sys.executable, "-m", "experiments.run", "-m", *overrides])
        points = sum(1 for _ in folder.glob("*/seed=*/done.json"))
        year = 2024 + args.steps
        analysis_s = wall(
            [
                sys.executable,
                "-m",
                "experiments.sensitivity",
                str(folder),
                "--outcome",
                args.outcome,
                "--year",
                str(year),
            ]
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    runs = points * args.replicates
    results = {
        "design": "morris20",
        "factors": 20,
        "trajectories": args.trajectories,
        "points": points,
        "replicates": args.replicates,
        "steps": args.steps,
        "workers": args.workers,
        "sweep_s": round(sweep_s, 2),
        "runs_per_s": round(runs / sweep_s, 2),
        "analysis_s": round(analysis_s, 2),
        "outcome": args.outcome,
    }
    print(
        f"Morris design, 20 factors x {args.trajectories} trajectories = {points} points x "
        f"{args.replicates} replicates, {args.steps} steps, {args.workers} workers: sweep "
        f"{sweep_s:.1f} s ({runs / sweep_s:.1f} runs/s), analysis {analysis_s:.1f} s"
    )
    return write_record("bench_design", results, args.json)


if __name__ == "__main__":
    main()
