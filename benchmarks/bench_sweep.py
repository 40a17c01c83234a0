"""Time a sweep: Hydra's and the recording's overhead over the models, and joblib's speed-up.

Usage: `python -m benchmarks.bench_sweep [--points 10] [--replicates 10] [--steps 26]
[--repeats 3] [--json PATH] [--override KEY=VALUE ...]` (`--override record.votes=false`:
the same sweep without the votes tables). The design is `points` parameter points (root
seeds 1..points) of `replicates` replicates each on world_2024. It times, as medians over `repeats`:

- `models_s`: the models' own run time, in-process and warm (build, step, take the tables),
  the same work as the sweep's jobs;
- `import_s`: starting Python and importing the model (`python -c "import sim"`), which any
  script that runs the model pays;
- `basic_s`, `joblib_s`: the whole sweep from the command line (`python -m experiments.run
  -m ...`) with the basic launcher and with joblib on `--workers` (2) processes.

`overhead` is `basic_s / models_s - 1` and `overhead_after_import` the same with `import_s`
taken off; `joblib_speedup` is `basic_s / joblib_s`, and `joblib_speedup_jobs` the same for
the span from the first job's start to the last job's end (the jobs' own `provenance.json`),
without the sweep's start-up (Python, imports, Hydra, joblib's workers) and exit. Writes
JSON (default `benchmarks/results/bench_sweep.json`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from hydra import compose, initialize_config_dir

from benchmarks.record import write_record
from experiments.run import run_replicates
from experiments.schema import check

ROOT = Path(__file__).resolve().parents[1]


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - start


def models_seconds(points: int, replicates: int, steps: int, *overrides: str) -> float:
    with initialize_config_dir(config_dir=str(ROOT / "configs"), version_base="1.3"):
        cfg = compose(
            "config", overrides=[f"steps={steps}", f"replicates={replicates}", *overrides]
        )
    kwargs = check(cfg)  # loads the world once, as each sweep process does
    start = time.perf_counter()
    for seed in range(1, points + 1):
        run_replicates(kwargs, steps, replicates, seed)
    return time.perf_counter() - start


def sweep_command(folder: Path, points: int, replicates: int, steps: int, *extra) -> list:
    return [
        sys.executable,
        "-m",
        "experiments.run",
        "-m",
        f"seed=range(1,{points + 1})",
        f"replicates={replicates}",
        f"steps={steps}",
        f"hydra.sweep.dir={folder}",
        *extra,
    ]


def job_seconds(folder: Path) -> tuple[float, float, float]:
    """The jobs' model and total seconds (summed), and their span (from their provenance).

    The span runs from the first job's start to the last one's end.
    """
    models = total = 0.0
    starts, ends = [], []
    for path in folder.rglob("provenance.json"):
        record = json.loads(path.read_text())
        models += record["seconds"]["models"]
        total += record["seconds"]["total"]
        starts.append(dt.datetime.fromisoformat(record["started"]))
        ends.append(dt.datetime.fromisoformat(record["finished"]))
    return models, total, (max(ends) - min(starts)).total_seconds()


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10)
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--steps", type=int, default=26)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/bench_sweep.json"))
    parser.add_argument("--override", action="append", default=[], help="for every run")
    args = parser.parse_args(argv)
    design = (args.points, args.replicates, args.steps)

    samples: dict[str, list[float]] = {"models_s": [], "import_s": [], "basic_s": []}
    samples["joblib_s"] = []
    in_jobs, spans = [], []
    scratch = Path(tempfile.mkdtemp(prefix="bench_sweep_"))
    try:
        for repeat in range(args.repeats):
            samples["models_s"].append(models_seconds(*design, *args.override))
            samples["import_s"].append(wall([sys.executable, "-c", "import sim"]))
            basic, joblib = scratch / f"basic{repeat}", scratch / f"joblib{repeat}"
            samples["basic_s"].append(wall(sweep_command(basic, *design, *args.override)))
            in_jobs.append(job_seconds(basic))
            samples["joblib_s"].append(
                wall(
                    sweep_command(
                        joblib,
                        *design,
                        *args.override,
                        "hydra/launcher=joblib",
                        f"hydra.launcher.n_jobs={args.workers}",
                    )
                )
            )
            spans.append((in_jobs[-1][2], job_seconds(joblib)[2]))
            if repeat == 0:  # same points, same seeds: the same outcomes under both launchers
                tables = [
                    pd.concat(pd.read_parquet(p) for p in sorted(f.rglob("summary.parquet")))
                    for f in (basic, joblib)
                ]
                pd.testing.assert_frame_equal(*tables, check_exact=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    medians = {key: statistics.median(values) for key, values in samples.items()}
    models, basic = medians["models_s"], medians["basic_s"]
    job_models = statistics.median(m for m, _, _ in in_jobs)
    job_total = statistics.median(t for _, t, _ in in_jobs)
    span_basic = statistics.median(b for b, _ in spans)
    span_joblib = statistics.median(j for _, j in spans)
    results = {
        "design": {
            "points": args.points,
            "replicates": args.replicates,
            "steps": args.steps,
            "workers": args.workers,
            "overrides": args.override,
        },
        **medians,
        "samples": samples,
        "overhead": basic / models - 1,
        "overhead_after_import": (basic - medians["import_s"]) / models - 1,
        "recording_in_jobs": job_total / job_models - 1,
        "joblib_speedup": basic / medians["joblib_s"],
        "jobs_span_basic_s": span_basic,
        "jobs_span_joblib_s": span_joblib,
        "joblib_speedup_jobs": span_basic / span_joblib,
    }
    print(
        f"design: {args.points} points x {args.replicates} replicates x {args.steps} steps\n"
        f"models alone (in-process): {models:6.2f} s\n"
        f"python + import sim:       {medians['import_s']:6.2f} s\n"
        f"basic launcher sweep:      {basic:6.2f} s  overhead {results['overhead']:+.1%} "
        f"({results['overhead_after_import']:+.1%} without the import; recording inside jobs "
        f"{results['recording_in_jobs']:+.1%})\n"
        f"joblib, {args.workers} workers:        {medians['joblib_s']:6.2f} s  "
        f"speed-up {results['joblib_speedup']:.2f}x\n"
        f"from the first job's start to the last one's end: basic {span_basic:.2f} s, joblib "
        f"{span_joblib:.2f} s, speed-up {results['joblib_speedup_jobs']:.2f}x (the rest is "
        "start-up and exit)"
    )
    return write_record("bench_sweep", results, args.json)


if __name__ == "__main__":
    main()
