"""Writes of the jobs app: employers, postings, seekers, the pipeline, courses, 创客 sales.

Each write checks the actor's scope first (out of scope answers like missing), then the role's
capability or the employer account, then the input; one transaction, nothing written when a
check fails. ``actor=None`` is a command or the demo (no scope).

The one rule with a race in it — a placement (上岗) takes an opening — is a conditional
``UPDATE jobs_posting SET filled = filled + 1 WHERE id = … AND filled < total_openings`` after
the application's row is locked: two placements on the last opening cannot both succeed, on
SQLite (one writer) or PostgreSQL (the row lock the UPDATE takes), and the check constraint
``jobs_posting_not_overfilled`` would refuse it anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from linli.core.errors import Conflict, Forbidden, Invalid, NotFound
from linli.core.policy import Capability, can, restrict
from linli.ledger.models import Compound, Region, RegionLevel, Resident
from linli.ledger.validation import InvalidValue, normalise_phone

from .models import (
    NEXT_STAGES,
    Application,
    ApplicationEvent,
    Attendance,
    Course,
    Employer,
    EmployerKind,
    EmploymentType,
    Enrolment,
    MakerSales,
    Posting,
    PostingStatus,
    SalaryUnit,
    Seeker,
    Session,
    Stage,
    Window,
)

MAX_OPENINGS = 10_000
MAX_SALARY = Decimal("99999999.99")
MAX_SKILLS = 20


def _visible(queryset, actor, action: str = "view"):
    return queryset if actor is None else restrict(queryset, actor, action)


def _require(actor, capability: Capability, message: str) -> None:
    if actor is not None and not can(actor, capability):
        raise Forbidden(message, code="jobs.forbidden")


def _invalid(message: str, code: str, field: str) -> Invalid:
    return Invalid(message, code=f"jobs.{code}", details=[{"field": field}])


def _text(value, field: str, label: str, max_length: int, *, required: bool = False) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise _invalid(f"请填写{label}", "required", field)
    if len(value) > max_length:
        raise _invalid(f"{label}不能超过 {max_length} 字", "text_too_long", field)
    return value


def _community(actor, community: Region) -> Region:
    if community.level != RegionLevel.COMMUNITY:
        raise _invalid("请选择一个社区", "not_a_community", "community")
    if actor is not None and not restrict(Region.objects.filter(pk=community.pk), actor).exists():
        raise NotFound("社区不存在或无权查看", details=[{"field": "community"}])
    return community


def money(value, field: str, label: str) -> Decimal:
    """A positive amount in yuan with at most two decimals (``"25"``, ``"25.50"``)."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise _invalid(f"{label}须为金额，如 25 或 25.50", "bad_amount", field) from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_SALARY:
        raise _invalid(f"{label}须大于 0 且不超过 {MAX_SALARY}", "bad_amount", field)
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise _invalid(f"{label}最多两位小数", "bad_amount", field)
    return amount.quantize(Decimal("0.01"))


def skills_of(values: Iterable[str] | str | None) -> list[str]:
    """Skills as a clean list (``"保洁、收纳，育婴"`` or a list), duplicates dropped."""
    if isinstance(values, str):
        for sep in "，,、;；/":
            values = values.replace(sep, " ")
        values = values.split()
    out: list[str] = []
    for v in values or ():
        v = str(v).strip()
        if not v:
            continue
        if len(v) > 30:
            raise _invalid("每项技能不超过 30 字", "text_too_long", "skills")
        if v not in out:
            out.append(v)
    if len(out) > MAX_SKILLS:
        raise _invalid(f"技能最多 {MAX_SKILLS} 项", "too_many_skills", "skills")
    return out


# --- employers -------------------------------------------------------------------------------


def _credit_code(value: str) -> str:
    value = (value or "").strip().upper()
    if not value:
        return ""
    from stdnum.cn import uscc
    from stdnum.exceptions import ValidationError

    try:
        return uscc.validate(value)
    except ValidationError:
        raise _invalid("统一社会信用代码不正确", "bad_credit_code", "credit_code") from None


