"""Schemas of the volunteers API. Hours are decimal **strings** with two places (``"2.50"``);
times are ISO 8601 (without an offset: Beijing time)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class SummaryOut(Schema):
    volunteer_id: int
    number: str
    name: str
    community: str
    hours: str
    stars: int
    points: int
    waiting: int


class ShiftOut(Schema):
    id: int
    activity_id: int
    activity: str
    kind: str
    place: str
    start: dt.datetime
    end: dt.datetime
    role: str
    places: int
    taken: int | None = None


class SignUpOut(Schema):
    id: int
    shift_id: int
    volunteer_id: int
    volunteer: str
    status: str
    status_label: str
    substitute_for_id: int | None


class RecordOut(Schema):
    id: int
    shift_id: int
    activity: str
    volunteer_id: int
    volunteer: str
    volunteer_number: str
    check_in: dt.datetime | None
    check_out: dt.datetime | None
    hours: str
    method: str
    status: str
    status_label: str
    reject_reason: str


class CheckInIn(Schema):
    token: str
    action: str  # "in" or "out"


class CorrectionIn(Schema):
    reason: str
    check_in: dt.datetime
    check_out: dt.datetime


class CorrectionOut(Schema):
    id: int
    record_id: int
    reason: str
    check_in: dt.datetime | None
    check_out: dt.datetime | None
    status: str
    status_label: str
    decision_note: str


class DecideIn(Schema):
    accept: bool
    note: str = ""


class ReasonIn(Schema):
    reason: str


class SubstituteIn(Schema):
    volunteer_id: int


class RollLineIn(Schema):
    volunteer_id: int
    check_in: dt.datetime | None = None
    check_out: dt.datetime | None = None
    hours: str | None = None
    content: str = ""


class RollIn(Schema):
    entries: list[RollLineIn]


class TokenOut(Schema):
    token: str
    url: str
    expires_in: int


class ApproveIn(Schema):
    record_ids: list[int]


class ShiftIn(Schema):
    start: dt.datetime
    end: dt.datetime
    places: int
    role: str = "志愿者"


class ActivityIn(Schema):
    community_id: int
    title: str
    kind: str
    place: str
    team_id: int | None = None
    description: str = ""
    shifts: list[ShiftIn] = []
    rrule: str = ""
    first_start: dt.datetime | None = None
    duration_minutes: int | None = None
    places: int = 10
    role: str = "志愿者"


class ActivityOut(Schema):
    id: int
    community_id: int
    title: str
    kind: str
    place: str
    team: str | None
    organiser: str
    rrule: str
    shifts: list[ShiftOut]


class VolunteerIn(Schema):
    community_id: int
    resident_id: int | None = None
    unit_id: int | None = None
    name: str = ""
    id_type: str = "resident_id"
    id_number: str = ""
    phone: str = ""
    team_ids: list[int] = []


class VolunteerOut(Schema):
    id: int
    number: str
    name: str
    community_id: int
    id_type: str
    id_number: str  # masked
    phone: str  # masked
    is_party_member: bool
    teams: list[str]
    hours: str
    stars: int


class ItemOut(Schema):
    id: int
    name: str
    points: int
    stock: int


class RedeemIn(Schema):
    quantity: int = 1


class PointEntryOut(Schema):
    id: int
    points: int
    kind: str
    kind_label: str
    note: str
    at: dt.datetime


class RedeemOut(Schema):
    id: int
    points: int
    balance: int


class PointsOut(Schema):
    balance: int
    entries: list[PointEntryOut]


class CertificateIn(Schema):
    volunteer_id: int
    period_start: dt.date
    period_end: dt.date
    person_in_charge: str
    handler: str
    contact: str
    full_id_number: bool = False


class CertificateOut(Schema):
    id: int
    number: str
    volunteer_id: int
    period_start: dt.date
    period_end: dt.date
    hours: str
    issued_on: dt.date
    pdf_url: str
    verify_url: str


class StatsQuery(Schema):
    community_id: int
    start: dt.date
    end: dt.date


class StatsOut(Schema):
    activities: int
    person_times: int
    volunteers: int
    hours: str
    party_member_person_times: int
    cases_resolved_by_volunteers: int
    cases_resolved_by_party_members: int
