"""Reads of the ledger. Every one starts from what the requesting user may see.

Scoping is decided in one place, :mod:`linli.core.policy` (role and place in the region and
grid tree; the ledger's rules are in ``ledger/scopes.py``); the ``*_for`` functions here apply
it through ``restrict``. Lists, details, counts and exports all
go through them, so no total leaks what a list hides.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from linli.core.errors import NotFound
from linli.core.policy import actor_of, household_q

from .models import (
    SANWU_Q,
    Building,
    Compound,
    Household,
    Region,
    RegionLevel,
    Resident,
    Unit,
)


def visible_regions(user) -> QuerySet[Region]:
    return Region.objects.restrict(user)


def _region_path_prefix(user) -> str | None:
    """For the office roles that work on a whole region (officials, workers, departments):
    ``""`` for all, the region's path prefix for a subtree; ``None`` for every other role."""
    actor = actor_of(user)
    if actor.is_superuser:
        return ""
    if actor.in_office:
        return actor.region_path
    return None


def compounds_for(user) -> QuerySet[Compound]:
    return Compound.objects.restrict(user).select_related("community")


def households_for(user) -> QuerySet[Household]:
    return Household.objects.restrict(user).select_related("unit__building__compound")


def residents_for(user) -> QuerySet[Resident]:
    return Resident.objects.restrict(user).select_related("household__unit__building__compound")


def region_get_for(*, actor, region_id: int) -> Region:
    region = visible_regions(actor).filter(pk=region_id).first()
    if region is None:
        raise NotFound("区域不存在或无权查看")
    return region


def compound_get_for(*, actor, compound_id: int) -> Compound:
    compound = compounds_for(actor).filter(pk=compound_id).first()
    if compound is None:
        raise NotFound("小区不存在或无权查看")
    return compound


def household_get_for(*, actor, household_id: int) -> Household:
    household = households_for(actor).filter(pk=household_id).first()
    if household is None:
        raise NotFound("房屋不存在或无权查看")
    return household


def resident_get_for(*, actor, resident_id: int) -> Resident:
    resident = residents_for(actor).filter(pk=resident_id).first()
    if resident is None:
        raise NotFound("居民不存在或无权查看")
    return resident


def communities_for(user) -> QuerySet[Region]:
    """Communities the user sees, each annotated with compound, 三无 and household counts."""
    return (
        visible_regions(user)
        .filter(level=RegionLevel.COMMUNITY)
        .annotate(
            compound_count=Count("compounds", distinct=True),
            sanwu_count=Count("compounds", filter=_prefixed(SANWU_Q, "compounds"), distinct=True),
        )
        .order_by("path")
    )


def _prefixed(q: Q, prefix: str) -> Q:
    """Rewrite a Q on Compound fields to one on ``<prefix>__field``."""
    out = Q()
    out.connector = q.connector
    out.negated = q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(_prefixed(child, prefix))
        else:
            key, value = cast(tuple[str, Any], child)  # a leaf is a (lookup, value) pair
            out.children.append((f"{prefix}__{key}", value))
    return out


def household_counts_by_compound(compound_ids) -> dict[int, dict[str, int]]:
    """Buildings, households and residents actually in the ledger, per compound id."""
    counts: dict[int, dict[str, int]] = {
        cid: {"buildings": 0, "households": 0, "residents": 0} for cid in compound_ids
    }
    for household_row in (
        Household.objects.filter(unit__building__compound_id__in=compound_ids)
        .values("unit__building__compound_id")
        .annotate(n=Count("id"), b=Count("unit__building_id", distinct=True))
    ):
        c = counts[household_row["unit__building__compound_id"]]
        c["households"] = household_row["n"]
        c["buildings"] = household_row["b"]
    for resident_row in (
        Resident.objects.filter(household__unit__building__compound_id__in=compound_ids)
        .values("household__unit__building__compound_id")
        .annotate(n=Count("id"))
    ):
        counts[resident_row["household__unit__building__compound_id"]]["residents"] = resident_row[
            "n"
        ]
    return counts


def sanwu_count_as_of(*, actor, when, region: Region | None = None) -> int:
    """How many compounds the actor sees were 三无 at ``when`` — a query on the change history.

    ``sanwu_count_as_of(actor=u, when=survey_date)`` gives "43 at the survey";
    with ``when=timezone.now()`` it gives today's figure.
    """
    prefix = _region_path_prefix(actor)
    if prefix is None:
        return 0
    if region is not None:
        prefix = region.path if region.path.startswith(prefix) else None
        if prefix is None:
            return 0
    return sanwu_count_in(path=prefix, when=when)


def sanwu_count_in(*, path: str, when) -> int:
    """How many compounds of the regions under ``path`` were 三无 at ``when`` (no scope:
    the caller has checked it; ``linli.indicators`` reads this)."""
    community_ids = Region.objects.filter(
        level=RegionLevel.COMMUNITY, path__startswith=path
    ).values("id")
    as_of = Compound.history.as_of(when).filter(community_id__in=community_ids)
    return as_of.filter(SANWU_Q).count()


