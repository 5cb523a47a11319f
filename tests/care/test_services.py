"""Registry, visits, events and the figures, through the services and the one selector."""

import datetime as dt

import pytest

from linli.care import rules, selectors, services
from linli.care.models import Recipient, RecipientLog
from linli.cases.models import Case
from linli.core.errors import Conflict, Forbidden, Invalid, NotFound
from linli.grid.models import Visit

CST = dt.timezone(dt.timedelta(hours=8))


def rows(w, as_of, actor=None):
    qs = Recipient.objects.all() if actor is None else selectors.recipients_for(actor)
    return {r.recipient.pk: r for r in selectors.status_rows(qs, as_of=as_of)}


def test_registry_tiers_from_rules_and_tags(care_world):
    w = care_world
    assert w["p_wang"].tier == rules.HIGH  # 85, lives alone
    assert w["p_liu"].categories == ["lives_alone"]  # from the ledger tag
    assert w["p_liu"].tier == rules.GENERAL  # under 80
    assert w["p_child"].tier == rules.KEY
    assert w["p_li"].categories == ["low_income"]


def test_register_twice_is_a_conflict_and_bad_category_invalid(care_world):
    w = care_world
    with pytest.raises(Conflict) as exc:
        services.recipient_register(actor=w["worker"], resident=w["residents"]["a"])
    assert exc.value.code == "care.already_registered"
    with pytest.raises(Invalid) as exc:
        services.recipient_register(
            actor=w["worker"], resident=w["residents"]["b"], categories=["nonsense"]
        )
    assert exc.value.code == "care.unknown_category"
    assert not Recipient.objects.filter(resident=w["residents"]["b"]).exists()


def test_register_out_of_scope_or_without_duty(care_world):
    w = care_world
    with pytest.raises(NotFound):
        services.recipient_register(actor=w["xt_worker"], resident=w["residents"]["b"])
    with pytest.raises(Forbidden):  # a 邻长 sees the resident but keeps no registry
        services.recipient_register(actor=w["leader_b"], resident=w["residents"]["b"])
    assert not Recipient.objects.filter(resident=w["residents"]["b"]).exists()


def test_override_needs_a_reason_and_is_logged(care_world):
    w = care_world
    p = w["p_liu"]
    with pytest.raises(Invalid) as exc:
        services.recipient_override(actor=w["worker"], recipient=p, tier=rules.HIGH, reason="  ")
    assert exc.value.code == "care.override_reason_required"
    p.refresh_from_db()
    assert p.tier == rules.GENERAL and not p.tier_override_reason
    services.recipient_override(
        actor=w["worker"], recipient=p, tier=rules.HIGH, reason="近期摔倒，行动不便"
    )
    p.refresh_from_db()
    assert (p.tier, p.derived_tier) == (rules.HIGH, rules.GENERAL)
    log = RecipientLog.objects.filter(recipient=p, action="override").get()
    assert (log.before, log.after, log.reason, log.actor) == (
        rules.GENERAL,
        rules.HIGH,
        "近期摔倒，行动不便",
        w["worker"],
    )
    # a change of categories keeps the override; clearing it returns to the rules
    services.recipient_change(
        actor=w["worker"],
        recipient=p,
        categories=["lives_alone", "low_income"],
        serious_illness=False,
    )
    p.refresh_from_db()
    assert p.tier == rules.HIGH
    services.recipient_override_clear(actor=w["worker"], recipient=p)
    p.refresh_from_db()
    assert p.tier == rules.GENERAL
    with pytest.raises(NotFound):  # another community's worker: as if missing
        services.recipient_override(actor=w["xt_worker"], recipient=p, tier="key", reason="x")


def test_visit_by_the_leader_counts_and_stores_findings(care_world):
    w = care_world
    visit = services.care_visit_record(
        actor=w["leader_a"],
        recipients=[w["p_wang"]],
        visited_on=dt.date(2026, 2, 3),
        mode="phone",
        health="血压偏高",
        living="独自居住，屋内整洁",
        needs="",
        follow_up="下周上门",
    )
    assert isinstance(visit, Visit)
    assert (visit.mode, visit.household, visit.met) == ("phone", w["households"]["102"], "王桂兰")
    assert list(visit.care_recipients.all()) == [w["p_wang"]]
    r = rows(w, dt.date(2026, 2, 5))[w["p_wang"].pk]
    assert r.last_visit == dt.date(2026, 2, 3)
    assert r.window.latest == dt.date(2026, 2, 10) and r.status == rules.OK
    assert r.visited_this_month and r.visitor_id == w["leader_a"].pk


