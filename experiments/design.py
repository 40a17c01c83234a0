"""Factors and designs: declared parameter ranges, SALib samples, one sweep job per point.

A *factor* is a `WorldModel` keyword argument that a study varies: a range (`low`, `high`;
`integer: true` for whole numbers) or a list of `levels` (names of strategies, Council rules,
event sets; `null` for none). Sets of factors are declared once, each with its source or
reason, in `configs/factors/*.yaml`; the same declarations serve

- designs (`configs/design/*.yaml`, the `design` node): a Latin hypercube (`lhs`), a Sobol
  (Saltelli) or a Morris sample of the factors, drawn by SALib and run as an ordinary sweep,
  one job per point (`design.point`, which the sweeper expands to every point of the design
  when the command does not set it), each with `replicates` seeds spawned from `seed` as in
  any sweep (common random numbers across points);
- replicates that carry parameter uncertainty (`configs/uncertainty/*.yaml`, the
  `uncertainty` node): replicate r of a job runs with row r of a Latin hypercube over the
  factors, seeded by the job's `seed` (so replicate r of every arm of a comparison draws the
  same values);
- the EMA Workbench's model (`experiments.ema`) and the calibration (`experiments.calibrate`).

Every factor is sampled on the unit interval (SALib's bounds are [0, 1] for all), then
mapped to its value: `low + u (high - low)` for a range, the `floor(u k)`-th of k levels (or
of the whole numbers low..high) otherwise. Indices are therefore per unit of a factor's
declared range.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from experiments.schema import ConfigError

#: The designs SALib draws: Latin hypercube, Sobol (Saltelli's scheme), Morris trajectories.
METHODS = ("lhs", "sobol", "morris")
#: `configs/factors/`: the declared factor sets.
FACTORS_DIR = Path(__file__).resolve().parents[1] / "configs" / "factors"
#: Arguments no factor may set (the scenario, the seed, the conflict list, what is recorded).
NOT_FACTORS = ("scenario", "rng", "conflicts", "record_countries", "start_year")


class DesignError(ConfigError):
    """A factor or design declaration that is not allowed; the message names the key."""


@dataclass(frozen=True)
class Factor:
    """One varied `WorldModel` argument: a range or levels (see the module docstring)."""

    name: str
    low: float | None = None
    high: float | None = None
    levels: tuple | None = None
    integer: bool = False
    source: str = ""

    @property
    def categorical(self) -> bool:
        """Whether the factor takes one of a list of levels."""
        return self.levels is not None

    def value(self, u: float) -> Any:
        """The factor's value at `u` in [0, 1] (1 maps to the top of the range, or last level)."""
        if self.levels is not None:
            return self.levels[min(int(u * len(self.levels)), len(self.levels) - 1)]
        if self.integer:
            count = int(self.high) - int(self.low) + 1
            return int(self.low) + min(int(u * count), count - 1)
        return float(self.low + u * (self.high - self.low))

    def describe(self) -> str:
        """The range or the levels, for tables."""
        if self.levels is not None:
            return "levels " + ", ".join("none" if v is None else str(v) for v in self.levels)
        kind = "whole numbers" if self.integer else "range"
        return f"{kind} [{_number(self.low)}, {_number(self.high)}]"


def _number(x: float) -> str:
    return f"{x:g}"


