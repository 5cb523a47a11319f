"""How kept indicator values reach the places an actor holds (``linli.core.policy``).

A region's figures are for those who work on the region: the superuser and the officials and
community workers over it. A grid cell's are for the region roles over it and the 三长 of it or
above it; a compound's for the offices over it and its owners' committee.
"""

from __future__ import annotations

from django.db.models import Q

from linli.core.policy import Actor, Filter, compound_q, grid_q, register
from linli.core.roles import Role


def region_filter(actor: Actor, prefix: str = "") -> Filter:
    """Regions whose figures ``actor`` may read (their own subtree, region roles only)."""
    p = f"{prefix}__" if prefix else ""
    if actor.is_superuser:
        return Q()
    if actor.in_region:
        return Q(**{f"{p}path__startswith": actor.region_path})
    return None


def _sees_compounds(actor: Actor) -> bool:
    return actor.in_region or actor.role == Role.COMMITTEE_MEMBER


def _value_rule(actor: Actor, action: str) -> Filter:
    parts = [
        q
        for q in (
            region_filter(actor, "region"),
            compound_q(actor, "compound") if _sees_compounds(actor) else None,
            grid_q(actor, "grid"),
        )
        if q is not None
    ]
    if not parts:
        return None
    if actor.is_superuser:
        return Q()
    combined = parts[0]
    for q in parts[1:]:
        combined |= q
    return combined


def register_scopes() -> None:
    from .models import Value

    register(Value, _value_rule)
