"""The alignment and great-power phases, sped up, give the original numbers.

Whole runs (several seeds, 26 years, the alignment strategies and great-power strategies)
with the phases as they were before the speed-up (`Frozen`, the original code copied here)
are compared with the model's own: the same choices and blocs, and the same affinity,
sanctions and outcomes to the last bit. (The alignment context's sums are added in another
order than the original's matrix products, within 1e-12 relative, but they enter only the
alignment scores: unless a choice changes, nothing else does.) During those runs every
compiled kernel of `sim.alignment.strategies` and `sim.powers` is checked against its
plain-numpy reference on the states of the run: equal bytes, the context's terms within
1e-12 of their scale (`context_close`). No timings.
"""

from __future__ import annotations

import types
import warnings

import numpy as np
import pytest

import sim.model as model_module
from sim import WorldModel, diplomacy, powers, synthetic_world
from sim.alignment import strategies
from sim.blocs import Bloc, membership_matrix
from tests.conftest import BLOC_CHURN

SEEDS = (0, 1, 2)
YEARS = 26
#: (name, model keywords): the alignment strategies, mixed presets and power strategies.
RUNS = (
    ("status_quo", {}),
    ("europe_balances", dict(alignment="mixed", mixed_alignment="europe_balances")),
    ("by_membership", dict(alignment="mixed", mixed_alignment="by_membership")),
    ("balancing", dict(alignment="balancing")),
    ("hedging", dict(alignment="hedging")),
    ("bandwagoning", dict(alignment="bandwagoning")),
    ("ideological", dict(alignment="ideological")),
    ("economic", dict(alignment="economic")),
    ("landscape", dict(alignment="landscape")),
    ("wedge", dict(strategy_USA="wedge", wedge_strength=1.0, interdependence_weight=0.5)),
    ("mediate_restraint", dict(strategy_CHN="expand+mediate", strategy_RUS="restraint")),
    ("consolidate_all", dict(strategy_USA="consolidate+contain", strategy_CHN="consolidate")),
    ("sanctions", dict(events="detente", strategy_RUS="wedge+consolidate")),
    *BLOC_CHURN,
    # no great powers and no blocs at the start
    ("synthetic", dict(scenario=synthetic_world(120, seed=3), council_rule=None)),
)


def identical(a, b) -> bool:
    """The same dtype, shape and bytes."""
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def close(a, b, scale, rtol=1e-12) -> bool:
    """The same dtype and shape, NaNs and infinities alike, the rest within `rtol` x `scale`."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    finite = np.isfinite(b)
    if not (np.isfinite(a) == finite).all() or not identical(a[~finite], b[~finite]):
        return False
    scale = np.broadcast_to(scale, b.shape)[finite]
    return bool((np.abs(a[finite] - b[finite]) <= rtol * scale).all())


def context_scales(affinity, two_way, cap, gdp, ideal, bloc, n_blocs, rows):
    """The scale of each of the context's terms: what a sum in another order is within.

    A sum added in another order differs by a few roundings of the sum of its terms'
    absolute values, not of its result (which may cancel to near zero): the scales are the
    terms made of those sums (|affinity|, |ideal point|; the trade and capability are not
    negative, so their terms are their own scale).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        (to_bloc, share, exposure, _, gain), bloc_cap = strategies.context_reference(
            np.abs(affinity), two_way, cap, gdp, np.abs(ideal), bloc, n_blocs, rows
        )
        centre = (cap * np.abs(ideal)) @ membership_matrix(bloc, n_blocs)
        centre = np.divide(centre, bloc_cap, out=np.zeros_like(centre), where=bloc_cap > 0)
    gap = np.abs(ideal[rows, None]) + centre[None, :]
    return np.array([to_bloc, share, np.abs(exposure), gap, gain]), bloc_cap


def context_close(got, args) -> bool:
    """`context_kernel`'s results `got` are `context_reference`'s, each within 1e-12 of its
    scale (`context_scales`); where the scale is the term itself, 1e-12 relative."""
    with np.errstate(divide="ignore", invalid="ignore"):
        want = strategies.context_reference(*args)
    scales = context_scales(*args)
    return all(close(*triple) for triple in zip(got, want, scales, strict=True))


