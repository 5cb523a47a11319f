"""The public accounts' rules registered with the policy (``linli.commons.scopes``) answer
what the commons selectors always have, for every persona: accounts of the compounds one
sees; drafts (pending, rejected) and vouchers only for the officials and workers over the
compound and its committee; posted entries for everyone who sees the account."""

from django.contrib.auth.models import AnonymousUser

from linli.commons import selectors, services
from linli.commons.models import Entry, EntryStatus, Notice, PublicAccount, Voucher
from linli.core.policy import restrict
from linli.core.roles import Role
from linli.ledger.models import Compound

from ..factories import make_user
from .test_services import png


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def personas(world):
    staff = make_user("bumen", Role.DEPARTMENT_STAFF, world["compound"].community, "部门")
    names = (
        "worker",
        "other_worker",
        "county",
        "committee_a",
        "other_committee",
        "resident_a",
        "resident_o",
    )
    return {"staff": staff, **{n: world[n] for n in names}}


def test_restrict_agrees_with_the_commons_selectors(world, enter):
    posted = services.entry_approve(actor=world["committee_a"], entry=enter(vouchers=[png()]))
    pending = enter(amount="80.00", vouchers=[png()])
    people = personas(world)
    for name, user in people.items():
        accounts = PublicAccount.objects.filter(compound__in=Compound.objects.restrict(user))
        assert ids(PublicAccount.objects.restrict(user)) == ids(accounts), name
        assert ids(selectors.accounts_for(user)) == ids(accounts), name
        entries, vouchers = set(), set()
        for account in accounts:
            drafts = selectors.sees_drafts(user, account)
            shown = Entry.objects.filter(account=account)
            entries |= ids(shown if drafts else shown.filter(status=EntryStatus.APPROVED))
            if drafts:
                vouchers |= ids(Voucher.objects.filter(entry__account=account))
            assert ids(selectors.entries_for(actor=user, account=account)) == ids(
                Entry.objects.restrict(user).filter(account=account)
            ), name
        assert ids(Entry.objects.restrict(user)) == entries, name
        assert ids(Voucher.objects.restrict(user)) == vouchers, name
        assert ids(Notice.objects.restrict(user)) == ids(
            Notice.objects.filter(account__in=accounts)
        )
    # what that means, persona by persona
    both = {posted.pk, pending.pk}
    assert ids(Entry.objects.restrict(people["worker"])) == both
    assert ids(Entry.objects.restrict(people["county"])) == both
    assert ids(Entry.objects.restrict(people["committee_a"])) == both
    assert ids(Entry.objects.restrict(people["resident_a"])) == {posted.pk}
    assert ids(Entry.objects.restrict(people["staff"])) == {posted.pk}
    assert Voucher.objects.restrict(people["committee_a"]).count() == 2
    for name in ("resident_a", "staff", "other_worker", "other_committee", "resident_o"):
        assert not Voucher.objects.restrict(people[name]).exists(), name
    for name in ("other_worker", "other_committee", "resident_o"):
        assert not Entry.objects.restrict(people[name]).exists(), name
    assert not restrict(Entry.objects.all(), AnonymousUser()).exists()
    queue = selectors.approval_queue(actor=people["committee_a"])
    assert ids(queue) == {pending.pk}
    assert not selectors.approval_queue(actor=people["worker"]).exists()
