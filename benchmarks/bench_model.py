"""Time model set-up and model steps at N = 193 (world_2024) and N synthetic countries.

Usage: `python -m benchmarks.bench_model [--sizes 1000 2000] [--runs 5] [--years 26]
[--json PATH]`. Each size is run `runs` times (seeds 0, 1, ...) for `years` years from the
start, the usual length of a study, each step timed with its phases (timed inside real
steps, in the model's own order); then the same runs again, each step split into the time
inside the compiled kernels that Python calls (numba's dispatch included) and the rest: the
Python and numpy calls around them (with the timers' own cost, about 0.3 us a kernel call).
Medians over all steps are printed and written as a JSON record for comparison across
commits (default `benchmarks/results/bench_model.json`).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from numba.core.registry import CPUDispatcher

import sim.model as model_module
from benchmarks.record import write_record
from sim import WorldModel, synthetic_world
from sim.world import _load_folder

#: The phases of `WorldModel.step`, reported one by one by their entry point's name.
PHASES = tuple(phase.__name__ for phase, _ in model_module.PHASES)


@contextlib.contextmanager
def timed_phases(spent: dict[str, float]):
    """Within the block, each phase's entry point adds its time to `spent` (and the record's).

    The model steps through `sim.model.PHASES`, so replacing each entry by a timed wrapper
    times the phases inside real steps, in the model's own order.
    """
    original_phases, original_record = model_module.PHASES, WorldModel.record

    def timer(function, name):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            result = function(*args, **kwargs)
            spent[name] += time.perf_counter() - start
            return result

        timed.__name__, timed.__module__ = function.__name__, function.__module__
        return timed

    model_module.PHASES = tuple(
        (timer(phase, phase.__name__), written) for phase, written in original_phases
    )
    WorldModel.record = timer(original_record, "record")
    try:
        yield
    finally:
        model_module.PHASES, WorldModel.record = original_phases, original_record


@contextlib.contextmanager
def timed_kernels(spent: dict[str, float]):
    """Within the block, every compiled kernel that Python calls adds its time to `spent`.

    The kernels are the numba dispatchers in the globals of the `sim` modules; replacing each
    by a timed wrapper times the calls from Python (a kernel's calls of other kernels run
    inside it, compiled, and count as its own time).
    """
    patched = [
        (module, name, value)
        for module_name, module in list(sys.modules.items())
        if module_name == "sim" or module_name.startswith("sim.")
        for name, value in list(vars(module).items())
        if isinstance(value, CPUDispatcher)
    ]

    def timer(kernel):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            result = kernel(*args, **kwargs)
            spent["kernels"] += time.perf_counter() - start
            return result

        return timed

    for module, name, kernel in patched:
        setattr(module, name, timer(kernel))
    try:
        yield
    finally:
        for module, name, kernel in patched:
            setattr(module, name, kernel)


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
                for name in (*PHASES, "record"):
                    phases[name].append(spent[name])
    kernels, python = [], []  # the same runs again, each step split
    for run in range(runs):
        model = WorldModel(scenario, rng=run)
        spent = defaultdict(float)
        with timed_kernels(spent):
            for _ in range(years):
                spent.clear()
                start = time.perf_counter()
                model.step()
                step = time.perf_counter() - start
                kernels.append(spent["kernels"])
                python.append(step - spent["kernels"])
    timings = {
        "label": label,
        "n": model.n,
        "runs": runs,
        "setup_s": statistics.median(setups),
        "step_s": statistics.median(steps),
        "phases_s": {name: statistics.median(values) for name, values in phases.items()},
        "kernels_s": statistics.median(kernels),
        "python_s": statistics.median(python),
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
    print(f"{'world':<16}{'N':>6}{'setup ms':>10}{'step ms':>10}{'kernels':>9}{'python':>8}")
    for r in rows:
        print(
            f"{r['label']:<16}{r['n']:>6}{r['setup_s'] * 1e3:>10.2f}{r['step_s'] * 1e3:>10.3f}"
            f"{r['kernels_s'] * 1e3:>9.3f}{r['python_s'] * 1e3:>8.3f}"
        )
        print(
            "    phases (ms): " + "  ".join(f"{p}={t * 1e3:.3f}" for p, t in r["phases_s"].items())
        )
    return write_record("bench_model", {"cold_setup_s": cold_setup, "results": rows}, args.json)


if __name__ == "__main__":
    main()
