"""The ledger API at ``/api/v1/ledger/``: regions, compounds, households, residents, Excel.

Every handler is scope → selector or service → schema. What a user sees starts from
``selectors.*_for(user)``; an object outside their region is a 404 with the same body as a
missing id, a write their role may not make is a 403 ``forbidden``. Who sees what is
the one policy's decision (``linli.core.policy``, ``ledger/scopes.py``).
Personal data is masked in the schemas; unmasking is one explicit, logged request
(``GET /residents/{id}?unmask=true&reason=…``).
"""

import datetime as dt
from contextlib import contextmanager
from io import BytesIO

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import FileResponse
from django.utils import timezone
from ninja import File, Form, Query, Router, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from linli.core import crypto
from linli.core.bounds import Id
from linli.core.errors import DomainError, Forbidden
from linli.core.policy import Capability, can, may_unmask
from linli.core.schemas import READ_ERRORS, WRITE_ERRORS, PageNumberPagination, errors
from linli.core.services import access_log_record

from . import exports, selectors, services
from .models import SENSITIVE_TAGS, Resident
from .schemas import (
    CompoundDetailOut,
    CompoundFilter,
    CompoundHistoryOut,
    CompoundIn,
    CompoundOut,
    CompoundPatch,
    ErrorOut,
    ExportDecisionIn,
    ExportRequestIn,
    ExportRequestOut,
    HouseholdDetailOut,
    HouseholdFilter,
    HouseholdIn,
    HouseholdOut,
    HouseholdPatch,
    ImportOut,
    RegionDetailOut,
    RegionFilter,
    RegionIn,
    RegionOut,
    ResidentDetailOut,
    ResidentFilter,
    ResidentIn,
    ResidentOut,
    ResidentPatch,
    SanwuCountOut,
    sees_sensitive_tags,
)
from .validation import InvalidValue, normalise_id_number, normalise_text, parse_area

router = Router(tags=["ledger"])

PAGE = {"page_size": 50, "max_page_size": 500}
ERRORS = WRITE_ERRORS

UNMASKABLE = {"id_number": "身份证号", "phone": "联系电话"}  # field → label in the access log


# --- access helpers --------------------------------------------------------------------------


def _require_editor(user) -> None:
    """Only officials, community workers and superusers change the ledger."""
    if not can(user, Capability.LEDGER_EDIT):
        raise Forbidden("您的角色无权修改台账")


def _require_region_creator(user) -> None:
    if not can(user, Capability.LEDGER_CREATE_REGION):
        raise Forbidden("只有县、镇（街道）干部可以新增区域")


def _patch_data(payload, *, nullable: frozenset[str] = frozenset()) -> dict:
    """The fields a PATCH sent; ``null`` only where a value may be cleared."""
    data = payload.model_dump(exclude_unset=True)
    for key, value in data.items():
        if value is None and key not in nullable:
            raise DomainError(
                code="invalid_input",
                message=f"字段“{key}”不能为空",
                status=422,
                details=[{"field": key, "reason": "不能为 null"}],
            )
    return data


def _area(value: str | None):
    if value is None:
        return None
    try:
        return parse_area(value)
    except InvalidValue as exc:
        raise DomainError(
            code="ledger.invalid_area",
            message=str(exc),
            details=[{"field": "area", "value": value}],
        ) from None


@contextmanager
def _model_errors():
    """Model validation and constraint errors a service let through become domain errors."""
    try:
        yield
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            details = [
                {"field": name, "reason": "；".join(messages)}
                for name, messages in exc.message_dict.items()
            ]
        else:
            details = [{"field": "", "reason": m} for m in exc.messages]
        raise DomainError(
            code="invalid_input", message="输入不符合要求", status=422, details=details
        ) from None
    except IntegrityError:
        raise DomainError(code="conflict", message="与已有数据重复或冲突", status=409) from None


