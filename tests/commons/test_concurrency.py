"""Two committee members approving entries of the same account at the same moment: the row
lock on the account gives each its own sequence number and one unbroken chain; the same entry
approved twice at once is posted once.

Threads need their own connections sharing one committed database: PostgreSQL only (on
SQLite, ``IMMEDIATE`` transactions admit one writer at a time).
"""

import pytest

from linli.commons import services
from linli.commons.chain import verify_chain
from linli.commons.models import Entry, EntryStatus
from linli.core.errors import DomainError

from ..concurrency import postgres_only, race

pytestmark = postgres_only


@pytest.mark.django_db(transaction=True)
def test_simultaneous_approvals_make_one_consistent_chain(world, enter):
    for round_ in range(3):
        entries = [enter(amount=f"{100 + i}.00", description=f"{round_}-{i}") for i in range(4)]
        approvers = [world["committee_a"], world["committee_b"]] * 2
        results = race(
            *[
                (lambda e=e, who=who: services.entry_approve(actor=who, entry=e).sequence)
                for e, who in zip(entries, approvers, strict=True)
            ]
        )
        assert all(isinstance(r, int) for r in results), results
    sequences = list(
        Entry.objects.filter(status=EntryStatus.APPROVED)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, 13))
    report = verify_chain(world["account"])
    assert report.ok and report.checked == 12, report.problems


@pytest.mark.django_db(transaction=True)
def test_the_same_entry_approved_twice_at_once_is_posted_once(world, enter):
    entry = enter()
    results = race(
        lambda: services.entry_approve(actor=world["committee_a"], entry=entry).sequence,
        lambda: services.entry_approve(actor=world["committee_b"], entry=entry).sequence,
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].code == "commons.not_pending"
    world["account"].refresh_from_db()
    assert world["account"].head_sequence == 1
    assert verify_chain(world["account"]).ok


@pytest.mark.django_db(transaction=True)
def test_two_reversals_of_one_entry_at_once_make_one(world, post):
    original = post()
    results = race(
        lambda: services.entry_reverse(actor=world["worker"], entry=original, reason="a").pk,
        lambda: services.entry_reverse(actor=world["committee_a"], entry=original, reason="b").pk,
    )
    assert sum(isinstance(r, DomainError) for r in results) == 1
    assert Entry.objects.filter(reverses=original).count() == 1
