"""How the public accounts reach the places an actor holds (``linli.core.policy``).

An account belongs to a compound. Pending and rejected entries, and every voucher (vouchers
may carry names), are for those who oversee the account: the officials and workers over the
compound (``Capability.COMMONS_OVERSEE``) and its committee (``Capability.COMMONS_APPROVE``,
whose compound is the only one they see); residents, the 三长 and department staff see what
was posted.
"""

from __future__ import annotations

from django.db.models import Q

from linli.core.policy import (
    Actor,
    Capability,
    Filter,
    compound_q,
    register,
    roles_with,
    via_compound,
)


def sees_drafts(actor: Actor) -> bool:
    """Drafts and vouchers of every account the actor sees."""
    return actor.role in (
        roles_with(Capability.COMMONS_OVERSEE) | roles_with(Capability.COMMONS_APPROVE)
    )


def _entry_rule(actor: Actor, action: str) -> Filter:
    from .models import EntryStatus

    q = compound_q(actor, "account__compound")
    if q is None or sees_drafts(actor):
        return q
    return q & Q(status=EntryStatus.APPROVED)


def _voucher_rule(actor: Actor, action: str) -> Filter:
    return compound_q(actor, "entry__account__compound") if sees_drafts(actor) else None


def register_scopes() -> None:
    from .models import Entry, Notice, PublicAccount, Voucher

    register(PublicAccount, via_compound("compound"))
    register(Entry, _entry_rule)
    register(Voucher, _voucher_rule)
    register(Notice, via_compound("account__compound"))
