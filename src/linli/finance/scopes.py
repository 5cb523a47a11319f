"""How fees reach the places an actor holds (``linli.core.policy``).

Bills and payments carry both ``household`` and ``compound``: the region roles (and the
superuser) see them by compound — the same households as ``household_q``, without the join
through unit and building — everyone else by their households.

A reduction (减免) is granted for 低保, 特困 …, so it tells a vulnerable-person fact: roles
without ``Capability.SEE_TAGS`` see only their own household's receipts, reductions and the
allocations behind them (another household's receipts beside its bills would give a reduction
away). Void requests are the fee desk's alone (``Capability.FINANCE_DESK``).
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q

from linli.core.policy import (
    Actor,
    Capability,
    Filter,
    Rule,
    compound_q,
    household_q,
    register,
    roles_with,
    via_compound,
    via_household,
)


def _p(prefix: str) -> str:
    return f"{prefix}__" if prefix else ""


def by_compound(actor: Actor) -> bool:
    """The superuser and the region roles see fees by compound."""
    return actor.is_superuser or actor.role in roles_with(Capability.FINANCE_DESK)


def sees_reductions(actor: Actor, household_id: int | None = None) -> bool:
    """Reductions of every household in scope: the roles with the vulnerable-person tag duty;
    of ``household_id``: also that household's own people (it is their own data)."""
    if actor.role in roles_with(Capability.SEE_TAGS):
        return True
    return household_id is not None and actor.household_id == household_id


def bill_rule(prefix: str = "") -> Rule:
    """Bills (``prefix`` leads from the scoped model to a ``finance.Bill`` or ``Payment``)."""
    p = _p(prefix)

    def rule(actor: Actor, action: str) -> Filter:
        if by_compound(actor):
            return compound_q(actor, f"{p}compound")
        return household_q(actor, f"{p}household")

    return rule


def receipt_rule(prefix: str = "") -> Rule:
    """Payments, waivers and allocations: as bills, and only one's own household's unless
    the role sees reductions (``prefix`` leads to what carries ``household``)."""
    p = _p(prefix)
    bills = bill_rule(prefix)

    def rule(actor: Actor, action: str) -> Filter:
        q = bills(actor, action)
        if q is None or sees_reductions(actor):
            return q
        if actor.household_id is None:
            return None
        return q & Q(**{f"{p}household_id": actor.household_id})

    return rule


def _void_rule(actor: Actor, action: str) -> Filter:
    if actor.role not in roles_with(Capability.FINANCE_DESK):
        return None
    return compound_q(actor, "payment__compound")


def _run_rule(actor: Actor, action: str) -> Filter:
    """A bill run: any of its billed periods in a compound the actor sees."""
    compounds = compound_q(actor, "compound")
    if compounds is None:
        return None
    billed = apps.get_model("finance", "BilledPeriod").objects.filter(compounds)
    return Q(pk__in=billed.values("run_id"))


def register_scopes() -> None:
    from .models import (
        Account,
        Allocation,
        Bill,
        BilledPeriod,
        BillRun,
        FeeSchedule,
        Payment,
        PaymentVoid,
        ReceiptSequence,
        RunRate,
        Waiver,
    )

    register(FeeSchedule, via_compound("compound"))
    register(BillRun, _run_rule)
    register(BilledPeriod, via_compound("compound"))
    register(RunRate, via_compound("compound"))
    register(ReceiptSequence, via_compound("compound"))
    register(Account, via_household("household"))
    register(Bill, bill_rule())
    register(Payment, receipt_rule())
    register(Allocation, receipt_rule("payment"))
    register(Waiver, receipt_rule("bill"))
    register(PaymentVoid, _void_rule)
