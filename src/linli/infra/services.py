"""Writes of the infrastructure plans (一小区一对策).

Each function is keyword-only and atomic: it finds the plan or problem in the actor's scope
(out of scope answers like missing), checks ``Capability.INFRA_MANAGE``, checks the rule, then
writes — or raises a :class:`DomainError` and changes nothing. Stage steps lock the problem row
and check its ``version`` (as ``cases/services`` do), so two people cannot both move it.

The money rules (民法典 art. 278 item (五), art. 282): a 维修资金 share opens an item-(五)
proposal in ``selfgov`` through its services, and the problem cannot reach 实施 until that
vote closed and passed; a 公共收益 share posts a 维修 spending entry in the compound's public
account through ``commons``' services, and cannot reach 实施 until the committee approved it.
``when`` backdates a step (the demo) and defaults to now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.cases.models import Case, Department
from linli.commons import services as commons_services
from linli.commons.models import PublicAccount
from linli.core import money
from linli.core.errors import Conflict, Forbidden, Invalid, NotFound
from linli.core.policy import Capability, can, restrict
from linli.core.uploads import accept_uploads
from linli.ledger.models import Compound
from linli.selfgov import services as selfgov_services

from .models import (
    STAGES,
    FoundBy,
    Funding,
    Kind,
    Photo,
    PhotoPhase,
    Plan,
    Problem,
    ProblemEvent,
    Source,
    Stage,
)
from .rules import money_blockers, share_state, stage_label

MAX_TEXT = 2000
MIN_REPRESENTATIVES = 2  # acceptance by residents' representatives: at least two people
EDITABLE = (Stage.PROPOSED, Stage.ARGUED)  # measure, department, budget, shares: before 立项


def _money_not_ready(blockers) -> Conflict:
    """409 for 实施 while money is not in place, coded by the first share's state (each code a
    literal, so the error-code registry finds it)."""
    message = "还不能实施：" + "；".join(b.message for b in blockers)
    details = [{"source": b.source, "code": f"infra.{b.code}"} for b in blockers]
    match blockers[0].code:
        case "vote_not_opened":
            return Conflict(message, code="infra.vote_not_opened", details=details)
        case "withdrawn":
            return Conflict(message, code="infra.withdrawn", details=details)
        case "vote_pending":
            return Conflict(message, code="infra.vote_pending", details=details)
        case "vote_failed":
            return Conflict(message, code="infra.vote_failed", details=details)
        case "entry_not_posted":
            return Conflict(message, code="infra.entry_not_posted", details=details)
        case "entry_pending":
            return Conflict(message, code="infra.entry_pending", details=details)
        case _:
            return Conflict(message, code="infra.entry_rejected", details=details)


def _when(when: dt.datetime | None) -> dt.datetime:
    return (when or timezone.now()).replace(microsecond=0)


def _require_manage(actor) -> None:
    if not can(actor, Capability.INFRA_MANAGE):
        raise Forbidden("当前角色无权管理小区对策", code="infra.forbidden")


def _text(value, *, field: str, label: str, limit: int, required: bool = False) -> str:
    value = ("" if value is None else str(value)).strip()
    if required and not value:
        raise Invalid(f"请填写{label}", code=f"infra.{field}_required", details=[{"field": field}])
    if len(value) > limit:
        raise Invalid(
            f"{label}不能超过 {limit} 字", code="infra.text_too_long", details=[{"field": field}]
        )
    return value


def parse_budget(value, *, field: str = "budget", label: str = "预算") -> Decimal:
    """A budget or amount typed by a person: ``Decimal`` in 元 (``core.money``), or Invalid
    with ``infra.bad_amount`` / ``infra.amount_not_positive`` / ``infra.too_many_decimals``."""
    return money.parse_amount(value, app="infra", field=field, label=label)


def _event(problem: Problem, actor, action: str, at: dt.datetime, note: str = "", **stages):
    return ProblemEvent.objects.create(
        problem=problem,
        action=action,
        note=note[:500],
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        from_stage=stages.get("from_stage", ""),
        to_stage=stages.get("to_stage", ""),
    )


def _lock(actor, problem: Problem, expected_version: int | None = None) -> Problem:
    """The problem locked for a change, if the actor sees it (else NotFound) and manages."""
    if not restrict(Problem.objects.filter(pk=problem.pk), actor).exists():
        raise NotFound("问题不存在或无权查看")
    _require_manage(actor)
    locked = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("plan__compound__community")
        .get(pk=problem.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            "该问题刚被别人更新过，请刷新后再操作",
            code="infra.stale",
            details=[{"field": "version", "value": locked.version}],
        )
    return locked


def _bump(problem: Problem, fields: list[str]) -> None:
    problem.version += 1
    problem.save(update_fields=[*fields, "version"])


# ---------------------------------------------------------------- plans


@transaction.atomic
def plan_open(*, actor, compound: Compound, note: str = "", when=None) -> Plan:
    """Open a compound's plan (一小区一对策); one per compound."""
    if not Compound.objects.restrict(actor).filter(pk=compound.pk).exists():
        raise NotFound("小区不存在或无权查看")
    _require_manage(actor)
    note = _text(note, field="note", label="说明", limit=500)
    if Plan.objects.filter(compound=compound).exists():
        raise Conflict(f"{compound.name}已有对策", code="infra.plan_exists")
    try:
        with transaction.atomic():
            return Plan.objects.create(
                compound=compound,
                title=f"{compound.name}一小区一对策",
                note=note,
                created_at=_when(when),
                created_by=actor,
            )
    except IntegrityError:
        raise Conflict(f"{compound.name}已有对策", code="infra.plan_exists") from None


