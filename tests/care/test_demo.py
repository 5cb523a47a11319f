"""The care demo on a small world: everything through the services, figures consistent."""

import datetime as dt
import random

from linli.care import selectors
from linli.care.models import Event, Recipient
from linli.demo import care as care_demo
from linli.grid.models import Visit


def test_demo_on_a_small_world(grid_world, xingdong_worker, cases_seeded):
    w = grid_world
    lines = []
    today = dt.date(2026, 11, 20)
    out = care_demo.build(
        community=w["community"], today=today, rng=random.Random(7), say=lines.append
    )
    # 刘建国 (lives alone) is the one tagged person: registered, visited by 邻长 A
    assert out["registered"] == Recipient.objects.count() == 1
    visits = Visit.objects.filter(care_recipients__isnull=False)
    assert out["visits"] == visits.count() >= 3  # quarterly, from registration on
    assert set(visits.values_list("visitor", flat=True)) == {w["leader_a"].pk}
    assert all(v.visited_on < today for v in visits)
    assert out["events"] == Event.objects.count() > 0
    rows = selectors.status_rows(Recipient.objects.all(), as_of=today)
    assert selectors.summarise(rows)["monthly_visit_rate"] == out["monthly_visit_rate"]
    assert "关爱探访：名册 1 人" in lines[0]
    care_demo.clear(town=w["community"].parent)
    assert not Recipient.objects.exists() and not Event.objects.exists()
