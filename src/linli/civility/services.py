"""Writes to the civility awards: every rule of a selection, checked before anything is written.

The road of a nomination: **nominate** (a resident of the community, or a 三长 for a household
or building of their cells, before the campaign's nomination deadline) → **score** (the
组长/片长 whose cells hold the nominee, on the kind's checklist; a building's share of full
marks maps to stars by ``LINLI_CIVILITY_STAR_PERCENTS``, 60/70/80/90/95 % → one to five) →
optional **vote** (one per household per campaign, inside the window; the database's unique
constraint keeps two members clicking at once to one vote) → **公示** for
``LINLI_CIVILITY_PUBLICITY_DAYS`` (7) days; an **objection** with a reason suspends the
nomination until a worker decides → **award** once the 公示 is over and no objection is open:
an :class:`Honour` on the household or building, and ``LINLI_CIVILITY_AWARD_POINTS`` volunteer
points for each registered volunteer of an awarded household (through
``linli.volunteers.services.award_grant``, the points ledger's own entry for awards).

Every function validates first and writes nothing when it refuses. Transitions lock the
nomination's row (``select_for_update``) so two workers cannot award and reject at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.core.errors import Conflict, Forbidden, Invalid, NotFound
from linli.core.policy import Capability, actor_of, can, restrict
from linli.core.roles import GRID_ROLES, RESIDENT_ROLES
from linli.ledger.models import Building, Household, Region, RegionLevel
from linli.volunteers import services as volunteer_services
from linli.volunteers.models import Volunteer

from .models import (
    BUILDING_KINDS,
    Campaign,
    Criterion,
    Honour,
    Kind,
    Nomination,
    Objection,
    ObjectionStatus,
    Score,
    Status,
    Vote,
)

MAX_TEXT = 500


def _now(when: dt.datetime | None) -> dt.datetime:
    return when or timezone.now()


def _today(when: dt.datetime | None) -> dt.date:
    return timezone.localdate(_now(when))


def _text(value: str | None, field: str, what: str, *, minimum: int = 1) -> str:
    text = (value or "").strip()
    if len(text) < minimum:
        raise Invalid(f"请填写{what}", code=f"civility.missing_{field}", details=[{"field": field}])
    if len(text) > MAX_TEXT:
        raise Invalid(
            f"{what}不能超过 {MAX_TEXT} 字", code="civility.too_long", details=[{"field": field}]
        )
    return text


# --- pure rules --------------------------------------------------------------------------------


def stars_for(total: int, max_total: int) -> int:
    """0–5 stars: how many of the star thresholds (percent of full marks) ``total`` reaches.

    With the default 60/70/80/90/95: 57 of 100 → 0, 60 → 1, 79 → 2, 80 → 3, 94 → 4, 95 → 5
    (integers only: ``100·total ≥ p·max_total``)."""
    if max_total <= 0:
        return 0
    return sum(1 for p in settings.LINLI_CIVILITY_STAR_PERCENTS if 100 * total >= p * max_total)


def passes(total: int, max_total: int) -> bool:
    """Whether a household nomination's score may go on the 公示."""
    return max_total > 0 and 100 * total >= settings.LINLI_CIVILITY_PASS_PERCENT * max_total


def eligible(nomination: Nomination) -> bool:
    if nomination.total is None:
        return False
    if nomination.campaign.kind in BUILDING_KINDS:
        return nomination.stars > 0
    if nomination.max_total is None:
        raise RuntimeError(f"nomination {nomination.pk} has a total but no full marks")
    return passes(nomination.total, nomination.max_total)


def publicity_window(nomination: Nomination) -> tuple[dt.date, dt.date]:
    """The first and last day of a nomination's 公示 (set whenever it has been publicised)."""
    if nomination.publicity_from is None or nomination.publicity_until is None:
        raise RuntimeError(f"nomination {nomination.pk} has no 公示 dates")
    return nomination.publicity_from, nomination.publicity_until


def publicity_until(start: dt.date) -> dt.date:
    """The last day of a 公示 that starts on ``start`` (seven days: start … start + 6)."""
    return start + dt.timedelta(days=settings.LINLI_CIVILITY_PUBLICITY_DAYS - 1)


# --- who may ------------------------------------------------------------------------------------


def _require_manager(actor, community_id: int) -> None:
    if not can(actor, Capability.CIVILITY_MANAGE) or not (
        restrict(Region.objects.filter(pk=community_id), actor).exists()
    ):
        raise Forbidden("只有本社区工作人员可以办理评选", code="civility.forbidden")


