"""Reads of the jobs app: the job board, a posting and its JSON-LD, matching, the pipeline,
a seeker's own page, and the figures (:func:`figures`, which the indicators will read).

Every read starts from ``Model.objects.restrict(user)`` (``scopes.py``): the board is the open
postings anyone may see; seekers and applications only the station, the person and — for an
application — the employer it was made to. Names and phones are shown masked to employers
(:func:`applicant_row`): they see what hiring needs, not the ledger.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from linli.core.geo import great_circle_m
from linli.core.policy import Capability, can, get_or_404, restrict
from linli.core.privacy import mask_name, mask_phone
from linli.ledger.models import Region

from .models import (
    Application,
    Course,
    Employer,
    EmployerKind,
    Enrolment,
    MakerSales,
    Posting,
    PostingStatus,
    Seeker,
    Stage,
)

#: 创客 with monthly orders of at least this many yuan count as the article's "¥100,000+"
MAKER_TARGET = Decimal("100000")


def board(*, actor, at_home: bool | None = None, employment_type: str = "", today=None):
    """The public job board: open postings still valid, with openings left, newest first."""
    today = today or timezone.localdate()
    qs = restrict(Posting.objects.all(), actor).filter(
        status=PostingStatus.OPEN, valid_through__gte=today
    )
    qs = qs.filter(filled__lt=F("total_openings"))
    if at_home is not None:
        qs = qs.filter(at_home=at_home)
    if employment_type:
        qs = qs.filter(employment_type=employment_type)
    return qs.select_related("employer", "compound").order_by("-date_posted", "-id")


def posting_get_for(*, actor, posting_id: int, action: str = "view") -> Posting:
    return get_or_404(
        Posting.objects.select_related("employer", "compound", "community"),
        actor,
        action,
        pk=posting_id,
    )


def postings_for(*, actor, action: str = "manage") -> QuerySet[Posting]:
    """The postings ``actor`` manages (station: its region's; an employer's accounts: theirs)."""
    return (
        restrict(Posting.objects.all(), actor, action)
        .select_related("employer")
        .annotate(
            pipeline=Count("applications", filter=Q(applications__stage__in=OPEN_STAGE_VALUES))
        )
        .order_by("status", "-date_posted", "-id")
    )


OPEN_STAGE_VALUES = [Stage.RECOMMENDED, Stage.INTERVIEW, Stage.OFFERED]


# --- JSON-LD --------------------------------------------------------------------------------

_LD_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def jsonld(posting: Posting, *, url: str = "") -> dict:
    """schema.org ``JobPosting`` of a posting (Google's required and recommended fields)."""
    value: dict = {"@type": "QuantitativeValue", "unitText": posting.salary_unit}
    if posting.salary_max and posting.salary_max != posting.salary_min:
        value.update(minValue=str(posting.salary_min), maxValue=str(posting.salary_max))
    else:
        value["value"] = str(posting.salary_min)
    place: dict = {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": posting.address or (posting.compound.name if posting.compound else ""),
            "addressLocality": posting.community.name,
            "addressCountry": "CN",
        },
    }
    if posting.latitude is not None and posting.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": str(posting.latitude),
            "longitude": str(posting.longitude),
        }
    data = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": posting.title,
        "description": posting.description,
        "datePosted": posting.date_posted.isoformat(),
        "validThrough": f"{posting.valid_through.isoformat()}T23:59:59+08:00",
        "employmentType": posting.employment_type,
        "hiringOrganization": {"@type": "Organization", "name": posting.employer.name},
        "jobLocation": place,
        "baseSalary": {"@type": "MonetaryAmount", "currency": "CNY", "value": value},
        "totalJobOpenings": posting.total_openings,
        "directApply": False,
    }
    if posting.at_home:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": "CN"}
    if posting.work_hours:
        data["workHours"] = posting.work_hours
    if posting.skills:
        data["skills"] = "、".join(posting.skills)
    if url:
        data["url"] = url
    return data


