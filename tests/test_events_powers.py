"""Scheduled events and great-power strategies: each one's effect on the model's state."""

from __future__ import annotations

import numpy as np
import pytest

from sim import WorldModel
from sim.events import EVENT_KINDS, EVENT_SETS, Event, schedule
from sim.finance import apply_secondary_cut
from sim.powers import (
    CLUB_PREMIUM,
    CONTAIN_LEVEL,
    CONTAIN_RATE,
    EXPAND_OFFER,
    POLICY_STEP,
    POWER_STRATEGIES,
    act_great_powers,
)

#: Great powers idle, no sanctions in force: a strategy or event under test acts alone.
IDLE = dict(strategy_USA="", strategy_CHN="", strategy_RUS="", initial_sanctions=False)


def model(**params):
    return WorldModel(**{"rng": 0, "events": None, **params})


def rows(m, codes):
    return np.array([m.row[c] for c in codes])


def members(m, flag):
    return np.flatnonzero(m.memberships[flag])


def bloc_rows(m, name):
    return np.flatnonzero(m.bloc == [b.name for b in m.blocs].index(name))


def off_block(matrix, index):
    """A copy of `matrix` with the rows and columns of `index` masked out (NaN)."""
    other = matrix.astype(float).copy()
    other[index, :] = np.nan
    other[:, index] = np.nan
    return other


# -- events -------------------------------------------------------------------------------

COVERED_KINDS = set()


def covers(kind):
    COVERED_KINDS.add(kind)
    return kind


def test_brics_expansion_sets_the_flags():
    m = model()
    partners = members(m, "brics_partner")
    before = m.memberships["brics"].copy()
    assert len(partners) == 10 and not before[partners].any()
    Event(2025, covers("brics_expansion")).apply(m)
    assert m.memberships["brics"][partners].all()
    assert not m.memberships["brics_partner"].any()
    np.testing.assert_array_equal(m.memberships["brics"], before | m.memberships["brics"])
    assert m.memberships["brics"].sum() == 20
    # named members only, and the new shared membership reaches affinity (VNM-BRA: no other
    # shared grouping, so the BRICS tie is new)
    explicit = model()
    Event(2025, "brics_expansion", {"members": ["VNM"]}).apply(explicit)
    assert explicit.memberships["brics"].sum() == 11
    assert explicit.memberships["brics_partner"].sum() == 9
    without = model()
    for m_ in (explicit, without):
        for _ in range(3):
            m_.step()
    vnm, bra = explicit.row["VNM"], explicit.row["BRA"]
    assert explicit.affinity[vnm, bra] > without.affinity[vnm, bra]


def test_three_way_summit_raises_affinity_and_eases_sanctions():
    m = model()
    trio = rows(m, ["USA", "RUS", "CHN"])
    affinity, sanctions = m.affinity.copy(), m.sanctions.copy()
    assert sanctions[m.row["USA"], m.row["RUS"]] == 0.6
    Event(2025, covers("three_way_summit")).apply(m)
    pairs = np.ix_(trio, trio)
    off_diagonal = ~np.eye(3, dtype=bool)
    assert (m.affinity[pairs][off_diagonal] > affinity[pairs][off_diagonal]).all(), affinity[pairs]
    np.testing.assert_allclose(m.sanctions[pairs], 0.5 * sanctions[pairs])
    # nothing else moves
    np.testing.assert_array_equal(off_block(m.affinity, trio), off_block(affinity, trio))
    np.testing.assert_array_equal(off_block(m.sanctions, trio), off_block(sanctions, trio))
    np.testing.assert_array_equal(m.affinity, m.affinity.T)


