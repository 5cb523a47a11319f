"""How the care app's rows reach the places an actor holds (``linli.core.policy``).

Care facts are sensitive (PIPL art. 28): only the roles whose duty needs them see registry
entries — officials and community workers in their region, the 三长 in their grid cells — plus
a paired visitor (结对) their own pairs. Committee members, residents and department staff see
none (their households' entries included), so a detail answers them like a missing one.
"""

from __future__ import annotations

from django.db.models import Q

from linli.core.policy import Actor, Filter, household_q, register
from linli.core.roles import GRID_ROLES, REGION_ROLES
from linli.core.tree import path_ids

_DUTY = REGION_ROLES | GRID_ROLES


def _recipients(prefix: str = ""):
    p = f"{prefix}__" if prefix else ""

    def rule(actor: Actor, action: str) -> Filter:
        if actor.is_superuser:
            return Q()
        allowed: Q | None = None
        if actor.role in _DUTY:
            allowed = household_q(actor, f"{p}resident__household")
        if actor.user_id is not None and action != "manage":
            paired = Q(**{f"{p}partner_id": actor.user_id})
            allowed = paired if allowed is None else allowed | paired
        return allowed

    return rule


def _events(actor: Actor, action: str) -> Filter:
    """Events of one's region: below it (the office's own), and above it (a county's cold wave
    reaches the community and its 三长)."""
    if actor.is_superuser:
        return Q()
    if actor.role not in _DUTY or not actor.region_path:
        return None
    above = Q(region_id__in=path_ids(actor.region_path))
    if actor.role in REGION_ROLES:
        return above | Q(region__path__startswith=actor.region_path)
    return above


def _reminders(actor: Actor, action: str) -> Filter:
    if actor.is_superuser:
        return Q()
    return Q(user_id=actor.user_id) if actor.user_id is not None else None


def register_scopes() -> None:
    from .models import Event, Recipient, RecipientLog, Reminder

    register(Recipient, _recipients())
    register(RecipientLog, _recipients("recipient"))
    register(Event, _events)
    register(Reminder, _reminders)
