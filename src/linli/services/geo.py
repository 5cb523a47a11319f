"""Distances on the ground: the haversine great-circle distance in whole metres between two
WGS-84 points (the storage datum; GCJ-02 map coordinates are converted at the edges).

The earth's mean radius (IUGG, 6,371,008.8 m) keeps the error under 0.5 % — a few metres
across a county seat, well inside "about 850 m" on a resident's phone.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from linli.core.errors import Invalid
from linli.core.geo import great_circle_m


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> int:
    """Metres between (lat1, lng1) and (lat2, lng2), rounded to the metre."""
    return round(great_circle_m(lat1, lng1, lat2, lng2))


def coordinates(lat: Decimal | float | str, lng: Decimal | float | str) -> tuple[float, float]:
    """A checked (latitude, longitude) pair as floats: a clear error for anything else."""
    try:
        la, lo = float(Decimal(str(lat))), float(Decimal(str(lng)))
    except (InvalidOperation, ValueError, TypeError):
        raise Invalid(
            "坐标应为数字（纬度、经度）",
            code="services.invalid_coordinates",
            details=[{"field": "lat"}],
        ) from None
    if not (math.isfinite(la) and math.isfinite(lo)) or not -90 <= la <= 90:
        raise Invalid(
            "纬度应在 -90 到 90 之间",
            code="services.invalid_coordinates",
            details=[{"field": "lat"}],
        )
    if not -180 <= lo <= 180:
        raise Invalid(
            "经度应在 -180 到 180 之间",
            code="services.invalid_coordinates",
            details=[{"field": "lng"}],
        )
    return la, lo


def distance_label(metres: int) -> str:
    """“约 850 米” / “约 1.2 公里”, as a resident reads it."""
    if metres < 1000:
        return f"约 {max(10, round(metres, -1))} 米"
    return f"约 {metres / 1000:.1f} 公里"
