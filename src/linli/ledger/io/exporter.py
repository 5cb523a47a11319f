"""``ledger_export``: the ledger back into the two sheets officials keep.

The 三无小区台账 carries every fact of the survey (plus the derived 是否三无 and the counts
actually in the ledger) and is ready to print: landscape, fitted to the page width, the header
row repeated on every page. The 居民台账 has one row per resident, and one row with empty
person columns for a house without residents (a vacant flat), sorted by community, compound,
building, unit and room. Every value is written so that importing the file again changes
nothing; ID numbers and phones are text cells, never numbers.

No cell is a formula: every value goes through :mod:`linli.core.exports` (``xlsx_cell`` /
``xlsx_row``), so text starting with ``= + - @``, tab or CR is written with a leading ``'``
(which the importer removes again) and openpyxl's write-only mode, which turns any ``str``
starting with ``=`` into a formula cell, never sees one.
"""

from __future__ import annotations

from typing import Any

from django.db.models.functions import Length
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from linli.core.exports import xlsx_cell, xlsx_row
from linli.core.policy import Capability, can, may_unmask
from linli.core.privacy import mask_id_number, mask_phone
from linli.core.services import access_log_record
from linli.ledger import columns as c
from linli.ledger import selectors
from linli.ledger.models import (
    SENSITIVE_TAGS,
    TAG_FIELDS,
    AreaSource,
    Compound,
    ConstructionBackground,
    Household,
    HouseholdUse,
    PropertyService,
    Region,
    Relation,
    ResidenceStatus,
    Resident,
    Sex,
)

_WIDTHS = {
    "seq": 6,
    "community": 12,
    "name": 18,
    "compound": 18,
    "address": 24,
    "note": 24,
    "guards": 18,
    "security": 20,
    "property_company": 16,
    "responsible_unit": 14,
    "party_organisation": 14,
    "construction_background": 10,
    "property_service": 12,
    "id_number": 21,
    "phone": 15,
    "tags": 16,
    "house_note": 12,
    "birth_date": 11,
    "residence": 10,
    "relation": 10,
}
_TEXT = "@"
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _labels(choices) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices.choices}


_BACKGROUND = _labels(ConstructionBackground)
_SERVICE = _labels(PropertyService)
_USE = _labels(HouseholdUse)
_AREA_SOURCE = _labels(AreaSource)
_RELATION = _labels(Relation)
_RESIDENCE = _labels(ResidenceStatus)
_SEX = _labels(Sex)


def ledger_export(*, destination, actor=None, community: Region | None = None) -> dict[str, int]:
    """Write the ledger the actor may see (all of it for ``actor=None``, the command line),
    optionally one community's, to ``destination`` (a path or a binary file-like object).

    Returns ``{"compounds": n, "households": n, "residents": n}``. With an actor, one
    AccessLog line records the export of personal data; ID numbers and phones are masked for
    a role that may not see them in full.
    """
    if actor is not None:
        compounds = selectors.compounds_for(actor)
        households = selectors.households_for(actor)
        residents = selectors.residents_for(actor)
    else:
        compounds = Compound.objects.select_related("community")
        households = Household.objects.all()
        residents = Resident.objects.all()
    if community is not None:
        compounds = compounds.filter(community__path__startswith=community.path)
        households = households.filter(
            unit__building__compound__community__path__startswith=community.path
        )
        residents = residents.filter(
            household__unit__building__compound__community__path__startswith=community.path
        )
    unmask_id = actor is None or may_unmask(actor, "id_number")
    unmask_phone = actor is None or may_unmask(actor, "phone")
    sensitive = actor is None or can(actor, Capability.SEE_TAGS)

    book = Workbook(write_only=True)
    compound_count = _write_compounds(book, compounds)
    household_count, resident_count = _write_residents(
        book,
        households,
        residents,
        unmask_id=unmask_id,
        unmask_phone=unmask_phone,
        sensitive=sensitive,
    )
    book.save(destination)
    if actor is not None and getattr(actor, "pk", None) is not None:
        fields = ",".join(
            name for name, shown in (("身份证号", unmask_id), ("联系电话", unmask_phone)) if shown
        )
        access_log_record(
            user=actor,
            action="export",
            subject="台账导出" + (f"（{community.name}）" if community else ""),
            fields=fields or "姓名",
            count=resident_count,
        )
    return {"compounds": compound_count, "households": household_count, "residents": resident_count}