def _nominee_in_cells(actor, nomination: Nomination) -> bool:
    """Whether a household of the nominee (the household, or any of the building's) is now in
    the actor's grid cells."""
    households = restrict(Household.objects.all(), actor)
    if nomination.building_id:
        return households.filter(unit__building_id=nomination.building_id).exists()
    return households.filter(pk=nomination.household_id).exists()


def may_score(actor, nomination: Nomination) -> bool:
    return can(actor, Capability.CIVILITY_SCORE) and _nominee_in_cells(actor, nomination)


def _lock(nomination: Nomination) -> Nomination:
    return Nomination.objects.select_for_update().select_related("campaign").get(pk=nomination.pk)


# --- campaigns ----------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    actor,
    community: Region,
    kind: str,
    year: int,
    nominate_until: dt.date,
    title: str = "",
    vote_from: dt.date | None = None,
    vote_until: dt.date | None = None,
) -> Campaign:
    if community.level != RegionLevel.COMMUNITY:
        raise Invalid(f"“{community.name}”不是社区", code="civility.not_a_community")
    _require_manager(actor, community.pk)
    if kind not in Kind.values:
        raise Invalid("评选类别不正确", code="civility.bad_kind", details=[{"field": "kind"}])
    if (vote_from is None) != (vote_until is None):
        raise Invalid(
            "投票开始和截止日期须同时填写（不投票则都不填）",
            code="civility.bad_vote_window",
            details=[{"field": "vote_until"}],
        )
    if vote_from is not None and vote_until is not None:  # both or neither, checked above
        vote_window_ok = nominate_until < vote_from <= vote_until
    else:
        vote_window_ok = True
    if not vote_window_ok:
        raise Invalid(
            "投票须在提名截止之后开始，且截止不早于开始",
            code="civility.bad_vote_window",
            details=[{"field": "vote_from"}],
        )
    if not Criterion.objects.filter(kind=kind, active=True).exists():
        raise Invalid(
            f"“{Kind(kind).label}”还没有启用的评分细则，请先在后台设置",
            code="civility.no_criteria",
            details=[{"field": "kind"}],
        )
    title = (title or "").strip() or f"{year}年度{community.name}{Kind(kind).label}评选"
    return Campaign.objects.create(
        community=community,
        kind=kind,
        title=title[:100],
        year=year,
        nominate_until=nominate_until,
        vote_from=vote_from,
        vote_until=vote_until,
        created_by=actor,
    )


def _vote_until(campaign: Campaign) -> dt.date:
    """The last day of a campaign's vote (the constraint sets both ends or neither)."""
    if campaign.vote_until is None:
        raise RuntimeError(f"campaign {campaign.pk} has a vote without an end")
    return campaign.vote_until


# --- nominations --------------------------------------------------------------------------------


def _nominee_in_reach(actor, campaign: Campaign, household, building) -> bool:
    """Residents nominate in their own compound (committee members: theirs); a 三长 inside
    their cells. Always inside the campaign's community."""
    a = actor_of(actor)
    if building is not None:
        in_community = building.compound.community_id == campaign.community_id
        if a.role in GRID_ROLES:
            in_reach = restrict(Household.objects.filter(unit__building=building), actor).exists()
        else:
            in_reach = building.compound_id == _own_compound_id(a)
    else:
        in_community = household.unit.building.compound.community_id == campaign.community_id
        if a.role in GRID_ROLES:
            in_reach = restrict(Household.objects.filter(pk=household.pk), actor).exists()
        else:
            in_reach = household.unit.building.compound_id == _own_compound_id(a)
    return in_community and in_reach


def _own_compound_id(a) -> int | None:
    if a.compound_id:
        return a.compound_id
    if a.household_id:
        return (
            Household.objects.filter(pk=a.household_id)
            .values_list("unit__building__compound_id", flat=True)
            .first()
        )
    return None


