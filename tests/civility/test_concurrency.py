"""PostgreSQL: two members of one household voting at the same moment get one vote."""

import pytest

from linli.accounts.models import Role
from linli.civility import services
from linli.civility.models import Kind, Vote
from linli.core.errors import Conflict

from ..concurrency import postgres_only, race
from ..factories import make_user
from .conftest import full_marks, on

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_one_vote_per_household_when_two_members_vote_at_once(cworld):
    w = cworld
    spouse = make_user("jumin_a_spouse", Role.RESIDENT, w["community"], "居民A家属")
    spouse.profile.household = w["households"]["101"]
    spouse.profile.save()
    first = services.nomination_create(
        actor=w["leader_a"],
        campaign=w["family"],
        household=w["households"]["102"],
        reason="家庭和睦热心公益",
        when=on(5),
    )
    second = services.nomination_create(
        actor=w["leader_b"],
        campaign=w["family"],
        household=w["households"]["201"],
        reason="孝老爱亲邻里互助",
        when=on(5),
    )
    for n in (first, second):
        services.nomination_score(
            actor=w["group_leader"], nomination=n, points=full_marks(Kind.BEAUTIFUL_FAMILY)
        )
    for _ in range(5):
        Vote.objects.all().delete()
        results = race(
            lambda: services.vote_cast(actor=w["resident_a"], nomination=first, when=on(12)),
            lambda: services.vote_cast(actor=spouse, nomination=second, when=on(12)),
        )
        refused = [r for r in results if isinstance(r, Conflict)]
        assert len(refused) == 1 and refused[0].code == "civility.already_voted"
        assert Vote.objects.filter(household=w["households"]["101"]).count() == 1