# ---------------------------------------------------------------- problems


def _source_case(actor, plan: Plan, case: Case | None) -> Case:
    if case is None:
        raise Invalid(
            "由居民诉求发现的问题须关联诉求",
            code="infra.case_required",
            details=[{"field": "case"}],
        )
    if not restrict(Case.objects.filter(pk=case.pk), actor).exists():
        raise NotFound("诉求不存在或无权查看", details=[{"field": "case"}])
    if case.compound_id != plan.compound_id:
        raise Invalid(
            f"诉求 {case.number} 不属于{plan.compound.name}",
            code="infra.case_elsewhere",
            details=[{"field": "case"}],
        )
    return case


def _source_meeting(actor, plan: Plan, meeting: Any) -> Any:
    """A five-party meeting in the actor's scope held for the compound's community (or above).
    ``meetings`` sits beside ``infra`` in the layers, so its model is looked up by name."""
    if meeting is None:
        raise Invalid(
            "由五方联席会发现的问题须关联会议",
            code="infra.meeting_required",
            details=[{"field": "meeting"}],
        )
    model = apps.get_model("meetings", "Meeting")
    found = restrict(model.objects.filter(pk=meeting.pk), actor).select_related("region").first()
    if found is None:
        raise NotFound("联席会不存在或无权查看", details=[{"field": "meeting"}])
    if not plan.compound.community.path.startswith(found.region.path):
        raise Invalid(
            f"联席会“{found.title}”不是为{plan.compound.name}所在区域召开的",
            code="infra.meeting_elsewhere",
            details=[{"field": "meeting"}],
        )
    return found


def _photos(files: Iterable) -> list:
    return accept_uploads(files, app="infra", field_name="photos", what="照片")


