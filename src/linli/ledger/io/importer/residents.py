"""Checking the resident sheet (居民台账): one row a person (or a house without people).

For each row: where the house is (community, compound, building, unit, room), the house's own
facts (area, use, floor, notes — the same on every row of the house, or an error), then the
person (:mod:`.people`). Checked rows are spooled (:mod:`marshal`, :data:`CHUNK` rows a chunk)
while nothing is wrong; what stays in memory is one :class:`~.records.House` per house and the
key sets the duplicate checks need.
"""

from __future__ import annotations

import datetime as dt
import marshal
from sys import intern

from linli.core.crypto import id_number_hash
from linli.ledger import columns as c
from linli.ledger.models import Resident
from linli.ledger.validation import InvalidValue, parse_area

from .. import values as v
from ..issues import RowIssue
from ..sheets import OpenSheet
from .people import PersonCheck
from .reading import skippable
from .records import CompoundSheet, House, HouseKey, ResidentSheet
from .report import Report
from .scope import Scope

CHUNK = 2000


class ResidentCheck:
    """Checks one resident sheet into a :class:`~.records.ResidentSheet` and the spool."""

    def __init__(
        self,
        sheet: OpenSheet,
        scope: Scope,
        compounds: CompoundSheet,
        report: Report,
        *,
        today: dt.date,
    ) -> None:
        layout = sheet.layout
        cols = layout.columns
        self.sheet = sheet
        self.layout = layout
        self.scope = scope
        self.compounds = compounds
        self.report = report
        # Rows are padded to ``width``; an absent column reads the always-empty last cell.
        self.width = max(cols.values()) + 2
        absent = self.absent = self.width - 1
        self.c_seq = cols.get("seq", absent)
        self.c_community = cols.get("community", absent)
        self.c_compound = cols.get("compound", absent)
        self.c_building = cols.get("building", absent)
        self.c_unit = cols.get("unit", absent)
        self.c_room = cols.get("room", absent)
        self.c_area = cols.get("area", absent)
        self.c_area_source = cols.get("area_source", absent)
        self.c_use = cols.get("use", absent)
        self.c_floor = cols.get("floor", absent)
        self.c_note = cols.get("note", absent)
        self.c_house_note = cols.get("house_note", absent)
        self.person_cols = [cols[k] for k in c.PERSON_KEYS if k in cols]
        self.people = PersonCheck(layout, absent, report, today=today)
        self.checked = ResidentSheet()
        self.community_of: dict[tuple[str, str], int | None] = {}  # (社区, 小区) cells → id
        self.area_cache: dict = {}
        self.chunk: list[tuple] = []  # (row, house index, tuple(person) or None)
        self.ids_in_chunk: list[tuple[str, int]] = []  # (ID number, row)

    def run(self, spool) -> ResidentSheet:
        width, absent = self.width, self.absent
        for row, values in self.sheet.rows:
            if len(values) < width:
                values.extend([None] * (width - len(values)))
            elif values[absent] is not None:
                values[absent] = None
            self._row(row, values)
            if len(self.chunk) >= CHUNK:
                self._spool(spool)
        self._spool(spool)
        self._warn_new_compounds()
        return self.checked

    def _row(self, row: int, values: list) -> None:
        house = self._house(row, values)
        if house is None:
            return
        self._area(house, row, values)
        self._use(house, row, values)
        self._source_and_floor(house, row, values)
        self._house_note(house, row, values)
        note = self._note(row, values)
        if not any(values[at] not in (None, "") for at in self.person_cols):
            if note:
                if not house.note:
                    house.note = note
                if v.cell_text(note).startswith("空置"):
                    house.vacant = True
            self.chunk.append((row, house.index, None))
            return
        person = self.people.check(row, values, house.index, note)
        if person is not None:
            self.chunk.append((row, house.index, tuple(person)))
            if person.id_number:
                self.ids_in_chunk.append((person.id_number, row))

    def _error(self, row: int, key: str, value, reason: str, code: str) -> None:
        self.report.cell_error(self.layout, row, key, value, reason, code)

    # -- where the house is ----------------------------------------------------------------
    def _house(self, row: int, values: list) -> House | None:
        """The row's house (new or seen on an earlier row); None for a row skipped or wrong."""
        room = v.key_text(v.cell_text(values[self.c_room]))
        compound = v.name_text(v.cell_text(values[self.c_compound]))
        building = v.key_text(v.cell_text(values[self.c_building]))
        unit = v.key_text(v.cell_text(values[self.c_unit]))
        if not room and skippable(values, self.c_seq):
            return None
        self.report.rows += 1
        if not (room and compound and building and unit):
            for key, value in (
                ("compound", compound),
                ("building", building),
                ("unit", unit),
                ("room", room),
            ):
                if not value:
                    label = self.layout.header(key)
                    self._error(row, key, "", f"{label}为空", "ledger.missing_value")
            return None
        community_id = self._community(row, values, compound)
        if community_id is None:
            return None
        checked = self.checked
        checked.referenced.add((community_id, compound))
        house_key = HouseKey(community_id, compound, building, unit, room)
        house = checked.houses.get(house_key)
        if house is None:
            house_key = HouseKey(
                community_id, intern(compound), intern(building), intern(unit), room
            )
            house = checked.houses[house_key] = House(row=row, index=len(checked.house_keys))
            checked.house_keys.append(house_key)
        return house

    def _community(self, row: int, values: list, compound: str) -> int | None:
        """Which community: the 社区 column, else the compound sheet, else the ledger."""
        community_text = v.name_text(v.cell_text(values[self.c_community]))
        cells = (community_text, compound)
        if cells in self.community_of:
            community_id = self.community_of[cells]
        else:
            community_id = self._resolve_community(community_text, compound)
            self.community_of[cells] = community_id
        if community_id is None:
            self.report.group_error(
                ("community", cells), self._community_issue(row, community_text, compound)
            )
        return community_id

    def _resolve_community(self, community_text: str, compound: str) -> int | None:
        scope = self.scope
        named_in_sheet = self.compounds.communities_of
        new_compounds = self.checked.new_compounds
        if community_text:
            community_id = scope.community_by_name(community_text).community_id
            if community_id is None:
                return None
            known = named_in_sheet.get(compound, set()) | set(scope.compound_communities(compound))
            if community_id not in known:
                new_compounds.add((community_id, compound))
            return community_id
        ids = named_in_sheet.get(compound)
        if ids:
            return next(iter(ids)) if len(ids) == 1 else None
        ids = set(scope.compound_communities(compound))
        if ids:
            return next(iter(ids)) if len(ids) == 1 else None
        if scope.actor_community_id:
            new_compounds.add((scope.actor_community_id, compound))
            return scope.actor_community_id
        return None

    def _community_issue(self, row: int, community_text: str, compound: str) -> RowIssue:
        layout = self.layout
        if community_text:
            match = self.scope.community_by_name(community_text)
            return RowIssue(
                layout.name,
                row,
                layout.letter("community"),
                "community",
                community_text,
                match.reason,
                match.code,
                layout.header("community"),
            )
        ids = self.compounds.communities_of.get(compound) or set(
            self.scope.compound_communities(compound)
        )
        if ids:
            reason = f"有{len(ids)}个社区都有名为“{compound}”的小区，请增加“社区”列"
            code = "ledger.ambiguous"
        else:
            reason = (
                "小区不在本文件的小区台账中，也不是已登记的小区；请在小区台账中登记，或增加“社区”列"
            )
            code = "ledger.unknown_compound"
        return RowIssue(
            layout.name,
            row,
            layout.letter("compound"),
            "compound",
            compound,
            reason,
            code,
            layout.header("compound"),
        )

    # -- the house's facts -------------------------------------------------------------------
    def _area(self, house: House, row: int, values: list) -> None:
        raw = values[self.c_area]
        if raw is None or raw == "":
            return
        area = self.area_cache.get(raw)
        if area is None:
            try:
                area = parse_area(v.cell_text(raw) if isinstance(raw, str) else raw)
            except InvalidValue as exc:
                area = exc
            self.area_cache[raw] = area
        if isinstance(area, InvalidValue):
            self._error(row, "area", v.cell_text(raw), str(area), "ledger.invalid_area")
        elif house.area is None:
            house.area, house.area_row = area, row
        elif house.area != area:
            key = self.checked.house_keys[house.index]
            self._error(
                row,
                "area",
                v.cell_text(raw),
                f"同一房屋（{key.compound}{key.building}{key.unit}{key.room}）面积与"
                f"第{house.area_row}行（{house.area}）不一致（第{house.area_row}行和第{row}行）",
                "ledger.duplicate_room",
            )

    def _use(self, house: House, row: int, values: list) -> None:
        if self.c_use == self.absent:
            return
        text = v.cell_text(values[self.c_use])
        if not text:
            return
        try:
            use = v.parse_use(text)
        except InvalidValue as exc:
            self._error(row, "use", text, str(exc), "ledger.invalid_choice")
            return
        if house.use is None:
            house.use, house.use_row = use, row
        elif house.use != use:
            self._error(
                row,
                "use",
                text,
                f"同一房屋的房屋用途与第{house.use_row}行不一致",
                "ledger.duplicate_room",
            )

    def _source_and_floor(self, house: House, row: int, values: list) -> None:
        """The area's source and the floor: the first row that gives one wins."""
        if self.c_area_source != self.absent and house.area_source is None:
            text = v.cell_text(values[self.c_area_source])
            if text:
                try:
                    house.area_source = v.parse_area_source(text)
                except InvalidValue as exc:
                    self._error(row, "area_source", text, str(exc), "ledger.invalid_choice")
        if self.c_floor != self.absent and house.floor is None:
            text = v.cell_text(values[self.c_floor])
            if text:
                try:
                    house.floor = parse_floor(text)
                except InvalidValue as exc:
                    self._error(row, "floor", text, str(exc), "ledger.invalid_number")

    def _house_note(self, house: House, row: int, values: list) -> None:
        if self.c_house_note == self.absent:
            return
        text = v.free_text(values[self.c_house_note])
        if len(text) > 200:
            self._error(row, "house_note", text, "内容过长（最多200字）", "ledger.too_long")
        elif text and not house.note:
            house.note = text  # the first one written wins
        elif house.note is None:
            house.note = ""  # the column is there and blank: no note

    def _note(self, row: int, values: list) -> str | None:
        """The row's 备注: the person's note, or the house's on a row without a person."""
        if self.c_note == self.absent:
            return None
        note = v.free_text(values[self.c_note])
        if len(note) > 200:
            self._error(row, "note", note, "内容过长（最多200字）", "ledger.too_long")
            note = note[:200]
        return note

    # -- the spool ---------------------------------------------------------------------------
    def _spool(self, spool) -> None:
        """Write the chunk (while the file has no error), after checking that its people
        already in the ledger are inside the actor's region."""
        chunk, ids_in_chunk = self.chunk, self.ids_in_chunk
        self.chunk, self.ids_in_chunk = [], []
        prefix = self.scope.prefix
        if ids_in_chunk and prefix:
            # A person already in the ledger outside the actor's region cannot be moved by them.
            hashed = [(id_number_hash(number), number, row) for number, row in ids_in_chunk]
            outside = set(
                Resident.objects.filter(id_number_hash__in={h for h, _, _ in hashed})
                .exclude(household__unit__building__compound__community__path__startswith=prefix)
                .values_list("id_number_hash", flat=True)
            )
            for digest, number, row in hashed:
                if digest in outside:
                    self._error(
                        row,
                        "id_number",
                        number,
                        "该身份证号已登记在您管辖范围以外的住户，不能在此迁入（请联系上级办理）",
                        "ledger.out_of_scope",
                    )
        if chunk and not self.report.failed:
            marshal.dump(chunk, spool)

    def _warn_new_compounds(self) -> None:
        layout = self.layout
        for _community_id, name in sorted(self.checked.new_compounds, key=lambda k: k[1]):
            self.report.warn(
                layout.name,
                None,
                layout.letter("compound"),
                "compound",
                name,
                "小区不在小区台账中，也不是已登记的小区，将按名称新建",
                "ledger.new_compound",
                layout.header("compound"),
            )


def parse_floor(text: str) -> int:
    cleaned = text.removesuffix("层").removesuffix("楼")
    try:
        floor = int(float(cleaned))
    except ValueError:
        raise InvalidValue(f"楼层“{text}”不是整数") from None
    if not -10 <= floor <= 200:
        raise InvalidValue(f"楼层{floor}不在-10至200之间")
    return floor
