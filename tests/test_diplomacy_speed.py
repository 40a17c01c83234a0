"""The compiled diplomacy and great-power kernels against their plain-numpy references.

The affinity drift works in blocks of pairs i < j (`affinity_blocks_kernel`), reading
the slow terms packed (`sim.diplomacy.pair_index`): the trade term, the common threat, the
few terms of sanctions, the Council and a concert, the soft bound and the step, with the
exponential `sim.kernels.exp`. Every other operation is the reference's, in its order, so
the kernels give the references' numbers bit for bit when the references are given the same
exponential (their `exp`, here `kernel_exp`): on random inputs (symmetric and not, sizes
that are not multiples of the tile) and in whole runs of the model; with numpy's exp they
agree to 1e-12 relative (1e-15 absolute for values near 0: the exps differ in their last
bits, within 3 ulp). The set-up kernels (proximity, ideology, memberships, security
relations, the affinity base, bloc alignment) are their references bit for bit. The great
powers' kernels (`sim.powers`) are compared with their references on copies of the same
models.
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest

from sim import WorldModel, blocs, diplomacy, powers
from sim.kernels import TILE, exp_into

SIZES = (1, 2, 5, TILE, TILE + 7, 3 * TILE + 1)
#: Sizes for the affinity kernel: within one block, at its edge, over several.
BLOCK_SIZES = (*SIZES, diplomacy.BLOCK, diplomacy.BLOCK + 1, 2 * diplomacy.BLOCK + 5)


def same_bits(a, b) -> bool:
    """The same shape, dtype and bytes."""
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def symmetric(rng, n, low=-1.0, high=1.0):
    a = rng.uniform(low, high, (n, n))
    return (a + a.T) / 2


def inputs(n: int, sym: bool, seed: int = 0) -> dict:
    """Random inputs of the affinity target, as the model holds them."""
    rng = np.random.default_rng(seed + n)
    base = symmetric(rng, n) if sym else rng.uniform(-1, 1, (n, n))
    sanctions = rng.uniform(0, 1, (n, n)) * (rng.random((n, n)) < 0.1)
    seats = rng.permutation(n)[: min(n, 4)]
    agreement = symmetric(rng, len(seats)) if sym else rng.uniform(-1, 1, (len(seats),) * 2)
    np.fill_diagonal(agreement, 0.0)
    blocs = 3
    threat_bloc = rng.integers(-1, blocs, n)
    threat_bloc[threat_bloc == 1] = 2  # bloc 1 has no members: its (zero) column is skipped
    power_rows = rng.permutation(n)[: min(n, 3)]
    return dict(
        base=base,
        blocs=np.sign(symmetric(rng, n)).round(),
        gdp=rng.uniform(1e9, 1e13, n),
        two_way=symmetric(rng, n, 0, 1e11),
        bloc_threat=rng.uniform(0, 1, (n, blocs)) * (np.arange(blocs) != 1),
        power_threat=rng.uniform(0, 1, (n, len(power_rows))),
        threat_bloc=threat_bloc,
        power_rows=power_rows.astype(np.int64),
        sanctions=sanctions,
        seats=seats.astype(np.int64),
        agreement=agreement,
        parties=np.sort(rng.permutation(n)[: min(n, 3)]).astype(np.int64),
        strength=0.7,
    )


def kernel_exp(values, out):
    """`sim.kernels.exp_into` called as numpy's exp: the references' `exp` for bit-for-bit tests."""
    return exp_into(values, out)


def reference_target(x: dict, bound: bool = True, exp=kernel_exp) -> np.ndarray:
    """`affinity_target` of the inputs (or its terms before the bound, zero diagonal)."""
    terms = (
        diplomacy.trade_interdependence(x["two_way"], x["gdp"], exp=exp),
        diplomacy.common_threat(groups(x)),
        (x["seats"], x["agreement"]),
        x["sanctions"],
        (x["parties"], x["strength"]),
    )
    if bound:
        return diplomacy.affinity_target(x["base"], x["blocs"], *terms, exp=exp)
    target = diplomacy.affinity_slow_terms(x["base"], x["blocs"])
    target += diplomacy.WEIGHT_TRADE * terms[0]
    target += diplomacy.WEIGHT_COMMON_THREAT * terms[1]
    diplomacy.add_block_terms(target, *terms[2:])
    np.fill_diagonal(target, 0.0)
    return target


def groups(x: dict) -> np.ndarray:
    """The groups of the common threat (N, G), in numpy: live blocs, then unaligned powers."""
    live = np.unique(x["threat_bloc"][x["threat_bloc"] >= 0])
    unaligned = [c for c, p in enumerate(x["power_rows"]) if x["threat_bloc"][p] < 0]
    return np.hstack([x["bloc_threat"][:, live], x["power_threat"][:, unaligned]])


def kernel_rows(x: dict, mode: int, out: np.ndarray, rate: float = 0.0) -> bool:
    """`affinity_blocks_kernel` on the inputs, as `sim.diplomacy.affinity_pass` calls it."""
    n = len(x["gdp"])
    upper, lower = np.empty((2, n * (n - 1) // 2))
    slow_symmetric = diplomacy.pack_slow_terms_kernel(x["base"], x["blocs"], upper, lower)
    threats = diplomacy.threat_groups_kernel(
        x["bloc_threat"], x["power_threat"], x["threat_bloc"], x["power_rows"]
    )
    assert same_bits(threats, groups(x).T)
    return diplomacy.affinity_blocks_kernel(
        upper,
        upper if slow_symmetric else lower,
        slow_symmetric,
        x["two_way"],
        x["gdp"],
        threats,
        x["sanctions"],
        x["seats"],
        x["agreement"],
        x["parties"],
        x["strength"],
        mode,
        rate,
        out,
    )


@pytest.mark.parametrize("n", SIZES)
def test_pairs_are_packed_row_by_row(n):
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            assert diplomacy.pair_index(i, j, n) == k
            k += 1
    matrix = np.arange(n * n, dtype=float).reshape(n, n)
    upper, lower = np.empty((2, k))
    assert not diplomacy.pack_pairs_kernel(matrix, upper, lower) or n < 2
    i, j = np.triu_indices(n, 1)
    assert same_bits(upper, matrix[i, j]) and same_bits(lower, matrix[j, i])
    assert diplomacy.pack_pairs_kernel(matrix + matrix.T, upper, lower)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("sym", [True, False])
def test_the_slow_terms_are_packed_without_their_sum(n, sym):
    x = inputs(n, sym)
    pairs = n * (n - 1) // 2
    expected, expected_lower, got, got_lower = np.empty((4, pairs))
    slow = diplomacy.affinity_slow_terms(x["base"], x["blocs"])
    symmetric = diplomacy.pack_pairs_kernel(slow, expected, expected_lower)
    assert symmetric == (sym or n < 2)
    assert diplomacy.pack_slow_terms_kernel(x["base"], x["blocs"], got, got_lower) == symmetric
    assert same_bits(got, expected) and same_bits(got_lower, expected_lower)
    got[:] = 0.0  # without lower values: the upper ones and the same answer
    assert diplomacy.pack_slow_terms_kernel(x["base"], x["blocs"], got, np.zeros(0)) == symmetric
    assert same_bits(got, expected)


@pytest.mark.parametrize("n", BLOCK_SIZES)
@pytest.mark.parametrize("sym", [True, False])
def test_the_affinity_kernel_is_affinity_target_and_drift_bit_for_bit(n, sym):
    x = inputs(n, sym)
    raw = np.empty((n, n))
    asymmetric = kernel_rows(x, diplomacy.EXPONENTS, raw)
    assert asymmetric == (not sym and n > 1)
    assert same_bits(raw, reference_target(x, bound=False))

    reference = reference_target(x)  # with the kernels' exp: the same bits
    target = np.empty((n, n))
    kernel_rows(x, diplomacy.TARGET, target)
    assert same_bits(target, reference)
    rng = np.random.default_rng(n)
    affinity = symmetric(rng, n) if sym else rng.uniform(-1, 1, (n, n))
    expected = diplomacy.drift(affinity.copy(), reference, 0.1)
    kernel_rows(x, diplomacy.DRIFT, affinity, 0.1)
    assert same_bits(affinity, expected)

    # with numpy's exp, the plain-numpy reference agrees to the exps' last bits
    numpy_target = reference_target(x, exp=np.exp)
    np.testing.assert_allclose(target, numpy_target, rtol=1e-12, atol=1e-15)
    numpy_drift = diplomacy.drift(affinity.copy(), numpy_target, 0.1)
    kernel_rows(x, diplomacy.DRIFT, affinity, 0.1)
    np.testing.assert_allclose(affinity, numpy_drift, rtol=1e-12, atol=1e-15)


def test_a_target_without_council_or_concert():
    x = inputs(TILE + 7, True, seed=1)
    x.update(seats=diplomacy.NO_SEATS, agreement=diplomacy.NO_AGREEMENT, strength=0.0)
    x["sanctions"][:] = 0.0
    x["power_rows"] = x["power_rows"][:0]
    x["power_threat"] = x["power_threat"][:, :0]
    target = np.empty((TILE + 7,) * 2)
    kernel_rows(x, diplomacy.TARGET, target)
    assert same_bits(target, reference_target(x))


@pytest.mark.parametrize("n", BLOCK_SIZES)
@pytest.mark.parametrize("sym", [True, False])
def test_the_initial_affinity_is_the_bound_slow_terms(n, sym):
    x = inputs(n, sym)
    pairs = n * (n - 1) // 2
    upper, lower = np.empty((2, pairs))
    slow_symmetric = diplomacy.pack_slow_terms_kernel(x["base"], x["blocs"], upper, lower)
    affinity = np.empty((n, n))
    diplomacy.bound_pairs_kernel(upper, lower, not slow_symmetric, affinity)
    reference = diplomacy.affinity_target(x["base"], x["blocs"], exp=kernel_exp)
    assert same_bits(affinity, reference)
    numpy_reference = diplomacy.affinity_target(x["base"], x["blocs"])
    np.testing.assert_allclose(affinity, numpy_reference, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("n", SIZES)
def test_pairwise_threat_kernel_is_pairwise_threat_bit_for_bit(n):
    rng = np.random.default_rng(n + 2)
    capability = rng.uniform(0, 1, n)
    capability[0] = 0.0  # a zero total on the diagonal
    near = rng.uniform(0, 1, (n, n))
    affinity = rng.uniform(-1, 1, (n, n))
    rivalry = (rng.random((n, n)) < 0.1).astype(float)
    out = np.empty((n, n))
    diplomacy.pairwise_threat_kernel(capability, near, affinity, rivalry, out)
    assert same_bits(out, diplomacy.pairwise_threat(capability, near, affinity, rivalry))


def test_rival_calm_kernel_is_rival_calm():
    rng = np.random.default_rng(5)
    affinity = rng.uniform(-1, 1, (20, 20))
    rivalries = np.argwhere(np.triu(rng.random((20, 20)) < 0.2, 1))
    calm = rng.integers(0, diplomacy.RIVALRY_END_YEARS, len(rivalries))
    expected = diplomacy.rival_calm(affinity, rivalries, calm)
    ended = diplomacy.rival_calm_kernel(affinity, rivalries, calm)
    assert same_bits(calm, expected)
    assert ended == (expected >= diplomacy.RIVALRY_END_YEARS).sum() > 0


#: Runs that reach every term: sanctions, the Council, a concert, wars, blocs that change.
RUNS = {
    "status_quo": {},
    "detente": dict(events="detente", strategy_CHN="expand+mediate"),
    "wedge": dict(strategy_USA="contain+wedge", wedge_strength=1.0, interdependence_weight=0.0),
}


def model_reference_target(model, exp=kernel_exp) -> np.ndarray:
    """`affinity_target` of the model's state, in plain numpy (with the exponential `exp`)."""
    bloc = model._threat_bloc
    unaligned = [c for c, p in enumerate(model.power_strategies) if bloc[p] < 0]
    live = np.unique(bloc[bloc >= 0])
    groups = np.hstack([model.bloc_threat[:, live], model.power_threat[:, unaligned]])
    model.refresh_bloc_relations()
    return diplomacy.affinity_target(
        model._affinity_base,
        model._bloc_alignment,
        diplomacy.trade_interdependence(model._two_way_trade, model.gdp_usd, exp=exp),
        diplomacy.common_threat(groups),
        model._covoting,
        model.sanctions,
        (model.concert_parties, model.concert_strength),
        exp=exp,
    )


