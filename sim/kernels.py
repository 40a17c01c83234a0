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

Exponentials: numba's `np.exp` in a loop is a call of the C library's scalar exp (about 10 ns
a call here), and numpy's array exp is vectorised only on processors with AVX-512 (and scalar
elsewhere). `exp` below is an exponential made of plain arithmetic (range reduction by
ln 2, a degree-12 polynomial, the power of two built from its bits), so LLVM vectorises the
loops that call it on any x86-64 processor (about 2 ns an element here, 4 lanes), and it
gives the same bits on every machine (IEEE arithmetic without fused multiply-adds); within
3 ulp of the C library's (tested over the whole range, with its zeros, infinities and NaN).

Numba caches the compiled kernels beside the sources (`__pycache__`), or in the user's
cache when that is not writable; `NUMBA_CACHE_DIR` chooses the folder, and
`NUMBA_DISABLE_JIT=1` runs the kernels as plain Python (slow: for debugging; the same numbers,
tests/test_kernels.py). A cached kernel is recompiled when its own source file changes, not
when a function of this module that it calls (and numba inlines) does: after editing this
module, `make clean` (or delete `sim/**/__pycache__/*.nb[ci]`).
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic, overload

#: The side of a tile: two tiles of float64 fit in a core's first-level cache.
TILE = 32


@njit(cache=True, nogil=True)
def bloc_members(bloc: np.ndarray, n_blocs: int) -> tuple[np.ndarray, np.ndarray]:
    """Each bloc's members in country order, by a counting sort of `bloc` (-1: none).

    Returns:
        `(start, order)`: bloc b's members are `order[start[b]:start[b + 1]]` (int64).
    """
    start = np.zeros(n_blocs + 1, np.int64)
    for i in range(len(bloc)):
        if bloc[i] >= 0:
            start[bloc[i] + 1] += 1
    for b in range(n_blocs):
        start[b + 1] += start[b]
    order, fill = np.empty(start[n_blocs], np.int64), start[:n_blocs].copy()
    for i in range(len(bloc)):
        if bloc[i] >= 0:
            order[fill[bloc[i]]] = i
            fill[bloc[i]] += 1
    return start, order


@njit(cache=True, nogil=True)
def all_finite(values: np.ndarray) -> bool:
    """Whether every value of a flat float array is finite (no NaN, no infinity).

    `x - x` is 0 for a finite x and NaN for a NaN or an infinity. The flags are or-ed over
    the whole array without an early exit, so LLVM vectorises the loop: about twice as fast
    as numpy's `sum` at N x N (the model's check after each phase, `sim.model.check_finite`).
    """
    bad = 0
    for i in range(len(values)):
        bad |= not (values[i] - values[i] == 0.0)
    return bad == 0


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


def _bits_as_float(bits: int) -> float:
    """The float64 whose IEEE bits are the int64 `bits` (plain Python; compiled, a bit cast)."""
    return float(np.uint64(bits & 0xFFFF_FFFF_FFFF_FFFF).view(np.float64))  # wraps as int64


def _float_as_bits(value: float) -> int:
    """The int64 holding the IEEE bits of the float64 `value` (plain Python; compiled, a cast)."""
    return int(np.float64(value).view(np.int64))


@intrinsic
def _int_bits_to_float(typingctx, bits):
    """`_bits_as_float` compiled: a bit cast, which LLVM vectorises."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@intrinsic
def _float_bits_to_int(typingctx, value):
    """`_float_as_bits` compiled: a bit cast."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen


@overload(_bits_as_float, inline="always")
def _bits_as_float_compiled(bits):
    return lambda bits: _int_bits_to_float(bits)


@overload(_float_as_bits, inline="always")
def _float_as_bits_compiled(value):
    return lambda value: _float_bits_to_int(value)


_INV_LN2 = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01  # ln 2 in two parts (fdlibm's): k * _LN2_HI is exact
_LN2_LO = 1.90821492927058770002e-10
_ROUNDER = 6755399441055744.0  # 1.5 * 2**52: adding it rounds to an integer, held in the low bits
#: exp overflows above this and is 0 below `_EXP_MIN` (the smallest subnormal is exp(-744.44)).
_EXP_MAX, _EXP_MIN = 709.79, -745.2


@njit(cache=True, nogil=True, inline="always")
def exp(x: float) -> float:
    """e**x from arithmetic alone, so loops calling it vectorise (see the module's docstring).

    x = k ln 2 + r with |r| <= ln 2 / 2, exp(r) by its Taylor polynomial of degree 12 (the
    remainder is below 2e-16 relative) in Horner's form, times 2**k built from its bits (in
    two factors, so that results near the overflow and subnormal ends are right). Returns
    inf above `_EXP_MAX`, 0 below `_EXP_MIN`, and NaN for NaN.
    """
    clamped = min(max(x, _EXP_MIN), _EXP_MAX)
    shifted = clamped * _INV_LN2 + _ROUNDER
    k_float = shifted - _ROUNDER
    k = _float_as_bits(shifted) - _float_as_bits(_ROUNDER)
    r = (clamped - k_float * _LN2_HI) - k_float * _LN2_LO
    p = 1.0 / 479001600.0  # 1 / 12!
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    half = k >> 1
    y = p * _bits_as_float((half + 1023) << 52) * _bits_as_float((k - half + 1023) << 52)
    y = 0.0 if x < _EXP_MIN else y
    y = np.inf if x > _EXP_MAX else y
    return y if x == x else x


