"""Writing (pass 2): the checked file into the ledger, updating in place by natural keys.

Compound (community + name), building, unit, household (compound + building + unit + room),
resident (ID number; without one, household + name). Existing rows are looked up per spooled
chunk with ``__in`` queries, except below a row this import created (nothing can exist there).
New households and residents go in with :class:`~..writer.FastInserter` (or the ORM reference,
:class:`~..writer.OrmInserter`), with their history rows; changed ones with
``bulk_update_with_history``. A dry run does the same look-ups and counts, and writes nothing
(new rows get negative placeholder ids).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import count
from typing import Any, Literal

from linli.core.crypto import id_number_hash
from linli.core.fields import sync_pii_hashes
from linli.ledger import services
from linli.ledger.models import (
    TAG_FIELDS,
    Building,
    Compound,
    Household,
    HouseholdUse,
    Region,
    Resident,
    Unit,
)

from .. import values as v
from ..writer import FastInserter, OrmInserter, allocate_ids, update_with_history
from .records import CompoundSheet, House, HouseKey, Person, ResidentSheet

_TAG_NAMES = [name for name, _ in TAG_FIELDS]
_RESIDENT_FIELDS = [
    "household_id",
    "name",
    "id_number",
    "id_number_hash",
    "sex",
    "birth_date",
    "phone",
    "phone_hash",
    "relation",
    "is_owner",
    "residence",
    *_TAG_NAMES,
    "other_tags",
    "note",
]
_HOUSEHOLD_FIELDS = ["area", "area_source", "use", "note", "floor"]
_COMPOUND_FACTS = services.COMPOUND_FIELDS

Counts = dict[str, dict[str, int]]


@dataclass(frozen=True)
class WriteContext:
    """How pass 2 writes: for real or not, and what the history rows say."""

    write: bool  # False: a dry run (look up and count, write nothing)
    user: Any  # the user importing; None for the system
    reason: str  # the history rows' change reason
    when: dt.datetime  # the history rows' date
    writer: Literal["fast", "orm"] = "fast"  # "orm": the slow reference (the tests compare)


@dataclass
class CompoundIds:
    """The compounds the file names, (community id, name) → id, and which were created now."""

    ids: dict[tuple[int, str], int]
    created: set[int]


def write_compounds(
    compounds: CompoundSheet, referenced: set[tuple[int, str]], counts: Counts, ctx: WriteContext
) -> CompoundIds:
    """Compounds of the compound sheet (created or updated), and those the resident rows
    name: already in the ledger, or new (created with just a name)."""
    in_sheet = {(row.community_id, row.name) for row in compounds.rows}
    wanted = in_sheet | referenced
    existing = _existing_compounds({cid for cid, _ in wanted})
    communities = Region.objects.in_bulk({cid for cid, _ in wanted})
    outcomes = counts["compounds"]
    placeholder = count(-1, -1)
    result = CompoundIds({}, set())

    def create(key: tuple[int, str], facts: dict) -> None:
        outcomes["created"] += 1
        if ctx.write:
            compound = services.compound_create(
                actor=ctx.user, community=communities[key[0]], name=key[1], **facts
            )
            result.ids[key] = compound.pk
        else:
            result.ids[key] = next(placeholder)
        result.created.add(result.ids[key])

    for row in compounds.rows:
        key = (row.community_id, row.name)
        facts = {k: val for k, val in row.facts.items() if k in _COMPOUND_FACTS}
        compound = existing.get(key)
        if compound is None:
            create(key, facts)
            continue
        result.ids[key] = compound.pk
        changed = {k: val for k, val in facts.items() if getattr(compound, k) != val}
        if not changed:
            outcomes["unchanged"] += 1
            continue
        outcomes["updated"] += 1
        if ctx.write:
            services.compound_update(
                actor=ctx.user, compound=compound, reason=ctx.reason, **changed
            )
    for key in sorted(referenced - in_sheet):
        compound = existing.get(key)
        if compound is not None:
            result.ids[key] = compound.pk
        else:
            create(key, {})
    return result


def _existing_compounds(community_ids: set[int]) -> dict[tuple[int, str], Compound]:
    """(community id, name as the file's are read) → the first such compound in the ledger."""
    existing: dict[tuple[int, str], Compound] = {}
    for known in Compound.objects.filter(community_id__in=community_ids).order_by("pk"):
        key = (known.community_id, v.name_text(v.cell_text(known.name)))
        existing.setdefault(key, known)
    return existing


class ChunkWriter:
    """Pass 2 for the resident sheet, one spooled chunk at a time."""

    def __init__(
        self, ctx: WriteContext, compounds: CompoundIds, residents: ResidentSheet, counts: Counts
    ) -> None:
        self.ctx = ctx
        self.counts = counts
        self.compound_ids = compounds.ids
        self.houses = residents.houses
        self.house_keys = residents.house_keys
        # Compounds, buildings, units and households created by this import: nothing below
        # them exists yet, so there is nothing to look up.
        self.new_compounds: set[int] = compounds.created
        self.buildings: dict[tuple[int, str], int] = {}
        self.units: dict[tuple[int, str], int] = {}
        self.households: dict[HouseKey, int] = {}
        self.new_buildings: set[int] = set()
        self.new_units: set[int] = set()
        self.new_households: set[int] = set()
        self.placeholder = count(-1, -1)
        self.seen_residents: set[int] = set()
        self.household_inserter: OrmInserter | FastInserter
        self.resident_inserter: OrmInserter | FastInserter
        if ctx.writer == "orm":
            self.household_inserter = OrmInserter(
                Household, user=ctx.user, reason=ctx.reason, when=ctx.when
            )
            self.resident_inserter = OrmInserter(
                Resident, user=ctx.user, reason=ctx.reason, when=ctx.when
            )
        else:
            user_id = ctx.user.pk if ctx.user is not None else None
            self.household_inserter = FastInserter(
                Household, user_id=user_id, reason=ctx.reason, when=ctx.when
            )
            self.resident_inserter = FastInserter(
                Resident, user_id=user_id, reason=ctx.reason, when=ctx.when
            )

    def write(self, spooled: list) -> None:
        """One spooled chunk: ``(row, house index, person tuple or None)`` per row."""
        keys = self.house_keys
        chunk = [(row, keys[index], person) for row, index, person in spooled]
        # 1. buildings and units
        building_of = {key: self._compound_building(key) for _, key, _ in chunk}
        self._ensure(
            Building,
            "compound_id",
            self.buildings,
            self.new_compounds,
            self.new_buildings,
            set(building_of.values()),
            "buildings",
        )
        unit_keys = {(self.buildings[building], key.unit) for key, building in building_of.items()}
        self._ensure(
            Unit, "building_id", self.units, self.new_buildings, self.new_units, unit_keys, "units"
        )
        # 2. households
        house_unit: dict[HouseKey, tuple[int, str]] = {
            key: (self.units[(self.buildings[building], key.unit)], key.room)
            for key, building in building_of.items()
        }
        missing = [key for key in house_unit if key not in self.households]
        self._households(missing, house_unit)
        # 3. residents
        self._residents(chunk)

    def _compound_building(self, key: HouseKey) -> tuple[int, str]:
        return (self.compound_ids[(key.community_id, key.compound)], key.building)

    # Buildings and units: looked up per chunk, created in bulk (no history on these).
    def _ensure(self, model, parent_attr, cache, new_parents, new_set, wanted, kind) -> None:
        missing = {key for key in wanted if key not in cache}
        if not missing:
            return
        lookup = {key for key in missing if key[0] > 0 and key[0] not in new_parents}
        if lookup:
            # Match names as the file's are read (``1 栋`` = ``1栋``), whoever typed them in.
            found = model.objects.filter(
                **{f"{parent_attr}__in": {p for p, _ in lookup}}
            ).values_list("pk", parent_attr, "name")
            for pk, parent, name in found:
                key = (parent, v.key_text(v.cell_text(name)))
                if key in missing:
                    cache[key] = pk
                    missing.discard(key)
                    self.counts[kind]["unchanged"] += 1
        if not missing:
            return
        ordered = sorted(missing)
        self.counts[kind]["created"] += len(ordered)
        if self.ctx.write:
            objs = model.objects.bulk_create(
                [model(**{parent_attr: parent, "name": name}) for parent, name in ordered]
            )
            for (parent, name), obj in zip(ordered, objs, strict=True):
                cache[(parent, name)] = obj.pk
                new_set.add(obj.pk)
        else:
            for key in ordered:
                pk = next(self.placeholder)
                cache[key] = pk
                new_set.add(pk)

    # -- households ------------------------------------------------------------------------
    def _households(self, missing: list[HouseKey], house_unit) -> None:
        if not missing:
            return
        outcomes = self.counts["households"]
        existing = self._existing_households(missing, house_unit)
        creates: list[tuple[HouseKey, dict[str, Any]]] = []
        updates: list[Household] = []
        for key in missing:
            house = self.houses[key]
            unit_id, room = house_unit[key]
            household = existing.get((unit_id, room))
            if household is None:
                creates.append((key, _new_household(house, unit_id, room)))
                continue
            self.households[key] = household.pk
            if _update_household(household, house):
                updates.append(household)
                outcomes["updated"] += 1
            else:
                outcomes["unchanged"] += 1
        outcomes["created"] += len(creates)
        self._save_households(creates, updates)

    def _existing_households(self, missing, house_unit) -> dict[tuple[int, str], Household]:
        """(unit id, room as the file's are read) → the first such household in the ledger."""
        lookup = [
            k for k in missing if house_unit[k][0] > 0 and house_unit[k][0] not in self.new_units
        ]
        existing: dict[tuple[int, str], Household] = {}
        if lookup:
            for known in Household.objects.filter(
                unit_id__in={house_unit[k][0] for k in lookup}
            ).order_by("pk"):
                key = (known.unit_id, v.key_text(v.cell_text(known.room)))
                existing.setdefault(key, known)
        return existing

    def _save_households(self, creates, updates: list[Household]) -> None:
        ctx = self.ctx
        if not ctx.write:
            for key, _ in creates:
                pk = next(self.placeholder)
                self.households[key] = pk
                self.new_households.add(pk)
            return
        ids = allocate_ids(Household, len(creates))
        for (key, row), pk in zip(creates, ids, strict=True):
            row["id"] = pk
            self.households[key] = pk
            self.new_households.add(pk)
        self.household_inserter.insert([row for _, row in creates])
        update_with_history(
            updates, Household, _HOUSEHOLD_FIELDS, user=ctx.user, reason=ctx.reason, when=ctx.when
        )

    # -- residents -------------------------------------------------------------------------
    def _residents(self, chunk) -> None:
        outcomes = self.counts["residents"]
        people = [(self.households[key], Person._make(p)) for _, key, p in chunk if p is not None]
        if not people:
            return
        # Matched by the ID number's keyed hash (the number itself is stored encrypted).
        hashes = {p.id_number: id_number_hash(p.id_number) for _, p in people if p.id_number}
        by_number = (
            {
                r.id_number: r
                for r in Resident.objects.filter(id_number_hash__in=set(hashes.values()))
            }
            if hashes
            else {}
        )
        by_name = self._by_household_and_name(people, by_number)
        creates: list[dict[str, Any]] = []
        updates: list[Resident] = []
        for household_id, p in people:
            resident = self._match(p, household_id, by_number, by_name)
            target = _resident_values(p, household_id)
            if p.id_number:
                target["id_number_hash"] = hashes[p.id_number]  # computed once, above
            if resident is None:
                creates.append(target)
                continue
            self.seen_residents.add(resident.pk)
            outcome = _update_resident(resident, target)
            outcomes[outcome] += 1
            if outcome != "unchanged":
                updates.append(resident)
        outcomes["created"] += len(creates)
        if self.ctx.write:
            self._save_residents(creates, updates)

    def _by_household_and_name(self, people, by_number) -> dict[tuple[int, str], Resident]:
        """Residents to find by (household, name): no ID number, or one the ledger lacks."""
        keys = {
            (hh, p.name)
            for hh, p in people
            if hh > 0
            and hh not in self.new_households
            and (not p.id_number or p.id_number not in by_number)
        }
        by_name: dict[tuple[int, str], Resident] = {}
        if keys:
            for known in Resident.objects.filter(household_id__in={hh for hh, _ in keys}).order_by(
                "pk"
            ):
                name = v.name_text(v.cell_text(known.name))
                by_name.setdefault((known.household_id, name), known)
        return by_name

    def _match(self, p: Person, household_id: int, by_number, by_name) -> Resident | None:
        """The resident a row is: by ID number, else by household and name (once each, and
        not one with another ID number)."""
        resident = by_number.get(p.id_number) if p.id_number else None
        if resident is None:
            candidate = by_name.get((household_id, p.name))
            if (
                candidate is not None
                and candidate.pk not in self.seen_residents
                and (not p.id_number or not candidate.id_number)
            ):
                resident = candidate
        return resident

    def _save_residents(self, creates: list[dict[str, Any]], updates: list[Resident]) -> None:
        ctx = self.ctx
        for row, pk in zip(creates, allocate_ids(Resident, len(creates)), strict=True):
            row["id"] = pk
        self.resident_inserter.insert(creates)
        for resident in updates:  # bulk_update does not call the hash fields' pre_save
            sync_pii_hashes(resident)
        update_with_history(
            updates, Resident, _RESIDENT_FIELDS, user=ctx.user, reason=ctx.reason, when=ctx.when
        )


def _house_use(house: House) -> str | None:
    return house.use or (HouseholdUse.VACANT if house.vacant else None)


def _new_household(house: House, unit_id: int, room: str) -> dict[str, Any]:
    row = {
        "unit_id": unit_id,
        "room": room,
        "floor": house.floor if house.floor is not None else services.floor_from_room(room),
        "area": house.area,
        "use": _house_use(house) or HouseholdUse.OWNER_OCCUPIED,
        "note": house.note or "",
    }
    if house.area_source:
        row["area_source"] = house.area_source
    return row


def _update_household(household: Household, house: House) -> bool:
    """Set what the file says (None: it says nothing); whether anything changed."""
    target = {
        "area": house.area,
        "area_source": house.area_source,
        "use": _house_use(house),
        "note": house.note,
        "floor": house.floor,
    }
    changed = False
    for attr, value in target.items():
        if value is not None and getattr(household, attr) != value:
            setattr(household, attr, value)
            changed = True
    return changed


def _update_resident(resident: Resident, target: dict) -> Literal["moved", "updated", "unchanged"]:
    moved = resident.household_id != target["household_id"]
    changed = False
    for attr, value in target.items():
        if getattr(resident, attr) != value:
            setattr(resident, attr, value)
            changed = True
    if moved:
        return "moved"
    return "updated" if changed else "unchanged"


def _resident_values(p: Person, household_id: int) -> dict:
    """The fields the row sets (None = the file says nothing: leave / default)."""
    out: dict = {"household_id": household_id, "name": p.name}
    if p.id_number and p.birth is not None:  # a checked ID number always gives the birth date
        out["id_number"] = p.id_number
        out["birth_date"] = dt.date.fromordinal(p.birth)
    if p.sex:
        out["sex"] = p.sex
    if p.phone is not None:
        out["phone"] = p.phone
    if p.relation is not None:
        out["relation"] = p.relation
    if p.is_owner is not None:
        out["is_owner"] = p.is_owner
    if p.residence is not None:
        out["residence"] = p.residence
    if p.tags is not None:
        for name, bit in zip(_TAG_NAMES, p.tags, strict=True):
            out[name] = bit
        out["other_tags"] = p.other_tags
    if p.note is not None:
        out["note"] = p.note
    return out
