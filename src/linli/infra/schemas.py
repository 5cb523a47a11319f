"""Schemas of the infra API (``XxxIn`` / ``XxxOut``). Amounts come in as text (or numbers)
and are parsed by ``core.money`` in the services; they go out as decimal strings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from linli.core.bounds import Date, Id, Text


class PlanIn(Schema):
    compound_id: Id
    note: Text(500) = ""  # type: ignore[valid-type]


class InfraFiguresOut(Schema):
    place_id: int | None
    place: str
    level: str
    problems: int
    done: int
    open: int
    budget: Decimal
    actual: Decimal
    actual_done: Decimal
    by_source: dict[str, Decimal]
    by_kind: dict[str, int]


class PlanOut(Schema):
    id: int
    compound_id: int
    compound: str
    community: str
    title: str
    note: str
    figures: InfraFiguresOut


class InfraShareOut(Schema):
    id: int
    source: str
    source_label: str
    amount: Decimal
    proposal_id: int | None
    vote_id: int | None
    entry_id: int | None
    ready: bool
    frozen: bool
    state: str
    state_label: str


class ProblemOut(Schema):
    id: int
    plan_id: int
    compound_id: int
    compound: str
    kind: str
    kind_label: str
    title: str
    description: str
    location: str
    found_by: str
    found_on: dt.date
    case_id: int | None
    meeting_id: int | None
    measure: str
    department_id: int | None
    department: str
    budget: Decimal | None
    actual: Decimal | None
    stage: str
    stage_label: str
    stage_at: dt.datetime
    representatives: str
    acceptance_opinion: str
    accepted_on: dt.date | None
    version: int
    shares: list[InfraShareOut]
    photo_urls: dict[str, list[str]]


class InfraEventOut(Schema):
    id: int
    action: str
    action_label: str
    from_stage: str
    to_stage: str
    note: str
    at: dt.datetime
    actor: str


class ProblemIn(Schema):
    plan_id: Id
    kind: Text(20)  # type: ignore[valid-type]
    title: Text(100)  # type: ignore[valid-type]
    found_by: Text(10)  # type: ignore[valid-type]
    description: Text(2000) = ""  # type: ignore[valid-type]
    location: Text(100) = ""  # type: ignore[valid-type]
    found_on: Date | None = None
    case_id: Id | None = None
    meeting_id: Id | None = None


class DetailsIn(Schema):
    measure: Text(2000) | None = None  # type: ignore[valid-type]
    department_id: Id | None = None
    budget: Text(30) | int | None = None  # type: ignore[valid-type]
    version: Id | None = None


class ShareIn(Schema):
    source: Text(20)  # type: ignore[valid-type]
    amount: Text(30) | int  # type: ignore[valid-type]


class FundingIn(Schema):
    shares: Annotated[list[ShareIn], Field(max_length=10)]
    version: Id | None = None


class InfraAdvanceIn(Schema):
    to: Text(20)  # type: ignore[valid-type]
    note: Text(500) = ""  # type: ignore[valid-type]
    version: Id | None = None


class EntryPostIn(Schema):
    date: Date | None = None
    counterparty: Text(100) = ""  # type: ignore[valid-type]


class ActualIn(Schema):
    amount: Text(30) | int  # type: ignore[valid-type]


class AcceptIn(Schema):
    representatives: Annotated[list[Text(20)], Field(max_length=20)]  # type: ignore[valid-type]
    opinion: Text(500)  # type: ignore[valid-type]
    satisfied: bool
    accepted_on: Date | None = None
    version: Id | None = None
