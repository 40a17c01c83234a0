"""Security Council rules: named rules, adoption and vetoes on hand-built and random votes."""

from __future__ import annotations

import numpy as np
import pytest

from sim.council import ABSTAIN, NO, RULES, YES, CouncilRule, adopted, get_rule, vetoed_by


def profile(rule, yes=(), no=(), abstain=(), default=NO):
    """A vote profile: the listed seats vote as given, every other seat votes `default`."""
    votes = np.full(get_rule(rule).seats, default)
    votes[list(yes)] = YES
    votes[list(no)] = NO
    votes[list(abstain)] = ABSTAIN
    return votes


def reference_adopted(rule, draft):
    """Plain-Python restatement of the rule, one draft at a time."""
    yes = sum(1 for v in draft if v == YES)
    vetoes = 0
    for seat in range(rule.veto_holders):
        if draft[seat] == NO or (rule.abstention_counts_against and draft[seat] == ABSTAIN):
            vetoes += 1
    return yes >= rule.quota and vetoes < rule.vetoes_to_block


def random_votes(rule, n, seed, p=(0.6, 0.2, 0.2)):
    rng = np.random.default_rng(seed)
    return rng.choice([YES, NO, ABSTAIN], size=(n, rule.seats), p=p)


# --- the named rules -----------------------------------------------------------------------


def test_named_rules_have_the_documented_seats_and_quotas():
    expected = {
        "charter": (5, 10, 9, 5, 1),
        "charter_1945": (5, 6, 7, 5, 1),
        "no_veto": (5, 10, 9, 0, 1),
        "two_vetoes": (5, 10, 9, 5, 2),
        "g4_veto": (11, 14, 14, 11, 1),
        "g4_no_veto": (11, 14, 14, 5, 1),
    }
    assert set(RULES) == set(expected)
    for name, (permanent, elected, quota, veto, block) in expected.items():
        rule = RULES[name]
        assert rule.name == name
        got = (rule.permanent_seats, rule.elected_seats, rule.quota)
        assert got + (rule.veto_holders, rule.vetoes_to_block) == (
            permanent,
            elected,
            quota,
            veto,
            block,
        )
        assert rule.abstention_counts_against is False
        assert rule.description
    assert RULES["charter"].seats == 15
    assert RULES["charter_1945"].seats == 11
    assert RULES["g4_veto"].seats == 25


def test_get_rule_by_name_or_rule_and_unknown_names_listed():
    assert get_rule("charter") is RULES["charter"]
    custom = CouncilRule("custom", 1, 2, 2, 1)
    assert get_rule(custom) is custom
    with pytest.raises(KeyError, match="charter_1945.*g4_no_veto"):
        get_rule("charter_2045")
    with pytest.raises(TypeError):
        get_rule(15)


def test_rules_are_frozen_and_hashable():
    rule = RULES["charter"]
    with pytest.raises(AttributeError):
        rule.quota = 8
    assert {rule: 1}[CouncilRule("charter", 5, 10, 9, 5)] == 1  # description not compared
    np.testing.assert_array_equal(rule.veto_mask, np.arange(15) < 5)
    np.testing.assert_array_equal(RULES["g4_no_veto"].veto_mask, np.arange(25) < 5)
    np.testing.assert_array_equal(RULES["g4_no_veto"].permanent_mask, np.arange(25) < 11)


# --- the Charter -----------------------------------------------------------------------------


def test_charter_nine_yes_with_a_permanent_no_fails():
    votes = profile("charter", yes=[1, 2, 3, 4, 5, 6, 7, 8, 9], no=[0])
    assert not adopted("charter", votes)
    assert vetoed_by("charter", votes).tolist() == [True] + [False] * 14


def test_charter_nine_yes_with_permanent_abstentions_passes():
    votes = profile("charter", yes=range(5, 14), abstain=range(5))
    assert adopted("charter", votes)
    assert not vetoed_by("charter", votes).any()
    # ... and an elected member's no cannot block
    assert adopted("charter", profile("charter", yes=range(9), no=range(9, 15)))