def test_a_need_becomes_a_case(care_world):
    w = care_world
    visit = services.care_visit_record(
        actor=w["leader_a"],
        recipients=[w["p_liu"]],
        visited_on=dt.date(2026, 2, 3),
        needs="卫生间扶手松动，需要维修",
        case_category="facility_safety",
    )
    case = visit.follow_up_case
    assert case is not None and case.household == w["households"]["101"]
    assert "扶手" in case.description and case.on_behalf_of == w["residents"]["a"]
    with pytest.raises(Invalid) as exc:
        services.care_visit_record(
            actor=w["leader_a"],
            recipients=[w["p_liu"]],
            visited_on=dt.date(2026, 2, 3),
            case_category="other",
        )
    assert exc.value.code == "care.need_required"


@pytest.mark.parametrize("who", ["leader_b", "xt_worker", "resident_a", "committee", "department"])
def test_visit_outside_scope_changes_nothing(care_world, who):
    w = care_world
    before = (Visit.objects.count(), Case.objects.count())
    with pytest.raises(NotFound):
        services.care_visit_record(
            actor=w[who],
            recipients=[w["p_wang"]],
            visited_on=dt.date(2026, 2, 3),
            needs="x",
            case_category="other",
        )
    assert (Visit.objects.count(), Case.objects.count()) == before


def test_visit_in_the_future_changes_nothing(care_world):
    w = care_world
    with pytest.raises(Invalid) as exc:
        services.care_visit_record(
            actor=w["leader_a"],
            recipients=[w["p_wang"]],
            visited_on=dt.date(2026, 2, 4),
            today=dt.date(2026, 2, 3),
        )
    assert exc.value.code == "grid.visit_in_future"
    assert not Visit.objects.exists()


def test_a_paired_visitor_sees_and_visits_only_their_pair(care_world):
    w = care_world
    services.recipient_pair(
        actor=w["worker"], recipient=w["p_wang"], partner=w["partner"], kind="party_member"
    )
    seen = rows(w, dt.date(2026, 2, 5), actor=w["partner"])
    assert list(seen) == [w["p_wang"].pk]
    assert seen[w["p_wang"].pk].visitor_id == w["partner"].pk
    visit = services.care_visit_record(
        actor=w["partner"],
        recipients=[w["p_wang"]],
        visited_on=dt.date(2026, 2, 3),
        needs="想申请助餐服务",
        case_category="other",
    )
    assert visit.follow_up_case.reporter is None  # reported for the grid, on her behalf
    with pytest.raises(NotFound):
        services.care_visit_record(
            actor=w["partner"], recipients=[w["p_liu"]], visited_on=dt.date(2026, 2, 3)
        )
    # the 邻长 no longer owes her visits, but still sees her
    mine = selectors.rows_for_visitor(actor=w["leader_a"], as_of=dt.date(2026, 2, 5))
    assert w["p_wang"].pk not in [r.recipient.pk for r in mine["mine"]]
    assert w["p_wang"].pk in [r.recipient.pk for r in mine["rows"]]


def test_event_makes_high_risk_due_within_24_hours(care_world):
    w = care_world
    services.care_visit_record(
        actor=w["leader_a"],
        recipients=[
            w["p_wang"],
        ],
        visited_on=dt.date(2026, 2, 2),
    )
    services.care_visit_record(
        actor=w["leader_a"], recipients=[w["p_liu"]], visited_on=dt.date(2026, 2, 2)
    )
    services.event_declare(
        actor=w["county"],
        region=w["community"].parent.parent,
        kind="cold_wave",
        title="寒潮蓝色预警",
        declared_at=dt.datetime(2026, 2, 3, 9, 0, tzinfo=CST),
    )
    day1 = rows(w, dt.date(2026, 2, 3))
    assert day1[w["p_wang"].pk].status == rules.DUE and day1[w["p_wang"].pk].window.event
    assert day1[w["p_liu"].pk].status == rules.OK  # 一般: not moved
    assert rows(w, dt.date(2026, 2, 5))[w["p_wang"].pk].status == rules.OVERDUE
    services.care_visit_record(
        actor=w["leader_a"], recipients=[w["p_wang"]], visited_on=dt.date(2026, 2, 4), mode="video"
    )
    assert rows(w, dt.date(2026, 2, 5))[w["p_wang"].pk].status == rules.OK


