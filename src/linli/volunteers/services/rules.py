"""The small rules every other module uses: counted minutes, points, star levels, who may
manage a community or organise an activity, the volunteer behind a login.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone

from linli.core.errors import Forbidden, Invalid
from linli.core.policy import Capability, can
from linli.ledger.models import Region, RegionLevel

from ..models import (
    Activity,
    Shift,
    Volunteer,
)

# --- small rules ------------------------------------------------------------------------------


def _now(when: dt.datetime | None) -> dt.datetime:
    return when or timezone.now()


def _local(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def counted_minutes(shift: Shift, check_in: dt.datetime, check_out: dt.datetime) -> int:
    """The minutes of [check_in, check_out] inside the shift (the only time that is service)."""
    start = max(check_in, shift.start)
    end = min(check_out, shift.end)
    if end <= start:
        return 0
    return int((end - start).total_seconds() // 60)


def points_for(minutes: int) -> int:
    """Points earned by ``minutes`` of approved service (half-up, at the configured rate)."""
    rate = Decimal(settings.LINLI_VOLUNTEER_POINTS_PER_HOUR)
    return int((Decimal(minutes) * rate / 60).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def star_level(hours: Decimal | int) -> int:
    """0–5 stars from cumulative approved hours (``LINLI_VOLUNTEER_STAR_HOURS``)."""
    return sum(1 for threshold in settings.LINLI_VOLUNTEER_STAR_HOURS if hours >= threshold)


def _require_community(community: Region) -> None:
    if community.level != RegionLevel.COMMUNITY:
        raise Invalid(f"“{community.name}”不是社区", code="volunteers.not_a_community")


def _require_manager(actor, community_id: int) -> None:
    """The office of the community (a worker or official whose region holds it)."""
    if not can(actor, Capability.VOLUNTEERS_MANAGE) or not (
        Region.objects.restrict(actor).filter(pk=community_id).exists()
    ):
        raise Forbidden("只有本社区工作人员可以办理", code="volunteers.forbidden")


def may_organise(actor, activity: Activity) -> bool:
    if actor is None or not getattr(actor, "pk", None):
        return False
    if activity.organiser_id == actor.pk:
        return True
    return can(actor, Capability.VOLUNTEERS_MANAGE) and (
        Activity.objects.restrict(actor).filter(pk=activity.pk).exists()
    )


def _require_organiser(actor, activity: Activity) -> None:
    if not may_organise(actor, activity):
        raise Forbidden(
            f"只有活动“{activity.title}”的组织人或本社区工作人员可以记录和确认",
            code="volunteers.not_organiser",
        )


def volunteer_of(user) -> Volunteer:
    """The volunteer registered for this account, or a clear refusal."""
    volunteer = (
        # an anonymous user's pk None filters as IS NULL: no volunteer
        Volunteer.objects.filter(user_id=getattr(user, "pk", None)).first()  # type: ignore[misc]
        if user is not None
        else None
    )
    if volunteer is None:
        raise Forbidden("您尚未登记为志愿者，请联系社区", code="volunteers.not_a_volunteer")
    return volunteer
