"""Two people moving the same problem at the same moment: the row lock lets one step through
and the other is refused (the stage is then behind it), so a stage is never entered twice and
the public-income entry is posted once.

Threads need their own connections sharing one committed database: PostgreSQL only.
"""

import pytest

from linli.commons.models import Entry
from linli.core.errors import DomainError
from linli.infra import services
from linli.infra.models import ProblemEvent

from ..concurrency import postgres_only, race

pytestmark = postgres_only


@pytest.mark.django_db(transaction=True)
def test_the_same_step_twice_at_once_is_taken_once(world, add, county_official):
    p = add()
    results = race(
        lambda: services.problem_advance(actor=world["worker"], problem=p, to="argued").stage,
        lambda: services.problem_advance(actor=county_official, problem=p, to="argued").stage,
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    assert sorted(map(str, [r for r in results if not isinstance(r, DomainError)])) == ["argued"]
    assert [e.code for e in errors] == ["infra.stage_backwards"]
    p.refresh_from_db()
    assert p.version == 2
    assert ProblemEvent.objects.filter(problem=p, action="stage").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_public_income_entry_is_posted_once(world, approved):
    p = approved(shares=[("public_income", "900")])
    results = race(
        lambda: services.fund_entry_post(actor=world["worker"], problem=p).entry_id,
        lambda: services.fund_entry_post(actor=world["worker"], problem=p).entry_id,
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    assert [e.code for e in errors] == ["infra.entry_already_posted"]
    assert Entry.objects.count() == 1
