"""The public-accounts API: each endpoint scoped (out of scope is 404), masking for the public
side, domain errors as {code, message, details}, writes through the services."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.commons import services
from linli.commons.models import Entry, EntryStatus, Notice

from .test_services import png

API = "/api/v1/commons"
OCT10 = dt.datetime(2026, 10, 10, 9, tzinfo=dt.UTC)


def post_json(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def test_account_list_is_scoped(client, world, post):
    other = services.account_open(actor=world["other_committee"], compound=world["other_compound"])
    post(amount="1000.00")
    seen = {
        "county": {world["account"].pk, other.pk},
        "worker": {world["account"].pk},
        "other_worker": {other.pk},
        "committee_a": {world["account"].pk},
        "resident_a": {world["account"].pk},
        "resident_o": {other.pk},
    }
    for who, ids in seen.items():
        client.force_login(world[who])
        r = client.get(f"{API}/accounts")
        assert r.status_code == 200, who
        assert {a["id"] for a in r.json()} == ids, who
    client.force_login(world["worker"])
    (row,) = client.get(f"{API}/accounts").json()
    assert (row["balance"], row["pending"], row["head_sequence"]) == ("1000.00", 0, 1)


def test_account_detail_gives_the_residents_share(client, world, post):
    post(amount="2500.00")
    client.force_login(world["resident_a"])
    r = client.get(f"{API}/accounts/{world['account'].pk}")
    assert r.status_code == 200
    assert r.json()["my_share"]["share"] == "893.70"
    client.force_login(world["resident_o"])
    assert client.get(f"{API}/accounts/{world['account'].pk}").status_code == 404


def test_create_approve_reject_reverse_through_the_api(client, world):
    url = f"{API}/accounts/{world['account'].pk}/entries"
    client.force_login(world["worker"])
    body = {
        "kind": "parking",
        "amount": "1200.50",
        "date": "2026-10-08",
        "counterparty": "张三丰",
        "counterparty_is_person": True,
        "description": "10月停车",
    }
    r = post_json(client, url, body)
    assert r.status_code == 201, r.content
    entry_id = r.json()["id"]
    assert r.json()["status"] == "pending"
    r = client.post(
        f"{API}/entries/{entry_id}/vouchers", {"files": [png("a.png")]}, format="multipart"
    )
    assert r.status_code == 200 and len(r.json()["vouchers"]) == 1
    # the worker may not approve; the committee may
    r = post_json(client, f"{API}/entries/{entry_id}/approve")
    assert (r.status_code, r.json()["code"]) == (403, "commons.not_committee")
    client.force_login(world["committee_a"])
    r = post_json(client, f"{API}/entries/{entry_id}/approve")
    assert r.status_code == 200 and r.json()["sequence"] == 1
    # residents see it posted, with the person's name masked, and no draft
    client.force_login(world["resident_a"])
    (row,) = client.get(url).json()
    assert (row["counterparty"], row["entered_by"]) == ("张*丰", "兴****员")
    # reverse, then reject the reversal with a reason
    client.force_login(world["worker"])
    r = post_json(client, f"{API}/entries/{entry_id}/reverse", {"reason": "重复录入"})
    assert r.status_code == 201 and r.json()["reverses_id"] == entry_id
    reversal_id = r.json()["id"]
    client.force_login(world["committee_b"])
    r = post_json(client, f"{API}/entries/{reversal_id}/reject", {"reason": "并非重复"})
    assert r.json()["status"] == "rejected" and r.json()["reject_reason"] == "并非重复"
    client.force_login(world["resident_a"])
    assert [e["id"] for e in client.get(url).json()] == [entry_id]
    assert client.get(f"{API}/entries/{reversal_id}").status_code == 404
    client.force_login(world["committee_a"])
    assert len(client.get(url).json()) == 2
    assert len(client.get(f"{url}?status=rejected").json()) == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"amount": "-3"}, "commons.amount_not_positive"),
        ({"amount": "1.005"}, "commons.too_many_decimals"),
        ({"amount": 1.005}, "commons.too_many_decimals"),
        ({"kind": "bribe"}, "commons.bad_kind"),
        ({"date": "2026/10/08"}, "commons.bad_date"),
    ],
)
def test_bad_input_is_a_coded_error_and_writes_nothing(client, world, change, code):
    client.force_login(world["worker"])
    body = {
        "kind": "parking",
        "amount": "100",
        "date": "2026-10-08",
        "counterparty": "x",
        "description": "y",
    } | change
    r = post_json(client, f"{API}/accounts/{world['account'].pk}/entries", body)
    assert r.status_code == 400
    assert r.json()["code"] == code and r.json()["message"]
    assert not Entry.objects.exists()


def test_out_of_scope_is_404_everywhere(client, world, post, enter):
    posted = post()
    pending = enter()
    client.force_login(world["other_committee"])
    a = world["account"].pk
    for method, url in (
        ("get", f"{API}/accounts/{a}"),
        ("get", f"{API}/accounts/{a}/entries"),
        ("get", f"{API}/accounts/{a}/notices"),
        ("get", f"{API}/accounts/{a}/verify"),
        ("get", f"{API}/entries/{posted.pk}"),
        ("post", f"{API}/accounts/{a}/entries"),
        ("post", f"{API}/entries/{pending.pk}/approve"),
        ("post", f"{API}/entries/{pending.pk}/reject"),
        ("post", f"{API}/entries/{posted.pk}/reverse"),
        ("post", f"{API}/accounts/{a}/notices"),
    ):
        if method == "get":
            r = client.get(url)
        else:
            r = post_json(
                client,
                url,
                {
                    "reason": "x",
                    "year": 2026,
                    "quarter": 3,
                    "kind": "parking",
                    "amount": "1",
                    "date": "2026-10-01",
                    "counterparty": "x",
                    "description": "x",
                },
            )
        assert r.status_code == 404, (url, r.content)
    pending.refresh_from_db()
    assert pending.status == EntryStatus.PENDING


def test_notices_and_verify(client, world, post):
    post(date=dt.date(2026, 8, 8))
    client.force_login(world["committee_a"])
    r = post_json(
        client, f"{API}/accounts/{world['account'].pk}/notices", {"year": 2026, "quarter": 2}
    )
    assert r.status_code == 201 and r.json()["snapshot"]["income_total"] == "0.00"
    notice = Notice.objects.get()
    client.force_login(world["resident_a"])
    (n,) = client.get(f"{API}/accounts/{world['account'].pk}/notices").json()
    assert n["id"] == notice.pk and n["pdf_url"].endswith(f"/notices/{notice.pk}/pdf/")
    assert client.get(f"{API}/notices/{notice.pk}").status_code == 200
    r = client.get(f"{API}/accounts/{world['account'].pk}/verify")
    assert r.json()["ok"] is True and r.json()["checked"] == 1
    client.force_login(world["resident_o"])
    assert client.get(f"{API}/notices/{notice.pk}").status_code == 404


def test_open_account_api(client, world):
    client.force_login(world["other_committee"])
    r = post_json(client, f"{API}/accounts", {"compound_id": world["other_compound"].pk})
    assert r.status_code == 201 and r.json()["balance"] == "0.00"
    r = post_json(client, f"{API}/accounts", {"compound_id": world["compound"].pk})
    assert r.status_code == 404


def test_a_pdf_upload_that_is_not_a_pdf(client, world, enter):
    entry = enter()
    client.force_login(world["worker"])
    fake = SimpleUploadedFile("x.pdf", b"hello", content_type="application/pdf")
    r = client.post(f"{API}/entries/{entry.pk}/vouchers", {"files": [fake]})
    assert r.status_code == 400 and r.json()["code"] == "commons.file_not_allowed"
    assert not entry.vouchers.exists()
