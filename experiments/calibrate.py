"""Calibration: fit chosen parameters to cited targets with Optuna's seeded TPE sampler.

Usage:

    python -m experiments.calibrate TARGETS [--trials N] [--seed S] [--replicates R] [--out DIR]

TARGETS is a target file (`configs/calibration/*.yaml`) that declares

- `objective`: the registered objective (`name`: `council`, `hindcast`, `outcomes`; see
  `OBJECTIVES`) and its options (e.g. the Hydra overrides of `experiments.run` that compose
  the world it runs);
- `parameters`: what is fitted, in the factor format of `experiments.design`
  (`name: {low, high[, integer], source}`, or the name of a factor set of `configs/factors/`
  to take the declaration from); `WorldModel` arguments for the model objectives, the
  objective's own names for the Council;
- `targets`: each with `fit` (true: in the loss; false: kept out, for validation), its
  `value` (or none: read by the objective from the shipped record), `scale` (for the
  `squared_z` loss; or none: the objective's), `source`, and the objective's own keys (which
  statistic of which run);
- `loss`: `squared_z` (sum over the fitted targets of ((model - value) / scale)^2) or
  `absolute` (sum of |model - value|; with value 0, the sum of errors such as the hindcast
  scores);
- `trials`, `replicates`, `seed`, `startup_trials`: the defaults of the command;
- `start` (optional): a value for every parameter, the point the study tries first (Optuna's
  `enqueue_trial`), e.g. the best point of an earlier fit when the world has changed since:
  the re-fit then ends at least as well as that point does on today's world.

The study is Optuna's TPE sampler (`TPESampler(seed, multivariate=True)`, the first
`min(startup_trials, max(trials // 5, 1))` trials random, counting `start`), run
sequentially in memory: the same file, arguments and code give the same trials bit for bit.
Every trial runs the same replicate seeds, `SeedSequence(seed).spawn(replicates)` (common
random numbers: points differ by their parameters only). Outputs, in `--out` (default
`outputs/calibration/<file stem>/`):

- `trials.csv`: one row per trial: `trial`, `loss`, the parameters, `model_<target>` for
  every target (fitted and validation);
- `best.json`: the best trial's parameters, its loss and the command;
- the best parameters as an override: for `WorldModel` arguments a Hydra config,
  `calibrated/<stem>.yaml` (`# @package _global_`, config keys), used as
  `python -m experiments.run hydra.searchpath=[file://<out>] +calibrated=<stem>`; for the
  Council the `fitted.json` that `sim.council.session.Council` reads its defaults from;
- `report.md`: the best values, and every target, fitted and validation, at the best values
  on the fit's seeds and on fresh ones (`SeedSequence(seed + 1)`).

Optuna is used directly (its current release), not through Hydra's Optuna sweeper plugin,
which pins an old Optuna.
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import sys
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from experiments.design import DesignError, Factor, parse_factors, read_factor_set
from experiments.schema import ConfigError

ROOT = Path(__file__).resolve().parents[1]
#: `configs/calibration/`: the shipped target files.
TARGETS_DIR = ROOT / "configs" / "calibration"
LOSSES = ("squared_z", "absolute")
#: Keys of a target file.
FILE_KEYS = ("objective", "parameters", "targets", "loss", "trials", "replicates", "seed")
FILE_KEYS += ("startup_trials", "start", "about")
#: Keys every target may have, besides the objective's own.
TARGET_KEYS = ("fit", "value", "scale", "source")


class CalibrationError(ConfigError):
    """A target file or argument that is not allowed; the message names the file and key."""


# -- objectives --------------------------------------------------------------------------


class Objective:
    """What a calibration runs: parameters in, the model's value of every target out.

    Subclasses are registered by name (`register`); a target file names one under
    `objective.name` and sets its `options`.

    Args:
        options: The objective's options (the `objective` node less `name`).
        where: The file and key of the node, for messages.
    """

    #: The objective's name in target files.
    name: ClassVar[str] = ""
    #: Options and their defaults (an unknown option is an error).
    defaults: ClassVar[dict[str, Any]] = {}
    #: Keys a target may have besides `TARGET_KEYS`.
    target_keys: ClassVar[tuple[str, ...]] = ()

    def __init__(self, options: Mapping[str, Any], where: str) -> None:
        """Check the options against `defaults` and keep them."""
        unknown = set(options) - set(self.defaults)
        if unknown:
            raise CalibrationError(
                f"{where}: unknown options {sorted(unknown)} of objective {self.name!r} "
                f"(known: {', '.join(self.defaults) or 'none'})"
            )
        self.options = {**self.defaults, **options}
        self.where = where

    def parameters(self, spec: Mapping[str, Any], where: str) -> tuple[Factor, ...]:
        """The fitted parameters of the `parameters` node (checked; ranges only)."""
        raise NotImplementedError

    def check_target(self, target: Target, where: str) -> None:
        """Raise `CalibrationError` (naming `where`) if the objective cannot compute it."""

    def record(self, target: Target) -> tuple[float, float | None]:
        """The value (and scale) of a target whose file gives none, read from the record."""
        raise CalibrationError(
            f"{target.where}.value: objective {self.name!r} reads no record value for "
            f"{target.name!r}: give value (and its source)"
        )

    def evaluate(
        self, point: Mapping[str, Any], targets: Sequence[Target], replicates: int, seed: int
    ) -> dict[str, float]:
        """The model's value of every target at `point`, over `replicates` seeded runs."""
        raise NotImplementedError

    def write_best(
        self, point: Mapping[str, Any], folder: Path, stem: str, *, command: str, loss: float
    ) -> tuple[Path, str]:
        """Write the best parameters as an override into `folder`.

        Args:
            point: The best parameters.
            folder: The output folder.
            stem: The target file's stem.
            command: The command of the study.
            loss: The best loss.

        Returns:
            The file and how to use it (a command).
        """
        raise NotImplementedError

    def context(self, targets: Sequence[Target]) -> list[str]:
        """Markdown lines the report adds after the targets (e.g. baselines)."""
        return []


