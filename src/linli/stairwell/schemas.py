from __future__ import annotations

import datetime as dt

from ninja import Schema

from linli.core.bounds import Id, Text


class LeaderOut(Schema):
    title: str
    cell: str
    name: str
    phone: str
    complaint_phone: str


class StairwellOut(Schema):
    """A stairwell's public facts (what its page shows, without the service points)."""

    community: str
    compound: str
    building: str
    unit: str
    address: str
    latitude: float | None
    longitude: float | None
    leaders: list[LeaderOut]


class ReportIn(Schema):
    category: Text(40, min_length=1)  # type: ignore[valid-type]
    description: Text(2000, min_length=1)  # type: ignore[valid-type]
    client_key: Text(64) | None = None  # type: ignore[valid-type]


class StairwellReportOut(Schema):
    number: str
    holder: str
    unverified: bool
    message: str


class PendingOut(Schema):
    id: int
    number: str
    category: str
    description: str
    address: str
    reported_at: dt.datetime
    version: int


class StairwellDecideIn(Schema):
    real: bool
    note: Text(500) = ""  # type: ignore[valid-type]
    version: Id | None = None


class DecidedOut(Schema):
    id: int
    number: str
    unverified: bool
    status: str
    deadline: dt.date
