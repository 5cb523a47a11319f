"""The jobs app's to-dos, one line a posting: for the station, the applications waiting for
their next step (推荐 → 面试 → 录用 → 上岗); for an employer's account, the people the station
put forward who have not been interviewed. Counted in SQL (the querysets go to the badge's one
statement); a line's ``count`` is its applications, so the lines add up to the badge."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse

from linli.core import todos
from linli.core.policy import Capability, can, restrict

from .models import Application, Stage


def _station_qs(user):
    if not can(user, Capability.JOBS_STATION):
        return Application.objects.none()
    return restrict(Application.objects.all(), user, "manage").filter(
        stage__in=(Stage.RECOMMENDED, Stage.INTERVIEW, Stage.OFFERED)
    )


def _employer_qs(user):
    if can(user, Capability.JOBS_STATION) or not can(user, Capability.JOBS_POST):
        return Application.objects.none()
    return Application.objects.filter(posting__employer__staff=user, stage=Stage.RECOMMENDED)


def _by_posting(qs):
    return (
        qs.order_by()
        .values("posting_id", "posting__title")
        .annotate(n=Count("pk"), since=Min("updated_at"))
        .order_by("since")
    )


def station_items(user) -> list[todos.Todo]:
    return [
        todos.Todo(
            kind="jobs.pipeline",
            title=f"{row['posting__title']}：{row['n']} 份申请待推进",
            url=reverse("jobs:station_posting", args=[row["posting_id"]]),
            count=row["n"],
            since=row["since"],
        )
        for row in _by_posting(_station_qs(user))
    ]


def employer_items(user) -> list[todos.Todo]:
    return [
        todos.Todo(
            kind="jobs.applicants",
            title=f"{row['posting__title']}：驿站推荐了 {row['n']} 人，待约面试",
            url=reverse("jobs:employer"),
            count=row["n"],
            since=row["since"],
        )
        for row in _by_posting(_employer_qs(user))
    ]


def register() -> None:
    todos.register("jobs.pipeline", station_items, count=_station_qs, group="就业驿站")
    todos.register("jobs.applicants", employer_items, count=_employer_qs, group="招聘")
