"""Scaling in N: model steps against a numpy floor, memory, a long run at N = 5000, sweeps.

Usage: `python -m benchmarks.bench_scale [--sizes 500 1000 2000] [--runs 3] [--years 26]
[--big-runs 2] [--long-n 5000] [--long-years 25] [--long-runs 3] [--sweep-repeats 3]
[--sweep-replicates 10] [--json PATH]`. On world_2024 (N = 193) and `synthetic_world(n,
seed=0)` for each size it reports, as medians:

- `step_s`: one full `WorldModel.step` (default parameters, every phase, the Council
  included) of fresh models (seeds 0, 1, ...) stepped `years` years each; `runs` models per
  size (`big_runs` at N >= 2000); `setup_s`: building the model from a ready world;
- `floor_s`: the model's dyadic (N x N) array work done in plain numpy, without the model
  around it (`floor_step`), on the state after each year of a run of the same size (so the
  blocs, threat groups, great powers and sanctions match), the median over the years; and
  the ratio `step_s / floor_s`; `minimal_floor_s`: the least such work a step could do
  (`minimal_floor_step`: one gravity flow update, its row sums, one affinity blend; the
  floor of issue 13), timed on the same states, taking turns with the steps that made them
  (`interleaved_step_s`), and the ratio `model_over_minimal_floor` of the two;
- `peak_mb`: peak resident memory of a fresh process that builds the world and the model and
  runs 3 steps, less its peak after the imports (VmHWM of `/proc/self/status`: `ru_maxrss`
  would carry over the benchmark's own peak across `exec`);
- the growth exponents of step and floor time in N (least squares of log time on log N over
  the synthetic sizes; about 2 for dyadic work);
- a `long_years`-year run at N = `long_n` in a fresh process: wall time from building the
  world to the last step, with and without Python start-up and imports, and peak memory,
  against the targets (60 s, 6 GB at N = 5,000: issue 13);
- sweep throughput, runs per second, of `experiments.run` with the fork and the joblib
  launchers and of `mesa.batch_run`, all on 2 processes and the same design (10 values of
  `shock_sd` x `sweep_replicates` (10) replicates x 26 steps on world_2024, replicate seeds
  spawned from the same root seed, the design of `bench_sweep`) and the same outputs (every
  run's yearly outcomes: `mesa.batch_run` with `data_collection_period=1`, `experiments.run`
  with `record.votes=false`), each launched as a command (`python ...`), so all include
  Python start-up; and `experiments.run` with the fork launcher again with its default
  recording (the Council's votes too); and `least_s`, the fork sweep of the same jobs with one
  replicate of one year each (`LEAST`: start-up, composing and checking the jobs, their folders
  and tables, one model each), whence `bound`, `mesa.batch_run`'s time over it: the most the
  fork launcher's runs per second can be against `mesa.batch_run`'s on this design, however
  fast its models. The sweeps take turns, `sweep_repeats` times.

Writes JSON (default `benchmarks/results/bench_scale.json`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.bench_model import bench_size
from benchmarks.record import write_record
from sim import WorldModel, synthetic_world
from sim.finance import us_sanctions

ROOT = Path(__file__).resolve().parents[1]
TARGET_STEP_S = 1e-3  # a default step at N = 193 (issue 13), and <= 4x the minimal floor
TARGET_MINIMAL_FLOOR_RATIO = 4.0
TARGET_SWEEP_RATIO = 3.0  # runs a second of experiments.run (fork) against mesa.batch_run
TARGET_LONG_S = 60.0
TARGET_LONG_MB = 6144.0
SWEEP_SHOCK_SD = (0.0, 0.005, 0.01, 0.015, 0.019, 0.025, 0.03, 0.035, 0.04, 0.05)
SWEEP_REPLICATES = 10
SWEEP_STEPS = 26
SWEEP_SEED = 1
WORKERS = 2

# A fresh process: imports, then the world, the model and `years` steps; prints JSON.
MEMORY_SCRIPT = """
import json, sys, time
start = time.perf_counter()
from sim import WorldModel, synthetic_world
imported = time.perf_counter()

def kb(field):  # this process's own memory (ru_maxrss can carry the parent's over exec)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))

base = kb("VmHWM")
n, years = int(sys.argv[1]), int(sys.argv[2])
world = "world_2024" if n == 0 else synthetic_world(n, seed=0)
model = WorldModel(world, rng=0)
built = time.perf_counter()
for _ in range(years):
    model.step()
