from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from linli.core.bounds import Id


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    description: str
    default_level: int
    default_level_label: str
    time_limit_days: int
    default_department_id: int | None
    extra_attributes: list

    @staticmethod
    def resolve_default_level_label(obj) -> str:
        return obj.get_default_level_display()


class DepartmentOut(Schema):
    id: int
    code: str
    name: str


class CaseIn(Schema):
    category: str
    description: str
    household: Id | None = None
    compound: Id | None = None
    urgency: str = "normal"
    client_key: str | None = None
    on_behalf_of: Id | None = None


class TransitionIn(Schema):
    note: str = ""
    version: int | None = None
    to: str | None = None
    department: Id | None = None
    satisfaction: str | None = None
    into: Id | None = None


class EventOut(Schema):
    at: dt.datetime
    action: str
    action_label: str
    actor: str
    from_stage: str
    to_stage: str
    from_holder: str
    to_holder: str
    note: str
    photos: list[str]

    @staticmethod
    def resolve_action_label(obj) -> str:
        return obj.get_action_display()

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor_label

    @staticmethod
    def resolve_photos(obj) -> list[str]:
        urls = getattr(obj, "photo_urls", None)  # known already (a case just reported)
        return urls if urls is not None else [p.get_absolute_url() for p in obj.photos.all()]


class CaseOut(Schema):
    """A case as lists show it. Validated from (and rendered by hand as) the row
    ``selectors.case_row`` / ``selectors.case_rows`` make — the one definition of its values."""

    id: int
    number: str
    category: str
    category_code: str
    description: str
    urgency: str
    channel: str
    household_id: int | None
    compound_id: int
    community_id: int
    stage: str
    stage_label: str
    status: str
    close_reason: str
    level: int
    level_label: str
    holder: str
    grid_id: int | None
    department_id: int | None
    merged_into_id: int | None
    satisfaction: str
    reported_at: dt.datetime
    accepted_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    deadline: dt.date
    original_deadline: dt.date
    reopen_count: int
    version: int


class PagedCaseOut(Schema):
    """The case list's page (rendered by hand in ``api.case_page``, see there)."""

    items: list[CaseOut]
    count: int


class CaseDetailOut(CaseOut):
    """A case's row with its timeline, photos and the actions the viewer may try
    (``api._detail`` makes its input)."""

    timeline: list[EventOut]
    photos: list[str] = Field(..., alias="photo_urls")
    actions: list[str] = Field(..., alias="allowed")


class MeasureOut(Schema):
    key: int
    label: str
    reported: int
    accepted: int
    resolved: int
    resolved_on_time: int
    open: int
    overdue: int
    rated: int
    satisfied: int
    merged: int
    median_hours: float | None
    response_rate: float | None
    resolution_rate: float | None
    on_time_rate: float | None
    satisfaction_rate: float | None


class CalendarDayIn(Schema):
    is_working_day: bool
    note: str = ""


class CalendarDayOut(Schema):
    date: dt.date
    is_working_day: bool
    note: str
    source: str