@transaction.atomic
def nomination_create(
    *,
    actor,
    campaign: Campaign,
    reason: str,
    household: Household | None = None,
    building: Building | None = None,
    nominee_name: str = "",
    when: dt.datetime | None = None,
) -> Nomination:
    """提名: by a resident (in their compound) or a 三长 (in their cells)."""
    if not can(actor, Capability.CIVILITY_TAKE_PART):
        raise Forbidden("只有居民或三长可以提名", code="civility.not_a_nominator")
    if _today(when) > campaign.nominate_until:
        raise Conflict(
            f"“{campaign.title}”的提名已于 {campaign.nominate_until:%Y年%m月%d日} 截止",
            code="civility.nominations_closed",
        )
    building_kind = campaign.kind in BUILDING_KINDS
    if building_kind and building is None:
        raise Invalid(
            "星级楼栋请选择楼栋", code="civility.missing_building", details=[{"field": "building"}]
        )
    if not building_kind and household is None:
        raise Invalid(
            f"{campaign.get_kind_display()}请选择户",
            code="civility.missing_household",
            details=[{"field": "household"}],
        )
    household = None if building_kind else household
    building = building if building_kind else None
    reason = _text(reason, "reason", "推荐理由", minimum=5)
    name = (nominee_name or "").strip()[:50]
    if campaign.kind == Kind.GOOD_PERSON and not name:
        raise Invalid(
            "社区好人请填写被提名人的姓名",
            code="civility.missing_nominee_name",
            details=[{"field": "nominee_name"}],
        )
    field = "building" if building_kind else "household"
    if not _nominee_in_reach(actor, campaign, household, building):
        raise NotFound(
            "该楼栋不存在或不在您可提名的范围内"
            if building_kind
            else "该户不存在或不在您可提名的范围内",
            code="civility.nominee_out_of_scope",
            details=[{"field": field}],
        )
    try:
        with transaction.atomic():
            return Nomination.objects.create(
                campaign=campaign,
                household=household,
                building=building,
                nominee_name=name,
                reason=reason,
                nominated_by=actor,
                nominated_at=_now(when),
            )
    except IntegrityError:
        raise Conflict(
            "该楼栋已被提名，请勿重复提名" if building_kind else "该户已被提名，请勿重复提名",
            code="civility.already_nominated",
            details=[{"field": field}],
        ) from None


# --- scoring ------------------------------------------------------------------------------------


@transaction.atomic
def nomination_score(
    *, actor, nomination: Nomination, points: Mapping[int, int], when: dt.datetime | None = None
) -> Nomination:
    """评分 by the 组长/片长 whose cells hold the nominee: every active line of the kind's
    checklist, each from 0 to its full marks. Rescoring replaces the scores until the 公示."""
    nomination = _lock(nomination)
    if not may_score(actor, nomination):
        raise Forbidden(
            f"只有“{nomination.nominee_label}”所在组、片的组长或片长可以评分",
            code="civility.not_the_scorer",
        )
    if nomination.status not in (Status.NOMINATED, Status.SCORED):
        raise Conflict(
            f"“{nomination.nominee_label}”已{nomination.get_status_display()}，不能再评分",
            code="civility.not_scorable",
        )
    criteria = list(Criterion.objects.filter(kind=nomination.campaign.kind, active=True))
    wanted = {c.pk for c in criteria}
    given = {int(k): v for k, v in points.items()}
    if set(given) - wanted:
        raise Invalid(
            "评分项不属于本类评选", code="civility.bad_criterion", details=[{"field": "points"}]
        )
    rows = []
    for c in criteria:
        value = given.get(c.pk)
        if value is None:
            raise Invalid(
                f"请为“{c.title}”打分",
                code="civility.missing_points",
                details=[{"field": f"points.{c.pk}"}],
            )
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= c.max_points:
            raise Invalid(
                f"“{c.title}”的得分须在 0 到 {c.max_points} 之间",
                code="civility.bad_points",
                details=[{"field": f"points.{c.pk}"}],
            )
        rows.append(Score(nomination=nomination, criterion=c, points=value))
    Score.objects.filter(nomination=nomination).delete()
    Score.objects.bulk_create(rows)
    nomination.total = sum(r.points for r in rows)
    nomination.max_total = sum(c.max_points for c in criteria)
    nomination.stars = (
        stars_for(nomination.total, nomination.max_total)
        if nomination.campaign.kind in BUILDING_KINDS
        else 0
    )
    nomination.status = Status.SCORED
    nomination.scored_by = actor
    nomination.scored_at = _now(when)
    nomination.save(
        update_fields=["total", "max_total", "stars", "status", "scored_by", "scored_at"]
    )
    return nomination


# --- the residents' vote ------------------------------------------------------------------------