def _guard_id_number(user, id_number: str | None, *, resident: Resident | None = None):
    """Return the in-scope resident who holds ``id_number`` already (a move), if any.

    A number held by someone outside the user's region is refused without naming them:
    the move is done by whoever sees both places.
    """
    if not id_number:
        return None
    hashed = crypto.id_number_hash(normalise_id_number(id_number))
    if hashed is None:
        return None
    holders = Resident.objects.filter(id_number_hash=hashed)
    if resident is not None:
        holders = holders.exclude(pk=resident.pk)
    holder = holders.first()
    if holder is None:
        return None
    if not selectors.residents_for(user).filter(pk=holder.pk).exists():
        raise DomainError(
            code="ledger.id_number_out_of_scope",
            message="该身份证号已登记在您管辖范围以外，请联系上级或原所在社区办理迁移",
            status=409,
            details=[{"field": "id_number"}],
        )
    return holder


# --- regions ---------------------------------------------------------------------------------


@router.get("/regions", response={200: list[RegionOut], **READ_ERRORS}, summary="区域列表")
@paginate(PageNumberPagination, **PAGE)
def region_list(request, filters: Query[RegionFilter]):
    """The user's region and everything below it."""
    return filters.filter(selectors.visible_regions(request.user))


@router.get(
    "/regions/{int:region_id}", response={200: RegionDetailOut, **READ_ERRORS}, summary="区域详情"
)
def region_detail(request, region_id: Id):
    return selectors.region_get_for(actor=request.user, region_id=region_id)


@router.post("/regions", response={201: RegionDetailOut, **ERRORS}, summary="新增区域")
def region_create(request, payload: RegionIn):
    """Superusers anywhere; county and town officials below a region they see."""
    _require_region_creator(request.user)
    parent = None
    if payload.parent is not None:
        parent = selectors.region_get_for(actor=request.user, region_id=payload.parent)
    elif not request.user.is_superuser:
        raise Forbidden("只有系统管理员可以新增省级区域")
    with _model_errors():
        region = services.region_create(
            name=normalise_text(payload.name),
            level=payload.level,
            parent=parent,
            code=normalise_text(payload.code) or None,
        )
    return Status(201, region)


# --- compounds -------------------------------------------------------------------------------


@router.get("/compounds", response={200: list[CompoundOut], **READ_ERRORS}, summary="小区列表")
@paginate(PageNumberPagination, **PAGE)
def compound_list(request, filters: Query[CompoundFilter]):
    """Compounds in the user's region, each with ``is_sanwu`` and actual counts."""
    user = request.user
    return selectors.compounds_with_counts(
        filters.filter(selectors.compounds_for(user)), actor=user
    )


@router.get(
    "/compounds/sanwu-count",
    response={200: SanwuCountOut, **READ_ERRORS},
    summary="某一时刻的三无小区数",
)
def compound_sanwu_count(request, as_of: str | None = None, region: Id | None = None):
    """How many compounds the user sees were 三无 at ``as_of`` (default: now).

    ``as_of`` is an ISO date-time (``2023-06-30T18:00:00+08:00``; without an offset it is
    Beijing time) or a date (``2023-06-30`` = the end of that day).
    """
    when = _parse_as_of(as_of)
    region_obj = None
    if region is not None:
        region_obj = selectors.region_get_for(actor=request.user, region_id=region)
    count = selectors.sanwu_count_as_of(actor=request.user, when=when, region=region_obj)
    return {"as_of": when, "region": region, "count": count}


def _parse_as_of(raw: str | None) -> dt.datetime:
    if not raw:
        return timezone.now()
    text = raw.strip()
    if "T" not in text:
        text = text.replace(" ", "T", 1)
    text = text.replace(" ", "+")  # an unencoded "+08:00" arrives as " 08:00"
    try:
        if len(text) == 10:
            when = dt.datetime.combine(dt.date.fromisoformat(text), dt.time.max)
        else:
            when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise DomainError(
            code="invalid_input",
            message=f"时间“{raw}”格式应为 2023-06-30 或 2023-06-30T18:00:00+08:00",
            status=422,
            details=[{"field": "as_of", "value": raw}],
        ) from None
    return timezone.make_aware(when) if timezone.is_naive(when) else when


