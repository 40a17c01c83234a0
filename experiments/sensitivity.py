r"""Global sensitivity of an outcome: SALib's indices over a design sweep, with bootstrap CIs.

Usage:
    python -m experiments.run -m design=bloc_sobol hydra/launcher=fork \\
        hydra.sweep.dir=multirun/bloc_sobol/paper
    python -m experiments.sensitivity multirun/bloc_sobol/paper --outcome ru_cn_aligned --year 2050

The folder is a sweep of a design (`configs/design/*.yaml`, `experiments.design`): one job per
design point, or of `uncertainty=...` (replicates that draw the factors). The outcome is any
column of the `steps` table, at one year (`--year 2050`) or its mean over years
(`--years 2035-2050`); each design point's value is its mean over replicates. The indices, by
the design's method, all from SALib with bootstrap confidence intervals (`--confidence`,
`--resamples`, seeded by `--seed`):

- `sobol`: first-order (S1) and total (ST) Sobol indices (Saltelli 2002; Saltelli et al.
  2010's estimators, SALib's `sobol.analyze`);
- `morris`: the elementary effects' mean of absolute values (mu*, with its CI), mean (mu)
  and standard deviation (sigma) (Morris 1991; Campolongo et al. 2007), per unit of each
  factor's declared range;
- `lhs`, and the replicates of an `uncertainty` sweep: Borgonovo's moment-independent delta
  and a first-order index from the same sample (Plischke et al. 2013, SALib's `delta`).

It writes `sensitivity_<outcome>_<year>.csv` and `.md` (the table) and `.png` (the indices
with their CIs) into the folder (or `--out`), and prints the table.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from experiments.design import Design, Factor, parse_factors, problem
from experiments.schema import ConfigError

#: The columns each method's table reports, estimate then its CI's half-width.
COLUMNS = {
    "sobol": (("S1", "S1_conf"), ("ST", "ST_conf")),
    "morris": (("mu_star", "mu_star_conf"), ("mu", None), ("sigma", None)),
    "delta": (("delta", "delta_conf"), ("S1", "S1_conf")),
}
#: SALib's names of the delta analysis's results: the bootstrap of the sample as it is.
DELTA_KEYS = {"delta": "delta_raw", "delta_conf": "delta_raw_conf"}
CONFIDENCE = 0.95
#: Bootstrap resamples by method when not given (the delta analysis's are costlier: about
#: 2 s for 100 over 2,000 points here).
RESAMPLES = {"sobol": 1000, "morris": 1000, "lhs": 100}


class SensitivityError(ValueError):
    """A folder or outcome that cannot be analysed; the message says why and what to do."""


def analyse(
    design: Design,
    y: np.ndarray,
    x: np.ndarray | None = None,
    resamples: int | None = None,
    confidence: float = CONFIDENCE,
    seed: int = 0,
) -> pd.DataFrame:
    """The design's indices for outcome `y` (one value per design point, in point order).

    Args:
        design: The design (its method and factors).
        y: The outcome at each point of `design.unit_sample()` (or of `x`).
        x: The points on the unit cube; None: the design's own sample. For `lhs`, any sample
            (e.g. an uncertainty sweep's draws).
        resamples: Bootstrap resamples of the confidence intervals (None: `RESAMPLES`).
        confidence: Their level.
        seed: Seed of the bootstrap.

    Returns:
        One row per factor: the estimates, their CIs (`<index>_low`, `<index>_high`) and the
        factor's range or levels.

    Raises:
        SensitivityError: `y` does not match the sample, is not finite, or does not vary.
    """
    from SALib.analyze import delta, morris, sobol

    x = design.unit_sample() if x is None else np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if y.shape != (len(x),):
        raise SensitivityError(f"expected {len(x)} outcome values (one a point), got {y.shape}")
    if not np.isfinite(y).all():
        raise SensitivityError(
            f"the outcome is missing (NaN) at {int((~np.isfinite(y)).sum())} of {len(y)} points"
        )
    if np.ptp(y) == 0:
        raise SensitivityError(
            f"the outcome is {y[0]:g} at every point: it does not depend on the factors here"
        )
    space = problem(design.factors)
    resamples = RESAMPLES[design.method] if resamples is None else resamples
    # SALib's sobol and delta analyses take a seed of 0 for none (`if seed:`) and then draw
    # the bootstrap from numpy's global state: so they are given seed + 1, as morris is
    common = {"num_resamples": resamples, "conf_level": confidence, "seed": seed + 1}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if design.method == "sobol":
            found = sobol.analyze(space, y, calc_second_order=False, **common)
        elif design.method == "morris":
            found = morris.analyze(space, x, y, num_levels=design.num_levels, **common)
        else:
            found = delta.analyze(space, x, y, **common)
    method = "delta" if design.method == "lhs" else design.method
    rows = []
    for number, factor in enumerate(design.factors):
        row: dict[str, Any] = {"factor": factor.name, "declared": factor.describe()}
        for name, conf in COLUMNS[method]:
            value = float(np.asarray(found[DELTA_KEYS.get(name, name)])[number])
            row[name] = value
            if conf is not None:
                half = float(np.asarray(found[DELTA_KEYS.get(conf, conf)])[number])
                row[f"{name}_low"], row[f"{name}_high"] = value - half, value + half
        rows.append(row)
    table = pd.DataFrame(rows)
    first = COLUMNS[method][-1 if method == "sobol" else 0][0]  # ST, mu*, delta: the ranking
    return table.sort_values(first, ascending=False, ignore_index=True)


def parse_years(year: int | None, years: str | None) -> tuple[int, int]:
    """(first, last) year of the outcome: one `year`, or the range `years` ("2035-2050")."""
    if (year is None) == (years is None):
        raise SensitivityError("give one of --year YEAR or --years FIRST-LAST")
    if year is not None:
        return year, year
    first, sep, last = years.partition("-")
    try:
        first_year, last_year = int(first), int(last if sep else first)
    except ValueError:
        raise SensitivityError(
            f"--years: expected FIRST-LAST, e.g. 2035-2050, got {years!r}"
        ) from None
    if first_year > last_year:
        raise SensitivityError(f"--years: {first_year} is after {last_year}")
    return first_year, last_year


def outcome_values(steps: pd.DataFrame, outcome: str, years: tuple[int, int]) -> pd.DataFrame:
    """The outcome per job and replicate: its value in the year, or its mean over the years."""
    if outcome not in steps.columns:
        known = list(steps.columns[steps.columns.get_loc("year") + 1 :])
        raise SensitivityError(f"--outcome: no column {outcome!r} in steps; outcomes: {known}")
    if not pd.api.types.is_numeric_dtype(steps[outcome]):
        raise SensitivityError(f"--outcome: {outcome!r} is not a number")
    window = steps[steps["year"].between(*years)]
    present = sorted(set(window["year"]))
    if len(present) != years[1] - years[0] + 1:
        raise SensitivityError(
            f"the sweep has years {int(steps['year'].min())}-{int(steps['year'].max())},"
            f" not all of {years[0]}-{years[1]}"
        )
    return window.groupby(["job", "replicate"], sort=False)[outcome].mean().reset_index()


def job_configs(root: Path, jobs: pd.Series) -> dict[str, dict]:
    """Each job's resolved config (`config.yaml` in its folder), by the job's label."""
    configs = {}
    for job in jobs.unique():
        path = root / job / "config.yaml"
        configs[job] = yaml.load(path.read_text(), Loader=yaml.CSafeLoader)
    return configs


def design_of(configs: dict[str, dict]) -> tuple[Design, dict[str, int]]:
    """The sweep's design and each job's point; every point once.

    Raises:
        SensitivityError: The jobs have no design, or several, or points are missing.
    """
    designs, points = {}, {}
    for job, config in configs.items():
        node = config.get("design")
        if node is None:
            raise SensitivityError(f"{job}: its config has no design (run -m design=...)")
        point = node.get("point")
        designs[repr({k: v for k, v in node.items() if k != "point"})] = node
        points[job] = point
    if len(designs) > 1:
        raise SensitivityError(
            f"the folder holds jobs of {len(designs)} different designs: analyse one at a time"
        )
    (node,) = designs.values()
    design = Design.from_config(node)
    missing = sorted(set(range(design.points)) - set(points.values()))
    if missing:
        shown = ", ".join(map(str, missing[:10])) + (" ..." if len(missing) > 10 else "")
        raise SensitivityError(
            f"{len(missing)} of the design's {design.points} points have no complete job"
            f" ({shown}): resume the sweep (the same command, hydra.sweep.dir=<the folder>)"
        )
    if len(points) != len(set(points.values())):
        raise SensitivityError("two jobs have the same design point: analyse one sweep at a time")
    return design, points


def unit_values(factor: Factor, values: pd.Series) -> np.ndarray:
    """Drawn values of `factor` back on the unit interval (the middle of a level's slice)."""
    if factor.levels is not None:
        index = {repr(level): i for i, level in enumerate(factor.levels)}
        positions = np.array([index[repr(v)] for v in values], dtype=float)
        return (positions + 0.5) / len(factor.levels)
    if factor.integer:
        count = factor.high - factor.low + 1
        return (values.to_numpy(float) - factor.low + 0.5) / count
    return (values.to_numpy(float) - factor.low) / (factor.high - factor.low)


def uncertainty_sample(
    configs: dict[str, dict], table: pd.DataFrame, steps: pd.DataFrame
) -> tuple[Design, np.ndarray]:
    """The replicates' draws of an uncertainty sweep as a sample for the delta analysis."""
    nodes = {repr(c.get("uncertainty")) for c in configs.values()}
    if len(nodes) > 1:
        raise SensitivityError("the jobs draw different uncertainty factors")
    node = next(iter(configs.values())).get("uncertainty")
    factors = parse_factors(node["factors"], where="uncertainty.factors")
    drawn = steps.drop_duplicates(["job", "replicate"]).set_index(["job", "replicate"])
    drawn = drawn.loc[pd.MultiIndex.from_frame(table[["job", "replicate"]])]
    x = np.column_stack([unit_values(f, drawn[f.name].reset_index(drop=True)) for f in factors])
    return Design("lhs", len(x), 0, factors), x


def sensitivity(
    root: Path,
    outcome: str,
    years: tuple[int, int],
    resamples: int | None = None,
    confidence: float = CONFIDENCE,
    seed: int = 0,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The indices of `outcome` over the sweep in `root` (see the module docstring).

    Returns:
        The table and what it was computed from (method, points, replicates, outcome range).
    """
    from experiments.collect import collect, report

    tables, states = collect(root)
    if not states or "steps" not in tables:
        raise SensitivityError(f"{root}: no complete jobs to analyse")
    if not all(state.complete for state in states):
        raise SensitivityError(
            report(states, root) + "\nresume the sweep (the same command, hydra.sweep.dir=...)"
        )
    steps = tables["steps"]
    values = outcome_values(steps, outcome, years)
    configs = job_configs(root, values["job"])
    if all(c.get("design") is None for c in configs.values()):
        if all(c.get("uncertainty") is None for c in configs.values()):
            raise SensitivityError(
                f"{root}: neither a design sweep (-m design=...) nor an uncertainty sweep"
                " (uncertainty=...)"
            )
        design, x = uncertainty_sample(configs, values, steps)
        y, units = values[outcome].to_numpy(float), "replicates"
    else:
        design, points = design_of(configs)
        means = values.groupby("job", sort=False)[outcome].mean()
        order = sorted(points, key=points.get)
        y, x, units = means.loc[order].to_numpy(float), None, "points"
    table = analyse(design, y, x, resamples, confidence, seed)
    about = {
        "method": design.method,
        "factors": len(design.factors),
        units: len(y),
        "replicates": int(values.groupby("job")["replicate"].nunique().min()),
        "outcome": outcome,
        "years": years,
        "range": (float(np.min(y)), float(np.max(y))),
        "confidence": confidence,
        "resamples": RESAMPLES[design.method] if resamples is None else resamples,
    }
    return table, about


def label(outcome: str, years: tuple[int, int]) -> str:
    """`ru_cn_aligned_2050` or `ru_cn_aligned_2035-2050`."""
    span = str(years[0]) if years[0] == years[1] else f"{years[0]}-{years[1]}"
    return f"{outcome}_{span}"


def markdown(table: pd.DataFrame, about: dict[str, Any]) -> str:
    """The table in markdown, each estimate with its CI, under a line saying what it is."""
    indices = [c for c in table.columns if c in {n for cols in COLUMNS.values() for n, _ in cols}]
    head = ["factor", *indices, "declared"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for _, row in table.iterrows():
        cells = [row["factor"]]
        for name in indices:
            cell = f"{row[name]:.3g}"
            if f"{name}_low" in row:
                cell += f" [{row[f'{name}_low']:.3g}, {row[f'{name}_high']:.3g}]"
            cells.append(cell)
        cells.append(row["declared"])
        lines.append("| " + " | ".join(cells) + " |")
    span = about["years"]
    units = "points" if "points" in about else "replicates"
    intro = (
        f"{about['outcome']} ({span[0]}"
        + (f"-{span[1]}, mean" if span[1] != span[0] else "")
        + f"): {about['method']} over {about['factors']} factors, {about[units]} {units}"
        + (f" x {about['replicates']} replicates (their mean)" if units == "points" else "")
        + f"; outcome from {about['range'][0]:.3g} to {about['range'][1]:.3g};"
        f" {about['confidence']:.0%} bootstrap CIs ({about['resamples']} resamples)."
    )
    if table[indices].isna().any().any():
        intro += (
            " nan: SALib could not estimate the index from this sample (too few points, or a"
            " factor that hardly varies in it)."
        )
    return intro + "\n\n" + "\n".join(lines) + "\n"


def plot(table: pd.DataFrame, about: dict[str, Any], path: Path) -> None:
    """The indices as horizontal bars with their CIs, factors ranked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bars = [n for n, conf in COLUMNS[_method(about)] if conf is not None]
    height = 0.8 / len(bars)
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(table) + 1.5))
    ranks = np.arange(len(table))[::-1]
    for number, name in enumerate(bars):
        low = table[name] - table[f"{name}_low"]
        high = table[f"{name}_high"] - table[name]
        ax.barh(
            ranks + (number - (len(bars) - 1) / 2) * height,
            table[name],
            height,
            xerr=[low, high],
            capsize=2,
            label=name,
        )
    ax.set_yticks(ranks, table["factor"])
    ax.axvline(0, color="0.3", linewidth=0.6)
    span = about["years"]
    when = str(span[0]) if span[0] == span[1] else f"{span[0]}-{span[1]}"
    ax.set_title(f"{about['outcome']} ({when}): {about['method']}, {about['confidence']:.0%} CIs")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _method(about: dict[str, Any]) -> str:
    return "delta" if about["method"] == "lhs" else about["method"]


def main(argv: list[str] | None = None) -> int:
    """Command line; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a design (or uncertainty) sweep's folder")
    parser.add_argument("--outcome", required=True, help="a column of the steps table")
    parser.add_argument("--year", type=int, help="the outcome in this year")
    parser.add_argument("--years", help="the outcome's mean over FIRST-LAST, e.g. 2035-2050")
    parser.add_argument(
        "--resamples", type=int, help="bootstrap resamples (default: 1000; lhs: 100)"
    )
    parser.add_argument("--confidence", type=float, default=CONFIDENCE)
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap")
    parser.add_argument("--out", type=Path, help="where to write (default: the folder)")
    args = parser.parse_args(argv)
    root = args.folder.resolve()
    if not root.is_dir():
        parser.error(f"{args.folder}: no such folder")
    try:
        years = parse_years(args.year, args.years)
        table, about = sensitivity(
            root, args.outcome, years, args.resamples, args.confidence, args.seed
        )
    except (SensitivityError, ConfigError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    out = (args.out or root).resolve()
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"sensitivity_{label(args.outcome, years)}"
    table.to_csv(stem.with_suffix(".csv"), index=False, float_format="%.6g")
    text = markdown(table, about)
    stem.with_suffix(".md").write_text(text)
    plot(table, about, stem.with_suffix(".png"))
    print(text)
    print(f"wrote {stem}.csv, .md, .png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
