"""The public-account pages: who lands where, who may do what, isolation, the notice page
and its A4 PDF (without formulas or markup from people's text)."""

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from linli.commons import services
from linli.commons.models import Entry, EntryStatus, Notice
from linli.ledger.models import Compound
from tests.formula_free import HYPERLINK, line_problems, pdf_text, unquoted_cores

from .test_services import png

OCT10 = dt.datetime(2026, 10, 10, 9, tzinfo=dt.UTC)


def test_resident_lands_on_the_account_with_their_share(client, world, post):
    post(amount="2500.00")
    client.force_login(world["resident_a"])
    r = client.get(reverse("commons:index"))
    assert r.status_code == 302 and r["Location"] == reverse(
        "commons:account", args=[world["account"].pk]
    )
    body = client.get(r["Location"]).content.decode()
    assert "2,500.00" in body and "893.70" in body and "账目校验完整" in body
    assert "录入收支" not in body and "待审核" not in body


def test_officials_see_the_compounds_in_scope(client, world, post):
    post(amount="1000.00")
    client.force_login(world["county"])
    body = client.get(reverse("commons:index")).content.decode()
    assert "粮站宿舍" in body and "1,000.00" in body
    assert "新塘小区" in body  # no account yet: offered to open
    client.force_login(world["other_worker"])
    body = client.get(reverse("commons:index")).content.decode()
    assert "粮站宿舍" not in body


def test_pages_are_404_out_of_scope(client, world, post, enter):
    posted, pending = post(), enter()
    notice = services.notice_publish(
        actor=world["committee_a"], account=world["account"], year=2026, quarter=3, when=OCT10
    )
    a = world["account"].pk
    urls = [
        reverse("commons:account", args=[a]),
        reverse("commons:entries", args=[a]),
        reverse("commons:entry", args=[posted.pk]),
        reverse("commons:notice", args=[notice.pk]),
        reverse("commons:notice_pdf", args=[notice.pk]),
    ]
    for who in ("resident_o", "other_worker", "other_committee"):
        client.force_login(world[who])
        for url in urls:
            assert client.get(url).status_code == 404, (who, url)
        r = client.post(reverse("commons:entry_act", args=[pending.pk, "approve"]))
        assert r.status_code == 404
    # a resident of the compound sees posted entries but not drafts, nor the forms
    client.force_login(world["resident_a"])
    assert client.get(reverse("commons:entry", args=[pending.pk])).status_code == 404
    assert client.get(reverse("commons:entry_new", args=[a])).status_code == 404
    assert client.get(reverse("commons:notice_new", args=[a])).status_code == 404
    assert client.get(reverse("commons:queue")).status_code == 404


def test_entry_form_shows_errors_and_keeps_input(client, world):
    client.force_login(world["worker"])
    url = reverse("commons:entry_new", args=[world["account"].pk])
    assert client.get(url).status_code == 200
    r = client.post(
        url,
        {
            "kind": "parking",
            "amount": "12.345",
            "date": "2026-10-08",
            "counterparty": "停车管理员",
            "description": "10月停车",
        },
    )
    body = r.content.decode()
    assert r.status_code == 200 and "最多两位小数" in body and "停车管理员" in body
    assert not Entry.objects.exists()
    r = client.post(
        url,
        {
            "kind": "parking",
            "amount": "1200",
            "date": "2026-10-08",
            "counterparty": "停车管理员",
            "description": "10月停车",
            "vouchers": [png()],
        },
    )
    entry = Entry.objects.get()
    assert r.status_code == 302 and entry.vouchers.count() == 1


def test_queue_approve_and_reject(client, world, enter):
    a, b, own = enter(), enter(amount="50"), enter(actor=world["committee_a"], amount="70")
    client.force_login(world["committee_a"])
    body = client.get(reverse("commons:queue")).content.decode()
    assert "待审核（3）" in body and "您录入的记录" in body
    client.post(reverse("commons:entry_act", args=[a.pk, "approve"]), {"next": "queue"})
    client.post(reverse("commons:entry_act", args=[b.pk, "reject"]), {"reason": "金额不对"})
    r = client.post(reverse("commons:entry_act", args=[own.pk, "approve"]), follow=True)
    assert "录入人不能审核自己录入的记录" in r.content.decode()
    statuses = dict(Entry.objects.values_list("pk", "status"))
    assert statuses == {a.pk: "approved", b.pk: "rejected", own.pk: "pending"}