def _sheet(book, title: str, columns: dict, keys: tuple[str, ...], heading: str):
    """A print-ready sheet with a title row and the header row (repeated on every page)."""
    ws = book.create_sheet(title)
    for at, key in enumerate(keys, start=1):
        ws.column_dimensions[get_column_letter(at)].width = _WIDTHS.get(
            key, max(8, 2.2 * len(columns[key][0]) + 2)
        )
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    title_cell = xlsx_cell(ws, heading)
    title_cell.font = Font(bold=True, size=14)
    ws.append([title_cell])
    header = []
    for key in keys:
        cell = xlsx_cell(ws, columns[key][0])
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    return ws


def _heading(kind: str) -> str:
    return f"{kind}（导出日期：{timezone.localdate():%Y-%m-%d}）"


def _write_compounds(book, compounds) -> int:
    keys = c.COMPOUND_EXPORT
    ws = _sheet(
        book, c.COMPOUND_SHEET, c.COMPOUND_ALL_COLUMNS, keys, _heading("三无小区基础信息台账")
    )
    compounds = list(compounds.order_by("community__path", Length("name"), "name"))
    counts = selectors.household_counts_by_compound([x.pk for x in compounds])
    yes_no = {True: "是", False: "否"}
    for seq, compound in enumerate(compounds, start=1):
        actual = counts.get(compound.pk, {})
        row = {
            "seq": seq,
            "community": compound.community.name,
            "name": compound.name,
            "address": compound.address,
            "year_built": compound.year_built,
            "construction_background": _BACKGROUND.get(compound.construction_background, ""),
            "surveyed_buildings": compound.surveyed_buildings,
            "surveyed_households": compound.surveyed_households,
            "property_service": _SERVICE.get(compound.property_service, ""),
            "property_company": compound.property_company,
            "responsible_unit": compound.responsible_unit or "无",
            "guards": compound.guards_note,
            "has_guards": yes_no[compound.has_guards],
            "security": compound.security_note,
            "has_gate": yes_no[compound.has_gate],
            "has_cameras": yes_no[compound.has_cameras],
            "has_fence": yes_no[compound.has_fence],
            "has_lighting": yes_no[compound.has_lighting],
            "surveyed_party_members": compound.surveyed_party_members,
            "party_organisation": compound.party_organisation,
            "latitude": compound.latitude,
            "longitude": compound.longitude,
            "sanwu": yes_no[compound.is_sanwu],
            "actual_buildings": actual.get("buildings", 0),
            "actual_households": actual.get("households", 0),
            "actual_residents": actual.get("residents", 0),
            "note": compound.note,
        }
        cells = []
        for key in keys:
            cell = xlsx_cell(ws, row[key])
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            cells.append(cell)
        ws.append(cells)
    return len(compounds)


_HOUSE_ORDER = (
    "unit__building__compound__community__path",
    Length("unit__building__compound__name"),
    "unit__building__compound__name",
    Length("unit__building__name"),
    "unit__building__name",
    Length("unit__name"),
    "unit__name",
    Length("room"),
    "room",
    "id",
)
_TAG_NAMES = [name for name, _ in TAG_FIELDS]
_PERSON_FIELDS = (
    "household_id",
    "name",
    "sex",
    "birth_date",
    "id_number",
    "phone",
    "relation",
    "is_owner",
    "residence",
    *_TAG_NAMES,
    "other_tags",
    "note",
)