done = time.perf_counter()
peak = kb("VmHWM")
print(json.dumps({
    "n": model.n, "years": years, "import_s": imported - start,
    "build_s": built - imported, "steps_s": done - built, "run_s": done - imported,
    "baseline_mb": base / 1024, "peak_mb": peak / 1024, "delta_mb": (peak - base) / 1024,
}))
"""

# `mesa.batch_run` on the sweep's design, every year collected; prints the final world GDP of
# every run.
BATCH_SCRIPT = """
import json, sys
import mesa
import numpy as np
from sim import WorldModel

if __name__ == "__main__":
    values, replicates, steps, seed, workers = json.loads(sys.argv[1])
    results = mesa.batch_run(
        WorldModel,
        parameters={"scenario": "world_2024", "shock_sd": values},
        rng=np.random.SeedSequence(seed).spawn(replicates),
        max_steps=steps,
        number_processes=workers,
        data_collection_period=1,
        display_progress=False,
    )
    final = [r for r in results if r["Step"] == steps]
    print(json.dumps([[r["shock_sd"], r["iteration"], r["gdp_world_usd"]] for r in final]))
"""


# -- step times and the numpy floor --------------------------------------------------------


def bench_steps(label: str, scenario, runs: int, years: int) -> tuple[dict, WorldModel]:
    """`bench_model.bench_size` (medians over fresh models), with what shaped the run."""
    timings, model = bench_size(label, scenario, runs, years)
    timings.update(
        council=model.council is not None,
        live_blocs_at_end=int(np.unique(model.bloc[model.bloc >= 0]).size),
        great_powers=len(model.power_strategies),
        us_sanctions=bool(us_sanctions(model).any()),
    )
    return timings, model


def floor_inputs(model: WorldModel) -> dict:
    """The floor's arrays: the model's own state, and (N, N) work buffers allocated once.

    The common threat loops over the groups the model's last step used (live blocs and
    unaligned great powers); the (N, N) @ (N, B) products use the model's own membership
    matrix (its B blocs), as its bloc sums, threats, cohesion and records do; co-voting is
    last year's (seats, agreement) block. The pairwise bloc relations are the model's (it
    recomputes them, an (N, B) @ (B, N) product, only in the years membership changed; the
    floor leaves them out).
    """
    n = model.n
    threat_bloc = model._threat_bloc
    unaligned = [k for k, p in enumerate(model.power_strategies) if threat_bloc[p] < 0]
    live = np.unique(threat_bloc[threat_bloc >= 0])
    seats, agreement = model._covoting or (np.arange(0), np.zeros((0, 0)))
    buffers = ("base", "policy", "open", "trade", "two", "target", "threat")
    return {
        "resistance": model._resistance.copy(),
        "gdp": model._gdp_usd.copy(),
        "cap": model._capability.copy(),
        "share": model.non_dollar_share.copy(),
        "us": us_sanctions(model).copy(),
        "affinity": model.affinity.copy(),
        "affinity_start": model._affinity_start.copy(),
        "same": model._same_bloc.copy(),
        "same_bloc_start": model._same_bloc_start.copy(),
        "trade_shift": np.array(model.trade_shift, dtype=float, copy=True),
        "sanctions": model.sanctions.copy(),
        "near": model._near.copy(),
        "affinity_base": model._affinity_base.copy(),
        "seats": np.ix_(seats, seats),
        "agreement": agreement.copy(),
        "relation": model._bloc_alignment.copy(),
        "members": model.membership().copy(),
        "powers": list(model.power_strategies),
        "groups": np.hstack([model.bloc_threat[:, live], model.power_threat[:, unaligned]]),
        "a": model.gravity.gdp_exporter,
        "b": model.gravity.gdp_importer,
        **{name: np.empty((n, n)) for name in (*buffers, "t1", "t2", "t3")},
    }


def floor_step(x: dict) -> tuple:
    """One step's dyadic array work in plain numpy, in place, phase by phase as the model.

    trade (gravity flows, policy factor exp(...), sanctions max(S, S.T), the dollar's reach
    when the United States sanctions, X + X.T, column sums); the affinity target (trade
    interdependence, common threat, weighted sum, tanh) and the drift; pairwise threat and
    bloc and power threat; the alignment context (weighted affinity and trade by bloc, row
    sums); cohesion; finance's partner share; the Council's co-voting reset; the record's
    trade sums.
    """
    affinity, members, gdp, cap = x["affinity"], x["members"], x["gdp"], x["cap"]
    t1, t2, t3 = x["t1"], x["t2"], x["t3"]
    # trade
    base = np.multiply(x["resistance"], (gdp ** x["a"])[:, None], out=x["base"])
    base *= (gdp ** x["b"])[None, :]
    policy = np.subtract(affinity, x["affinity_start"], out=x["policy"])
    policy *= 0.5
    np.subtract(x["same"], x["same_bloc_start"], out=t1)
    t1 *= 0.2
    policy += t1
    policy += x["trade_shift"]
    open_share = np.maximum(x["sanctions"], x["sanctions"].T, out=x["open"])
    np.subtract(1.0, open_share, out=open_share)
    if x["us"].any():  # finance.secondary_cut
        exposure, share = 0.3 * x["us"], x["share"]
        np.maximum.outer(exposure, exposure, out=t1)
        np.add.outer(share, share, out=t2)
        t2 *= -0.5
        t2 += 1.0
        t1 *= t2
        np.subtract(1.0, t1, out=t1)
        open_share *= t1
    trade = np.multiply(base, np.exp(policy, out=policy), out=x["trade"])
    trade *= open_share
    two = np.add(trade, trade.T, out=x["two"])
    imports, imports_base = trade.sum(axis=0), base.sum(axis=0)
    # affinity target and drift
    np.minimum.outer(gdp, gdp, out=t1)
    np.divide(two, t1, out=t1)
    t1 *= -10.0
    np.exp(t1, out=t1)
    np.subtract(1.0, t1, out=t1)
    t2.fill(0.0)
    for column in x["groups"].T:
        np.maximum(t2, np.minimum.outer(column, column, out=t3), out=t2)
    np.fill_diagonal(t2, 0.0)
    target = np.multiply(x["relation"], 0.3, out=x["target"])
    target += x["affinity_base"]
    t1 *= 0.2
    target += t1
    t2 *= 0.2
    target += t2
    target[x["seats"]] += 0.1 * x["agreement"]
    np.tanh(target, out=target)
    np.fill_diagonal(target, 1.0)
    target -= affinity
    target *= 0.1
    affinity += target
    # threat
    threat = np.negative(affinity, out=x["threat"])
    np.maximum(threat, 0.0, out=threat)
    threat *= x["near"]
    total = np.add.outer(cap, cap, out=t1)
    np.divide(cap[None, :], total, out=total, where=total > 0)
    threat *= total
    bloc_threat = np.minimum(threat @ members, 1.0)
    power_threat = threat[:, x["powers"]]  # a power's threat: its column
    # alignment context
    weighted = np.multiply(affinity, cap[None, :], out=t1)
    np.fill_diagonal(weighted, 0.0)
    gain = weighted @ members
    trade_by_bloc = two @ members / two.sum(axis=1, keepdims=True)
    # cohesion, partner share, co-voting reset, the record
    within = ((affinity @ members) * members).sum(axis=0)
    partners = two @ x["share"] / two.sum(axis=1)
    exports, total_trade = trade.sum(axis=1), trade.sum()
    intra = ((trade @ members) * members).sum()
    return (
        imports,
        imports_base,
        bloc_threat,
        power_threat,
        gain,
        trade_by_bloc,
        within,
        partners,
        exports,
        total_trade,
        intra,
    )


def minimal_floor_step(x: dict) -> tuple:
    """The least N x N work a step could do, in plain numpy: the issue's minimal floor.

    One gravity flow update (resistance x exporter's x importer's GDP terms), its row and
    column sums, and one affinity blend (a drift toward a fixed target), in place.
    """
    gdp, affinity = x["gdp"], x["affinity"]
    base = np.multiply(x["resistance"], (gdp ** x["a"])[:, None], out=x["base"])
    base *= (gdp ** x["b"])[None, :]
    exports, imports = base.sum(axis=1), base.sum(axis=0)
    blend = np.subtract(x["affinity_base"], affinity, out=x["t1"])
    blend *= 0.1
    affinity += blend
    return exports, imports


#: The floors timed on each year's state: the model's dyadic work, and the minimal one.
FLOORS = {"floor": floor_step, "minimal_floor": minimal_floor_step}


def bench_floor(scenario, years: int, repeats: int = 3) -> dict:
    """The floors over a run: `FLOORS` on the state after each year of one model (seed 0).

    The model's step time is a median over the years of its runs, whose blocs and groups
    change as it goes; so each floor is timed on each year's state (the best of `repeats`
    calls, after a warm-up; the floors taking turns) and its median over the years taken.
    The step that made each state is timed too, so steps and floors are interleaved.

    Returns:
        `floor_s` and `minimal_floor_s` (median seconds), `interleaved_step_s` (the median
        step of this run) and `floor_groups` (the median number of threat groups
        `floor_step` looped over).
    """
    model = WorldModel(scenario, rng=0)
    times: dict[str, list[float]] = {name: [] for name in FLOORS}
    groups, steps = [], []
    for _ in range(years):
        start = time.perf_counter()
        model.step()
        steps.append(time.perf_counter() - start)
        inputs = floor_inputs(model)
        best = dict.fromkeys(FLOORS, float("inf"))
        for floor in FLOORS.values():
            floor(inputs)  # warm-up
        for _ in range(repeats):
            for name, floor in FLOORS.items():
                start = time.perf_counter()
                floor(inputs)
                best[name] = min(best[name], time.perf_counter() - start)
        for name in FLOORS:
            times[name].append(best[name])
        groups.append(inputs["groups"].shape[1])
    return {
        **{f"{name}_s": statistics.median(values) for name, values in times.items()},
        "interleaved_step_s": statistics.median(steps),
        "floor_groups": statistics.median(groups),
    }


def exponent(sizes: list[int], seconds: list[float]) -> float:
    """Slope of log time on log N (least squares)."""
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


# -- fresh processes -----------------------------------------------------------------------


def fresh_run(n: int, years: int) -> dict:
    """Run MEMORY_SCRIPT for N = n (0: world_2024); its numbers and the whole wall time."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, str(n), str(years)],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "wall_s": wall}