@pytest.mark.parametrize("name", sorted(RUNS))
def test_the_model_drifts_to_affinity_target_bit_for_bit(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = WorldModel(**RUNS[name], rng=2)
        concert = False
        for _ in range(8):
            model.step()
            reference = model_reference_target(model)
            assert same_bits(diplomacy.model_affinity_target(model), reference)
            numpy_reference = model_reference_target(model, exp=np.exp)
            np.testing.assert_allclose(reference, numpy_reference, rtol=1e-12, atol=1e-15)
            expected = diplomacy.drift(model.affinity.copy(), reference, model.affinity_drift_rate)
            diplomacy.drift_affinity(model)
            assert same_bits(model.affinity, expected)
            concert |= model.concert_strength > 0
    assert model._covoting is not None and model.sanctions.any()
    assert concert or name != "detente"


def test_a_model_starts_from_the_bound_slow_terms():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = WorldModel(rng=0)
    reference = diplomacy.affinity_target(
        model._affinity_base, model._bloc_alignment, exp=kernel_exp
    )
    assert same_bits(diplomacy.initial_affinity(model), reference)


#: (kernel-backed strategy, its plain-numpy reference)
STRATEGIES = (
    (powers.consolidate, powers.consolidate_reference),
    (powers.expand, powers.expand_reference),
    (powers.contain, powers.contain_reference),
)


@pytest.mark.parametrize("name", sorted(RUNS))
def test_the_great_powers_kernels_are_their_references(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = WorldModel(**RUNS[name], rng=4)
        for year in range(6):
            model.step()
            if year == 3:  # a non-aligned power, and one without partners
                china = model.row["CHN"]
                model.bloc[model.row["RUS"]] = -1
                model.bloc[(model.bloc == model.bloc[china]) & (np.arange(model.n) != china)] = -1
            for strategy, reference in STRATEGIES:
                for power in model.power_rows:
                    got, want = copy.deepcopy(model), copy.deepcopy(model)
                    strategy(got, int(power), 0.5)
                    reference(want, int(power), 0.5)
                    for key in ("affinity", "sanctions", "alignment_bonus"):
                        assert same_bits(getattr(got, key), getattr(want, key)), key


def world_inputs():
    """A model's set-up inputs (world_2024), and random ones with every kind of value."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = WorldModel(rng=0)
    world = model.world
    yield model, world.distance_km, world.defense_pact, world.conflict_years, world.dispute_years
    rng = np.random.default_rng(9)
    n = 3 * TILE + 1
    fake = copy.copy(model)
    fake.memberships = {name: rng.random(n) < 0.3 for name in model.memberships}
    fake.memberships["nato"][:] = False  # an alliance without members
    fake._ideal_point = rng.normal(0, 1.5, n)
    fake._rivalry = (rng.random((n, n)) < 0.05).astype(float)
    years = rng.integers(0, 11, (n, n)).astype(float) * (rng.random((n, n)) < 0.1)
    yield fake, rng.uniform(0, 2e4, (n, n)), rng.random((n, n)) < 0.1, years, years.T


@pytest.mark.parametrize("case", [0, 1])
def test_the_set_up_kernels_are_their_references_bit_for_bit(case):
    model, distance, pact, conflict_years, dispute_years = list(world_inputs())[case]
    n = len(distance)
    for kernel, reference, args in (
        (diplomacy.proximity, diplomacy.proximity_reference, (distance,)),
        (
            diplomacy.ideological_similarity,
            diplomacy.ideological_similarity_reference,
            (model._ideal_point,),
        ),
        (diplomacy.shared_membership, diplomacy.shared_membership_reference, (model.memberships,)),
        (diplomacy.allies, diplomacy.allies_reference, (pact, model.memberships)),
    ):
        got, want = kernel(*args), reference(*args)
        assert same_bits(got, want), kernel.__name__
    assert diplomacy.shared_membership(model.memberships).any()
    allied = diplomacy.allies(pact, model.memberships)
    security = diplomacy.security_relations(allied, model._rivalry, conflict_years, dispute_years)
    expected = diplomacy.security_relations_reference(
        allied, model._rivalry, conflict_years, dispute_years
    )
    assert same_bits(security, expected) and (security != 0).any()
    as_rivals = (allied, pact, conflict_years, dispute_years)  # bool rivalry too
    expected = diplomacy.security_relations_reference(*as_rivals)
    assert same_bits(diplomacy.security_relations(*as_rivals), expected)
    rng = np.random.default_rng(case)
    ideology = diplomacy.ideological_similarity(model._ideal_point)
    membership = diplomacy.shared_membership(model.memberships)
    conflict = -(rng.random((n, n)) < 0.01).astype(float)
    for with_security in (security, None):
        got = diplomacy.affinity_base(ideology, membership, conflict, with_security)
        want = diplomacy.affinity_base_reference(ideology, membership, conflict, with_security)
        assert same_bits(got, want)


@pytest.mark.parametrize("n", SIZES)
def test_bloc_alignment_kernel_is_its_reference_bit_for_bit(n):
    rng = np.random.default_rng(n)
    bloc = rng.integers(-1, 4, n)
    bloc[bloc == 2] = 3  # a bloc without members
    members = blocs.membership_matrix(bloc, 5)
    got = diplomacy.bloc_alignment(members)
    assert same_bits(got, diplomacy.bloc_alignment_reference(members))
    assert same_bits(diplomacy.bloc_alignment(members[:, :0]), np.zeros((n, n)))
