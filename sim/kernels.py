"""Compiled loops over the pairs of countries: what the phases' kernels share.

The phases' N x N work is fused into compiled kernels (numba, `@njit(cache=True)`), each
beside the plain-numpy function it reproduces (its reference, tested against it). Most
pairwise terms are symmetric, and their cost is an exp per pair, so a kernel visits each
pair once for both directions; it walks the matrices in square tiles (`upper_tiles`) so that
the transposed entries it reads are in cache even for thousands of countries.

The Security Council's kernels work over drafts and members, not pairs; they live beside
their references in `sim.council.session` and `sim.council.elections`, and give the same
numbers bit for bit (the same operations in the same order; no fastmath, so no fused
multiply-adds).

Numba caches the compiled kernels beside the sources (`__pycache__`), or in the user's
cache when that is not writable; `NUMBA_CACHE_DIR` chooses the folder, and
`NUMBA_DISABLE_JIT=1` runs the kernels as plain Python (slow: for debugging).
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: The side of a tile: two tiles of float64 fit in a core's first-level cache.
TILE = 32


@njit(cache=True, nogil=True)
def upper_tiles(n: int) -> np.ndarray:
    """The tiles that cover the pairs i <= j of an (n, n) matrix: rows (i0, i1, j0, j1).

    A kernel visits pair (i, j) of a tile for i in [i0, i1) and j in [max(j0, i), j1), and
    with it the pair (j, i): every pair once, the diagonal included.
    """
    k = (n + TILE - 1) // TILE
    tiles = np.empty((k * (k + 1) // 2, 4), dtype=np.int64)
    t = 0
    for a in range(k):
        for b in range(a, k):
            tiles[t, 0], tiles[t, 1] = a * TILE, min((a + 1) * TILE, n)
            tiles[t, 2], tiles[t, 3] = b * TILE, min((b + 1) * TILE, n)
            t += 1
    return tiles