def jsonld_script(data: dict) -> SafeString:
    """The ``<script type="application/ld+json">`` element, safe inside HTML: ``<``, ``>`` and
    ``&`` are written as JSON escapes, so no text in a posting can close the element (a title of
    ``</script><script>…`` stays data). A data block is not executed, so the CSP's script-src
    does not apply to it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_LD_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


# --- matching -------------------------------------------------------------------------------


def distance_km(lat1, lng1, lat2, lng2) -> float | None:
    """Great-circle distance in km between two WGS-84 points (None when one is missing)."""
    if None in (lat1, lng1, lat2, lng2):
        return None
    return great_circle_m(float(lat1), float(lng1), float(lat2), float(lng2)) / 1000


def covered(days, start, end, windows) -> bool:
    """Whether a seeker's windows cover every working day's hours (``windows``: tuples)."""
    if not days or start is None or end is None:
        return True  # no fixed hours: anyone
    return all(any(w[0] == d and w[1] <= start and end <= w[2] for w in windows) for d in days)


@dataclass
class Match:
    seeker: Seeker
    score: int
    distance_km: float | None
    reasons: list[str] = field(default_factory=list)


def matches(*, actor, posting: Posting, limit: int = 20) -> list[Match]:
    """Active seekers the station sees who fit ``posting``: free in its hours (or wanting work
    at home for an at-home job), with its skills, near it; best first. Those already put
    forward for it are left out."""
    applied = Application.objects.filter(posting=posting, seeker=OuterRef("pk"))
    seekers = (
        restrict(Seeker.objects.all(), actor, "manage")
        .filter(active=True)
        .exclude(Exists(applied))
        .select_related("resident__household__unit__building__compound")
        .prefetch_related("windows")
    )
    if posting.at_home:
        seekers = seekers.filter(wants_home_work=True)
    wanted = set(posting.skills)
    out = []
    for s in seekers:
        windows = [(w.weekday, w.start, w.end) for w in s.windows.all()]
        if not posting.at_home and not covered(
            posting.days, posting.start_time, posting.end_time, windows
        ):
            continue
        compound = s.resident.household.unit.building.compound
        km = None
        if not posting.at_home:
            km = distance_km(
                compound.latitude, compound.longitude, posting.latitude, posting.longitude
            )
            if km is not None and s.max_distance_km is not None and km > s.max_distance_km:
                continue
        reasons, score = [], 0
        common = wanted & set(s.skills)
        if wanted and not common:
            continue
        if common:
            score += 10 * len(common)
            reasons.append("技能：" + "、".join(sorted(common)))
        if posting.days and not posting.at_home:
            reasons.append("时间合适")
            score += 5
        if posting.at_home:
            reasons.append("可居家")
            score += 5
        if posting.compound_id and posting.compound_id == compound.pk:
            reasons.append("本小区")
            score += 8
        elif km is not None:
            score += max(0, 6 - int(km))
            reasons.append(f"相距 {km:.1f} 公里")
        out.append(Match(seeker=s, score=score, distance_km=km, reasons=reasons))
    out.sort(key=lambda m: (-m.score, m.distance_km or 0, m.seeker.pk))
    return out[:limit]


# --- the pipeline and people ------------------------------------------------------------------


def applications_for(*, actor, posting: Posting | None = None) -> QuerySet[Application]:
    qs = restrict(Application.objects.all(), actor).select_related(
        "seeker__resident", "posting__employer"
    )
    return qs.filter(posting=posting) if posting is not None else qs


def applicant_row(application: Application, *, actor) -> dict:
    """One applicant as the viewer may see them: the station the name; an employer a masked
    name until 录用 and a masked phone always (the station arranges the contact)."""
    resident = application.seeker.resident
    station = can(actor, Capability.JOBS_STATION)
    hired = application.stage in (Stage.OFFERED, Stage.PLACED, Stage.LEFT)
    return {
        "id": application.pk,
        "seeker_id": application.seeker_id,
        "posting_id": application.posting_id,
        "posting_title": application.posting.title,
        "name": resident.name if (station or hired) else mask_name(resident.name),
        "phone": mask_phone(resident.phone),
        "skills": application.seeker.skills,
        "stage": application.stage,
        "stage_label": Stage(application.stage).label,
        "interview_at": application.interview_at,
        "placed_on": application.placed_on,
        "updated_at": application.updated_at,
    }


def seeker_get_for(*, actor, seeker_id: int, action: str = "view") -> Seeker:
    return get_or_404(
        Seeker.objects.select_related("resident__household__unit__building__compound"),
        actor,
        action,
        pk=seeker_id,
    )


def seeker_of(user) -> Seeker | None:
    """The signed-in person's own job-seeker record, if the station registered one."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Seeker.objects.filter(user=user).select_related("resident").first()


