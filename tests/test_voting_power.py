"""Voting power: exact Shapley-Shubik and Banzhaf indices against brute force and the literature."""

from __future__ import annotations

import itertools
import time
from math import comb, factorial

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.council import RULES, CouncilRule, brute_force_power, voting_power

INDICES = ["shapley_shubik", "banzhaf", "banzhaf_absolute"]


def by_role(frame):
    """One row per (kind, veto) role; fails if seats of one role differ."""
    grouped = frame.groupby(["kind", "veto"])[INDICES]
    assert (grouped.nunique() == 1).all().all()
    return grouped.first()


def wins(rule, coalition):
    """Plain-Python restatement of the simple game: a set of seats voting yes."""
    outside_vetoes = sum(1 for seat in range(rule.veto_holders) if seat not in coalition)
    return len(coalition) >= rule.quota and outside_vetoes < rule.vetoes_to_block


def shapley_by_permutations(rule):
    """Shapley-Shubik by walking all n! voting orders and crediting the pivot."""
    pivots = np.zeros(rule.seats)
    for order in itertools.permutations(range(rule.seats)):
        coalition = set()
        for seat in order:
            coalition.add(seat)
            if wins(rule, coalition):
                pivots[seat] += 1
                break
    return pivots / factorial(rule.seats)


SMALL_RULES = [
    CouncilRule("p3v2_e4", permanent_seats=3, elected_seats=4, quota=4, veto_holders=2),
    CouncilRule("double_veto7", 3, 4, quota=5, veto_holders=3, vetoes_to_block=2),
    CouncilRule("no_veto7", 2, 5, quota=4, veto_holders=0),
    CouncilRule("unanimity", 2, 3, quota=5, veto_holders=2),
    CouncilRule("elected_only", 0, 6, quota=4, veto_holders=0),
    CouncilRule("veto_only", 4, 0, quota=1, veto_holders=4, vetoes_to_block=3),
]


# --- the table -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RULES))
def test_one_row_per_seat_and_indices_sum_to_one(name):
    rule = RULES[name]
    power = voting_power(name)
    assert power.index.name == "seat"
    assert power.index.tolist() == list(range(rule.seats))
    assert list(power.columns) == ["kind", "veto"] + INDICES
    assert power["kind"].tolist() == ["permanent"] * rule.permanent_seats + ["elected"] * (
        rule.elected_seats
    )
    np.testing.assert_array_equal(power["veto"], rule.veto_mask)
    assert power["shapley_shubik"].sum() == pytest.approx(1, abs=1e-12)
    assert power["banzhaf"].sum() == pytest.approx(1, abs=1e-12)
    assert (power[INDICES] > 0).all().all()  # no dummies in any named rule


@pytest.mark.parametrize("name", sorted(RULES))
def test_equal_roles_equal_power_and_vetoes_dominate(name):
    roles = by_role(voting_power(name))
    if ("permanent", True) in roles.index:
        for other in roles.index.drop(("permanent", True)):
            assert (roles.loc[("permanent", True)] > roles.loc[other]).all()


def test_g4_no_veto_new_permanent_seats_are_elected_seats_in_all_but_name():
    roles = by_role(voting_power("g4_no_veto"))
    pd.testing.assert_series_equal(
        roles.loc[("permanent", False)], roles.loc[("elected", False)], check_names=False
    )


def test_no_veto_is_symmetric():
    power = voting_power("no_veto")
    np.testing.assert_allclose(power[["shapley_shubik", "banzhaf"]], 1 / 15, rtol=1e-12)


# --- published and hand-derived values ---------------------------------------------------------


def test_charter_matches_the_published_values():
    # Shapley-Shubik for the Council since 1965: 421/2145 = 0.1963 per permanent member,
    # 4/2145 = 0.0019 per elected member (Straffin 1993, "Game Theory and Strategy"; Felsenthal
    # & Machover 1998). Verified against the worked example at
    # https://gonitsora.com/veto-starting-to-sound-really-good (84 x 8! x 6! / 15! = 4/2145
    # per elected member, 19.6% per permanent member).
    # Banzhaf, counted by hand: a permanent member swings when the other four permanent
    # members and at least 4 of the 10 elected vote yes, sum_{k>=4} C(10, k) = 848 coalitions;
    # an elected member when all five and exactly 3 of the other 9 do, C(9, 3) = 84; total
    # 5 * 848 + 10 * 84 = 5080, so 0.1669 and 0.0165 (the textbook figures).
    roles = by_role(voting_power("charter"))
    permanent, elected = roles.loc[("permanent", True)], roles.loc[("elected", False)]
    assert permanent["shapley_shubik"] == pytest.approx(421 / 2145, abs=1e-12)
    assert elected["shapley_shubik"] == pytest.approx(4 / 2145, abs=1e-12)
    assert round(permanent["shapley_shubik"], 4) == 0.1963
    assert round(elected["shapley_shubik"], 5) == 0.00186
    assert permanent["banzhaf"] == pytest.approx(848 / 5080, abs=1e-12)
    assert elected["banzhaf"] == pytest.approx(84 / 5080, abs=1e-12)
    assert round(permanent["banzhaf"], 4) == 0.1669
    assert round(elected["banzhaf"], 4) == 0.0165
    assert permanent["banzhaf_absolute"] == pytest.approx(848 / 2**14, abs=1e-12)
    assert elected["banzhaf_absolute"] == pytest.approx(84 / 2**14, abs=1e-12)


