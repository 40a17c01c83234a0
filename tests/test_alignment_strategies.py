"""Alignment strategies: each rule's scores, its choice in tiny worlds, the registry, `mixed`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import WorldModel, diplomacy
from sim.alignment import STRATEGIES, assign_strategies, register
from sim.alignment.strategies import MIXED_PRESETS, AlignmentContext, alignment_context, choose
from sim.blocs import found_bloc
from sim.outcomes import MAY_BE_NAN
from sim.world import COUNTRY_COLUMNS, load_world, validate_table, world_from_tables
from tests.conftest import STILL, TEST_POLITICS, make_world

#: Everything but the alignment choice held still (and no bloc splits: cohesion is never
#: below -1).
STILL = {**STILL, "bloc_split_threshold": -1.0}

SEOUL = (37.5, 127.0)  # beside China
DUBLIN = (53.35, -6.26)  # beside Britain
HAVANA = (23.1, -82.4)  # beside the United States


def tiny_world(small_at=SEOUL, small_ideal=0.3, usa_gdp=2.5e13):
    """West = USA + GBR (NATO), Eurasia = CHN + RUS, and one small non-aligned state SML."""
    rows = [
        ("USA", usa_gdp, 3.3e8, 2.0, (38.9, -77.0), True),
        ("GBR", 3.0e12, 6.7e7, 1.5, (51.5, -0.1), True),
        ("CHN", 1.8e13, 1.4e9, -1.0, (39.9, 116.4), False),
        ("RUS", 2.0e12, 1.44e8, -1.2, (55.75, 37.6), False),
        ("SML", 5.0e10, 1.0e7, small_ideal, small_at, False),
    ]
    return make_world(
        "tiny_blocs",
        [(code, gdp, people, ideal, at[0], at[1]) for code, gdp, people, ideal, at, _ in rows],
        nato=[r[5] for r in rows],
    )


def set_affinity(model, iso3, **others):
    i = model.row[iso3]
    for other, value in others.items():
        j = model.row[other]
        model.affinity[i, j] = model.affinity[j, i] = value


def choice_after_one_year(strategy, affinity, world=None, others="balancing", **params):
    """Bloc name SML, the only country using `strategy`, picks after one step."""
    mixed = {"by": "iso3", "groups": {"SML": strategy}, "default": others}
    params = {**STILL, **params}
    model = WorldModel(world or tiny_world(), alignment="mixed", mixed_alignment=mixed, **params)
    assert model.country("SML").bloc_name == "nonaligned"
    set_affinity(model, "SML", **affinity)
    model.step()
    # the others keep their sides, so SML's choice is about SML alone
    assert [c.bloc_name for c in model.countries[:4]] == ["West", "West", "Eurasia", "Eurasia"]
    return model.country("SML").bloc_name


# -- the strategy functions on a hand-made context ---------------------------------------

THRESHOLDS = {
    "balancing": 0.05,
    "hedging": 0.25,
    "bandwagoning": 0.1,
    "ideological": 1.0,
    "economic": 0.3,
}


def context(**fields):
    """Three countries, two blocs; every field zero unless given."""
    zeros = np.zeros((3, 2))
    base = dict(
        bloc_threat=zeros,
        bloc_capability=np.zeros(2),
        affinity_to_bloc=zeros,
        trade_share=zeros,
        trade_exposure=zeros,
        ideology_gap=zeros,
        landscape_gain=zeros,
        thresholds=THRESHOLDS,
    )
    base.update({k: np.asarray(v, dtype=float) for k, v in fields.items()})
    return AlignmentContext(**base)


WHO = np.arange(3)


def best(scores):
    """Chosen option without inertia or noise: 0 non-aligned, 1 + b bloc b."""
    return list(choose(scores, np.zeros(len(scores), int), 0.0, np.zeros_like(scores)))


def test_registry_holds_the_documented_strategies():
    assert {
        "balancing",
        "bandwagoning",
        "hedging",
        "ideological",
        "economic",
        "landscape",
    } <= set(STRATEGIES)


def test_balancing_scores_the_gap_to_the_top_threat():
    threat = [[0.6, 0.0], [0.0, 0.4], [0.02, 0.0]]
    affinity = [[0.5, -0.5], [0.2, 0.1], [0.0, 0.0]]
    scores = STRATEGIES["balancing"](context(bloc_threat=threat, affinity_to_bloc=affinity), WHO)
    np.testing.assert_allclose(scores[:, 0], 0.05)
    # joining the threatening bloc scores 0 (+ friendship); its opponent scores the gap
    np.testing.assert_allclose(
        scores[:, 1:], [[0.05, 0.6 - 0.05], [0.4 + 0.02, 0.01], [0.0, 0.02]], atol=1e-12
    )
    # country 0 fears bloc 0 -> joins bloc 1; country 1 fears bloc 1 -> joins bloc 0;
    # country 2's threat gap (0.02) is below the threshold -> stays out
    assert best(scores) == [2, 1, 0]


def test_hedging_is_balancing_with_a_higher_threshold():
    threat = [[0.2, 0.0], [0.5, 0.0], [0.0, 0.0]]
    ctx = context(bloc_threat=threat)
    hedge, balance = STRATEGIES["hedging"](ctx, WHO), STRATEGIES["balancing"](ctx, WHO)
    np.testing.assert_allclose(hedge[:, 0], 0.25)
    np.testing.assert_allclose(hedge[:, 1:], balance[:, 1:])
    # threat 0.2: a balancer joins the other bloc, a hedger stays out; threat 0.5: both join
    assert best(balance)[:2] == [2, 2]
    assert best(hedge)[:2] == [0, 2]


def test_bandwagoning_scores_capability_plus_threat():
    threat = [[0.0, 0.0], [0.0, 0.5], [0.0, 0.0]]
    scores = STRATEGIES["bandwagoning"](
        context(bloc_threat=threat, bloc_capability=[0.4, 0.2]), WHO
    )
    np.testing.assert_allclose(scores[:, 0], 0.1)
    np.testing.assert_allclose(scores[:, 1:], [[0.4, 0.2], [0.4, 0.7], [0.4, 0.2]])
    # the strongest bloc, unless the weaker one threatens enough to outweigh it
    assert best(scores) == [1, 2, 1]
    weak = STRATEGIES["bandwagoning"](context(bloc_capability=[0.05, 0.08]), WHO)
    assert best(weak) == [0, 0, 0]  # no bloc is strong enough: stay out


def test_ideological_joins_the_nearest_centre_within_tolerance():
    gap = [[0.2, 1.5], [0.9, 0.3], [1.2, 1.4]]
    scores = STRATEGIES["ideological"](context(ideology_gap=gap), WHO)
    np.testing.assert_allclose(scores[:, 0], -1.0)
    np.testing.assert_allclose(scores[:, 1:], -np.asarray(gap))
    assert best(scores) == [1, 2, 0]


def test_economic_joins_the_bloc_carrying_most_trade_above_threshold():
    share = [[0.6, 0.3], [0.35, 0.45], [0.25, 0.2]]
    scores = STRATEGIES["economic"](context(trade_share=share), WHO)
    np.testing.assert_allclose(scores[:, 0], 0.3)
    np.testing.assert_allclose(scores[:, 1:], share)
    assert best(scores) == [1, 2, 0]


def test_landscape_scores_capability_weighted_affinity_against_zero():
    gain = [[0.1, 0.3], [0.2, -0.1], [-0.2, -0.05]]
    scores = STRATEGIES["landscape"](context(landscape_gain=gain), WHO)
    np.testing.assert_allclose(scores[:, 0], 0.0)
    np.testing.assert_allclose(scores[:, 1:], gain)
    assert best(scores) == [2, 1, 0]


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_every_strategy_scores_only_the_countries_asked(name):
    ctx = context(
        bloc_threat=[[0.1, 0.2], [0.3, 0.0], [0.0, 0.5]],
        bloc_capability=[0.3, 0.2],
        affinity_to_bloc=[[0.1, -0.2], [0.3, 0.0], [0.0, 0.5]],
        trade_share=[[0.1, 0.2], [0.3, 0.0], [0.0, 0.5]],
        ideology_gap=[[0.1, 0.2], [0.3, 0.0], [0.0, 0.5]],
        landscape_gain=[[0.1, 0.2], [0.3, 0.0], [0.0, 0.5]],
    )
    everyone = STRATEGIES[name](ctx, WHO)
    assert everyone.shape == (3, 3)
    np.testing.assert_array_equal(STRATEGIES[name](ctx, np.array([2, 0])), everyone[[2, 0]])


def test_choose_keeps_the_current_option_unless_a_rival_beats_the_switching_cost():
    scores = np.array([[0.0, 0.08, -np.inf], [0.0, 0.2, 0.0]])
    chosen = choose(scores, np.array([0, 0]), 0.1, np.zeros_like(scores))
    assert list(chosen) == [0, 1]
    # an unavailable option (-inf) is never taken, even when it is the current one
    chosen = choose(scores, np.array([2, 2]), 0.1, np.zeros_like(scores))
    assert list(chosen) == [1, 1]


# -- end to end: one year of a tiny world --------------------------------------------------

HOSTILE_TO_EURASIA = dict(CHN=-0.8, RUS=-0.8, USA=0.0, GBR=0.0)
HOSTILE_TO_WEST = dict(USA=-0.8, GBR=-0.8, CHN=0.0, RUS=0.0)
FRIENDLY_TO_ALL = dict(USA=0.1, GBR=0.1, CHN=0.1, RUS=0.1)


@pytest.mark.parametrize(
    "small_at, affinity, expected",
    [
        (SEOUL, HOSTILE_TO_EURASIA, "West"),
        (HAVANA, HOSTILE_TO_WEST, "Eurasia"),
        (SEOUL, FRIENDLY_TO_ALL, "nonaligned"),  # nobody threatens it: no reason to align
    ],
)
def test_balancer_joins_the_opponent_of_its_threat(small_at, affinity, expected):
    world = tiny_world(small_at=small_at)
    assert choice_after_one_year("balancing", affinity, world) == expected


def test_bandwagoner_joins_the_strongest_bloc():
    eurasia_stronger = tiny_world()
    west_stronger = tiny_world(usa_gdp=6e13)
    for world, expected in ((eurasia_stronger, "Eurasia"), (west_stronger, "West")):
        model = WorldModel(world, **STILL)
        strongest = model.blocs[int(np.argmax(model.bloc_capability()))].name
        assert strongest == expected  # the setting is what the test means it to be
        assert choice_after_one_year("bandwagoning", FRIENDLY_TO_ALL, world) == expected


def test_bandwagoner_and_balancer_part_ways_under_the_same_threat():
    assert choice_after_one_year("bandwagoning", HOSTILE_TO_EURASIA) == "Eurasia"
    assert choice_after_one_year("balancing", HOSTILE_TO_EURASIA) == "West"


def threat_from_eurasia(hostility):
    model = WorldModel(tiny_world(), **STILL)
    set_affinity(model, "SML", CHN=-hostility, RUS=-hostility, USA=0.0, GBR=0.0)
    diplomacy.perceive_threat(model)
    return model.bloc_threat[model.row["SML"], 1]


@pytest.mark.parametrize("hostility, expected", [(0.2, "nonaligned"), (0.8, "West")])
def test_hedger_stays_out_below_its_threshold_and_joins_above(hostility, expected):
    threat = threat_from_eurasia(hostility)
    # with switching_cost=0 the threshold is the bar: 0.25 (the default)
    assert (threat > 0.25) == (expected == "West")
    affinity = dict(CHN=-hostility, RUS=-hostility, USA=0.0, GBR=0.0)
    assert choice_after_one_year("hedging", affinity, switching_cost=0.0) == expected
    # and the threshold is a parameter: a hedger with a bar above the threat stays out
    assert (
        choice_after_one_year(
            "hedging",
            affinity,
            others="balancing",
            switching_cost=0.0,
            hedging_threshold=threat + 0.05,
        )
        == "nonaligned"
    )


def test_hedger_stays_out_where_a_balancer_already_aligns():
    affinity = dict(CHN=-0.2, RUS=-0.2, USA=0.0, GBR=0.0)
    assert choice_after_one_year("balancing", affinity) == "West"
    assert choice_after_one_year("hedging", affinity) == "nonaligned"


@pytest.mark.parametrize(
    "ideal, tolerance, expected",
    [
        (-0.9, 1.0, "Eurasia"),
        (1.9, 1.0, "West"),
        (0.5, 1.0, "nonaligned"),  # both centres more than the tolerance away
        (1.2, 1.0, "West"),
        (1.2, 0.5, "nonaligned"),  # the same country, less tolerant
    ],
)
def test_ideological_country_joins_the_nearest_centre(ideal, tolerance, expected):
    model = WorldModel(tiny_world(small_ideal=ideal), **STILL)
    gap = alignment_context(model).ideology_gap[model.row["SML"]]
    # it joins when the nearest centre beats the tolerance by the switching cost (0.1)
    assert (gap.min() < tolerance - 0.1) == (expected != "nonaligned")
    world = tiny_world(small_ideal=ideal)
    choice = choice_after_one_year(
        "ideological", FRIENDLY_TO_ALL, world, ideological_tolerance=tolerance
    )
    assert choice == expected


@pytest.mark.parametrize(
    "small_at, expected_shares, expected",
    [(DUBLIN, (0.6, 0.4), "West"), (SEOUL, (0.3, 0.7), "Eurasia")],
)
def test_economic_country_joins_the_bloc_carrying_most_of_its_trade(
    small_at, expected_shares, expected
):
    world = tiny_world(small_at=small_at)
    model = WorldModel(world, **STILL)
    share = alignment_context(model).trade_share[model.row["SML"]]
    # the geography does what the test needs: most trade with the expected bloc
    assert (share[0] > 0.5) == (expected_shares[0] > 0.5)
    assert choice_after_one_year("economic", FRIENDLY_TO_ALL, world) == expected
    # no bloc carries the required share: stay out
    assert (
        choice_after_one_year("economic", FRIENDLY_TO_ALL, world, economic_threshold=0.9)
        == "nonaligned"
    )


@pytest.mark.parametrize(
    "affinity, expected",
    [
        (dict(USA=0.5, GBR=0.5, CHN=-0.5, RUS=-0.5), "West"),
        (dict(USA=-0.5, GBR=-0.5, CHN=0.5, RUS=0.5), "Eurasia"),
        # its best friend is Britain, but China's weight carries the capability-weighted sum
        (dict(USA=0.1, GBR=0.9, CHN=0.3, RUS=0.3), "Eurasia"),
        (dict(USA=-0.3, GBR=-0.1, CHN=-0.2, RUS=-0.6), "nonaligned"),  # all negative
    ],
)
def test_landscape_country_joins_where_capability_weighted_affinity_is_highest(affinity, expected):
    model = WorldModel(tiny_world(), **STILL)
    set_affinity(model, "SML", **affinity)
    gain = alignment_context(model).landscape_gain[model.row["SML"]]
    cap = model.capability
    for b, members in enumerate((("USA", "GBR"), ("CHN", "RUS"))):
        expected_gain = sum(cap[model.row[c]] * affinity[c] for c in members)
        assert gain[b] == pytest.approx(expected_gain)
    assert choice_after_one_year("landscape", affinity) == expected


def test_mixed_strategies_act_side_by_side_in_one_world():
    """Two small states beside China under the same threat: the balancer aligns, the hedger not."""
    base = tiny_world().countries
    twin = base[base["iso3"] == "SML"].assign(iso3="TWN", name="Twin", capital_lon=127.5)
    table = pd.concat([base, twin], ignore_index=True)
    twins = validate_table(table, COUNTRY_COLUMNS, "twins")
    world = world_from_tables("twins", twins, politics=TEST_POLITICS)
    mixed = {"by": "iso3", "groups": {"SML": "balancing", "TWN": "hedging"}, "default": "hedging"}
    model = WorldModel(world, alignment="mixed", mixed_alignment=mixed, **STILL)
    assert model.country("SML").strategy == "balancing"
    assert model.country("TWN").strategy == "hedging"
    for code in ("SML", "TWN"):
        set_affinity(model, code, CHN=-0.2, RUS=-0.2, USA=0.0, GBR=0.0)
    model.step()
    assert model.country("SML").bloc_name == "West"
    assert model.country("TWN").bloc_name == "nonaligned"


def test_leaders_stay_with_their_blocs_whatever_their_strategy():
    model = WorldModel(tiny_world(), alignment="ideological", **STILL)
    # a small state leads a bloc with Britain, whose ideal point pulls the bloc's centre 1.2
    # from its own: beyond its tolerance of 1, it would rather be non-aligned, yet it stays
    found_bloc(model, model.row["SML"], np.array([model.row["SML"], model.row["GBR"]]))
    gap = alignment_context(model).ideology_gap[model.row["SML"], 2]
    assert gap > model.thresholds["ideological"]
    model.step()
    assert model.country("SML").bloc_name == "SML-led"
    assert model.country("CHN").bloc_name == "Eurasia"
    # the West, left with its leader alone, dissolves: a leader stays as long as its bloc does
    assert model.country("USA").bloc_name == "nonaligned" and not model.blocs[0].active


def test_great_powers_balance_and_never_join_a_bloc_they_do_not_lead_or_belong_to():
    model = WorldModel(tiny_world(), alignment="bandwagoning", **STILL)
    strategies = {c.iso3: c.strategy for c in model.countries}
    assert strategies == {
        "USA": "balancing",
        "GBR": "bandwagoning",
        "CHN": "balancing",
        "RUS": "balancing",
        "SML": "bandwagoning",
    }
    # Russia, hostile to China and friendly to the West, still cannot join the West: it can
    # only stay in Eurasia or leave it
    set_affinity(model, "RUS", CHN=-1.0, USA=1.0, GBR=1.0, SML=0.0)
    model.step()
    assert model.country("RUS").bloc_name in ("Eurasia", "nonaligned")
    assert model.country("RUS").bloc_name != "West"


# -- the registry -------------------------------------------------------------------------


@pytest.fixture
def follow_the_first_bloc():
    """A test strategy: always join bloc 0; removed from the registry afterwards."""
    name = "test_follow_the_first_bloc"

    @register(name)
    def follow(ctx, who):
        scores = np.zeros((len(who), ctx.bloc_capability.shape[0] + 1))
        scores[:, 1] = 1.0
        return scores

    try:
        yield name
    finally:
        STRATEGIES.pop(name, None)


def test_a_new_strategy_is_one_decorated_function(follow_the_first_bloc):
    assert follow_the_first_bloc in STRATEGIES
    model = WorldModel(tiny_world(), alignment=follow_the_first_bloc, **STILL)
    assert model.country("SML").bloc_name == "nonaligned"
    model.step()
    names = [c.bloc_name for c in model.countries]
    # everyone follows bloc 0 (West) but the great powers, who balance (China leads Eurasia,
    # Russia stays with it)
    assert names == ["West", "West", "Eurasia", "Eurasia", "West"]


def test_the_test_strategy_was_removed():
    # runs after the fixture's test in file order; guards against leaking registrations
    assert not any(name.startswith("test_") for name in STRATEGIES)


def test_registering_a_name_twice_fails():
    with pytest.raises(ValueError, match="'balancing' is already registered"):
        register("balancing")(lambda ctx, who: None)
    assert STRATEGIES["balancing"].__name__ == "balancing"


def test_unknown_strategy_names_the_key_and_the_known_strategies():
    with pytest.raises(ValueError) as error:
        WorldModel(tiny_world(), alignment="appeasement", rng=0)
    message = str(error.value)
    assert "alignment" in message and "'appeasement'" in message
    for name in STRATEGIES:
        assert name in message


@pytest.mark.parametrize(
    "mixed, match",
    [
        ("europe_balance", "unknown preset 'europe_balance'"),
        ({"by": "continent", "groups": {}}, "unknown column 'continent'"),
        ({"by": "iso3", "groups": {"SML": "appeasement"}}, r"mixed\.groups\.SML.*'appeasement'"),
        ({"by": "iso3", "default": "appeasement"}, "mixed: unknown alignment strategy"),
        ({"groups": {"SML": "hedging"}}, "expected keys by, groups, default"),
        ({"by": "iso3", "group": {"SML": "hedging"}}, "expected keys by, groups, default"),
    ],
)
def test_bad_mixed_specifications_fail_naming_the_culprit(mixed, match):
    with pytest.raises(ValueError, match=match):
        WorldModel(tiny_world(), alignment="mixed", mixed_alignment=mixed, rng=0)


@pytest.fixture(scope="module")
def countries_2024():
    return load_world("world_2024").countries


def strategy_of(strategies, countries, iso3):
    return strategies[int(np.flatnonzero(countries["iso3"] == iso3)[0])]


def test_mixed_by_region(countries_2024):
    spec = {"by": "region", "groups": {"Africa": "economic", "Asia": "ideological"}}
    got = assign_strategies("mixed", countries_2024, spec)
    region = countries_2024["region"].to_numpy()
    assert set(got[region == "Africa"]) == {"economic"}
    assert set(got[region == "Asia"]) == {"ideological"}
    assert set(got[(region != "Africa") & (region != "Asia")]) == {"hedging"}  # the default


def test_mixed_by_membership_and_nested_defaults(countries_2024):
    spec = {
        "by": "nato",
        "groups": {True: "balancing"},
        "default": {"by": "sco", "groups": {"true": "bandwagoning"}, "default": "landscape"},
    }
    got = assign_strategies("mixed", countries_2024, spec)
    nato = countries_2024["nato"].to_numpy(bool)
    sco = countries_2024["sco"].to_numpy(bool)
    assert set(got[nato]) == {"balancing"}
    assert set(got[~nato & sco]) == {"bandwagoning"}
    assert set(got[~nato & ~sco]) == {"landscape"}
    assert nato.sum() == 32 and (~nato & sco).sum() >= 9


def test_mixed_by_explicit_iso3_list(countries_2024):
    spec = {
        "by": "iso3",
        "groups": {"IND": "hedging", "BRA": "economic", "VNM": "balancing"},
        "default": "ideological",
    }
    got = assign_strategies("mixed", countries_2024, spec)
    assert [strategy_of(got, countries_2024, c) for c in ("IND", "BRA", "VNM", "FRA")] == [
        "hedging",
        "economic",
        "balancing",
        "ideological",
    ]
    assert (got == "ideological").sum() == len(countries_2024) - 3


def test_mixed_presets(countries_2024):
    assert set(MIXED_PRESETS) >= {"europe_balances", "by_membership"}
    europe = assign_strategies("mixed", countries_2024, "europe_balances")
    in_europe = (countries_2024["region"] == "Europe").to_numpy()
    assert in_europe.sum() > 30
    assert set(europe[in_europe]) == {"balancing"} and set(europe[~in_europe]) == {"hedging"}

    # "mixed" without a preset is "status_quo": the scenario's allies balance, the others hedge
    model = WorldModel(rng=0)
    with_allied = model.world.countries.assign(allied=False)
    with_allied.loc[with_allied["nato"], "allied"] = True
    codes = ["JPN", "KOR", "PHL", "AUS", "NZL", "CHN", "RUS", "BLR", "KAZ", "KGZ", "TJK", "PRK"]
    with_allied.loc[with_allied["iso3"].isin(codes), "allied"] = True
    allied = with_allied["allied"].to_numpy(bool)
    assert allied.sum() == 32 + 12
    status_quo = assign_strategies("mixed", with_allied)
    np.testing.assert_array_equal(assign_strategies("mixed", with_allied, "status_quo"), status_quo)
    assert set(status_quo[allied]) == {"balancing"} and set(status_quo[~allied]) == {"hedging"}
    others = ~np.isin(model.iso3, ["USA", "CHN", "RUS"])  # the great powers always balance
    np.testing.assert_array_equal(model.strategies[others], status_quo[others])
    # the allies are the scenario's: in 2000, Thailand and China's treaty ally North Korea
    old = WorldModel("world_2000", rng=0)
    assert old.country("THA").strategy == "balancing" and old.country("PRK").strategy == "balancing"
    assert old.country("EST").strategy == "hedging"  # NATO from 2004
    with pytest.raises(ValueError, match="unknown column 'allied'"):
        assign_strategies("mixed", countries_2024, "status_quo")

    members = assign_strategies("mixed", countries_2024, "by_membership")
    expected = {"USA": "balancing", "FRA": "balancing", "BRA": "economic", "CHN": "economic"}
    expected |= {"IND": "economic", "MEX": "hedging", "IDN": "economic", "NGA": "hedging"}
    for code, strategy in expected.items():
        assert strategy_of(members, countries_2024, code) == strategy, code


def test_mixed_presets_reach_the_model():
    model = WorldModel(alignment="mixed", mixed_alignment="by_membership", rng=0)
    assert model.country("DEU").strategy == "balancing"
    assert model.country("ZAF").strategy == "economic"
    assert model.country("CHE").strategy == "hedging"
    model.step()  # and a year runs with the three strategies side by side
    assert set(model.strategies) == {"balancing", "economic", "hedging"}


def run_checking_great_powers(alignment, seed):
    """26 years; every year, no Russia or China in the US-led bloc, no US in theirs."""
    model = WorldModel(alignment=alignment, rng=seed)
    usa, chn, rus = (model.row[c] for c in ("USA", "CHN", "RUS"))
    for _ in range(26):
        model.step()
        leader = {b: bloc.leader for b, bloc in enumerate(model.blocs)}
        led_by = {
            code: leader.get(int(model.bloc[row]))
            for code, row in (("USA", usa), ("CHN", chn), ("RUS", rus))
        }
        assert led_by["CHN"] != usa and led_by["RUS"] != usa, model.year
        assert led_by["USA"] not in (chn, rus), model.year
    return model.datacollector.get_model_vars_dataframe()


@pytest.mark.parametrize("alignment", [*sorted(STRATEGIES), "mixed"])
def test_great_powers_never_serve_each_other_and_outcomes_are_numbers(alignment):
    # the seven strategies (six registered and mixed), 10 replicates x 26 years each
    for child in np.random.SeedSequence(7).spawn(10):
        table = run_checking_great_powers(alignment, np.random.default_rng(child))
        numbers = table.drop(columns=[c for c in MAY_BE_NAN if c in table]).iloc[1:]
        assert not numbers.isna().any().any(), list(numbers.columns[numbers.isna().any()])


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"by": "iso3", "groups": {"XXX": "balancing"}}, r"mixed.groups.XXX: no country has iso3"),
        ({"by": "region", "groups": {"Europa": "balancing"}}, r"region = 'Europa'; values: \["),
        (
            {"by": "nato", "groups": {"true": "balancing"},
             "default": {"by": "iso3", "groups": {"QQQ": "hedging"}}},
            r"mixed.groups.QQQ",
        ),
    ],
)  # fmt: skip
def test_a_mixed_spec_whose_group_matches_no_country_fails(countries_2024, spec, message):
    with pytest.raises(ValueError, match=message):
        assign_strategies("mixed", countries_2024, spec)
    with pytest.raises(ValueError, match=message):
        WorldModel(rng=0, alignment="mixed", mixed_alignment=spec)