def vote_cast(*, actor, nomination: Nomination, when: dt.datetime | None = None) -> Vote:
    """One vote per household per campaign, inside the window. Two members of one household
    at once: the second insert hits ``vote_one_per_household`` and is refused the same way."""
    a = actor_of(actor)
    nomination = Nomination.objects.select_related("campaign").get(pk=nomination.pk)
    campaign = nomination.campaign
    if a.role not in RESIDENT_ROLES or not a.household_id:
        raise Forbidden("只有登记了住户的居民可以投票", code="civility.not_a_voter")
    household = Household.objects.select_related("unit__building__compound").get(pk=a.household_id)
    if household.unit.building.compound.community_id != campaign.community_id:
        raise NotFound("评选不存在或无权查看", code="civility.not_found")
    if not campaign.has_vote:
        raise Conflict(f"“{campaign.title}”不设居民投票", code="civility.no_vote")
    today = _today(when)
    if not campaign.voting_on(today):
        raise Conflict(
            f"投票时间为 {campaign.vote_from:%Y年%m月%d日} 至 {campaign.vote_until:%Y年%m月%d日}，"
            "现在不在投票时间内",
            code="civility.vote_closed",
        )
    if nomination.status != Status.SCORED:
        raise Conflict(
            f"“{nomination.nominee_label}”不在投票之列（只有已评分的提名可以投票）",
            code="civility.not_on_ballot",
        )
    if Vote.objects.filter(campaign=campaign, household=household).exists():
        raise Conflict("本户已在本次评选中投过票，每户限投一票", code="civility.already_voted")
    try:
        with transaction.atomic():
            return Vote.objects.create(
                campaign=campaign,
                nomination=nomination,
                household=household,
                voter=actor,
                at=_now(when),
            )
    except IntegrityError:
        raise Conflict(
            "本户已在本次评选中投过票，每户限投一票", code="civility.already_voted"
        ) from None


# --- 公示, objections, award -------------------------------------------------------------------


@transaction.atomic
def publicity_start(
    *, actor, nomination: Nomination, when: dt.datetime | None = None
) -> Nomination:
    """Put a scored nomination that passes on the 7-day 公示 (after the vote, if any)."""
    nomination = _lock(nomination)
    campaign = nomination.campaign
    _require_manager(actor, campaign.community_id)
    today = _today(when)
    if nomination.status != Status.SCORED:
        raise Conflict(
            f"“{nomination.nominee_label}”{nomination.get_status_display()}，只有已评分的提名可以公示",
            code="civility.not_scored",
        )
    if not eligible(nomination):
        raise Conflict(
            f"“{nomination.nominee_label}”得分 {nomination.total}/{nomination.max_total}，"
            "未达到公示标准",
            code="civility.below_threshold",
        )
    if campaign.has_vote and today <= _vote_until(campaign):
        raise Conflict(
            f"居民投票到 {campaign.vote_until:%Y年%m月%d日} 截止，投票结束后才能公示",
            code="civility.vote_not_over",
        )
    nomination.status = Status.PUBLICISED
    nomination.publicity_from = today
    nomination.publicity_until = publicity_until(today)
    nomination.save(update_fields=["status", "publicity_from", "publicity_until"])
    return nomination


@transaction.atomic
def objection_raise(
    *, actor, nomination: Nomination, reason: str, when: dt.datetime | None = None
) -> Objection:
    """异议 during the 公示, with a reason: the nomination is suspended until a worker decides."""
    if not (can(actor, Capability.CIVILITY_TAKE_PART) or can(actor, Capability.CIVILITY_MANAGE)):
        raise Forbidden("您不能对评选提出异议", code="civility.forbidden")
    if not restrict(Nomination.objects.filter(pk=nomination.pk), actor).exists():
        raise NotFound("提名不存在或无权查看", code="civility.not_found")
    nomination = _lock(nomination)
    today = _today(when)
    in_publicity = nomination.status in (Status.PUBLICISED, Status.SUSPENDED)
    if in_publicity:
        first, last = publicity_window(nomination)
        in_publicity = first <= today <= last
    if not in_publicity:
        raise Conflict(
            f"“{nomination.nominee_label}”不在公示期内，不能提出异议",
            code="civility.not_in_publicity",
        )
    reason = _text(reason, "reason", "异议理由", minimum=5)
    objection = Objection.objects.create(
        nomination=nomination, raised_by=actor, reason=reason, raised_at=_now(when)
    )
    if nomination.status != Status.SUSPENDED:
        nomination.status = Status.SUSPENDED
        nomination.save(update_fields=["status"])
    return objection


