"""Designs, their sensitivity analysis and replicates that draw the uncertain parameters."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from experiments.collect import collect
from experiments.design import (
    FACTORS_DIR,
    Design,
    DesignError,
    Factor,
    parse_factors,
    read_factor_set,
    replicate_draws,
)
from experiments.run import CONFIGS, run_replicates
from experiments.schema import ConfigError, check, model_kwargs
from experiments.schema import replicate_draws as job_draws
from experiments.sensitivity import SensitivityError, analyse
from experiments.sensitivity import main as sensitivity_main
from sim import WorldModel
from tests.conftest import run_sweep

# -- the analysis, on functions whose indices are known ----------------------------------------


def values(design: Design) -> np.ndarray:
    """The design's points in the factors' own units."""
    return np.array(
        [
            [f.value(u) for f, u in zip(design.factors, row, strict=True)]
            for row in design.unit_sample()
        ]
    )


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Analytical first-order and total indices (Ishigami & Homma 1990; Sobol' & Levitan 1999)."""
    pi = np.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    total = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / total, np.array([v1 + v13, v2, v13]) / total


ISHIGAMI = tuple(Factor(f"x{i}", -np.pi, np.pi) for i in (1, 2, 3))


def test_sobol_indices_of_ishigami_match_within_their_intervals():
    design = Design("sobol", 2048, 3, ISHIGAMI)
    table = analyse(design, ishigami(values(design)), seed=1).set_index("factor")
    first, total = ishigami_indices()
    for number, name in enumerate(("x1", "x2", "x3")):
        row = table.loc[name]
        assert row["S1_low"] <= first[number] <= row["S1_high"], (name, row.to_dict())
        assert row["ST_low"] <= total[number] <= row["ST_high"], (name, row.to_dict())
        assert row["ST_high"] - row["ST_low"] < 0.15  # informative, not vacuous
    assert list(table.index) == ["x1", "x2", "x3"]  # ranked by ST


def test_morris_elementary_effects_of_a_linear_function_are_its_slopes():
    factors = tuple(Factor(f"x{i}", 0.0, 1.0) for i in range(3))
    design = Design("morris", 20, 4, factors)
    x = values(design)
    table = analyse(design, 3 * x[:, 0] - x[:, 1], seed=1).set_index("factor")
    assert table.loc["x0", "mu_star"] == pytest.approx(3)
    assert table.loc["x1", "mu_star"] == pytest.approx(1)
    assert table.loc["x1", "mu"] == pytest.approx(-1)
    assert table.loc["x2", "mu_star"] == pytest.approx(0)
    assert np.allclose(table["sigma"], 0, atol=1e-9)


def test_delta_analysis_of_a_latin_hypercube_ranks_and_sizes_first_order_effects():
    factors = tuple(Factor(f"x{i}", 0.0, 1.0) for i in range(3))
    design = Design("lhs", 1500, 5, factors)
    x = values(design)
    table = analyse(design, 3 * x[:, 0] + x[:, 1], resamples=30, seed=1).set_index("factor")
    assert list(table.index) == ["x0", "x1", "x2"]
    assert table.loc["x0", "S1"] == pytest.approx(0.9, abs=0.06)  # 9 / (9 + 1)
    assert table.loc["x1", "S1"] == pytest.approx(0.1, abs=0.06)
    assert table.loc["x2", "delta_low"] < 0.05


@pytest.mark.parametrize(("method", "size"), [("sobol", 64), ("lhs", 300), ("morris", 10)])
def test_the_bootstrap_is_the_seed_s_whatever_numpy_s_global_state(method, size):
    factors = tuple(Factor(f"x{i}", 0.0, 1.0) for i in range(3))
    design = Design(method, size, 4 if method == "morris" else 5, factors)
    x = values(design)
    y = 3 * x[:, 0] + x[:, 1] ** 2
    tables = []
    for state in (1, 2):  # seed 0 (the command's default) too: SALib reads 0 as no seed
        np.random.seed(state)  # noqa: NPY002 (the global state SALib would read)
        tables.append(analyse(design, y, resamples=50, seed=0))
    pd.testing.assert_frame_equal(*tables, check_exact=True)
    assert not analyse(design, y, resamples=50, seed=1).equals(tables[0])