@transaction.atomic
def employer_create(
    *,
    actor,
    community: Region,
    name: str,
    kind: str,
    compound: Compound | None = None,
    credit_code: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    address: str = "",
    staff: Sequence = (),
) -> Employer:
    """Register an employer with the station of ``community`` (the station only)."""
    _community(actor, community)
    _require(actor, Capability.JOBS_STATION, "当前角色无权登记用人单位")
    if kind not in EmployerKind.values:
        raise _invalid("没有这种单位类型", "bad_kind", "kind")
    if compound is not None and compound.community_id != community.pk:
        raise _invalid("服务小区须在本社区", "compound_elsewhere", "compound")
    if kind == EmployerKind.SOCIAL_PROPERTY and compound is None:
        raise _invalid("社会化物业须选择服务的小区", "compound_required", "compound")
    name = _text(name, "name", "单位名称", 100, required=True)
    if Employer.objects.filter(community=community, name=name).exists():
        raise Conflict(f"“{name}”已登记", code="jobs.employer_exists", details=[{"field": "name"}])
    try:
        phone = normalise_phone(contact_phone)
    except InvalidValue as exc:
        raise _invalid(str(exc), "bad_phone", "contact_phone") from None
    employer = Employer.objects.create(
        community=community,
        name=name,
        kind=kind,
        compound=compound,
        credit_code=_credit_code(credit_code),
        contact_name=_text(contact_name, "contact_name", "联系人", 50),
        contact_phone=phone,
        address=_text(address, "address", "地址", 200),
    )
    if staff:
        employer.staff.set(staff)
    return employer


# --- postings --------------------------------------------------------------------------------


def employers_for_posting(actor) -> list[Employer]:
    """The employers ``actor`` may post for: their own accounts', or the station's region's."""
    return list(restrict(Employer.objects.all(), actor, "manage").order_by("name"))


def _may_post(actor, employer: Employer) -> None:
    if actor is None:
        return
    if not restrict(Employer.objects.filter(pk=employer.pk), actor).exists():
        raise NotFound("用人单位不存在或无权查看", details=[{"field": "employer"}])
    _require(actor, Capability.JOBS_POST, "当前角色无权发布招聘信息")


@dataclass
class Schedule:
    days: list[int]
    start: dt.time | None
    end: dt.time | None


def schedule_of(days, start, end) -> Schedule:
    out: list[int] = []
    for d in days or ():
        try:
            d = int(d)
        except (TypeError, ValueError):
            raise _invalid("工作日须为 1（周一）到 7（周日）", "bad_days", "days") from None
        if not 1 <= d <= 7:
            raise _invalid("工作日须为 1（周一）到 7（周日）", "bad_days", "days")
        if d not in out:
            out.append(d)
    if (start is None) != (end is None):
        raise _invalid("上班和下班时间须同时填写", "bad_hours", "start_time")
    if start is not None and end is not None and end <= start:
        raise _invalid("下班时间须晚于上班时间", "bad_hours", "end_time")
    return Schedule(sorted(out), start, end)


