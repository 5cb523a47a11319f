"""Who may do what to a case: act on it (its holder, or an official over its region), rate
it, see it, report for a place; and who sits in which department.

Below intake and transitions, which ask these before they change anything.
"""

from __future__ import annotations

from django.db import transaction

from linli.core.errors import Conflict, Forbidden, Invalid, NotFound
from linli.core.policy import Capability, actor_of, can
from linli.core.roles import Role
from linli.ledger.models import Compound, Household

from ..models import Case, Department, DepartmentMember, HandlerLevel
from ..selectors import cases_for


def _department_ids(actor) -> set[int]:
    return set(DepartmentMember.objects.filter(user=actor).values_list("department_id", flat=True))


def _is_official(actor) -> bool:
    """The system, or an official over cases of their region (:attr:`Capability.CASES_MANAGE`)."""
    return actor is None or can(actor, Capability.CASES_MANAGE)


def may_act(actor, case: Case) -> bool:
    """Whether ``actor`` holds the case now (or oversees it as an official of its region) —
    the ``act`` rule of :mod:`linli.cases.scopes`, answered for a loaded case without a query
    (but a department's membership)."""
    if actor is None:
        return True
    who = actor_of(actor)
    if who.is_superuser:
        return True
    if who.in_region:
        return case.community.path.startswith(who.region_path)
    if who.in_grid:
        return case.level <= HandlerLevel.AREA and case.grid_id == who.grid_id
    if who.role == Role.DEPARTMENT_STAFF:
        return case.level == HandlerLevel.DEPARTMENT and case.department_id in _department_ids(
            actor
        )
    return False


def _check_act(actor, case: Case, *, verifying: bool = False) -> None:
    """The actor holds the case; and, but for the check itself (``verifying``), an anonymous
    楼道码 report has been confirmed real — before that it is not in the loop."""
    if not may_act(actor, case):
        raise Forbidden(f"该诉求目前由{case.holder}办理，您无权操作", code="cases.not_your_case")
    if case.unverified and not verifying:
        raise Conflict(
            f"这是未登录居民的楼道码反映，须由{case.holder}先核实属实才能办理",
            code="cases.unverified",
        )


def _may_rate(actor, case: Case) -> bool:
    if _is_official(actor):
        return actor is None or may_act(actor, case)  # 回访: a worker records the rating
    if case.reporter_id == actor.pk:
        return True
    who = actor_of(actor)
    return bool(
        who.role == Role.RESIDENT and case.household_id and who.household_id == case.household_id
    )


def case_visible_to(actor, case: Case) -> bool:
    return cases_for(actor).filter(pk=case.pk).exists()


def _may_report_for(actor, household: Household) -> bool:
    """Whether ``actor`` may see (and so report for) ``household`` — ``Household``'s scope;
    a resident's own household is known without a query."""
    who = actor_of(actor)
    if who.role == Role.RESIDENT:
        return bool(who.household_id) and who.household_id == household.pk
    return Household.objects.restrict(actor).filter(pk=household.pk).exists()


def report_place_check(actor, *, household: Household | None, compound: Compound | None):
    """A place the actor cannot see answers like a missing one: 404, the field, no name."""
    if household is not None and not _may_report_for(actor, household):
        raise NotFound("房屋不存在或无权查看", details=[{"field": "household"}])
    if compound is not None and not (
        Compound.objects.restrict(actor).filter(pk=compound.pk).exists()
    ):
        raise NotFound("小区不存在或无权查看", details=[{"field": "compound"}])


@transaction.atomic
def department_member_add(*, actor, department: Department, user) -> DepartmentMember:
    if not _is_official(actor):
        raise Forbidden("无权设置部门人员")
    if not can(user, Capability.CASES_DEPARTMENT):
        raise Invalid("该账号不是部门工作人员", code="cases.not_department_staff")
    member, _ = DepartmentMember.objects.get_or_create(department=department, user=user)
    return member
