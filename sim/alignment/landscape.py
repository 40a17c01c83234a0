"""Landscape theory of aggregation: every stable two-camp alignment of a small set of actors.

Literature anchor: Axelrod, Robert and D. Scott Bennett (1993), "A Landscape Theory of
Aggregation", British Journal of Political Science 23(2): 211-233. Actors ``i = 1..n`` have
sizes ``s_i > 0`` and symmetric pairwise propensities ``p_ij`` (any real number; positive
means i and j want to be on the same side, negative that they want to be apart). A
configuration ``X`` splits the actors into two camps. With the distance

    d_ij(X) = 0 if i and j are in the same camp, 1 if they are in different camps,

the frustration of actor i and the energy of the configuration are

    F_i(X) = sum_{j != i} s_j p_ij d_ij(X)
    E(X)   = sum_i s_i F_i(X) = sum_i sum_{j != i} s_i s_j p_ij d_ij(X)
           = 2 * sum_{i < j} s_i s_j p_ij d_ij(X).

The double sum runs over ordered pairs, as in the paper's footnote 2, which writes
``E(X) = sum_{A'} sum_{B} r_ij + sum_{B} sum_{A'} r_ij`` with ``r_ij = s_i s_j p_ij`` (each
cross pair counted twice). Sign convention: two friends (``p_ij > 0``) in different camps
add ``s_i s_j p_ij > 0`` to ``F_i``; two enemies (``p_ij < 0``) in different camps subtract
from it, so enemies kept together forgo that reduction. Lower energy is better; energies
can be negative. Everyone in one camp (the other camp empty) is a valid configuration with
``E = 0``; with all propensities positive it is the global minimum.

Actors are myopic and move one at a time (the paper's incremental assumption). Because
propensities are symmetric, when actor k switches camps the energy changes by exactly
``2 s_k`` times the change in k's own frustration (footnote 2 of the paper), so an actor
that lowers its own frustration lowers the energy, and the stable configurations are the
local minima of E under single-actor switches. In spin notation (``sigma_i = +1`` camp A,
``-1`` camp B, ``d_ij = (1 - sigma_i sigma_j) / 2``, ``R = [r_ij]`` with zero diagonal):

    E(sigma)       = (sum_{i != j} r_ij - sigma' R sigma) / 2
    Delta E_k      = E(sigma with k switched) - E(sigma) = 2 sigma_k (R sigma)_k.

A configuration is a local minimum when no ``Delta E_k`` is negative. A switch that leaves
the energy unchanged (``Delta E_k = 0``) is not an improvement, so a configuration with
only neutral moves is a local minimum, and a plateau of equal energy may hold several. In
floating point, ``Delta E_k`` counts as negative only below ``-1e-12`` times the largest
row sum of ``|r_ij|`` (rounding noise, far below any substantive difference).

Where this was checked: the definition of ``d_ij`` and ``F_i`` and the symmetric
propensities in the description of the model in JASSS 12(1) 6, appendix B
(jasss.org/12/1/6/appendixB/AxelrodBennett1993.html); the ordered double sum and the
switching argument in the paper's footnote 2 (quoted on its Cambridge Core page); the
propensity scale "from -infinity to infinity (negative feelings to positive feelings)" in
the documentation of Bennett's Alliance_Sim program (Axelrod's Complexity of Cooperation
website). The paper's body text and tables were not available to us.

``landscape`` enumerates all ``2**(n - 1)`` configurations exactly (n <= 20), vectorised
with numpy in chunks (about 0.1 s for n = 20 on a 2-core machine). It is usable on its own
for a small set of actors, as in the paper. Degenerate inputs with many zero propensities
can have up to ``2**(n - 1)`` minima (all switches neutral); building that many results
takes seconds at n = 20.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

MAX_ACTORS = 20
"""Largest number of actors ``landscape`` enumerates exactly (2**19 configurations)."""

_CHUNK = 1 << 14  # configurations per vectorised block: a few MB of memory at n = 20
_REL_TOL = 1e-12  # a switch improves only if Delta E < -_REL_TOL * max_i sum_j |r_ij|


@dataclass(frozen=True)
class Configuration:
    """One stable configuration: a local minimum of the energy landscape.

    Attributes:
        camp_a: Names of the actors in the first actor's camp, in input order.
        camp_b: Names of the actors in the other camp, in input order (may be empty:
            everyone together).
        energy: E(X) = sum over ordered pairs i != j of s_i s_j p_ij d_ij(X).
        basin_size: Number of configurations (out of 2**(n - 1), camp labels ignored)
            from which steepest-descent single switches end here: at each step the actor
            whose switch lowers the energy most moves (ties to the lower actor index),
            until no switch lowers it.
        labels: Camp of each actor in input order: +1 for camp A, -1 for camp B.
    """

    camp_a: tuple[Hashable, ...]
    camp_b: tuple[Hashable, ...]
    energy: float
    basin_size: int
    labels: tuple[int, ...]

    @property
    def basin_share(self) -> float:
        """Share of all 2**(n - 1) configurations in this minimum's basin of attraction."""
        return self.basin_size / 2 ** (len(self.labels) - 1)

    def together(self, a: Hashable, b: Hashable) -> bool:
        """Whether actors ``a`` and ``b`` (by name) are in the same camp.

        Args:
            a: Name of the first actor.
            b: Name of the second actor.

        Returns:
            True if both are in camp A or both in camp B.

        Raises:
            ValueError: If a name is not an actor of this configuration.
        """
        members_a = set(self.camp_a)
        for name in (a, b):
            if name not in members_a and name not in self.camp_b:
                raise ValueError(f"unknown actor {name!r}")
        return (a in members_a) == (b in members_a)

    def __str__(self) -> str:
        """Readable one-liner, e.g. ``{A, B} vs {C}  E = -4  basin 3/4``."""
        a = ", ".join(map(str, self.camp_a))
        b = ", ".join(map(str, self.camp_b))
        total = 2 ** (len(self.labels) - 1)
        return f"{{{a}}} vs {{{b}}}  E = {self.energy:.6g}  basin {self.basin_size}/{total}"


