"""The demo year of public accounts runs through the services: chains verify, quarters are
published, one correction is a reversing entry, a draft is rejected with its reason, the last
fortnight waits for approval; the same seed gives the same year; clear_demo removes it all."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model

from linli.commons.chain import verify_chain
from linli.commons.models import Entry, EntryStatus, Notice, PublicAccount
from linli.demo import commons as demo
from linli.ledger import services as ledger_services

from .conftest import CST

NOW = dt.datetime(2026, 11, 26, 0, tzinfo=CST)


def test_demo_year(regions, xingdong_worker):
    community = regions["xingdong"]
    for name, rooms in (("粮站宿舍", 60), ("化肥厂生活区", 150)):
        compound = ledger_services.compound_create(community=community, name=name)
        for i in range(rooms):
            ledger_services.household_ensure(
                compound=compound,
                building=f"{i // 20 + 1}栋",
                unit="1单元",
                room=f"{i % 20 + 101}",
                area=Decimal("75.50"),
            )
    lines = demo.build_demo(community=community, seed=7, now=NOW)
    assert lines[0].startswith("公共收益：账户 2 个") and "已公示 3 期" in lines[0]
    assert PublicAccount.objects.count() == 2
    for account in PublicAccount.objects.all():
        report = verify_chain(account)
        assert report.ok and report.checked > 30, report.problems
        assert list(account.notices.values_list("year", "quarter").order_by("year", "quarter")) == [
            (2026, 1),
            (2026, 2),
            (2026, 3),
        ]
        assert account.closed_through == dt.date(2026, 9, 30)
    reversal = Entry.objects.get(reverses__isnull=False)
    assert reversal.status == EntryStatus.APPROVED and reversal.date > dt.date(2026, 9, 30)
    assert reversal.reverses.date <= dt.date(2026, 9, 30)
    assert Entry.objects.filter(status=EntryStatus.REJECTED).exclude(reject_reason="").count() == 1
    assert Entry.objects.filter(status=EntryStatus.PENDING).exists()
    assert not Entry.objects.filter(entered_at__gte=NOW).exists()
    assert not Entry.objects.filter(decided_at__gte=NOW).exists()
    assert get_user_model().objects.filter(username__startswith="yeweihui-").count() == 2
    # every account's balance is not negative at any published quarter end
    for n in Notice.objects.all():
        assert Decimal(n.snapshot["closing"]) >= 0
    figures = list(
        Entry.objects.order_by("account__compound__name", "sequence", "id").values_list(
            "kind", "amount", "date"
        )
    )

    demo.clear_demo(regions["town"])
    assert not PublicAccount.objects.exists() and not Entry.objects.exists()
    assert not Notice.objects.exists()
    again = demo.build_demo(community=community, seed=7, now=NOW)
    assert again == lines
    assert figures == list(
        Entry.objects.order_by("account__compound__name", "sequence", "id").values_list(
            "kind", "amount", "date"
        )
    )
