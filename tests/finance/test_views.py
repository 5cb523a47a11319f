"""Fee pages: who may open which, the desk's search → pay → receipt path (htmx and not),
waiver approval, bill run form, arrears by 邻 (masked), and isolation."""

from decimal import Decimal

import pytest
from django.urls import reverse

from linli.finance import services
from linli.finance.models import Bill, Payment, Waiver


def test_resident_sees_own_bills_and_receipts(client, billed):
    p = services.payment_record(
        actor=billed["worker"], household=billed["households"]["101"], amount="250", method="cash"
    )
    other = services.payment_record(
        actor=billed["worker"], household=billed["households"]["201"], amount="10", method="cash"
    )
    client.force_login(billed["resident_a"])
    r = client.get(reverse("finance:mine"))
    body = r.content.decode()
    assert r.status_code == 200
    assert "粮站宿舍1栋1单元101" in body and "¥350.00" in body and p.receipt_no in body
    assert other.receipt_no not in body and "201" not in body.split("缴费记录")[1]
    assert client.get(reverse("finance:receipt", args=[p.pk])).status_code == 200
    assert client.get(reverse("finance:receipt", args=[other.pk])).status_code == 404
    # the desk's pages are not a resident's: 404, as every page a role does not have
    for name in ("finance:desk", "finance:run", "finance:rates", "finance:waivers"):
        assert client.get(reverse(name)).status_code == 404
    assert (
        client.get(reverse("finance:household", args=[billed["households"]["101"].pk])).status_code
        == 404
    )
    assert client.get(reverse("finance:arrears")).status_code == 404


def test_mine_in_a_compound_that_collects_its_own_fees(client, grid_world):
    """A compound with a property company or a social property service has no fee standard
    here: the resident is told who collects, not shown an empty bill list."""
    compound = grid_world["households"]["101"].unit.building.compound
    compound.property_service, compound.property_company = "social", "衡东惠民物业服务站"
    compound.save()
    client.force_login(grid_world["resident_a"])
    body = client.get(reverse("finance:mine")).content.decode()
    assert "由社会化物业（衡东惠民物业服务站）提供服务" in body and "暂无账单" not in body


def test_mine_without_a_household(client, billed):
    client.force_login(billed["worker"])
    r = client.get(reverse("finance:mine"))
    assert r.status_code == 200 and "没有关联住户" in r.content.decode()


