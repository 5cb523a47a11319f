"""Reads of cases, each starting from what the requesting user may see:
``Case.objects.restrict(user)`` (the rule is in :mod:`linli.cases.scopes`)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from linli.core import uploads
from linli.core.errors import NotFound
from linli.core.policy import actor_of, get_or_404
from linli.core.roles import GRID_ROLES, Role
from linli.grid.models import Grid, GridLevel

from .models import (
    RESOLVED_STAGES,
    WORKING_STAGES,
    Case,
    CaseEvent,
    CasePhoto,
    Category,
    CloseReason,
    Department,
    DepartmentMember,
    HandlerLevel,
    Satisfaction,
    Stage,
    Status,
    case_number,
    holder_name,
)

# ---------------------------------------------------------------- the case row

# A case as a list shows it — the fields of ``schemas.CaseOut``, in its order — is made in one
# place, :func:`_row`, from raw values: the case's own columns, its category's name and code,
# and who holds it. They come either from the list's one written-out statement
# (:func:`case_rows`) or from a loaded case (:func:`case_row`: a detail, a case just reported).
# The list's page is chosen by the ORM on the case table alone (scope, filters, order), then
# its rows are read by id with their relations: the ORM's version of that statement (four
# joins and thirty columns through values()) cost more to build than the rest of the request,
# and validating model instances through CaseOut (ninja's per-attribute getter) most of it.
_ROW_CASE_COLUMNS = (
    "id",
    "description",
    "urgency",
    "channel",
    "household_id",
    "compound_id",
    "community_id",
    "stage",
    "status",
    "close_reason",
    "level",
    "grid_id",
    "department_id",
    "merged_into_id",
    "satisfaction",
    "reported_at",
    "accepted_at",
    "resolved_at",
    "closed_at",
    "deadline",
    "original_deadline",
    "reopen_count",
    "version",
)
# The related values a row needs (the category; the names the holder's wording takes) and the
# statement's column for each.
_ROW_JOINED_COLUMNS = (
    ("category_name", "cat.name"),
    ("category_code", "cat.code"),
    ("grid_name", "g.name"),
    ("grid_level", "g.level"),
    ("department_name", "d.name"),
    ("community_name", "r.name"),
)
_ROW_SQL_NAMES = _ROW_CASE_COLUMNS + tuple(name for name, _ in _ROW_JOINED_COLUMNS)
_ROW_SQL = (
    "SELECT "
    + ", ".join([f"c.{name}" for name in _ROW_CASE_COLUMNS])
    + ", "
    + ", ".join(column for _, column in _ROW_JOINED_COLUMNS)
    + " FROM cases_case c"
    " INNER JOIN cases_category cat ON c.category_id = cat.id"
    " LEFT OUTER JOIN grid_grid g ON c.grid_id = g.id"
    " LEFT OUTER JOIN cases_department d ON c.department_id = d.id"
    " INNER JOIN ledger_region r ON c.community_id = r.id"
    " WHERE c.id IN ({ids})"
)
_ROW_DATETIMES = ("reported_at", "accepted_at", "resolved_at", "closed_at")
_STAGE_LABELS = {value: str(label) for value, label in Stage.choices}
_LEVEL_LABELS = {value: str(label) for value, label in HandlerLevel.choices}


def _row(values: dict, *, holder: str) -> dict:
    """The row — ``CaseOut``'s fields in its order, before JSON encoding — from raw values
    (:data:`_ROW_CASE_COLUMNS`, ``category_name``, ``category_code``) and the holder."""
    v = values
    return {
        "id": v["id"],
        "number": case_number(v["id"], v["reported_at"]),
        "category": v["category_name"],
        "category_code": v["category_code"],
        "description": v["description"],
        "urgency": v["urgency"],
        "channel": v["channel"],
        "household_id": v["household_id"],
        "compound_id": v["compound_id"],
        "community_id": v["community_id"],
        "stage": v["stage"],
        "stage_label": _STAGE_LABELS.get(v["stage"], v["stage"]),
        "status": v["status"],
        "close_reason": v["close_reason"],
        "level": v["level"],
        "level_label": _LEVEL_LABELS.get(v["level"], v["level"]),
        "holder": holder,
        "grid_id": v["grid_id"],
        "department_id": v["department_id"],
        "merged_into_id": v["merged_into_id"],
        "satisfaction": v["satisfaction"],
        "reported_at": v["reported_at"],
        "accepted_at": v["accepted_at"],
        "resolved_at": v["resolved_at"],
        "closed_at": v["closed_at"],
        "deadline": v["deadline"],
        "original_deadline": v["original_deadline"],
        "reopen_count": v["reopen_count"],
        "version": v["version"],
    }


def _fetched_row(fetched: tuple) -> dict:
    values = dict(zip(_ROW_SQL_NAMES, fetched, strict=True))
    for name in _ROW_DATETIMES:  # SQLite hands back naive UTC datetimes
        value = values[name]
        if value is not None and value.tzinfo is None:
            values[name] = value.replace(tzinfo=dt.UTC)
    holder = holder_name(
        values["level"],
        grid_name=values["grid_name"],
        grid_level=values["grid_level"],
        department_name=values["department_name"],
        community_name=values["community_name"],
    )
    return _row(values, holder=holder)


def case_rows(ids: list[int]) -> list[dict]:
    """The rows of these cases, in the order of ``ids``, read by one statement."""
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_ROW_SQL.format(ids=", ".join(["%s"] * len(ids))), ids)
        fetched = cursor.fetchall()
    by_id = {row["id"]: row for row in map(_fetched_row, fetched)}
    return [by_id[pk] for pk in ids if pk in by_id]


def case_row(case: Case) -> dict:
    """The row of a loaded case (its category at hand; the holder reads only the relation its
    level names, :attr:`Case.holder`)."""
    values = {name: getattr(case, name) for name in _ROW_CASE_COLUMNS}
    values["category_name"] = case.category.name
    values["category_code"] = case.category.code
    return _row(values, holder=case.holder)


# ---------------------------------------------------------------- scoped reads


def cases_for(user, *, household: int | None = None) -> QuerySet[Case]:
    """The cases ``user`` may see, of one household when ``household`` is given.

    A resident asking for their own household's cases sees all of them (their scope is "mine
    or my household's"), so the filter is the household alone — the phone's most frequent
    list, served by the household index without the scope's OR.
    """
    if household is not None:
        actor = actor_of(user)
        if actor.role == Role.RESIDENT and actor.household_id == household:
            return Case.objects.filter(household_id=household)
    qs = Case.objects.restrict(user)
    return qs if household is None else qs.filter(household_id=household)


def _with_related(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related(
        "category",
        "grid",
        "department",
        "community",
        "compound",
        "household__unit__building",
        "reporter__profile",
    )


def case_get_for(*, actor, case_id: int) -> Case:
    try:
        return get_or_404(_with_related(Case.objects.all()), actor, pk=case_id)
    except NotFound:
        raise NotFound("诉求不存在或无权查看") from None


def case_photo_get_for(*, actor, photo_id: int) -> CasePhoto:
    """A case photo for whoever may see its case; out of scope is :class:`NotFound` with the
    same message as a missing id (``linli.core.uploads.NOT_FOUND``)."""
    try:
        return get_or_404(CasePhoto.objects.all(), actor, pk=photo_id)
    except NotFound:
        raise NotFound(uploads.NOT_FOUND) from None


def case_timeline(*, case: Case) -> list[CaseEvent]:
    return list(case.events.prefetch_related("photos").order_by("at", "id"))


def categories() -> QuerySet[Category]:
    return Category.objects.filter(active=True).select_related("default_department")


def departments() -> QuerySet[Department]:
    return Department.objects.filter(active=True)


def my_cases(*, actor) -> QuerySet[Case]:
    """A resident's own and household's cases, newest first."""
    profile = getattr(actor, "profile", None)
    q = Q(reporter=actor)
    if profile is not None and profile.household_id:
        q |= Q(household_id=profile.household_id)
    return _with_related(cases_for(actor).filter(q)).order_by("-reported_at", "-id")


def inbox(*, actor) -> QuerySet[Case]:
    """The open cases a 三长 holds now, most urgent deadline first."""
    profile = getattr(actor, "profile", None)
    if profile is None or profile.grid_id is None:
        return Case.objects.none()
    return _with_related(
        cases_for(actor).filter(
            status=Status.OPEN,
            grid_id=profile.grid_id,
            level__lte=HandlerLevel.AREA,
            unverified=False,  # a 楼道码 report waiting to be confirmed: on the to-do list
        )
    ).order_by("deadline", "reported_at", "id")


def watched(*, actor) -> QuerySet[Case]:
    """Open cases from a 三长's subtree held by someone else (passed up, dispatched)."""
    profile = getattr(actor, "profile", None)
    if profile is None or profile.grid_id is None:
        return Case.objects.none()
    return (
        _with_related(cases_for(actor).filter(status=Status.OPEN, unverified=False))
        .exclude(grid_id=profile.grid_id)
        .order_by("deadline", "id")
    )