@transaction.atomic
def problem_add(
    *,
    actor,
    plan: Plan,
    kind: str,
    title: str,
    found_by: str,
    description: str = "",
    location: str = "",
    found_on: dt.date | None = None,
    case: Case | None = None,
    meeting: Any = None,
    photos: Iterable = (),
    when=None,
) -> Problem:
    """Put a problem on the compound's list (stage 提出), found by a survey, a case or a
    meeting (linked), with its photos as found."""
    if not restrict(Plan.objects.filter(pk=plan.pk), actor).exists():
        raise NotFound("小区对策不存在或无权查看")
    _require_manage(actor)
    plan = Plan.objects.select_related("compound__community").get(pk=plan.pk)
    if kind not in Kind.values:
        raise Invalid(
            f"没有“{kind}”这个问题类别",
            code="infra.bad_kind",
            details=[{"field": "kind", "value": str(kind)}],
        )
    if found_by not in FoundBy.values:
        raise Invalid(
            "发现途径须为摸排、居民诉求或五方联席会",
            code="infra.bad_found_by",
            details=[{"field": "found_by", "value": str(found_by)}],
        )
    title = _text(title, field="title", label="问题", limit=100, required=True)
    description = _text(description, field="description", label="情况", limit=MAX_TEXT)
    location = _text(location, field="location", label="位置", limit=100)
    now = _when(when)
    found_on = found_on or timezone.localdate(now)
    if found_on > timezone.localdate(now):
        raise Invalid(
            f"发现日期 {found_on} 晚于今天",
            code="infra.future_date",
            details=[{"field": "found_on"}],
        )
    case_row = _source_case(actor, plan, case) if found_by == FoundBy.CASE else None
    meeting_row = _source_meeting(actor, plan, meeting) if found_by == FoundBy.MEETING else None
    accepted = _photos(photos)
    problem = Problem.objects.create(
        plan=plan,
        kind=kind,
        title=title,
        description=description,
        location=location,
        found_by=found_by,
        found_on=found_on,
        case=case_row,
        meeting=meeting_row,
        stage=Stage.PROPOSED,
        stage_at=now,
        created_at=now,
        created_by=actor,
    )
    for f in accepted:
        Photo.objects.create(
            problem=problem, phase=PhotoPhase.PROBLEM, image=f.as_file(), taken_at=now
        )
    _event(problem, actor, ProblemEvent.Action.CREATE, now, f"{problem.get_found_by_display()}")
    return problem


def _editable(problem: Problem, what: str) -> None:
    if problem.stage not in EDITABLE:
        raise Conflict(
            f"问题已{stage_label(problem.stage)}，{what}不能再改",
            code="infra.locked_after_approval",
            details=[{"field": "stage", "value": problem.stage}],
        )


@transaction.atomic
def problem_update(
    *,
    actor,
    problem: Problem,
    measure: str | None = None,
    department: Department | None = None,
    budget=None,
    expected_version: int | None = None,
    when=None,
) -> Problem:
    """Set the measure, the responsible department and the budget (before 立项)."""
    problem = _lock(actor, problem, expected_version)
    _editable(problem, "对策、责任部门和预算")
    fields, said = [], []
    if measure is not None:
        problem.measure = _text(measure, field="measure", label="对策措施", limit=MAX_TEXT)
        fields.append("measure")
        said.append("对策措施")
    if department is not None:
        if not Department.objects.filter(pk=department.pk, active=True).exists():
            raise NotFound("责任部门不存在", details=[{"field": "department"}])
        problem.department = department
        fields.append("department")
        said.append(f"责任部门 {department.name}")
    if budget is not None:
        problem.budget = parse_budget(budget)
        fields.append("budget")
        said.append(f"预算 {problem.budget} 元")
    if not fields:
        return problem
    _bump(problem, fields)
    _event(problem, actor, ProblemEvent.Action.DETAILS, _when(when), "；".join(said))
    return problem


def _frozen(share: Funding) -> bool:
    """A share the money process has taken up: a proposal whose vote has not failed, or an
    entry not rejected. Its amount and source may no longer change."""
    return share_state(share).frozen