class Frozen:
    """The original code of the sped-up functions (numpy only), as it was before."""

    @staticmethod
    def bloc_sums(matrix, members):
        live = members.any(axis=0).nonzero()[0]
        product = matrix @ members[:, live]
        if len(live) == members.shape[1]:
            return product.astype(float, copy=False)
        sums = np.zeros((matrix.shape[0], members.shape[1]))
        sums[:, live] = product
        return sums

    @staticmethod
    def scores(ctx, who, non_aligned, blocs):
        scores = np.empty((len(who), blocs.shape[1] + 1))
        scores[:, 0] = non_aligned
        scores[:, 1:] = blocs
        return scores

    @staticmethod
    def against_top_threat(ctx, who):
        threat = ctx.bloc_threat[who]
        return (
            threat.max(axis=1, keepdims=True, initial=0.0)
            - threat
            + 0.1 * ctx.affinity_to_bloc[who]
        )

    @staticmethod
    def balancing(ctx, who):
        blocs = Frozen.against_top_threat(ctx, who)
        return Frozen.scores(ctx, who, ctx.thresholds["balancing"], blocs)

    @staticmethod
    def hedging(ctx, who):
        blocs = Frozen.against_top_threat(ctx, who)
        return Frozen.scores(ctx, who, ctx.thresholds["hedging"], blocs)

    @staticmethod
    def choose(scores, current, switching_cost, noise):
        total = scores + noise
        total[np.arange(len(current)), current] += switching_cost
        return total.argmax(axis=1)

    @staticmethod
    def alignment_context(model, bloc=None, rows=None):
        if bloc is None:
            members, bloc_threat = model.membership(), model.bloc_threat
        else:
            members = membership_matrix(bloc, len(model.blocs) + 1)
            bloc_threat = None
        cap = model._capability
        everyone = rows is None
        rows = np.arange(model.n) if everyone else np.asarray(rows)
        if bloc_threat is None:
            bloc_threat = np.minimum(Frozen.bloc_sums(model._pair_threat[rows], members), 1.0)
        elif not everyone:
            bloc_threat = bloc_threat[rows]
        weighted = model.affinity[rows] * cap[None, :]
        weighted[np.arange(len(rows)), rows] = 0.0
        gain = Frozen.bloc_sums(weighted, members)
        others = cap @ members - cap[rows, None] * members[rows]
        affinity_to_bloc = np.divide(gain, others, out=np.zeros_like(gain), where=others > 0)
        two_way = model._two_way_trade if everyone else model._two_way_trade[rows]
        total = two_way.sum(axis=1, keepdims=True)
        with_bloc = Frozen.bloc_sums(two_way, members)
        trade_share = np.divide(with_bloc, total, out=np.zeros_like(gain), where=total > 0)
        bloc_cap = cap @ members
        centre = np.divide(
            (cap * model._ideal_point) @ members,
            bloc_cap,
            out=np.zeros_like(bloc_cap),
            where=bloc_cap > 0,
        )
        return strategies.AlignmentContext(
            bloc_threat=bloc_threat,
            bloc_capability=bloc_cap,
            affinity_to_bloc=affinity_to_bloc,
            trade_share=trade_share,
            trade_exposure=with_bloc / model._gdp_usd[rows, None],
            ideology_gap=np.abs(model._ideal_point[rows, None] - centre[None, :]),
            landscape_gain=gain,
            thresholds=model.thresholds,
        )

    @staticmethod
    def align(model):
        scores = Frozen.scores_of(model, Frozen.alignment_context(model))
        scores += model.alignment_bonus
        noise = model.choice_noise * model.rng.gumbel(size=scores.shape)
        chosen = Frozen.choose(scores, model.bloc + 1, model.switching_cost, noise) - 1
        for b, bloc in enumerate(model.blocs):
            if bloc.active:
                chosen[bloc.leader] = b
        model.bloc = chosen
        Frozen.found_blocs(model)

    @staticmethod
    def scores_of(model, ctx, bloc=None, proposer=-1, rows=None):
        bloc = model.bloc if bloc is None else bloc
        rows = np.arange(model.n) if rows is None else np.asarray(rows)
        scores = np.empty((len(rows), ctx.bloc_capability.shape[0] + 1))
        if len(rows) == model.n:
            groups = model._strategy_rows.items()
        else:
            chosen = model.strategies[rows]
            groups = ((name, np.flatnonzero(chosen == name)) for name in set(chosen))
        for name, who in groups:
            scores[who] = Frozen.STRATEGIES[name](ctx, who)
        own = bloc[rows]
        members = np.flatnonzero(own >= 0)
        scores[members, own[members] + 1] += (
            model.interdependence_weight * ctx.trade_exposure[members, own[members]]
        )
        active = [b.active for b in model.blocs]
        active += [True] * (scores.shape[1] - 1 - len(active))
        scores[:, 1:][:, ~np.array(active, dtype=bool)] = -np.inf
        leaders = [b.leader for b in model.blocs]
        leaders += [proposer] * (scores.shape[1] - 1 - len(leaders))
        led = [b for b, leader in enumerate(leaders) if leader >= 0]
        rivals_lead = model._rivalry[:, [leaders[b] for b in led]][rows] > 0
        scores[:, 1:][:, led] = np.where(rivals_lead, -np.inf, scores[:, 1:][:, led])
        everyone = len(rows) == model.n
        for power in model.power_rows:
            at = [power] if everyone else np.flatnonzero(rows == power)
            if not len(at):
                continue
            allowed = np.array(leaders) == power
            if bloc[power] >= 0:
                allowed[bloc[power]] = True
            scores[at[0], 1:][~allowed] = -np.inf
        return scores

    @staticmethod
    def found_blocs(model):
        capability = model._capability
        for candidate in np.argsort(-capability):
            if capability[candidate] < model.bloc_formation_capability:
                break
            if model.bloc[candidate] >= 0:
                continue
            outside = np.flatnonzero(model.bloc < 0)
            friends = outside[
                (model.affinity[candidate, outside] >= model.bloc_formation_affinity)
                & (outside != candidate)
            ]
            if len(friends) < model.bloc_formation_followers:
                continue
            trial = model.bloc.copy()
            trial[np.append(friends, candidate)] = len(model.blocs)
            ctx = Frozen.alignment_context(model, trial, friends)
            scores = Frozen.scores_of(model, ctx, trial, candidate, friends)
            scores[:, 0] += model.switching_cost
            joiners = friends[scores.argmax(axis=1) == scores.shape[1] - 1]
            if len(joiners) >= model.bloc_formation_followers:
                Frozen.found_bloc(model, int(candidate), np.append(joiners, candidate))

    @staticmethod
    def found_bloc(model, leader, members):
        name = f"{model.iso3[leader]}-led"
        names = {b.name for b in model.blocs}
        while name in names:
            name += "+"
        model.blocs.append(Bloc(name, leader, model.year))
        model.bloc[members] = len(model.blocs) - 1

    @staticmethod
    def act_great_powers(model):
        model.alignment_bonus = np.zeros((model.n, len(model.blocs) + 1))
        for power, names in model.power_strategies.items():
            for name in names:
                Frozen.POWER_STRATEGIES[name](model, power, model.wedge_strength)

    @staticmethod
    def consolidate(model, power, strength):
        partners = powers.own_bloc_members(model, power)
        if len(partners):
            diplomacy.nudge_affinity_reference(model, power, partners, powers.POLICY_STEP)
            model.alignment_bonus[partners, 1 + model.bloc[power]] += 0.05

    @staticmethod
    def expand(model, power, strength):
        if model.bloc[power] < 0:
            return
        outside = np.flatnonzero(model.bloc < 0)
        friendly = outside[model.affinity[power, outside] > 0]
        shared = sum(
            model.memberships[club][friendly] & model.memberships[club][power]
            for club in powers.CLUBS
        )
        offer = (
            powers.EXPAND_OFFER
            * model.affinity[power, friendly]
            * (1.0 + powers.CLUB_PREMIUM * shared)
        )
        model.alignment_bonus[friendly, 1 + model.bloc[power]] += offer

    @staticmethod
    def wedge(model, power, strength):
        target = model.row[model.wedge_target]
        if strength <= 0 or target == power:
            return
        step = powers.POLICY_STEP
        side = np.append(powers.own_bloc_members(model, power), power)
        diplomacy.nudge_affinity_reference(model, power, target, 2 * strength * step)
        diplomacy.nudge_affinity_reference(model, side[:-1], target, strength * step)
        model.sanctions[side, target] *= 1.0 - 0.5 * strength
        their_bloc = model.bloc[target]
        if their_bloc < 0 or their_bloc != model.bloc[power]:
            model.alignment_bonus[target, 0] += 0.2 * strength
        if their_bloc >= 0 and their_bloc != model.bloc[power]:
            leader = model.blocs[their_bloc].leader
            if leader != target:
                diplomacy.nudge_affinity_reference(model, target, leader, -strength * step)

    @staticmethod
    def mediate(model, power, strength):
        for a, b in model.conflicts:
            if power in (a, b):
                continue
            diplomacy.nudge_affinity_reference(model, power, [a, b], powers.POLICY_STEP)
            model.mediators.setdefault(frozenset((a, b)), power)


