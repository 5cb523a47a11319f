"""Entering, approving, rejecting and reversing public-account entries; the balance."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.commons import selectors, services
from linli.commons.chain import verify_chain
from linli.commons.models import Entry, EntryStatus, Voucher
from linli.core.errors import DomainError


def png(name="receipt.png"):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def pdf(name="invoice.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", "application/pdf")


def test_an_entry_counts_only_once_approved(world, enter):
    entry = enter(amount="1200.00")
    assert entry.status == EntryStatus.PENDING and entry.sequence is None
    assert selectors.balance(world["account"]) == Decimal("0.00")
    posted = services.entry_approve(actor=world["committee_a"], entry=entry)
    assert (posted.status, posted.sequence) == (EntryStatus.APPROVED, 1)
    assert posted.decided_by_name == "王桂兰"
    assert selectors.balance(world["account"]) == Decimal("1200.00")
    spend = enter(kind="cleaning", amount="350.5", description="10月保洁", counterparty="保洁员")
    services.entry_approve(actor=world["committee_b"], entry=spend)
    assert selectors.balance(world["account"]) == Decimal("849.50")
    world["account"].refresh_from_db()
    assert world["account"].head_sequence == 2


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("-5", "commons.amount_not_positive"),
        ("0", "commons.amount_not_positive"),
        ("12.345", "commons.too_many_decimals"),
        ("abc", "commons.bad_amount"),
        ("NaN", "commons.bad_amount"),
        ("99999999999", "commons.bad_amount"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_written(world, enter, amount, code):
    with pytest.raises(DomainError) as exc:
        enter(amount=amount)
    assert exc.value.code == code and exc.value.details[0]["field"] == "amount"
    assert not Entry.objects.exists()


def test_trailing_zero_decimals_are_fine(world, enter):
    assert enter(amount="12.500").amount == Decimal("12.50")


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"kind": "lottery"}, "commons.bad_kind"),
        ({"date": "2026-13-01"}, "commons.bad_date"),
        ({"date": dt.date(2099, 1, 1)}, "commons.future_date"),
        ({"description": "  "}, "commons.description_required"),
        ({"counterparty": ""}, "commons.counterparty_required"),
    ],
)
def test_bad_fields_are_refused(world, enter, extra, code):
    with pytest.raises(DomainError) as exc:
        enter(**extra)
    assert exc.value.code == code
    assert not Entry.objects.exists()


def test_who_may_enter(world, enter):
    enter(actor=world["committee_a"])
    for who in ("resident_a", "other_worker", "other_committee", "county"):
        with pytest.raises(DomainError) as exc:
            enter(actor=world[who])
        assert exc.value.code == "commons.not_allowed", who
    assert Entry.objects.count() == 1


def test_self_approval_is_refused(world, enter):
    entry = enter(actor=world["committee_a"])
    with pytest.raises(DomainError) as exc:
        services.entry_approve(actor=world["committee_a"], entry=entry)
    assert exc.value.code == "commons.self_approval"
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING
    services.entry_approve(actor=world["committee_b"], entry=entry)


@pytest.mark.parametrize("who", ["worker", "resident_a", "other_committee", "county"])
def test_only_the_compounds_committee_approves(world, enter, who):
    entry = enter()
    with pytest.raises(DomainError) as exc:
        services.entry_approve(actor=world[who], entry=entry)
    assert exc.value.code == "commons.not_committee"
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING and entry.sequence is None


def test_a_rejected_draft_is_kept_with_its_reason(world, enter):
    entry = enter(amount="800")
    with pytest.raises(DomainError) as exc:
        services.entry_reject(actor=world["committee_a"], entry=entry, reason=" ")
    assert exc.value.code == "commons.reason_required"
    services.entry_reject(actor=world["committee_a"], entry=entry, reason="无收款凭证")
    entry.refresh_from_db()
    assert (entry.status, entry.reject_reason, entry.sequence) == ("rejected", "无收款凭证", None)
    assert selectors.balance(world["account"]) == 0
    with pytest.raises(DomainError) as exc:
        services.entry_approve(actor=world["committee_b"], entry=entry)
    assert exc.value.code == "commons.not_pending"


def test_approving_twice_is_refused(world, post):
    entry = post()
    with pytest.raises(DomainError) as exc:
        services.entry_approve(actor=world["committee_b"], entry=entry)
    assert exc.value.code == "commons.not_pending"


def test_reversal_cancels_the_original_and_must_be_approved(world, post):
    original = post(kind="advertising", amount="3000.00", description="广告位租金")
    post(kind="repair", amount="500.00", description="修路灯")
    assert selectors.balance(world["account"]) == Decimal("2500.00")
    reversal = services.entry_reverse(
        actor=world["worker"], entry=original, reason="重复录入", date=dt.date(2026, 10, 20)
    )
    assert (reversal.reverses_id, reversal.kind, reversal.amount) == (
        original.pk,
        "advertising",
        Decimal("3000.00"),
    )
    assert reversal.status == EntryStatus.PENDING
    assert selectors.balance(world["account"]) == Decimal("2500.00")  # not yet approved
    services.entry_approve(actor=world["committee_b"], entry=reversal)
    assert selectors.balance(world["account"]) == Decimal("-500.00")
    s = selectors.statement(
        account=world["account"], start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 31)
    )
    assert dict(s["income"])["advertising"] == Decimal("0.00")
    assert s["income_total"] == 0 and s["spending_total"] == Decimal("500.00")
    # the original is untouched and cannot be reversed twice; a reversal cannot be reversed
    original.refresh_from_db()
    assert original.status == EntryStatus.APPROVED and original.amount == Decimal("3000.00")
    for target, code in (
        (original, "commons.already_reversed"),
        (reversal, "commons.reverse_reversal"),
    ):
        with pytest.raises(DomainError) as exc:
            services.entry_reverse(actor=world["worker"], entry=target, reason="再冲")
        assert exc.value.code == code
    assert verify_chain(world["account"]).ok


def test_a_rejected_reversal_allows_another(world, post):
    original = post()
    first = services.entry_reverse(actor=world["worker"], entry=original, reason="错账")
    with pytest.raises(DomainError):
        services.entry_reverse(actor=world["worker"], entry=original, reason="错账")
    services.entry_reject(actor=world["committee_a"], entry=first, reason="不是错账")
    second = services.entry_reverse(actor=world["worker"], entry=original, reason="确实错账")
    assert second.status == EntryStatus.PENDING


def test_only_posted_entries_can_be_reversed(world, enter):
    with pytest.raises(DomainError) as exc:
        services.entry_reverse(actor=world["worker"], entry=enter(), reason="x")
    assert exc.value.code == "commons.reverse_not_posted"


def test_vouchers_image_and_pdf_are_kept_and_hashed(world, enter):
    entry = enter(vouchers=[png(), pdf()])
    assert sorted(v.content_type for v in entry.vouchers.all()) == ["application/pdf", "image/png"]
    assert all(len(v.sha256) == 64 for v in entry.vouchers.all())
    services.voucher_add(actor=world["worker"], entry=entry, vouchers=[png("more.png")])
    services.entry_approve(actor=world["committee_a"], entry=entry)
    with pytest.raises(DomainError) as exc:
        services.voucher_add(actor=world["worker"], entry=entry, vouchers=[png("late.png")])
    assert exc.value.code == "commons.not_pending"
    assert Voucher.objects.count() == 3


def test_a_bad_voucher_refuses_the_whole_entry(world, enter):
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    with pytest.raises(DomainError) as exc:
        enter(vouchers=[png(), bad])
    assert exc.value.code == "commons.file_not_allowed"
    assert not Entry.objects.exists() and not Voucher.objects.exists()


def test_one_account_per_compound(world):
    with pytest.raises(DomainError) as exc:
        services.account_open(actor=world["worker"], compound=world["compound"])
    assert exc.value.code == "commons.account_exists"
    with pytest.raises(DomainError) as exc:
        services.account_open(actor=world["worker"], compound=world["other_compound"])
    assert exc.value.code == "commons.not_allowed"
    assert services.account_open(actor=world["other_committee"], compound=world["other_compound"])
