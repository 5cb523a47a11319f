"""The stairwell API at ``/api/v1/stairwell/``.

- ``GET units/{token}`` and ``POST units/{token}/reports`` need no login, like the page: the
  stairwell's facts, and an anonymous report — limited per device (the ``linli_device``
  cookie, when the client keeps one) and per client address; over either limit a 429
  ``stairwell.rate_limited`` and nothing stored. A bad token is the common 404.
- ``GET reports`` and ``POST reports/{case_id}/confirm``: the leader's reports to confirm,
  and the decision (``real``: true to confirm, false to dismiss).
"""

from __future__ import annotations

from ninja import Router
from ninja.responses import Status

from linli.accounts.throttle import client_ip
from linli.cases.selectors import case_get_for
from linli.core.bounds import Id
from linli.core.errors import NotFound
from linli.core.policy import Capability, can
from linli.core.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut

from . import selectors, services
from .schemas import (
    DecidedOut,
    PendingOut,
    ReportIn,
    StairwellDecideIn,
    StairwellOut,
    StairwellReportOut,
)
from .services import Sender
from .views import _device

router = Router(tags=["stairwell"])

PUBLIC_READ = {404: ErrorOut, 422: ErrorOut}
PUBLIC_WRITE = {400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def _float(value) -> float | None:
    return None if value is None else float(value)


@router.get(
    "/units/{token}",
    auth=None,
    response={200: StairwellOut, **PUBLIC_READ},
    summary="楼道码：单元与三长（无需登录）",
)
def stairwell(request, token: str):
    code = selectors.code_by_token(token)
    unit = code.unit
    compound = unit.building.compound
    return {
        "community": compound.community.name,
        "compound": compound.name,
        "building": unit.building.name,
        "unit": unit.name,
        "address": selectors.address_of(unit),
        "latitude": _float(compound.latitude),
        "longitude": _float(compound.longitude),
        "leaders": [vars(leader) for leader in selectors.leaders_of(unit)],
    }


@router.post(
    "/units/{token}/reports",
    auth=None,
    response={201: StairwellReportOut, **PUBLIC_WRITE},
    summary="楼道码：匿名反映问题（无需登录，限频）",
)
def report(request, token: str, payload: ReportIn):
    code = selectors.code_by_token(token)
    case = services.stairwell_report(
        code=code,
        category=payload.category,
        description=payload.description,
        sender=Sender(device=_device(request), address=client_ip(request)),
        client_key=payload.client_key,
    )
    return Status(
        201,
        {
            "number": case.number,
            "holder": case.holder,
            "unverified": case.unverified,
            "message": f"已收到，{case.holder}核实后办理",
        },
    )


def _check_may_confirm(user) -> None:
    if not (can(user, Capability.CASES_INBOX) or can(user, Capability.CASES_MANAGE)):
        raise NotFound()


@router.get(
    "/reports", response={200: list[PendingOut], **READ_ERRORS}, summary="待核实的楼道码反映"
)
def reports(request):
    if not (
        can(request.user, Capability.CASES_INBOX) or can(request.user, Capability.CASES_MANAGE)
    ):
        return []
    return [
        {
            "id": c.pk,
            "number": c.number,
            "category": c.category.name,
            "description": c.description,
            "address": selectors.address_of(c.unit) if c.unit else c.compound.name,
            "reported_at": c.reported_at,
            "version": c.version,
        }
        for c in selectors.pending_reports(actor=request.user).select_related("compound")[:200]
    ]


@router.post(
    "/reports/{case_id}/confirm",
    response={200: DecidedOut, **WRITE_ERRORS},
    summary="核实楼道码反映（real=true 属实转入办理，false 无效）",
)
def confirm(request, case_id: Id, payload: StairwellDecideIn):
    case = case_get_for(actor=request.user, case_id=case_id)
    _check_may_confirm(request.user)
    case = services.report_decide(
        actor=request.user,
        case=case,
        real=payload.real,
        note=payload.note,
        version=payload.version,
    )
    return {
        "id": case.pk,
        "number": case.number,
        "unverified": case.unverified,
        "status": case.status,
        "deadline": case.deadline,
    }
