"""Reads shared by all apps."""

from __future__ import annotations

from django.db.models import QuerySet

from linli.accounts import scoping
from linli.accounts.models import Role

from .models import AccessLog

LOG_READER_ROLES = {Role.COUNTY_OFFICIAL, Role.TOWN_OFFICIAL}


def access_log_for(user) -> QuerySet[AccessLog]:
    """County and town officials read the access log of the people in their region."""
    role = scoping.role_of(user)
    qs = AccessLog.objects.select_related("user__profile__region").order_by("-at")
    if role == "superuser":
        return qs
    if role in LOG_READER_ROLES and user.profile.region_id:
        return qs.filter(user__profile__region__path__startswith=user.profile.region.path)
    return qs.none()