def test_desk_search_pay_and_receipt(client, billed, django_assert_max_num_queries):
    client.force_login(billed["worker"])
    r = client.get(reverse("finance:desk"), {"q": "刘建国"})
    assert r.status_code == 200 and "1栋1单元101" in r.content.decode()
    r = client.get(reverse("finance:desk"), {"q": "粮站 201"}, HTTP_HX_REQUEST="true")
    assert "1栋1单元201" in r.content.decode() and "<html" not in r.content.decode()
    h = billed["households"]["101"]
    r = client.get(reverse("finance:household", args=[h.pk]))
    body = r.content.decode()
    assert "¥600.00" in body and "刘建国" in body and 'name="client_token"' in body
    data = {"amount": "600.00", "method": "wechat", "client_token": "desk-1"}
    r = client.post(reverse("finance:pay", args=[h.pk]), data, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    payment = Payment.objects.get()
    assert r.status_code == 200 and payment.receipt_no in body and "打印收据" in body
    # the same form again (double tap): no second payment
    r = client.post(reverse("finance:pay", args=[h.pk]), data, HTTP_HX_REQUEST="true")
    assert Payment.objects.count() == 1 and "未重复收款" in r.content.decode()
    r = client.get(reverse("finance:receipt", args=[payment.pk]))
    body = r.content.decode()
    assert "物业服务费收据" in body and "2026年01月" in body and "¥600.00" in body


def test_desk_payment_error_is_shown_and_nothing_is_recorded(client, billed):
    client.force_login(billed["worker"])
    h = billed["households"]["101"]
    r = client.post(
        reverse("finance:pay", args=[h.pk]),
        {"amount": "12.345", "method": "cash", "client_token": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert "最多两位小数" in r.content.decode()
    r = client.post(
        reverse("finance:pay", args=[h.pk]),
        {"amount": "601", "method": "cash", "client_token": "y"},
    )
    assert r.status_code == 400 and "预交" in r.content.decode()
    assert not Payment.objects.exists()


def test_non_htmx_payment_redirects_to_the_receipt(client, billed):
    client.force_login(billed["worker"])
    h = billed["households"]["101"]
    r = client.post(
        reverse("finance:pay", args=[h.pk]), {"amount": "1", "method": "cash", "client_token": "z"}
    )
    assert r.status_code == 302 and r.url == reverse(
        "finance:receipt", args=[Payment.objects.get().pk]
    )


def test_waiver_request_and_approval_pages(client, billed):
    bill = Bill.objects.filter(household=billed["households"]["102"]).first()
    client.force_login(billed["worker"])
    client.post(
        reverse("finance:waiver_request", args=[bill.pk]),
        {"amount": "100", "kind": "low_income", "reason": "低保户"},
    )
    w = Waiver.objects.get()
    r = client.get(reverse("finance:waivers"))
    assert "需由他人审批" in r.content.decode()
    client.post(reverse("finance:waiver_decide", args=[w.pk]), {"decision": "approve"})
    w.refresh_from_db()
    assert w.status == "pending"
    client.force_login(billed["approver"])
    client.post(reverse("finance:waiver_decide", args=[w.pk]), {"decision": "approve"})
    w.refresh_from_db()
    bill.refresh_from_db()
    assert (w.status, bill.waived) == ("approved", 100)


def test_run_page(client, fees):
    client.force_login(fees["worker"])
    assert client.get(reverse("finance:run")).status_code == 200
    r = client.post(
        reverse("finance:run"),
        {"target": f"r{fees['community'].pk}", "period_start": "2026-01", "months": "12"},
    )
    assert r.status_code == 302 and Bill.objects.count() == 4
    r = client.post(
        reverse("finance:run"),
        {"target": f"c{fees['compound'].pk}", "period_start": "2026-03", "months": "1"},
    )
    assert r.status_code == 200 and "重叠" in r.content.decode()
    assert Bill.objects.count() == 4


def test_rates_page(client, billed):
    client.force_login(billed["worker"])
    for by in ("compound", "building", "neighbour", "party"):
        r = client.get(reverse("finance:rates"), {"start": "2026-01", "end": "2026-03", "by": by})
        assert r.status_code == 200
    body = r.content.decode()
    assert "党员户" in body and "按户" in body


def test_arrears_for_the_neighbour_leader(client, billed):
    client.force_login(billed["leader_b"])
    r = client.get(reverse("finance:arrears"))
    body = r.content.decode()
    assert r.status_code == 200
    assert "粮站宿舍1栋1单元201" in body and "赵*强" in body and "赵志强" not in body
    assert "1单元101" not in body and "1单元301" not in body
    assert "停水" in body  # the reminder that cutting supplies is forbidden (art. 944)
    client.force_login(billed["leader_a"])
    body = client.get(reverse("finance:arrears")).content.decode()
    assert "1单元101" in body and "1单元201" not in body and "刘*国" in body


@pytest.mark.parametrize("name", ["finance:household", "finance:pay"])
def test_other_community_worker_gets_404(client, billed, name):
    client.force_login(billed["xt_worker"])
    h = billed["households"]["101"]
    r = (
        client.get(reverse(name, args=[h.pk]))
        if name == "finance:household"
        else client.post(reverse(name, args=[h.pk]), {"amount": "1", "method": "cash"})
    )
    assert r.status_code == 404
    assert not Payment.objects.exists()
    body = client.get(reverse("finance:desk"), {"q": "粮站"}).content.decode()
    assert "1单元101" not in body


def test_desk_query_count(client, billed, django_assert_max_num_queries):
    client.force_login(billed["worker"])
    with django_assert_max_num_queries(16):
        assert client.get(reverse("finance:desk")).status_code == 200


def test_schedule_form(client, fees):
    from linli.finance.models import FeeSchedule

    client.force_login(fees["worker"])
    url = reverse("finance:schedule_create")
    data = {
        "compound": fees["compound"].pk,
        "use": "vacant",
        "basis": "per_area",
        "price": "1.25",
        "valid_from": "2026-01",
    }
    assert client.post(url, data).status_code == 302
    assert FeeSchedule.objects.get(use="vacant").price == Decimal("1.25")
    r = client.post(url, data, follow=True)  # overlaps the one just made
    assert "不能重叠" in r.content.decode() and FeeSchedule.objects.count() == 2
    client.force_login(fees["xt_worker"])
    data["use"] = "rented"
    r = client.post(url, data, follow=True)
    assert "请选择小区" in r.content.decode() and FeeSchedule.objects.count() == 2
