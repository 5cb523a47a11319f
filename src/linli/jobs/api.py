"""The jobs API at ``/api/v1/jobs/``: the public board, postings, employers, seekers, matching,
the pipeline, courses, 创客 sales and the figures.

Every handler is scope → selector or service → schema. The board and a posting's detail need no
login (the community station's public job board); everything about a person needs the station,
the person, or — for an application — the employer it was made to, and answers 404 otherwise.
Phones are always masked here; an employer sees an applicant's name masked until 录用.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from linli.core.bounds import Date, Id
from linli.core.errors import NotFound
from linli.core.policy import Capability, can, get_or_404, restrict
from linli.core.privacy import mask_phone
from linli.core.schemas import READ_ERRORS, WRITE_ERRORS, PageNumberPagination
from linli.ledger.models import Compound, Region, RegionLevel, Resident

from . import selectors, services
from .models import Course, Employer, Seeker, Session
from .schemas import (
    ApplicationOut,
    AttendanceIn,
    AttendanceOut,
    CourseIn,
    CourseOut,
    EmployerIn,
    EmployerOut,
    EnrolIn,
    EnrolmentOut,
    JobsAdvanceIn,
    JobsFiguresOut,
    JobsMineOut,
    MatchOut,
    PostingDetailOut,
    PostingIn,
    PostingOut,
    RecommendIn,
    SalesIn,
    SalesOut,
    SeekerIn,
    SeekerOut,
)

router = Router(tags=["jobs"])
PAGE = {"page_size": 50, "max_page_size": 200}
PUBLIC_READ = {k: v for k, v in READ_ERRORS.items() if k in (404, 422)}


def _station(user) -> None:
    if not can(user, Capability.JOBS_STATION):
        raise NotFound()


def _community(user, community_id: int) -> Region:
    return get_or_404(Region.objects.filter(level=RegionLevel.COMMUNITY), user, pk=community_id)


def _seeker_out(s: Seeker) -> dict:
    r = s.resident
    return {
        "id": s.pk,
        "resident_id": r.pk,
        "name": r.name,
        "phone": mask_phone(r.phone),
        "compound": r.household.unit.building.compound.name,
        "skills": s.skills,
        "wants_home_work": s.wants_home_work,
        "is_maker": s.is_maker,
        "active": s.active,
        "registered_on": s.registered_on,
        "windows": [
            {"weekday": w.weekday, "start": w.start, "end": w.end} for w in s.windows.all()
        ],
    }


def _employer_out(e: Employer) -> dict:
    return {
        "id": e.pk,
        "name": e.name,
        "kind": e.kind,
        "community_id": e.community_id,
        "compound_id": e.compound_id,
        "contact_name": e.contact_name,
        "contact_phone": mask_phone(e.contact_phone),
    }


def _course_out(c: Course) -> dict:
    return {
        "id": c.pk,
        "title": c.title,
        "skill": c.skill,
        "provider": c.provider,
        "place": c.place,
        "starts_on": c.starts_on,
        "capacity": c.capacity,
        "sessions": [s.day for s in c.sessions.all()],
    }


# --- the board and postings ------------------------------------------------------------------


@router.get(
    "/postings",
    auth=None,
    response={200: list[PostingOut], **PUBLIC_READ},
    summary="招聘信息（公开岗位列表）",
)
@paginate(PageNumberPagination, **PAGE)
def posting_list(request, at_home: bool | None = None):
    """Open postings still valid with openings left; no login needed."""
    return selectors.board(actor=request.user, at_home=at_home)


@router.get(
    "/postings/{posting_id}",
    auth=None,
    response={200: PostingDetailOut, **PUBLIC_READ},
    summary="招聘信息详情（含 JobPosting JSON-LD）",
)
def posting_detail(request, posting_id: Id):
    posting = selectors.posting_get_for(actor=request.user, posting_id=posting_id)
    url = request.build_absolute_uri(f"/jobs/posting/{posting.pk}/")
    posting.jsonld = selectors.jsonld(posting, url=url)  # type: ignore[attr-defined]
    return posting


@router.post("/postings", response={201: PostingOut, **WRITE_ERRORS}, summary="发布招聘信息")
def posting_create(request, payload: PostingIn):
    employer = get_or_404(Employer.objects.all(), request.user, "manage", pk=payload.employer_id)
    compound = None
    if payload.compound_id is not None:
        compound = get_or_404(Compound.objects.all(), request.user, pk=payload.compound_id)
    data = payload.dict(exclude={"employer_id", "compound_id"})
    posting = services.posting_create(
        actor=request.user, employer=employer, compound=compound, **data
    )
    return Status(201, posting)


@router.post(
    "/postings/{posting_id}/close", response={200: PostingOut, **WRITE_ERRORS}, summary="停止招聘"
)
def posting_close(request, posting_id: Id):
    posting = selectors.posting_get_for(actor=request.user, posting_id=posting_id, action="manage")
    return services.posting_close(actor=request.user, posting=posting)


@router.get(
    "/postings/{posting_id}/matches",
    response={200: list[MatchOut], **READ_ERRORS},
    summary="匹配的求职者（时间、技能、距离）",
)
def posting_matches(request, posting_id: Id):
    _station(request.user)
    posting = selectors.posting_get_for(actor=request.user, posting_id=posting_id, action="manage")
    return [
        {
            "seeker_id": m.seeker.pk,
            "name": m.seeker.resident.name,
            "score": m.score,
            "distance_km": round(m.distance_km, 2) if m.distance_km is not None else None,
            "reasons": m.reasons,
        }
        for m in selectors.matches(actor=request.user, posting=posting)
    ]


@router.get(
    "/postings/{posting_id}/applications",
    response={200: list[ApplicationOut], **READ_ERRORS},
    summary="岗位的申请（驿站、用人单位）",
)
def posting_applications(request, posting_id: Id):
    posting = selectors.posting_get_for(actor=request.user, posting_id=posting_id, action="manage")
    rows = selectors.applications_for(actor=request.user, posting=posting)
    return [selectors.applicant_row(a, actor=request.user) for a in rows]


# --- employers -------------------------------------------------------------------------------


@router.get("/employers", response={200: list[EmployerOut], **READ_ERRORS}, summary="用人单位")
def employer_list(request):
    return [_employer_out(e) for e in restrict(Employer.objects.all(), request.user)]


@router.post("/employers", response={201: EmployerOut, **WRITE_ERRORS}, summary="登记用人单位")
def employer_create(request, payload: EmployerIn):
    community = _community(request.user, payload.community_id)
    compound = None
    if payload.compound_id is not None:
        compound = get_or_404(Compound.objects.all(), request.user, pk=payload.compound_id)
    staff = list(get_user_model().objects.filter(pk__in=payload.staff_ids))
    if len(staff) != len(set(payload.staff_ids)):
        raise NotFound("账号不存在", details=[{"field": "staff_ids"}])
    employer = services.employer_create(
        actor=request.user,
        community=community,
        compound=compound,
        staff=staff,
        **payload.dict(exclude={"community_id", "compound_id", "staff_ids"}),
    )
    return Status(201, _employer_out(employer))


# --- seekers ---------------------------------------------------------------------------------


@router.get("/seekers", response={200: list[SeekerOut], **READ_ERRORS}, summary="求职者")
@paginate(PageNumberPagination, **PAGE)
def seeker_list(request):
    _station(request.user)
    qs = (
        restrict(Seeker.objects.all(), request.user, "manage")
        .select_related("resident__household__unit__building__compound")
        .prefetch_related("windows")
    )
    return [_seeker_out(s) for s in qs]


@router.get("/seekers/{seeker_id}", response={200: SeekerOut, **READ_ERRORS}, summary="求职者详情")
def seeker_detail(request, seeker_id: Id):
    return _seeker_out(selectors.seeker_get_for(actor=request.user, seeker_id=seeker_id))


@router.post("/seekers", response={201: SeekerOut, **WRITE_ERRORS}, summary="登记求职者")
def seeker_create(request, payload: SeekerIn):
    resident = get_or_404(Resident.objects.all(), request.user, pk=payload.resident_id)
    seeker = services.seeker_register(
        actor=request.user,
        resident=resident,
        skills=payload.skills,
        windows=[(w.weekday, w.start, w.end) for w in payload.windows],
        wants_home_work=payload.wants_home_work,
        is_maker=payload.is_maker,
        note=payload.note,
    )
    return Status(201, _seeker_out(seeker))


# --- the pipeline ----------------------------------------------------------------------------


@router.post(
    "/applications", response={201: ApplicationOut, **WRITE_ERRORS}, summary="推荐（或本人申请）"
)
def application_create(request, payload: RecommendIn):
    seeker = selectors.seeker_get_for(actor=request.user, seeker_id=payload.seeker_id)
    posting = selectors.posting_get_for(actor=request.user, posting_id=payload.posting_id)
    application = services.application_recommend(
        actor=request.user, seeker=seeker, posting=posting, note=payload.note
    )
    return Status(201, selectors.applicant_row(application, actor=request.user))


@router.post(
    "/applications/{application_id}/advance",
    response={200: ApplicationOut, **WRITE_ERRORS},
    summary="推进申请：面试、录用、上岗、未录用、离岗",
)
def application_advance(request, application_id: Id, payload: JobsAdvanceIn):
    application = get_or_404(
        selectors.applications_for(actor=request.user), request.user, pk=application_id
    )
    application = services.application_advance(
        actor=request.user,
        application=application,
        to=payload.to,
        note=payload.note,
        interview_at=payload.interview_at,
        on=payload.on,
    )
    return selectors.applicant_row(application, actor=request.user)


@router.get("/mine", response={200: JobsMineOut, **READ_ERRORS}, summary="我的求职与课程")
def mine(request):
    page = selectors.my_page(request.user)
    seeker = page["seeker"]
    return {
        "seeker_id": seeker.pk if seeker else None,
        "applications": [
            selectors.applicant_row(a, actor=request.user) for a in page["applications"]
        ],
        "enrolments": page["enrolments"],
    }


# --- courses ---------------------------------------------------------------------------------


@router.get("/courses", response={200: list[CourseOut], **READ_ERRORS}, summary="培训课程")
def course_list(request, community_id: Id | None = None):
    qs = restrict(Course.objects.all(), request.user).prefetch_related("sessions")
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    return [_course_out(c) for c in qs[:200]]


@router.post("/courses", response={201: CourseOut, **WRITE_ERRORS}, summary="开设培训课程")
def course_create(request, payload: CourseIn):
    community = _community(request.user, payload.community_id)
    course = services.course_create(
        actor=request.user, community=community, **payload.dict(exclude={"community_id"})
    )
    return Status(201, _course_out(course))


@router.post(
    "/courses/{course_id}/enrol", response={201: EnrolmentOut, **WRITE_ERRORS}, summary="报名课程"
)
def course_enrol(request, course_id: Id, payload: EnrolIn):
    course = get_or_404(Course.objects.all(), request.user, pk=course_id)
    seeker = selectors.seeker_get_for(actor=request.user, seeker_id=payload.seeker_id)
    return Status(201, services.course_enrol(actor=request.user, course=course, seeker=seeker))


@router.post(
    "/courses/{course_id}/attendance",
    response={200: AttendanceOut, **WRITE_ERRORS},
    summary="记录出勤",
)
def course_attendance(request, course_id: Id, payload: AttendanceIn):
    _station(request.user)
    course = get_or_404(Course.objects.all(), request.user, "manage", pk=course_id)
    session = Session.objects.filter(course=course, day=payload.day).first()
    if session is None:
        raise NotFound("这天没有课", details=[{"field": "day"}])
    seekers = list(
        restrict(Seeker.objects.all(), request.user, "manage").filter(pk__in=payload.seeker_ids)
    )
    if len(seekers) != len(set(payload.seeker_ids)):
        raise NotFound("求职者不存在或无权查看", details=[{"field": "seeker_ids"}])
    marked = services.attendance_record(actor=request.user, session=session, seekers=seekers)
    return {"marked": marked}


# --- 创客 sales and figures ---------------------------------------------------------------------


@router.post("/sales", response={200: SalesOut, **WRITE_ERRORS}, summary="登记创客月订单额")
def sales_record(request, payload: SalesIn):
    _station(request.user)
    seeker = selectors.seeker_get_for(actor=request.user, seeker_id=payload.seeker_id)
    return services.sales_record(
        actor=request.user,
        seeker=seeker,
        month=payload.month,
        amount=payload.amount,
        orders=payload.orders,
        channel=payload.channel,
    )


@router.get("/figures", response={200: JobsFiguresOut, **READ_ERRORS}, summary="家门口就业指标")
def figures(request, community_id: Id | None = None, month: Date | None = None):
    _station(request.user)
    region = _community(request.user, community_id) if community_id is not None else None
    return selectors.figures(actor=request.user, region=region, month=month)
