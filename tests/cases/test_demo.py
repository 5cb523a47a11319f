"""The demo year runs through the services: every case starts with its report event, steps
are in time order and never after "now", and the proportions are the article's."""

import datetime as dt

from linli.cases.models import Case, CaseEvent, CasePhoto
from linli.demo import cases as demo

NOW = dt.datetime(2026, 6, 30, 18, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_simulated_year_walks_the_loop(world):
    s = demo.simulate_year(community=world["community"], seed=7, reports=300, now=NOW)
    assert s.reported == Case.objects.count() == 300
    assert s.resolved >= 0.85 * s.reported  # 1,600+ of 1,800 in the article
    assert s.escalated > 0 and s.dispatched > 0 and s.merged > 0 and s.reopened > 0
    first = dict(CaseEvent.objects.filter(action="report").values_list("case_id", "at"))
    assert len(first) == 300
    for case_id, at in CaseEvent.objects.values_list("case_id", "at"):
        assert first[case_id] <= at <= NOW
    assert Case.objects.filter(reported_at__lt=NOW - dt.timedelta(days=360)).exists()
    # some reports come with a photo, stored re-encoded (the phone's EXIF and GPS are gone)
    photos = list(CasePhoto.objects.select_related("event"))
    assert photos and {p.event.action for p in photos} <= {"report", "resolve", "reply"}
    with photos[0].image.open("rb") as f:
        data = f.read()
    assert data.startswith(b"\xff\xd8\xff") and b"Exif" not in data and b"DemoPhone" not in data
    # a second run with the same seed gives the same year
    again = demo.simulate_year(community=world["community"], seed=7, reports=300, now=NOW)
    assert (again.reported, again.resolved, again.open) == (s.reported, s.resolved, s.open)
