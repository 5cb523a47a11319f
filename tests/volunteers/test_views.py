"""The pages end to end: scan the QR code, check in and out; the organiser ticks the roll and
approves; the stats command."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from linli.volunteers import services
from linli.volunteers.models import PointEntry, RecordStatus, ServiceRecord, Shift

from .conftest import at

pytestmark = pytest.mark.django_db


def live_shift(w):
    now = timezone.now()
    return Shift.objects.create(
        activity=w["activity"],
        start=now - timezone.timedelta(minutes=30),
        end=now + timezone.timedelta(hours=1),
        places=5,
    )


def test_scan_check_in_and_out_on_the_phone(client, vworld):
    w = vworld
    shift = live_shift(w)
    client.force_login(w["worker"])
    roll = client.get(reverse("volunteers:roll", args=[shift.pk])).content.decode()
    assert "data:image/svg+xml" in roll and "/volunteers/checkin/" in roll
    token = services.checkin_token(shift)
    client.force_login(w["resident_a"])
    page = client.get(reverse("volunteers:checkin", args=[token]))
    assert "签到" in page.content.decode()
    client.post(reverse("volunteers:checkin", args=[token]), {"action": "in"})
    record = ServiceRecord.objects.get(shift=shift)
    assert record.status == RecordStatus.CHECKED_IN
    client.post(reverse("volunteers:checkin", args=[token]), {"action": "out"})
    record.refresh_from_db()
    assert record.status == RecordStatus.PENDING
    assert client.get(reverse("volunteers:checkin", args=["forged"])).status_code == 400


def test_the_organiser_ticks_the_roll_and_approves(client, vworld):
    w = vworld
    client.force_login(w["worker"])
    client.post(
        reverse("volunteers:roll", args=[w["shift"].pk]), {"present": [w["va"].pk, w["vb"].pk]}
    )
    records = list(ServiceRecord.objects.order_by("pk"))
    assert [r.minutes for r in records] == [150, 150]
    page = client.get(reverse("volunteers:approvals")).content.decode()
    assert "刘建国" in page and "赵志强" in page
    client.post(reverse("volunteers:approvals"), {"record": [r.pk for r in records]})
    assert set(ServiceRecord.objects.values_list("status", flat=True)) == {RecordStatus.APPROVED}
    assert PointEntry.objects.count() == 2


def test_a_correction_from_the_phone_and_decided_on_the_desk(client, vworld):
    w = vworld
    record = services.roll_record(
        actor=w["worker"], shift=w["shift"], volunteer=w["va"], check_in=at(9, 30), when=at(12)
    )
    client.force_login(w["resident_a"])
    client.post(
        reverse("volunteers:correction", args=[record.pk]),
        {"check_in": "2026-05-09T09:00", "check_out": "2026-05-09T11:30", "reason": "9点已到"},
    )
    correction = record.corrections.get()
    client.force_login(w["worker"])
    client.post(reverse("volunteers:approvals"), {"correction": correction.pk, "accept": "1"})
    record.refresh_from_db()
    assert record.minutes == 150 and record.status == RecordStatus.APPROVED


def test_stats_command_prints_one_json_object(vworld, capsys):
    w = vworld
    services.roll_record(actor=w["worker"], shift=w["shift"], volunteer=w["vb"], when=at(12))
    services.record_approve_batch(actor=w["worker"], records=list(ServiceRecord.objects.all()))
    call_command(
        "volunteers",
        "stats",
        "--community",
        "兴东社区",
        "--from",
        "2026-05-01",
        "--to",
        "2026-05-31",
        "--json",
    )
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "activities": 1,
        "person_times": 1,
        "volunteers": 1,
        "hours": "2.50",
        "party_member_person_times": 1,
    }


@pytest.mark.parametrize(
    "args",
    [
        ["--community", "无此社区", "--from", "2026-05-01", "--to", "2026-05-31"],
        ["--community", "兴东社区", "--from", "2026-13-01", "--to", "2026-05-31"],
        ["--community", "兴东社区", "--from", "2026-06-01", "--to", "2026-05-31"],
    ],
)
def test_stats_command_bad_arguments(vworld, capsys, args):
    with pytest.raises(SystemExit) as exc:
        call_command("volunteers", "stats", *args, "--json")
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and any("\u4e00" <= ch <= "\u9fff" for ch in captured.err)


def test_party_member_hours_on_the_party_page(client, vworld):
    from linli.party import services as party

    w = vworld
    org = party.organisation_create(
        community=w["community"], kind="general_branch", name="兴东社区党总支"
    )
    party.member_add(organisation=org, resident=w["residents"]["b"], shows_identity=True)
    record = services.roll_record(
        actor=w["worker"], shift=w["shift"], volunteer=w["vb"], when=at(12)
    )
    services.record_approve(actor=w["worker"], record=record)
    client.force_login(w["worker"])
    page = client.get(reverse("party:tree", args=[w["community"].pk])).content.decode()
    assert "志愿服务 2.50 小时" in page
