"""Writes to cases: report, accept, progress, resolve, return, escalate, dispatch, reply, rate,
merge, close, and the deadline check.

Every transition locks the case row (``select_for_update``), checks the optional
``expected_version`` the caller read, checks the stage allows it and the actor may act, then
changes the row, bumps ``version`` and records a :class:`CaseEvent` — or raises
:class:`DomainError` and changes nothing. ``actor=None`` is the system (the deadline job, the
demo's desk clerk). ``when`` backdates a step (the demo); it defaults to now.

The modules, each importing only those listed before it (no cycles):

| module | what |
|---|---|
| ``steps`` | the row lock, the version bump, the event, the 409 for a step out of turn |
| ``routing`` | handler levels, holders, where a report lands, forward/escalate/dispatch targets |
| ``permissions`` | who may act on, rate, see or report for a case; department members |
| ``deadlines`` | time limits, the periodic deadline check, the working calendar |
| ``intake`` | 采集: ``case_report`` with its checks, photos and client-key replays |
| ``verification`` | 核实: the holder confirms or dismisses an anonymous 楼道码 report |
| ``transitions`` | every step after the report, ``case_transition``, ``available_actions`` |

Callers use this package (``from linli.cases import services``); the names below are its
public surface.
"""

from .deadlines import calendar_day_set, deadlines_check
from .intake import MAX_DESCRIPTION, case_report, category_get, household_for_report
from .permissions import case_visible_to, department_member_add, may_act, report_place_check
from .routing import Landing, Position, holder_label, unit_cell
from .steps import Action, actor_label
from .transitions import (
    available_actions,
    case_accept,
    case_close,
    case_dispatch,
    case_escalate,
    case_merge,
    case_progress,
    case_rate,
    case_reply,
    case_resolve,
    case_return,
    case_transition,
)
from .verification import case_verify

__all__ = [
    "MAX_DESCRIPTION",
    "Action",
    "Landing",
    "Position",
    "actor_label",
    "available_actions",
    "calendar_day_set",
    "case_accept",
    "case_close",
    "case_dispatch",
    "case_escalate",
    "case_merge",
    "case_progress",
    "case_rate",
    "case_reply",
    "case_report",
    "case_resolve",
    "case_return",
    "case_transition",
    "case_verify",
    "case_visible_to",
    "category_get",
    "deadlines_check",
    "department_member_add",
    "holder_label",
    "household_for_report",
    "may_act",
    "report_place_check",
    "unit_cell",
]