def household_counts_by_community(community_ids) -> dict[int, int]:
    return {
        row["unit__building__compound__community_id"]: row["n"]
        for row in Household.objects.filter(
            unit__building__compound__community_id__in=community_ids
        )
        .values("unit__building__compound__community_id")
        .annotate(n=Count("id"))
    }


# --- Counts and summaries for the API (lists stay one query however long the page) ---


def _count_of(queryset, key: str):
    """A correlated ``COUNT`` subquery over ``queryset`` grouped by ``key`` (0 when empty)."""
    subquery = (
        queryset.order_by().values(key).annotate(n=Count("pk", distinct=True)).values("n")[:1]
    )
    return Coalesce(Subquery(subquery, output_field=IntegerField()), 0)


def _visible(model, user, prefix: str = ""):
    """``model`` rows whose household ``user`` may see (``prefix`` leads to the household)."""
    q = household_q(actor_of(user), prefix=prefix)
    return model.objects.none() if q is None else model.objects.filter(q)


def compounds_with_counts(queryset: QuerySet[Compound], *, actor) -> QuerySet[Compound]:
    """Annotate ``building_count`` and the ``household_count`` / ``resident_count`` the actor
    may see (a 邻长 sees the compound, but counts only their own neighbours' households)."""
    return queryset.annotate(
        building_count=_count_of(Building.objects.filter(compound=OuterRef("pk")), "compound"),
        household_count=_count_of(
            _visible(Household, actor).filter(unit__building__compound=OuterRef("pk")),
            "unit__building__compound",
        ),
        resident_count=_count_of(
            _visible(Resident, actor, "household").filter(
                household__unit__building__compound=OuterRef("pk")
            ),
            "household__unit__building__compound",
        ),
    )


def households_with_counts(queryset: QuerySet[Household]) -> QuerySet[Household]:
    """Annotate ``resident_count`` on each household (whoever sees a household sees its people)."""
    return queryset.annotate(
        resident_count=_count_of(Resident.objects.filter(household=OuterRef("pk")), "household")
    )


def compound_buildings(*, compound: Compound, actor) -> list[Building]:
    """The compound's buildings, each with its units annotated with the household and
    resident counts the actor may see."""
    units = Unit.objects.order_by("name").annotate(
        household_count=_count_of(_visible(Household, actor).filter(unit=OuterRef("pk")), "unit"),
        resident_count=_count_of(
            _visible(Resident, actor, "household").filter(household__unit=OuterRef("pk")),
            "household__unit",
        ),
    )
    return list(
        Building.objects.filter(compound=compound)
        .order_by("name")
        .prefetch_related(Prefetch("units", queryset=units))
    )


def compound_detail_for(*, actor, compound_id: int) -> Compound:
    """One compound with its counts and ``building_summary`` (buildings → units), or 404."""
    compound = (
        compounds_with_counts(compounds_for(actor), actor=actor).filter(pk=compound_id).first()
    )
    if compound is None:
        raise NotFound("小区不存在或无权查看")
    compound.building_summary = compound_buildings(compound=compound, actor=actor)
    return compound


def household_detail_for(*, actor, household_id: int) -> Household:
    """One household with ``resident_count`` and ``resident_list``, or 404."""
    household = households_with_counts(households_for(actor)).filter(pk=household_id).first()
    if household is None:
        raise NotFound("房屋不存在或无权查看")
    household.resident_list = list(household.residents.order_by("id"))
    for resident in household.resident_list:
        resident.household = household
    return household


_HISTORY_TYPES = {"+": "新建", "~": "修改", "-": "删除"}


def compound_changes(*, compound: Compound) -> list[dict]:
    """The compound's change history, newest first: when, who, what changed (old → new)."""
    records = list(
        compound.history.select_related("history_user__profile").order_by(
            "history_date", "history_id"
        )
    )
    fields = [f.name for f in Compound._meta.fields]
    labels = {f.name: str(f.verbose_name) for f in Compound._meta.fields}
    out = []
    previous = None
    for record in records:
        changes: list[dict[str, Any]] = []
        if previous is not None and record.history_type != "-":
            changes = [
                {
                    "field": c.field,
                    "label": labels.get(c.field, c.field),
                    "old": c.old,
                    "new": c.new,
                }
                for c in sorted(
                    record.diff_against(previous).changes,
                    key=lambda c: fields.index(c.field) if c.field in fields else len(fields),
                )
            ]
        user = record.history_user
        profile = getattr(user, "profile", None) if user is not None else None
        out.append(
            {
                "id": record.history_id,
                "when": record.history_date,
                "who": None
                if user is None
                else {
                    "id": user.pk,
                    "username": user.get_username(),
                    "display_name": (profile.display_name if profile else "")
                    or user.get_username(),
                },
                "type": record.history_type,
                "type_label": _HISTORY_TYPES.get(record.history_type, record.history_type),
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
        previous = record
    out.reverse()
    return out


def community_get_for(*, actor, community_id: int) -> Region:
    """A community the actor may see, or NotFound."""
    community = visible_regions(actor).filter(pk=community_id, level=RegionLevel.COMMUNITY).first()
    if community is None:
        raise NotFound("社区不存在或无权查看")
    return community
