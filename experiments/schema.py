"""Config schemas: every key of `configs/` typed, every name checked against `sim`'s registries.

The schemas are dataclasses registered in Hydra's ConfigStore, built when this module is
imported from what `sim` declares: the allowed names of each group come from the registries
(`sim.alignment.STRATEGIES`, `sim.powers.POWER_STRATEGIES`, `sim.council.RULES`,
`sim.events.EVENT_SETS`, the shipped scenarios), and every default from the signature of
`WorldModel` (one source of truth). A typo in a key, an unknown name or a value of the wrong
type fails when Hydra composes the config, with a message naming the key and what is allowed;
ranges are the model's own checks (`check` builds one model to run them).

Groups map to `WorldModel` keyword arguments:

- `scenario`: `name` (a shipped scenario or `custom`) and `path` -> `scenario`;
- `alignment`: `strategy`, `mixed_alignment` and the thresholds -> `alignment`,
  `mixed_alignment`, `switching_cost`, `choice_noise`, `*_threshold`, `ideological_tolerance`;
- `powers`: `USA`, `CHN`, `RUS` (lists of strategies; null: the scenario's), `wedge_strength`,
  `wedge_target` ->
  `strategy_USA`, `strategy_CHN`, `strategy_RUS`, `wedge_strength`, `wedge_target`;
- `council`: `rule` (None: no Council) and the other `council_*` arguments, unprefixed;
- `events`: `name` (a named set, or `scenario`: the scenario's own) or `custom` (a list of
  events) -> `events`;
- `model`: every other argument, under its own name;
- `design` (`configs/design/`): a SALib sample of factors; the job's `design.point` sets
  their values (`experiments.design`), which replace the groups' and `model`'s (`check`
  refuses a command-line override of such a key);
- `uncertainty` (`configs/uncertainty/`): factors each replicate draws
  (`replicate_draws`).

`model_kwargs(cfg)` turns a composed config into the keyword arguments, `parameters(cfg)` into
the flat parameter columns of the result tables.
"""

from __future__ import annotations

import inspect
import json
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field, make_dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING, DictConfig, OmegaConf

from sim import WorldModel
from sim.alignment.strategies import MIXED_PRESETS, STRATEGIES
from sim.checks import check_arguments
from sim.council import RULES
from sim.events import EVENT_SETS, schedule
from sim.model import GREAT_POWERS, PARAMETER_RANGES, SCENARIO_EVENTS, scenario_year
from sim.powers import POWER_STRATEGIES, parse_strategies
from sim.world import load_world, shipped_scenarios

#: `WorldModel`'s keyword arguments and their defaults (the one place defaults live).
SIGNATURE = WorldModel.constructor_parameters()
#: Arguments no config sets: the seed (spawned per replicate) and the conflict list.
NOT_CONFIGURED = ("rng", "conflicts")
#: Alignment arguments besides `alignment` itself (thresholds, inertia and noise).
ALIGNMENT_ARGUMENTS = (
    "mixed_alignment",
    "switching_cost",
    "choice_noise",
    "balancing_threshold",
    "hedging_threshold",
    "bandwagoning_threshold",
    "ideological_tolerance",
    "economic_threshold",
)
COUNCIL_PREFIX = "council_"
#: The wedge's arguments, in the `powers` group beside the strategies.
WEDGE = ("wedge_strength", "wedge_target")


class ConfigError(ValueError):
    """A config value that composes but is not allowed; the message names the key."""


def default(name: str) -> Any:
    """`WorldModel`'s default for argument `name`."""
    return SIGNATURE[name].default


def _names(enum_name: str, names) -> type[Enum]:
    # Module-level enums (picklable by name) whose members are the registry's names.
    return Enum(enum_name, [(n, n) for n in names], module=__name__, qualname=enum_name)


ScenarioName = _names("ScenarioName", [*shipped_scenarios(), "custom"])
AlignmentName = _names("AlignmentName", [*STRATEGIES, "mixed"])
PowerStrategyName = _names("PowerStrategyName", POWER_STRATEGIES)
CouncilRuleName = _names("CouncilRuleName", RULES)
EventSetName = _names("EventSetName", [*EVENT_SETS, SCENARIO_EVENTS])