def test_analysis_refuses_an_outcome_that_does_not_vary_or_is_missing():
    design = Design("lhs", 10, 0, ISHIGAMI)
    with pytest.raises(SensitivityError, match="does not depend"):
        analyse(design, np.ones(10))
    with pytest.raises(SensitivityError, match="missing"):
        analyse(design, np.r_[np.nan, np.arange(9.0)])
    with pytest.raises(SensitivityError, match="expected 10"):
        analyse(design, np.arange(9.0))


# -- declarations ---------------------------------------------------------------------------


def test_factor_values_span_ranges_levels_and_whole_numbers():
    ranged = Factor("x", 2.0, 4.0)
    assert [ranged.value(u) for u in (0, 0.5, 1)] == [2.0, 3.0, 4.0]
    levels = Factor("x", levels=("a", "b", "c"))
    assert [levels.value(u) for u in (0, 0.33, 0.34, 0.99, 1.0)] == ["a", "a", "b", "c", "c"]
    whole = Factor("x", 2, 4, integer=True)
    assert [whole.value(u) for u in (0, 0.34, 0.67, 1.0)] == [2, 3, 4, 4]


@pytest.mark.parametrize("name", sorted(p.stem for p in FACTORS_DIR.glob("*.yaml")))
def test_every_declared_factor_set_parses_and_cites_its_source(name):
    factors = read_factor_set(name)
    assert factors
    for factor in factors:
        assert factor.source, f"{name}.{factor.name}: no source"


@pytest.mark.parametrize(
    "spec, message",
    [
        (
            {"no_such_argument": {"low": 0, "high": 1}},
            r"factors\.no_such_argument: not a WorldModel",
        ),
        ({"rng": {"low": 0, "high": 1}}, r"factors\.rng: not a WorldModel argument a factor"),
        ({"shock_sd": {"low": 0.2, "high": 0.1}}, r"factors\.shock_sd: expected low < high"),
        ({"shock_sd": {"low": -1, "high": 0.1}}, r"factors\.shock_sd\.low: expected a value in"),
        ({"shock_sd": {"low": 0.1}}, r"factors\.shock_sd: expected low and high"),
        ({"shock_sd": {"low": 0, "high": 1, "step": 2}}, r"factors\.shock_sd: unknown keys"),
        ({"events": {"levels": ["status_quo", "nope"]}}, r"factors\.events\.levels\[1\]: unknown"),
        ({"strategy_USA": {"levels": ["contain", "nap"]}}, r"factors\.strategy_USA\.levels\[1\]"),
        ({"council_rule": {"levels": ["charter"]}}, r"levels: expected a list of two or more"),
        ({"alignment": {"levels": ["hedging", "hedging"]}}, r"a level is listed twice"),
        ({"bloc_formation_followers": {"low": 2, "high": 5}}, r"add integer: true"),
        ({"shock_sd": {"low": 0, "high": 1, "levels": [0, 1]}}, r"either levels or low and high"),
    ],
)
def test_bad_factor_declarations_name_the_key(spec, message):
    with pytest.raises(DesignError, match=message):
        parse_factors(spec)


def test_bad_design_settings_name_the_key():
    factors = {"shock_sd": {"low": 0.01, "high": 0.03}}
    with pytest.raises(DesignError, match=r"design\.method: expected one of lhs, sobol, morris"):
        Design.from_config({"method": "grid", "samples": 4, "seed": 0, "factors": factors})
    with pytest.raises(DesignError, match=r"design\.samples: a Sobol design .* power of 2"):
        Design.from_config({"method": "sobol", "samples": 6, "seed": 0, "factors": factors})
    with pytest.raises(DesignError, match=r"design\.point: expected a whole number in \[0, 3\]"):
        Design.from_config({"method": "lhs", "samples": 4, "seed": 0, "factors": factors}).values(4)