#: The sweeps timed by `bench_sweeps`: `experiments.run` with each launcher (and recording),
#: and `mesa.batch_run`.
SWEEPS = {
    "fork": ("hydra/launcher=fork", "record.votes=false"),
    "joblib": ("hydra/launcher=joblib", "record.votes=false"),
    "batch_run": None,
    "fork_votes": ("hydra/launcher=fork", "record.votes=true"),
}
#: The least any sweep of the design costs with the fork launcher: its jobs, one replicate of
#: one year each (start-up, composing and checking the jobs, their folders and tables).
LEAST = ("hydra/launcher=fork", "record.votes=false")


def sweep_hydra(
    folder: Path, replicates: int, *overrides: str, steps: int = SWEEP_STEPS
) -> tuple[float, dict]:
    """Wall time of the sweep by `experiments.run`; final world GDP by run."""
    values = ",".join(str(v) for v in SWEEP_SHOCK_SD)
    command = [
        sys.executable,
        "-m",
        "experiments.run",
        "-m",
        f"model.shock_sd={values}",
        f"replicates={replicates}",
        f"steps={steps}",
        f"seed={SWEEP_SEED}",
        f"hydra.sweep.dir={folder}",
        *overrides,
        f"hydra.launcher.n_jobs={WORKERS}",
    ]
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
    wall = time.perf_counter() - start
    summary = pd.concat(pd.read_parquet(p) for p in folder.rglob("summary.parquet"))
    outcomes = {
        (float(r.shock_sd), int(r.replicate)): float(r.gdp_world_usd) for r in summary.itertuples()
    }
    return wall, outcomes


