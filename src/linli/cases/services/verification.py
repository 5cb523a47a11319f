"""核实: an anonymous report from a stairwell's QR code (渠道“楼道码”, ``Case.unverified``)
waits for the leader it landed with — the unit's 邻长, or the nearest held post above a
vacant one — to say whether it is real.

- **Confirmed** (核实属实): the case enters the normal loop at 采集, its time limit counted
  from the day of the confirmation (the days it waited are not the handlers' days).
- **Dismissed** (核实为无效, spam or a joke): closed at once as ``CloseReason.DISMISSED``; it
  stays out of every list, figure and the Open311 feed, as it was while it waited.

Between intake and transitions: it locks through :mod:`.steps` like every step.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from linli.core import calendar

from ..models import Case, CloseReason, Stage, Status
from .deadlines import _time_limit
from .permissions import _check_act
from .steps import Action, _bad_transition, _event, _lock, _save, _when


@transaction.atomic
def case_verify(
    *,
    actor,
    case: Case,
    real: bool,
    note: str = "",
    expected_version: int | None = None,
    when=None,
) -> Case:
    """The holder says whether an unverified 楼道码 report is real (``real``) or not."""
    case = _lock(case, expected_version)
    if not case.unverified or case.status != Status.OPEN or case.stage != Stage.COLLECTED:
        raise _bad_transition(case, "核实")
    _check_act(actor, case, verifying=True)
    at = _when(when)
    from_stage, from_holder = case.stage, case.holder
    note = (note or "").strip()
    if real:
        case.unverified = False
        deadline = calendar.add_working_days(
            timezone.localdate(at), _time_limit(case.category, case.urgency)
        )
        case.deadline = case.original_deadline = deadline
        action = Action.VERIFY
        note = note or f"核实属实，办理时限自核实日起算（{deadline:%Y-%m-%d}）"
    else:
        case.status = Status.CLOSED
        case.close_reason = CloseReason.DISMISSED
        case.closed_at = at
        action = Action.DISMISS
        note = note or "核实为无效反映，不予办理"
    _save(case)
    _event(
        case,
        actor=actor,
        action=action,
        at=at,
        from_stage=from_stage,
        from_holder=from_holder,
        note=note,
    )
    return case
