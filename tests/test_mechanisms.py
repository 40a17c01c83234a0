"""`experiments.mechanisms`: paired effects and verdicts, explained nulls, the arms, end to end."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hydra import compose, initialize_config_dir
from scipy import stats

from experiments import mechanisms as mech
from experiments.mechanisms import (
    AS_EXPECTED,
    BEGIN,
    END,
    LEVERS,
    NO_DATA,
    NULL,
    WRONG_SIGN,
    Lever,
    analyse,
    check,
    explained_nulls,
    outcome,
)
from experiments.run import CONFIGS
from experiments.schema import check as check_config
from experiments.schema import model_kwargs

YEARS = range(2024, 2031)


def steps_table(effects, n=6, base=None, noise=0.0, seed=0):
    """A steps table of arms "a" (without) and "b" (with): x_b = x_a + effect per replicate.

    `effects`: one number (every replicate) or one per replicate; `base`: each replicate's
    level in arm "a" (large differences between replicates, which pairing removes).
    """
    rng = np.random.default_rng(seed)
    effects = np.broadcast_to(np.asarray(effects, dtype=float), (n,))
    base = rng.normal(0, 10, n) if base is None else np.asarray(base, dtype=float)
    rows = []
    for r in range(n):
        for year in YEARS:
            a = base[r] + 0.1 * (year - 2024)
            rows.append({"arm": "a", "replicate": r, "year": year, "x": a})
            b = a + effects[r] + noise * rng.normal()
            rows.append({"arm": "b", "replicate": r, "year": year, "x": b})
    return pd.DataFrame(rows)


def lever(sign="+", window=2030, column="x", name="lev"):
    return Lever(name, "q?", "a", "b", (outcome(column, window, sign),), "theory")


def one(table, sign="+", window=2030, column="x"):
    result = analyse(table, [lever(sign, window, column)])
    assert len(result) == 1
    return result.iloc[0]


# --- verdicts on synthetic tables ---------------------------------------------------------


def test_a_known_positive_effect_is_as_expected():
    row = one(steps_table(effects=[0.9, 1.1, 1.0, 0.95, 1.05, 1.0]))
    assert row["verdict"] == AS_EXPECTED and row["n"] == 6
    assert row["effect"] == pytest.approx(1.0)
    assert row["ci_low"] > 0 and row["ci_high"] > row["ci_low"]
    assert row["mean_with"] - row["mean_without"] == pytest.approx(row["effect"])


def test_a_zero_effect_is_null():
    row = one(steps_table(effects=[0.5, -0.5, 0.3, -0.3, 0.1, -0.1]))
    assert row["effect"] == pytest.approx(0.0, abs=1e-12)
    assert row["ci_low"] < 0 < row["ci_high"] and row["verdict"] == NULL
    exact = one(steps_table(effects=0.0))  # every replicate identical in both arms
    assert exact["ci_low"] == exact["ci_high"] == 0.0 and exact["verdict"] == NULL


def test_a_negative_effect_against_plus_is_the_wrong_sign_and_as_expected_for_minus():
    table = steps_table(effects=[-1.0, -1.2, -0.8, -1.1, -0.9, -1.0])
    assert one(table, "+")["verdict"] == WRONG_SIGN
    assert one(table, "-")["verdict"] == AS_EXPECTED
    assert one(steps_table(effects=1.0), "-")["verdict"] == WRONG_SIGN


def test_not_equal_accepts_either_sign_and_rejects_none():
    assert one(steps_table(effects=[1.0, 1.2, 0.8, 1.1, 0.9, 1.0]), "!=")["verdict"] == AS_EXPECTED
    assert (
        one(steps_table(effects=[-1.0, -1.2, -0.8, -1, -0.9, -1]), "!=")["verdict"] == AS_EXPECTED
    )
    assert one(steps_table(effects=[0.5, -0.5, 0.3, -0.3, 0.1, -0.1]), "!=")["verdict"] == NULL


def test_the_interval_is_the_paired_t_interval():
    d = np.array([0.3, 1.1, -0.2, 0.9, 0.4])
    row = one(steps_table(effects=d, n=5))
    # by hand: mean +- t(0.975, n - 1) * s / sqrt(n)
    s = math.sqrt(sum((x - d.mean()) ** 2 for x in d) / (len(d) - 1))
    half = 2.7764451051977987 * s / math.sqrt(len(d))
    assert row["effect"] == pytest.approx(0.5)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.5 - half, 0.5 + half))
    # scipy's paired t-test on the two arms' values gives the same interval
    table = steps_table(effects=d, n=5)
    final = table[table["year"] == 2030].pivot(index="replicate", columns="arm", values="x")
    ci = stats.ttest_rel(final["b"], final["a"]).confidence_interval(0.95)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high))
    assert row["sd_difference"] == pytest.approx(s)


def test_identical_differences_give_a_point_interval():
    row = one(steps_table(effects=0.25, base=[0.0, 1.0, 2.0, 3.0, 0.0, 1.0]))  # exact in binary
    assert row["ci_low"] == pytest.approx(0.25) and row["ci_high"] == pytest.approx(0.25)
    assert row["ci_low"] == row["ci_high"] and row["verdict"] == AS_EXPECTED


def test_the_window_averages_its_years_and_is_clipped_to_the_years_simulated():
    table = steps_table(effects=0.0, n=3, base=[0.0, 0.0, 0.0])
    table.loc[(table["arm"] == "b") & (table["year"] >= 2026), "x"] += 1.0  # from 2026 on
    assert one(table, window="2025-2028")["effect"] == pytest.approx(3 / 4)
    assert one(table, window=(2024, 2025))["effect"] == pytest.approx(0.0)
    late = one(table, window=2050)  # the run ends in 2030: its last year stands in
    assert late["years"] == "2030" and late["window"] == "2050" and "clipped" in late["note"]
    assert late["effect"] == pytest.approx(1.0)
    ranged = one(table, window="2029-2040")
    assert ranged["years"] == "2029-2030" and ranged["effect"] == pytest.approx(1.0)


# --- pairing -------------------------------------------------------------------------------


def test_replicates_are_paired_by_index_not_by_row_order():
    # big differences between replicates, a small common effect: only pairing finds it
    table = steps_table(effects=0.1, n=8, noise=0.01, base=np.arange(8) * 100.0)
    row = one(table)
    assert row["verdict"] == AS_EXPECTED and row["effect"] == pytest.approx(0.1, abs=0.02)
    final = table[table["year"] == 2030]
    unpaired = stats.ttest_ind(final[final["arm"] == "b"]["x"], final[final["arm"] == "a"]["x"])
    assert unpaired.pvalue > 0.5, "the arms' spread hides the effect without pairing"
    shuffled = table.sample(frac=1.0, random_state=3).reset_index(drop=True)
    pd.testing.assert_frame_equal(analyse(shuffled, [lever()]), analyse(table, [lever()]))
    # relabelling one arm's replicates breaks the pairs (and the effect's precision)
    relabelled = table.copy()
    in_b = relabelled["arm"] == "b"
    relabelled.loc[in_b, "replicate"] = 7 - relabelled.loc[in_b, "replicate"]
    assert one(relabelled)["verdict"] == NULL


def test_unpaired_replicates_and_missing_values_are_left_out():
    table = steps_table(effects=1.0, n=5)
    table = table[~((table["arm"] == "b") & (table["replicate"] == 4))]
    table.loc[(table["arm"] == "a") & (table["replicate"] == 0), "x"] = np.nan
    row = one(table)
    assert row["n"] == 3 and "2 replicates" in row["note"] and row["verdict"] == AS_EXPECTED


def test_missing_columns_arms_and_pairs_give_no_data():
    table = steps_table(effects=1.0)
    row = one(table, column="not_built_yet")
    assert row["verdict"] == NO_DATA and "not_built_yet" in row["note"] and row["n"] == 0
    absent = analyse(table, [Lever("l", "q", "a", "zzz", (outcome("x", 2030, "+"),), "t")])
    assert absent.iloc[0]["verdict"] == NO_DATA and "zzz" in absent.iloc[0]["note"]
    single = one(steps_table(effects=1.0, n=1))
    assert single["verdict"] == NO_DATA and single["n"] == 1


def test_an_outcome_can_be_a_function_of_an_arms_tables():
    def doubled(tables):
        steps = tables["steps"]
        return steps.assign(value=2 * steps["x"])[["replicate", "year", "value"]]

    table = steps_table(effects=1.0)
    row = analyse(table, [Lever("l", "q", "a", "b", (outcome(doubled, 2030, "+"),), "t")]).iloc[0]
    assert row["outcome"] == "doubled" and row["effect"] == pytest.approx(2.0)


def test_levers_and_outcomes_are_checked():
    with pytest.raises(ValueError, match="sign"):
        outcome("x", 2030, "positive")
    with pytest.raises(ValueError, match="window"):
        outcome("x", "2030-2026", "+")
    with pytest.raises(ValueError, match="same"):
        Lever("l", "q", "a", "a", (outcome("x", 2030, "+"),), "t")
    with pytest.raises(ValueError, match="unique"):
        Lever("l", "q", "a", "b", (outcome("x", 2030, "+"), outcome("x", 2035, "+")), "t")
    assert outcome("x", "2026-2030", "+").window == (2026, 2030)
    assert [lv.name for lv in LEVERS] == list(dict.fromkeys(lv.name for lv in LEVERS))


# --- explained nulls and the check -------------------------------------------------------

DOC = f"""# Validation