def board(
    *,
    actor,
    category: int | None = None,
    level: int | None = None,
    stage: str | None = None,
    overdue: bool = False,
    today: dt.date | None = None,
) -> QuerySet[Case]:
    """The dispatch board: open cases, oldest first, with filters."""
    qs = cases_for(actor).filter(status=Status.OPEN, unverified=False)
    if category:
        qs = qs.filter(category_id=category)
    if level:
        qs = qs.filter(level=level)
    if stage:
        qs = qs.filter(stage=stage)
    if overdue:
        qs = qs.filter(deadline__lt=today or timezone.localdate(), stage__in=WORKING_STAGES)
    return _with_related(qs).order_by("reported_at", "id")


def department_cases(*, actor, open_only: bool = True) -> QuerySet[Case]:
    ids = DepartmentMember.objects.filter(user=actor).values("department_id")
    qs = cases_for(actor).filter(department_id__in=ids)
    if open_only:
        qs = qs.filter(status=Status.OPEN, level=HandlerLevel.DEPARTMENT, unverified=False)
    return _with_related(qs).order_by("deadline", "reported_at", "id")


# ---------------------------------------------------------------- measures

MEASURE_GROUPS = {
    "neighbour": "邻",
    "group": "组",
    "area": "片",
    "community": "社区",
    "department": "部门",
    "category": "类别",
}


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


