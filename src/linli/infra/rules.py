"""Where a funding share stands, and what keeps a problem from 实施 — read by the services'
gate, the pages and the API alike, so all three say the same thing.

- 维修资金 (民法典 art. 278 item (五)): the share is ready only when the owners' vote on the
  proposal the plan opened has closed and passed (the tally of ``selfgov``: quorum of two
  thirds of area and heads, then more than half of the area and heads that took part).
- 公共收益 (art. 282): ready only when its spending entry in the compound's public account has
  been approved by the committee (``commons``).
- 财政专项, 共建单位, 居民自筹: ready as soon as they are on the plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Source, Stage

STAGE_LABELS = dict(Stage.choices)


def stage_label(stage: str) -> str:
    return str(STAGE_LABELS.get(stage, stage))


@dataclass(frozen=True)
class ShareState:
    code: str  # "" when ready; else the machine code's tail (infra.<code>)
    label: str  # plain Chinese for the page
    ready: bool
    frozen: bool  # taken up by a vote or an entry: amount and source may not change

    @property
    def message(self) -> str:
        return self.label


def _vote_state(share) -> ShareState:
    proposal = share.proposal
    if proposal is None:
        return ShareState("vote_not_opened", "维修资金尚未提请业主表决", False, False)
    if proposal.status == "withdrawn":
        return ShareState("withdrawn", "维修资金议题已撤回，须重新提请表决", False, False)
    vote = getattr(proposal, "vote", None) if has_vote_row(proposal) else None
    if vote is None:
        return ShareState(
            "vote_pending", f"维修资金议题#{proposal.pk}已公布，待公告业主表决", False, True
        )
    if vote.status == "announced":
        return ShareState(
            "vote_pending", f"维修资金业主表决#{vote.pk}进行中，尚未计票", False, True
        )
    if vote.result and vote.result.get("passed"):
        return ShareState("", f"业主表决#{vote.pk}已通过", True, True)
    return ShareState("vote_failed", f"维修资金业主表决#{vote.pk}未通过", False, False)


def has_vote_row(proposal) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        proposal.vote  # noqa: B018 (the reverse one-to-one raises when there is none)
    except ObjectDoesNotExist:
        return False
    return True


def _entry_state(share) -> ShareState:
    entry = share.entry
    if entry is None:
        return ShareState("entry_not_posted", "公共收益支出尚未入账", False, False)
    if entry.status == "pending":
        return ShareState("entry_pending", f"公共收益支出#{entry.pk}待业委会审核", False, True)
    if entry.status == "approved":
        return ShareState("", f"公共收益支出#{entry.pk}已审核入账", True, True)
    return ShareState("entry_rejected", f"公共收益支出#{entry.pk}被驳回，须重新入账", False, False)


def share_state(share) -> ShareState:
    if share.source == Source.MAINTENANCE_FUND:
        return _vote_state(share)
    if share.source == Source.PUBLIC_INCOME:
        return _entry_state(share)
    return ShareState("", "已落实", True, False)


@dataclass(frozen=True)
class Blocker:
    source: str
    code: str
    message: str


def money_blockers(problem) -> list[Blocker]:
    """Each share not ready for 实施, with why (empty: the money is in place)."""
    out = []
    shares = problem.fundings.select_related("proposal__vote", "entry").order_by("id")
    for share in shares:
        state = share_state(share)
        if not state.ready:
            out.append(Blocker(source=share.source, code=state.code, message=state.label))
    return out
