"""`configs/`: every experiment composes, every group option builds a model, bad values fail."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException
from omegaconf.errors import OmegaConfBaseException

from experiments.run import CONFIGS
from experiments.schema import (
    GROUPED,
    MODEL_ARGUMENTS,
    NOT_CONFIGURED,
    SIGNATURE,
    ConfigError,
    check,
    default,
    model_kwargs,
)
from sim import WorldModel
from sim.alignment.strategies import STRATEGIES
from sim.council import RULES
from sim.events import EVENT_SETS
from sim.world import shipped_scenarios

EXPERIMENTS = sorted(p.stem for p in (CONFIGS / "experiment").glob("*.yaml"))
GROUPS = ("scenario", "alignment", "powers", "council", "events")


@pytest.fixture(scope="module")
def hydra_configs():
    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
        yield GlobalHydra.instance().config_loader()


def composed(*overrides, hydra=False):
    return compose(config_name="config", overrides=list(overrides), return_hydra_config=hydra)


def options(loader, group):
    return set(loader.get_group_options(group))


def test_the_studies_of_the_issue_are_there():
    required = {"baseline", "alignment_strategies", "wedge", "council_reform"}
    assert required | {"brics_expansion", "three_way_summit"} <= set(EXPERIMENTS)


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_experiment_composes_and_says_how_to_reproduce_it(hydra_configs, name):
    text = (CONFIGS / "experiment" / f"{name}.yaml").read_text()
    assert text.startswith("# @package _global_")
    assert f"python -m experiments.run -m experiment={name}" in text
    cfg = composed(f"experiment={name}", hydra=True)
    assert cfg.study == name and cfg.replicates >= 10 and cfg.seed == 2025
    params = cfg.hydra.sweeper.params or {}
    assert name == "baseline" or params, "a study sets its own sweep"
    kwargs = check(cfg, build=False)
    assert kwargs["scenario"] == "world_2024"


def test_group_options_cover_the_registries(hydra_configs):
    assert options(hydra_configs, "scenario") == {*shipped_scenarios(), "custom"}
    assert options(hydra_configs, "alignment") == {*STRATEGIES, "mixed", "status_quo"}
    assert options(hydra_configs, "council") == {*RULES, "none"}
    assert options(hydra_configs, "events") == {*EVENT_SETS, "scenario", "custom"}
    assert {"status_quo", "wedge", "restraint"} <= options(hydra_configs, "powers")
    launchers = options(hydra_configs, "hydra/launcher")
    assert {"basic", "joblib", "submitit_local", "submitit_slurm", "slurm"} <= launchers


def test_every_model_argument_is_configured_or_named_as_not():
    configurable = set(GROUPED) | set(MODEL_ARGUMENTS)
    assert set(SIGNATURE) == configurable | set(NOT_CONFIGURED)


def test_defaults_are_the_models(hydra_configs):
    kwargs = model_kwargs(composed())
    for name in MODEL_ARGUMENTS:
        assert kwargs[name] == default(name), name
    # what the model leaves to the scenario is written out as the scenario's (world_2024's)
    assert default("start_year") is None and kwargs["start_year"] == 2024
    assert default("events") == "scenario" and kwargs["events"] == "status_quo"
    assert kwargs["alignment"] == "mixed" and kwargs["mixed_alignment"] == "status_quo"
    assert default("strategy_USA") is None
    assert {code: kwargs[f"strategy_{code}"] for code in ("USA", "CHN", "RUS")} == {
        "USA": ("contain",),
        "CHN": ("expand",),
        "RUS": ("consolidate",),
    }


@pytest.mark.filterwarnings("ignore:council_rule:UserWarning")
def test_every_group_option_builds_a_model_that_steps(hydra_configs, tiny_world_dir):
    built = 0
    for group in GROUPS:
        for option in sorted(options(hydra_configs, group)):
            overrides = [f"{group}={option}"]
            if (group, option) == ("scenario", "custom"):
                overrides.append(f"scenario.path={tiny_world_dir}")
            kwargs = check(composed(*overrides), build=False)
            model = WorldModel(**kwargs, rng=1)
            model.step()
            assert model.year == model.start_year + 1, overrides
            assert model.start_year == model.world.year, overrides
            built += 1
    assert built >= 30


def test_options_map_to_the_model_arguments(hydra_configs):
    assert model_kwargs(composed("powers=wedge"))["strategy_USA"] == ("wedge",)
    kwargs = model_kwargs(composed("alignment=landscape"))
    assert kwargs["alignment"] == "landscape" and kwargs["mixed_alignment"] is None
    assert model_kwargs(composed("council=g4_veto"))["council_rule"] == "g4_veto"
    assert model_kwargs(composed("council=none"))["council_rule"] is None
    custom = model_kwargs(composed("events=custom"))["events"]
    assert isinstance(custom, list) and custom[0]["kind"] == "brics_expansion"
    assert model_kwargs(composed("events=multipolar"))["events"] == "multipolar"


def test_slurm_launcher_is_ready(hydra_configs):
    launcher = composed("hydra/launcher=slurm", hydra=True).hydra.launcher
    assert "SlurmLauncher" in launcher._target_
    assert launcher.cpus_per_task == 1 and launcher.mem_gb == 4 and launcher.timeout_min == 60


@pytest.mark.parametrize(
    "override, key",
    [
        ("alignment=balancnig", "alignment"),  # unknown option
        ("steps=many", "steps"),  # wrong type
        ("powers.USA=[contain,wegde]", "USA"),  # unknown name inside a list
        ("model.shock_sdd=0.1", "shock_sdd"),  # unknown key
        ("events.name=armageddon", "events.name"),
    ],
)
def test_composition_errors_name_the_key(hydra_configs, override, key):
    with pytest.raises((HydraException, OmegaConfBaseException)) as error:
        composed(override)
    assert key in str(error.value)


@pytest.mark.parametrize(
    "override, key",
    [
        ("powers.wedge_strength=2", "wedge_strength"),
        ("model.shock_sd=-1", "shock_sd"),
        ("alignment.mixed_alignment=by_continent", "alignment.mixed_alignment"),
        ("replicates=0", "replicates"),
        ("scenario=custom", "scenario.path"),
    ],
)
def test_values_out_of_range_fail_the_check(hydra_configs, override, key):
    with pytest.raises((ConfigError, OmegaConfBaseException)) as error:
        check(composed(override))
    assert key in str(error.value)


@pytest.mark.parametrize(
    "override, message",
    [
        ("powers.wedge_strength=1.5", r"^powers.wedge_strength: expected a value in \[0.0, 1.0\]"),
        ("model.affinity_trade_effect=nan", r"^model.affinity_trade_effect: expected a finite"),
        ("alignment.hedging_threshold=nan", r"^alignment.hedging_threshold: expected a finite"),
        ("seed=9223372036854775808", r"^seed: expected an integer in \[0, 9223372036854775807\]"),
        ("start_year=2000", r"start_year: the scenario 'world_2024' holds the world of 2024"),
        (
            "events=custom events.custom=[{year:2060,kind:ceasefire}] steps=5",
            r"^events: the ceasefire event of 2060 is after the run's last year 2029",
        ),
    ],
)
def test_the_check_names_the_config_key_before_any_model_is_built(hydra_configs, override, message):
    with pytest.raises((ConfigError, OmegaConfBaseException)) as error:
        check(composed(*override.split()), build=False)
    assert __import__("re").search(message, str(error.value)), str(error.value)


def cli(*arguments, cwd):
    return subprocess.run(
        [sys.executable, "-m", "experiments.run", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


def test_command_line_errors_exit_non_zero_naming_the_key(tmp_path):
    single = cli(
        "steps=1",
        "replicates=1",
        "powers.wedge_strength=1.5",
        f"hydra.run.dir={tmp_path / 'one'}",
        cwd=CONFIGS.parent,
    )
    assert single.returncode != 0 and "wedge_strength" in single.stderr
    sweep = cli(
        "-m",
        "steps=1",
        "replicates=1",
        "alignment=balancing,balancnig",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        cwd=CONFIGS.parent,
    )
    assert sweep.returncode != 0 and "balancnig" in sweep.stderr
    assert not list((tmp_path / "sweep").rglob("done.json")), "no job starts"
    checked = cli(
        "-m",
        "steps=1",
        "replicates=1",
        "powers.wedge_strength=0.5,3",
        "hydra.callbacks.sweep_guard.check_jobs=true",
        f"hydra.sweep.dir={tmp_path / 'checked'}",
        cwd=CONFIGS.parent,
    )
    assert checked.returncode != 0 and "wedge_strength" in checked.stderr
    assert not list((tmp_path / "checked").rglob("done.json")), "no job starts"
