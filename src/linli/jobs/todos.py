"""The jobs app's to-dos: the station's applications waiting for their next step, and an
employer's applicants to see (推荐 not yet interviewed), oldest first."""

from __future__ import annotations

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


def station_items(user) -> list[todos.Todo]:
    qs = _station_qs(user).select_related("posting").order_by("updated_at")[:50]
    return [
        todos.Todo(
            kind="jobs.pipeline",
            title=f"{a.posting.title}：申请#{a.pk} 待{_next(a.stage)}",
            url=reverse("jobs:station_posting", args=[a.posting_id]),
            since=a.updated_at,
        )
        for a in qs
    ]


def employer_items(user) -> list[todos.Todo]:
    qs = _employer_qs(user).select_related("posting").order_by("updated_at")[:50]
    return [
        todos.Todo(
            kind="jobs.applicants",
            title=f"{a.posting.title}：驿站推荐的求职者待面试",
            url=reverse("jobs:employer"),
            since=a.updated_at,
        )
        for a in qs
    ]


def _next(stage: str) -> str:
    return {Stage.RECOMMENDED: "面试", Stage.INTERVIEW: "录用决定", Stage.OFFERED: "上岗"}[
        Stage(stage)
    ]


def register() -> None:
    todos.register("jobs.pipeline", station_items, count=_station_qs, group="就业驿站")
    todos.register(
        "jobs.applicants",
        employer_items,
        count=_employer_qs,
        group="招聘",
    )