Frozen.STRATEGIES = {
    **strategies.STRATEGIES,
    "balancing": Frozen.balancing,
    "hedging": Frozen.hedging,
}
Frozen.POWER_STRATEGIES = {
    **powers.POWER_STRATEGIES,
    "consolidate": Frozen.consolidate,
    "expand": Frozen.expand,
    "wedge": Frozen.wedge,
    "mediate": Frozen.mediate,
}


def nudge_reference(affinity, rows, cols, step):
    """`sim.diplomacy.nudge_affinity_reference` on a bare affinity matrix (in place)."""
    diplomacy.nudge_affinity_reference(types.SimpleNamespace(affinity=affinity), rows, cols, step)


#: (module, kernel's name, its reference); a reference of an in-place kernel returns None.
KERNELS = (
    (strategies, "context_kernel", strategies.context_reference),
    (strategies, "top_threat_kernel", strategies.top_threat_reference),
    (strategies, "first_proposal_kernel", strategies.first_proposal_reference),
    (strategies, "proposal_kernel", strategies.proposal_reference),
    (strategies, "decide_kernel", strategies.decide_reference),
    (strategies, "place_kernel", strategies.place_reference),
    (strategies, "bar_kernel", strategies.bar_reference),
    (strategies, "positions_kernel", strategies.positions_reference),
    (diplomacy, "nudge_kernel", nudge_reference),
)


