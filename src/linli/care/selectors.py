"""Reads of the care registry. Due and overdue are computed **here, once**: every page, the
API, the ``linli care status`` command and the reminder job take their rows from
:func:`status_rows` and their figures from :func:`summarise`.

A row's window comes from :func:`linli.care.rules.due_window` (last visit + the tier's interval,
calendar months by ``relativedelta``; events bring a 高风险 person's date forward). The last
visit is a SQL annotation (the latest ``grid.Visit`` linked to the person, on or before the day
asked); the date arithmetic is Python, because SQLite cannot add a calendar month the way
PostgreSQL and ``relativedelta`` do (31 January + 1 month).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, When
from django.utils import timezone

from linli.core.policy import get_or_404, restrict
from linli.core.tree import path_ids
from linli.grid.models import Grid, GridLevel, Holding, Membership, Visit
from linli.ledger.models import Region

from . import rules
from .models import Event, Recipient


@cache
def _period(text: str):
    return rules.parse_period(text)


def interval(tier: str):
    return _period(settings.LINLI_CARE_INTERVALS[tier])


def lead(tier: str):
    return _period(settings.LINLI_CARE_LEADS[tier])


def recipients_for(user, action: str = "view") -> QuerySet[Recipient]:
    """The registry entries ``user`` may see (their duty's, or their own pairs)."""
    return Recipient.objects.restrict(user, action)


def recipient_get_for(*, actor, recipient_id: int) -> Recipient:
    return get_or_404(
        Recipient.objects.select_related(
            "resident__household__unit__building__compound__community", "partner__profile"
        ),
        actor,
        pk=recipient_id,
    )


@dataclass
class Row:
    """One registry person on one day: the window of their next visit and who owes it."""

    recipient: Recipient
    last_visit: dt.date | None
    window: rules.Window
    visited_this_month: bool
    neighbour_id: int | None
    neighbour_path: str
    visitor_id: int | None  # the paired visitor's user, else the 邻长's
    visitor_name: str

    @property
    def tier(self) -> str:
        return self.recipient.tier

    @property
    def status(self) -> str:
        return self.window.status


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def active_on(queryset: QuerySet[Recipient], day: dt.date) -> QuerySet[Recipient]:
    """People in the registry on ``day``."""
    return queryset.filter(registered_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    )


def status_rows(recipients: QuerySet[Recipient], *, as_of: dt.date | None = None) -> list[Row]:
    """Every person of ``recipients`` in the registry on ``as_of``, with their window."""
    as_of = as_of or timezone.localdate()
    end = _end_of(as_of)
    month_start = as_of.replace(day=1)
    # The 邻 the household was in on ``as_of`` and who led it then; for a day before the grid
    # was drawn (or a post filled), today's.
    then = Q(start__lte=end) & (Q(end__isnull=True) | Q(end__gt=end))
    membership = (
        Membership.objects.filter(household=OuterRef("resident__household"))
        .order_by(Case(When(then, then=0), default=1), "-start")
        .filter(then | Q(end__isnull=True))
    )
    holding = (
        Holding.objects.filter(post__grid_id=OuterRef("neighbour_id"))
        .order_by(Case(When(then, then=0), default=1), "-start")
        .filter(then | Q(end__isnull=True))
    )
    last_visit = (
        Visit.care_recipients.through.objects.filter(
            recipient_id=OuterRef("pk"), visit__visited_on__lte=as_of
        )
        .order_by("-visit__visited_on")
        .values("visit__visited_on")[:1]
    )
    qs = (
        active_on(recipients, as_of)
        .select_related(
            "resident__household__unit__building__compound__community", "partner__profile"
        )
        .annotate(
            last_visit=Subquery(last_visit),
            neighbour_id=Subquery(membership.values("neighbour_id")[:1]),
            neighbour_path=Subquery(membership.values("neighbour__path")[:1]),
        )
        .annotate(
            leader_user_id=Subquery(holding.values("user_id")[:1]),
            leader_name=Subquery(holding.values("resident__name")[:1]),
        )
        .order_by(
            "resident__household__unit__building__compound__name", "resident__household_id", "id"
        )
    )
    recipients_list = list(qs)
    events = _events_by_region(recipients_list, as_of, end)
    event_hours = settings.LINLI_CARE_EVENT_HOURS
    rows = []
    for r in recipients_list:
        community_path = r.resident.household.unit.building.compound.community.path
        declared = (
            [at for path, at in events if community_path.startswith(path)]
            if r.tier == rules.HIGH
            else []
        )
        window = rules.due_window(
            tier=r.tier,
            last_visit=r.last_visit,
            registered_on=r.registered_on,
            as_of=as_of,
            interval=interval(r.tier),
            lead=lead(r.tier),
            events=declared,
            event_hours=event_hours,
        )
        if r.partner_id and r.partner is not None:
            visitor_id = r.partner_id
            profile = getattr(r.partner, "profile", None)
            visitor_name = (profile and profile.display_name) or r.partner.username
        else:
            visitor_id, visitor_name = r.leader_user_id, r.leader_name or ""
        rows.append(
            Row(
                recipient=r,
                last_visit=r.last_visit,
                window=window,
                visited_this_month=r.last_visit is not None and r.last_visit >= month_start,
                neighbour_id=r.neighbour_id,
                neighbour_path=r.neighbour_path or "",
                visitor_id=visitor_id,
                visitor_name=visitor_name,
            )
        )
    return rows


def _events_by_region(
    recipients, as_of: dt.date, end: dt.datetime
) -> list[tuple[str, dt.datetime]]:
    """(region path, local declaration time) of the events that may still bind someone: those
    declared on or before ``as_of`` and after the oldest 高风险 last visit asked about."""
    high = [r for r in recipients if r.tier == rules.HIGH]
    if not high:
        return []
    oldest = min((r.last_visit or r.registered_on) for r in high)
    start = timezone.make_aware(dt.datetime.combine(oldest, dt.time.min))
    return [
        (path, timezone.localtime(at))
        for path, at in Event.objects.filter(declared_at__gte=start, declared_at__lte=end)
        .values_list("region__path", "declared_at")
        .order_by("declared_at")
    ]


def _figures(rows: list[Row]) -> dict:
    registered = len(rows)
    visited = sum(1 for r in rows if r.visited_this_month)
    return {
        "registered": registered,
        "due": sum(1 for r in rows if r.status == rules.DUE),
        "overdue": sum(1 for r in rows if r.status == rules.OVERDUE),
        "visited_this_month": visited,
        "monthly_visit_rate": rules.rate(visited, registered),
    }


def summarise(rows: list[Row]) -> dict:
    """The figures of ``linli care status``: registered, due (in the window, not yet late),
    overdue, visited this month, 月探访率 (three places), and the same for each tier."""
    out = _figures(rows)
    out["by_tier"] = {tier: _figures([r for r in rows if r.tier == tier]) for tier in rules.TIERS}
    return out


def rates_by_cell(rows: list[Row], *, level: int | None = None) -> list[dict]:
    """月探访率 by 邻, 组 or 片 (``level``), or by every cell when ``level`` is None: the cell,
    its figures, ordered by the grid's path. People outside any 邻 are left out here (they
    still count in the community's figures)."""
    by_cell: dict[int, list[Row]] = defaultdict(list)
    for r in rows:
        for cell_id in path_ids(r.neighbour_path):
            by_cell[cell_id].append(r)
    cells = Grid.objects.filter(pk__in=by_cell)
    if level is not None:
        cells = cells.filter(level=level)
    return [{"grid": g, **_figures(by_cell[g.pk])} for g in cells.order_by("path")]


def community_rows(*, actor, community: Region, as_of: dt.date | None = None) -> list[Row]:
    return status_rows(
        recipients_for(actor).filter(
            resident__household__unit__building__compound__community=community
        ),
        as_of=as_of,
    )


def rows_for_visitor(*, actor, as_of: dt.date | None = None) -> dict:
    """A visitor's page: the people they are responsible for (their 邻长 duty or pairs) —
    overdue first, then due, then the rest — and, for a 组长/片长, the overdue of every 邻 in
    their cell."""
    rows = status_rows(recipients_for(actor, "visit"), as_of=as_of)
    order = {rules.OVERDUE: 0, rules.DUE: 1, rules.OK: 2}
    rows.sort(key=lambda r: (order[r.status], r.window.latest, r.recipient.pk))
    mine = [r for r in rows if r.visitor_id == actor.pk]
    profile = getattr(actor, "profile", None)
    grid = getattr(profile, "grid", None) if profile is not None else None
    cell_overdue = []
    if grid is not None and grid.level != GridLevel.NEIGHBOUR:
        cell_overdue = [r for r in rows if r.status == rules.OVERDUE and r.visitor_id != actor.pk]
    return {"rows": rows, "mine": mine, "cell_overdue": cell_overdue, "summary": summarise(rows)}


def overdue_by_visitor(rows: list[Row]) -> dict[int, list[Row]]:
    out: dict[int, list[Row]] = defaultdict(list)
    for r in rows:
        if r.visitor_id is not None and r.status in (rules.DUE, rules.OVERDUE):
            out[r.visitor_id].append(r)
    return out


def events_for(user) -> QuerySet[Event]:
    return restrict(Event.objects.select_related("region", "declared_by__profile"), user)


def address(recipient: Recipient) -> str:
    h = recipient.resident.household
    return f"{h.unit.building.compound.name} {h.unit.building.name}{h.unit.name}{h.room}"


def row_data(row: Row, *, sensitive: bool) -> dict:
    """What pages and the API show of a row; the care facts only to ``sensitive`` roles."""
    r = row.recipient
    return {
        "id": r.pk,
        "resident_id": r.resident_id,
        "name": r.resident.name,
        "address": address(r),
        "tier": r.tier if sensitive else None,
        "tier_label": r.get_tier_display() if sensitive else None,
        "categories": r.category_labels() if sensitive else None,
        "status": row.status,
        "status_label": rules.STATUS_LABELS[row.status],
        "earliest": row.window.earliest,
        "latest": row.window.latest,
        "event": row.window.event,
        "last_visit": row.last_visit,
        "visited_this_month": row.visited_this_month,
        "visitor_id": row.visitor_id,
        "visitor_name": row.visitor_name,
        "neighbour_id": row.neighbour_id,
    }


def visits_of(recipient: Recipient, limit: int = 20) -> list:
    return list(
        recipient.visits.select_related("visitor__profile", "follow_up_case")
        .prefetch_related("care_recipients")
        .order_by("-visited_on", "-id")[:limit]
    )