#: Registered objectives: name -> class, or "module:attribute" imported when first named.
OBJECTIVES: dict[str, type[Objective] | str] = {
    "council": "experiments.council_calibration:CouncilObjective",
    "hindcast": "experiments.calibrate:HindcastObjective",
    "outcomes": "experiments.calibrate:OutcomesObjective",
}


def register(objective: type[Objective]) -> type[Objective]:
    """Register an objective class under its `name` (usable as a decorator)."""
    OBJECTIVES[objective.name] = objective
    return objective


def objective_class(name: Any, where: str) -> type[Objective]:
    """The registered objective called `name`."""
    entry = OBJECTIVES.get(name) if isinstance(name, str) else None
    if entry is None:
        raise CalibrationError(
            f"{where}: unknown objective {name!r}; registered: {', '.join(sorted(OBJECTIVES))}"
        )
    if isinstance(entry, str):
        import importlib

        module, _, attribute = entry.partition(":")
        entry = getattr(importlib.import_module(module), attribute)
        OBJECTIVES[name] = entry
    return entry


def parse_ranges(
    spec: Any, where: str, allowed: Mapping[str, tuple[float, float]]
) -> tuple[Factor, ...]:
    """Parameters that are not `WorldModel` arguments, in the factor format (ranges only).

    Args:
        spec: The `parameters` node: name -> {low, high[, integer], source}.
        where: The file and key, for messages.
        allowed: The objective's parameter names and the bounds a range must lie within.

    Raises:
        CalibrationError: Naming the key and what was expected.
    """
    try:
        return parse_factors(spec, where, allowed=allowed)
    except DesignError as error:
        raise CalibrationError(str(error)) from None


#: `WorldModel` arguments with a config key that are not numbers (a calibration fits numbers).
NOT_NUMERIC = ("mixed_alignment", "council_rule")


def config_key(name: str) -> str | None:
    """The `experiments.run` config key of a numeric `WorldModel` argument (None: none)."""
    from experiments.schema import config_key as key_of

    return None if name in NOT_NUMERIC else key_of(name)


