"""The jobs demo on a small world: everything through the services, figures read back."""

import datetime as dt
import random

from linli.demo import jobs as jobs_demo
from linli.jobs.models import Application, Employer, MakerSales, Posting, Seeker
from linli.ledger.models import Resident


def test_demo_on_a_small_world(grid_world, xingdong_worker):
    w = grid_world
    Resident.objects.filter(pk=w["residents"]["a"].pk).update(is_owner=True)
    Resident.objects.filter(pk=w["residents"]["b"].pk).update(is_party_member=True)
    lines = []
    today = dt.date(2026, 11, 20)
    out = jobs_demo.build(
        community=w["community"], today=today, rng=random.Random(7), say=lines.append
    )
    # 刘建国 (owner, 70) is too old for the property service's post; 赵志强 (party member, 44)
    # sells online; 王桂兰 (85) takes no course
    assert out["hired_in_own_compound"] == 0
    assert Seeker.objects.filter(is_maker=True).count() == 1
    assert MakerSales.objects.count() == 3
    assert out["more_income"] == 1 + Application.objects.filter(stage="placed").count() - 0
    assert "家门口就业（洣水镇）" in lines[0]
    assert all(p.filled <= p.total_openings for p in Posting.objects.all())
    jobs_demo.clear(town=w["community"].parent)
    assert not Seeker.objects.exists() and not Employer.objects.exists()