@router.get(
    "/compounds/{int:compound_id}",
    response={200: CompoundDetailOut, **READ_ERRORS},
    summary="小区详情（楼栋、单元、户数、人数）",
)
def compound_detail(request, compound_id: Id):
    return selectors.compound_detail_for(actor=request.user, compound_id=compound_id)


@router.get(
    "/compounds/{int:compound_id}/history",
    response={200: list[CompoundHistoryOut], **READ_ERRORS},
    summary="小区变更记录",
)
def compound_history(request, compound_id: Id):
    """Every change to the compound, newest first: when, who, which fields (old → new)."""
    compound = selectors.compound_get_for(actor=request.user, compound_id=compound_id)
    return selectors.compound_changes(compound=compound)


@router.post("/compounds", response={201: CompoundDetailOut, **ERRORS}, summary="新增小区")
def compound_create(request, payload: CompoundIn):
    _require_editor(request.user)
    community = selectors.region_get_for(actor=request.user, region_id=payload.community)
    facts = payload.model_dump(exclude={"community", "name"})
    with _model_errors():
        compound = services.compound_create(
            actor=request.user, community=community, name=normalise_text(payload.name), **facts
        )
    return Status(201, selectors.compound_detail_for(actor=request.user, compound_id=compound.pk))


@router.patch(
    "/compounds/{int:compound_id}", response={200: CompoundDetailOut, **ERRORS}, summary="修改小区"
)
def compound_update(request, compound_id: Id, payload: CompoundPatch):
    """Change some facts; ``is_sanwu`` follows from them and the history records the change."""
    _require_editor(request.user)
    compound = selectors.compound_get_for(actor=request.user, compound_id=compound_id)
    facts = _patch_data(
        payload,
        nullable=frozenset(
            {"year_built", "surveyed_buildings", "surveyed_households", "surveyed_party_members"}
        ),
    )
    reason = facts.pop("reason", "")
    if "name" in facts:
        facts["name"] = normalise_text(facts["name"])
    with _model_errors():
        services.compound_update(actor=request.user, compound=compound, reason=reason, **facts)
    return selectors.compound_detail_for(actor=request.user, compound_id=compound.pk)


# --- households ------------------------------------------------------------------------------


@router.get("/households", response={200: list[HouseholdOut], **READ_ERRORS}, summary="户列表")
@paginate(PageNumberPagination, **PAGE)
def household_list(request, filters: Query[HouseholdFilter]):
    return selectors.households_with_counts(filters.filter(selectors.households_for(request.user)))


@router.get(
    "/households/{int:household_id}",
    response={200: HouseholdDetailOut, **READ_ERRORS},
    summary="户详情（含居民）",
)
def household_detail(request, household_id: Id):
    return selectors.household_detail_for(actor=request.user, household_id=household_id)


@router.post("/households", response={201: HouseholdDetailOut, **ERRORS}, summary="新增户")
def household_create(request, payload: HouseholdIn):
    _require_editor(request.user)
    compound = selectors.compound_get_for(actor=request.user, compound_id=payload.compound)
    facts = payload.model_dump(exclude={"compound", "building", "unit", "room", "area", "floor"})
    if payload.floor is not None:
        facts["floor"] = payload.floor
    with _model_errors():
        household = services.household_create(
            actor=request.user,
            compound=compound,
            building=normalise_text(payload.building),
            unit=normalise_text(payload.unit),
            room=normalise_text(payload.room),
            area=_area(payload.area),
            **facts,
        )
    return Status(
        201, selectors.household_detail_for(actor=request.user, household_id=household.pk)
    )