@transaction.atomic
def posting_create(
    *,
    actor,
    employer: Employer,
    title: str,
    description: str,
    employment_type: str,
    salary_min,
    salary_unit: str,
    total_openings: int,
    valid_through: dt.date,
    salary_max=None,
    date_posted: dt.date | None = None,
    at_home: bool = False,
    compound: Compound | None = None,
    address: str = "",
    work_hours: str = "",
    days: Sequence[int] = (),
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    skills: Iterable[str] | str = (),
) -> Posting:
    """Post a job for ``employer`` (one of the actor's employers, or the station's)."""
    _may_post(actor, employer)
    if employment_type not in EmploymentType.values:
        raise _invalid("没有这种用工形式", "bad_employment_type", "employment_type")
    if salary_unit not in SalaryUnit.values:
        raise _invalid("薪酬单位须为 元/小时、元/天 或 元/月", "bad_salary_unit", "salary_unit")
    low = money(salary_min, "salary_min", "薪酬")
    high = money(salary_max, "salary_max", "薪酬上限") if salary_max not in (None, "") else None
    if high is not None and high < low:
        raise _invalid("薪酬上限不能低于起薪", "bad_amount", "salary_max")
    try:
        openings = int(total_openings)
    except (TypeError, ValueError):
        raise _invalid("招聘人数须为整数", "bad_openings", "total_openings") from None
    if not 1 <= openings <= MAX_OPENINGS:
        raise _invalid(f"招聘人数须在 1 至 {MAX_OPENINGS} 之间", "bad_openings", "total_openings")
    posted = date_posted or timezone.localdate()
    if valid_through < posted:
        raise _invalid("截止日期不能早于发布日期", "bad_dates", "valid_through")
    if compound is not None and compound.community_id != employer.community_id:
        raise _invalid("工作小区须在用人单位所在社区", "compound_elsewhere", "compound")
    where = compound or employer.compound
    schedule = schedule_of(days, start_time, end_time)
    return Posting.objects.create(
        employer=employer,
        community=employer.community,
        title=_text(title, "title", "岗位名称", 100, required=True),
        description=_text(description, "description", "岗位描述", 2000, required=True),
        date_posted=posted,
        valid_through=valid_through,
        employment_type=employment_type,
        at_home=bool(at_home),
        compound=where,
        address=_text(address, "address", "工作地点", 200) or (where.address if where else ""),
        latitude=where.latitude if where else None,
        longitude=where.longitude if where else None,
        salary_min=low,
        salary_max=high,
        salary_unit=salary_unit,
        work_hours=_text(work_hours, "work_hours", "工作时间", 100),
        days=schedule.days,
        start_time=schedule.start,
        end_time=schedule.end,
        skills=skills_of(skills),
        total_openings=openings,
        created_by=actor,
    )


def _manageable_posting(actor, posting: Posting) -> Posting:
    if not _visible(Posting.objects.filter(pk=posting.pk), actor, "manage").exists():
        raise NotFound("招聘信息不存在或无权查看")
    _require(actor, Capability.JOBS_POST, "当前角色无权修改招聘信息")
    return Posting.objects.select_for_update().get(pk=posting.pk)


@transaction.atomic
def posting_close(*, actor, posting: Posting) -> Posting:
    posting = _manageable_posting(actor, posting)
    posting.status = PostingStatus.CLOSED
    posting.save(update_fields=["status"])
    return posting


# --- seekers ---------------------------------------------------------------------------------


def windows_of(values) -> list[tuple[int, dt.time, dt.time]]:
    """Weekly windows as ``(weekday, start, end)``; ``"1-5 08:00-11:30"`` strings accepted."""
    out = []
    for value in values or ():
        if isinstance(value, str):
            try:
                days, hours = value.split()
                first, _, last = days.partition("-")
                start, end = (dt.time.fromisoformat(h) for h in hours.split("-"))
                weekdays = range(int(first), int(last or first) + 1)
            except ValueError:
                raise _invalid(
                    f"空闲时段“{value}”格式不对，应如 1-5 08:00-11:30", "bad_window", "windows"
                ) from None
            triples = [(d, start, end) for d in weekdays]
        else:
            triples = [tuple(value)]
        for weekday, start, end in triples:
            if not 1 <= int(weekday) <= 7 or end <= start:
                raise _invalid("空闲时段须为周一到周日、结束晚于开始", "bad_window", "windows")
            out.append((int(weekday), start, end))
    return out


