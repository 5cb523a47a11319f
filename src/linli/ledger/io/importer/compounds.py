"""Checking the compound sheet (三无小区台账): one row a compound, with its facts.

Each fact is checked on its own; a bad value is an error naming its cell, a value read with
some guessing (``无围墙、无监控`` → no fence, no cameras) a warning unless the sheet also has
the explicit yes/no columns.
"""

from __future__ import annotations

from typing import Any

from linli.ledger.validation import InvalidValue, parse_coordinate

from .. import values as v
from ..sheets import OpenSheet, SheetLayout
from .reading import SKIP_MARKERS, skippable
from .records import CompoundRow, CompoundSheet
from .report import Report
from .scope import Scope

_FREE_TEXTS = (("address", 200), ("property_company", 100), ("party_organisation", 100))
_COUNTS = ("surveyed_buildings", "surveyed_households", "surveyed_party_members")
_SECURITY_FLAGS = {"has_gate", "has_cameras", "has_fence", "has_lighting"}
_YES_NO = ("has_guards", "has_gate", "has_cameras", "has_fence", "has_lighting")
_COORDINATES = (("latitude", "纬度", 90), ("longitude", "经度", 180))
_NONE_WORDS = ("无", "没有", "暂无", "否", "/")


def check_compounds(sheet: OpenSheet, scope: Scope, report: Report) -> CompoundSheet:
    layout = sheet.layout
    cols = layout.columns
    checked = CompoundSheet()
    seen: dict[tuple[int, str], int] = {}
    for row, values in sheet.rows:
        name = v.name_text(v.cell_text(_get(cols, values, "name")))
        if not name:
            if skippable(values, cols.get("seq")):
                continue
            report.cell_error(layout, row, "name", "", "小区名称为空", "ledger.missing_value")
            continue
        if name in SKIP_MARKERS or name.startswith(SKIP_MARKERS):
            continue
        report.rows += 1
        community_text = v.name_text(v.cell_text(_get(cols, values, "community")))
        community_id = _community(layout, row, community_text, name, scope, report)
        facts = _Facts(layout, row, values, report).read()
        if community_id is None:
            continue
        key = (community_id, name)
        if key in seen:
            report.cell_error(
                layout,
                row,
                "name",
                name,
                f"小区与第{seen[key]}行重复（第{seen[key]}行和第{row}行）",
                "ledger.duplicate_compound",
            )
            continue
        seen[key] = row
        checked.communities_of.setdefault(name, set()).add(community_id)
        checked.rows.append(CompoundRow(row, community_id, name, facts))
    return checked


def _get(cols: dict[str, int], values: list, key: str):
    col = cols.get(key)
    if col is None or col >= len(values):
        return None
    return values[col]


def _community(
    layout: SheetLayout, row: int, community_text: str, name: str, scope: Scope, report: Report
) -> int | None:
    """The 社区 column, else the worker's own community, else the one compound of that name."""
    if community_text:
        match = scope.community_by_name(community_text)
        if match.community_id is None:
            report.cell_error(layout, row, "community", community_text, match.reason, match.code)
        return match.community_id
    if scope.actor_community_id:
        return scope.actor_community_id
    known = scope.compound_communities(name)
    if len(set(known)) == 1:
        return known[0]
    has_column = "community" in layout.columns
    report.cell_error(
        layout,
        row,
        "community" if has_column else "name",
        "" if has_column else name,
        "没有填写社区，无法确定小区属于哪个社区（请增加或填写“社区”列）",
        "ledger.missing_community",
    )
    return None