@njit(cache=True, nogil=True)
def exp_into(values: np.ndarray, out: np.ndarray) -> np.ndarray:
    """`exp` of every element of `values` into `out` (may be `values`), both C-ordered."""
    if not (values.flags.c_contiguous and out.flags.c_contiguous):
        raise ValueError("exp_into: the arrays must be C-contiguous")
    flat, result = values.ravel(), out.ravel()
    for k in range(flat.size):
        result[k] = exp(flat[k])
    return out


# -- sums in numpy's order -----------------------------------------------------------------


@njit(cache=True, nogil=True)
def pairwise_plan(n):
    """How numpy sums n float64 values (pairwise summation), as a program for `planned_sum`.

    numpy sums a run of up to 128 values as a block (`block_sum`) and splits a longer one in
    halves (the first a multiple of 8), summed recursively and added. The plan lists that
    recursion in post-order, a row (0, start, length) for a block's sum and (1, 0, 0) for
    adding the last two sums; it is built once per length, without recursion (numba's cache
    does not keep recursive functions).

    Returns:
        `(plan, rows)`: the (K, 3) int64 program and its number of rows.
    """
    plan = np.empty((2 * (n // 64) + 2, 3), dtype=np.int64)
    tasks = np.empty((3 * 64, 3), dtype=np.int64)  # (start, length, add?) to do, last first
    tasks[0, 0], tasks[0, 1], tasks[0, 2] = 0, n, 0
    top, rows = 1, 0
    while top:
        top -= 1
        lo, length, add = tasks[top, 0], tasks[top, 1], tasks[top, 2]
        if add:
            plan[rows, 0], plan[rows, 1], plan[rows, 2] = 1, 0, 0
        elif length <= 128:
            plan[rows, 0], plan[rows, 1], plan[rows, 2] = 0, lo, length
        else:
            half = length // 2
            half -= half % 8
            tasks[top, 0], tasks[top, 1], tasks[top, 2] = lo, length, 1  # after both halves
            tasks[top + 1, 0], tasks[top + 1, 1], tasks[top + 1, 2] = lo + half, length - half, 0
            tasks[top + 2, 0], tasks[top + 2, 1], tasks[top + 2, 2] = lo, half, 0
            top += 3
            continue
        rows += 1
    return plan, rows


@njit(cache=True, nogil=True)
def block_sum(values, start, n):
    """The sum of a run of at most 128 values `values[start:start + n]`, as numpy sums it.

    Eight interleaved partial sums, combined as numpy does, then the rest in order; fewer
    than 8 values are added in order from 0.
    """
    if n < 8:
        total = 0.0
        for k in range(start, start + n):
            total += values[k]
        return total
    p0, p1, p2, p3 = values[start], values[start + 1], values[start + 2], values[start + 3]
    p4, p5, p6, p7 = values[start + 4], values[start + 5], values[start + 6], values[start + 7]
    end = start + n - n % 8
    for k in range(start + 8, end, 8):
        p0, p1, p2, p3 = p0 + values[k], p1 + values[k + 1], p2 + values[k + 2], p3 + values[k + 3]
        p4, p5 = p4 + values[k + 4], p5 + values[k + 5]
        p6, p7 = p6 + values[k + 6], p7 + values[k + 7]
    total = ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7))
    for k in range(end, start + n):
        total += values[k]
    return total


@njit(cache=True, nogil=True)
def planned_sum(values, start, plan, rows, sums):
    """The sum of `values[start:start + n]` as numpy gives it, bit for bit (n: see `plan`).

    `plan, rows` from `pairwise_plan(n)`; `sums` a float64 work array of `rows` or more.
    """
    top = 0
    for k in range(rows):
        if plan[k, 0] == 0:
            sums[top] = block_sum(values, start + plan[k, 1], plan[k, 2])
            top += 1
        else:
            top -= 1
            sums[top - 1] = sums[top - 1] + sums[top]
    return sums[0]


@njit(cache=True, nogil=True)
def pairwise_sum(values):
    """The sum of a contiguous 1-D float64 array, bit for bit numpy's `values.sum()`.

    numpy adds with pairwise summation (`pairwise_plan`); so do the row sums of a C-ordered
    matrix (`sum(axis=1)`, each row on its own) and the sum of a whole contiguous array (its
    flattened values). For many sums of one length, build the plan once (`planned_sum`).
    """
    plan, rows = pairwise_plan(len(values))
    return planned_sum(values, 0, plan, rows, np.empty(max(rows, 1)))
