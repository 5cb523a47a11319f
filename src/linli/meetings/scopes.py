"""How joint meetings reach the people who may see them (``linli.core.policy``).

| role | sees meetings (and their attendees, agenda, actions, progress) |
|---|---|
| 县/镇干部, 社区工作人员 | held in their region subtree, or about a compound of it |
| 部门工作人员 | that their department attended or that gave it an action |
| 三长, 业委会成员, 居民 | none (the community posts the public minutes) |
"""

from __future__ import annotations

from django.db.models import Q

from linli.core.policy import Actor, Filter, compound_q, region_q, register
from linli.core.roles import Role


def meeting_rule(prefix: str = ""):
    """Meetings (``prefix`` leads from the scoped model to a ``meetings.Meeting``). The joins
    may repeat a row: callers select by id (``selectors.meetings_for``)."""
    p = f"{prefix}__" if prefix else ""

    def rule(actor: Actor, action: str) -> Filter:
        if actor.is_superuser:
            return Q()
        if actor.in_region:
            regions, compounds = region_q(actor, f"{p}region"), compound_q(actor, f"{p}compounds")
            if regions is None or compounds is None:  # an actor in a region is in an office
                raise AssertionError("region actor without a region filter")
            return regions | compounds
        if actor.role == Role.DEPARTMENT_STAFF and actor.user_id:
            from linli.cases.models import DepartmentMember

            ids = DepartmentMember.objects.filter(user_id=actor.user_id).values("department_id")
            return Q(**{f"{p}attendees__department_id__in": ids}) | Q(
                **{f"{p}actions__department_id__in": ids}
            )
        return None

    return rule


def register_scopes() -> None:
    from .models import Action, ActionProgress, AgendaItem, Attendee, Meeting

    register(Meeting, meeting_rule())
    register(Attendee, meeting_rule("meeting"))
    register(AgendaItem, meeting_rule("meeting"))
    register(Action, meeting_rule("meeting"))
    register(ActionProgress, meeting_rule("action__meeting"))