@transaction.atomic
def seeker_register(
    *,
    actor,
    resident: Resident,
    skills: Iterable[str] | str = (),
    windows: Iterable = (),
    wants_home_work: bool = False,
    is_maker: bool = False,
    user=None,
    note: str = "",
    registered_on: dt.date | None = None,
    max_distance_km=None,
) -> Seeker:
    """Register a resident as a job seeker at their community's station (the station only)."""
    if not _visible(Resident.objects.filter(pk=resident.pk), actor).exists():
        raise NotFound("居民不存在或无权查看", details=[{"field": "resident"}])
    _require(actor, Capability.JOBS_STATION, "当前角色无权登记求职者")
    if Seeker.objects.filter(resident=resident).exists():
        raise Conflict(
            "该居民已登记求职", code="jobs.seeker_exists", details=[{"field": "resident"}]
        )
    spans = windows_of(windows)
    community = Region.objects.get(compounds__buildings__units__households__residents=resident)
    seeker = Seeker.objects.create(
        resident=resident,
        community=community,
        user=user,
        skills=skills_of(skills),
        wants_home_work=bool(wants_home_work),
        is_maker=bool(is_maker),
        note=_text(note, "note", "求职意向", 200),
        registered_on=registered_on or timezone.localdate(),
        max_distance_km=max_distance_km,
    )
    Window.objects.bulk_create(
        Window(seeker=seeker, weekday=d, start=s, end=e) for d, s, e in spans
    )
    return seeker


def _station_seeker(actor, seeker: Seeker) -> Seeker:
    if not _visible(Seeker.objects.filter(pk=seeker.pk), actor, "manage").exists():
        raise NotFound("求职者不存在或无权查看")
    _require(actor, Capability.JOBS_STATION, "当前角色无权修改求职登记")
    return Seeker.objects.select_for_update().get(pk=seeker.pk)


@transaction.atomic
def seeker_update(
    *,
    actor,
    seeker: Seeker,
    skills: Iterable[str] | str | None = None,
    windows: Iterable | None = None,
    wants_home_work: bool | None = None,
    active: bool | None = None,
) -> Seeker:
    seeker = _station_seeker(actor, seeker)
    if skills is not None:
        seeker.skills = skills_of(skills)
    if wants_home_work is not None:
        seeker.wants_home_work = wants_home_work
    if active is not None:
        seeker.active = active
    seeker.save()
    if windows is not None:
        spans = windows_of(windows)
        seeker.windows.all().delete()
        Window.objects.bulk_create(
            Window(seeker=seeker, weekday=d, start=s, end=e) for d, s, e in spans
        )
    return seeker


# --- the pipeline ----------------------------------------------------------------------------


def _event(application: Application, actor, before: str, after: str, note: str = "") -> None:
    ApplicationEvent.objects.create(
        application=application, actor=actor, before=before, after=after, note=note[:200]
    )


@transaction.atomic
def application_recommend(
    *, actor, seeker: Seeker, posting: Posting, note: str = ""
) -> Application:
    """推荐: the station puts a seeker forward for a posting (or the seeker applies)."""
    if not _visible(Seeker.objects.filter(pk=seeker.pk), actor).exists():
        raise NotFound("求职者不存在或无权查看", details=[{"field": "seeker"}])
    if not _visible(Posting.objects.filter(pk=posting.pk), actor).exists():
        raise NotFound("招聘信息不存在或无权查看", details=[{"field": "posting"}])
    own = actor is not None and seeker.user_id == getattr(actor, "pk", None)
    if not own:
        _require(actor, Capability.JOBS_STATION, "当前角色无权推荐求职者")
    posting = Posting.objects.get(pk=posting.pk)
    if posting.status != PostingStatus.OPEN or posting.valid_through < timezone.localdate():
        raise Conflict("该岗位已停止招聘", code="jobs.posting_closed")
    if posting.filled >= posting.total_openings:
        raise Conflict("该岗位已招满", code="jobs.no_openings")
    if not seeker.active:
        raise Conflict("该求职者已停止求职", code="jobs.seeker_inactive")
    note = _text(note, "note", "备注", 200)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                seeker=seeker, posting=posting, note=note, created_by=actor
            )
    except IntegrityError:
        raise Conflict("已推荐过这个岗位", code="jobs.already_applied") from None
    _event(application, actor, "", Stage.RECOMMENDED, note)
    return application


def _clash(a: Posting, b: Posting) -> bool:
    """Whether two postings' working hours overlap (both need days and times)."""
    if not (a.days and b.days and a.start_time and b.start_time and a.end_time and b.end_time):
        return False
    if not set(a.days) & set(b.days):
        return False
    return a.start_time < b.end_time and b.start_time < a.end_time


