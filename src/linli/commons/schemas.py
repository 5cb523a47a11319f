"""Schemas of the public-accounts API (amounts are strings of yuan with two decimals)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from linli.core.bounds import Year


class AccountIn(Schema):
    compound_id: int


class ShareOut(Schema):
    household_id: int
    area: str
    total_area: str
    households: int
    net: str
    share: str


class AccountOut(Schema):
    id: int
    compound_id: int
    compound: str
    community: str
    balance: str
    head_sequence: int
    head_hash: str
    closed_through: dt.date | None
    pending: int | None = None
    my_share: ShareOut | None = None


class VoucherOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    url: str


class EntryIn(Schema):
    kind: str
    amount: str | int | float
    date: str
    counterparty: str
    description: str
    counterparty_is_person: bool = False


class EntryOut(Schema):
    id: int
    number: str
    account_id: int
    direction: str
    kind: str
    kind_label: str
    amount: str
    signed_amount: str
    date: dt.date
    counterparty: str
    description: str
    status: str
    status_label: str
    reverses_id: int | None
    reverses_number: str | None
    entered_by: str
    entered_at: dt.datetime
    decided_by: str
    decided_at: dt.datetime | None
    reject_reason: str
    sequence: int | None
    prev_hash: str
    hash: str
    vouchers: list[VoucherOut]


class ReasonIn(Schema):
    reason: str


class ReverseIn(Schema):
    reason: str
    date: str | None = None


class NoticeIn(Schema):
    year: Year
    quarter: int
    display_until: str | None = None


class NoticeOut(Schema):
    id: int
    account_id: int
    year: int
    quarter: int
    period_start: dt.date
    period_end: dt.date
    published_on: dt.date
    display_until: dt.date
    head_sequence: int
    head_hash: str
    snapshot_hash: str
    snapshot: dict
    pdf_url: str


class ChainOut(Schema):
    account_id: int
    ok: bool
    checked: int
    head_sequence: int
    head_hash: str
    broken_sequence: int | None
    problems: list[str]