class _Facts:
    """The facts of one row (the columns the sheet has), each checked, in the sheet's terms."""

    def __init__(self, layout: SheetLayout, row: int, values: list, report: Report) -> None:
        self.layout = layout
        self.cols = layout.columns
        self.row = row
        self.values = values
        self.report = report
        self.facts: dict[str, Any] = {}

    def read(self) -> dict[str, Any]:
        self._texts()
        self._numbers()
        self._construction_background()
        self._property_service()
        self._responsible_unit()
        self._guards()
        self._security()
        self._yes_no()
        self._coordinates()
        return self.facts

    def _get(self, key: str):
        return _get(self.cols, self.values, key)

    def _error(self, key: str, value, reason: str, code: str) -> None:
        self.report.cell_error(self.layout, self.row, key, value, reason, code)

    def _warning(self, key: str, value, reason: str, code: str) -> None:
        self.report.cell_warning(self.layout, self.row, key, value, reason, code)

    def _text(self, key: str, limit: int, *, free: bool = False) -> str:
        raw = self._get(key)
        value = v.free_text(raw) if free else v.cell_text(raw)
        if len(value) > limit:
            self._error(key, value, f"内容过长（最多{limit}字）", "ledger.too_long")
        return value

    def _texts(self) -> None:
        for key, limit in (*_FREE_TEXTS, ("note", 10_000)):
            if key in self.cols:
                self.facts[key] = self._text(key, limit, free=True)

    def _numbers(self) -> None:
        for key in _COUNTS:
            if key in self.cols:
                raw = self._get(key)
                try:
                    self.facts[key] = v.parse_count(v.cell_text(raw))
                except InvalidValue as exc:
                    self._error(key, v.cell_text(raw), str(exc), "ledger.invalid_number")
        if "year_built" in self.cols:
            raw = self._get("year_built")
            try:
                self.facts["year_built"] = v.parse_year(raw, v.cell_text(raw))
            except InvalidValue as exc:
                self._error("year_built", v.cell_text(raw), str(exc), "ledger.invalid_number")

    def _construction_background(self) -> None:
        if "construction_background" not in self.cols:
            return
        value = self._text("construction_background", 1000)
        if value:
            choice, warning = v.parse_construction_background(value)
            self.facts["construction_background"] = choice
            if warning:
                self._warning("construction_background", value, warning, "ledger.unknown_choice")

    def _property_service(self) -> None:
        if "property_service" not in self.cols:
            return
        value = self._text("property_service", 1000)
        if not value:
            return
        try:
            service, company = v.parse_property_service(value)
        except InvalidValue as exc:
            self._error("property_service", value, str(exc), "ledger.invalid_choice")
            return
        self.facts["property_service"] = service
        if company and not self.facts.get("property_company"):
            self.facts["property_company"] = company

    def _responsible_unit(self) -> None:
        if "responsible_unit" in self.cols:
            value = self._text("responsible_unit", 100, free=True)
            none = v.cell_text(value) in _NONE_WORDS
            self.facts["responsible_unit"] = "" if none else value

    def _guards(self) -> None:
        if "guards" not in self.cols:
            return
        self.facts["guards_note"] = self._text("guards", 200, free=True)
        value = v.cell_text(self.facts["guards_note"])
        has, warning = v.parse_guards(value)
        self.facts["has_guards"] = has
        if warning and "has_guards" not in self.cols:
            self._warning("guards", value, warning, "ledger.guessed_value")

    def _security(self) -> None:
        if "security" not in self.cols:
            return
        self.facts["security_note"] = self._text("security", 200, free=True)
        value = v.cell_text(self.facts["security_note"])
        flags, warning = v.parse_security(value)
        self.facts.update(flags)
        if warning and not _SECURITY_FLAGS & set(self.cols):
            self._warning("security", value, warning, "ledger.guessed_value")

    def _yes_no(self) -> None:
        """The explicit yes/no columns, which win over what the notes above implied."""
        for key in _YES_NO:
            if key not in self.cols:
                continue
            value = v.cell_text(self._get(key))
            if not value:
                continue
            try:
                self.facts[key] = v.parse_yes_no(value)
            except InvalidValue as exc:
                self._error(key, value, str(exc), "ledger.invalid_choice")

    def _coordinates(self) -> None:
        for key, label, bound in _COORDINATES:
            raw = self._get(key) if key in self.cols else None
            if raw is None or not v.cell_text(raw):
                continue  # an empty cell leaves the recorded position as it is
            try:
                self.facts[key] = parse_coordinate(raw, label=label, bound=bound)
            except InvalidValue as exc:
                self._error(key, v.cell_text(raw), str(exc), "ledger.invalid_coordinate")