@transaction.atomic
def application_advance(
    *,
    actor,
    application: Application,
    to: str,
    note: str = "",
    interview_at: dt.datetime | None = None,
    on: dt.date | None = None,
) -> Application:
    """Move an application one step: 面试, 录用, 上岗 (takes an opening), 未录用, 离岗
    (gives it back). The station or the employer's own accounts; never the seeker."""
    if not _visible(Application.objects.filter(pk=application.pk), actor, "manage").exists():
        raise NotFound("申请不存在或无权查看")
    if actor is not None and not (
        can(actor, Capability.JOBS_STATION) or can(actor, Capability.JOBS_POST)
    ):
        raise Forbidden("当前角色无权办理", code="jobs.forbidden")
    application = (
        Application.objects.select_for_update().select_related("posting").get(pk=application.pk)
    )
    before = application.stage
    if to not in Stage.values:
        raise _invalid("没有这个进度", "bad_stage", "to")
    if to not in NEXT_STAGES[before]:
        raise Conflict(
            f"“{Stage(before).label}”之后不能直接到“{Stage(to).label}”",
            code="jobs.bad_step",
            details=[{"field": "to", "from": before, "to": to}],
        )
    day = on or timezone.localdate()
    if to == Stage.INTERVIEW:
        application.interview_at = interview_at
    elif to == Stage.PLACED:
        _place(application)
        application.placed_on = day
    elif to == Stage.LEFT:
        Posting.objects.filter(pk=application.posting_id, filled__gt=0).update(
            filled=F("filled") - 1
        )
        application.left_on = day
    application.stage = to
    application.save()
    _event(application, actor, before, to, _text(note, "note", "说明", 200))
    return application


def _place(application: Application) -> None:
    """Take one opening of the posting, or refuse (nothing changed) when none is left."""
    posting = application.posting
    others = Posting.objects.filter(
        applications__seeker_id=application.seeker_id, applications__stage=Stage.PLACED
    ).exclude(pk=posting.pk)
    for other in others:
        if _clash(posting, other):
            raise Conflict(
                f"与已上岗的“{other.title}”工作时间冲突",
                code="jobs.time_clash",
                details=[{"field": "posting", "clash": other.pk}],
            )
    taken = Posting.objects.filter(pk=posting.pk, filled__lt=F("total_openings")).update(
        filled=F("filled") + 1
    )
    if not taken:
        posting.refresh_from_db(fields=["filled", "total_openings"])
        raise Conflict(
            f"“{posting.title}”已招满（{posting.filled}/{posting.total_openings}），不能再上岗",
            code="jobs.no_openings",
            details=[{"field": "to", "openings": posting.total_openings}],
        )


# --- courses ---------------------------------------------------------------------------------


@transaction.atomic
def course_create(
    *,
    actor,
    community: Region,
    title: str,
    skill: str,
    starts_on: dt.date,
    capacity: int,
    sessions: Sequence[dt.date] = (),
    provider: str = "",
    place: str = "",
) -> Course:
    _community(actor, community)
    _require(actor, Capability.JOBS_STATION, "当前角色无权开设课程")
    if not 1 <= int(capacity) <= MAX_OPENINGS:
        raise _invalid("名额须在 1 至 10000 之间", "bad_capacity", "capacity")
    days = sorted(set(sessions))
    if days and days[0] < starts_on:
        raise _invalid("课次不能早于开课日期", "bad_sessions", "sessions")
    course = Course.objects.create(
        community=community,
        title=_text(title, "title", "课程名称", 100, required=True),
        skill=_text(skill, "skill", "所授技能", 30, required=True),
        provider=_text(provider, "provider", "承办单位", 100),
        place=_text(place, "place", "地点", 100),
        starts_on=starts_on,
        capacity=int(capacity),
    )
    Session.objects.bulk_create(Session(course=course, day=d) for d in days)
    return course