def test_charter_1945_hand_counts():
    # Banzhaf: a permanent member swings with the other four and >= 2 of 6 elected:
    # 2^6 - 1 - 6 = 57; an elected member with all five and exactly 1 of the other 5: 5.
    # Shapley-Shubik of an elected member: pivotal 7th with the five and 1 of 5 before it,
    # 5 * 6! * 4! / 11! = 1/462.
    roles = by_role(voting_power("charter_1945"))
    assert roles.loc[("permanent", True), "banzhaf"] == pytest.approx(57 / 315, abs=1e-12)
    assert roles.loc[("elected", False), "banzhaf"] == pytest.approx(5 / 315, abs=1e-12)
    assert roles.loc[("elected", False), "shapley_shubik"] == pytest.approx(1 / 462, abs=1e-12)
    assert round(roles.loc[("permanent", True), "shapley_shubik"], 4) == 0.1974


@pytest.mark.parametrize("name", ["charter", "charter_1945", "g4_veto"])
def test_elected_shapley_closed_form_when_every_permanent_seat_has_a_veto(name):
    # An elected seat is pivotal iff it votes q-th with all v veto holders and q-1-v of the
    # other e-1 elected seats before it: C(e-1, q-1-v) (q-1)! (n-q)! / n! (the textbook count
    # generalised; 84 x 8! x 6! / 15! for the Charter).
    rule = RULES[name]
    n, q, v, e = rule.seats, rule.quota, rule.veto_holders, rule.elected_seats
    expected = comb(e - 1, q - 1 - v) * factorial(q - 1) * factorial(n - q) / factorial(n)
    power = voting_power(rule)
    np.testing.assert_allclose(power.loc[power["kind"] == "elected", "shapley_shubik"], expected)


def test_reform_rules_rank_as_expected():
    ss = {name: voting_power(name)["shapley_shubik"] for name in RULES}
    # a second veto needed: permanent members lose, elected members gain
    assert ss["two_vetoes"].iloc[0] < ss["charter"].iloc[0]
    assert ss["two_vetoes"].iloc[-1] > ss["charter"].iloc[-1]
    # eleven vetoes in 25 seats: each veto holder has about 1/11
    assert ss["g4_veto"].iloc[0] == pytest.approx(1 / 11, abs=1e-4)
    # the original five keep about what they have today under the G4 model as proposed
    assert ss["g4_no_veto"].iloc[0] == pytest.approx(ss["charter"].iloc[0], abs=0.002)


# --- brute force -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["charter", "charter_1945", "no_veto", "two_vetoes"])
def test_matches_brute_force_on_the_15_and_11_seat_rules(name):
    pd.testing.assert_frame_equal(voting_power(name), brute_force_power(name), rtol=1e-12)


@pytest.mark.parametrize("rule", SMALL_RULES, ids=lambda rule: rule.name)
def test_matches_brute_force_and_permutations_on_small_rules(rule):
    power = voting_power(rule)
    pd.testing.assert_frame_equal(power, brute_force_power(rule), rtol=1e-12)
    np.testing.assert_allclose(power["shapley_shubik"], shapley_by_permutations(rule), rtol=1e-12)


def test_strict_abstention_does_not_change_the_yes_no_game():
    strict = CouncilRule("strict", 5, 10, 9, 5, abstention_counts_against=True)
    pd.testing.assert_frame_equal(voting_power(strict), voting_power("charter"))


@st.composite
def small_rules(draw):
    permanent = draw(st.integers(0, 4))
    elected = draw(st.integers(0 if permanent else 1, 5))
    veto = draw(st.integers(0, permanent))
    return CouncilRule(
        "random",
        permanent,
        elected,
        quota=draw(st.integers(1, permanent + elected)),
        veto_holders=veto,
        vetoes_to_block=draw(st.integers(1, max(veto, 1))),
    )


@settings(max_examples=60, deadline=None)
@given(small_rules())
def test_matches_brute_force_on_random_small_rules(rule):
    power = voting_power(rule)
    pd.testing.assert_frame_equal(power, brute_force_power(rule), rtol=1e-12, atol=1e-15)
    assert power["shapley_shubik"].sum() == pytest.approx(1, abs=1e-12)


def test_brute_force_refuses_large_games():
    with pytest.raises(ValueError, match="25 seats"):
        brute_force_power("g4_veto")


# --- speed -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["g4_veto", "g4_no_veto"])
def test_25_seats_in_well_under_a_second(name):
    start = time.perf_counter()
    voting_power(name)
    assert time.perf_counter() - start < 0.25


def test_a_large_custom_council_is_still_fast():
    rule = CouncilRule("assembly", permanent_seats=10, elected_seats=90, quota=60, veto_holders=5)
    start = time.perf_counter()
    power = voting_power(rule)
    assert time.perf_counter() - start < 1.0
    assert power["shapley_shubik"].sum() == pytest.approx(1, abs=1e-12)
