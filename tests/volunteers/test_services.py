"""The hours rules, approvals, corrections, stars, points and recurring activities."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import signing

from linli.core.errors import Conflict, Forbidden, Invalid, NotFound
from linli.volunteers import selectors, services
from linli.volunteers.models import (
    Correction,
    PointEntry,
    RecordStatus,
    RewardItem,
    ServiceRecord,
    SignUpStatus,
)
from linli.volunteers.services import RollEntry

from .conftest import CST, at

pytestmark = pytest.mark.django_db


def checked_in_and_out(w, volunteer_user, t_in, t_out):
    services.record_check_in(actor=volunteer_user, shift=w["shift"], when=t_in)
    return services.record_check_out(actor=volunteer_user, shift=w["shift"], when=t_out)


# --- hours are actual service time, capped by the shift ----------------------------------------


def test_the_worked_examples_of_the_rules(vworld):
    w = vworld
    early = checked_in_and_out(w, w["resident_a"], at(8, 52), at(11, 40))
    assert early.minutes == 150 and early.hours == Decimal("2.50")
    assert early.status == RecordStatus.PENDING
    late = checked_in_and_out(w, w["resident_b"], at(9, 10), at(10, 55))
    assert late.minutes == 105 and late.hours == Decimal("1.75")


def test_check_out_before_check_in_is_refused_and_nothing_changes(vworld):
    w = vworld
    with pytest.raises(Conflict) as exc:
        services.record_check_out(actor=w["resident_a"], shift=w["shift"], when=at(10))
    assert exc.value.code == "volunteers.not_checked_in"
    assert not ServiceRecord.objects.exists()
    services.record_check_in(actor=w["resident_a"], shift=w["shift"], when=at(9, 30))
    with pytest.raises(Invalid) as exc:
        services.record_check_out(actor=w["resident_a"], shift=w["shift"], when=at(9, 20))
    assert exc.value.code == "volunteers.checkout_before_checkin"
    record = ServiceRecord.objects.get()
    assert record.status == RecordStatus.CHECKED_IN and record.check_out is None


def test_roll_times_in_the_wrong_order_are_refused(vworld):
    w = vworld
    with pytest.raises(Invalid) as exc:
        services.roll_record(
            actor=w["worker"],
            shift=w["shift"],
            volunteer=w["va"],
            check_in=at(11),
            check_out=at(10),
            when=at(12),
        )
    assert exc.value.code == "volunteers.checkout_before_checkin"
    assert not ServiceRecord.objects.exists()


def test_hours_beyond_the_shift_are_refused_and_the_whole_roll_with_them(vworld):
    w = vworld
    with pytest.raises(Invalid) as exc:
        services.roll_record_batch(
            actor=w["worker"],
            shift=w["shift"],
            entries=[
                RollEntry(w["va"], hours=Decimal("2")),
                RollEntry(w["vb"], hours=Decimal("3")),
            ],
            when=at(12),
        )
    assert exc.value.code == "volunteers.hours_beyond_shift"
    assert "超过班次时长2.50小时" in exc.value.message
    assert not ServiceRecord.objects.exists()


def test_a_roll_tick_without_times_counts_the_whole_shift_and_travel_never(vworld):
    w = vworld
    [a, b] = services.roll_record_batch(
        actor=w["worker"],
        shift=w["shift"],
        entries=[
            RollEntry(w["va"]),
            RollEntry(w["vb"], check_in=at(8), check_out=at(13)),  # came early, left late
        ],
        when=at(12),
    )
    assert a.minutes == b.minutes == 150
    assert {s.status for s in w["shift"].signups.all()} == {SignUpStatus.CONFIRMED}


def test_only_the_organiser_or_the_office_records(vworld):
    w = vworld
    for outsider in (w["leader_a"], w["resident_b"], w["other_worker"]):
        with pytest.raises(Forbidden):
            services.roll_record(actor=outsider, shift=w["shift"], volunteer=w["va"], when=at(12))
    assert not ServiceRecord.objects.exists()


# --- approval: 谁组织谁记录、谁记录谁证明 ------------------------------------------------------


def test_approving_ones_own_hours_is_refused(vworld):
    w = vworld
    own = services.volunteer_register(
        actor=w["worker"],
        community=w["community"],
        resident=w["residents"]["a2"],
        user=w["worker"],
    )
    record = services.roll_record(actor=w["worker"], shift=w["shift"], volunteer=own, when=at(12))
    with pytest.raises(Forbidden) as exc:
        services.record_approve(actor=w["worker"], record=record)
    assert exc.value.code == "volunteers.self_approval"
    record.refresh_from_db()
    assert record.status == RecordStatus.PENDING and not PointEntry.objects.exists()
    services.record_approve(actor=w["worker2"], record=record)
    record.refresh_from_db()
    assert record.status == RecordStatus.APPROVED and record.approved_by == w["worker2"]


def test_approval_earns_points_at_the_configured_rate(vworld, settings):
    settings.LINLI_VOLUNTEER_POINTS_PER_HOUR = 10
    w = vworld
    record = checked_in_and_out(w, w["resident_a"], at(9, 10), at(10, 55))
    services.record_approve(actor=w["worker"], record=record)
    assert services.points_balance(w["va"]) == 18  # 1.75 h × 10 = 17.5 → 18
    with pytest.raises(Conflict):
        services.record_approve(actor=w["worker"], record=record)
    assert services.points_balance(w["va"]) == 18


def test_an_approved_record_changes_only_through_a_correction(vworld):
    w = vworld
    record = checked_in_and_out(w, w["resident_a"], at(9, 10), at(10, 55))
    services.record_approve(actor=w["worker"], record=record)
    with pytest.raises(Conflict) as exc:
        services.roll_record(actor=w["worker"], shift=w["shift"], volunteer=w["va"], when=at(12))
    assert exc.value.code == "volunteers.record_approved"
    record.refresh_from_db()
    assert record.minutes == 105


# --- corrections ------------------------------------------------------------------------------


def test_a_correction_on_someone_elses_record_is_refused(vworld):
    w = vworld
    record = checked_in_and_out(w, w["resident_a"], at(9, 10), at(10, 55))
    with pytest.raises(Forbidden) as exc:
        services.correction_request(
            actor=w["resident_b"], record=record, reason="我记得", check_in=at(9), check_out=at(11)
        )
    assert exc.value.code == "volunteers.not_your_record"
    assert not Correction.objects.exists()
    with pytest.raises(NotFound):
        selectors.my_record(user=w["resident_b"], pk=record.pk)


def test_a_correction_needs_a_reason(vworld):
    w = vworld
    record = checked_in_and_out(w, w["resident_a"], at(9, 10), at(10, 55))
    with pytest.raises(Invalid):
        services.correction_request(
            actor=w["resident_a"], record=record, reason="  ", check_in=at(9), check_out=at(11)
        )
    assert not Correction.objects.exists()


def test_an_accepted_correction_changes_the_record_keeps_history_and_moves_points(vworld):
    w = vworld
    record = checked_in_and_out(w, w["resident_a"], at(9, 10), at(10, 55))
    services.record_approve(actor=w["worker"], record=record)
    assert services.points_balance(w["va"]) == 18
    correction = services.correction_request(
        actor=w["resident_a"],
        record=record,
        reason="手机没电，9点已到场",
        check_in=at(9),
        check_out=at(11, 45),
    )
    with pytest.raises(Conflict):
        services.correction_request(
            actor=w["resident_a"], record=record, reason="再来", check_in=at(9), check_out=at(11)
        )
    services.correction_decide(actor=w["worker"], correction=correction, accept=True)
    record.refresh_from_db()
    assert record.minutes == 150  # capped by the shift's end at 11:30
    assert record.status == RecordStatus.APPROVED
    assert services.points_balance(w["va"]) == 25
    kinds = list(PointEntry.objects.order_by("id").values_list("kind", "points"))
    assert kinds == [("service", 18), ("correction", 7)]
    history = list(
        record.history.order_by("history_date", "history_id").values_list("minutes", "status")
    )
    assert (105, "approved") in history and history[-1] == (150, "approved")
    assert record.history.first().history_change_reason.startswith("更正：手机没电")


def test_a_refused_correction_changes_nothing_but_needs_a_reason(vworld):
    w = vworld
    record = checked_in_and_out(w, w["resident_a"], at(9, 10), at(10, 55))
    correction = services.correction_request(
        actor=w["resident_a"], record=record, reason="早到", check_in=at(9), check_out=at(11)
    )
    with pytest.raises(Invalid):
        services.correction_decide(actor=w["worker"], correction=correction, accept=False)
    services.correction_decide(
        actor=w["worker"], correction=correction, accept=False, note="签到记录为9:10"
    )
    record.refresh_from_db()
    assert record.minutes == 105 and record.status == RecordStatus.PENDING


def test_the_volunteer_cannot_decide_their_own_correction(vworld):
    w = vworld
    own = services.volunteer_register(
        actor=w["worker"], community=w["community"], resident=w["residents"]["a2"], user=w["worker"]
    )
    record = services.roll_record(actor=w["worker2"], shift=w["shift"], volunteer=own, when=at(12))
    correction = services.correction_request(
        actor=w["worker"], record=record, reason="早到", check_in=at(9), check_out=at(11)
    )
    with pytest.raises(Forbidden):
        services.correction_decide(actor=w["worker"], correction=correction, accept=True)


# --- stars ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "stars"),
    [
        (0, 0),
        (99, 0),
        (Decimal("99.99"), 0),
        (100, 1),
        (299, 1),
        (300, 2),
        (600, 3),
        (999, 3),
        (1000, 4),
        (1500, 5),
        (9999, 5),
    ],
)
def test_star_levels_from_cumulative_hours(settings, hours, stars):
    settings.LINLI_VOLUNTEER_STAR_HOURS = (100, 300, 600, 1000, 1500)
    assert services.star_level(hours) == stars


def test_star_levels_are_configurable(settings):
    settings.LINLI_VOLUNTEER_STAR_HOURS = (10, 20, 30, 40, 50)
    assert services.star_level(25) == 2


def test_the_summary_counts_approved_hours_only(vworld):
    w = vworld
    record = checked_in_and_out(w, w["resident_a"], at(9), at(11, 30))
    assert selectors.summary(w["va"])["hours"] == Decimal("0.00")
    services.record_approve(actor=w["worker"], record=record)
    s = selectors.summary(w["va"])
    assert s["hours"] == Decimal("2.50") and s["stars"] == 0 and s["points"] == 25


# --- sign-ups ---------------------------------------------------------------------------------


def test_sign_up_full_substitute_and_no_show(vworld):
    w = vworld
    before = at(9, day=8)
    shift = w["shift"]
    shift.places = 1
    shift.save()
    mine = services.signup_create(actor=w["resident_a"], shift=shift, when=before)
    with pytest.raises(Conflict) as exc:
        services.signup_create(actor=w["resident_b"], shift=shift, when=before)
    assert exc.value.code == "volunteers.shift_full"
    sub = services.signup_substitute(
        actor=w["resident_a"], signup=mine, substitute=w["vb"], when=before
    )
    mine.refresh_from_db()
    assert mine.status == SignUpStatus.SUBSTITUTED and sub.substitute_for == mine
    with pytest.raises(Conflict):  # not begun yet
        services.signup_no_show(actor=w["worker"], signup=sub, when=before)
    services.signup_no_show(actor=w["worker"], signup=sub, when=at(12))
    sub.refresh_from_db()
    assert sub.status == SignUpStatus.NO_SHOW


def test_confirm_and_decline_are_the_organisers(vworld):
    w = vworld
    signup = services.signup_create(actor=w["resident_a"], shift=w["shift"], when=at(9, day=8))
    with pytest.raises(Forbidden):
        services.signup_confirm(actor=w["resident_b"], signup=signup)
    services.signup_decline(actor=w["worker"], signup=signup)
    with pytest.raises(Conflict):
        services.record_check_in(actor=w["resident_a"], shift=w["shift"], when=at(9))


def test_a_non_volunteer_cannot_sign_up(vworld):
    with pytest.raises(Forbidden) as exc:
        services.signup_create(actor=vworld["leader_a"], shift=vworld["shift"], when=at(9, day=8))
    assert exc.value.code == "volunteers.not_a_volunteer"


# --- the check-in token -----------------------------------------------------------------------


def test_the_check_in_token_is_signed_and_expires(vworld, settings, monkeypatch):
    shift = vworld["shift"]
    token = services.checkin_token(shift)
    assert services.checkin_token_read(token) == shift
    with pytest.raises(Invalid) as exc:
        services.checkin_token_read(token[:-2] + "xx")
    assert exc.value.code == "volunteers.bad_token"
    settings.LINLI_VOLUNTEER_CHECKIN_MAX_AGE = 60
    real = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real() + 3600)
    with pytest.raises(Invalid) as exc:
        services.checkin_token_read(token)
    assert exc.value.code == "volunteers.token_expired"


# --- recurring activities ---------------------------------------------------------------------


def test_a_weekly_rule_makes_its_shifts(vworld):
    w = vworld
    activity = services.activity_create(
        actor=w["worker"],
        community=w["community"],
        title="周六巡逻",
        kind="patrol",
        place="小区",
        rrule="RRULE:FREQ=WEEKLY;BYDAY=SA;COUNT=4",
        first_start=dt.datetime(2026, 5, 2, 19, tzinfo=CST),
        duration=dt.timedelta(hours=2),
        places=6,
    )
    starts = [s.start.astimezone(CST) for s in activity.shifts.all()]
    assert [s.day for s in starts] == [2, 9, 16, 23] and all(s.hour == 19 for s in starts)
    until = services.expand_rrule(
        "FREQ=DAILY;UNTIL=20260505T235959", dt.datetime(2026, 5, 1, 8, tzinfo=CST)
    )
    assert len(until) == 5
    utc_until = services.expand_rrule(
        "FREQ=DAILY;UNTIL=20260503T000000Z", dt.datetime(2026, 5, 1, 8, tzinfo=CST)
    )
    assert len(utc_until) == 3  # 2026-05-03 00:00 UTC is 08:00 in Beijing: included


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ("FREQ=WEEKLY", "volunteers.bad_rrule"),  # no end
        ("FREQ=FORTNIGHTLY;COUNT=3", "volunteers.bad_rrule"),
        ("nonsense", "volunteers.bad_rrule"),
        ("FREQ=DAILY;COUNT=5000", "volunteers.rrule_too_long"),
        ("", "volunteers.bad_rrule"),
    ],
)
def test_a_bad_rule_is_a_clear_error_and_nothing_is_made(vworld, rule, code):
    w = vworld
    from linli.volunteers.models import Activity

    before = Activity.objects.count()
    with pytest.raises(Invalid) as exc:
        services.activity_create(
            actor=w["worker"],
            community=w["community"],
            title="x",
            kind="other",
            place="y",
            rrule=rule or " ",
            first_start=at(9),
            duration=dt.timedelta(hours=1),
        )
    assert exc.value.code in (code, "volunteers.no_shifts")
    assert Activity.objects.count() == before


# --- points and the 积分超市 ------------------------------------------------------------------


def test_redeeming_more_than_the_balance_or_the_stock_is_refused(vworld):
    w = vworld
    services.award_grant(
        actor=w["worker"],
        volunteer=w["va"],
        title="优秀志愿者",
        date=dt.date(2026, 5, 1),
        issuer="兴东社区",
        points=30,
    )
    soap = services.reward_item_create(
        actor=w["worker"], community=w["community"], name="肥皂", points=20, stock=1
    )
    rice = services.reward_item_create(
        actor=w["worker"], community=w["community"], name="大米", points=50, stock=9
    )
    with pytest.raises(Conflict) as exc:
        services.points_redeem(actor=w["resident_a"], volunteer=w["va"], item=rice)
    assert exc.value.code == "volunteers.insufficient_points"
    with pytest.raises(Conflict) as exc:
        services.points_redeem(actor=w["resident_a"], volunteer=w["va"], item=soap, quantity=2)
    assert exc.value.code == "volunteers.out_of_stock"
    assert services.points_balance(w["va"]) == 30
    services.points_redeem(actor=w["resident_a"], volunteer=w["va"], item=soap)
    assert services.points_balance(w["va"]) == 10
    assert RewardItem.objects.get(pk=soap.pk).stock == 0
    with pytest.raises(Conflict):
        services.points_redeem(actor=w["resident_a"], volunteer=w["va"], item=soap)
    with pytest.raises(Forbidden):  # someone else's points
        services.points_redeem(actor=w["resident_b"], volunteer=w["va"], item=rice)


def test_the_points_ledger_is_append_only(vworld):
    w = vworld
    services.award_grant(
        actor=w["worker"],
        volunteer=w["va"],
        title="表彰",
        date=dt.date(2026, 5, 1),
        issuer="兴东社区",
        points=5,
    )
    entry = PointEntry.objects.get()
    entry.points = 500
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        PointEntry.objects.update(points=1)
    with pytest.raises(TypeError):
        PointEntry.objects.all().delete()
    assert services.points_balance(w["va"]) == 5


# --- registration -----------------------------------------------------------------------------


def test_a_volunteer_number_is_unique_and_stable(vworld):
    w = vworld
    numbers = {w["va"].number, w["vb"].number}
    assert len(numbers) == 2 and all(n.startswith("ZY") for n in numbers)
    w["va"].refresh_from_db()
    assert w["va"].number in numbers
    with pytest.raises(Conflict):
        services.volunteer_register(
            actor=w["worker"], community=w["community"], resident=w["residents"]["a"]
        )
    assert w["va"].is_party_member is False and w["vb"].is_party_member is True


def test_a_resident_of_another_community_is_refused(vworld, regions):
    w = vworld
    with pytest.raises(Invalid):
        services.volunteer_register(
            actor=w["other_worker"], community=regions["xintang"], resident=w["residents"]["a2"]
        )
    with pytest.raises(Forbidden):
        services.volunteer_register(
            actor=w["other_worker"], community=w["community"], resident=w["residents"]["a2"]
        )


def test_stats_count_approved_records_only(vworld):
    w = vworld
    a = checked_in_and_out(w, w["resident_a"], at(9), at(11, 30))
    checked_in_and_out(w, w["resident_b"], at(9, 10), at(10, 55))
    services.record_approve(actor=w["worker"], record=a)
    figures = selectors.stats(
        community=w["community"], start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31)
    )
    assert figures == {
        "activities": 1,
        "person_times": 1,
        "volunteers": 1,
        "hours": "2.50",
        "party_member_person_times": 0,
    }
    b = ServiceRecord.objects.get(volunteer=w["vb"])
    services.record_approve(actor=w["worker"], record=b)
    figures = selectors.stats(
        community=w["community"], start=dt.date(2026, 5, 9), end=dt.date(2026, 5, 9)
    )
    assert figures["hours"] == "4.25" and figures["party_member_person_times"] == 1
    assert (
        selectors.stats(
            community=w["community"], start=dt.date(2026, 5, 10), end=dt.date(2026, 6, 1)
        )["person_times"]
        == 0
    )
    assert CST  # the fixture's zone