def test_charter_eight_yes_fail_and_fifteen_pass():
    assert not adopted("charter", profile("charter", yes=range(8), abstain=range(8, 15)))
    assert not adopted("charter", profile("charter", yes=range(8)))
    assert adopted("charter", np.full(15, YES))
    assert not adopted("charter", np.full(15, ABSTAIN))


def test_charter_eight_yes_and_a_permanent_no_is_not_a_veto():
    # fails for want of votes: no veto is recorded
    votes = profile("charter", yes=range(1, 9), no=[0])
    assert not adopted("charter", votes)
    assert not vetoed_by("charter", votes).any()


def test_abstention_counts_against_when_the_rule_says_so():
    strict = CouncilRule("strict", 5, 10, 9, 5, abstention_counts_against=True)
    votes = profile(strict, yes=range(1, 10), abstain=[0], no=range(10, 15))
    assert adopted("charter", votes)
    assert not adopted(strict, votes)
    assert vetoed_by(strict, votes).tolist() == [True] + [False] * 14
    # an elected member's abstention still does not count
    assert adopted(strict, profile(strict, yes=range(14), abstain=[14]))


# --- the other named rules ---------------------------------------------------------------------


def test_two_vetoes_one_permanent_no_passes_two_fail():
    one = profile("two_vetoes", yes=range(1, 10), no=[0])
    two = profile("two_vetoes", yes=range(2, 11), no=[0, 1])
    assert adopted("two_vetoes", one)
    assert not adopted("charter", one)
    assert not adopted("two_vetoes", two)
    assert vetoed_by("two_vetoes", two).tolist() == [True, True] + [False] * 13
    assert not vetoed_by("two_vetoes", one).any()


def test_charter_1945_seven_yes():
    assert adopted("charter_1945", profile("charter_1945", yes=range(7)))
    assert not adopted("charter_1945", profile("charter_1945", yes=range(6)))
    assert adopted("charter_1945", profile("charter_1945", yes=range(7), abstain=range(7, 11)))
    vetoed = profile("charter_1945", yes=range(4, 11), no=[3], default=ABSTAIN)
    assert not adopted("charter_1945", vetoed)
    assert vetoed_by("charter_1945", vetoed).tolist() == [False] * 3 + [True] + [False] * 7
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 11\)"):
        adopted("charter_1945", np.full(15, YES))


def test_no_veto_only_counts_votes():
    assert adopted("no_veto", profile("no_veto", yes=range(5, 14), no=range(5)))
    assert not adopted("no_veto", profile("no_veto", yes=range(8)))


def test_g4_rules_with_a_new_permanent_member_voting_no():
    # seat 7 is one of the six new permanent members (seats 5..10); 14 yes among the rest
    votes = profile("g4_veto", yes=[s for s in range(25) if s != 7][:14], no=[7])
    assert not adopted("g4_veto", votes)
    assert adopted("g4_no_veto", votes)
    assert np.flatnonzero(vetoed_by("g4_veto", votes)).tolist() == [7]
    assert not vetoed_by("g4_no_veto", votes).any()
    # an original permanent member's no blocks under both
    votes = profile("g4_veto", yes=range(1, 15), no=[0])
    assert not adopted("g4_veto", votes)
    assert not adopted("g4_no_veto", votes)
    assert np.flatnonzero(vetoed_by("g4_no_veto", votes)).tolist() == [0]
    # 13 yes are not enough, 14 are
    assert not adopted("g4_no_veto", profile("g4_no_veto", yes=range(13)))
    assert adopted("g4_no_veto", profile("g4_no_veto", yes=range(14), abstain=range(14, 25)))


# --- vectorisation and random profiles ----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RULES))
def test_batch_equals_loop_over_drafts(name):
    rule = RULES[name]
    votes = random_votes(rule, 2000, seed=1)
    batch = adopted(rule, votes)
    assert batch.shape == (2000,) and batch.dtype == bool
    loop = np.array([reference_adopted(rule, draft) for draft in votes])
    np.testing.assert_array_equal(batch, loop)
    np.testing.assert_array_equal(batch, [bool(adopted(rule, draft)) for draft in votes])
    assert 0 < batch.sum() < 2000  # the random profiles exercise both outcomes


