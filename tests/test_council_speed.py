"""The Council's compiled kernels give their plain-numpy references' numbers, bit for bit.

Each kernel of `sim.council.session` and `sim.council.elections` is compared with its
reference on the states of real runs (several seeds, years and rules, a concert and formal
pacts); the year's votes in one kernel (`Council._vote_agenda`) and the election
(`Council._elect`) with their step-by-step references, draws included (the batched draws
consume the streams as the single draws do); then whole runs with every kernel and the
year's two paths swapped for their references are compared with the model's own: the same
votes, drafts, elections and outcomes, to the last bit. No timings.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from sim import WorldModel
from sim.council import CouncilRule, elections, session
from sim.council.session import Council

RULES = ("charter", "no_veto", "two_vetoes", "g4_veto", "charter_1945", "g4_no_veto")
#: A rule where an abstaining veto holder blocks too (no veto anticipation then).
ABSTAIN_BLOCKS = CouncilRule("abstain_blocks", 5, 10, 9, 5, 2, abstention_counts_against=True)
#: (kernel's module, kernel's name, the reference that replaces it).
KERNELS = (
    (session, "agenda_kernel", session.agenda_reference),
    (session, "tally_kernel", session.tally_reference),
    (session, "covoting_kernel", session.covoting_reference),
    (session, "standing", elections.standing_reference),
    (session, "best_standing_kernel", elections.best_standing_reference),
    (elections, "ballot_votes_kernel", elections.ballot_votes_reference),
)


def identical(a, b) -> bool:
    """Arrays: the same dtype, shape and bytes; counts: the same integer (numba's or numpy's)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    return isinstance(a, int | np.integer) and isinstance(b, int | np.integer) and a == b


def hold_concert(model, parties=("USA", "CHN", "RUS"), strength=0.7):
    model.concert_parties = np.array([model.row[c] for c in parties], dtype=int)
    model.concert_strength = strength
    model.concert_half_life = math.inf


def states(rule, seed, years=6, concert=False, **council):
    """(model, its Council) at the end of each of `years` steps."""
    model = WorldModel(rng=seed, council_rule=None if isinstance(rule, CouncilRule) else rule)
    model.council = Council(model, rule, **council)
    for _ in range(years):
        if concert:
            hold_concert(model)
        model.step()
        yield model, model.council


@pytest.mark.parametrize("rule", [*RULES, ABSTAIN_BLOCKS])
@pytest.mark.parametrize("seed", [0, 1])
def test_support_and_votes_match_their_references(rule, seed):
    pacts = seed == 1  # formal allies shield too (`patron_pacts`)
    concerts = 0
    for model, council in states(rule, seed, concert=seed == 1, patron_pacts=pacts):
        agenda = council.draw_agenda(model, np.random.default_rng(seed + model.year))
        n = len(agenda["position"])
        concerts += council._concert_mask(model, council.seats[agenda["sponsor_seat"]]) is not None
        fast = council._support_and_costs(model, agenda)
        reference = council._support_and_costs_reference(model, agenda)
        assert all(map(identical, fast, reference))
        support, cost = fast
        # large noise: many vetoes, lone and joint, and drafts short of votes
        noise = 4.0 * np.random.default_rng(model.year).logistic(size=support.shape)
        rows = np.flatnonzero(np.random.default_rng(n).random(n) < 0.6)
        for args in ((), (noise,), (noise, rows)):
            fast = council._decide(support, cost, agenda["sponsor_seat"], *args)
            reference = council._decide_reference(support, cost, agenda["sponsor_seat"], *args)
            assert all(map(identical, fast, reference))
    if seed == 1:
        assert concerts  # the concert was exercised


def test_support_kernel_covers_pacts_that_shield():
    model = WorldModel(rng=3)
    council = Council(model, patron_pacts=True)
    assert council._pacts is not None and council._pacts.any()
    usa = model.row["USA"]
    council._pacts[usa] = 1.0  # every state an ally of the United States: C = 1 for it
    agenda = council.draw_agenda(model, np.random.default_rng(3))
    fast = council._support_and_costs(model, agenda)
    assert all(map(identical, fast, council._support_and_costs_reference(model, agenda)))


