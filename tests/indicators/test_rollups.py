"""Kept values follow the changes: after a random mix of changes through the services, a
refresh leaves every kept (place, month) equal to a from-scratch recomputation."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.indicators import rollups
from linli.indicators.context import Place
from linli.indicators.models import Dirty, Value
from linli.indicators.registry import Month

from .conftest import MARCH, at

pytestmark = pytest.mark.django_db


def _kept_places() -> list[tuple[Place, Month]]:
    out = []
    for place in rollups.all_places():
        field = f"{place.kind}_id"
        for month in Value.objects.filter(**{field: place.id}).values_list("month", flat=True):
            out.append((place, Month.of(month)))
    return sorted(set(out), key=lambda pm: (pm[0].kind, pm[0].id, str(pm[1])))


def _stale() -> list[str]:
    """Every kept (place, month) whose values differ from a recomputation."""
    differ = []
    for place, month in _kept_places():
        kept = rollups.kept(place, month)
        fresh = rollups.compute(place, month)
        if kept != fresh:
            diff = {c: (kept.get(c) if kept else None, v) for c, v in fresh.items()}
            diff = {c: pair for c, pair in diff.items() if pair[0] != pair[1]}
            differ.append(f"{place.kind} {place.name} {month}: {diff}")
    return differ


def _changes(w) -> dict:  # noqa: C901 (one small function per change)
    """Each a change through a service, as a later user would make it (now, or backdated
    to March where the service takes a date)."""
    from linli.care import services as care_services
    from linli.cases import services as case_services
    from linli.commons import services as commons_services
    from linli.commons.models import Entry
    from linli.finance import services as finance_services
    from linli.grid import services as grid_services
    from linli.ledger import services as ledger_services
    from linli.volunteers import services as volunteer_services
    from linli.volunteers.models import RecordStatus, ServiceRecord

    h, r, worker = w["households"], w["residents"], w["worker"]

    def report():
        case_services.case_report(
            actor=worker, household=h["102"], category="sanitation", description="路灯坏了"
        )

    def resolve_c2():
        case_services.case_resolve(actor=w["leader_a"], case=w["cases"]["c2"], note="已修好")

    def pay_201():
        finance_services.payment_record(
            actor=worker, household=h["201"], amount="25.00", method="cash"
        )

    def bill_this_month():
        finance_services.bill_run(
            actor=worker, period_start=str(Month.current()), compound=w["compound"]
        )

    def visit_wang_in_march():
        care_services.care_visit_record(
            actor=w["town"],
            recipients=[w["care"]["wang"]],
            visited_on=dt.date(2026, 3, 28),
            met="本人",
        )

    def visit_liu_today():
        care_services.care_visit_record(
            actor=w["town"], recipients=[w["care"]["liu"]], visited_on=timezone.localdate()
        )

    def end_li():
        care_services.recipient_end(actor=w["town"], recipient=w["care"]["li"], reason="迁出")

    def approve_pending_record():
        pending = ServiceRecord.objects.filter(status=RecordStatus.PENDING)
        volunteer_services.record_approve_batch(actor=worker, records=list(pending))

    def new_post_b():
        grid_services.post_assign(grid=w["n_b"], resident=r["b"], reason="复任")

    def vacate_a():
        grid_services.post_vacate(grid=w["n_a"], reason="卸任")

    def new_household():
        new = ledger_services.household_ensure(
            compound=w["compound"], building="1栋", unit="1单元", room="301", area=Decimal("80")
        )
        grid_services.household_assign(household=new, neighbour=w["n_b"])

    def party_member_201():
        r["b"].is_party_member = True
        r["b"].save()

    def approve_advertising():
        entry = Entry.objects.get(kind="advertising")
        commons_services.entry_approve(actor=w["committee"], entry=entry)

    def sanwu_again():
        ledger_services.compound_update(
            compound=w["compound"], property_service="none", property_company="", reason="撤出"
        )

    def unrate_nothing_march_case():
        case_services.case_report(
            actor=worker,
            household=h["201"],
            category="sanitation",
            description="补录三月的诉求",
            when=at(3, 30),
        )

    def infra_done():
        from linli.infra.models import Problem, Stage

        problem = Problem.objects.get(title="路灯不亮")
        problem.stage, problem.actual = Stage.DONE, Decimal("1800.00")
        problem.save()

    def station_drops_an_item():  # an offer deleted
        from linli.services import services as point_services
        from linli.services.models import Point

        station = Point.objects.get(name="兴东社区服务站")
        code = station.items.order_by("code").values_list("code", flat=True).first()
        point_services.point_items_set(actor=worker, point=station, item_codes=[code])

    def hall_offers_both():  # offers bulk-inserted (no signal): core.changes
        from django.contrib.auth import get_user_model

        from linli.services import services as point_services
        from linli.services.models import Item, Point

        point_services.point_items_set(
            actor=get_user_model().objects.get(username="ind_county"),
            point=Point.objects.get(name="衡东县政务服务中心"),
            item_codes=list(Item.objects.values_list("code", flat=True)),
        )

    def close_station():
        from linli.services import services as point_services
        from linli.services.models import Point

        station = Point.objects.get(name="兴东社区服务站")
        point_services.point_update(actor=worker, point=station, active=False)

    def leave_job():  # the posting's opening given back by a bulk update, then the save
        from linli.jobs import services as job_services
        from linli.jobs.models import Application

        application = Application.objects.get(posting__title="手工编织")
        job_services.application_advance(actor=worker, application=application, to="left")

    def sales_in_march():
        from linli.jobs.models import MakerSales, Seeker

        seeker = Seeker.objects.get(resident=r["a"])
        MakerSales.objects.create(seeker=seeker, month=dt.date(2026, 3, 1), amount="800.00")

    return {f.__name__: f for f in (
        infra_done, station_drops_an_item, hall_offers_both, close_station, leave_job,
        sales_in_march,
        report, resolve_c2, pay_201, bill_this_month, visit_wang_in_march, visit_liu_today,
        end_li, approve_pending_record, new_post_b, vacate_a, new_household, party_member_201,
        approve_advertising, sanwu_again, unrate_nothing_march_case,
    )}  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2])
def test_kept_values_equal_a_recomputation_after_random_changes(world, seed):
    kept = rollups.rebuild(first=Month(2026, 2), last=Month.current())
    assert kept > 0 and not _stale()
    changes = _changes(world)
    rng = random.Random(seed)
    names = rng.sample(sorted(changes), k=len(changes))
    for name in names:
        changes[name]()
    assert Dirty.objects.exists()  # the changes marked their pairs
    assert _stale(), "the changes should have made some kept values stale"
    assert rollups.refresh() > 0
    assert not Dirty.objects.exists()
    assert _stale() == []


def test_a_read_refreshes_what_it_needs_in_process(world):
    from linli.cases import services as case_services

    xingdong = Place.of_region(world["community"])
    before = rollups.values_for(xingdong, MARCH)
    assert before["cases.reported"] == 3
    case_services.case_report(
        actor=world["worker"],
        household=world["households"]["101"],
        category="sanitation",
        description="三月补录",
        when=at(3, 31),
    )
    assert Dirty.objects.filter(community=world["community"], month=MARCH.start).exists()
    assert rollups.values_for(xingdong, MARCH)["cases.reported"] == 4
    town = Place.of_region(world["regions"]["town"])
    assert rollups.values_for(town, MARCH)["cases.reported"] == 4


def test_nothing_is_marked_while_nothing_is_kept(world):
    from linli.cases import services as case_services

    case_services.case_report(
        actor=world["worker"],
        household=world["households"]["101"],
        category="sanitation",
        description="无保存值",
    )
    assert not Dirty.objects.exists()


def test_rebuild_equals_reads(world):
    rollups.rebuild(first=MARCH, last=MARCH)
    xingdong = Place.of_region(world["community"])
    assert rollups.kept(xingdong, MARCH) == rollups.compute(xingdong, MARCH)
    assert Value.objects.filter(month=MARCH.start).values("code").distinct().count() > 30


@pytest.mark.parametrize("change", ["hall_offers_both", "sales_in_march", "leave_job"])
def test_each_new_source_change_alone_is_followed(world, change):
    """The service points' bulk-inserted offers (``core.changes``), a 创客's sales, a
    placement ended: each alone marks and the refresh catches up."""
    changes = _changes(world)
    if change == "hall_offers_both":  # 居住证 then offered nowhere until the hall takes it
        changes["station_drops_an_item"]()
    rollups.rebuild(first=Month(2026, 2), last=Month.current())
    changes[change]()
    assert Dirty.objects.exists()
    assert _stale()
    rollups.refresh()
    assert _stale() == []