def checked(kernel, reference, calls):
    """The kernel, each call compared with its reference on copies of the same inputs."""

    def run(*args):
        copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        result = kernel(*args)
        name = kernel.__name__
        if name == "context_kernel":
            assert context_close(result, copies), name
        elif (expected := reference(*copies)) is None or result is None:  # in place: the first
            assert result is None and expected is None and identical(args[0], copies[0]), name
        elif name == "first_proposal_kernel" and result[1]:
            pass  # ties (reported only then): the model takes the references' order instead
        else:
            results = result if isinstance(result, tuple) else (result,)
            expectations = expected if isinstance(expected, tuple) else (expected,)
            for got, want in zip(results, expectations, strict=True):
                assert identical(got, want), name
        calls[kernel.__name__] = calls.get(kernel.__name__, 0) + 1
        return result

    return run


def check_kernels(monkeypatch) -> dict:
    """Every kernel checked against its reference from now on; returns the count of calls."""
    calls: dict[str, int] = {}
    for module, kernel, reference in KERNELS:
        monkeypatch.setattr(module, kernel, checked(getattr(module, kernel), reference, calls))
    return calls


def final_state(model) -> dict:
    """What a run ends with: its state arrays, its blocs and every year's outcomes."""
    return dict(
        bloc=model.bloc.copy(),
        affinity=model.affinity.copy(),
        sanctions=model.sanctions.copy(),
        alignment_bonus=model.alignment_bonus.copy(),
        blocs=[(b.name, b.leader, b.founded, b.active) for b in model.blocs],
        mediators=dict(model.mediators),
        outcomes=model.datacollector.get_model_vars_dataframe(),
    )


def run(seed: int, keywords: dict) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = WorldModel(**keywords, rng=seed)
        for _ in range(YEARS):
            model.step()
    return final_state(model)


