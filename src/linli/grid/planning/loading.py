"""The one place the planner reads the database: a community's household keys."""

from __future__ import annotations

from .inputs import HouseholdKey
from .ordering import compound_order_key


def load_keys(community) -> list[HouseholdKey]:
    """The planning keys of every household of a community (a Region or its id): one query."""
    from linli.ledger.models import Household

    community_id = getattr(community, "pk", community)
    rows = (
        Household.objects.filter(unit__building__compound__community_id=community_id)
        .order_by("unit__building__compound_id", "unit__building_id", "unit_id", "id")
        .values_list(
            "id",
            "unit__building__compound_id",
            "unit__building__compound__construction_background",
            "unit__building__compound__address",
            "unit__building__compound__name",
            "unit__building__name",
            "unit__name",
            "room",
        )
    )
    compounds: dict[int, tuple[str, str, str]] = {}  # id → (kind, locality order, name)
    texts: dict[str, str] = {}
    keys: list[HouseholdKey] = []
    append = keys.append
    for hid, cid, kind, address, name, building, unit, room in rows.iterator(chunk_size=5000):
        info = compounds.get(cid)
        if info is None:
            info = compounds[cid] = (kind, compound_order_key(address, name), name)
        # share equal strings: the plan hashes them, and a county has a million of them
        building = texts.setdefault(building, building)
        unit = texts.setdefault(unit, unit)
        room = texts.setdefault(room, room)
        append(HouseholdKey(hid, cid, info[0], info[1], building, unit, room, info[2]))
    return keys