def test_three_way_summit_moves_each_pair_by_amount():
    # `amount` is the share of the way to +1 each pair moves (as in `nudge_affinity` and
    # the ceasefire's mediator), applied once per pair
    m = model()
    usa, rus, chn = (m.row[c] for c in ("USA", "RUS", "CHN"))
    before = m.affinity.copy()
    Event(2025, "three_way_summit", {"amount": 0.3}).apply(m)
    for i, j in ((usa, rus), (usa, chn), (rus, chn)):
        assert m.affinity[i, j] == pytest.approx(before[i, j] + 0.3 * (1 - before[i, j]))


def test_sanctions_raise_intensities_and_never_lower_them():
    m = model()
    west, iran, rus = bloc_rows(m, "West"), m.row["IRN"], m.row["RUS"]
    sanctions = m.sanctions.copy()
    assert (sanctions[west, iran] == 0.5).all()
    Event(2025, covers("sanctions"), {"targets": ["IRN", "RUS"], "intensity": 0.8}).apply(m)
    assert (m.sanctions[west, iran] == 0.8).all() and (m.sanctions[west, rus] == 0.8).all()
    Event(2025, "sanctions", {"imposers": "USA", "targets": "RUS", "intensity": 0.1}).apply(m)
    assert m.sanctions[m.row["USA"], rus] == 0.8  # a weaker package lowers nothing
    changed = np.argwhere(m.sanctions != sanctions)
    assert set(map(tuple, changed)) <= {(w, t) for w in west for t in (iran, rus)}
    # imposers by membership flag
    Event(2025, "sanctions", {"imposers": "au", "targets": ["FRA"], "intensity": 0.3}).apply(m)
    assert (m.sanctions[members(m, "au"), m.row["FRA"]] == 0.3).all()


def test_sanctions_event_cuts_trade_in_its_year():
    quiet = dict(
        IDLE,
        affinity_trade_effect=0.0,
        bloc_trade_effect=0.0,
        dollar_sanction_reach=0.0,
        trade_diversion=0.0,
    )
    package = [{"year": 2025, "kind": "sanctions", "targets": ["IND"], "intensity": 0.5}]
    base, hit = model(**quiet), model(events=package, **quiet)
    west, ind = bloc_rows(hit, "West"), hit.row["IND"]  # the imposers: the West at the time
    base.step()
    hit.step()
    np.testing.assert_allclose(hit.trade_usd[west, ind], 0.5 * base.trade_usd[west, ind])
    np.testing.assert_allclose(hit.trade_usd[ind, west], 0.5 * base.trade_usd[ind, west])


def test_ceasefire_removes_the_conflict():
    m = model()
    rus, ukr, chn = m.row["RUS"], m.row["UKR"], m.row["CHN"]
    assert [set(p) for p in m.conflicts] == [{rus, ukr}]
    assert m.affinity[rus, ukr] < -0.75  # at war: the target is below tanh(-1)
    affinity = m.affinity.copy()
    Event(2025, covers("ceasefire")).apply(m)
    assert m.conflicts == []
    # the mediator gains `amount` (0.2) of the way to +1 with both parties
    for party in (rus, ukr):
        expected = affinity[chn, party] + 0.2 * (1 - affinity[chn, party])
        assert m.affinity[chn, party] == pytest.approx(expected)
    # and without the war, the parties' affinity recovers year by year
    war = model(war_end_hazard=0.0)
    for m_ in (m, war):
        for _ in range(5):
            m_.step()
    assert war.affinity[rus, ukr] < -0.75  # the war goes on
    # their rivalry and a decade of fighting keep the target hostile: the recovery is slow
    assert m.affinity[rus, ukr] > war.affinity[rus, ukr] + 0.05


def test_ceasefire_without_mediator_and_for_an_unlisted_pair():
    m = model()
    affinity = m.affinity.copy()
    Event(2025, "ceasefire", {"parties": ["IND", "PAK"], "mediator": None}).apply(m)
    assert len(m.conflicts) == 1  # the listed war goes on
    np.testing.assert_array_equal(m.affinity, affinity)