def my_page(user) -> dict:
    """The seeker's phone page: their applications, their courses, open courses to join."""
    seeker = seeker_of(user)
    if seeker is None:
        return {"seeker": None, "applications": [], "enrolments": [], "courses": []}
    applications = seeker.applications.select_related("posting__employer").order_by("-updated_at")
    enrolments = (
        seeker.enrolments.select_related("course")
        .annotate(present=Count("attendance"), total=Count("course__sessions", distinct=True))
        .order_by("-enrolled_on")
    )
    today = timezone.localdate()
    taken = seeker.enrolments.values("course_id")
    courses = (
        Course.objects.filter(community=seeker.community, starts_on__gte=today)
        .exclude(pk__in=taken)
        .annotate(enrolled=Count("enrolments"))
        .order_by("starts_on")[:10]
    )
    return {
        "seeker": seeker,
        "applications": list(applications),
        "enrolments": list(enrolments),
        "courses": [_left(c) for c in courses if c.enrolled < c.capacity],
    }


WEEKDAY_NAMES = "一二三四五六日"


def free_text(seeker: Seeker | None) -> list[str]:
    """A seeker's windows as people say them: ``周一至周五 08:00–11:30``, ``周六 09:00–17:00``."""
    if seeker is None:
        return []
    spans: dict[tuple, list[int]] = {}
    for w in seeker.windows.all():
        spans.setdefault((w.start, w.end), []).append(w.weekday)
    out = []
    for (start, end), days in spans.items():
        days = sorted(days)
        if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
            name = f"周{WEEKDAY_NAMES[days[0] - 1]}至周{WEEKDAY_NAMES[days[-1] - 1]}"
        else:
            name = "、".join(f"周{WEEKDAY_NAMES[d - 1]}" for d in days)
        out.append(f"{name} {start:%H:%M}–{end:%H:%M}")
    return out


def _left(course: Course) -> Course:
    course.left = course.capacity - course.enrolled  # type: ignore[attr-defined]
    return course


def employers_of(user) -> QuerySet[Employer]:
    return Employer.objects.filter(staff=user) if user.is_authenticated else Employer.objects.none()


def courses_for(*, actor) -> QuerySet[Course]:
    return (
        restrict(Course.objects.all(), actor, "manage")
        .annotate(enrolled=Count("enrolments", distinct=True))
        .annotate(done=Count("enrolments", filter=Q(enrolments__completed=True), distinct=True))
        .order_by("-starts_on")
    )


# --- the figures ------------------------------------------------------------------------------


@dataclass
class Figures:
    """The article's jobs figures for a region on a day (from the rows, never typed in)."""

    hired_in_own_compound: int  # owners placed with their own compound's social property
    at_home: int  # residents in flexible work at home (current placements)
    at_home_study_companions: int  # of whom 陪读 families' members (陪读妈妈)
    makers: int  # 创客 with sales recorded for the month
    party_makers_over_target: int  # party-member 创客 with orders ≥ MAKER_TARGET that month
    maker_sales: Decimal  # all 创客's orders that month
    more_income: int  # residents with a current placement or 创客 sales that month
    placements: int  # current placements (a person with two part-time jobs counts twice)
    seekers: int
    course_completions: int
    month: dt.date


def figures(*, actor=None, region: Region | None = None, month: dt.date | None = None) -> Figures:
    """The figures over the seekers ``actor`` may see (None: all), in ``region``'s subtree."""
    month = (month or timezone.localdate()).replace(day=1)
    seekers = Seeker.objects.all() if actor is None else restrict(Seeker.objects.all(), actor)
    if region is not None:
        seekers = seekers.filter(community__path__startswith=region.path)
    current = Application.objects.filter(seeker__in=seekers, stage=Stage.PLACED)
    own = current.filter(
        posting__employer__kind=EmployerKind.SOCIAL_PROPERTY,
        seeker__resident__is_owner=True,
        posting__employer__compound=F("seeker__resident__household__unit__building__compound"),
    )
    home = current.filter(posting__at_home=True)
    sales = MakerSales.objects.filter(seeker__in=seekers, month=month)
    placed_people = set(current.values_list("seeker_id", flat=True))
    selling = set(sales.filter(amount__gt=0).values_list("seeker_id", flat=True))
    return Figures(
        hired_in_own_compound=own.values("seeker_id").distinct().count(),
        at_home=home.values("seeker_id").distinct().count(),
        at_home_study_companions=home.filter(seeker__resident__is_study_companion=True)
        .values("seeker_id")
        .distinct()
        .count(),
        makers=sales.values("seeker_id").distinct().count(),
        party_makers_over_target=sales.filter(
            amount__gte=MAKER_TARGET, seeker__resident__is_party_member=True
        ).count(),
        maker_sales=sales.aggregate(s=Sum("amount"))["s"] or Decimal("0.00"),
        more_income=len(placed_people | selling),
        placements=current.count(),
        seekers=seekers.count(),
        course_completions=Enrolment.objects.filter(seeker__in=seekers, completed=True).count(),
        month=month,
    )
