"""Two people closing one action, or adding agenda items to one meeting, at the same moment:
each thing happens once. PostgreSQL only (threads need a shared server database; see
tests/cases/test_concurrency.py)."""

import pytest

from linli.core.errors import DomainError
from linli.meetings import services
from linli.meetings.models import ActionProgress

from ..concurrency import postgres_only, race
from .conftest import D0, record

pytestmark = postgres_only


@pytest.mark.django_db(transaction=True)
def test_complete_and_cancel_at_once_close_once(world, meeting):
    a = record(meeting, world["worker"], deadline=D0)
    results = race(
        lambda: services.action_complete(actor=world["worker"], action=a, note="完成"),
        lambda: services.action_cancel(actor=world["county"], action=a, reason="取消"),
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1
    assert errors[0].code in ("meetings.action_closed", "meetings.action_cancelled")
    assert ActionProgress.objects.filter(action=a, kind__in=("done", "cancelled")).count() == 1


@pytest.mark.django_db(transaction=True)
def test_agenda_items_added_at_once_get_their_own_positions(world, meeting):
    results = race(
        *[
            (
                lambda i=i: services.agenda_item_add(
                    actor=world["worker"], meeting=meeting, title=f"议题{i}", problem="问题"
                )
            )
            for i in range(4)
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert sorted(meeting.agenda.values_list("position", flat=True)) == [1, 2, 3, 4]
