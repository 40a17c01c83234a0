"""Time a sweep: Hydra's and the recording's overhead, and the parallel launchers' speed-up.

Usage: `python -m benchmarks.bench_sweep [--points 10] [--replicates 10] [--steps 26]
[--repeats 3] [--json PATH] [--override KEY=VALUE ...]` (`--override record.votes=false`:
the same sweep without the votes tables). The design is `points` parameter points (root
seeds 1..points) of `replicates` replicates each on world_2024. It times, as medians over `repeats`:

- `models_s`: the models' own run time, in-process and warm (build, step, take the tables),
  the same work as the sweep's jobs;
- `import_s`: starting Python and importing the model (`python -c "import sim"`), which any
  script that runs the model pays;
- `basic_s`, `joblib_s`, `fork_s`: the whole sweep from the command line (`python -m
  experiments.run -m ...`) with the basic launcher, and with the joblib and the fork
  launchers on `--workers` (2) processes.

`overhead` is `basic_s / models_s - 1` and `overhead_after_import` the same with `import_s`
taken off; `joblib_speedup` is `basic_s / joblib_s`, and `joblib_speedup_jobs` the same for
the span from the first job's start to the last job's end (the jobs' own `provenance.json`),
without the sweep's start-up (Python, imports, Hydra, the workers) and exit; the same for
`fork`. Writes JSON (default `benchmarks/results/bench_sweep.json`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from hydra import compose, initialize_config_dir

from benchmarks.record import ROOT, wall, write_record
from experiments.run import run_replicates
from experiments.schema import check

#: The launchers timed against the basic one.
PARALLEL = ("joblib", "fork")


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

    parallel = {  # on `workers` processes
        name: (f"hydra/launcher={name}", f"hydra.launcher.n_jobs={args.workers}")
        for name in PARALLEL
    }
    samples: dict[str, list[float]] = {"models_s": [], "import_s": [], "basic_s": []}
    samples.update({f"{name}_s": [] for name in parallel})
    in_jobs, spans = [], {"basic": [], **{name: [] for name in parallel}}
    scratch = Path(tempfile.mkdtemp(prefix="bench_sweep_"))
    try:
        for repeat in range(args.repeats):
            samples["models_s"].append(models_seconds(*design, *args.override))
            samples["import_s"].append(wall([sys.executable, "-c", "import sim"]))
            folders = {"basic": scratch / f"basic{repeat}"}
            samples["basic_s"].append(
                wall(sweep_command(folders["basic"], *design, *args.override))
            )
            in_jobs.append(job_seconds(folders["basic"]))
            for name, launcher in parallel.items():
                folders[name] = scratch / f"{name}{repeat}"
                command = sweep_command(folders[name], *design, *args.override, *launcher)
                samples[f"{name}_s"].append(wall(command))
            for name, folder in folders.items():
                spans[name].append(job_seconds(folder)[2])
            if repeat == 0:  # same points, same seeds: the same outcomes under every launcher
                tables = [
                    pd.concat(pd.read_parquet(p) for p in sorted(f.rglob("summary.parquet")))
                    for f in folders.values()
                ]
                for table in tables[1:]:
                    pd.testing.assert_frame_equal(tables[0], table, check_exact=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    medians = {key: statistics.median(values) for key, values in samples.items()}
    models, basic = medians["models_s"], medians["basic_s"]
    job_models = statistics.median(m for m, _, _ in in_jobs)
    job_total = statistics.median(t for _, t, _ in in_jobs)
    span = {name: statistics.median(values) for name, values in spans.items()}
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
        **{f"jobs_span_{name}_s": seconds for name, seconds in span.items()},
    }
    for name in parallel:
        results[f"{name}_speedup"] = basic / medians[f"{name}_s"]
        results[f"{name}_speedup_jobs"] = span["basic"] / span[name]
    print(
        f"design: {args.points} points x {args.replicates} replicates x {args.steps} steps\n"
        f"models alone (in-process): {models:6.2f} s\n"
        f"python + import sim:       {medians['import_s']:6.2f} s\n"
        f"basic launcher sweep:      {basic:6.2f} s  overhead {results['overhead']:+.1%} "
        f"({results['overhead_after_import']:+.1%} without the import; recording inside jobs "
        f"{results['recording_in_jobs']:+.1%})"
    )
    for name in parallel:
        print(
            f"{name}, {args.workers} workers:{' ' * (13 - len(name))}"
            f"{medians[f'{name}_s']:6.2f} s  speed-up {results[f'{name}_speedup']:.2f}x; from the "
            f"first job's start to the last one's end {span[name]:.2f} s against "
            f"{span['basic']:.2f} s, {results[f'{name}_speedup_jobs']:.2f}x"
        )
    return write_record("bench_sweep", results, args.json)


if __name__ == "__main__":
    main()