def test_greater_eurasia_raises_trade_among_its_members():
    plan = [{"year": 2025, "kind": covers("greater_eurasia"), "trade_boost": 0.2}]
    # no re-routing of sanctioned trade: it would spread the members' gains to others
    base, boosted = model(trade_diversion=0.0), model(events=plan, trade_diversion=0.0)
    base.step()
    boosted.step()
    area = np.union1d(members(base, "sco"), members(base, "eaeu"))
    assert len(area) == 11
    inside = np.zeros((base.n, base.n), dtype=bool)
    inside[np.ix_(area, area)] = True
    np.fill_diagonal(inside, False)
    # in the event's year only trade has moved yet: flows inside rise by exp(0.2), none else
    ratio = np.divide(
        boosted.trade_usd,
        base.trade_usd,
        out=np.ones_like(base.trade_usd),
        where=base.trade_usd > 0,
    )
    positive = base.trade_usd > 0
    np.testing.assert_allclose(ratio[inside & positive], np.exp(0.2), rtol=1e-9)
    np.testing.assert_allclose(ratio[~inside & positive], 1.0, rtol=1e-9)
    # and years later the members still trade more among themselves than without it
    for m_ in (base, boosted):
        for _ in range(4):
            m_.step()
    assert boosted.trade_usd[inside].sum() > 1.1 * base.trade_usd[inside].sum()


def test_payment_push_raises_nondollar_shares():
    m = model()
    brics = members(m, "brics")
    shares = m.non_dollar_share.copy()
    Event(2025, covers("payment_push"), {"amount": 0.2}).apply(m)
    np.testing.assert_allclose(m.non_dollar_share[brics], np.minimum(shares[brics] + 0.2, 1.0))
    others = np.setdiff1d(np.arange(m.n), brics)
    np.testing.assert_array_equal(m.non_dollar_share[others], shares[others])
    # through the model: world trade settled outside the dollar is higher after the push
    base, pushed = model(), model(events="payment_push")
    for m_ in (base, pushed):
        for _ in range(3):
            m_.step()
    assert pushed.outcomes["non_dollar_trade_share"] > base.outcomes["non_dollar_trade_share"]
    assert (pushed.non_dollar_share[brics] > base.non_dollar_share[brics]).all()


def test_every_event_kind_has_a_test():
    # runs after the tests above (file order); a new kind must come with a test of its effect
    assert COVERED_KINDS == set(EVENT_KINDS)


def test_a_user_list_of_dict_events():
    plan = [
        {"year": 2026, "kind": "payment_push", "members": ["IND"], "amount": 0.3},
        Event(2025, "sanctions", {"imposers": "USA", "targets": ["VNM"], "intensity": 0.4}),
        {"year": 2025, "kind": "ceasefire"},
    ]
    events = schedule(plan)
    assert [(e.year, e.kind) for e in events] == [
        (2025, "sanctions"),
        (2025, "ceasefire"),
        (2026, "payment_push"),
    ]
    m = model(events=plan)
    india = m.row["IND"]
    m.step()
    assert m.sanctions[m.row["USA"], m.row["VNM"]] == 0.4 and m.conflicts == []
    before = m.non_dollar_share[india]
    m.step()
    # the push of 0.3, then a year of adjustment back toward a target at about the baseline
    assert m.non_dollar_share[india] - before > 0.3 * (1 - m.finance_adjustment_rate) - 0.01
    assert plan[0] == {"year": 2026, "kind": "payment_push", "members": ["IND"], "amount": 0.3}


@pytest.mark.parametrize("name", sorted(EVENT_SETS))
def test_every_named_event_set_runs(name):
    m = model(events=name)
    for _ in range(4):
        m.step()
    assert m.year == 2028


