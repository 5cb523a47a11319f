"""How the services app's rows reach an actor (``linli.core.policy``).

The catalogue is public: anyone — a resident, a stranger at a stairwell's QR page — sees every
organisation, item, point and its hours (``view``). Editing (``edit``) is for the superuser and
the county, town and community offices, each over what belongs to its own region subtree: a
community worker edits the community's points, the county its departments' items.
"""

from __future__ import annotations

from django.db.models import Q

from linli.core.policy import Actor, Filter, register


def _region(path: str):
    def rule(actor: Actor, action: str) -> Filter:
        if action == "view" or actor.is_superuser:
            return Q()
        if actor.in_region:
            return Q(**{f"{path}__path__startswith": actor.region_path})
        return None

    return rule


def register_scopes() -> None:
    from .models import Item, Organization, Point, PointItem, RequiredDocument, Schedule

    register(Organization, _region("region"))
    register(Item, _region("organization__region"))
    register(RequiredDocument, _region("item__organization__region"))
    register(Point, _region("region"))
    register(PointItem, _region("point__region"))
    register(Schedule, _region("point__region"))