@transaction.atomic
def funding_set(
    *,
    actor,
    problem: Problem,
    shares: Sequence[tuple[str, Any]],
    expected_version: int | None = None,
    when=None,
) -> list[Funding]:
    """Replace the problem's funding shares (source, amount) — one per source, several
    sources allowed — before 立项. A share already put to the owners' vote or posted to the
    public account keeps its amount."""
    problem = _lock(actor, problem, expected_version)
    _editable(problem, "资金来源")
    wanted: dict[str, Decimal] = {}
    for i, (source, amount) in enumerate(shares):
        if source not in Source.values:
            raise Invalid(
                f"没有“{source}”这个资金来源",
                code="infra.bad_source",
                details=[{"field": f"shares[{i}].source", "value": str(source)}],
            )
        if source in wanted:
            raise Invalid(
                f"资金来源“{Source(source).label}”重复",
                code="infra.duplicate_source",
                details=[{"field": f"shares[{i}].source"}],
            )
        wanted[source] = parse_budget(
            amount, field=f"shares[{i}].amount", label=f"{Source(source).label}金额"
        )
    current = {f.source: f for f in problem.fundings.select_for_update()}
    for source, share in current.items():
        if _frozen(share) and wanted.get(source) != share.amount:
            raise Conflict(
                f"{share.get_source_display()}已提请业主表决或已入公共收益账，金额不能再改",
                code="infra.share_locked",
                details=[{"field": "shares", "value": source}],
            )
    for source, share in current.items():
        if source not in wanted:
            share.delete()
    out = []
    for source, amount in wanted.items():
        found = current.get(source)
        if found is None:
            found = Funding.objects.create(problem=problem, source=source, amount=amount)
        elif found.amount != amount:
            found.amount = amount
            found.save(update_fields=["amount"])
        out.append(found)
    _bump(problem, [])
    said = "、".join(f"{Source(s).label} {a} 元" for s, a in wanted.items()) or "无"
    _event(problem, actor, ProblemEvent.Action.FUNDING, _when(when), said)
    return out


def _share(problem: Problem, source: str, what: str) -> Funding:
    share = problem.fundings.select_for_update().filter(source=source).first()
    if share is None:
        raise Invalid(
            f"该问题没有{Source(source).label}来源，无需{what}",
            code="infra.no_such_share",
            details=[{"field": "source", "value": source}],
        )
    return share


def _money_stage(problem: Problem, what: str) -> None:
    if problem.stage not in (Stage.ARGUED, Stage.APPROVED):
        raise Conflict(
            f"{what}须在论证或立项阶段进行（现为{stage_label(problem.stage)}）",
            code="infra.bad_stage",
            details=[{"field": "stage", "value": problem.stage}],
        )


@transaction.atomic
def fund_vote_open(*, actor, problem: Problem, when=None) -> Funding:
    """Open the owners' proposal for the 维修资金 share: an item-(五) topic (使用建筑物及其
    附属设施的维修资金, an ordinary majority of area and heads among those who took part, with
    the two-thirds quorum) created and published in the self-governance app through its
    services; the committee or the community then announces and runs the vote there."""
    problem = _lock(actor, problem)
    _money_stage(problem, "提请业主表决")
    share = _share(problem, Source.MAINTENANCE_FUND, "业主表决")
    if _frozen(share) and share.proposal_id is not None:
        raise Conflict("维修资金已提请业主表决", code="infra.vote_already_opened")
    now = _when(when)
    compound = problem.plan.compound
    department = problem.department.name if problem.department else "待定"
    body = (
        f"一小区一对策：{problem.title}（{problem.get_kind_display()}）。"
        f"{problem.description or ''}\n对策措施：{problem.measure or '见对策'}。"
        f"责任部门：{department}。拟使用维修资金 {share.amount} 元"
        f"（总预算 {problem.budget or share.amount} 元）。"
        "依民法典第二百七十八条第一款第（五）项，由业主共同决定。"
    )
    proposal = selfgov_services.proposal_create(
        actor=actor,
        compound=compound,
        item=5,
        title=f"使用维修资金：{problem.title}"[:200],
        body=body,
        when=now,
    )
    selfgov_services.proposal_publish(actor=actor, proposal=proposal, when=now)
    share.proposal = proposal
    share.entry = None
    share.save(update_fields=["proposal", "entry"])
    _bump(problem, [])
    _event(
        problem,
        actor,
        ProblemEvent.Action.VOTE,
        now,
        f"维修资金 {share.amount} 元：议题#{proposal.pk}",
    )
    return share