@transaction.atomic
def course_enrol(*, actor, course: Course, seeker: Seeker, on: dt.date | None = None) -> Enrolment:
    """Enrol a seeker (the station, or the seeker themself) while places are left."""
    if not _visible(Seeker.objects.filter(pk=seeker.pk), actor).exists():
        raise NotFound("求职者不存在或无权查看", details=[{"field": "seeker"}])
    own = actor is not None and seeker.user_id == getattr(actor, "pk", None)
    if not own:
        _require(actor, Capability.JOBS_STATION, "当前角色无权为他人报名")
        if not _visible(Course.objects.filter(pk=course.pk), actor, "manage").exists():
            raise NotFound("课程不存在或无权查看")
    course = Course.objects.select_for_update().get(pk=course.pk)
    if Enrolment.objects.filter(course=course, seeker=seeker).exists():
        raise Conflict("已报名这门课程", code="jobs.already_enrolled")
    if course.enrolments.count() >= course.capacity:
        raise Conflict("课程名额已满", code="jobs.course_full")
    return Enrolment.objects.create(
        course=course, seeker=seeker, enrolled_on=on or timezone.localdate()
    )


@transaction.atomic
def attendance_record(*, actor, session: Session, seekers: Sequence[Seeker]) -> int:
    """Mark who was present at a session; an enrolment whose attendance reaches the course's
    ratio is completed and the course's skill joins the seeker's skills. Returns how many
    were newly marked."""
    course = session.course
    if not _visible(Course.objects.filter(pk=course.pk), actor, "manage").exists():
        raise NotFound("课程不存在或无权查看")
    _require(actor, Capability.JOBS_STATION, "当前角色无权记录出勤")
    enrolments = {e.seeker_id: e for e in course.enrolments.filter(seeker__in=seekers)}
    missing = [s.pk for s in seekers if s.pk not in enrolments]
    if missing:
        raise _invalid("有人没有报名这门课程", "not_enrolled", "seekers")
    done = set(
        Attendance.objects.filter(session=session, enrolment__in=enrolments.values()).values_list(
            "enrolment_id", flat=True
        )
    )
    new = [
        Attendance(session=session, enrolment=e) for e in enrolments.values() if e.pk not in done
    ]
    Attendance.objects.bulk_create(new)
    _complete(course, [e.pk for e in enrolments.values()])
    return len(new)


def _complete(course: Course, enrolment_ids: list[int]) -> None:
    total = course.sessions.count()
    if not total:
        return
    from django.db.models import Count

    counts = (
        Enrolment.objects.filter(pk__in=enrolment_ids, completed=False)
        .annotate(n=Count("attendance"))
        .select_related("seeker")
    )
    for e in counts:
        if Decimal(e.n) >= course.pass_ratio * total:
            e.completed = True
            e.save(update_fields=["completed"])
            if course.skill not in e.seeker.skills:
                e.seeker.skills = [*e.seeker.skills, course.skill]
                e.seeker.save(update_fields=["skills"])


# --- 创客 sales --------------------------------------------------------------------------------


@transaction.atomic
def sales_record(
    *, actor, seeker: Seeker, month: dt.date, amount, orders: int = 0, channel: str = ""
) -> MakerSales:
    """Record (or correct) a 创客's orders for one month (the station only)."""
    seeker = _station_seeker(actor, seeker)
    if not seeker.is_maker:
        raise Conflict("该求职者不是电商创客", code="jobs.not_a_maker")
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        raise _invalid("订单额须为金额", "bad_amount", "amount") from None
    if not value.is_finite() or value < 0 or value > MAX_SALARY or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise _invalid("订单额须为不小于 0 的金额，最多两位小数", "bad_amount", "amount")
    if not 0 <= int(orders) <= 10_000_000:
        raise _invalid("订单数不正确", "bad_orders", "orders")
    sales, _ = MakerSales.objects.update_or_create(
        seeker=seeker,
        month=month.replace(day=1),
        defaults={
            "amount": value.quantize(Decimal("0.01")),
            "orders": int(orders),
            "channel": _text(channel, "channel", "平台", 50),
        },
    )
    return sales
