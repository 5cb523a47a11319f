"""Kept indicator values, brought up to date incrementally (the CommCare / DHIS2 pattern).

- **Mark**: a change to a source row marks its (community, month) pairs dirty, in the same
  transaction as the change (``signals.py``; bulk writes call ``linli.core.changes``).
- **Refresh**: :func:`refresh` claims dirty pairs and recomputes every kept value they touch —
  the community's own, its compounds', its grid cells' and its ancestors' for that month.
  With a broker (production) each marking commit enqueues ``linli.indicators.refresh`` and
  Celery beat runs it every five minutes as a catch-all; in the embedded default a read
  (:func:`values_for`: the command, the API) refreshes the pairs it needs in-process first.
- **Keep lazily**: a (place, month) is computed and kept the first time it is read or by
  :func:`rebuild` (``linli indicators --rebuild``), which recomputes everything from scratch.

Claim-then-compute: dirty rows are deleted before the values are recomputed, so a change
committed meanwhile leaves a fresh mark for the next refresh rather than being lost.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone

from linli.core.tree import path_ids
from linli.grid.models import Grid
from linli.ledger.models import Compound, Region

from .context import Context, Place
from .models import Dirty, Value
from .registry import REGISTRY, Month, at_level, months


# ------------------------------------------------------------------------------ compute
def compute(place: Place, month: Month, shared: dict | None = None) -> dict[str, object]:
    """Every indicator of ``place``'s level for ``month``, from scratch: ``{code: value}``."""
    ctx = Context(place, month, shared if shared is not None else {})
    return {i.code: i.value(i.compute(ctx)) for i in at_level(place.level)}


def _place_field(place: Place) -> str:
    return place.kind  # "region" | "compound" | "grid": the Value's foreign key


def _keep(place: Place, month: Month, values: dict[str, object], now: dt.datetime) -> None:
    """Replace the kept values of ``place`` and ``month``. Two processes keeping the same
    (place, month) at once (a read and the refresh job): the second's insert meets the
    first's rows, and the first's values stand (they were computed from the same data)."""
    try:
        with transaction.atomic():
            _replace(place, month, values, now)
    except IntegrityError:
        pass


def _replace(place: Place, month: Month, values: dict[str, object], now: dt.datetime) -> None:
    field = _place_field(place)
    Value.objects.filter(**{f"{field}_id": place.id}, month=month.start).delete()
    Value.objects.bulk_create(
        [
            Value(
                **{f"{field}_id": place.id},
                month=month.start,
                code=code,
                value=None if v is None else Decimal(v),  # type: ignore[arg-type]
                computed_at=now,
            )
            for code, v in values.items()
        ]
    )


def kept(place: Place, month: Month) -> dict[str, object] | None:
    """The kept values of ``place`` and ``month`` (None unless every indicator is kept)."""
    rows = dict(
        Value.objects.filter(**{f"{_place_field(place)}_id": place.id}, month=month.start)
        .values_list("code", "value")
        .order_by()
    )
    wanted = [i.code for i in at_level(place.level)]
    if any(code not in rows for code in wanted):
        return None
    return {code: REGISTRY[code].value(rows[code]) for code in wanted}


def values_for(place: Place, month: Month) -> dict[str, object]:
    """The values the pages, the API and the command show: the kept ones, refreshed first
    if a change marked them, computed and kept when they were never kept."""
    pending = _dirty_under(place).filter(month=month.start)
    if pending.exists():
        refresh(pairs=pending)
    values = kept(place, month)
    if values is None:
        values = compute(place, month)
        _keep(place, month, values, timezone.now())
    return values


# ------------------------------------------------------------------------------ marking
def mark(pairs: Iterable[tuple[int, Month]]) -> int:
    """Mark (community id, month) pairs dirty; enqueue a refresh on commit when a broker
    runs the tasks. Only months that have kept values need marking (the rest are computed
    when first read)."""
    wanted = {(c, m.start) for c, m in pairs if c}
    if not wanted:
        return 0
    kept_months = set(
        Value.objects.filter(month__in={m for _, m in wanted}).values_list("month", flat=True)
    )
    rows = [Dirty(community_id=c, month=m) for c, m in wanted if m in kept_months]
    if not rows:
        return 0
    Dirty.objects.bulk_create(rows, ignore_conflicts=True)
    if settings.CELERY_BROKER_URL:
        from .tasks import refresh as refresh_task

        transaction.on_commit(refresh_task.delay)
    return len(rows)


