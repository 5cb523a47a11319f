"""Two placements racing for the last opening: one takes it, the other is refused and nothing
of it is written (PostgreSQL: threads need separate connections on one server)."""

import pytest

from linli.core.errors import Conflict
from linli.jobs import services
from linli.jobs.models import Application, ApplicationEvent, Posting, Stage

from ..concurrency import postgres_only, race
from .conftest import make_posting

pytestmark = postgres_only


@pytest.mark.django_db(transaction=True)
def test_the_last_opening_goes_once(jworld):
    w = jworld
    for _ in range(3):
        p = make_posting(w, total_openings=1, days=[], start_time=None, end_time=None)
        apps = []
        for s in (w["sa"], w["sb"]):
            a = services.application_recommend(actor=w["worker"], seeker=s, posting=p)
            for to in ("interview", "offered"):
                a = services.application_advance(actor=w["worker"], application=a, to=to)
            apps.append(a)
        results = race(
            lambda a=apps[0]: services.application_advance(
                actor=w["worker"], application=a, to="placed"
            ),
            lambda a=apps[1]: services.application_advance(
                actor=w["manager"], application=a, to="placed"
            ),
        )
        kinds = sorted(type(r).__name__ for r in results)
        assert kinds == ["Application", "Conflict"], results
        assert [r.code for r in results if isinstance(r, Conflict)] == ["jobs.no_openings"]
        assert Posting.objects.get(pk=p.pk).filled == 1
        assert Application.objects.filter(posting=p, stage=Stage.PLACED).count() == 1
        assert ApplicationEvent.objects.filter(application__posting=p, after="placed").count() == 1