@pytest.mark.parametrize(
    "events, match",
    [
        ("detente_now", "unknown event set 'detente_now'"),
        ([{"year": 2026, "kind": "coup"}], "event kind 'coup' unknown"),
        (
            [{"year": 2026, "kind": "sanctions", "severity": 0.3}],
            r"unknown parameters \['severity'\]",
        ),
        ([{"kind": "sanctions"}], "needs a year and a kind"),
        ([{"year": 2026}], "needs a year and a kind"),
        ([{"year": 2026.7, "kind": "ceasefire"}], r"year: expected a whole number, got 2026.7"),
        ([{"year": "soon", "kind": "ceasefire"}], r"year: expected a whole number, got 'soon'"),
    ],
)
def test_bad_events_fail_naming_the_culprit(events, match):
    with pytest.raises(ValueError, match=match):
        model(events=events)


def test_an_unknown_country_or_group_in_an_event_fails_naming_it():
    # checked when the model is built, not when the event comes (a sweep fails at once)
    plan = [{"year": 2027, "kind": "sanctions", "targets": ["XYZ"]}]
    with pytest.raises(
        ValueError, match=r"events\[0\] \(2027, sanctions\): targets: unknown countries \['XYZ'\]"
    ):
        model(events=plan)
    with pytest.raises(ValueError, match="'Wset'"):
        Event(2025, "sanctions", {"imposers": "Wset"}).apply(model())


@pytest.mark.parametrize(
    "event, message",
    [
        ({"year": 2024, "kind": "ceasefire"}, r"year: expected a year after start_year 2024"),
        (
            {"year": 2026, "kind": "sanctions", "intensity": 7},
            r"intensity: expected .* \[0.0, 1.0\]",
        ),
        ({"year": 2026, "kind": "ceasefire", "mediator": "ATL"}, r"mediator: unknown countries"),
        (
            {"year": 2026, "kind": "ceasefire", "parties": ["RUS"]},
            r"parties: expected 2 different countries, got \['RUS'\]",
        ),
        (
            {"year": 2026, "kind": "ceasefire", "parties": "USA"},
            r"parties: expected 2 different countries, got 'USA'",
        ),
        (
            {"year": 2026, "kind": "three_way_summit", "parties": ["USA", "USA"]},
            r"parties: expected at least 2 different countries",
        ),
        (
            {"year": 2026, "kind": "sanctions", "targets": 7},
            r"targets: expected a name or a list of names, got 7",
        ),
        ({"year": 2026, "kind": "sanctions", "intensity": "high"}, r"intensity: expected a number"),
    ],
)
def test_events_are_checked_before_the_first_step(event, message):
    with pytest.raises(ValueError, match=r"events\[0\] .*" + message):
        model(events=[event])


# -- great-power strategies -------------------------------------------------------------


def test_contain_raises_sanctions_on_the_rival_bloc():
    m = model(**{**IDLE, "strategy_USA": "contain"})
    usa, eurasia = m.row["USA"], bloc_rows(m, "Eurasia")
    act_great_powers(m)
    np.testing.assert_allclose(m.sanctions[usa, eurasia], CONTAIN_RATE * CONTAIN_LEVEL)
    assert m.sanctions.sum() == pytest.approx(len(eurasia) * CONTAIN_RATE * CONTAIN_LEVEL)
    # over the years it ramps toward CONTAIN_LEVEL, not beyond (for the members that stayed
    # all along; a state joining later starts its own ramp)
    for _ in range(30):
        m.step()
    stayed = np.intersect1d(eurasia, bloc_rows(m, "Eurasia"))
    assert len(stayed) >= 5
    np.testing.assert_allclose(m.sanctions[usa, stayed], CONTAIN_LEVEL, atol=0.01)
    assert (m.sanctions[usa] <= CONTAIN_LEVEL + 1e-12).all()


def test_contain_keeps_stronger_sanctions_and_works_for_china_too():
    m = model(strategy_USA="contain", strategy_CHN="contain", strategy_RUS="")
    usa, chn, rus = (m.row[c] for c in ("USA", "CHN", "RUS"))
    act_great_powers(m)
    assert m.sanctions[usa, rus] == 0.6  # already above the containment level
    np.testing.assert_allclose(m.sanctions[chn, bloc_rows(m, "West")], CONTAIN_RATE * CONTAIN_LEVEL)


