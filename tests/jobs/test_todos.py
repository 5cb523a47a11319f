"""To-dos: the station's applications waiting, one line a posting; the employer's account its
new recommendations; the lines add up to the badge; others see none."""

import pytest

from linli.core import todos
from linli.jobs import services

from .conftest import make_posting

pytestmark = pytest.mark.django_db


def test_todos_of_the_station_and_the_employer(jworld):
    w = jworld
    p = make_posting(w)
    for s in (w["sa"], w["sb"]):
        services.application_recommend(actor=w["worker"], seeker=s, posting=p)
    station = [t for t in todos.items_for(w["worker"]) if t.kind == "jobs.pipeline"]
    assert [(t.title, t.count) for t in station] == [("小区保洁员：2 份申请待推进", 2)]
    employer = [t for t in todos.items_for(w["manager"]) if t.kind == "jobs.applicants"]
    assert [t.count for t in employer] == [2]
    assert todos.count_for(w["manager"]) == 2
    for user in (w["other_worker"], w["resident_a"], w["leader_a"]):
        assert not [t for t in todos.items_for(user) if t.kind.startswith("jobs.")]