#: a row of ``values()`` the measures read
Row = Mapping[str, Any]

#: the fields of a case :func:`figures_of` reads
FIGURE_FIELDS = (
    "stage",
    "status",
    "close_reason",
    "satisfaction",
    "reported_at",
    "accepted_at",
    "resolved_at",
    "deadline",
    "original_deadline",
)


def figures_of(rows: Sequence[Row], today: dt.date) -> dict:
    """The measures of :func:`case_measures` over ``rows`` (values of :data:`FIGURE_FIELDS`):
    the one definition every page, the API and ``linli.indicators`` read."""
    counted = [r for r in rows if r["close_reason"] != CloseReason.MERGED]
    reported = len(counted)
    accepted = sum(1 for r in counted if r["accepted_at"] is not None)
    responded = sum(
        1
        for r in counted
        if r["accepted_at"] is not None or r["close_reason"] == CloseReason.RETURNED
    )
    resolved = [r for r in counted if r["stage"] in RESOLVED_STAGES and r["resolved_at"]]
    on_time = sum(
        1 for r in resolved if timezone.localdate(r["resolved_at"]) <= r["original_deadline"]
    )
    hours = [(r["resolved_at"] - r["reported_at"]).total_seconds() / 3600 for r in resolved]
    rated = [r for r in counted if r["satisfaction"] and r["status"] == Status.CLOSED]
    satisfied = sum(
        1 for r in rated if r["satisfaction"] in (Satisfaction.SATISFIED, Satisfaction.BASICALLY)
    )
    open_rows = [r for r in counted if r["status"] == Status.OPEN]
    overdue = sum(1 for r in open_rows if r["stage"] in WORKING_STAGES and r["deadline"] < today)
    return {
        "reported": reported,
        "accepted": accepted,
        "resolved": len(resolved),
        "resolved_on_time": on_time,
        "open": len(open_rows),
        "overdue": overdue,
        "rated": len(rated),
        "satisfied": satisfied,
        "merged": len(rows) - reported,
        "median_hours": round(statistics.median(hours), 1) if hours else None,
        "response_rate": _rate(responded, reported),
        "resolution_rate": _rate(len(resolved), reported),
        "on_time_rate": _rate(on_time, len(resolved)),
        "satisfaction_rate": _rate(satisfied, len(rated)),
    }


