"""How the civility app's rows reach the places an actor holds (``linli.core.policy``).

Awards are public inside a community: its workers and officials above it, its 三长 and its
residents see the campaigns and honours of their community. Nominations are seen whole by the
office and the community's 三长; a resident sees those on the vote or the 公示 (and awarded),
plus the ones they made and those of their own household. Objections are seen by the office and
by whoever raised them; votes by the office and by the household that cast them. Department
staff have no duty here and see nothing.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q

from linli.core.policy import Actor, Filter, register
from linli.core.roles import GRID_ROLES, REGION_ROLES, Role

PUBLIC = ("scored", "publicised", "suspended", "awarded")


def community_q(actor: Actor, prefix: str = "") -> Filter:
    """Rows whose ``{prefix}community`` is a community the actor belongs to or oversees."""
    p = f"{prefix}__" if prefix else ""
    if actor.is_superuser:
        return Q()
    if actor.role in REGION_ROLES and actor.region_id:
        return Q(**{f"{p}community__path__startswith": actor.region_path})
    if actor.role in GRID_ROLES and actor.grid_id:
        grid = apps.get_model("grid", "Grid")
        return Q(
            **{f"{p}community_id__in": grid.objects.filter(pk=actor.grid_id).values("community_id")}
        )
    if actor.role == Role.COMMITTEE_MEMBER and actor.compound_id:
        compound = apps.get_model("ledger", "Compound")
        ids = compound.objects.filter(pk=actor.compound_id).values("community_id")
        return Q(**{f"{p}community_id__in": ids})
    if actor.role == Role.RESIDENT and actor.household_id:
        household = apps.get_model("ledger", "Household")
        household_ids = household.objects.filter(pk=actor.household_id).values(
            "unit__building__compound__community_id"
        )
        return Q(**{f"{p}community_id__in": household_ids})
    return None


def _office(actor: Actor, prefix: str) -> Filter:
    if actor.is_superuser or actor.role in REGION_ROLES:
        return community_q(actor, prefix)
    return None


def _campaigns(actor: Actor, action: str) -> Filter:
    return community_q(actor)


def _nominations(actor: Actor, action: str) -> Filter:
    if actor.is_superuser or actor.role in REGION_ROLES or actor.role in GRID_ROLES:
        return community_q(actor, "campaign")
    community = community_q(actor, "campaign")
    if community is None:
        return None
    own = Q(nominated_by_id=actor.user_id)
    if actor.household_id:
        own |= Q(household_id=actor.household_id)
    return community & (Q(status__in=PUBLIC) | own)


def _scores(actor: Actor, action: str) -> Filter:
    q = _nominations(actor, action)
    return (
        None
        if q is None
        else Q(
            nomination__in=apps.get_model("civility", "Nomination").objects.filter(q).values("pk")
        )
    )


def _votes(actor: Actor, action: str) -> Filter:
    office = _office(actor, "campaign")
    if office is not None:
        return office
    if actor.household_id:
        return Q(household_id=actor.household_id)
    return None


def _objections(actor: Actor, action: str) -> Filter:
    office = _office(actor, "nomination__campaign")
    if office is not None:
        return office
    return Q(raised_by_id=actor.user_id) if actor.user_id else None


def _honours(actor: Actor, action: str) -> Filter:
    return community_q(actor, "nomination__campaign")


def register_scopes() -> None:
    from .models import Campaign, Honour, Nomination, Objection, Score, Vote

    register(Campaign, _campaigns)
    register(Nomination, _nominations)
    register(Score, _scores)
    register(Vote, _votes)
    register(Objection, _objections)
    register(Honour, _honours)
