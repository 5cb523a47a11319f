"""Schemas of the care API (``XxxIn`` / ``XxxOut``)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: list[dict] = []


class FiguresOut(Schema):
    registered: int
    due: int
    overdue: int
    visited_this_month: int
    monthly_visit_rate: str


class StatusOut(FiguresOut):
    by_tier: dict[str, FiguresOut]


class CellRateOut(FiguresOut):
    grid_id: int
    grid_name: str
    level: int


class RecipientOut(Schema):
    """A registry person on a day. ``categories`` and ``tier`` are sensitive: null for a paired
    visitor (who sees when to visit, not why)."""

    id: int
    resident_id: int
    name: str
    address: str
    tier: str | None
    tier_label: str | None
    categories: list[str] | None
    status: str
    status_label: str
    earliest: dt.date
    latest: dt.date
    event: bool
    last_visit: dt.date | None
    visited_this_month: bool
    visitor_id: int | None
    visitor_name: str
    neighbour_id: int | None


class VisitOut(Schema):
    id: int
    household_id: int
    visited_on: dt.date
    mode: str
    met: str
    health: str
    living: str
    needs: str
    follow_up: str
    follow_up_case_id: int | None
    recipient_ids: list[int]


class RecipientDetailOut(RecipientOut):
    serious_illness: bool | None
    derived_tier: str | None
    tier_override_reason: str | None
    note: str | None
    partner_kind: str
    registered_on: dt.date
    visits: list[VisitOut]


class RecipientIn(Schema):
    resident_id: int
    categories: list[str] | None = None
    serious_illness: bool = False
    note: str = ""
    registered_on: dt.date | None = None


class OverrideIn(Schema):
    tier: str
    reason: str


class PairIn(Schema):
    partner_user_id: int | None = None
    kind: str = ""


class EndIn(Schema):
    reason: str
    ended_on: dt.date | None = None


class VisitIn(Schema):
    recipient_ids: list[int]
    visited_on: dt.date
    mode: str = "home"
    met: str = ""
    health: str = ""
    living: str = ""
    needs: str = ""
    follow_up: str = ""
    case_category: str | None = None


class MineOut(Schema):
    summary: StatusOut
    mine: list[RecipientOut]
    cell_overdue: list[RecipientOut]


class EventIn(Schema):
    region_id: int
    kind: str
    title: str
    note: str = ""


class EventOut(Schema):
    id: int
    region_id: int
    region_name: str
    kind: str
    kind_label: str
    title: str
    note: str
    declared_at: dt.datetime
