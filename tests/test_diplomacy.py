"""Diplomacy and blocs: the wedge, bloc splits and formation, the 2025 blocs, invariants."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sim import WorldModel
from sim.alignment import STRATEGIES
from sim.alignment.strategies import MIXED_PRESETS
from sim.blocs import cohesion_of, initial_blocs
from sim.events import EVENT_SETS
from sim.world import load_world
from tests.conftest import STILL, make_world


def run(steps, **kwargs):
    model = WorldModel(**kwargs)
    for _ in range(steps):
        model.step()
    return model


def set_pairs(model, codes_a, codes_b, value):
    for a in codes_a:
        for b in codes_b:
            if a != b:
                i, j = model.row[a], model.row[b]
                model.affinity[i, j] = model.affinity[j, i] = value


# -- the 2025 blocs ---------------------------------------------------------------------


def test_initial_blocs_of_world_2024():
    world = load_world("world_2024")
    countries = world.countries
    blocs, bloc = initial_blocs(countries, 2024, world.politics.blocs)
    iso3 = countries["iso3"].to_numpy()
    assert [b.name for b in blocs] == ["West", "Eurasia"]
    assert iso3[blocs[0].leader] == "USA" and iso3[blocs[1].leader] == "CHN"
    west = set(iso3[bloc == 0])
    assert len(west) == 41
    assert {"USA", "JPN", "KOR", "AUS", "NZL", "PHL", "CAN", "GBR", "TUR", "AUT", "IRL"} <= west
    assert not {"THA", "ARM", "CHE", "IND"} & west
    assert set(iso3[bloc == 1]) == {"CHN", "RUS", "BLR", "KAZ", "KGZ", "TJK", "PRK"}
    assert set(np.unique(bloc)) == {-1, 0, 1}
    # one membership each: every NATO, EU and G7 member is in the West
    for org in ("nato", "eu", "g7"):
        assert (bloc[countries[org].to_numpy(bool)] == 0).all(), org


def test_initial_blocs_need_their_leaders():
    world = load_world("world_2024")
    countries, specs = world.countries, world.politics.blocs
    without_china = countries[countries["iso3"] != "CHN"].reset_index(drop=True)
    blocs, bloc = initial_blocs(without_china, 2024, specs)
    assert [b.name for b in blocs] == ["West"]
    assert (bloc[without_china["iso3"].isin(["RUS", "BLR"]).to_numpy()] == -1).all()
    neither = countries[~countries["iso3"].isin(["USA", "CHN"])].reset_index(drop=True)
    blocs, bloc = initial_blocs(neither, 2024, specs)
    assert blocs == [] and (bloc == -1).all()


# -- splits and new blocs ---------------------------------------------------------------

HALF_A = ("USA", "AAA", "BBB")
HALF_B = ("CCC", "DDD", "EEE")


def west_of_six():
    rows = [
        ("USA", 2.5e13, 3.3e8, 2.0, 38.9, -77.0),
        ("AAA", 2.0e12, 5.0e7, 1.5, 45.4, -75.7),
        ("BBB", 1.0e12, 3.0e7, 1.4, 19.4, -99.1),
        ("CCC", 4.0e12, 8.0e7, 1.0, 52.5, 13.4),
        ("DDD", 2.0e12, 6.0e7, 1.1, 48.9, 2.35),
        ("EEE", 1.0e12, 4.0e7, 1.2, 41.9, 12.5),
    ]
    return make_world("west_of_six", rows, nato=[True] * 6)


def hostile_halves(**params):
    model = WorldModel(west_of_six(), **{**STILL, "switching_cost": 10.0, **params})
    assert [c.bloc_name for c in model.countries] == ["West"] * 6
    set_pairs(model, HALF_A, HALF_A, 0.8)
    set_pairs(model, HALF_B, HALF_B, 0.8)
    set_pairs(model, HALF_A, HALF_B, -0.8)
    return model


def test_a_bloc_below_the_split_threshold_splits_in_two():
    model = hostile_halves()
    # within pairs: 12 ordered pairs at 0.8; across: 18 at -0.8 -> mean -0.16 < 0
    assert cohesion_of(model.affinity, np.arange(6)) == pytest.approx(-0.16)
    model.step()
    names = {c.iso3: c.bloc_name for c in model.countries}
    # the leader's half keeps the name; the other half follows its most capable member
    assert {names[c] for c in HALF_A} == {"West"}
    assert {names[c] for c in HALF_B} == {"CCC-led"}
    new = model.blocs[-1]
    assert (new.name, model.iso3[new.leader], new.founded, new.active) == (
        "CCC-led",
        "CCC",
        model.year,
        True,
    )
    for b in range(len(model.blocs)):
        assert cohesion_of(model.affinity, np.flatnonzero(model.bloc == b)) > 0.7
    assert model.outcomes["n_blocs"] == 2 and model.outcomes["bloc_size_other"] == 3


def test_a_bloc_above_the_split_threshold_holds():
    # the camps like each other -0.8 on average: a threshold below that keeps them together
    model = hostile_halves(bloc_split_threshold=-0.9)
    model.step()
    assert [c.bloc_name for c in model.countries] == ["West"] * 6
    assert len(model.blocs) == 1


def neighbourhood():
    """No United States or China: everyone starts non-aligned."""
    rows = [
        ("BIG", 5.0e12, 2.0e8, 0.0, 0.0, 0.0),
        ("FAA", 1.0e11, 1.0e7, 0.1, 1.0, 1.0),
        ("FBB", 1.0e11, 1.0e7, 0.1, -1.0, 1.0),
        ("FCC", 1.0e11, 1.0e7, 0.1, 1.0, -1.0),
        ("XXX", 2.0e12, 1.0e8, -2.0, 10.0, 10.0),
    ]
    return make_world("neighbourhood", rows)


@pytest.mark.parametrize(
    "friends, params, founded",
    [
        (("FAA", "FBB", "FCC"), {}, True),
        (("FAA", "FBB"), {}, False),  # too few followers
        (("FAA", "FBB"), {"bloc_formation_followers": 2}, True),
        (("FAA", "FBB", "FCC"), {"bloc_formation_capability": 0.9}, False),  # too weak
        (("FAA", "FBB", "FCC"), {"bloc_formation_affinity": 0.7}, False),  # not friendly enough
    ],
)
def test_a_strong_nonaligned_country_with_friends_founds_a_bloc(friends, params, founded):
    model = WorldModel(neighbourhood(), **{**STILL, **params})
    assert model.blocs == [] and (model.bloc == -1).all()
    set_pairs(model, ["BIG"], ["FAA", "FBB", "FCC", "XXX"], 0.0)
    set_pairs(model, ["BIG"], friends, 0.6)
    set_pairs(model, ["XXX"], ["BIG", "FAA", "FBB", "FCC"], -0.5)
    assert model.capability[model.row["BIG"]] > 0.04
    model.step()
    names = {c.iso3: c.bloc_name for c in model.countries}
    if founded:
        assert [b.name for b in model.blocs] == ["BIG-led"]
        assert model.iso3[model.blocs[0].leader] == "BIG"
        assert {c for c, n in names.items() if n == "BIG-led"} == {"BIG", *friends}
        assert names["XXX"] == "nonaligned"
    else:
        assert model.blocs == [] and set(names.values()) == {"nonaligned"}


# -- the wedge --------------------------------------------------------------------------


def test_a_wedge_of_strength_zero_changes_nothing():
    params = dict(steps=6, choice_noise=0.05, rng=11)
    plain = run(strategy_USA="contain", **params)
    wedge = run(strategy_USA="contain+wedge", wedge_strength=0.0, **params)
    assert plain.bloc.tobytes() == wedge.bloc.tobytes()
    assert plain.affinity.tobytes() == wedge.affinity.tobytes()
    assert plain.sanctions.tobytes() == wedge.sanctions.tobytes()
    pd.testing.assert_frame_equal(
        plain.datacollector.get_model_vars_dataframe(),
        wedge.datacollector.get_model_vars_dataframe(),
        check_exact=True,
    )
    # ... while a wedge of any strength does change the Russia-China relation
    weak = run(strategy_USA="contain+wedge", wedge_strength=0.1, **params)
    rus, chn, usa = (plain.row[c] for c in ("RUS", "CHN", "USA"))
    assert weak.affinity[rus, usa] > plain.affinity[rus, usa]


WEDGE_REPLICATES = 10
WEDGE_YEARS = 26
WEDGE_STRENGTHS = (0.0, 0.75, 1.0)


@functools.cache
def wedge_replicates(strength, interdependence_weight):
    """Share of runs where Russia and China end apart; mean RUS-CHN and RUS-USA affinity."""
    seeds = np.random.SeedSequence(2025).spawn(WEDGE_REPLICATES)
    split, ru_cn, ru_us = [], [], []
    for seed in seeds:
        model = run(
            WEDGE_YEARS,
            strategy_USA="contain+wedge",
            wedge_strength=strength,
            interdependence_weight=interdependence_weight,
            rng=seed,
        )
        rus, chn, usa = (model.row[c] for c in ("RUS", "CHN", "USA"))
        split.append(model.outcomes["ru_cn_aligned"] == 0)
        ru_cn.append(model.affinity[rus, chn])
        ru_us.append(model.affinity[rus, usa])
    result = float(np.mean(split)), float(np.mean(ru_cn)), float(np.mean(ru_us))
    print(
        f"wedge {strength}, exit cost weight {interdependence_weight}: split share "
        f"{result[0]:.2f}, RUS-CHN {result[1]:.4f}, RUS-USA {result[2]:.4f}"
    )
    return result


def test_a_stronger_wedge_pulls_russia_and_china_apart_more_often():
    # without the exit cost of their trade (next test), so that a split can happen at all
    results = [wedge_replicates(s, 0.0) for s in WEDGE_STRENGTHS]
    split, ru_cn, ru_us = zip(*results, strict=True)
    assert split[0] == 0.0  # without a wedge the partnership holds in every run
    # monotone in strength, and full strength clearly does something
    assert split[0] <= split[1] <= split[2] and split[2] >= split[0] + 0.25
    # (once Russia has left, the wedge stops sowing discord with China and their affinity
    # recovers somewhat: no order between the two strongest wedges)
    assert ru_cn[1] < ru_cn[0] and ru_cn[2] < ru_cn[0] - 0.05
    assert ru_us[0] < ru_us[1] < ru_us[2]


def test_trade_dependence_protects_the_partnership_against_a_wedge():
    # Crescenzi's exit costs: the same full-strength wedge splits less often when leaving
    # the bloc puts Russia's trade with its partners at stake
    free, bound = wedge_replicates(1.0, 0.0), wedge_replicates(1.0, 1.0)
    assert free[0] >= bound[0] + 0.25


# -- invariants and determinism ---------------------------------------------------------


def check_invariants(model):
    n, n_blocs = model.n, len(model.blocs)
    affinity = model.affinity
    assert np.all((affinity >= -1.0) & (affinity <= 1.0))
    np.testing.assert_array_equal(affinity, affinity.T)
    np.testing.assert_array_equal(np.diag(affinity), np.ones(n))
    assert model.bloc.shape == (n,)
    assert np.all((model.bloc >= -1) & (model.bloc < n_blocs))
    active = np.array([b.active for b in model.blocs], dtype=bool)
    aligned = model.bloc >= 0
    assert active[model.bloc[aligned]].all()  # members only of active blocs
    for b, bloc in enumerate(model.blocs):
        assert (model.bloc[bloc.leader] == b) == bloc.active  # an active bloc holds its leader
    assert np.all((model.sanctions >= 0) & (model.sanctions <= 1))
    assert np.all((model.non_dollar_share >= 0) & (model.non_dollar_share <= 1))
    out = model.outcomes
    for name, value in out.items():
        if "_share_" in name or name.endswith("_share"):
            assert np.isnan(value) or 0.0 <= value <= 1.0, (name, value)
    assert out["polarity"] >= 1.0 - 1e-12
    assert out["n_blocs"] == active.sum()
    assert (
        out["nonaligned_count"] + sum(out[f"bloc_size_{b}"] for b in ("West", "Eurasia", "other"))
        == n
    )
    shares = [out[f"global_south_share_{a}"] for a in ("West", "Eurasia", "other", "nonaligned")]
    assert sum(shares) == pytest.approx(1.0)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    alignment=st.sampled_from([*sorted(STRATEGIES), "mixed"]),
    preset=st.sampled_from(sorted(MIXED_PRESETS)),
    usa=st.sampled_from(["contain", "contain+wedge", "restraint", "mediate+expand", ""]),
    china=st.sampled_from(["expand", "consolidate+mediate", "contain", ""]),
    events=st.sampled_from(sorted(EVENT_SETS)),
    wedge_strength=st.floats(0, 1),
    choice_noise=st.floats(0, 0.5),
    split=st.floats(-0.2, 0.5),
    seed=st.integers(0, 2**32 - 1),
)
# every country ends up in the West: its capability share once read 1 + 1 ulp
@example("bandwagoning", "by_membership", "contain", "expand", "multipolar", 0.0, 0.0, 0.0, 1)
def test_invariants_hold_every_year(
    alignment, preset, usa, china, events, wedge_strength, choice_noise, split, seed
):
    model = WorldModel(
        alignment=alignment,
        mixed_alignment=preset,
        strategy_USA=usa,
        strategy_CHN=china,
        events=events,
        wedge_strength=wedge_strength,
        choice_noise=choice_noise,
        bloc_split_threshold=split,
        rng=seed,
    )
    check_invariants(model)
    for _ in range(5):
        model.step()
        check_invariants(model)


def test_invariants_hold_in_a_long_noisy_run():
    model = WorldModel(choice_noise=0.3, bloc_split_threshold=0.3, events="multipolar", rng=5)
    for _ in range(26):
        model.step()
        check_invariants(model)
    assert len(model.blocs) > 2  # the run did exercise splits / new blocs


def test_same_rng_same_results_bit_for_bit():
    params = dict(
        steps=8,
        choice_noise=0.2,
        strategy_USA="contain+wedge",
        events="multipolar",
        bloc_split_threshold=0.2,
        record_countries=True,
    )
    a, b = run(rng=123, **params), run(rng=123, **params)
    assert a.bloc.tobytes() == b.bloc.tobytes()
    assert a.affinity.tobytes() == b.affinity.tobytes()
    assert a.sanctions.tobytes() == b.sanctions.tobytes()
    assert a.non_dollar_share.tobytes() == b.non_dollar_share.tobytes()
    assert [(x.name, x.leader) for x in a.blocs] == [(x.name, x.leader) for x in b.blocs]
    pd.testing.assert_frame_equal(
        a.datacollector.get_model_vars_dataframe(),
        b.datacollector.get_model_vars_dataframe(),
        check_exact=True,
    )
    pd.testing.assert_frame_equal(
        a.datacollector.get_agent_vars_dataframe(),
        b.datacollector.get_agent_vars_dataframe(),
        check_exact=True,
    )
    c = run(rng=124, **params)
    assert c.affinity.tobytes() != a.affinity.tobytes()


def test_choice_noise_is_the_only_source_of_alignment_randomness():
    # with no growth shocks, no choice noise, no war that may end and no Council (whose
    # votes are random and feed affinity through co-voting), the seed does not matter
    params = dict(steps=5, shock_sd=0.0, choice_noise=0.0, council_rule=None, war_end_hazard=0.0)
    a, b = run(rng=1, **params), run(rng=2, **params)
    assert a.bloc.tobytes() == b.bloc.tobytes()
    assert a.affinity.tobytes() == b.affinity.tobytes()


def test_a_split_is_recorded_only_after_a_year_together():
    model = WorldModel(rng=0, council_rule=None)
    rus, chn = model.row["RUS"], model.row["CHN"]
    eurasia = model.bloc[chn]
    # apart from the start (as in a custom world): no split, however long it lasts
    model.bloc[rus] = -1
    model._ru_cn_were_aligned = False
    for year in (2025, 2026):
        model.year = year
        model.record()
    assert model.outcomes["ru_cn_aligned"] == 0 and np.isnan(model.ru_cn_split_year)
    # together one year, apart the next: that year is the split
    model.year, model.bloc[rus] = 2027, eurasia
    model.record()
    assert model.outcomes["ru_cn_aligned"] == 1 and np.isnan(model.ru_cn_split_year)
    model.year, model.bloc[rus] = 2028, -1
    model.record()
    assert model.ru_cn_split_year == 2028
    # and it stays the first split
    model.year, model.bloc[rus] = 2029, eurasia
    model.record()
    model.year, model.bloc[rus] = 2030, -1
    model.record()
    assert model.ru_cn_split_year == 2028
