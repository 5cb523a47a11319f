"""Bulk export of personal data needs a second person's approval (domain-rules §3)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.accounts.models import Role
from linli.core.errors import DomainError
from linli.core.models import AccessLog
from linli.ledger import exports
from linli.ledger.models import ExportRequest

from ..factories import make_user


@pytest.fixture
def town_official(regions):
    return make_user("town", Role.TOWN_OFFICIAL, regions["town"], "镇干部")


def test_nobody_approves_their_own_request(xingdong_worker, compound):
    req = exports.export_request_create(actor=xingdong_worker, community=None, reason="上报")
    with pytest.raises(DomainError) as exc:
        exports.export_request_decide(actor=xingdong_worker, export_request=req, approve=True)
    assert exc.value.code == "ledger.export_self_approval"
    assert ExportRequest.objects.get().status == "pending"


def test_approver_must_cover_the_region(xingdong_worker, xintang_worker, regions, compound):
    req = exports.export_request_create(
        actor=xingdong_worker, community=regions["xingdong"], reason="上报"
    )
    with pytest.raises(DomainError, match="不能审批"):
        exports.export_request_decide(actor=xintang_worker, export_request=req, approve=True)


def test_reason_is_required(xingdong_worker):
    with pytest.raises(DomainError, match="事由"):
        exports.export_request_create(actor=xingdong_worker, community=None, reason=" ")


def test_download_once_and_within_a_day(xingdong_worker, town_official, compound):
    req = exports.export_request_create(actor=xingdong_worker, community=None, reason="上报")
    with pytest.raises(DomainError, match="尚不能下载"):
        exports.export_request_consume(actor=xingdong_worker, export_request=req)
    exports.export_request_decide(actor=town_official, export_request=req, approve=True)
    with pytest.raises(DomainError, match="重复审批"):
        exports.export_request_decide(actor=town_official, export_request=req, approve=False)
    with pytest.raises(DomainError, match="只有申请人"):
        exports.export_request_consume(actor=town_official, export_request=req)
    ExportRequest.objects.filter(pk=req.pk).update(
        decided_at=timezone.now() - dt.timedelta(hours=25)
    )
    with pytest.raises(DomainError, match="24小时"):
        exports.export_request_consume(actor=xingdong_worker, export_request=req)
    ExportRequest.objects.filter(pk=req.pk).update(decided_at=timezone.now())
    exports.export_request_consume(actor=xingdong_worker, export_request=req)
    with pytest.raises(DomainError, match="已下载过"):
        exports.export_request_consume(actor=xingdong_worker, export_request=req)


def test_export_page_flow(client, xingdong_worker, town_official, regions, compound):
    url = reverse("ledger:export")
    client.force_login(xingdong_worker)
    response = client.post(url, {"community": regions["xingdong"].pk, "reason": "年度上报"})
    assert response.status_code == 302
    req = ExportRequest.objects.get()
    body = client.get(url).content.decode()
    assert "待审批" in body and "批准" not in body.split("年度上报")[1][:200]
    client.force_login(town_official)
    assert "年度上报" in client.get(url).content.decode()
    client.post(reverse("ledger:export_decide", args=[req.pk]), {"decision": "approve"})
    client.force_login(xingdong_worker)
    response = client.get(reverse("ledger:export_file", args=[req.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert AccessLog.objects.filter(user=xingdong_worker, action="export").count() == 1
    again = client.get(reverse("ledger:export_file", args=[req.pk]), follow=True)
    assert "已下载过一次" in again.content.decode()


def test_department_downloads_masked_ledger_directly(client, regions, compound):
    user = make_user("fire", Role.DEPARTMENT_STAFF, regions["county"], "消防")
    client.force_login(user)
    response = client.get(reverse("ledger:export"), {"download": "1"})
    assert response.status_code == 200
    assert ExportRequest.objects.count() == 0