def parse_factors(
    spec: Mapping[str, Any],
    where: str = "factors",
    allowed: Mapping[str, tuple[float, float]] | None = None,
) -> tuple[Factor, ...]:
    """Factors from their declaration (name -> {low, high[, integer]} or {levels}).

    Args:
        spec: The mapping (a config node as a plain dict, or a factor file's content).
        where: The config key (or file) the mapping is at, for messages.
        allowed: For parameters that are not `WorldModel` arguments (e.g. the Council's own,
            `experiments.calibrate`): their names and the bounds a range must lie within;
            they take ranges only. None: `WorldModel` arguments, checked against the
            model's signature and `sim.model.PARAMETER_RANGES`.

    Raises:
        DesignError: Naming the key and what was expected.
    """
    from experiments.schema import SIGNATURE
    from sim.checks import check_value
    from sim.model import PARAMETER_RANGES

    if not isinstance(spec, Mapping) or not spec:
        raise DesignError(f"{where}: expected a mapping of parameters, got {spec!r}")
    factors = []
    for name, body in spec.items():
        key = f"{where}.{name}"
        if allowed is not None:
            if name not in allowed:
                raise DesignError(f"{key}: not a parameter of the objective ({', '.join(allowed)})")
            annotation, bounds = float, allowed[name]
        elif name in SIGNATURE and name not in NOT_FACTORS:
            annotation, bounds = SIGNATURE[name].annotation, PARAMETER_RANGES.get(name)
        else:
            known = ", ".join(n for n in SIGNATURE if n not in NOT_FACTORS)
            raise DesignError(f"{key}: not a WorldModel argument a factor may set ({known})")
        if not isinstance(body, Mapping):
            raise DesignError(f"{key}: expected {{low, high}} or {{levels}}, got {body!r}")
        body = {k: v for k, v in body.items() if v is not None or k == "levels"}
        unknown = set(body) - {"low", "high", "levels", "integer", "source"}
        if unknown:
            raise DesignError(
                f"{key}: unknown keys {sorted(unknown)} (low, high, integer, levels, source)"
            )
        integer = body.get("integer", False)
        if not isinstance(integer, bool):
            raise DesignError(f"{key}.integer: expected true or false, got {integer!r}")
        levels = body.get("levels")
        if levels is not None:
            if allowed is not None:
                raise DesignError(f"{key}: expected low and high (these parameters take no levels)")
            if {"low", "high"} & set(body) or integer:
                raise DesignError(f"{key}: give either levels or low and high, not both")
            if isinstance(levels, str) or not isinstance(levels, Sequence) or len(levels) < 2:
                raise DesignError(
                    f"{key}.levels: expected a list of two or more values, got {levels!r}"
                )
            levels = tuple(tuple(v) if isinstance(v, list) else v for v in levels)
            if len(set(map(repr, levels))) < len(levels):
                raise DesignError(f"{key}.levels: a level is listed twice: {list(levels)}")
            for number, level in enumerate(levels):
                _check_level(f"{key}.levels[{number}]", name, level)
            factors.append(Factor(name, levels=levels, source=str(body.get("source", ""))))
            continue
        if "low" not in body or "high" not in body:
            raise DesignError(f"{key}: expected low and high" + (" (or levels)" * (not allowed)))
        low, high = body["low"], body["high"]
        for end, x in (("low", low), ("high", high)):
            try:
                check_value(f"{key}.{end}", x, annotation, bounds)
            except ValueError as error:
                raise DesignError(str(error)) from None
            if integer and (isinstance(x, bool) or x != int(x)):
                raise DesignError(f"{key}.{end}: integer factor needs a whole number, got {x!r}")
        if not low < high:
            raise DesignError(f"{key}: expected low < high, got low {low!r}, high {high!r}")
        if not integer and "int" in str(annotation) and "float" not in str(annotation):
            raise DesignError(f"{key}: {name} is a whole number: add integer: true")
        factors.append(
            Factor(
                name, float(low), float(high), integer=integer, source=str(body.get("source", ""))
            )
        )
    return tuple(factors)


def _check_level(key: str, name: str, level: Any) -> None:
    """A level of a named argument (strategies, alignment, Council rule, events) that exists."""
    from sim.alignment.strategies import MIXED_PRESETS, STRATEGIES
    from sim.council import RULES
    from sim.events import EVENT_SETS
    from sim.model import SCENARIO_EVENTS
    from sim.powers import parse_strategies

    known = {
        "alignment": [*STRATEGIES, "mixed", *MIXED_PRESETS],
        "council_rule": [*RULES, None],
        "events": [*EVENT_SETS, SCENARIO_EVENTS, None],
    }
    if name.startswith("strategy_"):
        try:
            parse_strategies(level, name)
        except (ValueError, TypeError) as error:
            raise DesignError(f"{key}: {error}") from None
    elif name in known and level not in known[name]:
        raise DesignError(f"{key}: unknown {name} {level!r}; known: {known[name]}")


def read_factor_set(name: str, folder: Path = FACTORS_DIR) -> tuple[Factor, ...]:
    """A declared factor set, `configs/factors/<name>.yaml`."""
    import yaml

    path = folder / f"{name}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in folder.glob("*.yaml"))
        raise DesignError(f"factors: no factor set {name!r} ({path}); declared: {known}")
    return parse_factors(yaml.safe_load(path.read_text()) or {}, where=str(path))


def problem(factors: Sequence[Factor]) -> dict[str, Any]:
    """SALib's problem: every factor on the unit interval."""
    return {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [[0.0, 1.0]] * len(factors),
    }


