"""Schemas of the services API (``XxxIn`` / ``XxxOut``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field

from linli.core.bounds import Date, Id, Text

from .models import ApplicantScope, CalendarRule, DocumentForm, PointKind

Latitude = Annotated[Decimal, Field(ge=-90, le=90, max_digits=12, decimal_places=8)]
Longitude = Annotated[Decimal, Field(ge=-180, le=180, max_digits=12, decimal_places=8)]
Money = Annotated[Decimal, Field(ge=0, lt=100_000_000, max_digits=10, decimal_places=2)]


class DocumentIO(Schema):
    name: Text(120, min_length=1)  # type: ignore[valid-type]
    form: DocumentForm = DocumentForm.ORIGINAL
    copies: Annotated[int, Field(ge=1, le=20)] = 1
    note: Text(200) = ""  # type: ignore[valid-type]


class ServiceItemOut(Schema):
    id: int
    code: str
    name: str
    organization: str
    applicant_scope: str
    time_limit_days: int
    time_limit_label: str
    fee: Decimal
    visits_needed: int
    active: bool
    point_count: int | None = None


class ItemDetailOut(ServiceItemOut):
    description: str
    eligibility: str
    steps: list[str]
    fee_basis: str
    legal_basis: str
    consult_phone: str
    complaint_phone: str
    documents: list[DocumentIO]
    office_address: str


class ItemIn(Schema):
    organization_id: Id
    name: Text(100, min_length=1)  # type: ignore[valid-type]
    code: Text(40, min_length=3)  # type: ignore[valid-type]
    description: Text(4000) = ""  # type: ignore[valid-type]
    applicant_scope: ApplicantScope = ApplicantScope.PERSON
    eligibility: Text(4000) = ""  # type: ignore[valid-type]
    steps: Annotated[list[Text(200, min_length=1)], Field(max_length=30)] = []  # type: ignore[valid-type]
    time_limit_days: Annotated[int, Field(ge=0, le=365)] = 0
    fee: Money = Decimal("0")
    fee_basis: Text(200) = ""  # type: ignore[valid-type]
    visits_needed: Annotated[int, Field(ge=0, le=9)] = 1
    legal_basis: Text(4000) = ""  # type: ignore[valid-type]
    consult_phone: Text(30) = ""  # type: ignore[valid-type]
    complaint_phone: Text(30) = ""  # type: ignore[valid-type]
    documents: Annotated[list[DocumentIO], Field(max_length=40)] = []


class ItemPatch(Schema):
    name: Text(100, min_length=1) | None = None  # type: ignore[valid-type]
    code: Text(40, min_length=3) | None = None  # type: ignore[valid-type]
    description: Text(4000) | None = None  # type: ignore[valid-type]
    applicant_scope: ApplicantScope | None = None
    eligibility: Text(4000) | None = None  # type: ignore[valid-type]
    steps: Annotated[list[Text(200, min_length=1)], Field(max_length=30)] | None = None  # type: ignore[valid-type]
    time_limit_days: Annotated[int, Field(ge=0, le=365)] | None = None
    fee: Money | None = None
    fee_basis: Text(200) | None = None  # type: ignore[valid-type]
    visits_needed: Annotated[int, Field(ge=0, le=9)] | None = None
    legal_basis: Text(4000) | None = None  # type: ignore[valid-type]
    consult_phone: Text(30) | None = None  # type: ignore[valid-type]
    complaint_phone: Text(30) | None = None  # type: ignore[valid-type]
    active: bool | None = None
    documents: Annotated[list[DocumentIO], Field(max_length=40)] | None = None


class OrganizationIn(Schema):
    region_id: Id
    name: Text(100, min_length=1)  # type: ignore[valid-type]
    description: Text(2000) = ""  # type: ignore[valid-type]
    address: Text(200) = ""  # type: ignore[valid-type]
    phone: Text(30) = ""  # type: ignore[valid-type]
    website: Text(200) = ""  # type: ignore[valid-type]


class OrganizationOut(Schema):
    id: int
    name: str
    region_id: int
    address: str
    phone: str


class HoursIn(Schema):
    """One line of opening hours: an RFC 5545 RRULE (WEEKLY or MONTHLY), the hours of the day."""

    rrule: Text(200, min_length=1)  # type: ignore[valid-type]
    opens_at: dt.time
    closes_at: dt.time
    valid_from: Date | None = None
    calendar: CalendarRule = CalendarRule.WORKDAYS
    description: Text(100) = ""  # type: ignore[valid-type]


class HoursOut(Schema):
    id: int
    rrule: str
    opens_at: dt.time
    closes_at: dt.time
    valid_from: dt.date
    calendar: str
    description: str
    label: str


class PointOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    region_id: int
    address: str
    phone: str
    latitude: Decimal
    longitude: Decimal
    active: bool
    item_count: int | None = None


class PointDetailOut(PointOut):
    description: str
    transport: str
    hours: list[HoursOut]
    item_codes: list[str]
    open_now: bool
    next_open: dt.datetime | None


class PointIn(Schema):
    region_id: Id
    organization_id: Id | None = None
    name: Text(100, min_length=1)  # type: ignore[valid-type]
    kind: PointKind
    description: Text(2000) = ""  # type: ignore[valid-type]
    address: Text(200, min_length=1)  # type: ignore[valid-type]
    district: Text(40) = ""  # type: ignore[valid-type]
    city: Text(40, min_length=1)  # type: ignore[valid-type]
    province: Text(40, min_length=1)  # type: ignore[valid-type]
    postal_code: Text(10, min_length=1)  # type: ignore[valid-type]
    latitude: Latitude
    longitude: Longitude
    phone: Text(30) = ""  # type: ignore[valid-type]
    transport: Text(200) = ""  # type: ignore[valid-type]
    hours: Annotated[list[HoursIn], Field(max_length=14)] = []
    item_codes: Annotated[list[Text(40, min_length=1)], Field(max_length=500)] = []  # type: ignore[valid-type]


class PointPatch(Schema):
    name: Text(100, min_length=1) | None = None  # type: ignore[valid-type]
    kind: PointKind | None = None
    description: Text(2000) | None = None  # type: ignore[valid-type]
    address: Text(200, min_length=1) | None = None  # type: ignore[valid-type]
    district: Text(40) | None = None  # type: ignore[valid-type]
    city: Text(40, min_length=1) | None = None  # type: ignore[valid-type]
    province: Text(40, min_length=1) | None = None  # type: ignore[valid-type]
    postal_code: Text(10, min_length=1) | None = None  # type: ignore[valid-type]
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    phone: Text(30) | None = None  # type: ignore[valid-type]
    transport: Text(200) | None = None  # type: ignore[valid-type]
    active: bool | None = None


class HoursSetIn(Schema):
    hours: Annotated[list[HoursIn], Field(max_length=14)]


class ItemsSetIn(Schema):
    item_codes: Annotated[list[Text(40, min_length=1)], Field(max_length=500)]  # type: ignore[valid-type]


class NearOut(Schema):
    point_id: int
    name: str
    address: str
    phone: str
    distance_m: int
    open_now: bool
    next_open: dt.datetime | None
