"""Calibration with Optuna: known parameters recovered, reproducible studies, checked files."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
import yaml

from experiments.calibrate import (
    OBJECTIVES,
    TARGETS_DIR,
    CalibrationError,
    Objective,
    calibrate,
    load,
    main,
    parse_ranges,
    run_study,
)
from experiments.run import run_replicates

ROOT = Path(__file__).resolve().parents[1]
TRUTH = 0.37  # the toy's known parameter


class Line(Objective):
    """A toy objective: target k is `slope_k * theta`, no noise."""

    name: ClassVar[str] = "toy_line"
    target_keys: ClassVar[tuple[str, ...]] = ("slope",)

    def parameters(self, spec, where):
        return parse_ranges(spec, where, {"theta": (-10.0, 10.0)})

    def evaluate(self, point, targets, replicates, seed):
        return {t.name: t.spec["slope"] * point["theta"] for t in targets}

    def write_best(self, point, folder, stem, *, command, loss):
        path = folder / f"{stem}.json"
        path.write_text(json.dumps(point))
        return path, f"read {path}"


@pytest.fixture
def toy(monkeypatch):
    monkeypatch.setitem(OBJECTIVES, Line.name, Line)


def write_file(path: Path, spec: dict) -> Path:
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def toy_spec(**changes) -> dict:
    spec = {
        "objective": {"name": "toy_line"},
        "parameters": {"theta": {"low": 0.0, "high": 1.0, "source": "toy"}},
        "targets": {
            # fitted: 2 theta at the truth
            "doubled": {
                "fit": True,
                "slope": 2.0,
                "value": 2.0 * TRUTH,
                "scale": 0.01,
                "source": "toy",
            },  # fmt: skip
            # held out, and pointing elsewhere (theta 0.9): it must not pull the fit
            "negated": {
                "fit": False,
                "slope": -1.0,
                "value": -0.9,
                "scale": 0.01,
                "source": "toy",
            },  # fmt: skip
        },
        "loss": "squared_z",
        "trials": 40,
        "replicates": 1,
        "seed": 3,
        "startup_trials": 10,
    }
    spec.update(changes)
    return spec


def test_a_toy_calibration_recovers_the_known_parameter_and_ignores_held_out_targets(toy, tmp_path):
    calibration = load(write_file(tmp_path / "toy.yaml", toy_spec()))
    study = run_study(calibration, progress=None)
    table = study.table
    assert list(table["trial"]) == list(range(40))
    assert {"trial", "loss", "theta", "model_doubled", "model_negated"} <= set(table.columns)
    # tolerance from the search: the best of the random start-up trials is the baseline the
    # sampler must beat; after it, TPE must come within 1% of the range of the truth
    startup = table.loc[table["trial"] < 8, "theta"]
    assert abs(study.best["theta"] - TRUTH) < min(0.01, (startup - TRUTH).abs().min())
    assert study.best_loss == pytest.approx(((2 * study.best["theta"] - 2 * TRUTH) / 0.01) ** 2)
    # the held-out target's model value is recorded, not fitted
    best = study.best_row
    assert best["model_negated"] == pytest.approx(-study.best["theta"])


def test_the_same_seed_gives_the_same_trials_and_another_seed_others(toy, tmp_path):
    path = write_file(tmp_path / "toy.yaml", toy_spec(trials=15))
    first = run_study(load(path), progress=None).table
    again = run_study(load(path), progress=None).table
    pd.testing.assert_frame_equal(first, again, check_exact=True)
    other = run_study(load(path, seed=4), progress=None).table
    assert not np.array_equal(first["theta"], other["theta"])


def test_the_start_point_is_tried_first(toy, tmp_path):
    spec = toy_spec(trials=4, start={"theta": TRUTH})
    started = run_study(load(write_file(tmp_path / "s.yaml", spec)), progress=None)
    assert started.table.loc[0, "theta"] == TRUTH and started.best == {"theta": TRUTH}
    assert started.best_loss == 0.0  # no later trial can beat it
    unstarted = run_study(load(write_file(tmp_path / "u.yaml", toy_spec(trials=4))), progress=None)
    assert unstarted.table.loc[0, "theta"] != TRUTH and unstarted.best_loss > 0.0
    # the trials after the start are the sampler's own, from the file's seed
    again = run_study(load(tmp_path / "s.yaml"), progress=None)
    pd.testing.assert_frame_equal(started.table, again.table, check_exact=True)


def test_a_real_model_outcome_generated_at_a_known_value_is_fitted_back(tmp_path):
    """China's GDP share in 2027 at convergence_rate 0.012, fitted back (common seeds)."""
    truth, seed = 0.012, 11
    kwargs = {"council_rule": None}  # as `council=none` composes it, for speed
    steps = run_replicates({**kwargs, "convergence_rate": truth}, 3, 1, seed)["steps"]
    generated = float(steps.loc[steps["year"] == 2027, "gdp_share_CHN"].iloc[0])
    spec = {
        "objective": {"name": "outcomes", "overrides": ["council=none"]},
        "parameters": {"convergence_rate": "exogenous"},  # [0, 0.016], configs/factors/
        "targets": {
            "china": {
                "fit": True,
                "column": "gdp_share_CHN",
                "year": 2027,
                "value": generated,
                "scale": 1e-5,
                "source": "generated at convergence_rate 0.012",
            },
            "india": {
                "fit": False,
                "column": "gdp_share_IND",
                "years": [2026, 2027],
                "value": 0.0,
                "source": "held out: any value",
            },
        },  # fmt: skip
        "loss": "squared_z",
        "trials": 25,
        "replicates": 1,
        "seed": seed,
        "startup_trials": 5,
    }
    path = write_file(tmp_path / "china.yaml", spec)
    study, paths = calibrate(path, tmp_path / "out", progress=None)
    # the outcome moves by about 6.5e-5 per 0.001 of the rate (0.1768 to 0.1779 over
    # [0, 0.016]): 2% of the range is about 9 scales, far above the best loss's error
    assert abs(study.best["convergence_rate"] - truth) < 0.02 * 0.016
    assert study.best_loss < 1.0
    trials = pd.read_csv(paths["trials"])
    assert len(trials) == 25 and {"model_china", "model_india"} <= set(trials.columns)
    best = json.loads(paths["best"].read_text())
    assert best["parameters"] == study.best and best["objective"] == "outcomes"
    report = paths["report"].read_text()
    assert "| china | fitted |" in report and "| india | validation (kept out) |" in report
    # the override, passed as written (the printed command), sets the fitted value
    usage = best["override"]
    assert usage.startswith("python -m experiments.run ")
    argv = shlex.split(usage)[3:]
    shown = subprocess.run(
        [sys.executable, "-m", "experiments.run", *argv, "--cfg", "job"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    composed = yaml.safe_load(shown)
    assert composed["model"]["convergence_rate"] == study.best["convergence_rate"]
    assert paths["override"] == tmp_path / "out" / "calibrated" / "china.yaml"


BAD = [
    ({"objective": {"name": "nope"}}, "objective.name: unknown objective 'nope'"),
    ({"loss": "l2"}, "loss: expected one of squared_z, absolute"),
    ({"parameters": {"theta": {"low": 1.0, "high": 0.5}}}, "parameters.theta: expected low < high"),
    ({"parameters": {"phi": {"low": 0.0, "high": 1.0}}}, "parameters.phi: not a parameter"),
    ({"parameters": {"theta": {"low": "a", "high": 1}}}, "parameters.theta.low: expected a number"),
    ({"targets": {"t": {"slope": 1.0, "value": 0, "scale": 1, "source": "x"}}}, "targets.t.fit"),
    ({"targets": {"t": {"fit": True, "slope": 1.0, "value": 0, "scale": 1}}}, "targets.t.source"),
    ({"targets": {"t": {"fit": True, "slope": 1, "value": 0, "source": "x"}}}, "targets.t.scale"),
    ({"targets": {"t": {"fit": True, "slope": 1, "source": "x"}}}, "targets.t.value"),
    ({"targets": {"t": {"fit": True, "slop": 1, "source": "x"}}}, "targets.t: unknown keys"),
    (
        {"targets": {"t": {"fit": False, "slope": 1, "value": 0, "source": "x"}}},
        "no target has fit",
    ),
    ({"trials": 0}, "trials: expected a whole number >= 1"),
    ({"sampler": "tpe"}, "unknown keys ['sampler']"),
    ({"start": {"theta": 2.0}}, "start.theta: expected a number in [0.0, 1.0], got 2.0"),
    ({"start": {"theta": "a"}}, "start.theta: expected a number in [0.0, 1.0], got 'a'"),
    ({"start": {"phi": 0.5}}, "start: expected a value for every parameter (theta), got ['phi']"),
    ({"start": 0.5}, "start: expected a value for every parameter (theta), got 0.5"),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_a_bad_target_file_fails_naming_the_file_and_the_key(toy, tmp_path, change, message):
    path = write_file(tmp_path / "bad.yaml", toy_spec(**change))
    with pytest.raises(CalibrationError) as error:
        load(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"scenario": {"levels": ["world_2000", "world_2014"]}}, "parameters.scenario: not a"),
        ({"shock_sd": {"low": -1.0, "high": 0.1}}, "parameters.shock_sd.low: expected a value"),
        ({"events": {"levels": ["status_quo", None]}}, "parameters.events: a calibration fits"),
        ({"convergence_rate": "no_such_set"}, "no factor set 'no_such_set'"),
        ("start", "start.growth_persistence: expected a number in [0.55, 0.9], got 0.2"),
    ],
)
def test_world_parameters_are_checked_as_factors(tmp_path, parameters, message):
    start = {}
    if parameters == "start":  # a start point outside a shipped factor's range
        parameters = {"growth_persistence": "exogenous"}
        start = {"start": {"growth_persistence": 0.2}}
    spec = {
        **start,
        "objective": {"name": "outcomes"},
        "parameters": parameters,
        "targets": {"t": {"fit": True, "column": "gdp_share_CHN", "year": 2026, "value": 0.1,
                          "scale": 0.01, "source": "x"}},
        "loss": "squared_z",
    }  # fmt: skip
    path = write_file(tmp_path / "world.yaml", spec)
    with pytest.raises(CalibrationError) as error:
        load(path)
    assert str(error.value).startswith(f"{path}: ") and message in str(error.value)