@dataclass(frozen=True)
class Design:
    """A design: its method, size, seed and factors (the `design` config node)."""

    method: str
    samples: int
    seed: int
    factors: tuple[Factor, ...]
    num_levels: int = 4

    @classmethod
    def from_config(cls, node: Mapping[str, Any], where: str = "design") -> Design:
        """The design of a `design` node (a plain dict), checked.

        Raises:
            DesignError: Naming the key and what was expected.
        """
        method = node.get("method")
        if method not in METHODS:
            raise DesignError(
                f"{where}.method: expected one of {', '.join(METHODS)}, got {method!r}"
            )
        samples = node.get("samples")
        if isinstance(samples, bool) or not isinstance(samples, int) or samples < 2:
            raise DesignError(f"{where}.samples: expected a whole number >= 2, got {samples!r}")
        if method == "sobol" and samples & (samples - 1):
            raise DesignError(
                f"{where}.samples: a Sobol design (Saltelli's scheme) needs a power of 2,"
                f" got {samples}"
            )
        num_levels = node.get("num_levels", 4)
        if method == "morris" and (
            not isinstance(num_levels, int) or num_levels < 2 or num_levels % 2
        ):
            raise DesignError(
                f"{where}.num_levels: expected an even number >= 2, got {num_levels!r}"
            )
        seed = node.get("seed")
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
            raise DesignError(f"{where}.seed: expected a whole number in [0, 2^32), got {seed!r}")
        factors = parse_factors(node.get("factors") or {}, where=f"{where}.factors")
        return cls(method, samples, seed, factors, num_levels)

    def unit_sample(self) -> np.ndarray:
        """The SALib sample on the unit cube, one row per point (read-only)."""
        return _unit_sample(self)

    @property
    def points(self) -> int:
        """The number of design points (jobs)."""
        return len(self.unit_sample())

    def values(self, point: int) -> dict[str, Any]:
        """The factors' values (`WorldModel` arguments) at design point `point`."""
        if isinstance(point, bool) or not isinstance(point, int) or not 0 <= point < self.points:
            raise DesignError(
                f"design.point: expected a whole number in [0, {self.points - 1}], got {point!r}"
            )
        row = self.unit_sample()[point]
        return arguments(
            {f.name: f.value(float(u)) for f, u in zip(self.factors, row, strict=True)}
        )


@functools.lru_cache(maxsize=16)
def _unit_sample(design: Design) -> np.ndarray:
    from SALib.sample import latin, morris, sobol

    space = problem(design.factors)
    if design.method == "lhs":
        sample = latin.sample(space, design.samples, seed=design.seed)
    elif design.method == "sobol":
        sample = sobol.sample(space, design.samples, calc_second_order=False, seed=design.seed)
    else:
        sample = morris.sample(
            space, design.samples, num_levels=design.num_levels, seed=design.seed
        )
    sample = np.asarray(sample, dtype=float)
    sample.setflags(write=False)
    return sample


def arguments(values: Mapping[str, Any]) -> dict[str, Any]:
    """Factor values as `WorldModel` keyword arguments.

    An `alignment` level that names a mixed preset (`status_quo`) becomes `alignment="mixed"`
    with that preset; a great power's strategy list is written in sim's "+" notation.
    """
    from sim.alignment.strategies import MIXED_PRESETS

    kwargs = dict(values)
    alignment = kwargs.get("alignment")
    if alignment in MIXED_PRESETS:
        kwargs["alignment"], kwargs["mixed_alignment"] = "mixed", alignment
    elif alignment is not None and alignment != "mixed":
        kwargs["mixed_alignment"] = None
    for name, value in kwargs.items():
        if name.startswith("strategy_") and isinstance(value, tuple | list):
            kwargs[name] = "+".join(value)
    return kwargs


def replicate_draws(factors: Sequence[Factor], replicates: int, seed: int) -> list[dict[str, Any]]:
    """Each replicate's values of `factors`: row r of a Latin hypercube seeded by `seed`.

    A Latin hypercube spreads the replicates over every factor's range (each of its
    `replicates` equal slices holds one draw), so that a few replicates already span it. A
    single replicate runs at the middle of every range (the middle one of levels).
    """
    from SALib.sample import latin

    if replicates < 2:
        return [arguments({f.name: f.value(0.5) for f in factors})]
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x0DE5]))  # not the models' streams
    sample = latin.sample(problem(factors), replicates, seed=rng)
    return [
        arguments({f.name: f.value(float(u)) for f, u in zip(factors, row, strict=True)})
        for row in sample
    ]


def sweep_arguments(config: Any) -> list[str]:
    """The sweep of a design: `design.point=range(0,n)`, unless the command sets the point.

    Args:
        config: The multirun's composed config (a DictConfig with its `hydra` node).

    Returns:
        [] when the config has no design.
    """
    from omegaconf import OmegaConf

    node = config.get("design")
    if node is None:
        return []
    task = list(config.hydra.overrides.task)
    params = config.hydra.sweeper.get("params") or {}
    if (
        any(o.split("=", 1)[0].lstrip("+~") == "design.point" for o in task)
        or "design.point" in params
    ):
        return []
    design = Design.from_config(OmegaConf.to_container(node, resolve=True, enum_to_str=True))
    return [f"design.point=range(0,{design.points})"]