def _write_residents(
    book, households, residents, *, unmask_id, unmask_phone, sensitive: bool
) -> tuple[int, int]:
    keys = c.RESIDENT_EXPORT
    ws = _sheet(book, c.RESIDENT_SHEET, c.RESIDENT_ALL_COLUMNS, keys, _heading("居民基础信息台账"))
    at = {key: i for i, key in enumerate(keys)}
    text_columns = [at[k] for k in ("building", "unit", "room", "id_number", "phone")]
    shown_tags = [
        (i, label)
        for i, (name, label) in enumerate(TAG_FIELDS)
        if sensitive or name not in SENSITIVE_TAGS
    ]
    house_rows = (
        households.order_by(*_HOUSE_ORDER)
        .values_list(
            "id",
            "unit__building__compound__community__name",
            "unit__building__compound__name",
            "unit__building__name",
            "unit__name",
            "room",
            "floor",
            "area",
            "area_source",
            "use",
            "note",
        )
        .iterator(chunk_size=_CHUNK)
    )
    seq = household_count = resident_count = 0
    for chunk in _chunks(house_rows, _CHUNK):
        people: dict[int, list] = {}
        for person in (
            residents.filter(household_id__in=[house[0] for house in chunk])
            .order_by("household_id", "id")
            .values_list(*_PERSON_FIELDS)
        ):
            people.setdefault(person[0], []).append(person)
        for hid, community, compound, building, unit, room, floor, area, source, use, note in chunk:
            household_count += 1
            base: list[Any] = [None] * len(keys)
            base[at["community"]] = community
            base[at["compound"]] = compound
            base[at["building"]] = building
            base[at["unit"]] = unit
            base[at["room"]] = room
            base[at["floor"]] = floor
            base[at["area"]] = area
            base[at["area_source"]] = _AREA_SOURCE.get(source, "")
            base[at["use"]] = _USE.get(use, "")
            base[at["house_note"]] = note
            for person in people.get(hid) or [None]:
                row = list(base)
                seq += 1
                row[at["seq"]] = seq
                if person is not None:
                    resident_count += 1
                    _fill_person(row, at, person, shown_tags, unmask_id, unmask_phone)
                ws.append(_typed(ws, row, text_columns))
    return household_count, resident_count


_CHUNK = 2000


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _fill_person(row, at, person, shown_tags, unmask_id, unmask_phone) -> None:
    (_, name, sex, birth, id_number, phone, relation, is_owner, residence) = person[:9]
    flags = person[9 : 9 + len(_TAG_NAMES)]
    other_tags, note = person[9 + len(_TAG_NAMES) :]
    tags = [label for i, label in shown_tags if flags[i]]
    if other_tags:
        tags.append(other_tags)
    row[at["name"]] = name
    row[at["sex"]] = _SEX.get(sex, "")
    row[at["birth_date"]] = birth.isoformat() if birth else None
    row[at["id_number"]] = id_number if unmask_id or not id_number else mask_id_number(id_number)
    row[at["phone"]] = phone if unmask_phone or not phone else mask_phone(phone)
    row[at["relation"]] = _RELATION.get(relation, "")
    row[at["is_owner"]] = "是" if is_owner else "否"
    row[at["residence"]] = _RESIDENCE.get(residence, "")
    row[at["tags"]] = "、".join(tags)
    row[at["note"]] = note


def _typed(ws, row: list, text_columns: list[int]) -> list:
    """ID numbers, phones and room numbers as text cells (``@``), so Excel keeps them exact;
    every other text neutralised (:func:`~linli.core.exports.xlsx_row`)."""
    for i in text_columns:
        value = row[i]
        if value is not None and value != "":
            cell = xlsx_cell(ws, str(value))
            cell.number_format = _TEXT
            row[i] = cell
    return xlsx_row(row, ws)
