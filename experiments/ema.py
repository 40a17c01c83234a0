r"""The EMA Workbench's model of the world, and PRIM on "Russia and China split before 2040".

Exploratory modelling (Bankes 1993) with the EMA Workbench (Kwakkel 2017): the model keeps
apart the *uncertainties* (the world we do not control: growth, shocks, trade elasticities,
the Council's two fitted rates, the end hazard of wars; `configs/factors/exogenous.yaml`),
the *levers* (policy choices: the great powers' strategies, the wedge's strength, the
scenario events; `configs/factors/levers.yaml`) and the *outcomes*. Both sets of parameters
are read from those declarations (`experiments.design.read_factor_set`), so a range or a
level is stated in one place. Scenario discovery then asks PRIM (Friedman & Fisher 1999;
Bryant & Lempert 2010) for the box of parameters in which Russia and China split before
2040.

Usage:
    python -m experiments.ema --experiments 200 --policies 2 --processes 2 \
        --out outputs/ema/study

Each experiment runs `replicates` models of the 2024 world for `years` years, their seeds
spawned from `seed` (the same seeds in every experiment: common random numbers), and
averages the outcomes over them inside the model function, so an experiment's outcomes
depend only on its parameter values and the model's constants: the same under the
Sequential and the Multiprocessing evaluator. The experiments themselves are a Latin
hypercube over the uncertainties and another over the levers (the EMA Workbench's LHS
sampler), seeded from `--seed`, so the same command gives the same experiments and the same
outcomes. The command writes into `--out`:

- `results.tar.gz`: the experiments and outcomes (`ema_workbench.save_results`; read them
  back with `ema_workbench.load_results`);
- `prim_box.csv`, `prim_box.md`: the box PRIM chose (limits, quasi-p values, coverage,
  density, mass), `prim_trajectory.csv`: its whole peeling trajectory;
- `prim_box.png`: the coverage-density trade-off and the chosen box's limits;
- `ema.json`: the command, the sizes, the EMA Workbench's version and the wall time.

`--outcome`, `--threshold` and `--below` choose the cases of interest (default: split before
2040 in more than half the replicates); `--uncertainties exogenous,assumed,bloc` adds the
model's assumed parameters to the uncertainties; `--results DIR/results.tar.gz` runs PRIM
again on a saved study (no experiments). With no case of interest (or only such cases)
there is no box: `prim_box.md` says so and the results are written all the same.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.design import Factor, read_factor_set
from experiments.schema import ConfigError
from sim.world import load_world

with warnings.catch_warnings():
    # ema_workbench warns on import that ipyparallel (an evaluator we do not use) is missing
    warnings.filterwarnings("ignore", message="ipyparallel not installed", category=UserWarning)
    import ema_workbench
    from ema_workbench import (
        CategoricalParameter,
        Constant,
        IntegerParameter,
        Model,
        MultiprocessingEvaluator,
        RealParameter,
        ScalarOutcome,
        SequentialEvaluator,
    )
    from ema_workbench.em_framework.parameters import Category

#: The model's name in the EMA Workbench (its experiments table's `model` column).
MODEL_NAME = "powershift"
#: The factor sets (`configs/factors/<name>.yaml`) of the uncertainties and of the levers.
#: The exogenous set is the default; the model's assumed parameters (`assumed`, `bloc`) can
#: be added as further uncertainties (`model(uncertainty_sets=...)`, `--uncertainties`).
UNCERTAINTIES = ("exogenous",)
LEVERS = "levers"
#: The model's defaults: the 2024 world to 2040, three replicates each, the root seed.
SCENARIO = "world_2024"
YEARS = 16
REPLICATES = 3
SEED = 2024
#: The year before which a split counts for `ru_cn_split_before` (a split in 2039 does).
SPLIT_BEFORE = 2040
#: PRIM's case of interest: an experiment where the split came before `SPLIT_BEFORE` in more
#: than this share of its replicates (with three replicates: in two or three of them).
THRESHOLD = 0.5
#: The box PRIM reports: the densest on its peeling trajectory that still covers this share
#: of the cases of interest.
MIN_COVERAGE = 0.5
#: Restrictions of the box whose quasi-p values are all above this are dropped.
SIGNIFICANCE = 0.05

#: The outcomes, each a mean over the experiment's replicates, and what they are.
OUTCOMES: dict[str, str] = {
    "ru_cn_split_before": "share of replicates where Russia and China split before SPLIT_BEFORE",
    "ru_cn_split_share": "share of replicates where Russia and China split by the horizon",
    "ru_cn_split_year": "mean year of the first split, over the replicates that split "
    "(NaN if none did)",
    "ru_cn_aligned_share": "share of replicates where Russia and China are aligned at the horizon",
    "gdp_share_CHN": "China's share of world GDP at the horizon",
    "bloc_size_West": "members of the West bloc at the horizon",
    "drafts_vetoed": "draft resolutions vetoed in the Security Council, summed over the years",
    "polarity": "effective number of poles at the horizon",
    "wars_ongoing": "wars going on at the horizon",
    "affinity_RUS_CHN": "Russia-China affinity at the horizon (-1 to 1)",
}


class EmaError(ValueError):
    """A model, result set or PRIM request that is not allowed; the message names it."""


def parameter(factor: Factor) -> Any:
    """The EMA Workbench parameter of a declared factor (its range or levels, as declared).

    A range becomes a `RealParameter` (an `IntegerParameter` with `integer: true`); levels a
    `CategoricalParameter` whose categories are named as in the result tables (a great
    power's strategies in "+" notation, "none" for None) and hold the level itself.
    """
    if factor.categorical:
        categories = [Category(_level_name(level), level) for level in factor.levels]
        return CategoricalParameter(factor.name, categories)
    if factor.integer:
        return IntegerParameter(factor.name, int(factor.low), int(factor.high))
    return RealParameter(factor.name, factor.low, factor.high)


def _level_name(level: Any) -> str:
    if level is None:
        return "none"
    if isinstance(level, tuple | list):
        return "+".join(map(str, level))
    return str(level)


def uncertainties(sets: Sequence[str] = UNCERTAINTIES) -> list[Any]:
    """The model's uncertainties: the factors of the named sets (default: `exogenous`).

    Raises:
        EmaError: A factor declared in two of the sets, or as a lever too.
    """
    factors = [f for name in sets for f in read_factor_set(name)]
    names = [f.name for f in factors] + [f.name for f in read_factor_set(LEVERS)]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise EmaError(
            f"uncertainties {list(sets)}: {', '.join(twice)} declared twice "
            f"(in two sets, or as a lever in configs/factors/{LEVERS}.yaml)"
        )
    return [parameter(f) for f in factors]


def levers() -> list[Any]:
    """The model's levers: the `levers` factor set."""
    return [parameter(f) for f in read_factor_set(LEVERS)]


def run_world(
    *,
    scenario: str = SCENARIO,
    years: int = YEARS,
    replicates: int = REPLICATES,
    seed: int = SEED,
    split_before: int = SPLIT_BEFORE,
    **factors: Any,
) -> dict[str, float]:
    """The model function: `replicates` runs of the world at the factors' values, averaged.

    Module-level (picklable) so the Multiprocessing evaluator can send it to its workers.
    Replicate r's seed is the r-th child of `SeedSequence(seed)`, whatever the factors, so
    the outcomes depend only on the arguments.

    Args:
        scenario: The `WorldModel` scenario.
        years: Years to simulate (16: 2024 to 2040).
        replicates: Runs to average over.
        seed: Root seed of the replicates.
        split_before: The year of `ru_cn_split_before`.
        **factors: `WorldModel` keyword arguments (the sampled uncertainties and levers).

    Returns:
        The outcomes (`OUTCOMES`).
    """
    from experiments.design import arguments
    from experiments.run import run_replicates

    kwargs = {"scenario": scenario, **arguments(factors)}
    tables = run_replicates(
        kwargs, years, replicates, seed, sinks={"votes": None, "countries": None}
    )
    return outcomes_of(tables["steps"], split_before)


def outcomes_of(steps: pd.DataFrame, split_before: int = SPLIT_BEFORE) -> dict[str, float]:
    """The outcomes of a `steps` table (one row per replicate and year), over its replicates.

    Args:
        steps: `experiments.run.run_replicates`'s `steps` table.
        split_before: The year of `ru_cn_split_before`.

    Returns:
        The outcomes (`OUTCOMES`), floats.
    """
    final = steps.groupby("replicate", sort=True).tail(1)
    split_year = final["ru_cn_split_year"].to_numpy(float)
    split = ~np.isnan(split_year)
    later = steps[steps["year"] > steps["year"].min()]  # the start year has no session
    vetoed = later.groupby("replicate", sort=True)["drafts_vetoed"].sum(min_count=1)
    return {
        "ru_cn_split_before": float(np.mean(split & (np.nan_to_num(split_year) < split_before))),
        "ru_cn_split_share": float(np.mean(split)),
        "ru_cn_split_year": float(split_year[split].mean()) if split.any() else math.nan,
        "ru_cn_aligned_share": float(final["ru_cn_aligned"].mean()),
        "gdp_share_CHN": float(final["gdp_share_CHN"].mean()),
        "bloc_size_West": float(final["bloc_size_West"].mean()),
        "drafts_vetoed": float(vetoed.fillna(0.0).mean()),
        "polarity": float(final["polarity"].mean()),
        "wars_ongoing": float(final["wars_ongoing"].mean()),
        "affinity_RUS_CHN": float(final["affinity_RUS_CHN"].mean()),
    }


def model(
    years: int = YEARS,
    replicates: int = REPLICATES,
    seed: int = SEED,
    scenario: str = SCENARIO,
    split_before: int = SPLIT_BEFORE,
    uncertainty_sets: Sequence[str] = UNCERTAINTIES,
) -> Model:
    """The EMA Workbench model of the world: uncertainties, levers, constants and outcomes.

    Args:
        years: Years each run simulates (16 reaches 2040 from 2024, 26 reaches 2050).
        replicates: Runs each experiment averages over.
        seed: Root seed of every experiment's replicates.
        scenario: The `WorldModel` scenario.
        split_before: The year of the outcome `ru_cn_split_before`.
        uncertainty_sets: The factor sets of the uncertainties (`configs/factors/`): the
            `exogenous` set, to which the model's assumed parameters (`assumed`, `bloc`)
            may be added.

    Returns:
        A `ema_workbench.Model` whose function is `run_world`.

    Raises:
        EmaError: Naming the argument out of range.
    """
    for name, value, low in (("years", years, 1), ("replicates", replicates, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
            raise EmaError(f"{name}: expected a whole number >= {low}, got {value!r}")
    world = Model(MODEL_NAME, function=run_world)
    world.uncertainties = uncertainties(uncertainty_sets)
    world.levers = levers()
    world.constants = [
        Constant("scenario", scenario),
        Constant("years", int(years)),
        Constant("replicates", int(replicates)),
        Constant("seed", int(seed)),
        Constant("split_before", int(split_before)),
    ]
    world.outcomes = [ScalarOutcome(name) for name in OUTCOMES]
    return world


def sampling_seeds(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    """The generators of the uncertainties' and the levers' Latin hypercubes.

    Spawned from `seed` apart from the replicates' streams (which are `SeedSequence(seed)`'s
    children), so the design and the models' randomness do not share a stream.
    """
    scenarios, policies = np.random.SeedSequence([seed, 0xE3A]).spawn(2)
    return np.random.default_rng(scenarios), np.random.default_rng(policies)


def perform(
    world: Model,
    experiments: int,
    policies: int = 1,
    seed: int = SEED,
    processes: int = 1,
    combine: str = "full_factorial",
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Sample and run the experiments (`ema_workbench.perform_experiments`), seeded.

    Args:
        world: The model (`model()`).
        experiments: Latin-hypercube samples of the uncertainties (scenarios).
        policies: Latin-hypercube samples of the levers (0: the scenario's own policies).
        seed: Seed of both samples.
        processes: 1 runs in this process (SequentialEvaluator); more in a pool of that many
            workers (MultiprocessingEvaluator).
        combine: "full_factorial" runs every policy in every scenario (experiments x
            policies runs); "sample" pairs them (max(experiments, policies) runs).

    Returns:
        The experiments table and the outcomes, as `perform_experiments` returns them.

    Raises:
        EmaError: Naming the argument out of range.
    """
    if experiments < 1 or policies < 0 or processes < 1:
        raise EmaError(
            "expected experiments >= 1, policies >= 0, processes >= 1, got "
            f"{experiments}, {policies}, {processes}"
        )
    if combine not in ("full_factorial", "sample"):
        raise EmaError(f"combine: expected full_factorial or sample, got {combine!r}")
    scenario_rng, policy_rng = sampling_seeds(seed)
    evaluator = (
        SequentialEvaluator(world)
        if processes == 1
        else MultiprocessingEvaluator(world, n_processes=processes)
    )
    with evaluator:
        table, outcomes = evaluator.perform_experiments(
            scenarios=experiments,
            policies=policies,
            uncertainty_sampling_kwargs={"rng": scenario_rng},
            lever_sampling_kwargs={"rng": policy_rng},
            combine=combine,
        )
    for column in ("scenario", "policy"):
        table[column] = _renumbered(table[column])
    return table, outcomes


def _renumbered(names: pd.Series) -> pd.Series:
    """Sample names 0, 1, ... in the order they were drawn.

    The EMA Workbench names samples by a counter global to the process, so a second
    `perform` in the same process would otherwise label the same samples differently.
    """
    values = names.astype(object)
    if not all(isinstance(v, int | np.integer) for v in values):
        return names  # e.g. "None": no levers sampled
    number = {name: k for k, name in enumerate(sorted(set(values)))}
    return pd.Series(pd.Categorical(values.map(number)), index=names.index, name=names.name)


@dataclass
class SplitBox:
    """A box PRIM found, with its statistics and the peeling trajectory it was chosen from.

    Attributes:
        limits: One row per restricted parameter: `kind` (uncertainty or lever), `min`,
            `max` (numbers) or `levels` (the categories kept), the declared range, and the
            quasi-p values of the two limits.
        coverage: Share of the cases of interest inside the box.
        density: Share of the box's experiments that are cases of interest.
        mass: Share of all experiments inside the box.
        index: The box's place on the peeling trajectory.
        trajectory: PRIM's peeling trajectory (coverage, density, mass, res_dim per box).
        cases: Cases of interest and experiments in all (the base rate is their ratio).
        case: What made an experiment a case of interest (e.g. "ru_cn_split_before > 0.5").
    """

    limits: pd.DataFrame
    coverage: float
    density: float
    mass: float
    index: int
    trajectory: pd.DataFrame
    cases: tuple[int, int]
    case: str

    def summary(self) -> str:
        """The box in a few lines: the statistics, then one line per limit."""
        lines = [
            f"PRIM box {self.index} for {self.case}: coverage {self.coverage:.2f}, "
            f"density {self.density:.2f}, mass {self.mass:.2f} "
            f"(base rate {self.cases[0]} / {self.cases[1]} = {self.cases[0] / self.cases[1]:.2f})"
        ]
        for factor, row in self.limits.iterrows():
            lines.append(f"  {factor}: {limit_text(row)}")
        if self.limits.empty:
            lines.append("  (no restriction)")
        return "\n".join(lines)


def limit_text(row: pd.Series) -> str:
    """A limit row as text: ">= 0.61", "<= 0.3", "0.2 to 0.7" or "in {a, b}"."""
    if isinstance(row.get("levels"), str) and row["levels"]:
        return f"in {{{row['levels']}}}"
    if math.isnan(row.get("qp_max", 0.0)) and not math.isnan(row.get("qp_min", math.nan)):
        return f">= {row['min']:.4g}"  # only the lower limit is restricted
    if math.isnan(row.get("qp_min", 0.0)) and not math.isnan(row.get("qp_max", math.nan)):
        return f"<= {row['max']:.4g}"
    return f"{row['min']:.4g} to {row['max']:.4g}"


def prim_box(
    results: tuple[pd.DataFrame, Mapping[str, np.ndarray]],
    outcome: str = "ru_cn_split_before",
    threshold: float = THRESHOLD,
    min_coverage: float = MIN_COVERAGE,
    below: bool = False,
    significance: float | None = SIGNIFICANCE,
    peel_alpha: float = 0.05,
    mass_min: float | None = None,
) -> SplitBox:
    """PRIM's box for the experiments where `outcome` exceeds `threshold` (or is below it).

    Args:
        results: `perform`'s (or `ema_workbench.load_results`') experiments and outcomes.
        outcome: The outcome (default: the share of replicates split before 2040).
        threshold: An experiment is a case of interest when its outcome is above this.
        min_coverage: The box chosen is the densest on PRIM's peeling trajectory among those
            covering at least this share of the cases of interest.
        below: Cases of interest are those below `threshold` instead.
        significance: Then the restrictions whose quasi-p values (Bryant & Lempert 2010) are
            all above this are dropped, the least significant first, one at a time (PRIM's
            `drop_restriction`, which recomputes the box's statistics); None keeps them all.
            With rare cases, most peels remove no case whatever the parameter, so PRIM
            restricts many parameters by chance: this keeps those that matter.
        peel_alpha: PRIM's peeling step (the share of the box peeled off at each step).
        mass_min: PRIM's smallest box, a share of the experiments. None: 0.05 (the EMA
            Workbench's default), or half the base rate if that is smaller, so that a box
            holding only cases of interest can be reached when they are rare.

    Returns:
        The box.

    Raises:
        EmaError: The outcome is not among the results, or no experiment (or every one) is a
            case of interest.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        from ema_workbench.analysis import prim

    experiments, outcomes = results
    if outcome not in outcomes:
        raise EmaError(f"outcome {outcome!r} not in the results; they have {sorted(outcomes)}")
    values = np.asarray(outcomes[outcome], dtype=float)
    y = values < threshold if below else values > threshold
    case = f"{outcome} {'<' if below else '>'} {threshold:g}"
    cases = int(y.sum())
    if cases == 0 or cases == len(y):
        raise EmaError(
            f"{case} in {cases} of {len(y)} experiments: PRIM needs some "
            "experiments of interest and some not (more experiments, or another threshold)"
        )
    x = experiments.drop(columns=[c for c in ("policy", "model") if c in experiments])
    if mass_min is None:
        mass_min = min(0.05, 0.5 * cases / len(y))
    finder = prim.Prim(x, y, peel_alpha=peel_alpha, mass_min=mass_min)
    box = finder.find_box()
    trajectory = box.peeling_trajectory.reset_index(drop=True)
    covering = trajectory.index[trajectory["coverage"] >= min_coverage]
    index = int(trajectory.loc[covering, "density"].idxmax()) if len(covering) else 0
    box.select(index)
    while significance is not None:
        restricted = _restriction_significance(box.p_values[box._cur_box])
        weakest = max(restricted, key=restricted.get, default=None)
        if weakest is None or restricted[weakest] <= significance:
            break
        box.drop_restriction(weakest)  # appends the wider box to the trajectory, selects it
        index = box._cur_box
    return SplitBox(
        limits=limit_table(box.box_lims[index], box.box_lims[0], box.p_values[index]),
        coverage=float(box.coverage),
        density=float(box.density),
        mass=float(box.mass),
        index=index,
        trajectory=trajectory,
        cases=(cases, len(y)),
        case=case,
    )


def _restriction_significance(quasi_p: Mapping[str, Sequence[float]]) -> dict[str, float]:
    """Each restricted parameter's smallest quasi-p value over its restricted limits."""
    significance = {}
    for name, values in quasi_p.items():
        restricted = [float(v) for v in values if float(v) >= 0]  # -1: limit not restricted
        if restricted:
            significance[name] = min(restricted)
    return significance


def limit_table(
    limits: pd.DataFrame, initial: pd.DataFrame, quasi_p: Mapping[str, Sequence[float]]
) -> pd.DataFrame:
    """A PRIM box's limits as one row per restricted parameter.

    Args:
        limits: The box's limits (PRIM's `box_lims[i]`: a row of lower and one of upper
            limits, the set of levels kept for a categorical parameter).
        initial: The first box (all the data), to tell which parameters are restricted.
        quasi_p: The quasi-p values of the restricted parameters' limits (`p_values[i]`;
            -1 for a limit that is not restricted).

    Returns:
        One row per restricted parameter (index `parameter`): `kind`, `min`, `max` (NaN for
        a categorical parameter), `levels` (the kept levels, comma-separated), `declared`
        (the factor's declared range or levels), `qp_min`, `qp_max` (NaN: not restricted).
    """
    declared = declared_factors()
    levers = {f.name for f in read_factor_set(LEVERS)}
    rows = []
    for name in limits.columns:
        low, high = limits[name].iloc[0], limits[name].iloc[1]
        if _same(low, initial[name].iloc[0]) and _same(high, initial[name].iloc[1]):
            continue
        factor = declared.get(name)
        qp_low, qp_high = (list(quasi_p.get(name, [-1.0, -1.0])) + [-1.0, -1.0])[:2]
        row: dict[str, Any] = {
            "parameter": name,
            "kind": "lever" if name in levers else "uncertainty",
        }
        if isinstance(low, set | frozenset):
            row |= {"min": math.nan, "max": math.nan, "levels": ", ".join(sorted(map(str, low)))}
            every = initial[name].iloc[0]
            row["declared"] = ", ".join(
                map(_level_name, factor.levels) if factor and factor.levels else sorted(every)
            )
        else:
            row |= {"min": float(low), "max": float(high), "levels": ""}
            bounds = (
                (factor.low, factor.high)
                if factor and not factor.categorical
                else (initial[name].iloc[0], initial[name].iloc[1])
            )
            row["declared"] = f"[{bounds[0]:g}, {bounds[1]:g}]"
        row |= {"qp_min": _qp(qp_low), "qp_max": _qp(qp_high)}
        rows.append(row)
    columns = ["parameter", "kind", "min", "max", "levels", "declared", "qp_min", "qp_max"]
    return pd.DataFrame(rows, columns=columns).set_index("parameter")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, set | frozenset) or isinstance(b, set | frozenset):
        return set(a) == set(b)
    return bool(a == b)


def declared_factors() -> dict[str, Factor]:
    """Every factor declared in `configs/factors/` (any set), by name."""
    from experiments.design import FACTORS_DIR

    factors: dict[str, Factor] = {}
    for path in sorted(FACTORS_DIR.glob("*.yaml")):
        for factor in read_factor_set(path.stem):
            factors.setdefault(factor.name, factor)
    return factors


def _qp(value: Any) -> float:
    value = float(value)
    return math.nan if value < 0 else value


def box_markdown(box: SplitBox, about: Mapping[str, Any] | None = None) -> str:
    """The box as a markdown table, under a line of its statistics (and of `about`)."""
    lines = [
        f"PRIM box for `{box.case}` (box {box.index} of its peeling trajectory): "
        f"coverage {box.coverage:.3f}, density {box.density:.3f}, mass {box.mass:.3f}; "
        f"{box.cases[0]} of {box.cases[1]} experiments are cases of interest "
        f"(base rate {box.cases[0] / box.cases[1]:.3f}).",
    ]
    if about:
        lines.append("")
        lines.append("; ".join(f"{k} {v}" for k, v in about.items()) + ".")
    lines += [
        "",
        "| parameter | kind | limits | declared | quasi-p (low, high) |",
        "|---|---|---|---|---|",
    ]
    for parameter_name, row in box.limits.iterrows():
        qp = ", ".join("-" if math.isnan(p) else f"{p:.2g}" for p in (row.qp_min, row.qp_max))
        lines.append(
            f"| `{parameter_name}` | {row.kind} | {limit_text(row)} | {row.declared} | {qp} |"
        )
    if box.limits.empty:
        lines.append("| (none) | | | | |")
    return "\n".join(lines) + "\n"


def plot_box(box: SplitBox, path: Path | None = None) -> Any:
    """The coverage-density trade-off (the chosen box marked) and the box's limits.

    Numeric limits are drawn on each parameter's declared range scaled to [0, 1]; a
    categorical restriction is written out.

    Args:
        box: `prim_box`'s result.
        path: Where to write the PNG (None: only return the figure).

    Returns:
        The matplotlib figure (closed if written).
    """
    import matplotlib.pyplot as plt

    fig, (trade, lims) = plt.subplots(
        1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [1, 1.3]}
    )
    t = box.trajectory
    points = trade.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=18)
    trade.scatter(
        [box.coverage], [box.density], s=120, facecolors="none", edgecolors="tab:red", lw=1.5
    )
    fig.colorbar(
        points, ax=trade, label="restricted parameters", ticks=range(int(t["res_dim"].max()) + 1)
    )
    trade.set(
        xlabel="coverage",
        ylabel="density",
        xlim=(0, 1.05),
        ylim=(0, 1.05),
        title="PRIM peeling trajectory (circled: the box)",
    )
    rows = list(box.limits.iterrows())
    for k, (_, row) in enumerate(rows):
        y = len(rows) - 1 - k
        lims.plot([0, 1], [y, y], color="0.85", lw=6, solid_capstyle="butt")
        if row.levels:
            lims.text(
                0.5, y + 0.25, f"in {{{row.levels}}}", ha="center", color="tab:red", fontsize=8
            )
            continue
        low, high = (float(v) for v in row.declared.strip("[]").split(","))
        a, b = ((row["min"] - low) / (high - low), (row["max"] - low) / (high - low))
        lims.plot([a, b], [y, y], color="tab:red", lw=6, solid_capstyle="butt")
        lims.text(a, y + 0.25, f"{row['min']:.3g}", ha="center", fontsize=8)
        lims.text(b, y + 0.25, f"{row['max']:.3g}", ha="center", fontsize=8)
    lims.set_yticks(range(len(rows)), [r[0] for r in reversed(rows)], fontsize=8)
    lims.set(
        xlim=(-0.05, 1.05),
        ylim=(-0.7, max(len(rows), 1) - 0.3),
        xlabel="share of the declared range",
        title=f"box {box.index}: coverage {box.coverage:.2f}, density {box.density:.2f}",
    )
    fig.suptitle(f"Where {box.case} (PRIM)", fontsize=11)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120, bbox_inches="tight")
        plt.close(fig)
    return fig


def save(
    results: tuple[pd.DataFrame, Mapping[str, np.ndarray]],
    box: SplitBox | None,
    out: Path,
    about: Mapping[str, Any],
    write_results: bool = True,
) -> list[Path]:
    """Write the results, the box's tables and figure and `ema.json` into `out`.

    Args:
        results: The experiments and outcomes.
        box: PRIM's box (None: `prim_box.md` says why there is none, from `about["prim"]`).
        out: The folder (made if missing).
        about: What ran (the command, sizes, wall time): `ema.json`, and a line of the box's
            markdown.
        write_results: Also write `results.tar.gz` (not when the results were read from it).

    Returns:
        The paths written.
    """
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if write_results:
        written.append(out / "results.tar.gz")
        ema_workbench.save_results(results, str(written[0]))
    if box is not None:
        table = box.limits.reset_index()
        for stat in ("coverage", "density", "mass", "index"):
            table[stat] = getattr(box, stat)
        table.to_csv(out / "prim_box.csv", index=False, float_format="%.6g")
        box.trajectory.to_csv(out / "prim_trajectory.csv", index=False, float_format="%.6g")
        (out / "prim_box.md").write_text(box_markdown(box, about))
        plot_box(box, out / "prim_box.png")
        written += [out / n for n in ("prim_box.csv", "prim_box.md", "prim_trajectory.csv")]
        written.append(out / "prim_box.png")
    else:
        (out / "prim_box.md").write_text(f"{about.get('prim', 'no PRIM box')}\n")
        written.append(out / "prim_box.md")
    (out / "ema.json").write_text(json.dumps(dict(about), indent=2, default=str) + "\n")
    written.append(out / "ema.json")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiments", type=int, default=100, help="scenarios (LHS samples)")
    parser.add_argument("--policies", type=int, default=1, help="policies (LHS samples)")
    parser.add_argument("--combine", default="full_factorial", choices=["full_factorial", "sample"])
    parser.add_argument("--processes", type=int, default=1, help="1: in this process")
    parser.add_argument("--years", type=int, default=YEARS, help="years from 2024")
    parser.add_argument("--replicates", type=int, default=REPLICATES)
    parser.add_argument("--seed", type=int, default=SEED, help="of the sample and replicates")
    parser.add_argument(
        "--uncertainties",
        default=",".join(UNCERTAINTIES),
        help="factor sets of configs/factors/, comma-separated (e.g. exogenous,assumed,bloc)",
    )
    parser.add_argument("--split-before", type=int, default=SPLIT_BEFORE)
    parser.add_argument("--outcome", default="ru_cn_split_before", choices=list(OUTCOMES))
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--below", action="store_true", help="cases: outcome below threshold")
    parser.add_argument("--min-coverage", type=float, default=MIN_COVERAGE)
    parser.add_argument(
        "--results", type=Path, help="a saved results.tar.gz: run PRIM on it, no experiments"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    args = parser.parse_args(argv)
    command = "python -m experiments.ema " + " ".join(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    if args.results is not None:
        if not args.results.is_file():
            print(f"Error: --results {args.results}: no such file", file=sys.stderr)
            return 1
        results = ema_workbench.load_results(str(args.results))
        about: dict[str, Any] = {
            "command": command,
            "results": str(args.results.resolve()),
            "experiments": len(results[0]),
        }
    else:
        sets = tuple(s.strip() for s in args.uncertainties.split(",") if s.strip())
        try:
            world = model(
                years=args.years,
                replicates=args.replicates,
                seed=args.seed,
                split_before=args.split_before,
                uncertainty_sets=sets,
            )
            results = perform(
                world, args.experiments, args.policies, args.seed, args.processes, args.combine
            )
        except (EmaError, ConfigError) as error:
            print(f"Error: {error}", file=sys.stderr)
            return 1
        start_year = load_world(SCENARIO).year
        about = {
            "command": command,
            "experiments": len(results[0]),
            "scenarios": args.experiments,
            "policies": args.policies,
            "combine": args.combine,
            "uncertainties": ",".join(sets),
            "years": f"{args.years} ({start_year}-{start_year + args.years})",
            "replicates": args.replicates,
            "seed": args.seed,
            "processes": args.processes,
            "wall time": f"{time.perf_counter() - started:.0f} s",
            "ema_workbench": ema_workbench.__version__,
        }
    try:
        box = prim_box(
            results,
            outcome=args.outcome,
            threshold=args.threshold,
            min_coverage=args.min_coverage,
            below=args.below,
        )
    except EmaError as error:
        box = None
        about["prim"] = f"no box: {error}"
    written = save(results, box, args.out.resolve(), about, write_results=args.results is None)
    print(box.summary() if box is not None else f"PRIM: {about['prim']}")
    print(f"{about['experiments']} experiments in {time.perf_counter() - started:.0f} s; wrote")
    for path in written:
        print(f"  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