def test_reverse_from_the_entry_page(client, world, post):
    posted = post()
    client.force_login(world["worker"])
    body = client.get(reverse("commons:entry", args=[posted.pk])).content.decode()
    assert "冲正这笔记录" in body and posted.hash in body
    r = client.post(reverse("commons:entry_act", args=[posted.pk, "reverse"]), {"reason": "错账"})
    reversal = Entry.objects.get(reverses=posted)
    assert r["Location"] == reverse("commons:entry", args=[reversal.pk])
    assert reversal.status == EntryStatus.PENDING


def test_publish_notice_page_and_pdf(client, world, post, tmp_path, settings):
    post(
        amount="1300.00",
        date=dt.date(2026, 8, 1),
        counterparty="张三丰",
        counterparty_is_person=True,
    )
    client.force_login(world["committee_a"])
    url = reverse("commons:notice_new", args=[world["account"].pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {"year": "2026", "quarter": "3", "display_until": "2026-12-31"})
    notice = Notice.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("commons:notice", args=[notice.pk])
    client.force_login(world["resident_a"])
    body = client.get(r["Location"]).content.decode()
    assert "粮站宿舍2026年第3季度公共收益收支情况公示" in body
    assert "张*丰" in body and "张三丰" not in body and notice.head_hash in body
    pdf = client.get(reverse("commons:notice_pdf", args=[notice.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf.content)
    if Path("/usr/bin/pdftoppm").exists():
        subprocess.run(["pdftoppm", "-png", "-r", "30", str(path), str(tmp_path / "p")], check=True)
        assert list(tmp_path.glob("p*.png"))
    # the same notice gives the same PDF (drawn from the frozen snapshot)
    assert client.get(reverse("commons:notice_pdf", args=[notice.pk])).content == pdf.content


def test_vouchers_only_for_those_who_see_drafts(client, world, enter):
    entry = services.entry_approve(actor=world["committee_a"], entry=enter(vouchers=[png()]))
    voucher = entry.vouchers.get()
    client.force_login(world["committee_b"])
    r = client.get(reverse("commons:voucher", args=[voucher.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    client.force_login(world["resident_a"])
    assert client.get(reverse("commons:voucher", args=[voucher.pk])).status_code == 404


@pytest.mark.parametrize("who", ["county", "worker", "committee_a", "resident_a"])
def test_account_page_query_count(client, world, post, django_assert_max_num_queries, who):
    for i in range(10):
        post(amount=f"{100 + i}.00", description=f"第{i}笔")
    client.force_login(world[who])
    url = reverse("commons:account", args=[world["account"].pk])
    client.get(url)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


def test_notice_pdf_with_hostile_text_has_no_formula_and_no_markup(client, world, post):
    """Formula injection (issue 10): the compound's name, counterparties and descriptions
    print with a leading quote where they start a line; ``<`` and ``&`` print as text."""
    Compound.objects.filter(pk=world["compound"].pk).update(name="@SUM(A1)")
    post(amount="1300.00", date=dt.date(2026, 8, 1), counterparty=HYPERLINK, description="+1+1")
    post(
        kind="other_spending",
        amount="200.00",
        date=dt.date(2026, 8, 2),
        counterparty="-2+3",
        description="=1\n<b>粗体</b> & <a href='http://evil.example'>链接</a>",
    )
    client.force_login(world["committee_a"])
    url = reverse("commons:notice_new", args=[world["account"].pk])
    client.post(url, {"year": "2026", "quarter": "3", "display_until": "2026-12-31"})
    notice = Notice.objects.get()
    client.force_login(world["resident_a"])

    pdf = client.get(reverse("commons:notice_pdf", args=[notice.pk]))

    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert line_problems(text.splitlines()) == []
    assert unquoted_cores(text) == []
    assert "-200.00" in text  # amounts are Linli's numbers, printed as they are
    flat = "".join(text.split())  # pdftotext breaks the line where the PDF wraps it
    assert "<b>粗体</b>&<ahref='http://evil.example'>链接</a>" in flat
    assert b"/URI" not in pdf.content  # no link annotation from people's text
    assert notice.snapshot["compound"] == "@SUM(A1)"  # the hashed snapshot is left as it was