@transaction.atomic
def fund_entry_post(
    *, actor, problem: Problem, date: dt.date | None = None, counterparty: str = "", when=None
) -> Funding:
    """Post the 公共收益 share as a 维修 spending entry in the compound's public account
    through ``commons``' services; it waits there for the committee's approval."""
    problem = _lock(actor, problem)
    _money_stage(problem, "公共收益支出入账")
    share = _share(problem, Source.PUBLIC_INCOME, "入账")
    if _frozen(share) and share.entry_id is not None:
        raise Conflict("公共收益支出已入账待审或已审核", code="infra.entry_already_posted")
    compound = problem.plan.compound
    account = PublicAccount.objects.filter(compound=compound).first()
    if account is None:
        raise Invalid(
            f"{compound.name}尚未开设公共收益账户，不能从公共收益支出",
            code="infra.no_public_account",
        )
    now = _when(when)
    who = counterparty or (problem.department.name if problem.department else "施工单位")
    entry = commons_services.entry_create(
        actor=actor,
        account=account,
        kind="repair",
        amount=share.amount,
        date=date or timezone.localdate(now),
        counterparty=_text(who, field="counterparty", label="对方单位", limit=100),
        description=f"一小区一对策：{problem.title}（问题#{problem.pk}，公共收益承担部分）",
        when=now,
    )
    share.entry = entry
    share.save(update_fields=["entry"])
    _bump(problem, [])
    _event(
        problem, actor, ProblemEvent.Action.ENTRY, now, f"公共收益 {share.amount} 元待业委会审核"
    )
    return share


# ---------------------------------------------------------------- stages


def _gate(problem: Problem, to: str) -> None:
    """What must hold before ``problem`` enters ``to`` (the next stage)."""
    if to == Stage.APPROVED:
        if not problem.measure:
            raise Invalid("立项前须填写对策措施", code="infra.measure_missing")
        if problem.department_id is None:
            raise Invalid("立项前须确定责任部门", code="infra.department_missing")
        if problem.budget is None:
            raise Invalid("立项前须填写预算", code="infra.budget_missing")
        total = sum((f.amount for f in problem.fundings.all()), Decimal("0"))
        if total != problem.budget:
            raise Invalid(
                f"资金来源合计 {total} 元，与预算 {problem.budget} 元不符",
                code="infra.funding_mismatch",
                details=[{"field": "shares", "total": str(total), "budget": str(problem.budget)}],
            )
    elif to == Stage.IMPLEMENTING:
        blockers = money_blockers(problem)
        if blockers:
            raise _money_not_ready(blockers)
    elif to == Stage.INSPECTING:
        if problem.actual is None:
            raise Invalid("验收前须登记实际支出", code="infra.actual_missing")
    elif to == Stage.DONE:
        raise Invalid("完成须由居民代表验收（填写验收意见）", code="infra.acceptance_required")


def _move(problem: Problem, actor, to: str, now: dt.datetime, note: str) -> None:
    before = problem.stage
    problem.stage, problem.stage_at = to, now
    _bump(problem, ["stage", "stage_at"])
    _event(
        problem,
        actor,
        ProblemEvent.Action.STAGE,
        now,
        note,
        from_stage=before,
        to_stage=to,
    )


@transaction.atomic
def problem_advance(
    *,
    actor,
    problem: Problem,
    to: str,
    note: str = "",
    expected_version: int | None = None,
    when=None,
) -> Problem:
    """Move the problem to the next stage (提出 → 论证 → 立项 → 实施 → 验收; 完成 comes by
    :func:`problem_accept`). No stage is skipped and none goes back this way."""
    problem = _lock(actor, problem, expected_version)
    if to not in STAGES:
        raise Invalid(
            f"没有“{to}”这个阶段",
            code="infra.bad_stage",
            details=[{"field": "to", "value": str(to)}],
        )
    here = STAGES.index(problem.stage)
    there = STAGES.index(to)
    if there <= here:
        raise Conflict(
            f"问题已处于{stage_label(problem.stage)}，不能回到或停在{stage_label(to)}",
            code="infra.stage_backwards",
            details=[{"field": "to", "value": to}],
        )
    if there > here + 1:
        raise Conflict(
            f"不能跳过{stage_label(STAGES[here + 1])}直接到{stage_label(to)}",
            code="infra.stage_skipped",
            details=[{"field": "to", "value": to, "next": STAGES[here + 1]}],
        )
    note = _text(note, field="note", label="说明", limit=500)
    _gate(problem, to)
    _move(problem, actor, to, _when(when), note)
    return problem