def _config_type(annotation) -> Any:
    """The OmegaConf type for a simple annotation (`float`, `float | None`, ...), else None."""
    if annotation in (bool, int, float, str):
        return annotation
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) and len(args) == 2 and type(None) in args:
        (inner,) = (a for a in args if a is not type(None))
        if inner in (bool, int, float, str):
            return inner | None
    return None


def _field(name: str):
    value = default(name)
    return field(default=value) if value is not inspect.Parameter.empty else field(default=MISSING)


@dataclass
class ScenarioConfig:
    """`scenario`: a shipped name, or `custom` with `path` a folder of your own."""

    name: ScenarioName = ScenarioName[default("scenario")]
    path: str | None = None


AlignmentConfig = make_dataclass(
    "AlignmentConfig",
    [
        ("strategy", AlignmentName, field(default=AlignmentName[default("alignment")])),
        ("mixed_alignment", Any, field(default=default("mixed_alignment"))),
        *(
            (name, _config_type(SIGNATURE[name].annotation), _field(name))
            for name in ALIGNMENT_ARGUMENTS[1:]
        ),
    ],
    module=__name__,
)
AlignmentConfig.__doc__ = "`alignment` (a strategy or mixed), its preset and thresholds."


PowersConfig = make_dataclass(
    "PowersConfig",
    [
        # None (the default): the scenario's strategies (its scenario.yaml); [] for none
        *((code, list[PowerStrategyName] | None, field(default=None)) for code in GREAT_POWERS),
        *((name, _config_type(SIGNATURE[name].annotation), _field(name)) for name in WEDGE),
    ],
    module=__name__,
)
PowersConfig.__doc__ = (
    "Each great power's strategies (a list; None: the scenario's), the wedge's strength and target."
)

#: Council keys and the `WorldModel` argument each sets (`rule` -> `council_rule`, ...).
COUNCIL_ARGUMENTS = {
    name.removeprefix(COUNCIL_PREFIX): name for name in SIGNATURE if name.startswith(COUNCIL_PREFIX)
}
COUNCIL_DEFAULT = default("council_rule") if "council_rule" in SIGNATURE else "charter"
CouncilConfig = make_dataclass(
    "CouncilConfig",
    [
        ("rule", CouncilRuleName | None, field(default=CouncilRuleName[COUNCIL_DEFAULT])),
        *(
            (key, _config_type(SIGNATURE[name].annotation), _field(name))
            for key, name in COUNCIL_ARGUMENTS.items()
            if key != "rule"
        ),
    ],
    module=__name__,
)
CouncilConfig.__doc__ = "The Security Council's rule (None: no Council) and its other arguments."


@dataclass
class EventsConfig:
    """`events`: a named set, or `custom`, a list of events (year, kind, parameters)."""

    name: EventSetName | None = EventSetName[default("events")]
    custom: list[dict[str, Any]] | None = None


#: `WorldModel` arguments set by the groups and the root, not by `model`.
GROUPED = (
    "scenario",
    "start_year",
    "alignment",
    *ALIGNMENT_ARGUMENTS,
    *(f"strategy_{code}" for code in GREAT_POWERS),
    *WEDGE,
    *COUNCIL_ARGUMENTS.values(),
    "events",
    "record_countries",
)
#: Every other argument with a simple type, under `model.` (e.g. `model.shock_sd=0`).
MODEL_ARGUMENTS = tuple(
    name
    for name, parameter in SIGNATURE.items()
    if name not in GROUPED
    and name not in NOT_CONFIGURED
    and _config_type(parameter.annotation) is not None
)
ModelConfig = make_dataclass(
    "ModelConfig",
    [(name, _config_type(SIGNATURE[name].annotation), _field(name)) for name in MODEL_ARGUMENTS],
    module=__name__,
)
ModelConfig.__doc__ = "Every other `WorldModel` keyword argument, with the model's default."


@dataclass
class RecordConfig:
    """What each job writes besides `steps`, `summary` and (with a Council) `votes`."""

    countries: bool = False  # countries.parquet, one row per replicate, year and country
    votes: bool = True  # votes.parquet, one row per replicate, draft and Council member
    figure: bool = False  # gdp_shares.png in the job folder


@dataclass
class FactorConfig:
    """A factor: a range (`low`, `high`, `integer`) or `levels` (see `experiments.design`)."""

    low: Any = None
    high: Any = None
    levels: list[Any] | None = None
    integer: bool = False
    source: str = ""  # where the range comes from, or why it is what it is