def case_measures(
    *,
    actor,
    by: str = "community",
    since: dt.date | None = None,
    until: dt.date | None = None,
    today: dt.date | None = None,
) -> list[dict]:
    """Figures per 邻/组/片/社区/部门/类别 over the cases ``actor`` sees.

    - 响应率 = (立案 + 退回并说明理由) ÷ 登记; 解决率 = 已办结 ÷ 登记; 按期率 = 承诺时限内
      办结 ÷ 已办结; 满意率 = (满意 + 基本满意) ÷ 已评价. Merged duplicates count in none.
    - median handling time: hours from report to (latest) resolution, over resolved cases.
    """
    if by not in MEASURE_GROUPS:
        raise ValueError(by)
    today = today or timezone.localdate()
    qs = cases_for(actor).filter(unverified=False)  # unconfirmed 楼道码 reports count in none
    if since:
        qs = qs.filter(reported_at__date__gte=since)
    if until:
        qs = qs.filter(reported_at__date__lte=until)
    rows: list[Row] = list(
        qs.values(
            "id",
            "community_id",
            "community__name",
            "department_id",
            "department__name",
            "category_id",
            "category__name",
            "category__sort",
            "origin_grid__path",
            "stage",
            "status",
            "close_reason",
            "satisfaction",
            "reported_at",
            "accepted_at",
            "resolved_at",
            "deadline",
            "original_deadline",
        )
    )
    buckets: dict[object, list[Row]] = defaultdict(list)
    labels: dict[object, str] = {}
    order: dict[object, object] = {}
    if by in ("neighbour", "group", "area"):
        depth = {"area": 0, "group": 1, "neighbour": 2}[by]
        for r in rows:
            parts = (r["origin_grid__path"] or "").strip("/").split("/")
            if len(parts) > depth and parts[0]:
                buckets[int(parts[depth])].append(r)
        cells = Grid.objects.filter(pk__in=list(buckets)).select_related("community")
        for g in cells:
            labels[g.pk] = f"{g.community.name} {g.name}"
            order[g.pk] = g.path
    else:
        key, name, sort = {
            "community": ("community_id", "community__name", "community_id"),
            "department": ("department_id", "department__name", "department_id"),
            "category": ("category_id", "category__name", "category__sort"),
        }[by]
        for r in rows:
            if r[key] is not None:
                buckets[r[key]].append(r)
                labels[r[key]] = r[name]
                order[r[key]] = r[sort]
    out = []
    for k in sorted(buckets, key=lambda k: (order.get(k) is None, order.get(k) or 0, k)):
        out.append({"key": k, "label": labels.get(k, str(k)), **figures_of(buckets[k], today)})
    return out


def measures_total(*, actor, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    rows: list[Row] = list(cases_for(actor).filter(unverified=False).values(*FIGURE_FIELDS))
    return figures_of(rows, today)


def grid_levels_for(actor) -> list[str]:
    """Which measure groupings make sense for the viewer."""
    role = actor_of(actor).role
    if role in GRID_ROLES:
        level = actor.profile.grid.level if actor.profile.grid_id else GridLevel.NEIGHBOUR
        below = {
            GridLevel.AREA: ["neighbour", "group", "area"],
            GridLevel.GROUP: ["neighbour", "group"],
            GridLevel.NEIGHBOUR: ["neighbour"],
        }[GridLevel(level)]
        return [*below, "category"]
    if role == Role.DEPARTMENT_STAFF:
        return ["department", "category"]
    return list(MEASURE_GROUPS)