def test_design_sample_is_seeded_and_its_size_follows_the_method():
    spec = {
        "samples": 8,
        "seed": 3,
        "factors": {
            "shock_sd": {"low": 0.01, "high": 0.03},
            "switching_cost": {"low": 0.0, "high": 0.3},
        },
    }
    sizes = {
        m: Design.from_config({**spec, "method": m}).points for m in ("lhs", "sobol", "morris")
    }
    assert sizes == {"lhs": 8, "sobol": 8 * (2 + 2), "morris": 8 * (2 + 1)}
    again = Design.from_config({**spec, "method": "sobol"}).unit_sample()
    other = Design.from_config({**spec, "method": "sobol", "seed": 4}).unit_sample()
    assert np.array_equal(Design.from_config({**spec, "method": "sobol"}).unit_sample(), again)
    assert not np.array_equal(again, other)


# -- designs as sweeps ------------------------------------------------------------------------


def compose(*overrides):
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    with initialize_config_dir(version_base="1.3", config_dir=str(CONFIGS)):
        return hydra_compose(config_name="config", overrides=list(overrides))


def test_a_design_point_sets_its_values_as_model_arguments_and_columns():
    cfg = compose("design=levers_lhs", "design.point=5")
    design = Design.from_config(yaml.safe_load(json.dumps(dict(_plain(cfg)["design"]))))
    expected = design.values(5)
    kwargs = model_kwargs(cfg)
    for name, value in expected.items():
        assert kwargs[name] == value
    assert len(read_factor_set("levers")) == len(design.factors)


def _plain(cfg):
    from omegaconf import OmegaConf

    return OmegaConf.to_container(cfg, resolve=True, enum_to_str=True)


def test_a_single_run_of_a_design_without_its_point_fails_naming_the_key():
    with pytest.raises(ConfigError, match=r"design\.point: a design runs as a sweep"):
        check(compose("design=bloc_sobol"), build=False)


def test_an_argument_is_either_a_designs_or_drawn_not_both():
    with pytest.raises(ConfigError, match=r"uncertainty\.factors: .*hedging_threshold.* also"):
        check(compose("design=wedge_sobol", "design.point=1", "uncertainty=bloc"), build=False)
    check(compose("design=levers_lhs", "design.point=1", "uncertainty=bloc"), build=False)


DESIGN_SWEEP = ("design=wedge_sobol", "design.samples=2", "steps=3", "replicates=1")


def test_a_design_sweep_runs_every_point_resumes_and_is_analysed(tmp_path):
    folder = tmp_path / "wedge"
    done = run_sweep(folder, *DESIGN_SWEEP)
    assert done.returncode == 0, done.stderr[-3000:]
    points = Design.from_config(_plain(compose(*DESIGN_SWEEP))["design"]).points
    assert points == 2 * (5 + 2)
    jobs = sorted(p.parent.parent.name for p in folder.glob("*/seed=*/done.json"))
    assert jobs == sorted(f"design.point={k},{_rest()}" for k in range(points))
    # an interrupted sweep: one job lost; the analysis refuses, the same command resumes it
    lost = next(folder.glob("design.point=3,*"))
    shutil.rmtree(lost)
    kept = {p: p.stat().st_mtime_ns for p in folder.glob("*/seed=*/done.json")}
    status = sensitivity_main([str(folder), "--outcome", "bloc_size_West", "--year", "2027"])
    assert status == 1
    again = run_sweep(folder, *DESIGN_SWEEP)
    assert again.returncode == 0, again.stderr[-3000:]
    assert {p: p.stat().st_mtime_ns for p in kept} == kept  # the others were not run again
    assert (lost / "seed=2024" / "done.json").is_file()
    status = sensitivity_main(
        [str(folder), "--outcome", "gdp_share_CHN", "--year", "2027", "--resamples", "50"]
    )
    assert status == 0
    table = pd.read_csv(folder / "sensitivity_gdp_share_CHN_2027.csv")
    assert sorted(table["factor"]) == sorted(
        [
            "hedging_threshold",
            "switching_cost",
            "choice_noise",
            "bloc_formation_affinity",
            "wedge_strength",
        ]
    )
    assert {"S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"} <= set(table.columns)
    assert (folder / "sensitivity_gdp_share_CHN_2027.png").stat().st_size > 1000
    summary = collect(folder)[0]["summary"]
    assert sorted(summary["design_point"]) == list(range(points))