class WorldObjective(Objective):
    """Objectives that run `WorldModel` as `experiments.run` composes it.

    Parameters are `WorldModel` arguments with a numeric config key (`parse_factors`
    checks them); option `overrides` lists the Hydra overrides of `experiments.run` that
    compose the world every trial runs (the parameters replace their values).
    """

    defaults: ClassVar[dict[str, Any]] = {"overrides": []}

    def __init__(self, options: Mapping[str, Any], where: str) -> None:
        """Check the options (`overrides`: a list of strings)."""
        super().__init__(options, where)
        overrides = self.options["overrides"]
        if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
            raise CalibrationError(
                f"{where}.overrides: expected a list of experiments.run overrides "
                f"(key=value), got {overrides!r}"
            )
        self._composed: dict[tuple[str, ...], tuple[dict[str, Any], int]] = {}

    def parameters(self, spec: Mapping[str, Any], where: str) -> tuple[Factor, ...]:
        """`WorldModel` arguments (`experiments.design.parse_factors`), numbers only."""
        if not isinstance(spec, Mapping) or not spec:
            raise CalibrationError(f"{where}: expected a mapping of WorldModel arguments")
        declared = {}
        for name, body in spec.items():
            if isinstance(body, str):  # the declaration of a factor set of configs/factors/
                try:
                    shipped = {f.name: f for f in read_factor_set(body)}
                except DesignError as error:
                    raise CalibrationError(f"{where}.{name}: {error}") from None
                if name not in shipped:
                    raise CalibrationError(
                        f"{where}.{name}: factor set {body!r} does not declare {name} "
                        f"(it declares {', '.join(shipped)})"
                    )
                factor = shipped[name]
                declared[name] = {"low": factor.low, "high": factor.high, "levels": factor.levels,
                                  "integer": factor.integer, "source": factor.source}  # fmt: skip
            else:
                declared[name] = body
        try:
            factors = parse_factors(declared, where=where)
        except DesignError as error:
            raise CalibrationError(str(error)) from None
        for factor in factors:
            if factor.categorical:
                raise CalibrationError(
                    f"{where}.{factor.name}: a calibration fits numbers: give low and high, "
                    "not levels"
                )
            if config_key(factor.name) is None:
                raise CalibrationError(
                    f"{where}.{factor.name}: no numeric config key of experiments.run sets it"
                )
        return factors

    def compose(self, extra: Sequence[str] = ()) -> tuple[dict[str, Any], int]:
        """`WorldModel` arguments and start year of the composed world (cached)."""
        overrides = (*self.options["overrides"], *extra)
        if overrides not in self._composed:
            from hydra import compose, initialize_config_dir
            from hydra.errors import HydraException
            from omegaconf.errors import OmegaConfBaseException

            from experiments.run import CONFIGS
            from experiments.schema import check

            try:
                with initialize_config_dir(str(CONFIGS), version_base="1.3"):
                    cfg = compose("config", overrides=list(overrides))
                kwargs = check(cfg, build=False)
            except (HydraException, OmegaConfBaseException, ConfigError) as error:
                raise CalibrationError(
                    f"{self.where}.overrides: {list(overrides)} do not compose: {error}"
                ) from None
            self._composed[overrides] = (kwargs, int(kwargs["start_year"]))
        kwargs, start = self._composed[overrides]
        return dict(kwargs), start

    def write_best(
        self, point: Mapping[str, Any], folder: Path, stem: str, *, command: str, loss: float
    ) -> tuple[Path, str]:
        """`calibrated/<stem>.yaml` under `folder`: a `# @package _global_` Hydra config."""
        import yaml

        nested: dict[str, dict[str, Any]] = {}
        for name, value in point.items():
            group, _, key = config_key(name).partition(".")
            nested.setdefault(group, {})[key] = value
        path = folder / "calibrated" / f"{stem}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        usage = (
            "python -m experiments.run "
            + shlex.quote(f"hydra.searchpath=[file://{folder.resolve()}]")
            + f" +calibrated={stem}"
        )
        header = [
            "# @package _global_",
            f"# The best values of `{command}` (loss {loss:.6g}; report.md, trials.csv beside).",
            f"# Use: {usage}",
        ]
        path.write_text("\n".join(header) + "\n" + yaml.safe_dump(nested, sort_keys=False))
        return path, usage


def _steps_rows(steps: pd.DataFrame, column: str, years: Sequence[int]) -> pd.Series:
    """Each replicate's mean of a `steps` column over the given years."""
    chosen = steps[steps["year"].isin(years)]
    return chosen.groupby("replicate", sort=True)[column].mean()