def test_consolidate_raises_affinity_with_partners():
    m = model(**{**IDLE, "strategy_RUS": "consolidate"})
    rus = m.row["RUS"]
    partners = np.setdiff1d(bloc_rows(m, "Eurasia"), [rus])
    affinity = m.affinity.copy()
    act_great_powers(m)
    expected = affinity[rus, partners] + POLICY_STEP * (1 - affinity[rus, partners])
    np.testing.assert_allclose(m.affinity[rus, partners], expected)
    np.testing.assert_allclose(m.affinity[partners, rus], expected)
    assert (m.alignment_bonus[partners, 2] == 0.05).all()  # column 2: staying in Eurasia
    assert m.alignment_bonus.sum() == pytest.approx(0.05 * len(partners))
    np.testing.assert_array_equal(off_block(m.affinity, [rus]), off_block(affinity, [rus]))


def test_consolidate_over_the_years_beats_no_consolidation():
    idle, consolidating = model(**IDLE), model(**{**IDLE, "strategy_RUS": "consolidate"})
    for m_ in (idle, consolidating):
        for _ in range(5):
            m_.step()
    rus, blr, kaz = (idle.row[c] for c in ("RUS", "BLR", "KAZ"))
    for partner in (blr, kaz):
        assert consolidating.affinity[rus, partner] > idle.affinity[rus, partner]


def test_expand_offers_friendly_nonaligned_countries_a_bonus():
    m = model(**{**IDLE, "strategy_CHN": "expand"})
    chn = m.row["CHN"]
    act_great_powers(m)
    outside = np.flatnonzero(m.bloc < 0)
    friendly = outside[m.affinity[chn, outside] > 0]
    hostile = outside[m.affinity[chn, outside] <= 0]
    assert len(friendly) > 50 and len(hostile) > 0
    # EXPAND_OFFER x affinity, doubled for each club (BRICS, SCO) shared with China
    clubs = m.memberships["brics"][friendly].astype(int) + m.memberships["sco"][friendly]
    assert clubs.max() == 2 and clubs.min() == 0  # every case is there
    expected = EXPAND_OFFER * m.affinity[chn, friendly] * (1 + CLUB_PREMIUM * clubs)
    np.testing.assert_allclose(m.alignment_bonus[friendly, 2], expected)
    assert (m.alignment_bonus[hostile] == 0).all()
    assert (m.alignment_bonus[m.bloc >= 0] == 0).all()  # members are not courted
    assert (m.alignment_bonus[:, :2] == 0).all()  # only for joining China's bloc


def test_expand_pulls_more_countries_into_the_bloc():
    # everyone hedging: membership offers are what tips some into Eurasia
    params = dict(IDLE, alignment="hedging", choice_noise=0.0, rng=3)
    idle, expanding = model(**params), model(**{**params, "strategy_CHN": "expand"})
    for m_ in (idle, expanding):
        for _ in range(10):
            m_.step()
    assert expanding.outcomes["bloc_size_Eurasia"] > idle.outcomes["bloc_size_Eurasia"]


def test_restraint_winds_sanctions_down():
    m = model(strategy_USA="restraint", strategy_CHN="", strategy_RUS="")
    usa = m.row["USA"]
    sanctions = m.sanctions.copy()
    assert sanctions[usa].sum() > 0
    act_great_powers(m)
    np.testing.assert_allclose(m.sanctions[usa], 0.9 * sanctions[usa])
    others = np.setdiff1d(np.arange(m.n), [usa])
    np.testing.assert_array_equal(m.sanctions[others], sanctions[others])
    for _ in range(20):
        m.step()
    # a tenth a year and nothing else: 21 years of restraint
    np.testing.assert_allclose(m.sanctions[usa], 0.9**21 * sanctions[usa])