@transaction.atomic
def problem_record_actual(*, actor, problem: Problem, amount, when=None) -> Problem:
    """The actual spending (实际支出), recorded during 实施 or 验收."""
    problem = _lock(actor, problem)
    if problem.stage not in (Stage.IMPLEMENTING, Stage.INSPECTING):
        raise Conflict(
            f"实际支出在实施或验收阶段登记（现为{stage_label(problem.stage)}）",
            code="infra.bad_stage",
        )
    problem.actual = parse_budget(amount, field="amount", label="实际支出")
    _bump(problem, ["actual"])
    _event(problem, actor, ProblemEvent.Action.ACTUAL, _when(when), f"{problem.actual} 元")
    return problem


def _names(representatives) -> list[str]:
    if isinstance(representatives, str):
        raw = representatives.replace("，", ",").replace("、", ",").replace(" ", ",").split(",")
    else:
        raw = [str(r) for r in representatives]
    names = []
    for name in (r.strip() for r in raw):
        if name and name not in names:
            names.append(name[:20])
    return names


@transaction.atomic
def problem_accept(
    *,
    actor,
    problem: Problem,
    representatives,
    opinion: str,
    satisfied: bool,
    accepted_on: dt.date | None = None,
    expected_version: int | None = None,
    when=None,
) -> Problem:
    """Acceptance by residents' representatives (至少两人): satisfied → 完成 (问题清单 becomes
    满意清单); not satisfied → back to 实施 to be redone, their opinion kept."""
    problem = _lock(actor, problem, expected_version)
    if problem.stage != Stage.INSPECTING:
        raise Conflict(
            f"居民代表验收在验收阶段进行（现为{stage_label(problem.stage)}）",
            code="infra.bad_stage",
        )
    names = _names(representatives)
    if len(names) < MIN_REPRESENTATIVES:
        raise Invalid(
            f"验收须有至少 {MIN_REPRESENTATIVES} 名居民代表签名",
            code="infra.representatives_required",
            details=[{"field": "representatives"}],
        )
    opinion = _text(opinion, field="opinion", label="验收意见", limit=500, required=True)
    now = _when(when)
    problem.representatives = "、".join(names)[:200]
    problem.acceptance_opinion = opinion
    problem.accepted_on = accepted_on or timezone.localdate(now)
    _bump(problem, ["representatives", "acceptance_opinion", "accepted_on"])
    verdict = "满意" if satisfied else "不满意，返工"
    _event(problem, actor, ProblemEvent.Action.ACCEPT, now, f"{problem.representatives}：{verdict}")
    _move(problem, actor, Stage.DONE if satisfied else Stage.IMPLEMENTING, now, opinion)
    return problem


@transaction.atomic
def photo_add(*, actor, problem: Problem, phase: str, photos: Iterable, when=None) -> list[Photo]:
    """Photos of the problem as found, before the work or after it (``core.uploads``)."""
    problem = _lock(actor, problem)
    if phase not in PhotoPhase.values:
        raise Invalid(
            "照片类型须为问题、施工前或完工后",
            code="infra.bad_phase",
            details=[{"field": "phase", "value": str(phase)}],
        )
    if phase == PhotoPhase.AFTER and problem.stage_index < STAGES.index(Stage.IMPLEMENTING):
        raise Conflict("完工后照片在实施以后上传", code="infra.bad_stage")
    accepted = _photos(photos)
    if not accepted:
        raise Invalid("请选择照片", code="infra.photos_required", details=[{"field": "photos"}])
    now = _when(when)
    saved = [
        Photo.objects.create(problem=problem, phase=phase, image=f.as_file(), taken_at=now)
        for f in accepted
    ]
    _event(
        problem, actor, ProblemEvent.Action.PHOTO, now, f"{PhotoPhase(phase).label} {len(saved)} 张"
    )
    return saved
