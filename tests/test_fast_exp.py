"""`sim.kernels.exp`: the vectorisable exponential of the kernels against the C library's."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from sim import kernels


@njit(cache=True)
def libm_exp_into(values, out):
    for k in range(values.size):
        out.flat[k] = np.exp(values.flat[k])
    return out


def ulps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance in units of the last place between float arrays of one sign."""
    return np.abs(a.view(np.int64) - b.view(np.int64))


@pytest.mark.parametrize("low, high", [(-0.4, 0.4), (-30.0, 30.0), (-708.0, 709.7)])
def test_within_three_ulp_of_the_c_library(low, high):
    values = np.random.default_rng(0).uniform(low, high, 200_000)
    ours = kernels.exp_into(values, np.empty_like(values))
    reference = libm_exp_into(values, np.empty_like(values))
    assert ulps(ours, reference).max() <= 3
    assert ulps(ours, reference).mean() < 0.3


def test_the_ends_of_the_range_zeros_infinities_and_nan():
    special = np.array([-np.inf, np.inf, 0.0, -0.0, 709.8, 1e4, -746.0, -1e4, -745.1])
    ours = kernels.exp_into(special, np.empty_like(special))
    assert ours.tolist() == [0.0, np.inf, 1.0, 1.0, np.inf, np.inf, 0.0, 0.0, 5e-324]
    assert np.isnan(kernels.exp_into(np.array([np.nan]), np.empty(1))[0])
    near_ends = np.array([709.78, 709.0, -708.3, -720.0, 1.0])  # the largest, subnormals, e
    reference = libm_exp_into(near_ends, np.empty_like(near_ends))
    ours = kernels.exp_into(near_ends, np.empty_like(near_ends))
    assert ulps(ours, reference).max() <= 3


def test_in_place_and_two_dimensional():
    values = np.linspace(-5.0, 5.0, 12).reshape(3, 4)
    expected = libm_exp_into(values, np.empty_like(values))
    out = kernels.exp_into(values, values)
    assert out is values
    assert ulps(values, expected).max() <= 3


def test_refuses_arrays_that_are_not_c_contiguous():
    values = np.ones((4, 4))
    with pytest.raises(ValueError, match="C-contiguous"):
        kernels.exp_into(values.T, np.empty((4, 4)))


def test_is_not_the_c_library_itself():
    # the polynomial is its own: on a fine grid some results differ from the C library's by an
    # ulp (if this failed, `exp` would have been replaced by np.exp, which is not vectorised)
    values = np.linspace(-1.0, 1.0, 10_001)
    ours = kernels.exp_into(values, np.empty_like(values))
    assert (ulps(ours, libm_exp_into(values, np.empty_like(values))) > 0).any()