@pytest.mark.parametrize("seed", range(4))
def test_small_kernels_match_their_references(seed):
    rng = np.random.default_rng(seed)
    for model, council in states("charter", seed, years=4):
        record = council.drafts[-1]
        votes = record["votes"]
        group = council._sponsor_groups(model, record["sponsor"])
        for p5 in (0, 1, 5):
            fast = session.tally_kernel(votes, record["adopted"], record["vetoes"], group, 4, p5)
            ref = session.tally_reference(votes, record["adopted"], record["vetoes"], group, 4, p5)
            assert all(map(identical, fast, ref))
        assert identical(session.covoting_kernel(votes), session.covoting_reference(votes))
        assert identical(session.covoting_kernel(votes[:1]), session.covoting_reference(votes[:1]))

        log_population = np.log(np.asarray(model.population, dtype=float))
        last = council._last_term_end.copy()
        for lp in (log_population, np.full_like(log_population, 2.0)):  # SD 0 counts as 1
            args = (lp, last, int(model.year), council.election_rules)
            fast = elections.standing(*args, np.random.default_rng(seed))
            assert identical(fast, elections.standing_reference(*args, np.random.default_rng(seed)))

        score = np.round(rng.normal(size=model.n), 1)  # many ties
        for share in (0.0, 0.005, 0.3, 1.0):
            eligible = rng.random(model.n) < share
            for count in (1, 2, 3, 10):
                fast = elections.best_standing_kernel(score, eligible, count)
                ref = elections.best_standing_reference(score, eligible, count)
                assert identical(fast, ref)

        for k in (1, 2, 3):
            candidates = rng.choice(model.n, k, replace=False)
            noise = rng.logistic(size=(model.n, k))
            for threshold in (-0.3, 0.0, 5.0):
                args = (model.affinity, candidates, noise, 0.3, threshold)
                fast = elections.ballot_votes_kernel(*args)
                ref = elections.ballot_votes_reference(*args)
                assert np.array_equal(fast, ref)