@router.patch(
    "/households/{int:household_id}", response={200: HouseholdDetailOut, **ERRORS}, summary="修改户"
)
def household_update(request, household_id: Id, payload: HouseholdPatch):
    _require_editor(request.user)
    household = selectors.household_get_for(actor=request.user, household_id=household_id)
    facts = _patch_data(payload, nullable=frozenset({"floor", "area"}))
    if "area" in facts:
        facts["area"] = _area(facts["area"])
    if "room" in facts:
        facts["room"] = normalise_text(facts["room"])
    with _model_errors():
        services.household_update(actor=request.user, household=household, **facts)
    return selectors.household_detail_for(actor=request.user, household_id=household.pk)


# --- residents -------------------------------------------------------------------------------


@router.get("/residents", response={200: list[ResidentOut], **READ_ERRORS}, summary="居民列表")
@paginate(PageNumberPagination, **PAGE)
def resident_list(request, filters: Query[ResidentFilter]):
    """ID numbers and phones are always masked here; vulnerable-person tags need the role."""
    if filters.tag in SENSITIVE_TAGS and not sees_sensitive_tags(request.user):
        raise Forbidden("您的角色无权按困难群体标签查询")
    return filters.filter(selectors.residents_for(request.user))


@router.get(
    "/residents/{int:resident_id}",
    response={200: ResidentDetailOut, **ERRORS},
    summary="居民详情（可申请显示完整身份证号、电话）",
)
def resident_detail(request, resident_id: Id, unmask: bool = False, reason: str = ""):
    """``unmask=true`` with a ``reason`` shows the full values the role's duty needs
    (officials and community workers: ID number and phone; 片长/组长/邻长: phone); each such
    view is written to the access log."""
    resident = selectors.resident_get_for(actor=request.user, resident_id=resident_id)
    if unmask:
        fields = [f for f in UNMASKABLE if may_unmask(request.user, f)]
        if not fields:
            raise Forbidden("您的角色无权查看完整身份证号和联系电话")
        reason = normalise_text(reason)
        if not reason:
            raise DomainError(
                code="ledger.unmask_reason_required",
                message="查看完整个人信息须填写事由",
                details=[{"field": "reason"}],
            )
        access_log_record(
            user=request.user,
            action="view",
            subject=f"居民#{resident.pk}",
            fields=",".join(UNMASKABLE[f] for f in fields),
            reason=reason[:200],
        )
        resident.unmasked_fields = set(fields)
    return resident


@router.post(
    "/residents",
    response={201: ResidentDetailOut, 200: ResidentDetailOut, **ERRORS},
    summary="新增居民（已知身份证号则视为迁入）",
)
def resident_create(request, payload: ResidentIn):
    """A new person is 201; an ID number already known in the user's region moves that
    person into this household (200). Only the fields sent are changed on a known person."""
    _require_editor(request.user)
    household = selectors.household_get_for(actor=request.user, household_id=payload.household)
    holder = _guard_id_number(request.user, payload.id_number)
    facts = payload.model_dump(exclude_unset=True, exclude={"household", "name", "id_number"})
    phone = facts.pop("phone", holder.phone if holder else "")
    with _model_errors():
        resident = services.resident_save(
            actor=request.user,
            household=household,
            name=normalise_text(payload.name),
            id_number=payload.id_number,
            phone=phone,
            **facts,
        )
    return Status(
        200 if holder else 201,
        selectors.resident_get_for(actor=request.user, resident_id=resident.pk),
    )


@router.patch(
    "/residents/{int:resident_id}", response={200: ResidentDetailOut, **ERRORS}, summary="修改居民"
)
def resident_update(request, resident_id: Id, payload: ResidentPatch):
    _require_editor(request.user)
    resident = selectors.resident_get_for(actor=request.user, resident_id=resident_id)
    facts = _patch_data(payload)
    household = resident.household
    if "household" in facts:
        household = selectors.household_get_for(
            actor=request.user, household_id=facts.pop("household")
        )
    id_number = facts.pop("id_number", None)
    _guard_id_number(request.user, id_number, resident=resident)
    with _model_errors():
        services.resident_save(
            actor=request.user,
            resident=resident,
            household=household,
            name=normalise_text(facts.pop("name", resident.name)),
            id_number=id_number,
            phone=facts.pop("phone", resident.phone),
            **facts,
        )
    return selectors.resident_get_for(actor=request.user, resident_id=resident.pk)