@register
class OutcomesObjective(WorldObjective):
    """Yearly outcomes of the `steps` table: a target is `column` in `year` (or `years`).

    A target's model value is the mean over replicates (of each replicate's mean over the
    years). The run lasts until the last target year.
    """

    name: ClassVar[str] = "outcomes"
    target_keys: ClassVar[tuple[str, ...]] = ("column", "year", "years")

    def check_target(self, target: Target, where: str) -> None:
        """A `column` of the steps table and a `year`, or `years: [first, last]`."""
        column = target.spec.get("column")
        if not isinstance(column, str):
            raise CalibrationError(f"{where}.column: expected a column of the steps table")
        self.years(target, where)

    @staticmethod
    def years(target: Target, where: str) -> list[int]:
        """The years a target averages over."""
        year, years = target.spec.get("year"), target.spec.get("years")
        if (year is None) == (years is None):
            raise CalibrationError(f"{where}: give year, or years: [first, last]")
        if year is not None:
            if isinstance(year, bool) or not isinstance(year, int):
                raise CalibrationError(f"{where}.year: expected a year, got {year!r}")
            return [year]
        if (
            not isinstance(years, list)
            or len(years) != 2
            or not all(isinstance(y, int) and not isinstance(y, bool) for y in years)
            or years[0] > years[1]
        ):
            raise CalibrationError(f"{where}.years: expected [first, last], got {years!r}")
        return list(range(years[0], years[1] + 1))

    def evaluate(
        self, point: Mapping[str, Any], targets: Sequence[Target], replicates: int, seed: int
    ) -> dict[str, float]:
        """Run the composed world with the point's values to the last target year."""
        from experiments.run import run_replicates

        kwargs, start = self.compose()
        kwargs.update(point)
        kwargs["record_countries"] = False
        spans = {t.name: self.years(t, t.where) for t in targets}
        last = max(max(years) for years in spans.values())
        if min(min(years) for years in spans.values()) <= start:
            raise CalibrationError(f"{self.where}: a target year is not after the start {start}")
        steps = run_replicates(kwargs, last - start, replicates, seed)["steps"]
        values = {}
        for target in targets:
            column = target.spec["column"]
            if column not in steps:
                raise CalibrationError(
                    f"{target.where}.column: the steps table has no column {column!r}"
                )
            values[target.name] = float(_steps_rows(steps, column, spans[target.name]).mean())
        return values


@register
class HindcastObjective(WorldObjective):
    """Hindcast scores (`experiments.hindcast`): a target is a `score` of a `start` in a `year`.

    `start` is an option of `configs/hindcast/` (`from_2000`, `from_2014`), composed after
    the objective's `overrides`; `year` a record year of `experiments.hindcast.RECORD_WORLDS`;
    `score` a key of `experiments.hindcast.gdp_scores` (`mae_log_share`, `spearman`,
    `share_CHN`, ...). The model's value is the median over replicates, as in the hindcast's
    verdict. Each start runs once a trial, to its last target year.
    """

    name: ClassVar[str] = "hindcast"
    target_keys: ClassVar[tuple[str, ...]] = ("start", "year", "score")
    SCORES: ClassVar[tuple[str, ...]] = ("mae_log_share", "spearman", "china_us_ratio", "share_EU")

    def check_target(self, target: Target, where: str) -> None:
        """A start of `configs/hindcast/`, a record year after it, a GDP score."""
        from experiments.hindcast import ECONOMIES, RECORD_WORLDS

        start, year, score = (target.spec.get(k) for k in ("start", "year", "score"))
        starts = sorted(p.stem for p in (ROOT / "configs" / "hindcast").glob("*.yaml"))
        if start not in starts:
            raise CalibrationError(f"{where}.start: expected one of {starts}, got {start!r}")
        if year not in RECORD_WORLDS:
            raise CalibrationError(
                f"{where}.year: expected a record year {sorted(RECORD_WORLDS)}, got {year!r}"
            )
        scores = (*self.SCORES, *(f"share_{code}" for code in ECONOMIES))
        if score not in scores:
            raise CalibrationError(f"{where}.score: expected one of {list(scores)}, got {score!r}")
        _, first = self.compose([f"hindcast={start}"])
        if not first < year:
            raise CalibrationError(f"{where}.year: {year} is not after the start {first}")

    @staticmethod
    def _record(year: int) -> tuple[pd.Series, set[str]]:
        from experiments.hindcast import RECORD_WORLDS
        from sim.world import load_world

        record = load_world(RECORD_WORLDS[year]).countries
        actual = record.set_index("iso3")["gdp_usd"].astype(float)
        return actual, set(record.loc[record["eu"].astype(bool), "iso3"])

    def evaluate(
        self, point: Mapping[str, Any], targets: Sequence[Target], replicates: int, seed: int
    ) -> dict[str, float]:
        """Run each start with the point's values and score its replicates."""
        from experiments.hindcast import gdp_scores
        from experiments.run import run_replicates

        values = {}
        for start in dict.fromkeys(t.spec["start"] for t in targets):
            mine = [t for t in targets if t.spec["start"] == start]
            kwargs, first = self.compose([f"hindcast={start}"])
            kwargs.update(point)
            kwargs["record_countries"] = True
            steps = max(t.spec["year"] for t in mine) - first
            countries = run_replicates(kwargs, steps, replicates, seed)["countries"]
            for target in mine:
                actual, eu = self._record(target.spec["year"])
                at = countries[countries["year"] == target.spec["year"]]
                scores = [
                    gdp_scores(group.set_index("iso3")["gdp_share"], actual, eu)[
                        target.spec["score"]
                    ]
                    for _, group in at.groupby("replicate", sort=True)
                ]
                values[target.name] = float(np.median(scores))
        return values

    def context(self, targets: Sequence[Target]) -> list[str]:
        """The naive baselines' scores on the same targets (`experiments.hindcast`)."""
        from experiments.hindcast import BASELINES, baseline_gdp, gdp_scores
        from sim.world import load_world

        lines = ["| target | " + " | ".join(BASELINES) + " |", "|---|" + "---|" * len(BASELINES)]
        for target in targets:
            kwargs, first = self.compose([f"hindcast={target.spec['start']}"])
            start = load_world(kwargs["scenario"]).countries
            actual, eu = self._record(target.spec["year"])
            cells = [
                f"{gdp_scores(baseline_gdp(start, target.spec['year'] - first, kind), actual, eu)[target.spec['score']]:.4f}"  # noqa: E501
                for kind in BASELINES
            ]
            lines.append(f"| {target.name} | " + " | ".join(cells) + " |")
        return [
            "Naive baselines on the same targets (`experiments.hindcast.BASELINES`):",
            "",
            *lines,
        ]