def _as_float_array(values: object, what: str) -> np.ndarray:
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{what} must be numbers: {err}") from None


def _validated(
    sizes: object, propensities: object, max_actors: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Check the inputs; return sizes (n,) and r_ij = s_i s_j p_ij (n, n), zero diagonal."""
    s = _as_float_array(sizes, "sizes")
    if s.ndim != 1:
        raise ValueError(f"sizes must be one-dimensional, got shape {s.shape}")
    n = s.shape[0]
    if n < 2:
        raise ValueError(f"need at least 2 actors, got {n}")
    if max_actors is not None and n > max_actors:
        raise ValueError(
            f"landscape enumerates all 2**(n-1) configurations exactly and supports at most "
            f"{max_actors} actors, got {n}; larger systems are not supported (no exact answer)"
        )
    if not np.all(np.isfinite(s)):
        raise ValueError("sizes must be finite")
    if not np.all(s > 0):
        raise ValueError(f"sizes must be positive, got minimum {s.min()!r}")
    p = _as_float_array(propensities, "propensities")
    if p.ndim != 2 or p.shape[0] != p.shape[1]:
        raise ValueError(f"propensities must be a square matrix, got shape {p.shape}")
    if p.shape[0] != n:
        raise ValueError(f"propensities are {p.shape[0]} x {p.shape[0]} but there are {n} sizes")
    p = p.copy()
    np.fill_diagonal(p, 0.0)  # p_ii never enters (d_ii = 0); NaN there is allowed
    if not np.all(np.isfinite(p)):
        raise ValueError("propensities must be finite off the diagonal")
    scale = max(1.0, float(np.abs(p).max()))
    gap = float(np.abs(p - p.T).max())
    if gap > 1e-9 * scale:
        i, j = np.unravel_index(int(np.argmax(np.abs(p - p.T))), p.shape)
        raise ValueError(
            f"propensities must be symmetric: p[{i}, {j}] = {p[i, j]!r} but "
            f"p[{j}, {i}] = {p[j, i]!r}"
        )
    p = 0.5 * (p + p.T)
    return s, np.outer(s, s) * p


def _camp_labels(camps: Sequence[Hashable], n: int) -> np.ndarray:
    """Map any two-valued camp assignment to +1 (the first actor's camp) and -1."""
    camps = list(camps)
    if len(camps) != n:
        raise ValueError(f"camps has {len(camps)} entries but there are {n} actors")
    distinct = list(dict.fromkeys(camps))
    if len(distinct) > 2:
        raise ValueError(f"a configuration has at most two camps, got labels {distinct!r}")
    return np.array([1.0 if c == camps[0] else -1.0 for c in camps])


def frustration(
    sizes: Sequence[float] | np.ndarray,
    propensities: Sequence[Sequence[float]] | np.ndarray,
    camps: Sequence[Hashable] | np.ndarray,
) -> float:
    """Energy (total frustration) E(X) of one given two-camp assignment.

    ``E(X) = sum_i sum_{j != i} s_i s_j p_ij d_ij(X)``, with ``d_ij = 1`` when i and j are
    in different camps and 0 otherwise (Axelrod & Bennett 1993; see the module docstring).

    Args:
        sizes: Actor sizes s_i > 0, shape (n,).
        propensities: Symmetric propensities p_ij, shape (n, n); the diagonal is ignored.
        camps: Camp of each actor, any two distinct labels (e.g. +1/-1, "A"/"B"); actors
            with equal labels are together. A single label means everyone together.

    Returns:
        The energy E(X).

    Raises:
        ValueError: On invalid sizes or propensities, or camps of the wrong length or with
            more than two distinct labels.
    """
    s, r = _validated(sizes, propensities, max_actors=None)
    sigma = _camp_labels(camps, len(s))
    apart = sigma[:, None] != sigma[None, :]
    return float(r[apart].sum())


def actor_frustrations(
    sizes: Sequence[float] | np.ndarray,
    propensities: Sequence[Sequence[float]] | np.ndarray,
    camps: Sequence[Hashable] | np.ndarray,
) -> np.ndarray:
    """Frustration of each actor, F_i(X) = sum_{j != i} s_j p_ij d_ij(X).

    The energy is ``E(X) = sum_i s_i F_i(X)``.

    Args:
        sizes: Actor sizes s_i > 0, shape (n,).
        propensities: Symmetric propensities p_ij, shape (n, n); the diagonal is ignored.
        camps: Camp of each actor, any two distinct labels; equal labels are together.

    Returns:
        F, shape (n,).

    Raises:
        ValueError: As for ``frustration``.
    """
    s, r = _validated(sizes, propensities, max_actors=None)
    sigma = _camp_labels(camps, len(s))
    apart = sigma[:, None] != sigma[None, :]
    return (r * apart).sum(axis=1) / s


def landscape(
    sizes: Sequence[float] | np.ndarray,
    propensities: Sequence[Sequence[float]] | np.ndarray,
    *,
    names: Sequence[Hashable] | None = None,
) -> list[Configuration]:
    """Every stable two-camp configuration (local energy minimum), lowest energy first.

    Enumerates all ``2**(n - 1)`` configurations exactly (swapping the two camp labels
    gives the same configuration, so camp A is always the camp of the first actor) and
    keeps those from which no single actor's switch lowers the energy
    ``E(X) = sum_i sum_{j != i} s_i s_j p_ij d_ij(X)`` (see the module docstring; a switch
    that leaves E unchanged is not an improvement). Everyone-together (camp B empty) is a
    valid configuration. Minima of equal energy are ordered by the binary code of the
    configuration (the second actor in camp B counts 1, the third 2, the fourth 4, ...), so
    the order is deterministic.

    Args:
        sizes: Actor sizes s_i > 0 (e.g. capability shares), shape (n,), 2 <= n <= 20.
        propensities: Symmetric propensities p_ij, shape (n, n), positive to be together;
            the diagonal is ignored.
        names: Actor names (unique, hashable), default 0..n-1.

    Returns:
        The local minima as ``Configuration`` objects (camps, energy, basin size under
        steepest descent), sorted by energy, lowest (the global minimum) first.

    Raises:
        ValueError: On non-positive or non-finite sizes, a non-square, asymmetric or
            non-finite propensity matrix, mismatched lengths, fewer than 2 or more than 20
            actors, or names of the wrong length or with duplicates.
    """
    s, r = _validated(sizes, propensities, max_actors=MAX_ACTORS)
    n = len(s)
    if names is None:
        names = tuple(range(n))
    else:
        names = tuple(names)
        if len(names) != n:
            raise ValueError(f"names has {len(names)} entries but there are {n} actors")
        if len(set(names)) != n:
            raise ValueError("names must be unique")

    m = n - 1
    n_conf = 1 << m
    tol = _REL_TOL * max(float(np.abs(r).sum(axis=1).max()), np.finfo(float).tiny)
    shifts = np.arange(m, dtype=np.int64)
    # Configuration code c: bit k-1 set <=> actor k (k >= 1) is in camp B; actor 0 in camp A.
    # Switching actor k >= 1 toggles its bit; switching actor 0 is, after relabelling the
    # camps, the same as switching everyone else: toggle all bits.
    flip_xor = np.concatenate(([n_conf - 1], np.left_shift(1, shifts))).astype(np.int64)

    is_min = np.empty(n_conf, dtype=bool)
    descent = np.empty(n_conf, dtype=np.int64)  # next configuration under steepest descent
    for start in range(0, n_conf, _CHUNK):
        code = np.arange(start, min(start + _CHUNK, n_conf), dtype=np.int64)
        sigma = np.ones((code.size, n))
        sigma[:, 1:] -= 2.0 * ((code[:, None] >> shifts) & 1)
        delta = 2.0 * sigma * (sigma @ r)  # Delta E_k = 2 sigma_k (R sigma)_k
        best = np.argmin(delta, axis=1)  # first (lowest-index) actor among exact ties
        improving = delta[np.arange(code.size), best] < -tol
        is_min[start : start + code.size] = ~improving
        descent[start : start + code.size] = np.where(improving, code ^ flip_xor[best], code)

    # Follow every descent path to its end by pointer doubling (paths strictly lower E, so
    # they end at a minimum); basin sizes are the counts of configurations per end point.
    end = descent
    while True:
        nxt = end[end]
        if np.array_equal(nxt, end):
            break
        end = nxt
    basin = np.bincount(end, minlength=n_conf)

    # Energies of the minima from the cross pairs only, E = 2 a' R b with a, b the camp
    # indicators: no cancellation, and exactly 0 when everyone is together.
    codes = np.flatnonzero(is_min)
    in_a = np.ones((codes.size, n), dtype=bool)
    in_a[:, 1:] = ((codes[:, None] >> shifts) & 1) == 0
    energies = np.empty(codes.size)
    for start in range(0, codes.size, _CHUNK):
        a = in_a[start : start + _CHUNK].astype(float)
        energies[start : start + _CHUNK] = 2.0 * np.einsum("ki,ki->k", a, (1.0 - a) @ r)
    order = np.lexsort((codes, energies))  # by energy, then by code

    configurations = []
    for k in order.tolist():
        row = in_a[k].tolist()
        configurations.append(
            Configuration(
                camp_a=tuple(nm for nm, x in zip(names, row, strict=True) if x),
                camp_b=tuple(nm for nm, x in zip(names, row, strict=True) if not x),
                energy=float(energies[k]),
                basin_size=int(basin[codes[k]]),
                labels=tuple(1 if x else -1 for x in row),
            )
        )
    return configurations
