"""Fees API: schedules, bill runs, household bills, idempotent payments, receipts and
collection rates; machine-readable errors; an isolation test for every endpoint."""

import pytest

from linli.finance.models import Bill, Payment

API = "/api/v1/finance"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_schedule_and_bill_run(client, fees):
    client.force_login(fees["worker"])
    r = client.get(f"{API}/schedules")
    assert r.status_code == 200 and r.json()[0]["price"] == "2.5"
    r = post(
        client,
        f"{API}/schedules",
        {
            "compound": fees["compound"].pk,
            "basis": "per_area",
            "price": "1",
            "valid_from": "2026-01",
            "use": "vacant",
        },
    )
    assert r.status_code == 201 and r.json()["use_label"] == "空置"
    r = post(
        client,
        f"{API}/bill-runs",
        {"period_start": "2026-01", "months": 12, "region": fees["community"].pk},
    )
    assert r.status_code == 201
    body = r.json()
    assert (body["bills_created"], body["amount_created"]) == (4, "9881.10")  # 3×2400 + 2681.10
    r = post(
        client,
        f"{API}/bill-runs",
        {"period_start": "2026-01", "months": 12, "compound": fees["compound"].pk},
    )
    assert (r.status_code, r.json()["bills_created"], r.json()["bills_existing"]) == (201, 0, 4)
    r = post(
        client, f"{API}/bill-runs", {"period_start": "2026-06", "compound": fees["compound"].pk}
    )
    assert r.status_code == 400
    assert r.json()["code"] == "finance.period_overlap" and r.json()["details"]


def test_schedule_errors(client, fees):
    client.force_login(fees["worker"])
    r = post(
        client,
        f"{API}/schedules",
        {
            "compound": fees["compound"].pk,
            "basis": "per_area",
            "price": "-1",
            "valid_from": "2026-01",
        },
    )
    assert (r.status_code, r.json()["code"]) == (400, "finance.bad_price")
    r = post(
        client,
        f"{API}/schedules",
        {
            "compound": fees["compound"].pk,
            "basis": "per_area",
            "price": "1",
            "valid_from": "2026-13",
        },
    )
    assert r.json()["code"] == "finance.bad_month"


def test_payment_is_idempotent_by_client_token(client, billed):
    client.force_login(billed["worker"])
    h = billed["households"]["101"]
    data = {"household": h.pk, "amount": "250.00", "method": "wechat", "client_token": "t-1"}
    r1 = post(client, f"{API}/payments", data)
    r2 = post(client, f"{API}/payments", data)
    assert (r1.status_code, r2.status_code) == (201, 200)
    assert r1.json()["id"] == r2.json()["id"] and r2.json()["replayed"] is True
    assert r1.json()["allocations"][0] == {
        "bill_id": Bill.objects.filter(household=h).order_by("period_start")[0].pk,
        "period_start": "2026-01-01",
        "amount": "200.00",
    }
    assert Payment.objects.count() == 1
    r = client.get(f"{API}/households/{h.pk}/bills")
    assert r.status_code == 200
    assert (r.json()["owed"], r.json()["credit"]) == ("350.00", "0.00")
    assert r.json()["bills"][0]["outstanding"] == "200.00"  # newest first: March
    r = client.get(f"{API}/payments/{r1.json()['id']}")
    assert r.json()["receipt_no"] == r1.json()["receipt_no"]


@pytest.mark.parametrize(
    ("amount", "extra", "status", "code"),
    [
        ("600.01", {}, 400, "finance.overpayment"),
        ("-1", {}, 400, "finance.amount_not_positive"),
        ("1.234", {}, 400, "finance.too_many_decimals"),
        ("10", {"method": "card"}, 400, "finance.bad_method"),
        ("10", {"client_token": " "}, 400, "finance.token_required"),
        ("99999", {"prepay": True}, 400, "finance.prepay_limit"),
    ],
)
def test_payment_errors(client, billed, amount, extra, status, code):
    client.force_login(billed["worker"])
    data = {
        "household": billed["households"]["101"].pk,
        "amount": amount,
        "method": "cash",
        "client_token": "t-x",
        **extra,
    }
    r = post(client, f"{API}/payments", data)
    assert (r.status_code, r.json()["code"]) == (status, code)
    assert r.json()["message"]
    assert not Payment.objects.exists()


