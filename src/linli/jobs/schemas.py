"""Schemas of the jobs API (``XxxIn`` / ``XxxOut``). Money is a decimal string in JSON."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from linli.core.bounds import Date, DateTime, Id, Text

Weekday = int


class PostingOut(Schema):
    id: int
    title: str
    employer: str = Field(..., alias="employer.name")
    employment_type: str
    at_home: bool
    compound_id: int | None
    address: str
    salary_min: Decimal
    salary_max: Decimal | None
    salary_unit: str
    work_hours: str
    days: list[int]
    start_time: dt.time | None
    end_time: dt.time | None
    skills: list[str]
    date_posted: dt.date
    valid_through: dt.date
    total_openings: int
    filled: int
    status: str


class PostingDetailOut(PostingOut):
    description: str
    jsonld: dict


class PostingIn(Schema):
    employer_id: Id
    title: Text(100, min_length=1)  # type: ignore[valid-type]
    description: Text(2000, min_length=1)  # type: ignore[valid-type]
    employment_type: Literal[
        "FULL_TIME", "PART_TIME", "PER_DIEM", "TEMPORARY", "CONTRACTOR", "OTHER"
    ]
    salary_min: Decimal = Field(..., gt=0, max_digits=10, decimal_places=2)
    salary_max: Decimal | None = Field(None, gt=0, max_digits=10, decimal_places=2)
    salary_unit: Literal["HOUR", "DAY", "MONTH"]
    total_openings: int = Field(..., ge=1, le=10_000)
    valid_through: Date
    at_home: bool = False
    compound_id: Id | None = None
    address: Text(200) = ""  # type: ignore[valid-type]
    work_hours: Text(100) = ""  # type: ignore[valid-type]
    days: list[int] = Field(default_factory=list, max_length=7)
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    skills: list[Text(30)] = Field(default_factory=list, max_length=20)  # type: ignore[valid-type]


class EmployerOut(Schema):
    id: int
    name: str
    kind: str
    community_id: int
    compound_id: int | None
    contact_name: str
    contact_phone: str  # masked


class EmployerIn(Schema):
    community_id: Id
    name: Text(100, min_length=1)  # type: ignore[valid-type]
    kind: Literal[
        "social_property",
        "company",
        "workshop",
        "ecommerce",
        "shop",
        "household",
        "public",
        "other",
    ]
    compound_id: Id | None = None
    credit_code: Text(18) = ""  # type: ignore[valid-type]
    contact_name: Text(50) = ""  # type: ignore[valid-type]
    contact_phone: Text(20) = ""  # type: ignore[valid-type]
    address: Text(200) = ""  # type: ignore[valid-type]
    staff_ids: list[Id] = Field(default_factory=list, max_length=20)


class WindowOut(Schema):
    weekday: int
    start: dt.time
    end: dt.time


class WindowIn(Schema):
    weekday: int = Field(..., ge=1, le=7)
    start: dt.time
    end: dt.time


class SeekerOut(Schema):
    id: int
    resident_id: int
    name: str
    phone: str  # masked
    compound: str
    skills: list[str]
    wants_home_work: bool
    is_maker: bool
    active: bool
    registered_on: dt.date
    windows: list[WindowOut]


class SeekerIn(Schema):
    resident_id: Id
    skills: list[Text(30)] = Field(default_factory=list, max_length=20)  # type: ignore[valid-type]
    windows: list[WindowIn] = Field(default_factory=list, max_length=50)
    wants_home_work: bool = False
    is_maker: bool = False
    note: Text(200) = ""  # type: ignore[valid-type]


class MatchOut(Schema):
    seeker_id: int
    name: str
    score: int
    distance_km: float | None
    reasons: list[str]


class ApplicationOut(Schema):
    id: int
    seeker_id: int
    posting_id: int
    posting_title: str
    name: str  # masked for an employer until 录用
    phone: str  # masked
    skills: list[str]
    stage: str
    stage_label: str
    interview_at: dt.datetime | None
    placed_on: dt.date | None
    updated_at: dt.datetime


class RecommendIn(Schema):
    seeker_id: Id
    posting_id: Id
    note: Text(200) = ""  # type: ignore[valid-type]


class JobsAdvanceIn(Schema):
    to: Literal["interview", "offered", "placed", "declined", "left"]
    note: Text(200) = ""  # type: ignore[valid-type]
    interview_at: DateTime | None = None
    on: Date | None = None


class CourseOut(Schema):
    id: int
    title: str
    skill: str
    provider: str
    place: str
    starts_on: dt.date
    capacity: int
    sessions: list[dt.date]


class CourseIn(Schema):
    community_id: Id
    title: Text(100, min_length=1)  # type: ignore[valid-type]
    skill: Text(30, min_length=1)  # type: ignore[valid-type]
    starts_on: Date
    capacity: int = Field(..., ge=1, le=10_000)
    sessions: list[Date] = Field(default_factory=list, max_length=200)
    provider: Text(100) = ""  # type: ignore[valid-type]
    place: Text(100) = ""  # type: ignore[valid-type]


class EnrolIn(Schema):
    seeker_id: Id


class EnrolmentOut(Schema):
    id: int
    course_id: int
    seeker_id: int
    enrolled_on: dt.date
    completed: bool


class AttendanceIn(Schema):
    day: Date
    seeker_ids: list[Id] = Field(..., min_length=1, max_length=500)


class AttendanceOut(Schema):
    marked: int


class SalesIn(Schema):
    seeker_id: Id
    month: Date
    amount: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)
    orders: int = Field(0, ge=0, le=10_000_000)
    channel: Text(50) = ""  # type: ignore[valid-type]


class SalesOut(Schema):
    id: int
    seeker_id: int
    month: dt.date
    amount: Decimal
    orders: int


class JobsMineOut(Schema):
    seeker_id: int | None
    applications: list[ApplicationOut]
    enrolments: list[EnrolmentOut]


class JobsFiguresOut(Schema):
    month: dt.date
    hired_in_own_compound: int
    at_home: int
    at_home_study_companions: int
    makers: int
    party_makers_over_target: int
    maker_sales: Decimal
    more_income: int
    placements: int
    seekers: int
    course_completions: int