def sweep_batch_run(replicates: int) -> tuple[float, dict]:
    """Wall time of the same sweep by `mesa.batch_run`; final world GDP by run."""
    design = json.dumps([list(SWEEP_SHOCK_SD), replicates, SWEEP_STEPS, SWEEP_SEED, WORKERS])
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", BATCH_SCRIPT, design],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    return wall, {(float(v), int(i)): float(g) for v, i, g in rows}


def bench_sweeps(repeats: int, replicates: int) -> dict:
    """Each sweep of `SWEEPS`, `repeats` times, interleaved; medians and runs per second.

    Also `least_s`, the sweep `LEAST` (the design's jobs with one replicate of one year), and
    `bound`: `mesa.batch_run`'s time over it, the most the fork launcher's runs per second
    could reach against `mesa.batch_run`'s on this design if its models cost nothing more.
    """
    runs = len(SWEEP_SHOCK_SD) * replicates
    samples: dict[str, list[float]] = {name: [] for name in (*SWEEPS, "least")}
    outcomes: dict[str, dict] = {}
    scratch = Path(tempfile.mkdtemp(prefix="bench_scale_"))
    try:
        for repeat in range(repeats):
            for name, overrides in SWEEPS.items():
                if overrides is None:
                    wall, out = sweep_batch_run(replicates)
                else:
                    wall, out = sweep_hydra(scratch / f"{name}{repeat}", replicates, *overrides)
                samples[name].append(wall)
                outcomes.setdefault(name, out)
            wall, _ = sweep_hydra(scratch / f"least{repeat}", 1, *LEAST, steps=1)
            samples["least"].append(wall)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    reference = outcomes["batch_run"]  # same design and seeds: the same final outcomes
    same = all(
        out.keys() == reference.keys()
        and all(np.isclose(out[k], reference[k], rtol=1e-12) for k in out)
        for out in outcomes.values()
    )
    medians = {f"{name}_s": statistics.median(values) for name, values in samples.items()}
    return {
        "design": {
            "shock_sd": list(SWEEP_SHOCK_SD),
            "replicates": replicates,
            "steps": SWEEP_STEPS,
            "runs": runs,
            "workers": WORKERS,
            "scenario": "world_2024",
            "python_startup": "included for all (each sweep is launched as a command)",
            "sweeps": {name: list(o) if o else "mesa.batch_run" for name, o in SWEEPS.items()},
        },
        **medians,
        "samples": samples,
        **{f"{name}_runs_per_s": runs / medians[f"{name}_s"] for name in SWEEPS},
        "same_outcomes": bool(same),
        "bound": medians["batch_run_s"] / medians["least_s"],
    }