def test_missing_fields_are_machine_readable(client, billed):
    client.force_login(billed["worker"])
    r = post(client, f"{API}/payments", {"household": 1})
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input")


def test_collection_rates(client, billed):
    client.force_login(billed["worker"])
    post(
        client,
        f"{API}/payments",
        {
            "household": billed["households"]["102"].pk,
            "amount": "600",
            "method": "cash",
            "client_token": "a",
        },
    )
    r = client.get(f"{API}/collection-rates", {"start": "2026-01", "end": "2026-03", "by": "party"})
    assert r.status_code == 200
    rows = {row["label"]: row for row in r.json()["rows"]}
    assert rows["党员户"]["amount_rate"] == 1.0 and rows["党员户"]["household_rate"] == 1.0
    assert rows["其他户"]["paid"] == "0.00"
    r = client.get(f"{API}/collection-rates", {"start": "2026-01", "end": "2026-03", "by": "x"})
    assert r.json()["code"] == "finance.bad_group"


# ------------------------------------------------------------------ isolation


def test_other_community_worker_sees_nothing_and_gets_404(client, billed):
    client.force_login(billed["xt_worker"])
    h = billed["households"]["101"]
    assert client.get(f"{API}/schedules").json() == []
    assert client.get(f"{API}/households/{h.pk}/bills").status_code == 404
    r = post(
        client,
        f"{API}/payments",
        {"household": h.pk, "amount": "1", "method": "cash", "client_token": "z"},
    )
    assert r.status_code == 404
    r = post(
        client, f"{API}/bill-runs", {"period_start": "2026-04", "compound": billed["compound"].pk}
    )
    assert r.status_code == 404
    r = post(
        client, f"{API}/bill-runs", {"period_start": "2026-04", "region": billed["community"].pk}
    )
    assert r.status_code == 404
    r = client.get(f"{API}/collection-rates", {"start": "2026-01", "end": "2026-03"})
    assert r.json()["rows"] == []
    assert not Payment.objects.exists()


def test_resident_sees_own_bills_only_and_cannot_take_payments(client, billed):
    client.force_login(billed["worker"])
    pid = post(
        client,
        f"{API}/payments",
        {
            "household": billed["households"]["201"].pk,
            "amount": "1",
            "method": "cash",
            "client_token": "b",
        },
    ).json()["id"]
    client.force_login(billed["resident_a"])
    own, other = billed["households"]["101"], billed["households"]["201"]
    assert client.get(f"{API}/households/{own.pk}/bills").status_code == 200
    assert client.get(f"{API}/households/{other.pk}/bills").status_code == 404
    assert client.get(f"{API}/payments/{pid}").status_code == 404
    r = post(
        client,
        f"{API}/payments",
        {"household": own.pk, "amount": "1", "method": "cash", "client_token": "c"},
    )
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    r = client.get(f"{API}/collection-rates", {"start": "2026-01", "end": "2026-03", "by": "party"})
    assert r.status_code == 403
    client.force_login(billed["resident_b"])
    assert client.get(f"{API}/payments/{pid}").status_code == 200


def test_neighbour_leader_sees_bills_of_his_neighbour_only(client, billed):
    client.force_login(billed["leader_a"])
    assert client.get(f"{API}/households/{billed['households']['101'].pk}/bills").status_code == 200
    assert client.get(f"{API}/households/{billed['households']['201'].pk}/bills").status_code == 404


def test_anonymous(client, billed):
    assert client.get(f"{API}/schedules").status_code == 401