def kept_months_from(first: Month) -> list[Month]:
    """``first`` through the later of this month and the last kept month."""
    last = Value.objects.order_by("-month").values_list("month", flat=True).first()
    end = max(Month.current(), Month.of(last)) if last else Month.current()
    return months(first, end) if first <= end else [first]


def _dirty_under(place: Place):
    if place.kind == "region":
        return Dirty.objects.filter(community__path__startswith=place.path)
    return Dirty.objects.filter(community_id=place.community_id)


# ------------------------------------------------------------------------------ refresh
def refresh(*, pairs=None) -> int:
    """Recompute the kept values the dirty pairs touch (all of them, or the queryset
    ``pairs``); returns how many (place, month) were recomputed."""
    with transaction.atomic():
        claimed = list(
            (pairs if pairs is not None else Dirty.objects.all()).values_list(
                "pk", "community_id", "month"
            )
        )
        Dirty.objects.filter(pk__in=[pk for pk, _, _ in claimed]).delete()
    by_month: dict[dt.date, set[int]] = defaultdict(set)
    for _, community_id, month in claimed:
        by_month[month].add(community_id)
    done = 0
    now = timezone.now()
    for month_start, community_ids in sorted(by_month.items()):
        month = Month.of(month_start)
        shared: dict = {}
        for place in _kept_places(community_ids, month):
            _keep(place, month, compute(place, month, shared), now)
            done += 1
    return done


def _kept_places(community_ids: set[int], month: Month) -> list[Place]:
    """The places with kept values of ``month`` that the communities' changes touch."""
    ancestors: set[int] = set()
    for path in Region.objects.filter(pk__in=community_ids).values_list("path", flat=True):
        ancestors.update(path_ids(path))
    rows = Value.objects.filter(month=month.start).filter(
        Q(region_id__in=ancestors)
        | Q(compound__community_id__in=community_ids)
        | Q(grid__community_id__in=community_ids)
    )
    region_ids = set(rows.filter(region__isnull=False).values_list("region_id", flat=True))
    compound_ids = set(rows.filter(compound__isnull=False).values_list("compound_id", flat=True))
    grid_ids = set(rows.filter(grid__isnull=False).values_list("grid_id", flat=True))
    return [
        *(Place.of_region(r) for r in Region.objects.filter(pk__in=region_ids)),
        *(
            Place.of_compound(c)
            for c in Compound.objects.filter(pk__in=compound_ids).select_related("community")
        ),
        *(Place.of_grid(g) for g in Grid.objects.filter(pk__in=grid_ids)),
    ]


# ------------------------------------------------------------------------------ rebuild
def all_places() -> list[Place]:
    return [
        *(Place.of_region(r) for r in Region.objects.order_by("path")),
        *(Place.of_compound(c) for c in Compound.objects.select_related("community")),
        *(Place.of_grid(g) for g in Grid.objects.order_by("path")),
    ]


def first_month() -> Month:
    """The earliest month any source has data for (this month when there is none)."""
    from linli.care.models import Recipient
    from linli.cases.models import Case
    from linli.civility.models import Honour
    from linli.commons.models import Entry
    from linli.finance.models import Bill
    from linli.grid.models import Visit
    from linli.volunteers.models import Shift

    found = [
        Case.objects.aggregate(m=Min("reported_at"))["m"],
        Bill.objects.aggregate(m=Min("period_start"))["m"],
        Visit.objects.aggregate(m=Min("visited_on"))["m"],
        Shift.objects.aggregate(m=Min("start"))["m"],
        Entry.objects.aggregate(m=Min("date"))["m"],
        Honour.objects.aggregate(m=Min("awarded_on"))["m"],
        Recipient.objects.aggregate(m=Min("registered_on"))["m"],
    ]
    dates = [Month.of(d) for d in found if d is not None]
    return min(dates, key=lambda m: (m.year, m.month)) if dates else Month.current()


def rebuild(*, first: Month | None = None, last: Month | None = None) -> int:
    """Forget every kept value and compute every place and month from scratch; returns how
    many (place, month) were kept."""
    first = first or first_month()
    last = last or Month.current()
    Dirty.objects.all().delete()
    Value.objects.all().delete()
    places = all_places()
    now = timezone.now()
    done = 0
    for month in months(first, last):
        shared: dict = {}
        for place in places:
            _keep(place, month, compute(place, month, shared), now)
            done += 1
    return done