def test_event_out_of_scope_or_without_duty(care_world, regions):
    w = care_world
    from linli.care.models import Event

    with pytest.raises(NotFound):
        services.event_declare(
            actor=w["xt_worker"], region=w["community"], kind="heat", title="高温"
        )
    with pytest.raises(Forbidden):
        services.event_declare(
            actor=w["leader_a"], region=w["community"], kind="heat", title="高温"
        )
    with pytest.raises(NotFound):  # a community worker declares for its community, not the town
        services.event_declare(actor=w["worker"], region=regions["town"], kind="heat", title="高温")
    with pytest.raises(Invalid):
        services.event_declare(actor=w["worker"], region=w["community"], kind="heat", title=" ")
    assert not Event.objects.exists()


def test_monthly_rate_and_summary(care_world):
    w = care_world
    services.care_visit_record(
        actor=w["leader_a"], recipients=[w["p_wang"]], visited_on=dt.date(2026, 1, 31)
    )
    services.care_visit_record(
        actor=w["leader_a"], recipients=[w["p_liu"]], visited_on=dt.date(2026, 2, 1)
    )
    services.care_visit_record(
        actor=w["leader_b"], recipients=[w["p_child"]], visited_on=dt.date(2026, 2, 27)
    )
    xd = selectors.community_rows(
        actor=w["worker"], community=w["community"], as_of=dt.date(2026, 2, 28)
    )
    s = selectors.summarise(xd)
    assert s["registered"] == 3 and s["visited_this_month"] == 2
    assert s["monthly_visit_rate"] == "0.667"
    # 王桂兰 (weekly) last seen 31 January: due by 7 February, overdue on the 28th
    assert s["overdue"] == 1 and s["by_tier"]["high"]["overdue"] == 1
    assert s["by_tier"]["key"] == {
        "registered": 1,
        "due": 0,
        "overdue": 0,
        "visited_this_month": 1,
        "monthly_visit_rate": "1.000",
    }
    # the same people on 1 March: a new month, nobody visited yet
    march = selectors.summarise(
        selectors.community_rows(
            actor=w["worker"], community=w["community"], as_of=dt.date(2026, 3, 1)
        )
    )
    assert march["visited_this_month"] == 0 and march["monthly_visit_rate"] == "0.000"
    cells = {c["grid"].name: c for c in selectors.rates_by_cell(xd)}
    assert cells["第1邻"]["monthly_visit_rate"] == "0.500"
    assert cells["第2邻"]["monthly_visit_rate"] == "1.000"
    assert cells["第1组"]["registered"] == 3


def test_left_registry_not_counted(care_world):
    w = care_world
    services.recipient_end(
        actor=w["worker"], recipient=w["p_liu"], reason="迁出", ended_on=dt.date(2026, 2, 10)
    )
    as_of_before = selectors.summarise(
        selectors.community_rows(
            actor=w["worker"], community=w["community"], as_of=dt.date(2026, 2, 9)
        )
    )
    as_of_after = selectors.summarise(
        selectors.community_rows(
            actor=w["worker"], community=w["community"], as_of=dt.date(2026, 2, 28)
        )
    )
    assert (as_of_before["registered"], as_of_after["registered"]) == (3, 2)


def test_sync_from_tags(care_world, regions):
    w = care_world
    from linli.ledger import services as ledger_services

    ledger_services.resident_save(
        household=w["households"]["201"],
        name="赵奶奶",
        id_number="430424194001015425",
        is_empty_nest=True,
    )
    assert services.registry_sync_from_tags(actor=w["worker"], community=w["community"]) == 1
    assert services.registry_sync_from_tags(actor=w["worker"], community=w["community"]) == 0
    with pytest.raises(NotFound):
        services.registry_sync_from_tags(actor=w["xt_worker"], community=w["community"])
