"""How the jobs app's rows reach the places an actor holds (``linli.core.policy``).

- **Postings** are public while open (the job board, anonymous included); the station (the
  officials and community workers of the region) and the employer's own accounts see all of
  theirs, and only they may manage them.
- **Employers**: the station of their community and their own accounts.
- **Seekers** and everything about them (windows, applications, enrolments, sales) are
  personal: the station of the region, the person themself (their own account) and — for an
  application only — the employer it was made to. Not the 三长, not neighbours.
- **Courses** and their sessions are public; the station of the region manages them.
"""

from __future__ import annotations

from django.db.models import Q

from linli.core.policy import Actor, Filter, household_q, register
from linli.core.roles import REGION_ROLES


def _p(prefix: str) -> str:
    return f"{prefix}__" if prefix else ""


def _station(actor: Actor, path: str) -> Filter:
    """Rows of the station's region (``path`` leads to a ``ledger.Region``)."""
    if actor.is_superuser:
        return Q()
    if actor.role in REGION_ROLES and actor.region_path:
        return Q(**{f"{path}__path__startswith": actor.region_path})
    return None


def _or(*filters: Filter) -> Filter:
    allowed = [f for f in filters if f is not None]
    if not allowed:
        return None
    if any(not f for f in allowed):  # an empty Q is everything (Q() | Q(x) would be only x)
        return Q()
    out = allowed[0]
    for f in allowed[1:]:
        out |= f
    return out


def _staff(actor: Actor, prefix: str) -> Filter:
    return Q(**{f"{prefix}staff": actor.user_id}) if actor.user_id is not None else None


def _employers(actor: Actor, action: str) -> Filter:
    return _or(_station(actor, "community"), _staff(actor, ""))


def _postings(prefix: str = ""):
    p = _p(prefix)

    def rule(actor: Actor, action: str) -> Filter:
        own = _or(_station(actor, f"{p}community"), _staff(actor, f"{p}employer__"))
        if action == "view":
            return _or(own, Q(**{f"{p}status": "open"}))
        return own

    return rule


def _seekers(prefix: str = ""):
    p = _p(prefix)

    def rule(actor: Actor, action: str) -> Filter:
        station = household_q(actor, f"{p}resident__household") if actor.in_region else None
        if actor.is_superuser:
            station = Q()
        if action != "view":
            return station
        self_ = Q(**{f"{p}user_id": actor.user_id}) if actor.user_id is not None else None
        return _or(station, self_)

    return rule


def _applications(prefix: str = ""):
    p = _p(prefix)
    seeker = _seekers(f"{p}seeker")

    def rule(actor: Actor, action: str) -> Filter:
        # the station and the employer move an application on; the person only follows it
        return _or(seeker(actor, action), _staff(actor, f"{p}posting__employer__"))

    return rule


def _courses(prefix: str = ""):
    p = _p(prefix)

    def rule(actor: Actor, action: str) -> Filter:
        if action == "view":
            return Q()
        return _station(actor, f"{p}community")

    return rule


def register_scopes() -> None:
    from .models import (
        Application,
        ApplicationEvent,
        Attendance,
        Course,
        Employer,
        Enrolment,
        MakerSales,
        Posting,
        Seeker,
        Session,
        Window,
    )

    register(Employer, _employers)
    register(Posting, _postings())
    register(Seeker, _seekers())
    register(Window, _seekers("seeker"))
    register(Application, _applications())
    register(ApplicationEvent, _applications("application"))
    register(Course, _courses())
    register(Session, _courses("course"))
    register(Enrolment, _seekers("seeker"))
    register(Attendance, _seekers("enrolment__seeker"))
    register(MakerSales, _seekers("seeker"))