- `wedge` `ru_cn_aligned`: not in the explained section, ignored.

{BEGIN}
## Explained nulls
- `generated` `block`: ignored.
{END}

## Explained nulls

Prose is allowed.

<!-- - `in` `comment`: ignored. -->
```markdown
# not a heading
- `in` `code`: ignored.
```
- `g4_no_veto` `adoption_share`: Shapley-Shubik power of the elected seats is unchanged;
  evidence: the interval at 20 replicates is [-0.001, 0.001].
* `charter_1945` / `adoption_share` - the threshold moves with the size.

### A subsection

- `mediate` `wars_ongoing`: a subsection belongs to the section.

## Another section

- `ceasefire` `wars_ongoing`: ignored, another section.
"""


def test_the_explained_nulls_parser_reads_only_its_section():
    found = explained_nulls(DOC)
    assert set(found) == {
        ("g4_no_veto", "adoption_share"),
        ("charter_1945", "adoption_share"),
        ("mediate", "wars_ongoing"),
    }
    assert found[("g4_no_veto", "adoption_share")].endswith("is [-0.001, 0.001].")
    assert "evidence" in found[("g4_no_veto", "adoption_share")]
    assert explained_nulls("# Nothing here\n") == {}


@pytest.mark.parametrize(
    "bullet", ["- g4_no_veto adoption_share: no backticks", "- `g4_no_veto` `adoption_share`:"]
)
def test_malformed_entries_fail_naming_their_line(bullet):
    with pytest.raises(ValueError, match="line 3"):
        explained_nulls(f"# V\n## Explained nulls\n{bullet}\n")


def test_check_returns_the_rows_neither_as_expected_nor_explained():
    table = pd.DataFrame(
        {
            "lever": ["a", "b", "c", "d"],
            "outcome": ["x", "x", "x", "y"],
            "verdict": [AS_EXPECTED, NULL, WRONG_SIGN, NO_DATA],
        }
    )
    assert list(check(table, {})["lever"]) == ["b", "c", "d"]
    assert list(check(table, {("b", "x"): "why", ("d", "x"): "other outcome"})["lever"]) == [
        "c",
        "d",
    ]


def test_an_explanation_of_a_row_now_as_expected_is_stale():
    verdicts = [AS_EXPECTED, NULL, AS_EXPECTED]
    table = pd.DataFrame({"lever": ["a", "b", "c"], "outcome": ["x"] * 3, "verdict": verdicts})
    explained = {("a", "x"): "why", ("b", "x"): "why", ("z", "x"): "no such row"}
    assert mech.stale_explanations(table, explained) == [("a", "x")]


def test_the_validation_document_has_its_markers_and_known_entries(tmp_path):
    text = mech.DOCS.read_text()
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    assert "## Explained nulls" in text.split(END)[1]
    assert mech.unknown_explanations(explained_nulls(text)) == []
    copy = tmp_path / "VALIDATION.md"
    copy.write_text(text)
    mech.write_docs("NEW TABLE", copy)
    head, rest = copy.read_text().split(BEGIN)
    assert head == text.split(BEGIN)[0] and rest.split(END)[1] == text.split(END)[1]
    assert rest.split(END)[0].strip() == "NEW TABLE"


# --- the arms ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def composed():
    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):

        def compose_arm(arm):
            overrides = ["experiment=mechanisms", *([f"arm={arm}"] if arm else [])]
            return compose(config_name="config", overrides=overrides)

        yield compose_arm


def test_every_lever_uses_existing_arms_and_every_arm_is_used():
    arms = set(mech.available_arms())
    assert "status_quo" in arms
    assert set(mech.arms_used()) <= arms, sorted(set(mech.arms_used()) - arms)
    assert arms <= set(mech.arms_used()), (
        f"unused arms run for nothing: {arms - set(mech.arms_used())}"
    )
    assert (CONFIGS / "arm" / "status_quo.yaml").read_text().startswith("# @package _global_")


@pytest.mark.filterwarnings("ignore:council_rule:UserWarning")
@pytest.mark.parametrize("arm", mech.available_arms())
def test_every_arm_composes_and_builds_a_model(composed, arm):
    cfg = composed(arm)
    assert cfg.study == "mechanisms" and cfg.seed == 2025
    check_config(cfg)  # builds one model: every range and name checked


def test_the_arms_of_each_lever_differ_and_apply_their_overrides(composed):
    kwargs = {arm: model_kwargs(composed(arm)) for arm in mech.available_arms()}
    assert kwargs["status_quo"] == model_kwargs(composed(None))
    for lv in LEVERS:
        assert kwargs[lv.without] != kwargs[lv.with_], lv.name
    assert (
        kwargs["wedge"]["strategy_USA"] == ("wedge",) and kwargs["wedge"]["wedge_strength"] == 1.0
    )
    trade = kwargs["wedge_trade"]
    assert trade["events"] == "greater_eurasia" and trade["wedge_strength"] == 1.0
    assert trade["interdependence_weight"] == kwargs["wedge"]["interdependence_weight"] == 1.0
    assert kwargs["light_ties"]["interdependence_weight"] == 0.5
    assert kwargs["chn_no_expand"]["strategy_CHN"] == ()
    assert kwargs["sanctions_rus"]["events"][0]["targets"] == ["RUS"]
    assert kwargs["no_veto"]["council_rule"] == "no_veto"
    assert kwargs["economic_greater_eurasia"]["alignment"] == "economic"


def test_the_sweep_command_runs_the_study_through_the_entry_point(tmp_path):
    command = mech.sweep_command(tmp_path, 4, 12, "fork", ["status_quo", "wedge"], ["a=b"])
    assert command[1:5] == ["-m", "experiments.run", "-m", "experiment=mechanisms"]
    assert {
        "replicates=4",
        "steps=12",
        "arm=status_quo,wedge",
        "hydra/launcher=fork",
        "a=b",
    } <= set(command)
    assert command[-1] == f"hydra.sweep.dir={tmp_path.resolve()}"


# --- end to end ----------------------------------------------------------------------------

#: The full size of the study (configs/experiment/mechanisms.yaml), so the verdicts are those
#: of docs/VALIDATION.md: at fewer replicates the smallest effects can lose significance.
FULL = {"replicates": 20, "steps": 26}


@pytest.mark.mechanisms
def test_every_lever_moves_its_outcomes_as_its_theory_expects(tmp_path, capsys):
    """The study at its full size: every lever outcome as expected, or explained."""
    out = tmp_path / "mechanisms"
    status = mech.main(
        [
            "--run",
            "--replicates",
            str(FULL["replicates"]),
            "--steps",
            str(FULL["steps"]),
            "--out",
            str(out),
            "--",
            "record.votes=false",  # no outcome reads the votes yet; they cost time
        ]
    )
    printed = capsys.readouterr().out
    assert status == 0, printed
    table = mech.read_table(out / "mechanisms.csv")
    assert (out / "mechanisms.png").stat().st_size > 0
    assert len(table) == sum(len(lv.outcomes) for lv in LEVERS)
    # one job folder per arm, named by it; replicate r of every arm from the same seed
    arms = [mech.job_arm(p.parent) for p in out.glob("*/seed=2025/done.json")]
    assert sorted(arms) == sorted(mech.available_arms())
    assert (table["n"][table["verdict"] != NO_DATA] == FULL["replicates"]).all()
    failing = check(table, mech.read_explained())
    lines = [
        f"{r.lever} {r.outcome} ({r.years or r.window}, expected {r.expected}): {r.verdict}, "
        f"effect {r.effect:.3g} [{r.ci_low:.3g}, {r.ci_high:.3g}] {r.note}"
        for r in failing.itertuples()
    ]
    assert failing.empty, "lever outcomes not as expected nor explained:\n" + "\n".join(lines)
    # and the document explains no row that needs no explanation (remove such an entry)
    assert mech.stale_explanations(table, mech.read_explained()) == []


def test_the_csv_reads_back_as_analysed(tmp_path):
    table = steps_table(effects=[1.0, 0.5, 1.5, 1.0, 0.5, 1.5])
    levers = [lever(), lever(column="missing", name="other"), lever("-"), lever("!=", 2050)]
    result = analyse(table, levers)
    result.to_csv(tmp_path / "m.csv", index=False)
    back = mech.read_table(tmp_path / "m.csv")
    assert set(back["verdict"]) == {AS_EXPECTED, NO_DATA, WRONG_SIGN}
    pd.testing.assert_frame_equal(back, result, check_dtype=False)
    nulls = analyse(steps_table(effects=[0.5, -0.5, 0.3, -0.3, 0.1, -0.1]), [lever()])
    nulls.to_csv(tmp_path / "n.csv", index=False)
    assert list(mech.read_table(tmp_path / "n.csv")["verdict"]) == [NULL]


def test_the_study_sweeps_every_arm_from_one_seed(composed):  # (Hydra initialised)
    cfg = compose(
        config_name="config", overrides=["experiment=mechanisms"], return_hydra_config=True
    )
    assert dict(cfg.hydra.sweeper.params) == {"arm": "glob(*)"}
    assert (cfg.study, cfg.steps, cfg.replicates, cfg.seed) == ("mechanisms", 26, 20, 2025)
    assert "arm" not in cfg.hydra.job.config.override_dirname.exclude_keys  # folders name arms