@transaction.atomic
def objection_decide(
    *, actor, objection: Objection, upheld: bool, note: str, when: dt.datetime | None = None
) -> Objection:
    """A worker decides an objection: upheld → the nomination fails (its other open objections
    close with it); dismissed → once none is open, the 公示 goes on."""
    nomination = _lock(objection.nomination)
    _require_manager(actor, nomination.campaign.community_id)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN:
        raise Conflict("该异议已处理", code="civility.objection_decided")
    note = _text(note, "note", "处理意见")
    now = _now(when)
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.decided_by, objection.decided_at, objection.decision_note = actor, now, note
    objection.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if upheld:
        nomination.objections.filter(status=ObjectionStatus.OPEN).update(
            status=ObjectionStatus.UPHELD,
            decided_by=actor,
            decided_at=now,
            decision_note=f"随异议 #{objection.pk} 一并办结",
        )
        nomination.status = Status.REJECTED
        nomination.decided_by, nomination.decided_at = actor, now
        nomination.decision_note = f"公示异议成立：{note}"[:300]
        nomination.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    elif not nomination.objections.filter(status=ObjectionStatus.OPEN).exists():
        nomination.status = Status.PUBLICISED
        nomination.save(update_fields=["status"])
    return objection


@transaction.atomic
def nomination_reject(
    *, actor, nomination: Nomination, note: str, when: dt.datetime | None = None
) -> Nomination:
    """A worker turns a nomination down (not yet awarded) with a reason."""
    nomination = _lock(nomination)
    _require_manager(actor, nomination.campaign.community_id)
    if nomination.status in (Status.AWARDED, Status.REJECTED):
        raise Conflict(
            f"“{nomination.nominee_label}”已{nomination.get_status_display()}",
            code="civility.decided",
        )
    note = _text(note, "note", "不通过的理由")
    nomination.status = Status.REJECTED
    nomination.decided_by, nomination.decided_at, nomination.decision_note = (
        actor,
        _now(when),
        note[:300],
    )
    nomination.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return nomination


def _volunteers_of(nomination: Nomination) -> list[Volunteer]:
    if nomination.household_id is None:
        return []
    found = list(
        Volunteer.objects.filter(
            resident__household_id=nomination.household_id,
            community_id=nomination.campaign.community_id,
        )
        .select_related("resident")
        .order_by("pk")
    )
    if nomination.campaign.kind == Kind.GOOD_PERSON and nomination.nominee_name:
        # The filter above is on the resident's household, so every one has a resident.
        return [v for v in found if v.resident and v.resident.name == nomination.nominee_name]
    return found


@transaction.atomic
def award_grant(*, actor, nomination: Nomination, when: dt.datetime | None = None) -> Honour:
    """授予: after the 公示 with no open objection. The honour goes on the household or
    building; each registered volunteer of the household (社区好人: the named person) gets
    ``LINLI_CIVILITY_AWARD_POINTS`` points through the volunteers' own award entry."""
    nomination = _lock(nomination)
    campaign = nomination.campaign
    _require_manager(actor, campaign.community_id)
    today = _today(when)
    if nomination.status == Status.SUSPENDED:
        raise Conflict(
            f"“{nomination.nominee_label}”有未处理的公示异议，处理后才能授予",
            code="civility.open_objection",
        )
    if nomination.status != Status.PUBLICISED:
        raise Conflict(
            f"“{nomination.nominee_label}”{nomination.get_status_display()}，只有公示期满的提名可以授予",
            code="civility.not_publicised",
        )
    if today <= publicity_window(nomination)[1]:
        raise Conflict(
            f"公示到 {nomination.publicity_until:%Y年%m月%d日} 为止，期满后才能授予",
            code="civility.publicity_not_over",
        )
    honour = Honour(
        nomination=nomination,
        kind=campaign.kind,
        year=campaign.year,
        household_id=nomination.household_id,
        building_id=nomination.building_id,
        nominee_name=nomination.nominee_name,
        stars=nomination.stars,
        awarded_on=today,
    )
    honour.title = honour.label
    volunteers = _volunteers_of(nomination)
    points = settings.LINLI_CIVILITY_AWARD_POINTS if volunteers else 0
    honour.points, honour.credited = points, len(volunteers) if points else 0
    honour.save()
    community = Region.objects.get(pk=campaign.community_id)
    for volunteer in volunteers if points else []:
        volunteer_services.award_grant(
            actor=actor,
            volunteer=volunteer,
            title=honour.title,
            date=today,
            issuer=community.name,
            points=points,
            when=when,
        )
    nomination.status = Status.AWARDED
    nomination.decided_by, nomination.decided_at = actor, _now(when)
    nomination.save(update_fields=["status", "decided_by", "decided_at"])
    return honour
