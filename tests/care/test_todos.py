"""待办: a care visit owed by its visitor (the 邻长 of the person's 邻, or the paired resident),
overdue first; not for another 邻's leader, not for the office, not in another community."""

from django.utils import timezone

from linli.care import services
from linli.core import todos
from linli.core.models import AccessLog


def visits(user):
    return [t for t in todos.items_for(user) if t.kind == "care.visit"]


def test_overdue_visits_wait_for_their_visitor(care_world):
    w = care_world  # registered 2026-01-05, never visited: overdue long since
    mine = visits(w["leader_a"])
    assert {t.url for t in mine} == {
        f"/care/person/{w['p_wang'].pk}/visit/",
        f"/care/person/{w['p_liu'].pk}/visit/",
    }
    assert all(t.overdue and t.when.startswith("已超期") for t in mine)
    assert any("王桂兰" in t.title for t in mine)
    assert [t.url for t in visits(w["leader_b"])] == [f"/care/person/{w['p_child'].pk}/visit/"]
    for outsider in ("worker", "xt_worker", "county", "committee", "resident_a"):
        assert visits(w[outsider]) == [], outsider
    assert todos.count_for(w["leader_a"]) >= 2
    assert AccessLog.objects.filter(user=w["leader_a"]).exists()  # names of the registry: logged


def test_a_visit_today_takes_it_off_the_list(care_world):
    w = care_world
    services.care_visit_record(
        actor=w["leader_a"],
        recipients=[w["p_liu"]],
        visited_on=timezone.localdate(),
        mode="phone",
        health="",
        living="",
        needs="",
        follow_up="",
    )
    assert [t.url for t in visits(w["leader_a"])] == [f"/care/person/{w['p_wang'].pk}/visit/"]
