"""Mark (community, month) pairs dirty when a source row changes (``rollups.mark``).

Each source model maps a saved or deleted row to the community it belongs to, the month it
counts in and whether it also changes every later month (a stock, counted as of each month's
end: households, memberships, posts, the care registry) or only its own (a flow: a case by its
registration month, a bill by its period, a visit, an entry, a service record, an award).
Figures the source apps give only as they stand now (infrastructure problems, service points,
placements) change every kept month.
Writes that bypass signals report through ``linli.core.changes`` (bulk updates in grid and
volunteers). Nothing is marked while no value is kept (one cheap query), so building the demo
or running other apps' tests costs almost nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from linli.core import changes

from .registry import Month

#: (community id, the first month it changes, whether every later month changes too)
Mark = tuple[int | None, dt.date | dt.datetime | None, bool]


def _now() -> dt.datetime:
    return timezone.now()


def _community_of_household(household_id: int | None) -> int | None:
    from linli.ledger.models import Household

    if household_id is None:
        return None
    return (
        Household.objects.filter(pk=household_id)
        .values_list("unit__building__compound__community_id", flat=True)
        .first()
    )


def _community_of_compound(compound_id: int | None) -> int | None:
    from linli.ledger.models import Compound

    if compound_id is None:
        return None
    return Compound.objects.filter(pk=compound_id).values_list("community_id", flat=True).first()


# ------------------------------------------------------------------------- the mappings
def _compound(c) -> list[Mark]:
    return [(c.community_id, getattr(c, "_history_date", None) or _now(), True)]


def _household(h) -> list[Mark]:
    from linli.ledger.models import Unit

    community = (
        Unit.objects.filter(pk=h.unit_id)
        .values_list("building__compound__community_id", flat=True)
        .first()
    )
    return [(community, getattr(h, "_history_date", None) or _now(), True)]


def _resident(r) -> list[Mark]:
    # a party member's household counts with the party members' fees in every month
    return [(_community_of_household(r.household_id), None, True)]


def _membership(m) -> list[Mark]:
    return [(_community_of_household(m.household_id), m.start, True)]


def _holding(h) -> list[Mark]:
    from linli.grid.models import Post

    community = (
        Post.objects.filter(pk=h.post_id).values_list("grid__community_id", flat=True).first()
    )
    return [(community, h.start, True)]


def _grid(g) -> list[Mark]:
    return [(g.community_id, g.created_at or _now(), True)]


def _visit(v) -> list[Mark]:
    return [(_community_of_household(v.household_id), v.visited_on, False)]


def _recipient(r) -> list[Mark]:
    from linli.ledger.models import Resident

    household = Resident.objects.filter(pk=r.resident_id).values_list("household_id", flat=True)
    return [(_community_of_household(household.first()), r.registered_on, True)]


def _case(c) -> list[Mark]:
    return [(c.community_id, c.reported_at, False)]


def _bill(b) -> list[Mark]:
    return [(_community_of_compound(b.compound_id), b.period_start, False)]


def _bill_months(household_id: int) -> list[Mark]:
    from linli.finance.models import Bill

    community = _community_of_household(household_id)
    starts = Bill.objects.filter(household_id=household_id).values_list("period_start", flat=True)
    return [(community, start, False) for start in set(starts)]


def _bill_run(run) -> list[Mark]:
    from linli.finance.money import add_months
    from linli.ledger.models import Region, RegionLevel

    if run.compound_id:
        communities = [_community_of_compound(run.compound_id)]
    elif run.region_id:
        region = Region.objects.get(pk=run.region_id)
        communities = list(
            Region.objects.filter(
                path__startswith=region.path, level=RegionLevel.COMMUNITY
            ).values_list("pk", flat=True)
        )
    else:
        communities = []
    starts = [add_months(run.period_start, i) for i in range(run.months or 1)]
    return [(c, s, False) for c in communities for s in starts]


def _payment(p) -> list[Mark]:
    return _bill_months(p.household_id)


def _waiver(w) -> list[Mark]:
    from linli.finance.models import Bill

    household = Bill.objects.filter(pk=w.bill_id).values_list("household_id", flat=True).first()
    return _bill_months(household) if household else []


def _payment_void(v) -> list[Mark]:
    from linli.finance.models import Payment

    household = (
        Payment.objects.filter(pk=v.payment_id).values_list("household_id", flat=True).first()
    )
    return _bill_months(household) if household else []


def _entry(e) -> list[Mark]:
    from linli.commons.models import PublicAccount

    compound = (
        PublicAccount.objects.filter(pk=e.account_id).values_list("compound_id", flat=True).first()
    )
    return [(_community_of_compound(compound), e.date, False)]


def _service_record(r) -> list[Mark]:
    from linli.volunteers.models import Shift

    row = Shift.objects.filter(pk=r.shift_id).values_list("activity__community_id", "start").first()
    return [(row[0], row[1], False)] if row else []


def _shift(s) -> list[Mark]:
    from linli.volunteers.models import Activity

    community = (
        Activity.objects.filter(pk=s.activity_id).values_list("community_id", flat=True).first()
    )
    return [(community, s.start, False)]


def _honour(h) -> list[Mark]:
    from linli.civility.models import Nomination

    community = (
        Nomination.objects.filter(pk=h.nomination_id)
        .values_list("campaign__community_id", flat=True)
        .first()
    )
    return [(community, h.awarded_on, False)]


def _import_batch(b) -> list[Mark]:
    from linli.ledger.models import Region, RegionLevel

    if b.status != b.Status.APPLIED:
        return []
    return [
        (c, _now(), True)
        for c in Region.objects.filter(level=RegionLevel.COMMUNITY).values_list("pk", flat=True)
    ]


def _always(community: int | None) -> list[Mark]:
    """A figure as it stands now (infra, service points, placements): every kept month."""
    return [(community, None, True)]


def _communities_under(region_id: int | None) -> list[int]:
    from linli.ledger.models import Region, RegionLevel

    if region_id is None:
        return []
    path = Region.objects.filter(pk=region_id).values_list("path", flat=True).first()
    if path is None:
        return []
    return list(
        Region.objects.filter(path__startswith=path, level=RegionLevel.COMMUNITY).values_list(
            "pk", flat=True
        )
    )


def _problem(p) -> list[Mark]:
    from linli.infra.models import Plan

    compound = Plan.objects.filter(pk=p.plan_id).values_list("compound_id", flat=True).first()
    return _always(_community_of_compound(compound))


def _plan(p) -> list[Mark]:
    return _always(_community_of_compound(p.compound_id))


def _point(p) -> list[Mark]:
    return [m for c in _communities_under(p.region_id) for m in _always(c)]


def _point_item(pi) -> list[Mark]:
    from linli.services.models import Point

    region = Point.objects.filter(pk=pi.point_id).values_list("region_id", flat=True).first()
    return [m for c in _communities_under(region) for m in _always(c)]


def _service_item(_item) -> list[Mark]:
    from linli.ledger.models import Region, RegionLevel

    return [
        m
        for c in Region.objects.filter(level=RegionLevel.COMMUNITY).values_list("pk", flat=True)
        for m in _always(c)
    ]


def _community_row(row) -> list[Mark]:  # employers, postings, seekers: their own community
    return _always(row.community_id)


def _of_seeker(seeker_id: int | None) -> int | None:
    from linli.jobs.models import Seeker

    if seeker_id is None:
        return None
    return Seeker.objects.filter(pk=seeker_id).values_list("community_id", flat=True).first()


def _application(a) -> list[Mark]:
    from linli.jobs.models import Posting

    posting = Posting.objects.filter(pk=a.posting_id).values_list("community_id", flat=True)
    return _always(_of_seeker(a.seeker_id)) + _always(posting.first())


def _seeker_row(row) -> list[Mark]:  # 创客 sales, enrolments
    return _always(_of_seeker(row.seeker_id))


def _models() -> dict[type[Model], Callable[[Model], list[Mark]]]:
    from linli.care.models import Recipient
    from linli.cases.models import Case
    from linli.civility.models import Honour
    from linli.commons.models import Entry
    from linli.finance.models import Bill, BillRun, Payment, PaymentVoid, Waiver
    from linli.grid.models import Grid, Holding, Membership, Visit
    from linli.infra.models import Plan, Problem
    from linli.jobs.models import Application, Employer, Enrolment, MakerSales, Posting, Seeker
    from linli.ledger.models import Compound, Household, ImportBatch, Resident
    from linli.services.models import Item, Point, PointItem
    from linli.volunteers.models import ServiceRecord, Shift

    return {
        Compound: _compound,
        Household: _household,
        Resident: _resident,
        ImportBatch: _import_batch,
        Grid: _grid,
        Membership: _membership,
        Holding: _holding,
        Visit: _visit,
        Recipient: _recipient,
        Case: _case,
        Bill: _bill,
        BillRun: _bill_run,
        Payment: _payment,
        Waiver: _waiver,
        PaymentVoid: _payment_void,
        Entry: _entry,
        ServiceRecord: _service_record,
        Shift: _shift,
        Honour: _honour,
        Plan: _plan,
        Problem: _problem,
        Point: _point,
        PointItem: _point_item,
        Item: _service_item,
        Employer: _community_row,
        Posting: _community_row,
        Seeker: _community_row,
        Application: _application,
        MakerSales: _seeker_row,
        Enrolment: _seeker_row,
    }


# ------------------------------------------------------------------------- marking
def _anything_kept() -> bool:
    from .models import Value

    return Value.objects.exists()


def apply(marks: Iterable[Mark]) -> int:
    """Turn marks into dirty (community, month) pairs."""
    from . import rollups
    from .models import Value

    pairs: list[tuple[int, Month]] = []
    first_kept: Month | None = None
    for community, since, through in marks:
        if community is None:
            continue
        if since is None:
            if first_kept is None:
                earliest = Value.objects.order_by("month").values_list("month", flat=True).first()
                first_kept = Month.of(earliest) if earliest else Month.current()
            first = first_kept
        else:
            first = Month.of(since)
        for month in rollups.kept_months_from(first) if through else [first]:
            pairs.append((community, month))
    return rollups.mark(pairs)


def _on_change(sender, instance, **kwargs) -> None:
    if kwargs.get("raw") or not _anything_kept():
        return
    mapping = HANDLERS.get(sender)
    if mapping is None:
        return
    try:
        marks = mapping(instance)
    except ObjectDoesNotExist:  # a parent deleted in the same cascade
        return
    apply(marks)


def _on_visit_recipients(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear") and _anything_kept():
        apply(_visit(instance))


def _on_community_changed(community_id: int, since: dt.date | dt.datetime | None) -> None:
    if _anything_kept():
        apply([(community_id, since, True)])


HANDLERS: dict[type[Model], Callable[[Model], list[Mark]]] = {}


def connect() -> None:
    from linli.grid.models import Visit

    HANDLERS.update(_models())
    for model in HANDLERS:
        uid = f"indicators-{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        _on_visit_recipients,
        sender=Visit.care_recipients.through,
        dispatch_uid="indicators-visit-recipients",
    )
    changes.listen(_on_community_changed)
