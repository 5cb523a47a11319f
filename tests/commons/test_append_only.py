"""Posted entries never change: the services, the model's save/delete, its queryset's
update/delete and the admin all refuse; what goes around them all (plain SQL) is found by
the hash chain."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.db import models

from linli.commons.chain import verify_chain
from linli.commons.models import (
    Entry,
    EntryStatus,
    ImmutableError,
    Notice,
    PublicAccount,
    Voucher,
    purging,
)

from .test_services import png


def raw(model):
    """A plain queryset, as a script or another tool working on the tables would use."""
    return models.QuerySet(model=model)


def test_model_refuses_to_save_or_delete_a_posted_entry(world, post):
    entry = post()
    entry.amount = Decimal("1.00")
    with pytest.raises(ImmutableError):
        entry.save()
    with pytest.raises(ImmutableError):
        entry.delete()
    with pytest.raises(ImmutableError):
        Entry.objects.filter(pk=entry.pk).update(amount=Decimal("1.00"))
    with pytest.raises(ImmutableError):
        Entry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(ImmutableError):  # a cascade from the account (PROTECT stops it first)
        Entry.objects.all().delete()
    assert Entry.objects.get(pk=entry.pk).amount == Decimal("1200.00")


def test_rejected_entries_and_their_vouchers_stay(world, enter):
    from linli.commons import services

    entry = enter(vouchers=[png()])
    services.entry_reject(actor=world["committee_a"], entry=entry, reason="凭证不清")
    entry.refresh_from_db()
    entry.description = "改一下"
    with pytest.raises(ImmutableError):
        entry.save()
    with pytest.raises(ImmutableError):
        entry.delete()
    with pytest.raises(ImmutableError):
        entry.vouchers.get().delete()
    with pytest.raises(ImmutableError):
        Voucher.objects.create(
            entry=entry, file="x.png", name="x", content_type="", size=1, sha256=""
        )


def test_a_pending_entry_may_still_be_saved(world, enter):
    entry = enter()
    assert entry.status == EntryStatus.PENDING
    entry.description = "10月院内泊车费（改）"
    entry.save()
    assert Entry.objects.get(pk=entry.pk).description == "10月院内泊车费（改）"


def test_admin_is_read_only(world, post, rf, county_official):
    request = rf.get("/")
    request.user = county_official
    county_official.is_superuser = county_official.is_staff = True
    entry = post()
    for model in (PublicAccount, Entry, Voucher, Notice):
        admin = site._registry[model]
        assert not admin.has_add_permission(request)
        assert not admin.has_change_permission(request, entry if model is Entry else None)
        assert not admin.has_delete_permission(request, entry if model is Entry else None)


def test_chain_of_an_intact_account_verifies(world, post):
    for i in range(5):
        post(amount=f"{100 + i}.00", description=f"第{i}笔")
    report = verify_chain(world["account"])
    assert report.ok and report.checked == 5 and report.broken_sequence is None
    hashes = list(Entry.objects.order_by("sequence").values_list("prev_hash", "hash"))
    assert hashes[0][0] == "0" * 64
    assert all(hashes[i][1] == hashes[i + 1][0] for i in range(4))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", Decimal("1199.00")),
        ("date", dt.date(2026, 10, 9)),
        ("kind", "advertising"),
        ("direction", "spending"),
        ("counterparty", "别人"),
        ("counterparty_is_person", True),
        ("description", "改过的摘要"),
        ("entered_by_name", "张三"),
        ("decided_by_name", "李四"),
        ("decided_at", dt.datetime(2026, 10, 9, tzinfo=dt.UTC)),
        ("entered_at", dt.datetime(2026, 10, 9, tzinfo=dt.UTC)),
        ("prev_hash", "1" * 64),
        ("hash", "2" * 64),
    ],
)
def test_altering_any_field_in_the_database_is_detected(world, post, field, value):
    entries = [post(amount=f"{1000 + i}.00", description=f"第{i}笔") for i in range(4)]
    target = entries[2]
    raw(Entry).filter(pk=target.pk).update(**{field: value})
    report = verify_chain(world["account"])
    assert not report.ok
    assert report.broken_sequence == 3, report.problems


def test_a_deleted_entry_is_detected(world, post):
    entries = [post(description=f"第{i}笔") for i in range(4)]
    with purging():  # e.g. a DELETE in a database console
        raw(Entry).filter(pk=entries[1].pk).delete()
    report = verify_chain(world["account"])
    assert report.broken_sequence == 2


def test_the_last_entry_deleted_is_detected(world, post):
    entries = [post(description=f"第{i}笔") for i in range(3)]
    with purging():
        raw(Entry).filter(pk=entries[-1].pk).delete()
    report = verify_chain(world["account"])
    assert not report.ok and report.broken_sequence == 3


def test_a_swapped_voucher_is_detected(world, enter):
    from linli.commons import services

    entry = services.entry_approve(actor=world["committee_a"], entry=enter(vouchers=[png()]))
    raw(Voucher).filter(entry=entry).update(sha256="f" * 64)
    assert verify_chain(world["account"]).broken_sequence == 1


def test_a_chain_rewritten_whole_still_breaks_against_the_notice(world, post):
    """Someone with the code recomputes every hash after an edit: the published notice
    printed the old head, so the check still fails."""
    from linli.commons import chain, services

    e = post(date=dt.date(2026, 7, 8))
    services.notice_publish(
        actor=world["committee_a"],
        account=world["account"],
        year=2026,
        quarter=3,
        when=dt.datetime(2026, 10, 10, 9, tzinfo=dt.UTC),
    )
    raw(Entry).filter(pk=e.pk).update(amount=Decimal("1.00"))
    e.refresh_from_db()
    new_hash = chain.entry_hash(e, [])
    raw(Entry).filter(pk=e.pk).update(hash=new_hash)
    raw(PublicAccount).filter(pk=world["account"].pk).update(head_hash=new_hash)
    report = verify_chain(world["account"])
    assert not report.ok and any("公示" in p for p in report.problems)


def test_verify_command_exits_non_zero_on_a_broken_chain(world, post, capsys):
    e = post()
    call_command("commons", "verify")
    assert "完整" in capsys.readouterr().out
    call_command("commons", "verify", "--compound", world["compound"].name)
    raw(Entry).filter(pk=e.pk).update(amount=Decimal("5.00"))
    with pytest.raises(SystemExit) as exc:
        call_command("commons", "verify")
    assert exc.value.code == 1
    out = capsys.readouterr()
    assert "第 1 笔" in out.out + out.err