def assert_same(got: dict, want: dict) -> None:
    for key in ("bloc", "affinity", "sanctions", "alignment_bonus"):
        assert identical(got[key], want[key]), key
    assert got["blocs"] == want["blocs"]
    assert got["mediators"] == want["mediators"]
    a, b = got["outcomes"], want["outcomes"]
    assert list(a.columns) == list(b.columns) and a.shape == b.shape
    for column in a.columns:
        x, y = a[column].to_numpy(), b[column].to_numpy()
        if x.dtype.kind == "f" or y.dtype.kind == "f":
            assert identical(x.astype(float), y.astype(float)), column
        else:
            assert (x == y).all(), column


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name, keywords", RUNS, ids=[name for name, _ in RUNS])
def test_runs_match_the_original_code_bit_for_bit(monkeypatch, name, keywords, seed):
    check_kernels(monkeypatch)
    new = run(seed, keywords)
    monkeypatch.undo()
    original = {strategies.align: Frozen.align, powers.act_great_powers: Frozen.act_great_powers}
    frozen = tuple((original.get(phase, phase), written) for phase, written in model_module.PHASES)
    monkeypatch.setattr(model_module, "PHASES", frozen)
    assert_same(new, run(seed, keywords))


def test_a_run_reaches_every_kernel(monkeypatch):
    """A run of the status quo calls every kernel (so the runs above compare each one)."""
    calls = check_kernels(monkeypatch)
    run(0, dict(strategy_USA="wedge+contain"))
    assert {kernel for _, kernel, _ in KERNELS} <= set(calls)
    calls.clear()  # a run that founds blocs: the context of a proposed bloc, on some rows
    run(0, dict(bloc_formation_capability=0.01, bloc_formation_affinity=0.3))
    assert calls["context_kernel"] > YEARS


@pytest.mark.parametrize("seed", range(5))
def test_kernels_match_references_on_edge_inputs(seed):
    """NaNs, ties, -inf, zero totals and repeated rows: the kernels stay the references."""
    rng = np.random.default_rng(seed)
    n, b = 9, 3
    threat = rng.choice([0.0, 0.3, 0.3, 1.0, np.nan], (n, b))
    affinity = rng.uniform(-1, 1, (n, b))
    who = rng.choice(n, 6)
    assert identical(
        strategies.top_threat_kernel(threat, affinity, who, 0.25),
        strategies.top_threat_reference(threat, affinity, who, 0.25),
    )
    scores = rng.choice([0.0, 1.0, -np.inf, np.nan], (n, b + 1))
    noise = rng.choice([0.0, 0.5], (n, b + 1))
    current = rng.integers(0, b + 1, n)
    assert identical(
        strategies.choose_kernel(scores, current, 0.5, noise),
        strategies.choose_reference(scores, current, 0.5, noise),
    )
    square = rng.uniform(-1, 1, (n, n))
    values = rng.uniform(-1, 1, (4, n))
    who = rng.choice(n, 4, replace=False)
    a, b_ = square.copy(), square.copy()
    strategies.place_kernel(a, who, values)
    strategies.place_reference(b_, who, values)
    assert identical(a, b_)
    a, b_ = square.copy(), square.copy()
    rows, cols = rng.choice(n, 4).astype(np.int64), rng.choice(n, 3).astype(np.int64)
    step = float(rng.choice([-0.3, 0.05]))
    diplomacy.nudge_kernel(a, rows, cols, step)
    nudge_reference(b_, rows, cols, step)
    assert identical(a, b_)
    scores = rng.choice([0.0, 1.0, -np.inf], (5, b + 1))
    args = (
        rng.choice(n, 5, replace=False),  # rows
        rng.integers(-1, b, n),  # bloc
        rng.uniform(0, 1, (5, b)),  # exposure
        0.5,
        rng.integers(0, 2, b).astype(bool),  # active
        rng.integers(-1, n, b),  # leaders
        rng.choice([0.0, 1.0], (n, n)),  # rivalry
        rng.choice(n, 3, replace=False),  # power_rows
    )
    a, b_ = scores.copy(), scores.copy()
    strategies.bar_kernel(a, *args)
    strategies.bar_reference(b_, *args)
    assert identical(a, b_)
    bloc = rng.integers(-1, b, n)
    for candidate in range(n):
        for threshold in (-2.0, 0.0, 0.5, np.nan):
            assert identical(
                strategies.friends_kernel(square, bloc, candidate, threshold),
                strategies.friends_reference(square, bloc, candidate, threshold),
            )
    scores = rng.choice([0.0, 1.0, -np.inf, np.nan], (n, b + 1))
    bonus = rng.choice([0.0, 0.25], (n, b + 1))
    bloc = rng.integers(-1, b, n)
    active, leaders = rng.random(b) < 0.7, rng.choice([-1, 0, 4, 7], b)
    for noise_scale in (0.0, 0.5):
        args = (bonus, noise, noise_scale, bloc, 0.5, active, leaders)
        assert identical(
            strategies.decide_kernel(scores.copy(), *args),
            strategies.decide_reference(scores.copy(), *args),
        )
    for threshold in (-1.0, 0.0, 0.3, 0.5, np.nan):
        capability = rng.choice([0.0, 0.3, 0.5, 0.7, np.nan], n)
        got, tied = strategies.candidates_kernel(capability, bloc, threshold)
        want = strategies.candidates_reference(capability, bloc, threshold)
        # ties reported exactly when two candidates have equal capability
        assert tied == (len(np.unique(capability[want])) < len(want))
        assert tied or identical(got, want)
        args = (square, bloc, capability, threshold, 0.0, 2)
        first, first_ = (
            strategies.first_proposal_kernel(*args),
            strategies.first_proposal_reference(*args),
        )
        assert first[1] == tied
        if not tied:
            assert all(identical(x, y) for x, y in zip(first, first_, strict=True))
        for start in range(len(want) + 1):
            for followers in (0, 2, 2.5, n):
                args = (square, bloc, want, start, 0.0, followers)
                (at, friends), (at_, friends_) = (
                    strategies.proposal_kernel(*args),
                    strategies.proposal_reference(*args),
                )
                assert at == at_ and identical(friends, friends_)