# -- main ----------------------------------------------------------------------------------


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[500, 1000, 2000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big-runs", type=int, default=2, help="runs at N >= 2000")
    parser.add_argument("--years", type=int, default=26)
    parser.add_argument("--long-n", type=int, default=5000)
    parser.add_argument("--long-years", type=int, default=25)
    parser.add_argument("--long-runs", type=int, default=3)
    parser.add_argument("--sweep-repeats", type=int, default=3)
    parser.add_argument("--sweep-replicates", type=int, default=SWEEP_REPLICATES)
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/bench_scale.json"))
    args = parser.parse_args(argv)

    WorldModel("world_2024", rng=0)  # load and validate the shipped world once (warm)
    worlds = [("world_2024", 0, "world_2024")]
    worlds += [(f"synthetic_{n}", n, synthetic_world(n, seed=0)) for n in args.sizes]
    rows = []
    for label, n, scenario in worlds:
        runs = args.big_runs if n >= 2000 else args.runs
        row, model = bench_steps(label, scenario, runs, args.years)
        del model
        row.update(bench_floor(scenario, args.years))
        row["model_over_floor"] = row["step_s"] / row["floor_s"]
        row["model_over_minimal_floor"] = row["interleaved_step_s"] / row["minimal_floor_s"]
        memory = fresh_run(n, 3)
        row["peak_mb"] = memory["delta_mb"]
        row["process_peak_mb"] = memory["peak_mb"]
        rows.append(row)
        print(f"  {label}: step {row['step_s'] * 1e3:.2f} ms", flush=True)

    synthetic = [r for r in rows if r["label"] != "world_2024"]
    growth = {}
    if len(synthetic) >= 2:
        sizes = [r["n"] for r in synthetic]
        growth = {
            "step": exponent(sizes, [r["step_s"] for r in synthetic]),
            "floor": exponent(sizes, [r["floor_s"] for r in synthetic]),
            "setup": exponent(sizes, [r["setup_s"] for r in synthetic]),
            "memory": exponent(sizes, [r["peak_mb"] for r in synthetic]),
        }

    longs = [fresh_run(args.long_n, args.long_years) for _ in range(args.long_runs)]
    long = {
        "n": args.long_n,
        "years": args.long_years,
        "runs": args.long_runs,
        "run_s": statistics.median(r["run_s"] for r in longs),
        "wall_s": statistics.median(r["wall_s"] for r in longs),
        "steps_s": statistics.median(r["steps_s"] for r in longs),
        "build_s": statistics.median(r["build_s"] for r in longs),
        "peak_mb": statistics.median(r["peak_mb"] for r in longs),
        "peak_above_imports_mb": statistics.median(r["delta_mb"] for r in longs),
        "target_s": TARGET_LONG_S,
        "target_mb": TARGET_LONG_MB,
    }
    long["time_met"] = long["wall_s"] < TARGET_LONG_S
    long["memory_met"] = long["peak_mb"] < TARGET_LONG_MB

    sweeps = bench_sweeps(args.sweep_repeats, args.sweep_replicates)

    print(
        f"\nstep times: {args.years} years per run, medians; floor: the same dyadic numpy work "
        "on each year's state, median;\npeak MB: a fresh process building the model and "
        "running 3 steps, above its peak after the imports"
    )
    header = (
        f"{'world':<16}{'N':>6}{'runs':>5}{'setup ms':>10}{'step ms':>10}{'floor ms':>10}"
        f"{'model/floor':>12}{'minimal ms':>11}{'model/min':>10}{'peak MB':>9}{'blocs':>6}"
    )
    print(header)
    for r in rows:
        print(
            f"{r['label']:<16}{r['n']:>6}{r['runs']:>5}{r['setup_s'] * 1e3:>10.1f}"
            f"{r['step_s'] * 1e3:>10.2f}{r['floor_s'] * 1e3:>10.2f}{r['model_over_floor']:>12.2f}"
            f"{r['minimal_floor_s'] * 1e3:>11.3f}{r['model_over_minimal_floor']:>10.2f}"
            f"{r['peak_mb']:>9.1f}{r['live_blocs_at_end']:>6}"
        )
    if growth:
        print(
            "growth exponents in N (synthetic sizes): "
            + ", ".join(f"{k} {v:.2f}" for k, v in growth.items())
        )
    verdict = {True: "met", False: "NOT met"}
    real = rows[0]  # world_2024
    print(
        f"\nstep at N = {real['n']}: {real['step_s'] * 1e3:.2f} ms, target <= "
        f"{TARGET_STEP_S * 1e3:.0f} ms: {verdict[real['step_s'] <= TARGET_STEP_S]}; against "
        f"the minimal floor (interleaved: step {real['interleaved_step_s'] * 1e3:.2f} ms, "
        f"floor {real['minimal_floor_s'] * 1e3:.3f} ms) {real['model_over_minimal_floor']:.1f}x,"
        f" target <= {TARGET_MINIMAL_FLOOR_RATIO:.0f}x: "
        f"{verdict[real['model_over_minimal_floor'] <= TARGET_MINIMAL_FLOOR_RATIO]}"
    )
    print(
        f"\n{long['years']}-year run at N = {long['n']} (fresh process, median of {long['runs']}): "
        f"{long['wall_s']:.1f} s with Python start-up and imports "
        f"({long['run_s']:.1f} s from building the world: set-up {long['build_s']:.1f} s, "
        f"steps {long['steps_s']:.1f} s), target < {TARGET_LONG_S:.0f} s: "
        f"{verdict[long['time_met']]}\n"
        f"  peak memory {long['peak_mb']:.0f} MB for the process "
        f"({long['peak_above_imports_mb']:.0f} MB above the imports), target < "
        f"{TARGET_LONG_MB:.0f} MB: {verdict[long['memory_met']]}"
    )
    d = sweeps["design"]
    labels = {
        "fork": "experiments.run, hydra/launcher=fork",
        "joblib": "experiments.run, hydra/launcher=joblib",
        "batch_run": "mesa.batch_run",
        "fork_votes": "experiments.run, fork, the Council's votes recorded too",
    }
    print(
        f"\nsweep: {len(d['shock_sd'])} shock_sd x {d['replicates']} replicates x {d['steps']} "
        f"steps = {d['runs']} runs on world_2024, {d['workers']} processes, Python start-up "
        f"included for all (medians of {args.sweep_repeats}); yearly outcomes of every run"
    )
    for name, label in labels.items():
        print(
            f"  {label:<56}{sweeps[f'{name}_s']:6.2f} s {sweeps[f'{name}_runs_per_s']:6.2f} runs/s"
        )
    print(f"  same final outcomes run by run: {sweeps['same_outcomes']}")
    ratio = sweeps["fork_runs_per_s"] / sweeps["batch_run_runs_per_s"]
    print(
        f"  fork launcher / mesa.batch_run: {ratio:.2f}x, target >= {TARGET_SWEEP_RATIO:.0f}x: "
        f"{verdict[ratio >= TARGET_SWEEP_RATIO]}"
    )
    print(
        f"  the least a fork sweep of these {len(d['shock_sd'])} jobs costs (one replicate of one "
        f"year each): {sweeps['least_s']:.2f} s, so at most {sweeps['bound']:.2f}x "
        "mesa.batch_run's runs/s\n  on this design, however fast the runs, unless start-up and "
        "per-job costs fall"
    )
    results = {
        "years": args.years,
        "results": rows,
        "growth_exponent": growth,
        "long_run": long,
        "sweep": sweeps,
    }
    return write_record("bench_scale", results, args.json)


if __name__ == "__main__":
    main()
