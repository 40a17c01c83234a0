"""Time model set-up and one model step at N = 193 (world_2024) and N synthetic countries.

Usage: `python -m benchmarks.bench_model [--sizes 1000 2000] [--repeats 50] [--json PATH]`.
Prints medians (and the phases of a step) and writes a JSON record for comparison across
commits (default `benchmarks/results/bench_model.json`).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from benchmarks.record import write_record
from sim import WorldModel, synthetic_world
from sim.world import _load_folder

PHASES = (
    "apply_events",
    "grow_economy",
    "adjust_military",
    "update_capability",
    "trade",
    "act_great_powers",
    "drift_affinity",
    "perceive_threat",
    "align",
    "update_blocs",
    "settle_finance",
    "record",
)


def median_seconds(fn, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench_size(label: str, scenario, repeats: int) -> dict:
    model = WorldModel(scenario, rng=0)
    for _ in range(3):  # warm-up
        model.step()
    result = {
        "label": label,
        "n": model.n,
        "setup_s": median_seconds(lambda: WorldModel(scenario, rng=0), max(3, repeats // 10)),
        "step_s": median_seconds(model.step, repeats),
        "phases_s": {p: median_seconds(getattr(model, p), repeats) for p in PHASES},
    }
    return result


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/bench_model.json"))
    args = parser.parse_args(argv)

    _load_folder.cache_clear()
    start = time.perf_counter()
    WorldModel("world_2024", rng=0)
    cold_setup = time.perf_counter() - start

    rows = [bench_size("world_2024", "world_2024", args.repeats)]
    for n in args.sizes:
        rows.append(bench_size(f"synthetic_{n}", synthetic_world(n, seed=0), args.repeats))

    print(f"first model set-up (loads and validates world_2024): {cold_setup * 1e3:.1f} ms")
    print(f"{'world':<16}{'N':>6}{'setup ms':>10}{'step ms':>10}   phases (ms)")
    for r in rows:
        phases = "  ".join(f"{p}={t * 1e3:.3f}" for p, t in r["phases_s"].items())
        print(
            f"{r['label']:<16}{r['n']:>6}{r['setup_s'] * 1e3:>10.2f}{r['step_s'] * 1e3:>10.3f}"
            f"   {phases}"
        )
    return write_record("bench_model", {"cold_setup_s": cold_setup, "results": rows}, args.json)


if __name__ == "__main__":
    main()