@pytest.mark.parametrize("name", sorted(RULES))
def test_leading_dimensions_are_kept(name):
    rule = RULES[name]
    votes = random_votes(rule, 60, seed=2).reshape(3, 4, 5, rule.seats)
    assert adopted(rule, votes).shape == (3, 4, 5)
    assert vetoed_by(rule, votes).shape == (3, 4, 5, rule.seats)
    np.testing.assert_array_equal(
        adopted(rule, votes).ravel(), adopted(rule, votes.reshape(-1, rule.seats))
    )


@pytest.mark.parametrize("name", sorted(RULES))
def test_vetoed_by_marks_exactly_the_blocking_veto_holders(name):
    rule = RULES[name]
    votes = random_votes(rule, 5000, seed=3, p=(0.8, 0.1, 0.1))
    vetoed = vetoed_by(rule, votes)
    yes = (votes == YES).sum(axis=1)
    passes_without_veto = yes >= rule.quota
    # only veto holders voting no are ever marked
    assert not vetoed[:, rule.veto_holders :].any()
    assert np.all(votes[vetoed] == NO)
    # a draft has marks iff it reached the quota and failed
    np.testing.assert_array_equal(vetoed.any(axis=1), passes_without_veto & ~adopted(rule, votes))
    # on vetoed drafts, every veto holder voting no is marked
    rows = vetoed.any(axis=1)
    np.testing.assert_array_equal(
        vetoed[rows, : rule.veto_holders], votes[rows, : rule.veto_holders] == NO
    )
    if rule.veto_holders:
        assert rows.any()


def test_no_veto_never_records_a_veto():
    votes = random_votes(RULES["no_veto"], 10_000, seed=4, p=(0.5, 0.3, 0.2))
    assert not vetoed_by("no_veto", votes).any()
    np.testing.assert_array_equal(adopted("no_veto", votes), (votes == YES).sum(axis=1) >= 9)


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"quota": 0}, "quota"),
        ({"quota": 16}, "quota"),
        ({"quota": 9.0}, "quota"),
        ({"veto_holders": 6}, "veto_holders"),
        ({"veto_holders": -1}, "veto_holders"),
        ({"permanent_seats": -1}, "permanent_seats"),
        ({"elected_seats": 2.5}, "elected_seats"),
        ({"permanent_seats": 0, "elected_seats": 0, "veto_holders": 0, "quota": 1}, "seats"),
        ({"vetoes_to_block": 0}, "vetoes_to_block"),
        ({"vetoes_to_block": 6}, "vetoes_to_block"),
        ({"abstention_counts_against": "no"}, "abstention_counts_against"),
        ({"name": ""}, "name"),
        ({"permanent_seats": True}, "permanent_seats"),
    ],
)
def test_bad_rules_raise_naming_the_field(kwargs, field):
    args = {"name": "bad", "permanent_seats": 5, "elected_seats": 10, "quota": 9}
    args |= {"veto_holders": 5} | kwargs
    with pytest.raises(ValueError, match=field):
        CouncilRule(**args)


def test_bad_votes_raise():
    with pytest.raises(ValueError, match="YES=1"):
        adopted("charter", np.full(15, 2))
    with pytest.raises(ValueError, match="integers"):
        adopted("charter", np.full(15, 1.0))
    with pytest.raises(ValueError, match="shape"):
        vetoed_by("charter", np.full((3, 14), YES))
    with pytest.raises(ValueError, match="shape"):
        adopted("charter", YES)


def test_custom_rule_works_like_a_named_one():
    rule = CouncilRule("tiny", permanent_seats=2, elected_seats=3, quota=3, veto_holders=1)
    assert adopted(rule, [NO, YES, YES, YES, ABSTAIN]) == np.False_
    assert adopted(rule, [ABSTAIN, NO, YES, YES, YES]) == np.True_
    assert vetoed_by(rule, [NO, YES, YES, YES, ABSTAIN]).tolist() == [True] + [False] * 4
