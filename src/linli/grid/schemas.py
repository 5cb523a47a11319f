from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from linli.core.bounds import Date, Id


class GridOut(Schema):
    id: int
    level: int
    level_label: str
    name: str
    code: str
    parent_id: int | None
    community_id: int
    boundary_note: str
    complaint_phone: str
    households: int = 0
    leader: str | None = None


class HoldingOut(Schema):
    id: int
    grid_id: int
    resident_id: int
    resident_name: str
    start: dt.datetime
    end: dt.datetime | None
    reason: str

    @staticmethod
    def resolve_grid_id(obj) -> int:
        return obj.post.grid_id

    @staticmethod
    def resolve_resident_name(obj) -> str:
        return obj.resident.name


class GridDetailOut(GridOut):
    holders: list[HoldingOut] = Field(..., alias="holder_history")
    children: list[GridOut] = Field(..., alias="child_cells")


class GridIn(Schema):
    community: Id
    level: int
    name: str
    parent: Id | None = None
    boundary_note: str = ""
    complaint_phone: str = ""


class MembershipIn(Schema):
    household: Id
    neighbour: Id


class MembershipOut(Schema):
    household_id: int
    neighbour_id: int
    start: dt.datetime
    end: dt.datetime | None


class HoldingIn(Schema):
    resident: Id
    user: Id | None = None
    reason: str = ""


class VisitIn(Schema):
    household: Id
    visited_on: Date
    met: str
    raised: str = ""


class VisitOut(Schema):
    id: int
    household_id: int
    visitor: str
    visited_on: dt.date
    met: str
    raised: str
    photos: list[str]

    @staticmethod
    def resolve_visitor(obj) -> str:
        profile = getattr(obj.visitor, "profile", None)
        return (profile and profile.display_name) or obj.visitor.get_username()

    @staticmethod
    def resolve_photos(obj) -> list[str]:
        return [p.get_absolute_url() for p in obj.photos.all()]


class ReportOut(Schema):
    households_without_neighbour: list[int]
    posts_without_holder: list[int]
    leaders_outside_area: list[int]
