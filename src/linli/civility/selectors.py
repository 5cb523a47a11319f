"""Reads for the civility pages and API, each starting from the scoped queryset."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from linli.core.policy import Capability, actor_of, can, get_or_404, restrict
from linli.core.roles import GRID_ROLES
from linli.ledger.models import Building, Household

from .models import (
    BUILDING_KINDS,
    Campaign,
    Criterion,
    Honour,
    Nomination,
    Objection,
    ObjectionStatus,
    Status,
    Vote,
)


def nominations(*, actor) -> QuerySet[Nomination]:
    return (
        Nomination.objects.restrict(actor)
        .select_related("campaign", "household__unit__building__compound", "building__compound")
        .annotate(vote_count=Count("votes", distinct=True))
    )


def nomination_get_for(*, actor, nomination_id: int) -> Nomination:
    return get_or_404(nominations(actor=actor), actor, pk=nomination_id)


def campaign_get_for(*, actor, campaign_id: int) -> Campaign:
    return get_or_404(Campaign.objects.select_related("community"), actor, pk=campaign_id)


def objection_get_for(*, actor, objection_id: int) -> Objection:
    return get_or_404(
        Objection.objects.select_related("nomination__campaign"), actor, pk=objection_id
    )


def criteria(kind: str) -> list[Criterion]:
    return list(Criterion.objects.filter(kind=kind, active=True))


def open_campaigns(*, actor, today) -> list[Campaign]:
    """Campaigns still taking nominations or votes (the resident's page)."""
    return list(
        Campaign.objects.restrict(actor)
        .filter(Q(nominate_until__gte=today) | Q(vote_until__gte=today))
        .order_by("nominate_until", "id")
    )


def household_vote(*, actor, campaign: Campaign) -> Vote | None:
    household_id = actor_of(actor).household_id
    if not household_id:
        return None
    return (
        Vote.objects.filter(campaign=campaign, household_id=household_id)
        .select_related("nomination")
        .first()
    )


def nominee_choices(*, actor, campaign: Campaign) -> list[tuple[int, str]]:
    """What ``actor`` may nominate in ``campaign``: a 三长 the households (buildings) of their
    cells, a resident those of their own compound — addresses only, no names."""
    a = actor_of(actor)
    if campaign.kind in BUILDING_KINDS:
        qs = Building.objects.filter(compound__community_id=campaign.community_id)
        if a.role in GRID_ROLES:
            qs = qs.filter(
                units__households__in=restrict(Household.objects.all(), actor)
            ).distinct()
        else:
            compound_id = _compound_id(a)
            if compound_id is None:  # no compound of their own: nothing to nominate
                return []
            qs = qs.filter(compound_id=compound_id)
        return [(b.pk, f"{b.compound.name}{b.name}") for b in qs.select_related("compound")]
    hqs = Household.objects.filter(unit__building__compound__community_id=campaign.community_id)
    if a.role in GRID_ROLES:
        hqs = hqs.filter(pk__in=restrict(Household.objects.all(), actor).values("pk"))
    else:
        compound_id = _compound_id(a)
        if compound_id is None:
            return []
        hqs = hqs.filter(unit__building__compound_id=compound_id)
    hqs = hqs.select_related("unit__building").order_by(
        "unit__building__name", "unit__name", "room"
    )
    return [(h.pk, f"{h.unit.building.name}{h.unit.name}{h.room}") for h in hqs[:500]]


def _compound_id(a) -> int | None:
    from .services import _own_compound_id

    return _own_compound_id(a)


def to_score(*, actor) -> list[Nomination]:
    """The 组长/片长's nominations waiting for (or open to) a score, in their cells."""
    if not can(actor, Capability.CIVILITY_SCORE):
        return []
    cells = restrict(Household.objects.all(), actor)
    return list(
        nominations(actor=actor)
        .filter(status__in=(Status.NOMINATED, Status.SCORED))
        .filter(Q(household__in=cells) | Q(building__units__households__in=cells))
        .distinct()
        .order_by("status", "nominated_at")
    )


def open_objections(*, actor) -> list[Objection]:
    return list(
        Objection.objects.restrict(actor)
        .filter(status=ObjectionStatus.OPEN)
        .select_related("nomination__campaign", "raised_by__profile")
        .order_by("raised_at")
    )


def _labels(rows) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for key, label in rows:
        out.setdefault(key, []).append(label)
    return out


def household_badges(households: Iterable[Household]) -> dict[int, list[str]]:
    ids = [h.pk for h in households]
    rows = Honour.objects.filter(household_id__in=ids).order_by("-year", "id")
    return _labels((h.household_id, h.label) for h in rows)


def building_badges(buildings: Iterable[Building]) -> dict[int, list[str]]:
    ids = [b.pk for b in buildings]
    rows = Honour.objects.filter(building_id__in=ids).order_by("-year", "id")
    return _labels((h.building_id, h.label) for h in rows)


def figures(*, community, start, end) -> dict:
    """Awards given in ``community`` between ``start`` and ``end`` (inclusive), by kind."""
    honours = Honour.objects.filter(
        nomination__campaign__community=community, awarded_on__range=(start, end)
    )
    by_kind = dict(honours.values_list("kind").annotate(n=Count("id")).order_by())
    nominated = Nomination.objects.filter(
        campaign__community=community, nominated_at__date__range=(start, end)
    )
    return {
        "campaigns": Campaign.objects.filter(
            community=community, nominate_until__range=(start, end)
        ).count(),
        "nominations": nominated.count(),
        "votes": Vote.objects.filter(
            campaign__community=community, at__date__range=(start, end)
        ).count(),
        "objections": Objection.objects.filter(
            nomination__campaign__community=community, raised_at__date__range=(start, end)
        ).count(),
        "awards": honours.count(),
        "by_kind": by_kind,
        "star_buildings": dict(
            honours.filter(stars__gt=0).values_list("stars").annotate(n=Count("id")).order_by()
        ),
    }


def recent_honours(*, actor, limit: int = 20) -> list[Honour]:
    return list(
        Honour.objects.restrict(actor)
        .select_related("household__unit__building__compound", "building__compound")
        .order_by("-awarded_on", "id")[:limit]
    )
