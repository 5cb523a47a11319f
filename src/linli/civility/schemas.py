"""Schemas of ``/api/v1/civility/``."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from linli.core.bounds import Id


class CriterionOut(Schema):
    id: int
    kind: str
    title: str
    max_points: int


class CampaignIn(Schema):
    community: Id
    kind: str = Field(..., max_length=30)
    year: int = Field(..., ge=2000, le=2100)
    nominate_until: dt.date
    title: str = Field("", max_length=100)
    vote_from: dt.date | None = None
    vote_until: dt.date | None = None


class CampaignOut(Schema):
    id: int
    community: int
    kind: str
    kind_label: str
    title: str
    year: int
    nominate_until: dt.date
    vote_from: dt.date | None
    vote_until: dt.date | None


class NominationIn(Schema):
    campaign: Id
    reason: str = Field(..., max_length=500)
    household: Id | None = None
    building: Id | None = None
    nominee_name: str = Field("", max_length=50)


class NominationOut(Schema):
    id: int
    campaign: int
    kind: str
    nominee: str
    household: int | None
    building: int | None
    reason: str
    status: str
    status_label: str
    total: int | None
    max_total: int | None
    stars: int
    votes: int
    publicity_from: dt.date | None
    publicity_until: dt.date | None
    decision_note: str


class ScoreIn(Schema):
    points: dict[int, int] = Field(..., description="评分细则 id → 得分（0 到满分）")


class VoteOut(Schema):
    id: int
    campaign: int
    nomination: int
    household: int
    at: dt.datetime


class ObjectionIn(Schema):
    reason: str = Field(..., max_length=500)


class DecideIn(Schema):
    upheld: bool
    note: str = Field(..., max_length=300)


class NoteIn(Schema):
    note: str = Field(..., max_length=300)


class ObjectionOut(Schema):
    id: int
    nomination: int
    reason: str
    status: str
    raised_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str


class HonourOut(Schema):
    id: int
    nomination: int
    kind: str
    title: str
    year: int
    household: int | None
    building: int | None
    stars: int
    awarded_on: dt.date
    points: int
    credited: int
