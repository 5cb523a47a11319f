"""Open311 GeoReport v2 for cases (see docs/open311.md)."""