# --- Excel -----------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post(
    "/imports",
    # 422: the workbook's problems (ImportOut), or a request ninja could not read (ErrorOut)
    response={200: ImportOut, **errors(400, 403), 422: ImportOut | ErrorOut},
    summary="导入台账 Excel（可试导入）",
)
def ledger_import_upload(request, file: File[UploadedFile], dry_run: Form[bool] = False):
    """All or nothing: ``200`` when the file was taken (or would be, with ``dry_run``),
    ``422`` with every problem (sheet, row, column, value, code, Chinese message) when not;
    then nothing is written."""
    _require_editor(request.user)
    from .io import ledger_import  # the importer loads openpyxl/calamine; only when used

    result = ledger_import(source=file, file_name=file.name, actor=request.user, dry_run=dry_run)
    body = {
        "ok": result.ok,
        "dry_run": result.dry_run,
        "batch_id": result.batch_id,
        "counts": result.counts,
        "errors": [issue.as_dict() for issue in result.errors],
        "warnings": [_issue_dict(issue) for issue in result.warnings],
    }
    return Status(200 if result.ok else 422, body)


def _issue_dict(issue) -> dict | str:
    return issue.as_dict() if hasattr(issue, "as_dict") else str(issue)


@router.get(
    "/export",
    response=errors(400, 403, 404, 409),
    summary="导出台账 Excel",
    openapi_extra={
        "responses": {
            200: {
                "description": "台账工作簿（三无小区台账、居民台账两张表）",
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def ledger_export_download(request, community: Id | None = None, request_id: Id | None = None):
    """The ledger the user sees (or one community of it) as .xlsx; written to the access log.

    With unmasked ID numbers or phones (officials, workers) the export needs an approved
    export request (``request_id``, see ``/export-requests``) and can be downloaded once;
    a role whose export is masked downloads directly."""
    from .io import ledger_export

    region = None
    if exports.needs_approval(request.user):
        if request_id is None:
            raise DomainError(
                code="ledger.export_needs_approval",
                message="导出含个人信息的台账须先提交导出申请并经他人批准（request_id）",
                status=403,
            )
        req = exports.request_get_for(actor=request.user, request_id=request_id)
        req = exports.export_request_consume(actor=request.user, export_request=req)
        region = req.community
    elif community is not None:
        region = selectors.region_get_for(actor=request.user, region_id=community)
    buffer = BytesIO()
    ledger_export(destination=buffer, actor=request.user, community=region)
    buffer.seek(0)
    name = f"{region.name if region else '台账'}_{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(buffer, as_attachment=True, filename=name, content_type=XLSX)


@router.get(
    "/export-requests",
    response={200: list[ExportRequestOut], **READ_ERRORS},
    summary="导出申请（我的与待我审批的）",
)
def export_request_list(request):
    return list(exports.requests_for(request.user)[:100])


@router.post(
    "/export-requests",
    response={201: ExportRequestOut, **ERRORS},
    summary="申请导出含个人信息的台账",
)
def export_request_create(request, payload: ExportRequestIn):
    community = None
    if payload.community is not None:
        community = selectors.region_get_for(actor=request.user, region_id=payload.community)
    req = exports.export_request_create(
        actor=request.user, community=community, reason=payload.reason
    )
    return Status(201, req)


@router.post(
    "/export-requests/{int:request_id}/decision",
    response={200: ExportRequestOut, **ERRORS},
    summary="审批导出申请（须为申请人以外的人）",
)
def export_request_decide(request, request_id: Id, payload: ExportDecisionIn):
    req = exports.request_get_for(actor=request.user, request_id=request_id)
    return exports.export_request_decide(
        actor=request.user, export_request=req, approve=payload.approve, note=payload.note
    )
