"""Writes to volunteer service: every rule of the 办法 that the records must keep.

- **Hours are actual service time**: the minutes counted are the overlap of [check-in,
  check-out] with the shift — never travel, never beyond the shift (check-in 08:52, check-out
  11:40, shift 09:00–11:30 → 150 min = 2.5 h; 09:10–10:55 → 105 min = 1.75 h).
- **谁组织谁记录、谁记录谁证明**: the activity's organiser (or the community's office) records
  and approves; nobody approves their own hours (``core.approval.require_second_person``).
- **An approved record changes only through a correction** the volunteer asks for with a reason
  and the organiser decides; every change is kept (django-simple-history).
- **Points** are an append-only ledger; a redemption locks the volunteer's row, then the
  item's, so two at once cannot spend the same points or the last item.

Every function validates first and writes nothing when it refuses.

The modules, each importing only those listed before it (no cycles):

| module | what |
|---|---|
| ``rules`` | counted minutes, points, star levels; who manages a community, organises an activity |
| ``teams`` | teams, volunteer registration |
| ``activities`` | activities and shifts (RFC 5545 rules), sign-ups under the shift's row lock |
| ``records`` | QR check-in/out, the organiser's roll, approval, rejection, corrections |
| ``recognition`` | training, awards, evaluations, certificates, points and the 积分超市 |

Callers use this package (``from linli.volunteers import services``); the names below are its
public surface.
"""

from .activities import (
    ShiftIn,
    activity_create,
    expand_rrule,
    signup_confirm,
    signup_create,
    signup_decline,
    signup_no_show,
    signup_substitute,
    signup_withdraw,
)
from .recognition import (
    award_grant,
    certificate_issue,
    evaluation_record,
    period_records,
    points_balance,
    points_redeem,
    reward_item_create,
    training_add,
)
from .records import (
    CHECKIN_SALT,
    RollEntry,
    checkin_token,
    checkin_token_read,
    correction_decide,
    correction_request,
    record_approve,
    record_approve_batch,
    record_check_in,
    record_check_out,
    record_reject,
    roll_record,
    roll_record_batch,
)
from .rules import counted_minutes, may_organise, points_for, star_level, volunteer_of
from .teams import team_create, volunteer_register

__all__ = [
    "CHECKIN_SALT",
    "RollEntry",
    "ShiftIn",
    "activity_create",
    "award_grant",
    "certificate_issue",
    "checkin_token",
    "checkin_token_read",
    "correction_decide",
    "correction_request",
    "counted_minutes",
    "evaluation_record",
    "expand_rrule",
    "may_organise",
    "period_records",
    "points_balance",
    "points_for",
    "points_redeem",
    "record_approve",
    "record_approve_batch",
    "record_check_in",
    "record_check_out",
    "record_reject",
    "reward_item_create",
    "roll_record",
    "roll_record_batch",
    "signup_confirm",
    "signup_create",
    "signup_decline",
    "signup_no_show",
    "signup_substitute",
    "signup_withdraw",
    "star_level",
    "team_create",
    "training_add",
    "volunteer_of",
    "volunteer_register",
]