def _rest():
    return "design.samples=2,design=wedge_sobol,replicates=1,steps=3"


def test_hydras_own_basic_sweeper_refuses_a_design_it_would_not_expand(tmp_path):
    done = run_sweep(tmp_path / "basic", *DESIGN_SWEEP, "hydra/sweeper=basic")
    assert done.returncode == 1
    assert "only hydra/sweeper=powershift" in done.stderr
    assert "design.point=range(0,14)" in done.stderr


# -- replicates that carry parameter uncertainty -------------------------------------------------


def test_replicate_draws_are_a_seeded_latin_hypercube_over_the_declared_ranges():
    factors = read_factor_set("bloc")
    draws = replicate_draws(factors, 20, seed=7)
    assert draws == replicate_draws(factors, 20, seed=7)
    assert draws != replicate_draws(factors, 20, seed=8)
    for factor in factors:
        drawn = np.array([d[factor.name] for d in draws])
        slices = np.floor((drawn - factor.low) / (factor.high - factor.low) * 20).astype(int)
        assert sorted(slices) == list(range(20)), factor.name  # one draw in each twentieth


def test_each_replicate_runs_with_its_drawn_values(tmp_path):
    cfg = compose("uncertainty=bloc", "replicates=3", "steps=2", "seed=11")
    draws = job_draws(cfg)
    kwargs = model_kwargs(cfg)
    tables = run_replicates(kwargs, 2, 3, 11, draws=draws)
    steps = tables["steps"]
    children = np.random.SeedSequence(11).spawn(3)
    for replicate in (0, 2):
        rows = steps[steps["replicate"] == replicate]
        for name, value in draws[replicate].items():
            assert (rows[name] == value).all()
        model = WorldModel(
            **{**kwargs, **draws[replicate]}, rng=np.random.default_rng(children[replicate])
        )
        model.step()
        model.step()
        direct = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        pd.testing.assert_series_equal(
            rows["bloc_size_West"].reset_index(drop=True),
            direct["bloc_size_West"],
            check_names=False,
        )
    # the draws matter: the replicates' alignment parameters differ, so do their worlds
    assert steps.groupby("replicate")["hedging_threshold"].first().nunique() == 3


def test_an_uncertainty_sweep_is_analysed_over_its_replicates(tmp_path):
    folder = tmp_path / "uncertain"
    done = run_sweep(folder, "uncertainty=bloc", "replicates=60", "steps=2", "seed=3")
    assert done.returncode == 0, done.stderr[-3000:]
    status = sensitivity_main(
        [str(folder), "--outcome", "bloc_size_Eurasia", "--years", "2025-2026", "--resamples", "20"]
    )
    assert status == 0
    table = pd.read_csv(folder / "sensitivity_bloc_size_Eurasia_2025-2026.csv")
    assert sorted(table["factor"]) == sorted(f.name for f in read_factor_set("bloc"))
    assert {"delta", "delta_low", "delta_high", "S1"} <= set(table.columns)
    assert table["delta"].notna().all() and (table["delta"] > 0).all()


def test_categorical_levels_become_the_model_arguments_they_name():
    from sim.alignment.strategies import STRATEGIES

    seen = set()
    for point in range(0, 100, 7):
        kwargs = model_kwargs(compose("design=structure_lhs", f"design.point={point}"))
        if kwargs["alignment"] == "mixed":
            assert kwargs["mixed_alignment"] == "status_quo"
        else:
            assert kwargs["alignment"] in STRATEGIES and kwargs["mixed_alignment"] is None
        seen.add(kwargs["alignment"])
        check(compose("design=structure_lhs", f"design.point={point}"), build=point < 15)
    assert len(seen) >= 3