@dataclass
class DesignConfig:
    """`design`: a SALib sample of the factors, one sweep job per point (`design.point`)."""

    method: str = MISSING  # lhs, sobol or morris
    samples: int = MISSING  # lhs: points; sobol: N (points N (k + 2)); morris: trajectories
    seed: int = 0  # of the sample (the runs' seeds come from the root `seed`)
    num_levels: int = 4  # morris: grid levels
    factors: dict[str, FactorConfig] = field(default_factory=dict)
    point: int | None = None  # the job's point; a sweep sets it (every point, by default)


@dataclass
class UncertaintyConfig:
    """`uncertainty`: replicate r draws the factors from row r of a Latin hypercube."""

    factors: dict[str, FactorConfig] = field(default_factory=dict)


@dataclass
class RootConfig:
    """The root config: the groups, the design of a job and what it records."""

    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    alignment: AlignmentConfig = field(default_factory=AlignmentConfig)
    powers: PowersConfig = field(default_factory=PowersConfig)
    council: CouncilConfig = field(default_factory=CouncilConfig)
    events: EventsConfig = field(default_factory=EventsConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    record: RecordConfig = field(default_factory=RecordConfig)
    design: DesignConfig | None = None
    uncertainty: UncertaintyConfig | None = None
    study: str = "adhoc"
    steps: int = MISSING
    start_year: int | None = default("start_year")
    replicates: int = MISSING
    seed: int = MISSING
    resume: bool = True


def register() -> None:
    """Register the schema and the group options that come straight from `sim`'s registries.

    Options with more to them than a name (`alignment/status_quo`, `powers/*`,
    `events/custom`, `scenario/custom`, ...) are YAML files in `configs/`.
    """
    store = ConfigStore.instance()
    store.store(name="powershift_schema", node=RootConfig)
    for name in shipped_scenarios():
        store.store(group="scenario", name=name, node=ScenarioConfig(name=ScenarioName[name]))
    for name in STRATEGIES:
        store.store(
            group="alignment", name=name, node=AlignmentConfig(strategy=AlignmentName[name])
        )
    for name in RULES:
        store.store(group="council", name=name, node=CouncilConfig(rule=CouncilRuleName[name]))
    for name in [*EVENT_SETS, SCENARIO_EVENTS]:
        store.store(group="events", name=name, node=EventsConfig(name=EventSetName[name]))


register()


def _plain(cfg: DictConfig | dict) -> dict:
    if isinstance(cfg, dict):
        return cfg
    if "hydra" in cfg:  # composed with its Hydra node (which resolves only inside a job)
        cfg = OmegaConf.masked_copy(cfg, [key for key in cfg if key != "hydra"])
    return OmegaConf.to_container(cfg, resolve=True, enum_to_str=True)


def config_key(name: str) -> str | None:
    """The config key that sets `WorldModel` argument `name` (None: no config sets it alone).

    E.g. "wedge_strength" -> "powers.wedge_strength", "council_drafts_per_year" ->
    "council.drafts_per_year", "shock_sd" -> "model.shock_sd".
    """
    if name in ALIGNMENT_ARGUMENTS:
        return f"alignment.{name}"
    if name in WEDGE:
        return f"powers.{name}"
    council = {argument: key for key, argument in COUNCIL_ARGUMENTS.items()}
    if name in council:
        return f"council.{council[name]}"
    if name in MODEL_ARGUMENTS:
        return f"model.{name}"
    return None


def config_key_message(message: str) -> str:
    """A model argument's message, its name replaced by the config key that sets it.

    E.g. "wedge_strength: expected ..." -> "powers.wedge_strength: expected ...".
    """
    name, sep, rest = message.partition(":")
    key = config_key(name) if sep else None
    return message if key is None else f"{key}:{rest}"


def model_kwargs(cfg: DictConfig | dict) -> dict[str, Any]:
    """The `WorldModel` keyword arguments (all but `rng`) of a composed config.

    Args:
        cfg: A composed config, or its resolved plain-dict form (`config.yaml` of a job).

    Returns:
        Keyword arguments, the great powers' strategies as tuples of names.
    """
    c = _plain(cfg)
    scenario = c["scenario"]
    alignment = dict(c["alignment"])
    strategy = alignment.pop("strategy")
    if strategy != "mixed":
        alignment["mixed_alignment"] = None
    council = c["council"]
    events = c["events"]
    kwargs = {
        "scenario": scenario["path"] if scenario["name"] == "custom" else scenario["name"],
        "start_year": c["start_year"],
        "alignment": strategy,
        **alignment,
        **{
            f"strategy_{code}": None if c["powers"][code] is None else tuple(c["powers"][code])
            for code in GREAT_POWERS
        },
        **{name: c["powers"][name] for name in WEDGE},
        **{name: council[key] for key, name in COUNCIL_ARGUMENTS.items()},
        "events": events["custom"] if events["custom"] is not None else events["name"],
        **c["model"],
        "record_countries": c["record"]["countries"],
    }
    point = design_point(c)
    if point is not None:  # the design's values at this job's point replace the config's
        kwargs.update(_design(c).values(point))
    return scenario_defaults(kwargs)


def _design(c: dict):
    from experiments.design import Design

    return Design.from_config(c["design"])


def design_point(cfg: DictConfig | dict) -> int | None:
    """The job's design point (None: the config has no design, or does not set the point)."""
    design = _plain(cfg).get("design")
    return None if design is None else design.get("point")


def replicate_draws(cfg: DictConfig | dict) -> list[dict[str, Any]] | None:
    """Each replicate's drawn `WorldModel` arguments under `uncertainty` (None: no draws).

    Row r of a Latin hypercube over `uncertainty.factors` seeded by the job's `seed`
    (`experiments.design.replicate_draws`).
    """
    from experiments.design import parse_factors
    from experiments.design import replicate_draws as draws

    c = _plain(cfg)
    if c.get("uncertainty") is None:
        return None
    factors = parse_factors(c["uncertainty"]["factors"], where="uncertainty.factors")
    return draws(factors, c["replicates"], c["seed"])


def scenario_defaults(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Write out the arguments left to the scenario: its year, strategies and events.

    So that every job's parameter columns say what ran (`start_year` 2000, `strategy_USA`
    "contain", ...), not "the scenario's".
    """
    politics = (world := load_world(kwargs["scenario"])).politics
    if kwargs["start_year"] is None:
        kwargs["start_year"] = world.year
    for code in GREAT_POWERS:
        if kwargs[f"strategy_{code}"] is None:
            kwargs[f"strategy_{code}"] = parse_strategies(politics.strategy(code), code)
    if kwargs["events"] == SCENARIO_EVENTS:
        events = politics.events
        kwargs["events"] = events if isinstance(events, str) else [dict(e) for e in events]
    return kwargs


def column_value(value: Any) -> Any:
    """A `WorldModel` argument as a table cell (strategies in "+" notation, JSON otherwise)."""
    if isinstance(value, tuple):  # a great power's strategies: sim's own "+" notation
        return "+".join(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def parameters(cfg: DictConfig | dict) -> dict[str, Any]:
    """The parameter columns of every result table: `WorldModel` arguments, `steps`, `seed`.

    Great powers' strategies are written "contain+wedge"; a mapping or a list of events is
    written as JSON; the Council rule is a column even while the model has no Council; a
    design's point is `design_point`. The arguments each replicate draws (`uncertainty`) are
    not among them: they are columns of the replicate's rows, after `replicate`.

    Args:
        cfg: A composed config, or its resolved plain-dict form.
    """
    c = _plain(cfg)
    kwargs = model_kwargs(c)
    kwargs.pop("record_countries")
    kwargs["council_rule"] = c["council"]["rule"]
    columns = {name: column_value(value) for name, value in kwargs.items()}
    columns["steps"] = c["steps"]
    columns["seed"] = c["seed"]
    point = design_point(c)
    if point is not None:
        columns["design_point"] = point
    for name in (replicate_draws(c) or [{}])[0]:  # each replicate's own: columns of its rows
        columns.pop(name, None)
    return columns


#: The largest root seed: the tables store seeds as signed 64-bit integers.
MAX_SEED = 2**63 - 1


def check(
    cfg: DictConfig | dict, build: bool = True, overrides: Sequence[str] = ()
) -> dict[str, Any]:
    """Check what composition cannot: combinations, names inside values, ranges.

    Args:
        cfg: A composed config.
        build: Also build one model (no step) so that the model checks every range and name
            (e.g. `model.shock_sd=-1`, a bad scenario folder) before a sweep starts.
        overrides: The job's command-line overrides: one of a key that the job's design sets
            at every point is refused (the design's value would replace it: no effect).

    Returns:
        The model keyword arguments.

    Raises:
        ConfigError: Naming the key and what is allowed.
    """
    c = _plain(cfg)
    for key, low in (("steps", 0), ("replicates", 1), ("seed", 0)):
        if c[key] < low:
            raise ConfigError(f"{key}: expected an integer >= {low}, got {c[key]}")
    if c["seed"] > MAX_SEED:  # the tables store it as a 64-bit integer
        raise ConfigError(f"seed: expected an integer in [0, {MAX_SEED}], got {c['seed']}")
    scenario = c["scenario"]
    if scenario["name"] == "custom":
        if not scenario["path"] or not Path(scenario["path"]).is_dir():
            raise ConfigError(
                f"scenario.path: scenario=custom needs a folder holding countries.csv, "
                f"got {scenario['path']!r}"
            )
    elif scenario["path"] is not None:
        raise ConfigError("scenario.path: only for scenario=custom (pass scenario=custom)")
    mixed = c["alignment"]["mixed_alignment"]
    if isinstance(mixed, str) and mixed not in MIXED_PRESETS:
        raise ConfigError(
            f"alignment.mixed_alignment: unknown preset {mixed!r}; known: {sorted(MIXED_PRESETS)} "
            "or a mapping {by: column, groups: {value: strategy}, default: strategy}"
        )
    events = c["events"]
    if events["name"] is not None and events["custom"] is not None:
        raise ConfigError("events: set events.name or events.custom, not both (events=custom)")
    if events["custom"] is not None:
        try:
            schedule(events["custom"])
        except ValueError as error:
            raise ConfigError(f"events.custom: {error}") from error
    if "council_rule" not in SIGNATURE and c["council"]["rule"] != COUNCIL_DEFAULT:
        raise ConfigError(
            f"council.rule: this version of sim.WorldModel has no council_rule argument; "
            f"only {COUNCIL_DEFAULT!r} can run"
        )
    design = None if c.get("design") is None else _design(c)
    if design is not None and design_point(c) is None:
        raise ConfigError(
            f"design.point: a design runs as a sweep, one job per point (-m: all"
            f" {design.points} points), or one point with design.point=K (0 <= K <"
            f" {design.points})"
        )
    if design is not None:
        designed = {config_key(f.name): f.name for f in design.factors}
        for line in overrides:
            key = line.split("=", 1)[0].lstrip("+~")
            if key in designed:
                raise ConfigError(
                    f"{key}: `{line}` has no effect: the design sets {key} at every point"
                    f" (its factor {designed[key]}); leave the override out, or change the"
                    f" factor (design.factors.{designed[key]})"
                )
    draws = replicate_draws(c)  # the uncertain factors' declarations
    if design is not None and draws:
        both = sorted({f.name for f in design.factors} & set(draws[0]))
        if both:
            raise ConfigError(
                f"uncertainty.factors: {', '.join(both)} also a factor of the design: each"
                " argument is either a design's or drawn by the replicates"
            )
    kwargs = model_kwargs(c)
    signature = WorldModel.constructor_parameters()
    try:  # types and ranges first, so that a bad value's message comes alone
        check_arguments(
            {k: v for k, v in kwargs.items() if k in signature},
            {name: p.annotation for name, p in signature.items()},
            PARAMETER_RANGES,
        )
    except ValueError as error:
        raise ConfigError(config_key_message(str(error))) from error
    try:
        scenario_year(load_world(kwargs["scenario"]), kwargs["start_year"])
    except ValueError as error:
        raise ConfigError(str(error)) from error
    planned = kwargs["events"]
    last = kwargs["start_year"] + c["steps"]
    for event in () if planned is None else schedule(planned):
        if event.year > last:
            raise ConfigError(
                f"events: the {event.kind} event of {event.year} is after the run's last year"
                f" {last} (start_year {kwargs['start_year']} + steps {c['steps']}): it would"
                " never happen"
            )
    if build:
        try:
            WorldModel(**kwargs, rng=0)
        except (ValueError, TypeError) as error:  # the model's own checks name the argument
            raise ConfigError(str(error)) from error
    return kwargs
