"""Who may do what to a case: act on it (its holder, or an official over its region), rate
it, see it, report for a place; and who sits in which department.

Below intake and transitions, which ask these before they change anything.
"""

from __future__ import annotations

from django.db import transaction

from linli.accounts import scoping
from linli.accounts.models import Role
from linli.core.errors import Forbidden, Invalid, NotFound
from linli.ledger.models import Compound, Household

from ..models import Case, Department, DepartmentMember, HandlerLevel
from ..selectors import cases_for


def _department_ids(actor) -> set[int]:
    return set(DepartmentMember.objects.filter(user=actor).values_list("department_id", flat=True))


def _is_official(actor) -> bool:
    role = scoping.role_of(actor)
    return actor is None or role == "superuser" or role in scoping.REGION_ROLES


def may_act(actor, case: Case) -> bool:
    """Whether ``actor`` holds the case now (or oversees it as an official of its region)."""
    if actor is None:
        return True
    role = scoping.role_of(actor)
    if role == "superuser":
        return True
    profile = actor.profile
    if role in scoping.REGION_ROLES:
        return bool(profile.region_id) and case.community.path.startswith(profile.region.path)
    if role in scoping.GRID_ROLES:
        return (
            case.level <= HandlerLevel.AREA
            and profile.grid_id is not None
            and case.grid_id == profile.grid_id
        )
    if role == Role.DEPARTMENT_STAFF:
        return case.level == HandlerLevel.DEPARTMENT and case.department_id in _department_ids(
            actor
        )
    return False


def _check_act(actor, case: Case) -> None:
    if not may_act(actor, case):
        raise Forbidden(f"该诉求目前由{case.holder}办理，您无权操作", code="cases.not_your_case")


def _may_rate(actor, case: Case) -> bool:
    if _is_official(actor):
        return actor is None or may_act(actor, case)  # 回访: a worker records the rating
    if case.reporter_id == actor.pk:
        return True
    profile = getattr(actor, "profile", None)
    return bool(
        profile
        and profile.role == Role.RESIDENT
        and case.household_id
        and profile.household_id == case.household_id
    )


def case_visible_to(actor, case: Case) -> bool:
    return cases_for(actor).filter(pk=case.pk).exists()


def _may_report_for(actor, household: Household) -> bool:
    """Whether ``actor`` may see (and so report for) ``household`` — :func:`scoping.household_q`;
    a resident's own household is known without a query."""
    profile = getattr(actor, "profile", None)
    if not actor.is_superuser and profile is not None and profile.role == Role.RESIDENT:
        return bool(profile.household_id) and profile.household_id == household.pk
    hq = scoping.household_q(actor)
    return hq is not None and Household.objects.filter(hq, pk=household.pk).exists()


def report_place_check(actor, *, household: Household | None, compound: Compound | None):
    """A place the actor cannot see answers like a missing one: 404, the field, no name."""
    if household is not None and not _may_report_for(actor, household):
        raise NotFound("房屋不存在或无权查看", details=[{"field": "household"}])
    if compound is not None:
        cq = scoping.compound_q(actor)
        if cq is None or not Compound.objects.filter(cq, pk=compound.pk).exists():
            raise NotFound("小区不存在或无权查看", details=[{"field": "compound"}])


@transaction.atomic
def department_member_add(*, actor, department: Department, user) -> DepartmentMember:
    if not _is_official(actor):
        raise Forbidden("无权设置部门人员")
    profile = getattr(user, "profile", None)
    if profile is None or profile.role != Role.DEPARTMENT_STAFF:
        raise Invalid("该账号不是部门工作人员", code="cases.not_department_staff")
    member, _ = DepartmentMember.objects.get_or_create(department=department, user=user)
    return member
