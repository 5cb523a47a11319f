"""Reads shared by all apps."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AccessLog
from .policy import Capability, actor_of, can


def access_log_for(user) -> QuerySet[AccessLog]:
    """County and town officials read the access log of the people in their region."""
    qs = AccessLog.objects.select_related("user__profile__region").order_by("-at")
    if not can(user, Capability.READ_ACCESS_LOG):
        return qs.none()
    actor = actor_of(user)
    if actor.is_superuser:
        return qs
    if actor.region_id is None:
        return qs.none()
    return qs.filter(user__profile__region__path__startswith=actor.region_path)
