"""Two ballots from the same owner sent at the same moment are recorded once (PostgreSQL).

Threads need their own connections sharing one committed database, which the SQLite test
database (in memory per connection) does not give; the sequential refusal of a second ballot
is covered in test_services.
"""

import pytest

from linli.core.errors import DomainError
from linli.selfgov import services
from linli.selfgov.models import Ballot, BallotEvent

from ..concurrency import postgres_only, race
from .conftest import OPEN

pytestmark = postgres_only


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("choices", [("yes", "yes"), ("yes", "no"), ("no", "abstain", "yes")])
def test_simultaneous_ballots_of_one_owner_recorded_once(world, announce, choices):
    vote = announce()
    owner = world["owners"]["王桂兰"]
    results = race(
        *(
            lambda c=c: services.ballot_cast(
                actor=world["wang"], vote=vote, owner=owner, choice=c, when=OPEN
            )
            for c in choices
        )
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    saved = [r for r in results if isinstance(r, Ballot)]
    assert len(saved) == 1 and len(errors) == len(choices) - 1
    assert {e.code for e in errors} == {"selfgov.already_voted"}
    assert Ballot.objects.filter(vote=vote, owner=owner).count() == 1
    assert BallotEvent.objects.filter(ballot__vote=vote).count() == 1
    assert Ballot.objects.get().choice == saved[0].choice


@pytest.mark.django_db(transaction=True)
def test_paper_and_online_at_once_recorded_once(world, announce):
    vote = announce()
    owner = world["owners"]["刘建国"]
    results = race(
        lambda: services.ballot_cast(
            actor=world["liu"], vote=vote, owner=owner, choice="yes", when=OPEN
        ),
        lambda: services.ballot_cast(
            actor=world["worker"], vote=vote, owner=owner, choice="no", channel="paper", when=OPEN
        ),
    )
    assert sum(isinstance(r, Ballot) for r in results) == 1
    assert Ballot.objects.filter(vote=vote, owner=owner).count() == 1


@pytest.mark.django_db(transaction=True)
def test_ballot_racing_the_close(world, announce):
    from .conftest import AFTER

    vote = announce()
    owner = world["owners"]["王桂兰"]
    services.ballot_cast(actor=world["wang"], vote=vote, owner=owner, choice="yes", when=OPEN)
    results = race(
        lambda: services.vote_close(actor=world["worker"], vote=vote, when=AFTER),
        lambda: services.ballot_change(
            actor=world["wang"], vote=vote, owner=owner, choice="no", when=OPEN
        ),
    )
    closed = next(r for r in results if not isinstance(r, (DomainError, Ballot)))
    ballot = Ballot.objects.get(vote=vote, owner=owner)
    # whichever came first, the stored result agrees with the kept ballot
    assert closed.result["yes_heads"] == (1 if ballot.choice == "yes" else 0)