def test_agenda_kernel_matches_its_reference():
    rng = np.random.default_rng(5)
    rows, cdf = np.array([3, 8, 20, 40]), np.array([0.25, 0.5, 0.75, 1.0])
    for n in (0, 1, 70, 500):
        draws = (
            rng.random(n),
            rng.integers(0, 3, n),
            rng.integers(0, 12, n),
            rng.random(n),
            np.concatenate([rng.random(n - n // 2), rng.choice(cdf, n // 2)]),  # at the steps
            rng.random(n),
            rng.beta(0.6, 1.2, n),
        )
        for has_penholder in (True, False):
            args = (*draws, np.array([2, 3, 4]), np.arange(12), has_penholder, rows, cdf)
            fast = session.agenda_kernel(*args, 0.7, 0.2, 0.85)
            assert all(map(identical, fast, session.agenda_reference(*args, 0.7, 0.2, 0.85)))


def records_identical(a: dict, b: dict) -> bool:
    """Two draft records (dicts of arrays) with the same keys and identical arrays."""
    return list(a) == list(b) and all(identical(a[key], b[key]) for key in a)


def outcomes_identical(a: dict, b: dict) -> bool:
    """Two outcome dicts with the same keys and the same floats (NaN where NaN)."""
    return list(a) == list(b) and all(
        type(a[k]) is type(b[k]) and np.array_equal(a[k], b[k], equal_nan=True) for k in a
    )


def test_batched_draws_consume_the_streams_as_single_draws():
    for seed in range(3):
        for n, k in ((0, 15), (1, 15), (70, 15), (193, 1), (193, 2), (61, 25)):
            one, other = np.random.default_rng(seed), np.random.default_rng(seed)
            parts = [one.random(n) for _ in range(3)]
            batch = other.random(3 * n)
            assert identical(np.concatenate(parts), batch)
            assert identical(one.logistic(size=(n, k)), other.logistic(size=n * k).reshape(n, k))
            assert identical(one.random(5), other.random(5))  # the streams stay in step
        seq = np.random.SeedSequence(seed, spawn_key=(0x5EC0, 2030, 1, 0))
        made = np.random.Generator(np.random.PCG64(seq))
        assert identical(np.random.default_rng(seq).random(50), made.random(50))


@pytest.mark.parametrize("rule", [*RULES, ABSTAIN_BLOCKS])
@pytest.mark.parametrize("seed", [0, 1])
def test_year_votes_match_the_step_by_step_reference(rule, seed):
    """`_vote_agenda` (one kernel) against `_vote_agenda_reference`, from the same stream."""
    pacts = seed == 1
    many = {"drafts_per_year": 150.0, "yes_cut": -0.5, "hopeless_draft_share": 0.5}
    for extra in ({}, many):  # many drafts, and many of them short of votes or vetoed
        tabled = vetoed = 0
        for model, council in states(rule, seed, years=5, concert=pacts, patron_pacts=pacts):
            for key, value in extra.items():
                setattr(council, key, value)
            fast, reference = copy.deepcopy(council), copy.deepcopy(council)
            year = int(model.year)
            out = fast._vote_agenda(model, year, fast._stream(year, 0))
            ref_out = reference._vote_agenda_reference(model, year, reference._stream(year, 0))
            assert outcomes_identical(out, ref_out)
            assert records_identical(fast.drafts[-1], reference.drafts[-1])
            if reference._covoting is None:
                assert fast._covoting is None
            else:
                assert all(map(identical, fast._covoting, reference._covoting))
            assert fast._draft_count == reference._draft_count
            tabled += out["drafts_tabled"]
            vetoed += out["drafts_vetoed"]
        assert tabled > 0
        if extra and rule in ("charter", "charter_1945", "g4_veto"):
            assert vetoed > 0  # vetoes, lone and joint, were cast


@pytest.mark.parametrize("rule", ["charter", "charter_1945", "g4_veto"])
@pytest.mark.parametrize("seed", [0, 3, 5])
def test_elections_match_the_step_by_step_reference(rule, seed, monkeypatch):
    """`_elect` (one kernel) against `_elect_reference`: same winners, ballots, records,
    stream state; also where the first block of draws runs out (many failed ballots)."""
    calls = []
    kernel = session.election_kernel
    monkeypatch.setattr(session, "election_kernel", lambda *a: calls.append(1) or kernel(*a))
    elections_held = reruns = 0
    for model, council in states(rule, seed, years=8):
        year = int(model.year) + 1
        slots = (council.term_end == year).nonzero()[0].tolist()
        variants = [
            {},
            {"contested_share": 1.0, "max_ballots": 3},
            {"ga_noise": 3.0},
            {"contested_share": 1.0, "max_ballots": 40, "write_in_threshold": 0.9},
        ]
        for change in variants:
            rules = elections.ElectionRules(**{**vars(council.election_rules), **change})
            fast, reference = copy.deepcopy(council), copy.deepcopy(council)
            fast.election_rules = reference.election_rules = rules
            rng, ref_rng = fast._stream(year, 1), reference._stream(year, 1)
            calls.clear()
            fast._elect(model, year, slots, rng=rng)
            reference._elect_reference(model, year, slots, rng=ref_rng)
            elections_held += 1
            reruns += len(calls) > 1
            assert fast.elections == reference.elections
            for record, ref_record in zip(fast.elections, reference.elections, strict=True):
                assert list(map(type, record.values())) == list(map(type, ref_record.values()))
            assert fast._pending == reference._pending
            assert identical(fast._last_term_end, reference._last_term_end)
            assert rng.bit_generator.state == ref_rng.bit_generator.state
            assert identical(rng.random(4), ref_rng.random(4))
    assert 0 < reruns < elections_held  # the block of draws ran out, and sufficed


def numpy_style_draws(uniform: np.ndarray, n: int, kind: str) -> tuple[np.ndarray, int]:
    """numpy's C loops for `n` gumbel or logistic draws (loc 0, scale 1) from its doubles.

    The reference of `gumbel_from` and `logistic_from` where a double is rejected (numpy's
    generator gives 0.0 once in 2**53 draws, so its own draws cannot show it).
    """
    out, at = [], 0
    for _ in range(n):
        if kind == "gumbel":
            u = 1.0 - uniform[at]
            at += 1
            while not u < 1.0:
                u = 1.0 - uniform[at]
                at += 1
            out.append(0.0 - 1.0 * math.log(-math.log(u)))
        else:
            u = uniform[at]
            at += 1
            while u <= 0.0:
                u = uniform[at]
                at += 1
            out.append(0.0 + 1.0 * math.log(u / (1.0 - u)))
    return np.array(out, dtype=float), at


def test_draws_from_uniforms_are_numpys_draws():
    """`gumbel_from` and `logistic_from` give numpy's `gumbel` and `logistic`, bit for bit."""
    kernels = {"gumbel": elections.gumbel_from, "logistic": elections.logistic_from}
    for seed in range(6):
        for n in (0, 1, 2, 193, 5000):
            for kind, kernel in kernels.items():
                one, other = np.random.default_rng(seed), np.random.default_rng(seed)
                out = np.empty(n)
                assert kernel(one.random(n + 3), 0, out) == n
                assert identical(out, getattr(other, kind)(size=n))
        uniform = np.random.default_rng(seed).random(400)
        uniform[[0, 7, 8, 100, 398]] = 0.0  # rejected: the next double is taken
        uniform[[3, 50]] = np.nextafter(1.0, 0.0)  # the largest double below 1
        uniform[[4, 51]] = 2.0**-53  # the smallest above 0
        for kind, kernel in kernels.items():
            n = 380
            out = np.empty(n)
            reference, used = numpy_style_draws(uniform, n, kind)
            assert kernel(uniform, 0, out) == used
            assert identical(out, reference)
            assert kernel(uniform, 0, np.empty(400)) == -1  # the doubles ran out
            assert kernel(uniform, 397, np.empty(3)) == -1  # 398 is rejected


def test_ballots_from_uniforms_match_the_reference():
    """`ballot_from` on the generator's doubles: `ballot_reference`'s result and draws."""
    model = WorldModel(rng=2)
    rng = np.random.default_rng(6)
    for trial in range(120):
        rules = elections.ElectionRules(
            ga_noise=float(rng.choice([0.3, 1.0, 3.0])),
            write_in_threshold=float(rng.choice([-0.3, 0.0, 0.3])),
            max_ballots=int(rng.choice([1, 3, 10])),
        )
        candidates = rng.choice(model.n, int(rng.integers(1, 4)), replace=False)
        one, other = np.random.default_rng(trial), np.random.default_rng(trial)
        args = (model.affinity, candidates, rules.ga_noise, rules.write_in_threshold)
        uniform = one.random(7 + model.n * 3 * rules.max_ballots + 3)
        winner, ballots, used = elections.ballot_from(uniform, 7, *args, rules.max_ballots)
        other.random(7)
        assert (winner, ballots) == elections.ballot_reference(
            model.affinity, candidates, rules, other
        )
        assert identical(uniform[used:][:3], other.random(3))  # the draws used: the same
        short = elections.ballot_from(uniform[: used - 1], 7, *args, rules.max_ballots)
        assert short[2] == -1


def test_small_election_kernels_match_their_references():
    rng = np.random.default_rng(11)
    n = 60
    group_code = rng.integers(0, 4, n)
    for trial in range(200):
        score = np.round(rng.normal(size=n), 1)  # many ties
        blocked = rng.random(n) < rng.choice([0.0, 0.5, 0.95, 1.0])
        arab = rng.random(n) < rng.choice([0.0, 0.1, 0.5])
        for group in (-1, 0, 3, 4):  # 4: a group no state belongs to
            for reserved in (False, True):
                args = (score, blocked, group_code, group, arab, reserved, 3)
                assert identical(
                    elections.candidates_kernel(*args), elections.candidates_reference(*args)
                )
        seats = rng.choice(np.arange(-1, n), 15)
        permanent, pending = seats[:5].clip(0), rng.integers(0, n, trial % 3)
        assert identical(
            elections.blocked_kernel(n, seats, permanent, pending),
            elections.blocked_reference(n, seats, permanent, pending),
        )
    for size in (1, 2, 7, 8, 9, 16, 17, 128, 193, 1000, 4099):
        values = np.log(rng.lognormal(12.0, 2.5, size))
        mean, sd = elections.mean_and_sd(values.copy())
        assert np.float64(mean).tobytes() == values.mean().tobytes()
        assert np.float64(sd).tobytes() == np.float64(values.std() or 1.0).tobytes()
    assert elections.mean_and_sd(np.full(9, 2.0))[1] == 1.0  # SD 0 counts as 1


def test_session_kernels_match_their_references():
    rng = np.random.default_rng(8)
    for _ in range(100):
        n = 40
        is_penholder = rng.random(n) < rng.choice([0.0, 0.1, 1.0])
        members = rng.choice(n, 15, replace=False)
        fast = session.sponsor_pools_kernel(is_penholder, members)
        reference = session.sponsor_pools_reference(is_penholder, members)
        assert all(map(identical, fast[:2], reference[:2])) and fast[2] == reference[2]
    for model, council in states("charter", 5, years=3):
        for parties, strength in ((("USA", "CHN", "RUS"), 0.6), (("USA", "GBR"), 2.0), ((), 0.5)):
            model.concert_parties = np.array([model.row[c] for c in parties], dtype=int)
            model.concert_strength = strength
            sponsors = council.seats[rng.integers(0, 15, 40)]
            in_concert, value = council._concert_parties(model)
            mask = council._concert_mask(model, sponsors)
            fast = session.concert_kernel(in_concert, council.seats, sponsors, value)
            assert identical(fast, session._NO_MATRIX if mask is None else mask)


def run(rule, seed, years, concert=False):
    """A model's run: its outcomes each year, and its Council's tables and co-voting."""
    model = WorldModel(rng=seed, council_rule=rule)
    covoting = []
    for _ in range(years):
        if concert:
            hold_concert(model)
        model.step()
        covoting.append(model._covoting)
    council = model.council
    tables = (council.votes_table(), council.drafts_table(), council.elections_table())
    return model.datacollector.get_model_vars_dataframe(), tables, covoting


@pytest.mark.parametrize(
    ("rule", "seed", "concert"),
    [*((rule, seed, False) for rule in RULES for seed in (2, 3)), ("charter", 4, True)],
)
def test_runs_with_the_references_are_the_same_bit_for_bit(rule, seed, concert, monkeypatch):
    fast = run(rule, seed, 12, concert)
    with monkeypatch.context() as patch:
        patch.setattr(Council, "_vote_agenda", Council._vote_agenda_reference)
        patch.setattr(Council, "_elect", Council._elect_reference)
        patch.setattr(Council, "_support_and_costs", Council._support_and_costs_reference)
        patch.setattr(Council, "_decide", Council._decide_reference)
        for module, name, reference in KERNELS:
            patch.setattr(module, name, reference)
        reference = run(rule, seed, 12, concert)
    outcomes, reference_outcomes = fast[0], reference[0]
    assert list(outcomes) == list(reference_outcomes)
    for name in outcomes:
        a, b = outcomes[name].to_numpy(), reference_outcomes[name].to_numpy()
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), name
    for table, reference_table in zip(fast[1], reference[1], strict=True):
        assert table.equals(reference_table)
        assert list(table.dtypes) == list(reference_table.dtypes)
    for (seats, agreement), (ref_seats, ref_agreement) in zip(fast[2], reference[2], strict=True):
        assert identical(seats, ref_seats) and identical(agreement, ref_agreement)