@pytest.mark.parametrize("seed", range(5))
def test_positions_match_their_reference_on_edge_inputs(seed):
    """The strategies' positions of any rows (repeated, none) stay their reference's."""
    rng = np.random.default_rng(seed)
    n = 11
    codes = rng.integers(0, 4, n)
    for rows in (np.arange(n), rng.choice(n, 5), np.array([3, 3, 0]), np.empty(0, np.int64)):
        for got, want in zip(
            strategies.positions_kernel(codes, rows, 5),
            strategies.positions_reference(codes, rows, 5),
            strict=True,
        ):
            assert identical(got, want)


def test_positions_group_the_countries_by_their_strategy():
    """`_strategy_codes` gives each country the index of its strategy in `_strategy_rows`."""
    model = WorldModel(alignment="mixed", mixed_alignment="by_membership", rng=0)
    names, codes = tuple(model._strategy_rows), model._strategy_codes
    assert len(set(model.strategies)) > 1 and codes.dtype == np.int64
    assert (np.array(names, dtype=object)[codes] == model.strategies).all()


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n", (1, 2, 5, 9, 17, 40))
def test_context_matches_its_reference_exactly_on_dyadic_inputs(seed, n):
    """The context's kernel is its reference on inputs whose sums are exact in any order.

    Affinity, capability, trade and ideal points on coarse binary grids: every sum is exact,
    so the kernel's other order of additions gives the same bits, and any other difference
    (a member missed or counted twice, oneself not left out, a wrong row) shows. Blocs
    without members, with one member or without capability; rows without trade; zero GDP;
    subsets of rows with repeats.
    """
    rng = np.random.default_rng(seed)
    n_blocs = 4
    affinity = rng.integers(-8, 9, (n, n)) / 8.0
    np.fill_diagonal(affinity, rng.choice([1.0, 0.5], n))
    two_way = rng.integers(0, 5, (n, n)) * 2.0**30 * (rng.random((n, n)) < 0.7)
    two_way[rng.random(n) < 0.2] = 0.0  # rows without trade
    np.fill_diagonal(two_way, 0.0)
    cap = rng.integers(0, 64, n) / 1024.0
    gdp = rng.choice([0.0, 2.0**40, 3 * 2.0**38], n)
    ideal = rng.integers(-8, 9, n) / 4.0
    bloc = rng.choice([-1, 0, 1, 2], n, p=[0.3, 0.4, 0.2, 0.1])  # bloc 3: no members
    for rows in (np.arange(n), rng.choice(n, max(1, n // 2)), np.array([n - 1, 0, n - 1])):
        args = (affinity, two_way, cap, gdp, ideal, bloc, n_blocs, rows)
        with np.errstate(divide="ignore", invalid="ignore"):
            expected = strategies.context_reference(*args)
        for got, want in zip(strategies.context_kernel(*args), expected, strict=True):
            assert identical(got, want)
