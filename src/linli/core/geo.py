"""Great-circle distance on WGS-84 coordinates: one haversine for the Open311 intake, 就近办 and
job matching."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8  # the mean Earth radius (IUGG)


def great_circle_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Metres between (lat1, lng1) and (lat2, lng2) along the Earth's surface (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
