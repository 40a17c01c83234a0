"""Tests for sim.alignment.landscape (Axelrod & Bennett 1993 landscape theory)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.alignment.landscape import (
    MAX_ACTORS,
    Configuration,
    actor_frustrations,
    frustration,
    landscape,
)


def random_case(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    sizes = rng.uniform(0.05, 3.0, n)
    p = rng.normal(size=(n, n))
    p = (p + p.T) / 2  # symmetric, mixed signs
    np.fill_diagonal(p, rng.normal(size=n))  # the diagonal must not matter
    return sizes, p


def brute_force_minima(sizes, p) -> dict[frozenset, float]:
    """Pure-Python enumeration: {frozenset of the two camps: energy} of the local minima."""
    n = len(sizes)

    def energy(assign):
        return sum(
            sizes[i] * sizes[j] * p[i][j] * (assign[i] != assign[j])
            for i in range(n)
            for j in range(n)
            if i != j
        )

    def key(assign):
        a = frozenset(i for i in range(n) if assign[i] == assign[0])
        return frozenset({a, frozenset(range(n)) - a})

    scale = max(
        sum(abs(sizes[i] * sizes[j] * p[i][j]) for j in range(n) if j != i) for i in range(n)
    )
    minima = {}
    for rest in itertools.product((1, -1), repeat=n - 1):
        assign = (1, *rest)
        e = energy(assign)
        neighbours = []
        for k in range(n):
            flipped = list(assign)
            flipped[k] = -flipped[k]
            neighbours.append(energy(flipped))
        if all(e2 >= e - 1e-12 * scale for e2 in neighbours):
            minima[key(assign)] = e
    return minima


def as_dict(result: list[Configuration]) -> dict[frozenset, float]:
    return {frozenset({frozenset(c.camp_a), frozenset(c.camp_b)}): c.energy for c in result}


@pytest.mark.parametrize("n", range(2, 9))
def test_matches_brute_force_on_random_cases(n):
    rng = np.random.default_rng(1000 + n)
    for _ in range(6):
        sizes, p = random_case(rng, n)
        result = landscape(sizes, p)
        expected = brute_force_minima(sizes.tolist(), p.tolist())
        got = as_dict(result)
        assert got.keys() == expected.keys()
        for k, e in expected.items():
            assert got[k] == pytest.approx(e, rel=1e-9, abs=1e-9)
        energies = [c.energy for c in result]
        assert energies == sorted(energies)
        assert sum(c.basin_size for c in result) == 2 ** (n - 1)
        for c in result:
            assert frustration(sizes, p, c.labels) == pytest.approx(c.energy, rel=1e-9, abs=1e-9)
            assert c.labels[0] == 1  # canonical: the first actor is in camp A
            assert 0 in c.camp_a


def test_matches_brute_force_with_integer_ties():
    # Integer propensities in {-1, 0, 1} create exact ties (neutral switches): they must not
    # count as improvements, so plateaus keep all their configurations as minima.
    rng = np.random.default_rng(7)
    for n in (3, 4, 5, 6):
        for _ in range(5):
            p = rng.integers(-1, 2, size=(n, n)).astype(float)
            p = np.triu(p, 1) + np.triu(p, 1).T
            sizes = rng.integers(1, 3, size=n).astype(float)
            assert as_dict(landscape(sizes, p)) == pytest.approx(
                brute_force_minima(sizes.tolist(), p.tolist())
            )


def test_two_friends_against_a_third():
    names = ["1", "2", "3"]
    p = [[0, 1, -1], [1, 0, -1], [-1, -1, 0]]
    result = landscape([1, 1, 1], p, names=names)
    assert len(result) == 1
    (c,) = result
    assert c.camp_a == ("1", "2") and c.camp_b == ("3",)
    # Cross pairs (1,3) and (2,3), each counted for both orders: 2 * (-1 - 1).
    assert c.energy == -4.0
    assert c.basin_size == 4 and c.basin_share == 1.0
    assert c.together("1", "2") and not c.together("1", "3")
    assert str(c) == "{1, 2} vs {3}  E = -4  basin 4/4"


def test_all_positive_propensities_all_together_is_global_minimum():
    rng = np.random.default_rng(3)
    for n in (2, 5, 9):
        sizes = rng.uniform(0.5, 2.0, n)
        p = rng.uniform(0.1, 1.0, (n, n))
        p = (p + p.T) / 2
        result = landscape(sizes, p)
        best = result[0]
        assert best.camp_b == () and best.camp_a == tuple(range(n))  # camp B may be empty
        assert best.energy == 0.0
        assert all(c.energy > 0 for c in result[1:])


def test_frustrated_triangle_has_three_tied_minima():
    # Three mutual enemies (the "frustrated triangle" of spin-glass physics and of
    # Heider's balance theory): every 2-vs-1 split has E = 2 * (-1 - 1) = -4, everyone
    # together E = 0. Moving a member of the pair to the singleton gives another 2-vs-1
    # split of equal energy, which is not an improvement, so all three splits are minima.
    # Steepest descent from "all together" switches the lowest-index actor (tie-break), so
    # that basin is {0} vs {1, 2}: basins 2, 1, 1.
    p = -np.ones((3, 3))
    result = landscape([1, 1, 1], p)
    assert [c.energy for c in result] == [-4.0, -4.0, -4.0]
    assert {(c.camp_a, c.camp_b): c.basin_size for c in result} == {
        ((0,), (1, 2)): 2,
        ((0, 1), (2,)): 1,
        ((0, 2), (1,)): 1,
    }


def test_structurally_balanced_system_instead_of_published_case():
    """Stand-in for a published case; what was and was not verified.

    NOT verified: Axelrod & Bennett's 17-nation 1936 Europe data and prediction, and the
    nine Unix firms of Axelrod et al. (1995). The search tools found the abstract, the
    paper's footnote 2 and third-party descriptions of the model, but not the paper's
    tables of sizes and propensities, so no published numbers are reproduced here.

    Instead, a textbook result derived by hand: in a structurally balanced signed system
    (Cartwright & Harary 1956; propensities positive inside two groups, negative across)
    the balanced split has every pair at its lowest possible contribution (friends
    together: 0; enemies apart: 2 r_ij < 0), so it is the unique global minimum with
    E = 2 * sum_{i<j} min(0, r_ij), r_ij = s_i s_j p_ij. Checked on random balanced systems
    up to the exact limit of 20 actors (planted split, sizes and magnitudes random).
    """
    rng = np.random.default_rng(11)
    for n in (4, 12, MAX_ACTORS):
        group = rng.permutation(np.arange(n) % 2 == 0)  # planted split, both camps non-empty
        sign = np.where(group[:, None] == group[None, :], 1.0, -1.0)
        mag = rng.uniform(0.1, 1.0, (n, n))
        p = sign * (mag + mag.T) / 2
        sizes = rng.uniform(0.2, 5.0, n)
        r = np.outer(sizes, sizes) * p
        expected = 2 * np.triu(np.minimum(r, 0.0), 1).sum()
        best = landscape(sizes, p)[0]
        side = group[0]
        assert set(best.camp_a) == set(np.flatnonzero(group == side).tolist())
        assert set(best.camp_b) == set(np.flatnonzero(group != side).tolist())
        assert best.energy == pytest.approx(expected, rel=1e-12)
        assert all(c.energy > best.energy for c in landscape(sizes, p)[1:])


def test_switch_changes_energy_by_twice_size_times_own_frustration_change():
    # Footnote 2 of the paper: symmetric propensities make an actor's own frustration
    # reduction a reduction of the system's energy; with E = sum_i s_i F_i over ordered
    # pairs, Delta E = 2 s_k Delta F_k.
    rng = np.random.default_rng(5)
    sizes, p = random_case(rng, 7)
    camps = rng.choice([1, -1], size=7)
    for k in range(7):
        moved = camps.copy()
        moved[k] = -moved[k]
        d_e = frustration(sizes, p, moved) - frustration(sizes, p, camps)
        d_f = actor_frustrations(sizes, p, moved)[k] - actor_frustrations(sizes, p, camps)[k]
        assert d_e == pytest.approx(2 * sizes[k] * d_f, rel=1e-12, abs=1e-12)
    assert frustration(sizes, p, camps) == pytest.approx(
        float(sizes @ actor_frustrations(sizes, p, camps))
    )


def test_frustration_sign_convention_and_labels():
    p = [[0, 2, -3], [2, 0, 0.5], [-3, 0.5, 0]]
    sizes = [1, 2, 3]
    # Friends 0 and 1 apart: frustration; r_01 = 1 * 2 * 2 = 4, counted twice.
    assert frustration(sizes, p, ["A", "B", "B"]) == 2 * (4 + 1 * 3 * -3)
    assert frustration(sizes, p, ["x", "x", "x"]) == 0.0
    # Labels are arbitrary: swapping them or using other values gives the same energy.
    assert frustration(sizes, p, [1, -1, 1]) == frustration(sizes, p, ["B", "A", "B"])
    assert frustration(sizes, p, [True, False, True]) == 2 * (4 + 2 * 3 * 0.5)


def test_relabelling_permutes_the_answer():
    rng = np.random.default_rng(21)
    n = 8
    sizes, p = random_case(rng, n)
    names = [f"c{i}" for i in range(n)]
    perm = rng.permutation(n)
    base = landscape(sizes, p, names=names)
    permuted = landscape(sizes[perm], p[np.ix_(perm, perm)], names=[names[i] for i in perm])
    key = {frozenset({frozenset(c.camp_a), frozenset(c.camp_b)}): c for c in base}
    assert len(permuted) == len(base)
    for c in permuted:
        match = key[frozenset({frozenset(c.camp_a), frozenset(c.camp_b)})]
        assert c.energy == pytest.approx(match.energy, rel=1e-9, abs=1e-12)


def test_scaling_sizes_scales_energies_by_square():
    rng = np.random.default_rng(8)
    sizes, p = random_case(rng, 9)
    base = landscape(sizes, p)
    scaled = landscape(3.0 * sizes, p)
    assert [(c.camp_a, c.camp_b, c.basin_size) for c in scaled] == [
        (c.camp_a, c.camp_b, c.basin_size) for c in base
    ]
    for c, b in zip(scaled, base, strict=True):
        assert c.energy == pytest.approx(9.0 * b.energy, rel=1e-9)


def test_names_and_configuration_are_immutable():
    result = landscape([1, 2], [[0, -1], [-1, 0]], names=("US", "USSR"))
    (c,) = result
    assert (c.camp_a, c.camp_b, c.energy) == (("US",), ("USSR",), -4.0)
    with pytest.raises(AttributeError):
        c.energy = 0.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="unknown actor"):
        c.together("US", "PRC")


@pytest.mark.parametrize(
    ("sizes", "p", "match"),
    [
        ([1, 0], [[0, 1], [1, 0]], "positive"),
        ([1, -2], [[0, 1], [1, 0]], "positive"),
        ([1, np.nan], [[0, 1], [1, 0]], "finite"),
        ([1, np.inf], [[0, 1], [1, 0]], "finite"),
        ([1, 1], [[0, 1, 2], [1, 0, 3]], "square"),
        ([1, 1, 1], [[0, 1], [1, 0]], "3 sizes"),
        ([1, 1, 1], [[0, 1, 2], [1, 0, 3], [2, 3.5, 0]], "symmetric"),
        ([1, 1], [[0, np.nan], [np.nan, 0]], "finite"),
        ([1], [[0]], "at least 2"),
        ([[1, 1]], [[0, 1], [1, 0]], "one-dimensional"),
        (["a", "b"], [[0, 1], [1, 0]], "numbers"),
    ],
)
def test_invalid_inputs_raise(sizes, p, match):
    with pytest.raises(ValueError, match=match):
        landscape(sizes, p)
    with pytest.raises(ValueError, match=match):
        frustration(sizes, p, [0] * len(np.atleast_1d(sizes)))


def test_too_many_actors_and_bad_names_and_camps():
    n = MAX_ACTORS + 1
    with pytest.raises(ValueError, match="at most 20"):
        landscape(np.ones(n), np.zeros((n, n)))
    # frustration of one assignment has no size limit
    assert frustration(np.ones(n), np.ones((n, n)), [0] * n) == 0.0
    p = [[0, 1, 1], [1, 0, 1], [1, 1, 0]]
    with pytest.raises(ValueError, match="names has 2"):
        landscape([1, 1, 1], p, names=["a", "b"])
    with pytest.raises(ValueError, match="unique"):
        landscape([1, 1, 1], p, names=["a", "b", "a"])
    with pytest.raises(ValueError, match="at most two camps"):
        frustration([1, 1, 1], p, [0, 1, 2])
    with pytest.raises(ValueError, match="camps has 2"):
        frustration([1, 1, 1], p, [0, 1])


def test_diagonal_and_tiny_asymmetry_are_tolerated():
    p = np.array([[np.nan, 1.0, -1.0], [1.0 + 1e-13, 5.0, -1.0], [-1.0, -1.0, 0.0]])
    (c,) = landscape([1, 1, 1], p)
    assert (c.camp_a, c.camp_b) == ((0, 1), (2,))