# -- target files ------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One target: a statistic of the model, its value in the record, and its role."""

    name: str
    fit: bool
    value: float
    scale: float | None
    source: str
    spec: Mapping[str, Any] = field(default_factory=dict)
    where: str = ""


def _whole(where: str, x: Any, low: int) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or x < low:
        raise CalibrationError(f"{where}: expected a whole number >= {low}, got {x!r}")
    return x


@dataclass(frozen=True)
class Calibration:
    """A parsed target file: the objective, the fitted parameters, the targets, the loss."""

    path: Path
    objective: Objective
    parameters: tuple[Factor, ...]
    targets: tuple[Target, ...]
    loss: str
    trials: int
    replicates: int
    seed: int
    startup_trials: int
    start: Mapping[str, float] | None = None
    about: str = ""

    @property
    def stem(self) -> str:
        """The file's name without `.yaml`: names the override and the default output folder."""
        return self.path.stem

    @property
    def fitted(self) -> tuple[Target, ...]:
        """The targets in the loss."""
        return tuple(t for t in self.targets if t.fit)

    @property
    def held_out(self) -> tuple[Target, ...]:
        """The targets kept out of the loss (validation)."""
        return tuple(t for t in self.targets if not t.fit)

    def loss_of(self, values: Mapping[str, float]) -> float:
        """The loss of the model's target values (the fitted targets only)."""
        fit = self.fitted
        index = [t.name for t in fit]
        model = pd.Series([values[t.name] for t in fit], index=index, dtype=float)
        goal = pd.Series([t.value for t in fit], index=index, dtype=float)
        if self.loss == "absolute":
            return float((model - goal).abs().sum())
        scale = pd.Series([t.scale for t in fit], index=index, dtype=float)
        z = (model - goal) / scale
        return float((z**2).sum())


