"""The EMA Workbench model (experiments.ema): its parameters, its experiments, PRIM, the CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from experiments import ema
from experiments.design import read_factor_set

ema_workbench = pytest.importorskip("ema_workbench")

#: A few experiments of a few years: enough to run every outcome, quick to run twice.
SMALL = {"years": 3, "replicates": 2, "seed": 11}


@pytest.fixture(scope="module")
def small_model():
    return ema.model(**SMALL)


@pytest.fixture(scope="module")
def sequential(small_model):
    return ema.perform(small_model, experiments=3, policies=2, seed=5, processes=1)


def parameters_by_name(parameters):
    return {p.name: p for p in parameters}


@pytest.mark.parametrize(
    ("factor_set", "attribute"), [("exogenous", "uncertainties"), ("levers", "levers")]
)
def test_parameters_are_the_declared_factors(small_model, factor_set, attribute):
    factors = read_factor_set(factor_set)
    parameters = parameters_by_name(getattr(small_model, attribute))
    assert sorted(parameters) == sorted(f.name for f in factors)
    for factor in factors:
        parameter = parameters[factor.name]
        if factor.categorical:
            assert isinstance(parameter, ema_workbench.CategoricalParameter)
            values = [category.value for category in parameter.categories]
            assert values == list(factor.levels), factor.name
        else:
            kind = ema_workbench.IntegerParameter if factor.integer else ema_workbench.RealParameter
            assert type(parameter) is kind, factor.name
            assert (parameter.lower_bound, parameter.upper_bound) == (factor.low, factor.high)


def test_strategy_levels_keep_the_plus_notation():
    (usa,) = [p for p in ema.levers() if p.name == "strategy_USA"]
    names = [category.name for category in usa.categories]
    assert "contain+wedge" in names
    assert names == [category.value for category in usa.categories]


def test_constants_and_outcomes(small_model):
    constants = {c.name: c.value for c in small_model.constants}
    assert constants == {
        "scenario": ema.SCENARIO,
        "years": 3,
        "replicates": 2,
        "seed": 11,
        "split_before": ema.SPLIT_BEFORE,
    }
    assert [o.name for o in small_model.outcomes] == list(ema.OUTCOMES)


def test_further_uncertainty_sets_are_added():
    world = ema.model(uncertainty_sets=("exogenous", "assumed"))
    names = {p.name for p in world.uncertainties}
    assert {f.name for f in read_factor_set("assumed")} <= names
    assert {f.name for f in read_factor_set("exogenous")} <= names


def test_a_factor_declared_twice_is_refused():
    with pytest.raises(ema.EmaError, match=r"exogenous.*shock_sd.* declared twice"):
        ema.model(uncertainty_sets=("exogenous", "exogenous"))


@pytest.mark.parametrize(("name", "value"), [("years", 0), ("replicates", 0), ("seed", -1)])
def test_bad_model_arguments_name_the_argument(name, value):
    with pytest.raises(ema.EmaError, match=f"^{name}: expected a whole number"):
        ema.model(**{name: value})


def steps_table(split_years, aligned_last, vetoed):
    """Two-year steps tables of replicates with the given split years and vetoes."""
    rows = []
    for replicate, (split, aligned, vetoes) in enumerate(
        zip(split_years, aligned_last, vetoed, strict=True)
    ):
        for year, drafts in ((2024, math.nan), (2025, vetoes[0]), (2026, vetoes[1])):
            rows.append(
                {
                    "replicate": replicate,
                    "year": year,
                    "ru_cn_split_year": split if year == 2026 else math.nan,
                    "ru_cn_aligned": aligned if year == 2026 else 1,
                    "gdp_share_CHN": 0.2 + replicate / 10,
                    "bloc_size_West": 40 + replicate,
                    "drafts_vetoed": drafts,
                    "polarity": 3.0,
                    "wars_ongoing": replicate,
                    "affinity_RUS_CHN": 0.5 - replicate / 4,
                }
            )
    return pd.DataFrame(rows)


def test_outcomes_average_over_replicates():
    steps = steps_table([2025.0, math.nan, 2026.0], [0, 1, 1], [(1, 2), (0, 0), (3, 0)])
    outcomes = ema.outcomes_of(steps, split_before=2026)
    assert outcomes["ru_cn_split_before"] == pytest.approx(1 / 3)  # 2026 is not before 2026
    assert outcomes["ru_cn_split_share"] == pytest.approx(2 / 3)
    assert outcomes["ru_cn_split_year"] == pytest.approx(2025.5)
    assert outcomes["ru_cn_aligned_share"] == pytest.approx(2 / 3)
    assert outcomes["gdp_share_CHN"] == pytest.approx(0.3)
    assert outcomes["bloc_size_West"] == pytest.approx(41)
    assert outcomes["drafts_vetoed"] == pytest.approx(2.0)  # (3 + 0 + 3) / 3
    assert outcomes["wars_ongoing"] == pytest.approx(1.0)
    assert outcomes["affinity_RUS_CHN"] == pytest.approx(0.25)
    assert set(outcomes) == set(ema.OUTCOMES)


def test_no_split_gives_a_nan_year():
    outcomes = ema.outcomes_of(steps_table([math.nan], [1], [(0, 0)]))
    assert math.isnan(outcomes["ru_cn_split_year"])
    assert outcomes["ru_cn_split_before"] == outcomes["ru_cn_split_share"] == 0.0


def test_experiments_run_and_give_valid_outcomes(sequential):
    experiments, outcomes = sequential
    assert len(experiments) == 6  # 3 scenarios x 2 policies
    assert set(outcomes) == set(ema.OUTCOMES)
    for name, values in outcomes.items():
        assert values.shape == (6,), name
        if name != "ru_cn_split_year":
            assert np.isfinite(values).all(), name
    for name in ("ru_cn_split_before", "ru_cn_split_share", "ru_cn_aligned_share"):
        assert ((outcomes[name] >= 0) & (outcomes[name] <= 1)).all(), name
    assert ((outcomes["gdp_share_CHN"] > 0) & (outcomes["gdp_share_CHN"] < 1)).all()
    assert ((outcomes["bloc_size_West"] >= 0) & (outcomes["bloc_size_West"] <= 193)).all()
    assert (outcomes["drafts_vetoed"] >= 0).all() and (outcomes["polarity"] >= 1).all()
    assert (np.abs(outcomes["affinity_RUS_CHN"]) <= 1).all()
    split = outcomes["ru_cn_split_year"]
    assert np.isnan(split[outcomes["ru_cn_split_share"] == 0]).all()
    assert ((split >= 2025) & (split <= 2027)).all() | np.isnan(split).all()
    # two policies, each in every scenario: the levers take two values, the scenarios three
    assert experiments["wedge_strength"].nunique() == 2
    assert experiments["shock_sd"].nunique() == 3


def test_the_pool_gives_the_same_outcomes(small_model, sequential):
    pooled = ema.perform(small_model, experiments=3, policies=2, seed=5, processes=2)
    pd.testing.assert_frame_equal(pooled[0], sequential[0])
    for name, values in sequential[1].items():
        np.testing.assert_array_equal(pooled[1][name], values, err_msg=name)


def test_an_experiment_depends_only_on_its_values(sequential):
    experiments, outcomes = sequential
    row = experiments.iloc[4]
    factors = {p.name: row[p.name] for p in [*ema.uncertainties(), *ema.levers()] if p.name in row}
    again = ema.run_world(**SMALL, **factors)
    for name, value in again.items():
        np.testing.assert_array_equal(value, outcomes[name][4], err_msg=name)


def test_the_sample_is_seeded():
    world = ema.model(years=1, replicates=1)
    first = ema.perform(world, experiments=3, policies=1, seed=3)[0]
    again = ema.perform(world, experiments=3, policies=1, seed=3)[0]
    other = ema.perform(world, experiments=3, policies=1, seed=4)[0]
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["shock_sd"], other["shock_sd"])


def test_bad_perform_arguments_are_refused(small_model):
    with pytest.raises(ema.EmaError, match="processes >= 1"):
        ema.perform(small_model, experiments=2, processes=0)
    with pytest.raises(ema.EmaError, match="combine"):
        ema.perform(small_model, experiments=2, combine="zip")


def synthetic_results(n=400, seed=0):
    """Experiments where the split happens exactly when the wedge is strong (> 0.6)."""
    rng = np.random.default_rng(seed)
    experiments = pd.DataFrame(
        {
            "wedge_strength": rng.uniform(0, 1, n),
            "shock_sd": rng.uniform(0.01, 0.03, n),
            "strategy_USA": pd.Categorical(rng.choice(["contain", "wedge", "restraint"], n)),
            "policy": pd.Categorical(["0"] * n),
            "model": pd.Categorical(["powershift"] * n),
        }
    )
    split = (experiments["wedge_strength"] > 0.6).to_numpy(float)
    return experiments, {"ru_cn_split_before": split, "gdp_share_CHN": rng.uniform(size=n)}


def test_prim_finds_the_strong_wedge():
    box = ema.prim_box(synthetic_results())
    assert list(box.limits.index) == ["wedge_strength"]
    limit = box.limits.loc["wedge_strength"]
    assert limit["min"] == pytest.approx(0.6, abs=0.03)
    assert limit["kind"] == "lever" and limit["declared"] == "[0, 1]"
    assert math.isnan(limit["qp_max"]) and limit["qp_min"] < 0.01
    assert box.coverage > 0.9 and box.density > 0.9
    assert box.coverage == box.trajectory.loc[box.index, "coverage"]
    assert "wedge_strength: >= 0.6" in box.summary()


def test_prim_finds_a_categorical_condition():
    experiments, outcomes = synthetic_results(seed=1)
    both = (experiments["wedge_strength"] > 0.6) & (experiments["strategy_USA"] == "wedge")
    outcomes["ru_cn_split_before"] = both.to_numpy(float)
    box = ema.prim_box((experiments, outcomes))
    assert box.limits.loc["strategy_USA", "levels"] == "wedge"
    assert box.limits.loc["wedge_strength", "min"] == pytest.approx(0.6, abs=0.05)
    assert "| `strategy_USA` | lever | in {wedge} |" in ema.box_markdown(box)


def test_prim_below_a_threshold():
    experiments, outcomes = synthetic_results(seed=2)
    outcomes["affinity_RUS_CHN"] = 1 - experiments["wedge_strength"].to_numpy()  # low: strong
    box = ema.prim_box((experiments, outcomes), "affinity_RUS_CHN", threshold=0.4, below=True)
    assert box.case == "affinity_RUS_CHN < 0.4"
    assert box.limits.loc["wedge_strength", "min"] == pytest.approx(0.6, abs=0.03)


def test_prim_needs_cases_of_interest():
    experiments, outcomes = synthetic_results()
    with pytest.raises(ema.EmaError, match="in 0 of 400 experiments"):
        ema.prim_box((experiments, outcomes), threshold=2)
    with pytest.raises(ema.EmaError, match="'ru_cn_split' not in the results"):
        ema.prim_box((experiments, outcomes), outcome="ru_cn_split")


def test_save_writes_results_box_and_figure(tmp_path):
    results = synthetic_results()
    box = ema.prim_box(results)
    written = ema.save(results, box, tmp_path, {"experiments": 400})
    names = sorted(p.name for p in written)
    assert names == sorted(
        [
            "results.tar.gz",
            "prim_box.csv",
            "prim_box.md",
            "prim_trajectory.csv",
            "prim_box.png",
            "ema.json",
        ]
    )
    table = pd.read_csv(tmp_path / "prim_box.csv")
    assert table["parameter"].tolist() == ["wedge_strength"]
    assert table["coverage"].iloc[0] == pytest.approx(box.coverage)
    assert (tmp_path / "prim_box.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    experiments, outcomes = ema_workbench.load_results(str(tmp_path / "results.tar.gz"))
    np.testing.assert_array_equal(outcomes["ru_cn_split_before"], results[1]["ru_cn_split_before"])


def test_command_line_runs_and_writes(tmp_path, capsys):
    out = tmp_path / "study"
    status = ema.main(
        ["--experiments", "2", "--policies", "1", "--years", "1", "--replicates", "1"]
        + ["--out", str(out)]
    )
    assert status == 0
    about = json.loads((out / "ema.json").read_text())
    assert about["experiments"] == 2 and about["uncertainties"] == "exogenous"
    assert (out / "results.tar.gz").is_file() and (out / "prim_box.md").is_file()
    assert str(out / "ema.json") in capsys.readouterr().out


def test_command_line_reanalyses_saved_results(tmp_path, capsys):
    results = synthetic_results()
    ema.save(results, None, tmp_path / "study", {"prim": "not run"})
    out = tmp_path / "again"
    saved = str(tmp_path / "study" / "results.tar.gz")
    assert ema.main(["--results", saved, "--out", str(out)]) == 0
    assert "wedge_strength: >= 0.6" in capsys.readouterr().out
    assert not (out / "results.tar.gz").exists()
    assert pd.read_csv(out / "prim_box.csv")["parameter"].tolist() == ["wedge_strength"]


def test_command_line_reports_a_bad_factor_set(tmp_path, capsys):
    status = ema.main(["--uncertainties", "exogenus", "--out", str(tmp_path)])
    assert status == 1
    assert "no factor set 'exogenus'" in capsys.readouterr().err


def test_restrictions_by_chance_are_dropped():
    # rare, noisy cases among many parameters: PRIM also restricts some by chance
    experiments, outcomes = synthetic_results(n=1500, seed=4)
    rng = np.random.default_rng(4)
    for factor in read_factor_set("exogenous"):
        if factor.name not in experiments:
            experiments[factor.name] = rng.uniform(factor.low, factor.high, len(experiments))
    chance = np.where(experiments["wedge_strength"] > 0.8, 0.1, 0.0)
    outcomes["ru_cn_split_before"] = (rng.uniform(size=len(experiments)) < chance).astype(float)
    every = ema.prim_box((experiments, outcomes), significance=None)
    kept = ema.prim_box((experiments, outcomes))
    assert len(every.limits) > 1
    assert list(kept.limits.index) == ["wedge_strength"]
    assert kept.limits.loc["wedge_strength", "min"] == pytest.approx(0.8, abs=0.05)
    assert (kept.limits["qp_min"] <= ema.SIGNIFICANCE).all()
