"""Geography helpers: great-circle distances between points given in degrees."""

from __future__ import annotations

import numpy as np

#: Mean Earth radius (IUGG), km. Moritz (2000), "Geodetic Reference System 1980".
EARTH_RADIUS_KM = 6371.0088


def great_circle_km(lat1, lon1, lat2, lon2):
    """Great-circle (haversine) distance in km; arguments in degrees, broadcast as numpy.

    Args:
        lat1: Latitude of the first point(s), degrees.
        lon1: Longitude of the first point(s), degrees.
        lat2: Latitude of the second point(s), degrees.
        lon2: Longitude of the second point(s), degrees.

    Returns:
        The distances in km, with the broadcast shape of the inputs.
    """
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlam = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


#: Rows of the distance matrix computed at a time: the temporaries of a block stay in cache (a
#: whole (N, N) temporary per operation costs more in page faults than in arithmetic at large N).
BLOCK_ROWS = 32


def distance_matrix_km(lat, lon):
    """All-pairs great-circle distances (N, N) in km between points given in degrees.

    `great_circle_km` on blocks of rows of the upper triangle, mirrored: the haversine is
    symmetric exactly (a swapped pair negates both differences, and the sines are squared),
    so the matrix equals `great_circle_km` on the whole grid bit for bit (tested).

    Args:
        lat: Latitudes, shape (N,), degrees.
        lon: Longitudes, shape (N,), degrees.

    Returns:
        A symmetric (N, N) array with a zero diagonal.
    """
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    n = len(lat)
    dist = np.empty((n, n))
    for start in range(0, n, BLOCK_ROWS):
        rows = slice(start, min(start + BLOCK_ROWS, n))
        block = great_circle_km(
            lat[rows, None], lon[rows, None], lat[None, start:], lon[None, start:]
        )
        dist[rows, start:] = block
        dist[start:, rows] = block.T
    np.fill_diagonal(dist, 0.0)
    return dist
