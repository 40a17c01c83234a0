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


def distance_matrix_km(lat, lon):
    """All-pairs great-circle distances (N, N) in km between points given in degrees.

    Args:
        lat: Latitudes, shape (N,), degrees.
        lon: Longitudes, shape (N,), degrees.

    Returns:
        A symmetric (N, N) array with a zero diagonal.
    """
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    dist = great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    np.fill_diagonal(dist, 0.0)
    return dist
