"""Two people (or two job runs) acting on one case at once: each thing happens once.

Threads need their own database connections, which share one committed database only on
PostgreSQL here; the SQLite test database is in memory per connection. On SQLite the same
guarantee comes from ``transaction_mode=IMMEDIATE`` (one writer at a time) plus the re-check
under the lock, which the sequential tests cover.
"""

import datetime as dt

import pytest

from linli.cases import services, tasks
from linli.cases.models import Case, CaseEvent, HandlerLevel
from linli.core.errors import DomainError

from ..concurrency import postgres_only, race

pytestmark = postgres_only
CST = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.django_db(transaction=True)
def test_two_people_resolving_at_once_resolve_once(world, report):
    case = services.case_accept(actor=world["leader_a"], case=report())
    results = race(
        lambda: services.case_resolve(actor=world["leader_a"], case=case, note="我来办"),
        lambda: services.case_resolve(actor=world["worker"], case=case, note="我也办"),
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].code == "cases.bad_transition"
    assert CaseEvent.objects.filter(case=case, action="resolve").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_escalations_from_the_same_version_escalate_once(world, report):
    case = services.case_accept(actor=world["leader_a"], case=report())
    v = case.version
    results = race(
        lambda: services.case_escalate(
            actor=world["leader_a"], case=case, reason="a", expected_version=v
        ),
        lambda: services.case_escalate(
            actor=world["worker"], case=case, reason="b", expected_version=v
        ),
    )
    assert sum(isinstance(r, DomainError) and r.code == "cases.stale" for r in results) == 1
    case.refresh_from_db()
    assert (case.level, case.escalations) == (HandlerLevel.GROUP, 1)


@pytest.mark.django_db(transaction=True)
def test_overlapping_job_runs_escalate_once(world, report):
    cases = [
        report(description=f"问题{i}", when=dt.datetime(2026, 9, 30, 16, tzinfo=CST))
        for i in range(5)
    ]
    results = race(*[lambda: tasks.check_deadlines.delay(today="2026-10-20").result] * 3)
    assert sum(r["escalated"] for r in results) == 5
    for case in Case.objects.filter(pk__in=[c.pk for c in cases]):
        assert (case.level, case.escalations) == (HandlerLevel.GROUP, 1)
    assert CaseEvent.objects.filter(action="overdue").count() == 5


@pytest.mark.django_db(transaction=True)
def test_the_same_client_key_twice_at_once_makes_one_case(world):
    from .conftest import category

    def submit():
        return services.case_report(
            actor=world["resident_a"],
            household=world["households"]["101"],
            category=category("sanitation"),
            description="垃圾满了",
            client_key="same",
        ).pk

    results = race(submit, submit, submit)
    assert len(set(results)) == 1
    assert Case.objects.count() == 1
