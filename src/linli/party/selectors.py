"""Reads of the party organisation, scoped like the ledger (region roles see their region;
the 三长 see the organisations of their community): ``restrict`` with the rules of
:mod:`linli.party.scopes`."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import Organisation


def organisations_for(user) -> QuerySet[Organisation]:
    return Organisation.objects.restrict(user)


def tree_for(*, actor, community) -> list[Organisation]:
    """The community's organisations in tree order, with member and 亮身份 counts."""
    return list(
        organisations_for(actor)
        .filter(community=community)
        .select_related("grid", "compound")
        .prefetch_related("co_building_units")
        .annotate(
            member_count=Count("members", distinct=True),
            shown_count=Count("members", filter=Q(members__shows_identity=True), distinct=True),
        )
        .order_by("path")
    )
