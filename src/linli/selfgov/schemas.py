from __future__ import annotations

import datetime as dt

from ninja import Schema

from linli.core.bounds import Id


class VoteOut(Schema):
    id: int
    compound_id: int
    compound: str
    title: str
    item: int
    item_label: str
    major_item: bool
    status: str
    announced_at: dt.datetime
    opens_at: dt.datetime
    closes_at: dt.datetime
    closed_at: dt.datetime | None
    published_at: dt.datetime | None
    result_due: dt.datetime
    passed: bool | None

    @staticmethod
    def resolve_compound(obj) -> str:
        return obj.compound.name

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.proposal.title

    @staticmethod
    def resolve_item_label(obj) -> str:
        return obj.get_item_display()

    @staticmethod
    def resolve_major_item(obj) -> bool:
        return obj.is_major_item

    @staticmethod
    def resolve_result_due(obj) -> dt.datetime:
        from .services import result_due

        return result_due(obj)

    @staticmethod
    def resolve_passed(obj) -> bool | None:
        return obj.result["passed"] if obj.result else None


class MyBallotOut(Schema):
    owner_id: int
    owner: str
    choice: str | None
    channel: str | None
    cast_at: dt.datetime | None
    changed_at: dt.datetime | None


class VoteDetailOut(VoteOut):
    body: str
    notice_days: int
    follow_majority: bool
    ballots_received: int
    my_ballots: list[MyBallotOut]


class BallotIn(Schema):
    choice: str
    owner: Id | None = None  # which of the caller's owner rows (needed if he has several)


class BallotOut(Schema):
    id: int
    vote_id: int
    owner_id: int
    choice: str
    channel: str
    cast_at: dt.datetime
    changed_at: dt.datetime | None


class TallyOut(Schema):
    """Every figure the decision rests on (areas as decimal strings)."""

    total_area: str
    total_heads: int
    voted_area: str
    voted_heads: int
    yes_area: str
    yes_heads: int
    no_area: str
    no_heads: int
    abstain_area: str
    abstain_heads: int
    quorum: bool
    major: bool
    passed: bool
    follow_majority: bool
    major_item: bool
    rule: str
    quorum_rule: str
    approval_base_area: str
    approval_base_heads: int
    approval_yes_area: str
    approval_yes_heads: int
    need_quorum_area: str
    need_quorum_heads: int
    need_yes_area: str
    need_yes_heads: int
