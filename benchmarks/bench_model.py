"""Time model set-up and model steps at N = 193 (world_2024) and N synthetic countries.

Usage: `python -m benchmarks.bench_model [--sizes 1000 2000] [--runs 5] [--years 26]
[--json PATH]`. Each size is run `runs` times (seeds 0, 1, ...) for `years` years from the
start, the usual length of a study, each step timed with its phases (timed inside real
steps, in the model's own order); medians over all steps are printed and written as a JSON
record for comparison across commits (default `benchmarks/results/bench_model.json`).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.record import write_record
from sim import (
    WorldModel,
    blocs,
    diplomacy,
    economy,
    events,
    finance,
    powers,
    synthetic_world,
    trade,
)
from sim.alignment import strategies
from sim.council import session
from sim.world import _load_folder

#: The phases of `WorldModel.step`, reported one by one: (name, module holding its entry point).
PHASES = (
    ("apply_events", events),
    ("grow_economy", economy),
    ("update_trade", trade),
    ("act_great_powers", powers),
    ("update_diplomacy", diplomacy),
    ("align", strategies),
    ("update_blocs", blocs),
    ("settle_finance", finance),
    ("hold_council", session),
)


@contextlib.contextmanager
def timed_phases(spent: dict[str, float]):
    """Within the block, each phase's entry point adds its time to `spent` (and the record's).

    The model calls every phase through its module (`trade.update_trade(self)`), so wrapping
    the module attribute times the phase inside real steps, in the model's own order.
    """
    originals = [(module, name, getattr(module, name)) for name, module in PHASES]
    originals.append((WorldModel, "record", WorldModel.record))
    for module, name, function in originals:

        def timed(*args, _function=function, _name=name, **kwargs):
            start = time.perf_counter()
            result = _function(*args, **kwargs)
            spent[_name] += time.perf_counter() - start
            return result

        setattr(module, name, timed)
    try:
        yield
    finally:
        for module, name, function in originals:
            setattr(module, name, function)


def bench_size(label: str, scenario, runs: int, years: int) -> tuple[dict, WorldModel]:
    """Set-up and step times (medians) of `runs` models stepped `years` years each.

    Returns:
        The timings, and the last model (at the end of its run).
    """
    setups, steps, phases = [], [], defaultdict(list)
    for run in range(runs):
        start = time.perf_counter()
        model = WorldModel(scenario, rng=run)
        setups.append(time.perf_counter() - start)
        spent: dict[str, float] = defaultdict(float)
        with timed_phases(spent):
            for _ in range(years):
                spent.clear()
                start = time.perf_counter()
                model.step()
                steps.append(time.perf_counter() - start)
                for name in (*(name for name, _ in PHASES), "record"):
                    phases[name].append(spent[name])
    timings = {
        "label": label,
        "n": model.n,
        "runs": runs,
        "setup_s": statistics.median(setups),
        "step_s": statistics.median(steps),
        "phases_s": {name: statistics.median(values) for name, values in phases.items()},
    }
    return timings, model


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--years", type=int, default=26)
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/bench_model.json"))
    args = parser.parse_args(argv)

    _load_folder.cache_clear()
    start = time.perf_counter()
    WorldModel("world_2024", rng=0)
    cold_setup = time.perf_counter() - start

    rows = [bench_size("world_2024", "world_2024", args.runs, args.years)[0]]
    for n in args.sizes:
        rows.append(
            bench_size(f"synthetic_{n}", synthetic_world(n, seed=0), args.runs, args.years)[0]
        )

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
