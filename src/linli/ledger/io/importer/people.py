"""Checking the person on a resident-sheet row: name, ID number (and the sex and birth date it
gives), phone, relation, owner, residence and tags, and the duplicates across the sheet.

A row with any error gives no :class:`~.records.Person` (the file is rejected anyway); each
error names its cell. Each check runs for every person row, so the costly parses are cached
(tags and relations by their text; ID numbers and phones in :mod:`..values`).
"""

from __future__ import annotations

import datetime as dt

from linli.ledger.validation import InvalidValue

from .. import values as v
from ..sheets import SheetLayout
from .records import Person
from .report import Report


class PersonCheck:
    """Checks the person cells of one resident sheet, row after row."""

    def __init__(self, layout: SheetLayout, absent: int, report: Report, *, today: dt.date) -> None:
        cols = layout.columns
        self.layout = layout
        self.report = report
        self.today = today
        # An absent column reads the always-empty cell at ``absent``.
        self.absent = absent
        self.c_name = cols.get("name", absent)
        self.c_sex = cols.get("sex", absent)
        self.c_id = cols.get("id_number", absent)
        self.c_phone = cols.get("phone", absent)
        self.c_relation = cols.get("relation", absent)
        self.c_owner = cols.get("is_owner", absent)
        self.c_residence = cols.get("residence", absent)
        self.c_tags = cols.get("tags", absent)
        self.id_rows: dict[str, int] = {}  # ID number → its first row
        self.nameless_rows: dict[tuple[int, str], int] = {}  # (house index, name) → first row
        self.tag_cache: dict[str, tuple] = {}
        self.relation_cache: dict[str, tuple[str, str | None]] = {}
        # The row being checked.
        self.row = 0
        self.values: list = []
        self.ok = True

    def check(self, row: int, values: list, house_index: int, note: str | None) -> Person | None:
        """The row's person, or None when any of its cells is wrong (each reported)."""
        self.row, self.values, self.ok = row, values, True
        name = self._name()
        id_number, sex, birth = self._id_number()
        sex = self._sex(sex)
        phone = self._phone()
        relation = self._relation()
        is_owner = self._choice(self.c_owner, "is_owner", v.parse_yes_no)
        residence = self._choice(self.c_residence, "residence", v.parse_residence)
        tags, other = self._tags()
        if id_number is None and name:
            self._nameless(house_index, name)
        if not self.ok:
            return None
        return Person(
            name=name,
            id_number=id_number,
            sex=sex,
            birth=birth,
            phone=phone,
            relation=relation,
            is_owner=is_owner,
            residence=residence,
            tags=tags,
            other_tags=other,
            note=note,
        )

    def _error(self, key: str, value, reason: str, code: str) -> None:
        self.ok = False
        self.report.cell_error(self.layout, self.row, key, value, reason, code)

    def _name(self) -> str:
        name = v.name_text(v.cell_text(self.values[self.c_name]))
        if not name:
            self._error("name", "", "姓名为空（本行填写了人员信息）", "ledger.missing_value")
        elif len(name) > 50:
            self._error("name", name, "姓名过长（最多50字）", "ledger.too_long")
        return name

    def _id_number(self) -> tuple[str | None, str | None, int | None]:
        """(number, sex, birth date ordinal); Nones when the cell is empty or wrong."""
        raw = self.values[self.c_id]
        if raw is None or raw == "":
            return None, None, None
        if isinstance(raw, float) or (
            isinstance(raw, int) and not isinstance(raw, bool) and len(str(raw)) != 18
        ):
            self._error(
                "id_number",
                v.cell_text(raw),
                "身份证号被存成了数字，后几位可能已丢失；请把该列设为“文本”后重新填写",
                "ledger.invalid_id_number",
            )
            return None, None, None
        text = v.cell_text(raw)
        try:
            info = v.parse_id_fast(text, today=self.today)
        except InvalidValue as exc:
            self._error("id_number", text, str(exc), "ledger.invalid_id_number")
            return None, None, None
        for warning in info.warnings:
            self.report.cell_warning(
                self.layout, self.row, "id_number", info.number, warning, "ledger.id_region"
            )
        first = self.id_rows.get(info.number)
        if first is not None:
            self._error(
                "id_number",
                info.number,
                f"身份证号与第{first}行重复（第{first}行和第{self.row}行）",
                "ledger.duplicate_id_number",
            )
        else:
            self.id_rows[info.number] = self.row
        return info.number, info.sex, info.birth_date.toordinal()

    def _sex(self, sex: str | None) -> str | None:
        """The sex the ID number gives, which a 性别 cell must agree with; else the cell's."""
        if self.c_sex == self.absent:
            return sex
        text = v.cell_text(self.values[self.c_sex])
        if not text:
            return sex
        try:
            stated = v.parse_sex(text)
        except InvalidValue as exc:
            self._error("sex", text, str(exc), "ledger.invalid_choice")
            return sex
        if sex is None:
            return stated
        if stated != sex:
            derived = "男" if sex == "M" else "女"
            self._error(
                "sex", text, f"性别与身份证号不符（身份证号为{derived}性）", "ledger.sex_mismatch"
            )
        return sex

    def _phone(self) -> str | None:
        if self.c_phone == self.absent:
            return None
        text = v.cell_text(self.values[self.c_phone])
        try:
            return v.normalise_phone_fast(text)
        except InvalidValue as exc:
            self._error("phone", text, str(exc), "ledger.invalid_phone")
            return None

    def _relation(self) -> str | None:
        if self.c_relation == self.absent:
            return None
        text = v.cell_text(self.values[self.c_relation])
        if not text:
            return None
        parsed = self.relation_cache.get(text)
        if parsed is None:
            parsed = self.relation_cache[text] = v.parse_relation(text)
        relation, warning = parsed
        if warning:
            self.report.cell_warning(
                self.layout, self.row, "relation", text, warning, "ledger.unknown_choice"
            )
        return relation

    def _choice(self, col: int, key: str, parse):
        """A cell of a fixed set of answers (是/否, 户籍/常住…); None when empty or wrong."""
        if col == self.absent:
            return None
        text = v.cell_text(self.values[col])
        if not text:
            return None
        try:
            return parse(text)
        except InvalidValue as exc:
            self._error(key, text, str(exc), "ledger.invalid_choice")
            return None

    def _tags(self) -> tuple[tuple | None, str | None]:
        if self.c_tags == self.absent:
            return None, None
        text = v.cell_text(self.values[self.c_tags])
        parsed = self.tag_cache.get(text)
        if parsed is None:
            parsed = self.tag_cache[text] = v.parse_tags(text)
        tags, other = parsed
        if len(other) > 200:
            self._error("tags", text, "其他标签过长（最多200字）", "ledger.too_long")
        return tags, other

    def _nameless(self, house_index: int, name: str) -> None:
        """Two people of one house with the same name and no ID number cannot be told apart."""
        key = (house_index, name)
        first = self.nameless_rows.get(key)
        if first is not None:
            self._error(
                "name",
                name,
                f"同一户中已有同名且无身份证号的居民（第{first}行和第{self.row}行），无法区分",
                "ledger.duplicate_resident",
            )
        else:
            self.nameless_rows[key] = self.row