def test_the_shipped_target_files_load_and_the_command_reports_errors(tmp_path, capsys):
    hindcast = load(TARGETS_DIR / "hindcast.yaml")
    assert [p.name for p in hindcast.parameters] == ["convergence_rate", "growth_persistence"]
    assert [t.name for t in hindcast.fitted] == ["mae_2000_to_2014"]
    assert {t.name for t in hindcast.held_out} == {"mae_2014_to_2024", "mae_2000_to_2024"}
    council = load(TARGETS_DIR / "council.yaml")
    assert council.objective.name == "council" and len(council.fitted) == 12
    shipped = yaml.safe_load((TARGETS_DIR / "hindcast.yaml").read_text())
    bad = write_file(tmp_path / "bad.yaml", {**shipped, "loss": "l1"})
    assert main([str(bad)]) == 1
    assert f"{bad}: loss: expected one of" in capsys.readouterr().err


def test_the_hindcast_objective_scores_as_the_hindcast_does():
    """At the defaults, its values are `experiments.hindcast`'s median scores of the same runs."""
    from experiments.hindcast import score_start
    from experiments.schema import default

    calibration = load(TARGETS_DIR / "hindcast.yaml")
    objective = calibration.objective
    point = {"convergence_rate": default("convergence_rate"),
             "growth_persistence": default("growth_persistence")}  # fmt: skip
    values = objective.evaluate(point, calibration.targets, 2, 5)
    kwargs, start = objective.compose(["hindcast=from_2000"])
    tables = run_replicates({**kwargs, "record_countries": True}, 2024 - start, 2, 5)
    scores = score_start(tables["countries"], tables["steps"], "world_2000")
    model = scores[scores["source"] == "model"].groupby("year")["mae_log_share"].median()
    assert values["mae_2000_to_2014"] == pytest.approx(model[2014], abs=1e-12)
    assert values["mae_2000_to_2024"] == pytest.approx(model[2024], abs=1e-12)
    assert 0.1 < values["mae_2014_to_2024"] < 0.5