def test_mediate_raises_affinity_with_the_conflict_parties():
    m = model(**{**IDLE, "strategy_CHN": "mediate"})
    chn, rus, ukr = (m.row[c] for c in ("CHN", "RUS", "UKR"))
    affinity = m.affinity.copy()
    act_great_powers(m)
    for party in (rus, ukr):
        expected = affinity[chn, party] + POLICY_STEP * (1 - affinity[chn, party])
        assert m.affinity[chn, party] == pytest.approx(expected)
    np.testing.assert_array_equal(off_block(m.affinity, [chn]), off_block(affinity, [chn]))
    # with no war to mediate, nothing happens
    peace = model(**{**IDLE, "strategy_CHN": "mediate"}, conflicts=())
    before = peace.affinity.copy()
    act_great_powers(peace)
    np.testing.assert_array_equal(peace.affinity, before)


def test_wedge_courts_the_rival_blocs_junior_partner():
    m = model(strategy_USA="wedge", strategy_CHN="", strategy_RUS="", wedge_strength=1.0)
    usa, rus, gbr = (m.row[c] for c in ("USA", "RUS", "GBR"))
    affinity, sanctions = m.affinity.copy(), m.sanctions.copy()
    act_great_powers(m)
    assert m.affinity[usa, rus] == pytest.approx(
        affinity[usa, rus] + 0.1 * (1 - affinity[usa, rus])
    )
    assert m.affinity[gbr, rus] == pytest.approx(
        affinity[gbr, rus] + 0.05 * (1 - affinity[gbr, rus])
    )
    west = bloc_rows(m, "West")
    np.testing.assert_allclose(m.sanctions[west, rus], 0.5 * sanctions[west, rus])
    assert m.alignment_bonus[rus, 0] == pytest.approx(0.2)
    assert m.alignment_bonus.sum() == pytest.approx(0.2)


@pytest.mark.parametrize("key", ["strategy_USA", "strategy_CHN", "strategy_RUS"])
def test_unknown_power_strategy_fails_naming_it(key):
    with pytest.raises(ValueError) as error:
        model(**{key: "contain+appease"})
    message = str(error.value)
    assert key in message and "'appease'" in message
    for name in POWER_STRATEGIES:
        assert name in message


def test_power_strategies_are_registered_and_combinable():
    assert {"wedge", "consolidate", "expand", "contain", "mediate", "restraint"} <= set(
        POWER_STRATEGIES
    )
    m = model(strategy_USA="contain+wedge", strategy_CHN="", strategy_RUS="expand+mediate")
    assert m.power_strategies[m.row["USA"]] == ("contain", "wedge")
    assert m.power_strategies[m.row["CHN"]] == ()
    assert m.power_strategies[m.row["RUS"]] == ("expand", "mediate")


@pytest.mark.parametrize("exposed", [0, 1, 3, 12])
def test_the_dollar_cut_touches_only_exposed_pairs_and_is_the_pairwise_formula(exposed):
    rng = np.random.default_rng(exposed)
    n, reach = 12, 0.3
    us = np.zeros(n)
    us[rng.choice(n, exposed, replace=False)] = rng.uniform(0.1, 1.0, exposed)
    share = rng.uniform(0.0, 1.0, n)
    flows = rng.uniform(0.5, 1.0, (n, n))
    # every pair: 1 - the larger exposure x (1 - the pair's mean non-dollar share)
    pair = np.maximum.outer(reach * us, reach * us)
    expected = flows * (1.0 - pair * (1.0 - 0.5 * np.add.outer(share, share)))
    cut = apply_secondary_cut(flows.copy(), us, share, reach)
    np.testing.assert_array_equal(cut, expected)


def test_a_ceasefire_between_two_named_parties_ends_their_war():
    run = model(events=[{"year": 2026, "kind": "ceasefire", "parties": ["UKR", "RUS"]}])
    run.step()
    assert run.conflicts  # the war goes on in 2025
    run.step()
    assert run.conflicts == []