def load(
    path: str | Path,
    options: Mapping[str, Any] | None = None,
    **settings: int | None,
) -> Calibration:
    """Read and check a target file.

    Args:
        path: The YAML target file.
        options: Objective options that replace the file's (e.g. the Council's `years`).
        **settings: `trials`, `replicates`, `seed`, `startup_trials` replacing the file's
            (None: the file's).

    Raises:
        CalibrationError: Naming the file, the key and what was expected.
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        shipped = sorted(p.name for p in TARGETS_DIR.glob("*.yaml"))
        raise CalibrationError(f"{path}: no such target file (shipped: {shipped} in {TARGETS_DIR})")
    try:
        spec = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise CalibrationError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(spec, Mapping):
        raise CalibrationError(f"{path}: expected a mapping with keys {', '.join(FILE_KEYS)}")
    unknown = set(spec) - set(FILE_KEYS)
    if unknown:
        raise CalibrationError(
            f"{path}: unknown keys {sorted(unknown)} (known: {', '.join(FILE_KEYS)})"
        )
    for key in ("objective", "parameters", "targets", "loss"):
        if key not in spec:
            raise CalibrationError(f"{path}: {key}: missing")
    node = spec["objective"]
    if isinstance(node, str):
        node = {"name": node}
    if not isinstance(node, Mapping):
        raise CalibrationError(f"{path}: objective: expected a name or {{name, options...}}")
    node = dict(node)
    cls = objective_class(node.pop("name", None), f"{path}: objective.name")
    objective = cls({**node, **(options or {})}, where=f"{path}: objective")
    parameters = objective.parameters(spec["parameters"], where=f"{path}: parameters")
    loss = spec["loss"]
    if loss not in LOSSES:
        raise CalibrationError(f"{path}: loss: expected one of {', '.join(LOSSES)}, got {loss!r}")
    targets = parse_targets(spec["targets"], str(path), objective, loss)
    if not any(t.fit for t in targets):
        raise CalibrationError(f"{path}: targets: no target has fit: true (nothing to fit)")
    values = {}
    for key, low, default in (
        ("trials", 1, 100),
        ("replicates", 1, 10),
        ("seed", 0, 0),
        ("startup_trials", 1, 10),
    ):
        given = settings.get(key)
        where = f"--{key.replace('_', '-')}" if given is not None else f"{path}: {key}"
        values[key] = _whole(where, spec.get(key, default) if given is None else given, low)
    start = parse_start(spec.get("start"), f"{path}: start", parameters)
    about = spec.get("about", "")
    return Calibration(
        path, objective, parameters, targets, loss, start=start, about=str(about), **values
    )


def parse_start(spec: Any, where: str, parameters: Sequence[Factor]) -> dict[str, float] | None:
    """The `start` node: a value in its range for every parameter (None: no start point)."""
    if spec is None:
        return None
    names = [f.name for f in parameters]
    if not isinstance(spec, Mapping) or set(spec) != set(names):
        given = sorted(spec) if isinstance(spec, Mapping) else spec
        raise CalibrationError(
            f"{where}: expected a value for every parameter ({', '.join(names)}), got {given!r}"
        )
    start = {}
    for f in parameters:
        x = spec[f.name]
        numeric = not isinstance(x, bool) and isinstance(x, int if f.integer else int | float)
        if not (numeric and f.low <= x <= f.high):
            kind = "a whole number" if f.integer else "a number"
            raise CalibrationError(
                f"{where}.{f.name}: expected {kind} in [{f.low}, {f.high}], got {x!r}"
            )
        start[f.name] = int(x) if f.integer else float(x)
    return start


def parse_targets(spec: Any, path: str, objective: Objective, loss: str) -> tuple[Target, ...]:
    """The `targets` node, checked; record values read where the file gives none."""
    if not isinstance(spec, Mapping) or not spec:
        raise CalibrationError(f"{path}: targets: expected a mapping of target names")
    targets = []
    for name, body in spec.items():
        where = f"{path}: targets.{name}"
        if not isinstance(body, Mapping):
            raise CalibrationError(f"{where}: expected a mapping (fit, value, source, ...)")
        unknown = set(body) - {*TARGET_KEYS, *objective.target_keys}
        if unknown:
            known = ", ".join((*TARGET_KEYS, *objective.target_keys))
            raise CalibrationError(f"{where}: unknown keys {sorted(unknown)} (known: {known})")
        fit = body.get("fit")
        if not isinstance(fit, bool):
            raise CalibrationError(
                f"{where}.fit: expected true (fitted) or false (validation), got {fit!r}"
            )
        source = body.get("source")
        if not isinstance(source, str) or not source.strip():
            raise CalibrationError(f"{where}.source: missing: cite where the target comes from")
        own = {k: body[k] for k in objective.target_keys if k in body}
        target = Target(name, fit, math.nan, None, source, own, where)
        objective.check_target(target, where)
        value, scale = body.get("value"), body.get("scale")
        if value is None:
            value, recorded_scale = objective.record(target)
            scale = recorded_scale if scale is None else scale
        for key, x in (("value", value), ("scale", scale)):
            if x is not None and (
                isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x)
            ):
                raise CalibrationError(f"{where}.{key}: expected a number, got {x!r}")
        if scale is not None and not scale > 0:
            raise CalibrationError(f"{where}.scale: expected a number > 0, got {scale!r}")
        if fit and loss == "squared_z" and scale is None:
            raise CalibrationError(f"{where}.scale: missing: the squared_z loss needs a scale")
        targets.append(Target(name, fit, value, scale, source, target.spec, where))
    return tuple(targets)


# -- the study ---------------------------------------------------------------------------


@dataclass
class Study:
    """A calibration's result: the trials table and the best trial."""

    calibration: Calibration
    table: pd.DataFrame
    seconds: float

    @property
    def best_row(self) -> pd.Series:
        """The best trial's row (the first of equal losses)."""
        return self.table.loc[self.table["loss"].idxmin()]

    @property
    def best(self) -> dict[str, Any]:
        """The best trial's parameters."""
        row = self.best_row
        return {
            f.name: int(row[f.name]) if f.integer else float(row[f.name])
            for f in self.calibration.parameters
        }

    @property
    def best_loss(self) -> float:
        """The best trial's loss."""
        return float(self.best_row["loss"])


