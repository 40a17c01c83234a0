"""Great-circle distances: the blocked, mirrored matrix equals the haversine on the whole grid."""

from __future__ import annotations

import numpy as np
import pytest

from sim import geo


@pytest.mark.parametrize("n", [1, 2, geo.BLOCK_ROWS - 1, geo.BLOCK_ROWS, 2 * geo.BLOCK_ROWS + 5])
def test_distance_matrix_equals_the_haversine_of_every_pair_bit_for_bit(n):
    rng = np.random.default_rng(n)
    lat, lon = rng.uniform(-89, 89, n), rng.uniform(-180, 180, n)
    whole = geo.great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    np.fill_diagonal(whole, 0.0)
    blocked = geo.distance_matrix_km(lat, lon)
    assert blocked.view(np.int64).tolist() == whole.view(np.int64).tolist()


def test_a_known_distance():
    # London (51.5074 N, 0.1278 W) to Paris (48.8566 N, 2.3522 E): about 343.5 km
    d = geo.distance_matrix_km([51.5074, 48.8566], [-0.1278, 2.3522])
    assert d[0, 1] == d[1, 0] == pytest.approx(343.5, abs=0.5)
    assert d[0, 0] == d[1, 1] == 0.0
