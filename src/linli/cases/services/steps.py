"""What every step on a case shares: the row lock with its version check, the version bump,
the event that records the step, and the answer to a step the stage does not allow.

The lowest of the service modules: routing, deadlines and transitions all lock, save and
record through these, so they live below all three (``deadlines_check`` escalates too).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from linli.core.errors import Conflict, DomainError
from linli.core.labels import actor_label

from ..models import Case, CaseEvent

Action = CaseEvent.Action


def _when(when: dt.datetime | None) -> dt.datetime:
    return when or timezone.now()


def _bad_transition(case: Case, what: str) -> DomainError:
    return Conflict(
        f"诉求当前处于“{case.get_stage_display()}”（{case.get_status_display()}），不能{what}",
        code="cases.bad_transition",
        details=[{"field": "stage", "value": case.stage}],
    )


def _lock(case: Case, expected_version: int | None) -> Case:
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("category", "grid", "department", "community")
        .get(pk=case.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            "诉求已被他人处理，请刷新后重试",
            code="cases.stale",
            details=[{"field": "version", "value": locked.version}],
        )
    return locked


def _event(
    case: Case,
    *,
    actor,
    action: str,
    at: dt.datetime,
    from_stage: str = "",
    from_holder: str = "",
    note: str = "",
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=at,
        actor=actor,
        actor_label=actor_label(actor),
        action=action,
        from_stage=from_stage,
        to_stage=case.stage,
        from_holder=from_holder,
        to_holder=case.holder,
        note=note,
    )


def _save(case: Case) -> Case:
    case.version += 1
    case.save()
    return case