def suggest(trial: Any, factors: Sequence[Factor]) -> dict[str, Any]:
    """The trial's values of the parameters, suggested in their declared order."""
    return {
        f.name: trial.suggest_int(f.name, int(f.low), int(f.high))
        if f.integer
        else trial.suggest_float(f.name, f.low, f.high)
        for f in factors
    }


def run_study(
    calibration: Calibration,
    progress: Callable[[str], None] | None = print,
    every: int = 25,
) -> Study:
    """Minimise the loss over the parameters with Optuna's seeded TPE sampler, sequentially.

    Every trial runs the same `calibration.replicates` seeds spawned from `calibration.seed`
    (which also seeds the sampler).

    Args:
        calibration: The parsed target file.
        progress: Called with a line every `every` trials (None: silent).
        every: Trials between progress lines.

    Returns:
        The study: one row per trial (`trial`, `loss`, parameters, `model_<target>`).
    """
    import optuna

    c = calibration
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        sampler = optuna.samplers.TPESampler(
            seed=c.seed,
            n_startup_trials=min(c.startup_trials, max(c.trials // 5, 1)),
            multivariate=True,
        )
    study = optuna.create_study(direction="minimize", sampler=sampler)
    if c.start is not None:
        study.enqueue_trial(dict(c.start))  # trial 0
    rows: list[dict[str, Any]] = []

    def objective(trial: Any) -> float:
        point = suggest(trial, c.parameters)
        values = c.objective.evaluate(point, c.targets, c.replicates, c.seed)
        loss = c.loss_of(values)
        rows.append(
            {
                "trial": trial.number,
                "loss": loss,
                **point,
                **{f"model_{t.name}": values[t.name] for t in c.targets},
            }
        )
        if progress is not None and (trial.number + 1) % every == 0:
            best = min(row["loss"] for row in rows)
            progress(f"trial {trial.number + 1}/{c.trials}: best loss {best:.3f}")
        return loss

    began = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        study.optimize(objective, n_trials=c.trials)
    return Study(c, pd.DataFrame(rows), time.perf_counter() - began)


# -- outputs -----------------------------------------------------------------------------


def command_line(calibration: Calibration, out: Path | None = None) -> str:
    """The command that reproduces the study."""
    c = calibration
    try:
        shown = c.path.resolve().relative_to(Path.cwd())
    except ValueError:
        shown = c.path
    line = (
        f"python -m experiments.calibrate {shlex.quote(str(shown))} --trials {c.trials} "
        f"--replicates {c.replicates} --seed {c.seed}"
    )
    return line + (f" --out {shlex.quote(str(out))}" if out is not None else "")


def _number(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return f"{x:.4g}" if isinstance(x, float) else str(x)


def report(study: Study, fresh: Mapping[str, float], command: str, override: str) -> str:
    """The report: the best values, every target at them (fit seeds and fresh seeds)."""
    c = study.calibration
    best, row = study.best, study.best_row
    lines = [
        f"# Calibration `{c.stem}` (objective `{c.objective.name}`)",
        "",
        *([c.about.strip(), ""] if c.about.strip() else []),
        f"Command: `{command}` ({c.trials} trials, each {c.replicates} replicates on the seeds "
        f"`SeedSequence({c.seed}).spawn({c.replicates})`; wall time {study.seconds / 60:.1f} "
        f"min). Loss `{c.loss}` over {len(c.fitted)} fitted targets; best trial "
        f"#{int(row['trial'])}, loss {study.best_loss:.4g}.",
        "",
        "## Best values",
        "",
        "| parameter | value | range | source |",
        "|---|---|---|---|",
    ]
    for f in c.parameters:
        lines.append(f"| {f.name} | {_number(best[f.name])} | {f.describe()} | {f.source} |")
    lines += [
        "",
        "## Targets at the best values",
        "",
        f"Model: on the fit's seeds (the best trial) and on fresh seeds "
        f"(`SeedSequence({c.seed + 1}).spawn({c.replicates})`). Error: (model - value) / scale "
        f"for `squared_z` (model - value without a scale), model - value for `absolute`.",
        "",
        "| target | role | value | scale | model | model, fresh seeds | error | source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for t in (*c.fitted, *c.held_out):
        model = float(row[f"model_{t.name}"])
        error = model - t.value
        if c.loss == "squared_z" and t.scale is not None:
            error /= t.scale
        role = "fitted" if t.fit else "validation (kept out)"
        lines.append(
            f"| {t.name} | {role} | {_number(float(t.value))} | {_number(t.scale)} | "
            f"{_number(model)} | {_number(fresh[t.name])} | {_number(error)} | {t.source} |"
        )
    extra = c.objective.context(c.targets)
    if extra:
        lines += ["", *extra]
    lines += ["", "## The best values as an override", "", f"`{override}`", ""]
    return "\n".join(lines)


def write(study: Study, out: Path, command: str) -> dict[str, Path]:
    """Write the trials table, `best.json`, the override and `report.md` into `out`."""
    c = study.calibration
    out.mkdir(parents=True, exist_ok=True)
    paths = {"trials": out / "trials.csv", "best": out / "best.json", "report": out / "report.md"}
    study.table.to_csv(paths["trials"], index=False)
    paths["override"], usage = c.objective.write_best(
        study.best, out, c.stem, command=command, loss=study.best_loss
    )
    paths["best"].write_text(
        json.dumps(
            {
                "command": command,
                "objective": c.objective.name,
                "loss": study.best_loss,
                "trial": int(study.best_row["trial"]),
                "parameters": study.best,
                "override": usage,
            },
            indent=2,
        )
        + "\n"
    )
    fresh = c.objective.evaluate(study.best, c.targets, c.replicates, c.seed + 1)
    paths["report"].write_text(report(study, fresh, command, usage))
    return paths


def calibrate(
    path: str | Path,
    out: str | Path | None = None,
    progress: Callable[[str], None] | None = print,
    **settings: int | None,
) -> tuple[Study, dict[str, Path]]:
    """Run a target file's calibration and write its outputs (the command's work).

    Args:
        path: The target file.
        out: The output folder (None: `outputs/calibration/<stem>/`).
        progress: Called with progress lines (None: silent).
        **settings: `trials`, `replicates`, `seed` replacing the file's (None: the file's).
    """
    calibration = load(path, **settings)
    folder = Path(out) if out is not None else Path("outputs") / "calibration" / calibration.stem
    study = run_study(calibration, progress)
    paths = write(study, folder, command_line(calibration, None if out is None else folder))
    return study, paths


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m experiments.calibrate", description=__doc__.splitlines()[0]
    )
    parser.add_argument("targets", type=Path, help="a target file (configs/calibration/*.yaml)")
    parser.add_argument("--trials", type=int, help="trials of the study (default: the file's)")
    parser.add_argument("--seed", type=int, help="seed of sampler and replicates (the file's)")
    parser.add_argument("--replicates", type=int, help="runs per trial (default: the file's)")
    parser.add_argument("--out", type=Path, help="output folder (outputs/calibration/<stem>/)")
    args = parser.parse_args(argv)
    try:
        study, paths = calibrate(
            args.targets, args.out, trials=args.trials, seed=args.seed, replicates=args.replicates
        )
    except CalibrationError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    print(json.dumps(study.best, indent=2))
    print(
        f"best loss {study.best_loss:.4g} (trial {int(study.best_row['trial'])} of "
        f"{len(study.table)}) in {study.seconds / 60:.1f} min"
    )
    for kind, path in paths.items():
        print(f"{kind}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
