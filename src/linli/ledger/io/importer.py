"""``ledger_import``: the 三无小区台账 and 居民台账 sheets of a workbook into the ledger.

Two passes, so that memory stays flat and a file with errors writes nothing:

1. **Check.** Stream every row, parse and validate it, and report every problem. Keep only
   compact key sets (ID number → row, house → its area and row) and spool each checked row,
   already parsed, to a temporary file (``marshal``, 2,000 rows a chunk).
2. **Write** (only when pass 1 found no error): in one transaction, read the spool back in
   chunks and update in place by natural keys — compound (community + name), building, unit,
   household (compound + building + unit + room), resident (ID number; without one,
   household + name) — looking existing rows up per chunk with ``__in`` queries. New
   households and residents go in with :class:`~.writer.FastInserter`; changed ones with
   ``bulk_update_with_history``. A dry run does pass 2 without writing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import marshal
import os
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count
from sys import intern
from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from linli.core.archives import ArchiveRefused
from linli.core.crypto import id_number_hash
from linli.core.fields import sync_pii_hashes
from linli.core.policy import Capability, can
from linli.core.privacy import mask_id_number, mask_phone
from linli.ledger import columns as c
from linli.ledger import selectors, services
from linli.ledger.models import (
    TAG_FIELDS,
    Building,
    Compound,
    Household,
    HouseholdUse,
    ImportBatch,
    Region,
    RegionLevel,
    Resident,
    Unit,
)
from linli.ledger.validation import InvalidValue, parse_area, parse_coordinate

from . import values as v
from .issues import ImportResult, RowIssue, empty_counts
from .sheets import COMPOUND, RESIDENT, OpenSheet, kind_by_name, open_sheet
from .workbook import READ_ERRORS, NotAWorkbook, Workbook, open_workbook
from .writer import FastInserter, OrmInserter, allocate_ids, update_with_history

log = logging.getLogger(__name__)

CHUNK = 2000
MAX_ERRORS = 10_000  # beyond this the report says how many more there were
MAX_WARNINGS_PER_CODE = 100
_SKIP_MARKERS = (
    "合计",
    "总计",
    "小计",
    "共计",
    "填表人",
    "填报人",
    "审核人",
    "制表人",
    "负责人",
    "统计人",
    "填表日期",
    "填报日期",
    "注:",
    "说明:",
    "备注:",
)
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

# A spooled resident-sheet row:
# (row, house key, person) with house key = (community id, compound, building, unit, room)
# and person = None (a house without people) or the tuple below; None = "leave as it is".
P_NAME, P_ID, P_SEX, P_BIRTH, P_PHONE, P_RELATION, P_OWNER, P_RESIDENCE, P_TAGS, P_OTHER, P_NOTE = (
    range(11)
)


class _TooManyErrors(Exception):
    pass


@dataclass(slots=True)
class _House:
    """What the file says about one house, gathered over its rows (one row per person)."""

    row: int
    index: int
    area: Decimal | None = None
    area_row: int = 0
    use: str | None = None
    use_row: int = 0
    note: str | None = None
    floor: int | None = None
    area_source: str | None = None
    vacant: bool = False


@dataclass
class _CompoundRow:
    row: int
    community_id: int
    name: str
    facts: dict = field(default_factory=dict)


def ledger_import(
    *, source, file_name: str | None = None, actor=None, dry_run: bool = False, _writer="fast"
) -> ImportResult:
    """Import a ledger workbook; see the module docstring and ``docs/import-export.md``.

    ``source`` is a path or a binary file-like object (a Django ``UploadedFile``). ``actor``
    None is the system (the command line), which may write anywhere; a user may only write
    inside their region. A file with any error writes nothing; ``dry_run`` never writes (but
    records an ImportBatch with status dry_run).
    """
    return _Import(
        source=source, file_name=file_name, actor=actor, dry_run=dry_run, writer=_writer
    ).run()


class _Import:
    def __init__(self, *, source, file_name, actor, dry_run, writer) -> None:
        self.source = source
        self.file_name = file_name or _name_of(source)
        self.actor = actor
        self.dry_run = dry_run
        self.writer = writer
        self.errors: list[RowIssue] = []
        self.more_errors = 0
        self.warnings: list[RowIssue] = []
        self.warning_counts: dict[str, int] = {}
        self.grouped: dict[tuple, list] = {}  # one issue for many rows: key → [issue, rows]
        self.counts = empty_counts()
        self.rows = 0
        self.today = timezone.localdate()

    # -- reporting ----------------------------------------------------------------------
    def error(self, sheet, row, column, fld, value, reason, code, header=""):
        if len(self.errors) >= MAX_ERRORS:
            self.more_errors += 1
            if self.more_errors > MAX_ERRORS * 10:
                raise _TooManyErrors
            return
        self.errors.append(RowIssue(sheet, row, column, fld, _shown(value), reason, code, header))

    def warn(self, sheet, row, column, fld, value, reason, code, header=""):
        seen = self.warning_counts.get(code, 0)
        self.warning_counts[code] = seen + 1
        if seen < MAX_WARNINGS_PER_CODE:
            self.warnings.append(
                RowIssue(sheet, row, column, fld, _shown(value), reason, code, header)
            )

    def cell_error(self, layout, row, key, value, reason, code):
        self.error(
            layout.name, row, layout.letter(key), key, value, reason, code, layout.header(key)
        )

    def cell_warning(self, layout, row, key, value, reason, code):
        seen = self.warning_counts.get(code, 0)
        if seen >= MAX_WARNINGS_PER_CODE:
            self.warning_counts[code] = seen + 1
            return
        self.warn(
            layout.name, row, layout.letter(key), key, value, reason, code, layout.header(key)
        )

    def group_error(self, key, issue: RowIssue):
        entry = self.grouped.get(key)
        if entry is None:
            self.grouped[key] = [issue, 1]
        else:
            entry[1] += 1

    def finish_reports(self):
        for issue, rows in self.grouped.values():
            if rows > 1:
                issue.reason += f"（共{rows}行）"
            self.error(
                issue.sheet,
                issue.row,
                issue.column,
                issue.field,
                issue.value,
                issue.reason,
                issue.code,
                issue.header,
            )
        self.grouped.clear()
        self.errors.sort(key=lambda e: (e.sheet, e.row or 0, e.column))
        if self.more_errors:
            self.errors.append(
                RowIssue(
                    "", None, "", "", "", f"另有{self.more_errors}个错误未逐条列出", "ledger.more"
                )
            )
        for code, seen in self.warning_counts.items():
            if seen > MAX_WARNINGS_PER_CODE:
                self.warnings.append(
                    RowIssue(
                        "",
                        None,
                        "",
                        "",
                        "",
                        f"同类提示（{code}）还有{seen - MAX_WARNINGS_PER_CODE}条未逐条列出",
                        code,
                    )
                )

    # -- the run ------------------------------------------------------------------------
    def run(self) -> ImportResult:
        batch = ImportBatch.objects.create(
            file_name=self.file_name[:255],
            created_by=self.actor if _is_user(self.actor) else None,
            dry_run=self.dry_run,
        )
        self.batch = batch
        self.reason = f"Excel导入：{self.file_name}（#{batch.pk}）"
        self.book: Workbook | None = None
        with tempfile.TemporaryFile(prefix="linli-import-") as spool:
            try:
                self._check(spool)
                if not self.errors and not self.grouped:
                    self._write(spool)
            except _TooManyErrors:
                pass
            finally:
                if self.book is not None:
                    self.book.close()
        self.finish_reports()
        ok = not self.errors
        if not ok:
            self.counts = empty_counts()
        batch.rows = self.rows
        batch.status = (
            ImportBatch.Status.REJECTED
            if not ok
            else ImportBatch.Status.DRY_RUN
            if self.dry_run
            else ImportBatch.Status.APPLIED
        )
        batch.summary = self.counts
        # The record keeps ID numbers and phones masked (the database holds none in clear);
        # the result returned to the person importing carries them as typed, to fix the file.
        batch.errors = [_kept(e) for e in self.errors]
        batch.warnings = [_kept(w) for w in self.warnings]
        batch.finished_at = timezone.now()
        batch.save()
        return ImportResult(
            ok=ok,
            dry_run=self.dry_run,
            errors=self.errors,
            warnings=self.warnings,
            counts=self.counts,
            batch_id=batch.pk,
            rows=self.rows,
        )

    # -- pass 1 -------------------------------------------------------------------------
    def _check(self, spool) -> None:
        if not self._check_actor():
            return
        limit = getattr(settings, "LINLI_IMPORT_MAX_BYTES", None)
        size = _size_of(self.source)
        if limit and size is not None and size > limit:
            self.error(
                "",
                None,
                "",
                "",
                self.file_name,
                f"文件过大（{size / 1048576:.1f} MB，上限 {limit / 1048576:.0f} MB）",
                "ledger.file_too_large",
            )
            return
        try:
            book = self.book = open_workbook(self.source, file_name=self.file_name)
        except NotAWorkbook as exc:
            self.error("", None, "", "", self.file_name, str(exc), "ledger.not_excel")
            return
        except ArchiveRefused as exc:  # a zip bomb: refused from the directory, nothing read
            self.error("", None, "", "", self.file_name, exc.reason, exc.code)
            return
        try:
            compound_sheet, resident_sheet = self._find_sheets(book)
            if compound_sheet is None and resident_sheet is None:
                return
            self._load_scope()
            compound_rows = self._check_compounds(compound_sheet) if compound_sheet else []
            self.compound_rows = compound_rows
            if resident_sheet:
                self._check_residents(resident_sheet, spool)
        except _TooManyErrors:
            raise
        except READ_ERRORS as exc:
            log.warning("unreadable workbook %s", self.file_name, exc_info=True)
            reason = str(exc) if isinstance(exc, NotAWorkbook) else f"文件内容已损坏（{exc}）"
            self.error("", None, "", "", self.file_name, reason, "ledger.not_excel")

    def _check_actor(self) -> bool:
        actor = self.actor
        if actor is None:
            self.prefix = ""
            self.actor_community_id = None
            return True
        prefix = selectors._region_path_prefix(actor)
        if prefix is None or not can(actor, Capability.LEDGER_EDIT):
            self.error("", None, "", "", "", "当前账号无权导入台账", "ledger.forbidden")
            return False
        self.prefix = prefix
        profile = getattr(actor, "profile", None)
        region = getattr(profile, "region", None) if profile else None
        self.actor_community_id = (
            region.pk if region is not None and region.level == RegionLevel.COMMUNITY else None
        )
        return True

    def _find_sheets(self, book) -> tuple[OpenSheet | None, OpenSheet | None]:  # noqa: C901 (13; issue 11: to split)
        # a sheet, False (named but unusable) or None (not found yet)
        found: dict[str, OpenSheet | Literal[False] | None] = {COMPOUND: None, RESIDENT: None}
        unnamed = []
        for name in book.sheet_names:
            kind = kind_by_name(name)
            if kind is None or found[kind] is not None:
                unnamed.append(name)
                continue
            sheet = open_sheet(book, name, (kind,))
            if sheet is None:
                self.error(
                    name,
                    None,
                    "",
                    "",
                    "",
                    "没有找到表头（前10行中没有一行含有足够的已知列名，列名见导入说明）",
                    "ledger.missing_header",
                )
                found[kind] = False  # named but unusable: do not look further
                continue
            found[kind] = sheet
        for name in unnamed:
            wanted = tuple(kind for kind, sheet in found.items() if sheet is None)
            if not wanted:
                break
            sheet = open_sheet(book, name, wanted)
            if sheet is not None and not sheet.layout.missing and sheet.layout.score >= 2:
                found[sheet.layout.kind] = sheet
        compound_sheet = found[COMPOUND] or None
        resident_sheet = found[RESIDENT] or None
        if found[COMPOUND] is None and found[RESIDENT] is None:
            self.error(
                "",
                None,
                "",
                "",
                self.file_name,
                f"工作簿中没有“{c.COMPOUND_SHEET}”或“{c.RESIDENT_SHEET}”工作表，"
                "也没有哪个工作表的表头像台账",
                "ledger.no_ledger_sheet",
            )
        for sheet in (compound_sheet, resident_sheet):
            if sheet is None:
                continue
            layout = sheet.layout
            for key in layout.missing:
                names = (
                    c.COMPOUND_ALL_COLUMNS if layout.kind == COMPOUND else c.RESIDENT_ALL_COLUMNS
                )
                self.error(
                    layout.name,
                    max(layout.header_rows),
                    "",
                    key,
                    "",
                    f"缺少“{names[key][0]}”列（可用列名：{'/'.join(names[key])}）",
                    "ledger.missing_column",
                    names[key][0],
                )
            for key, col in layout.duplicates:
                self.warn(
                    layout.name,
                    max(layout.header_rows),
                    _letter(col),
                    key,
                    "",
                    f"“{layout.header(key)}”列出现了两次，只读取第一列",
                    "ledger.duplicate_column",
                )
        if (compound_sheet and compound_sheet.layout.missing) or (
            resident_sheet and resident_sheet.layout.missing
        ):
            return None, None
        return compound_sheet, resident_sheet

    # -- scope and communities ------------------------------------------------------------
    def _load_scope(self) -> None:
        prefix = self.prefix
        communities = Region.objects.filter(level=RegionLevel.COMMUNITY)
        if prefix:
            communities = communities.filter(path__startswith=prefix)
        self.communities: dict[str, list[int]] = {}
        for pk, name in communities.values_list("pk", "name"):
            self.communities.setdefault(v.cell_text(name), []).append(pk)
        compounds = Compound.objects.all()
        if prefix:
            compounds = compounds.filter(community__path__startswith=prefix)
        self.db_compounds: dict[str, list[int]] = {}
        for name, community_id in compounds.values_list("name", "community_id"):
            self.db_compounds.setdefault(v.name_text(v.cell_text(name)), []).append(community_id)
        self.community_cache: dict[str, tuple[int | None, str, str]] = {}

    def community_by_name(self, name: str) -> tuple[int | None, str, str]:
        """(community id, error reason, error code) for a 社区 cell."""
        cached = self.community_cache.get(name)
        if cached is not None:
            return cached
        ids = self.communities.get(name)
        if ids is None and not name.endswith("社区"):
            ids = self.communities.get(name + "社区")
        result: tuple[int | None, str, str]
        if ids and len(ids) == 1:
            result = (ids[0], "", "")
        elif ids:
            result = (
                None,
                f"有{len(ids)}个名为“{name}”的社区，无法确定是哪一个",
                "ledger.ambiguous",
            )
        elif (
            self.prefix
            and Region.objects.filter(
                level=RegionLevel.COMMUNITY, name__in=[name, name + "社区"]
            ).exists()
        ):
            result = (None, f"社区“{name}”不在您的管辖范围内", "ledger.out_of_scope")
        else:
            result = (None, f"社区“{name}”不存在", "ledger.unknown_community")
        self.community_cache[name] = result
        return result

    # -- the compound sheet -------------------------------------------------------------
    def _check_compounds(self, sheet: OpenSheet) -> list[_CompoundRow]:
        layout = sheet.layout
        cols = layout.columns
        out: list[_CompoundRow] = []
        seen: dict[tuple[int, str], int] = {}
        self.sheet_compounds: dict[str, set[int]] = {}

        def get(values, key):
            col = cols.get(key)
            if col is None or col >= len(values):
                return None
            return values[col]

        for row, values in sheet.rows:
            name = v.name_text(v.cell_text(get(values, "name")))
            if not name:
                if _skippable(values, cols.get("seq")):
                    continue
                self.cell_error(layout, row, "name", "", "小区名称为空", "ledger.missing_value")
                continue
            if name in _SKIP_MARKERS or name.startswith(_SKIP_MARKERS):
                continue
            self.rows += 1
            community_text = v.name_text(v.cell_text(get(values, "community")))
            community_id = self._compound_community(layout, row, community_text, name)
            facts = self._compound_facts(layout, row, values, get)
            if community_id is None:
                continue
            key = (community_id, name)
            if key in seen:
                self.cell_error(
                    layout,
                    row,
                    "name",
                    name,
                    f"小区与第{seen[key]}行重复（第{seen[key]}行和第{row}行）",
                    "ledger.duplicate_compound",
                )
                continue
            seen[key] = row
            self.sheet_compounds.setdefault(name, set()).add(community_id)
            out.append(_CompoundRow(row, community_id, name, facts))
        return out

    def _compound_community(self, layout, row, community_text, name) -> int | None:
        if community_text:
            community_id, reason, code = self.community_by_name(community_text)
            if community_id is None:
                self.cell_error(layout, row, "community", community_text, reason, code)
            return community_id
        if self.actor_community_id:
            return self.actor_community_id
        known = self.db_compounds.get(name, [])
        if len(set(known)) == 1:
            return known[0]
        self.cell_error(
            layout,
            row,
            "community" if "community" in layout.columns else "name",
            "" if "community" in layout.columns else name,
            "没有填写社区，无法确定小区属于哪个社区（请增加或填写“社区”列）",
            "ledger.missing_community",
        )
        return None

    def _compound_facts(self, layout, row, values, get) -> dict:  # noqa: C901 (30; issue 11: to split)
        cols = layout.columns
        facts: dict = {}

        def text(key, limit, *, free=False):
            raw = get(values, key)
            value = v.free_text(raw) if free else v.cell_text(raw)
            if len(value) > limit:
                self.cell_error(
                    layout, row, key, value, f"内容过长（最多{limit}字）", "ledger.too_long"
                )
            return value

        for key, limit in (
            ("address", 200),
            ("property_company", 100),
            ("party_organisation", 100),
            ("note", 10_000),
        ):
            if key in cols:
                facts[key] = text(key, limit, free=True)
        for key in ("surveyed_buildings", "surveyed_households", "surveyed_party_members"):
            if key in cols:
                raw = get(values, key)
                try:
                    facts[key] = v.parse_count(v.cell_text(raw))
                except InvalidValue as exc:
                    self.cell_error(
                        layout, row, key, v.cell_text(raw), str(exc), "ledger.invalid_number"
                    )
        if "year_built" in cols:
            raw = get(values, "year_built")
            try:
                facts["year_built"] = v.parse_year(raw, v.cell_text(raw))
            except InvalidValue as exc:
                self.cell_error(
                    layout, row, "year_built", v.cell_text(raw), str(exc), "ledger.invalid_number"
                )
        if "construction_background" in cols:
            value = text("construction_background", 1000)
            if value:
                choice, warning = v.parse_construction_background(value)
                facts["construction_background"] = choice
                if warning:
                    self.cell_warning(
                        layout,
                        row,
                        "construction_background",
                        value,
                        warning,
                        "ledger.unknown_choice",
                    )
        if "property_service" in cols:
            value = text("property_service", 1000)
            if value:
                try:
                    service, company = v.parse_property_service(value)
                except InvalidValue as exc:
                    self.cell_error(
                        layout, row, "property_service", value, str(exc), "ledger.invalid_choice"
                    )
                else:
                    facts["property_service"] = service
                    if company and not facts.get("property_company"):
                        facts["property_company"] = company
        if "responsible_unit" in cols:
            value = text("responsible_unit", 100, free=True)
            none = v.cell_text(value) in ("无", "没有", "暂无", "否", "/")
            facts["responsible_unit"] = "" if none else value
        if "guards" in cols:
            facts["guards_note"] = text("guards", 200, free=True)
            value = v.cell_text(facts["guards_note"])
            has, warning = v.parse_guards(value)
            facts["has_guards"] = has
            if warning and "has_guards" not in cols:
                self.cell_warning(layout, row, "guards", value, warning, "ledger.guessed_value")
        if "security" in cols:
            facts["security_note"] = text("security", 200, free=True)
            value = v.cell_text(facts["security_note"])
            flags, warning = v.parse_security(value)
            facts.update(flags)
            explicit = {"has_gate", "has_cameras", "has_fence", "has_lighting"} & set(cols)
            if warning and not explicit:
                self.cell_warning(layout, row, "security", value, warning, "ledger.guessed_value")
        for key in ("has_guards", "has_gate", "has_cameras", "has_fence", "has_lighting"):
            if key in cols:
                value = v.cell_text(get(values, key))
                if not value:
                    continue
                try:
                    facts[key] = v.parse_yes_no(value)
                except InvalidValue as exc:
                    self.cell_error(layout, row, key, value, str(exc), "ledger.invalid_choice")
        for key, label, bound in (("latitude", "纬度", 90), ("longitude", "经度", 180)):
            raw = get(values, key) if key in cols else None
            if raw is None or not v.cell_text(raw):
                continue  # an empty cell leaves the recorded position as it is
            try:
                facts[key] = parse_coordinate(raw, label=label, bound=bound)
            except InvalidValue as exc:
                self.cell_error(
                    layout, row, key, v.cell_text(raw), str(exc), "ledger.invalid_coordinate"
                )
        return facts

    # -- the resident sheet -------------------------------------------------------------
    def _check_residents(self, sheet: OpenSheet, spool) -> None:  # noqa: C901 (44; issue 11: to split)
        layout = sheet.layout
        cols = layout.columns
        sheet_name = layout.name

        # Rows are padded to ``width``; an absent column reads the always-empty last cell.
        width = max(cols.values()) + 2
        absent = width - 1

        def col(key):
            return cols.get(key, absent)

        c_seq = col("seq")
        c_community, c_compound, c_building = col("community"), col("compound"), col("building")
        c_unit, c_room, c_area = col("unit"), col("room"), col("area")
        c_area_source, c_use, c_floor = col("area_source"), col("use"), col("floor")
        c_name, c_sex, c_id, c_phone = col("name"), col("sex"), col("id_number"), col("phone")
        c_relation, c_owner, c_residence = col("relation"), col("is_owner"), col("residence")
        c_tags, c_note, c_house_note = col("tags"), col("note"), col("house_note")
        person_cols = [cols[k] for k in c.PERSON_KEYS if k in cols]

        houses: dict[tuple, _House] = {}
        id_rows: dict[str, int] = {}
        nameless_rows: dict[tuple, int] = {}
        community_of: dict[tuple[str, str], int | None] = {}
        new_compounds: set[tuple[int, str]] = set()
        area_cache: dict = {}
        tag_cache: dict[str, tuple] = {}
        relation_cache: dict[str, tuple] = {}
        referenced: set[tuple[int, str]] = set()
        house_keys: list[tuple] = []  # house index → key (spooled rows carry the index)
        self.house_keys = house_keys
        self.houses = houses
        self.new_compounds = new_compounds
        self.referenced = referenced
        chunk: list = []
        ids_in_chunk: list[tuple[str, int]] = []
        today = self.today
        sheet_compounds = getattr(self, "sheet_compounds", {})

        def error(row, key, value, reason, code):
            self.cell_error(layout, row, key, value, reason, code)

        for row, values in sheet.rows:
            if len(values) < width:
                values.extend([None] * (width - len(values)))
            elif values[absent] is not None:
                values[absent] = None
            room = v.key_text(v.cell_text(values[c_room]))
            compound = v.name_text(v.cell_text(values[c_compound]))
            building = v.key_text(v.cell_text(values[c_building]))
            unit = v.key_text(v.cell_text(values[c_unit]))
            if not room and _skippable(values, c_seq):
                continue
            if not (room and compound and building and unit):
                self.rows += 1
                for key, value in (
                    ("compound", compound),
                    ("building", building),
                    ("unit", unit),
                    ("room", room),
                ):
                    if not value:
                        label = layout.header(key)
                        error(row, key, "", f"{label}为空", "ledger.missing_value")
                continue
            self.rows += 1
            # Which community: the 社区 column, else the compound sheet, else the ledger.
            community_text = v.name_text(v.cell_text(values[c_community]))
            ckey = (community_text, compound)
            if ckey in community_of:
                community_id = community_of[ckey]
            else:
                community_id = self._resident_community(
                    layout, row, community_text, compound, sheet_compounds, new_compounds
                )
                community_of[ckey] = community_id
            if community_id is None:
                self.group_error(
                    ("community", ckey),
                    self._community_issue(layout, row, community_text, compound),
                )
                continue
            referenced.add((community_id, compound))
            house_key = (community_id, compound, building, unit, room)
            house = houses.get(house_key)
            if house is None:
                house_key = (community_id, intern(compound), intern(building), intern(unit), room)
                house = houses[house_key] = _House(row=row, index=len(house_keys))
                house_keys.append(house_key)
            # The house: area, use, notes.
            raw_area = values[c_area]
            if raw_area is not None and raw_area != "":
                area = area_cache.get(raw_area)
                if area is None:
                    try:
                        area = parse_area(
                            v.cell_text(raw_area) if isinstance(raw_area, str) else raw_area
                        )
                    except InvalidValue as exc:
                        area = exc
                    area_cache[raw_area] = area
                if isinstance(area, InvalidValue):
                    error(row, "area", v.cell_text(raw_area), str(area), "ledger.invalid_area")
                elif house.area is None:
                    house.area, house.area_row = area, row
                elif house.area != area:
                    error(
                        row,
                        "area",
                        v.cell_text(raw_area),
                        f"同一房屋（{compound}{building}{unit}{room}）面积与第{house.area_row}行"
                        f"（{house.area}）不一致（第{house.area_row}行和第{row}行）",
                        "ledger.duplicate_room",
                    )
            if c_use != absent:
                text = v.cell_text(values[c_use])
                if text:
                    try:
                        use = v.parse_use(text)
                    except InvalidValue as exc:
                        error(row, "use", text, str(exc), "ledger.invalid_choice")
                    else:
                        if house.use is None:
                            house.use, house.use_row = use, row
                        elif house.use != use:
                            error(
                                row,
                                "use",
                                text,
                                f"同一房屋的房屋用途与第{house.use_row}行不一致",
                                "ledger.duplicate_room",
                            )
            if c_area_source != absent and house.area_source is None:
                text = v.cell_text(values[c_area_source])
                if text:
                    try:
                        house.area_source = v.parse_area_source(text)
                    except InvalidValue as exc:
                        error(row, "area_source", text, str(exc), "ledger.invalid_choice")
            if c_floor != absent and house.floor is None:
                text = v.cell_text(values[c_floor])
                if text:
                    try:
                        house.floor = _parse_floor(text)
                    except InvalidValue as exc:
                        error(row, "floor", text, str(exc), "ledger.invalid_number")
            if c_house_note != absent:
                text = v.free_text(values[c_house_note])
                if len(text) > 200:
                    error(row, "house_note", text, "内容过长（最多200字）", "ledger.too_long")
                elif text and not house.note:
                    house.note = text  # the first one written wins
                elif house.note is None:
                    house.note = ""  # the column is there and blank: no note
            note = v.free_text(values[c_note]) if c_note != absent else None
            if note is not None and len(note) > 200:
                error(row, "note", note, "内容过长（最多200字）", "ledger.too_long")
                note = note[:200]
            # The person, if the row has one.
            if not any(values[at] not in (None, "") for at in person_cols):
                if note:
                    if not house.note:
                        house.note = note
                    if v.cell_text(note).startswith("空置"):
                        house.vacant = True
                chunk.append((row, house.index, None))
            else:
                person = self._check_person(
                    layout,
                    row,
                    values,
                    absent,
                    house_key,
                    note,
                    (c_name, c_sex, c_id, c_phone, c_relation, c_owner, c_residence, c_tags),
                    id_rows,
                    nameless_rows,
                    tag_cache,
                    relation_cache,
                    today,
                )
                if person is not None:
                    chunk.append((row, house.index, person))
                    if person[P_ID]:
                        ids_in_chunk.append((person[P_ID], row))
            if len(chunk) >= CHUNK:
                self._spool(spool, chunk, ids_in_chunk, layout)
                chunk, ids_in_chunk = [], []
        self._spool(spool, chunk, ids_in_chunk, layout)
        for _community_id, name in sorted(new_compounds, key=lambda k: k[1]):
            self.warn(
                sheet_name,
                None,
                layout.letter("compound"),
                "compound",
                name,
                "小区不在小区台账中，也不是已登记的小区，将按名称新建",
                "ledger.new_compound",
                layout.header("compound"),
            )

    def _resident_community(
        self, layout, row, community_text, compound, sheet_compounds, new_compounds
    ) -> int | None:
        if community_text:
            community_id, _, _ = self.community_by_name(community_text)
            if community_id is None:
                return None
            known = sheet_compounds.get(compound, set()) | set(self.db_compounds.get(compound, []))
            if community_id not in known:
                new_compounds.add((community_id, compound))
            return community_id
        ids = sheet_compounds.get(compound)
        if ids:
            return next(iter(ids)) if len(ids) == 1 else None
        ids = set(self.db_compounds.get(compound, []))
        if ids:
            return next(iter(ids)) if len(ids) == 1 else None
        if self.actor_community_id:
            new_compounds.add((self.actor_community_id, compound))
            return self.actor_community_id
        return None

    def _community_issue(self, layout, row, community_text, compound) -> RowIssue:
        if community_text:
            _, reason, code = self.community_by_name(community_text)
            return RowIssue(
                layout.name,
                row,
                layout.letter("community"),
                "community",
                community_text,
                reason,
                code,
                layout.header("community"),
            )
        ids = getattr(self, "sheet_compounds", {}).get(compound) or set(
            self.db_compounds.get(compound, [])
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

    def _check_person(  # noqa: C901 (35; issue 11: to split)
        self,
        layout,
        row,
        values,
        absent,
        house_key,
        note,
        person_cols,
        id_rows,
        nameless_rows,
        tag_cache,
        relation_cache,
        today,
    ):
        c_name, c_sex, c_id, c_phone, c_relation, c_owner, c_residence, c_tags = person_cols
        ok = True

        def error(key, value, reason, code):
            nonlocal ok
            ok = False
            self.cell_error(layout, row, key, value, reason, code)

        name = v.name_text(v.cell_text(values[c_name]))
        if not name:
            error("name", "", "姓名为空（本行填写了人员信息）", "ledger.missing_value")
        elif len(name) > 50:
            error("name", name, "姓名过长（最多50字）", "ledger.too_long")
        id_number = birth = None
        sex = None
        raw_id = values[c_id]
        if raw_id is not None and raw_id != "":
            if isinstance(raw_id, float) or (
                isinstance(raw_id, int) and not isinstance(raw_id, bool) and len(str(raw_id)) != 18
            ):
                error(
                    "id_number",
                    v.cell_text(raw_id),
                    "身份证号被存成了数字，后几位可能已丢失；请把该列设为“文本”后重新填写",
                    "ledger.invalid_id_number",
                )
                raw_id = None
            if raw_id is not None:
                text = v.cell_text(raw_id)
                try:
                    info = v.parse_id_fast(text, today=today)
                except InvalidValue as exc:
                    error("id_number", text, str(exc), "ledger.invalid_id_number")
                else:
                    id_number, sex, birth = info.number, info.sex, info.birth_date.toordinal()
                    for warning in info.warnings:
                        self.cell_warning(
                            layout, row, "id_number", info.number, warning, "ledger.id_region"
                        )
                    first = id_rows.get(id_number)
                    if first is not None:
                        error(
                            "id_number",
                            id_number,
                            f"身份证号与第{first}行重复（第{first}行和第{row}行）",
                            "ledger.duplicate_id_number",
                        )
                    else:
                        id_rows[id_number] = row
        if c_sex != absent:
            text = v.cell_text(values[c_sex])
            if text:
                try:
                    stated = v.parse_sex(text)
                except InvalidValue as exc:
                    error("sex", text, str(exc), "ledger.invalid_choice")
                else:
                    if sex is not None and stated != sex:
                        derived = "男" if sex == "M" else "女"
                        error(
                            "sex",
                            text,
                            f"性别与身份证号不符（身份证号为{derived}性）",
                            "ledger.sex_mismatch",
                        )
                    elif sex is None:
                        sex = stated
        phone = None
        if c_phone != absent:
            text = v.cell_text(values[c_phone])
            try:
                phone = v.normalise_phone_fast(text)
            except InvalidValue as exc:
                error("phone", text, str(exc), "ledger.invalid_phone")
        relation = None
        if c_relation != absent:
            text = v.cell_text(values[c_relation])
            if text:
                parsed = relation_cache.get(text)
                if parsed is None:
                    parsed = relation_cache[text] = v.parse_relation(text)
                relation, warning = parsed
                if warning:
                    self.cell_warning(
                        layout, row, "relation", text, warning, "ledger.unknown_choice"
                    )
        is_owner = None
        if c_owner != absent:
            text = v.cell_text(values[c_owner])
            if text:
                try:
                    is_owner = v.parse_yes_no(text)
                except InvalidValue as exc:
                    error("is_owner", text, str(exc), "ledger.invalid_choice")
        residence = None
        if c_residence != absent:
            text = v.cell_text(values[c_residence])
            if text:
                try:
                    residence = v.parse_residence(text)
                except InvalidValue as exc:
                    error("residence", text, str(exc), "ledger.invalid_choice")
        tags = other = None
        if c_tags != absent:
            text = v.cell_text(values[c_tags])
            parsed = tag_cache.get(text)
            if parsed is None:
                parsed = tag_cache[text] = v.parse_tags(text)
            tags, other = parsed
            if len(other) > 200:
                error("tags", text, "其他标签过长（最多200字）", "ledger.too_long")
        if id_number is None and name:
            nkey = (house_key, name)
            first = nameless_rows.get(nkey)
            if first is not None:
                error(
                    "name",
                    name,
                    f"同一户中已有同名且无身份证号的居民（第{first}行和第{row}行），无法区分",
                    "ledger.duplicate_resident",
                )
            else:
                nameless_rows[nkey] = row
        if not ok:
            return None
        return (
            name,
            id_number,
            sex,
            birth,
            phone,
            relation,
            is_owner,
            residence,
            tags,
            other,
            note,
        )

    def _spool(self, spool, chunk, ids_in_chunk, layout) -> None:
        if ids_in_chunk and self.prefix:
            # A person already in the ledger outside the actor's region cannot be moved by them.
            hashed = [(id_number_hash(number), number, row) for number, row in ids_in_chunk]
            outside = set(
                Resident.objects.filter(id_number_hash__in={h for h, _, _ in hashed})
                .exclude(
                    household__unit__building__compound__community__path__startswith=self.prefix
                )
                .values_list("id_number_hash", flat=True)
            )
            for digest, number, row in hashed:
                if digest in outside:
                    self.cell_error(
                        layout,
                        row,
                        "id_number",
                        number,
                        "该身份证号已登记在您管辖范围以外的住户，不能在此迁入（请联系上级办理）",
                        "ledger.out_of_scope",
                    )
        if chunk and not self.errors and not self.grouped:
            marshal.dump(chunk, spool)

    # -- pass 2 -------------------------------------------------------------------------
    def _write(self, spool) -> None:
        write = not self.dry_run
        self.when = timezone.now()
        user = self.actor if _is_user(self.actor) else None
        self.user = user
        try:
            with transaction.atomic():
                compound_ids = self._write_compounds(write)
                spool.seek(0)
                writer = _ChunkWriter(self, compound_ids, write=write, user=user)
                while True:
                    try:
                        chunk = marshal.load(spool)
                    except EOFError:
                        break
                    writer.write(chunk)
        except _TooManyErrors:
            raise
        except Exception as exc:  # a database error: nothing was written
            log.exception("ledger import failed while writing %s", self.file_name)
            self.error(
                "",
                None,
                "",
                "",
                "",
                f"写入数据库时出错，已全部撤销：{exc}",
                "ledger.write_failed",
            )

    def _write_compounds(self, write: bool) -> dict[tuple[int, str], int]:
        """Compounds of the compound sheet (created or updated), and those the resident rows
        name: already in the ledger, or new (created with just a name)."""
        rows: list[_CompoundRow] = getattr(self, "compound_rows", [])
        referenced: set[tuple[int, str]] = getattr(self, "referenced", set())
        in_sheet = {(row.community_id, row.name) for row in rows}
        wanted = in_sheet | referenced
        existing: dict[tuple[int, str], Compound] = {}
        for known in Compound.objects.filter(community_id__in={cid for cid, _ in wanted}).order_by(
            "pk"
        ):
            key = (known.community_id, v.name_text(v.cell_text(known.name)))
            existing.setdefault(key, known)
        communities = Region.objects.in_bulk({cid for cid, _ in wanted})
        counts = self.counts["compounds"]
        placeholder = count(-1, -1)
        ids: dict[tuple[int, str], int] = {}
        created: set[int] = set()

        def create(key, facts):
            counts["created"] += 1
            if write:
                compound = services.compound_create(
                    actor=self.user, community=communities[key[0]], name=key[1], **facts
                )
                ids[key] = compound.pk
            else:
                ids[key] = next(placeholder)
            created.add(ids[key])

        for row in rows:
            key = (row.community_id, row.name)
            facts = {k: val for k, val in row.facts.items() if k in _COMPOUND_FACTS}
            compound = existing.get(key)
            if compound is None:
                create(key, facts)
                continue
            ids[key] = compound.pk
            changed = {k: val for k, val in facts.items() if getattr(compound, k) != val}
            if not changed:
                counts["unchanged"] += 1
                continue
            counts["updated"] += 1
            if write:
                services.compound_update(
                    actor=self.user, compound=compound, reason=self.reason, **changed
                )
        for key in sorted(referenced - in_sheet):
            compound = existing.get(key)
            if compound is not None:
                ids[key] = compound.pk
            else:
                create(key, {})
        self.created_compounds = created
        return ids


class _ChunkWriter:
    """Pass 2 for the resident sheet, one spooled chunk at a time."""

    def __init__(self, job: _Import, compound_ids: dict, *, write: bool, user):
        self.job = job
        self.write_enabled = write
        self.counts = job.counts
        self.compound_ids = compound_ids
        # Compounds, buildings, units and households created by this import: nothing below
        # them exists yet, so there is nothing to look up.
        self.new_compounds: set[int] = job.created_compounds
        self.buildings: dict[tuple[int, str], int] = {}
        self.units: dict[tuple[int, str], int] = {}
        self.households: dict[tuple, int] = {}
        self.new_buildings: set[int] = set()
        self.new_units: set[int] = set()
        self.new_households: set[int] = set()
        self.placeholder = count(-1, -1)
        self.seen_residents: set[int] = set()
        user_id = user.pk if user is not None else None
        self.household_inserter: OrmInserter | FastInserter
        self.resident_inserter: OrmInserter | FastInserter
        if job.writer == "orm":
            self.household_inserter = OrmInserter(
                Household, user=user, reason=job.reason, when=job.when
            )
            self.resident_inserter = OrmInserter(
                Resident, user=user, reason=job.reason, when=job.when
            )
        else:
            self.household_inserter = FastInserter(
                Household, user_id=user_id, reason=job.reason, when=job.when
            )
            self.resident_inserter = FastInserter(
                Resident, user_id=user_id, reason=job.reason, when=job.when
            )

    # Buildings and units: looked up per chunk, created in bulk (no history on these).
    def _ensure(self, model, parent_attr, cache, new_parents, new_set, wanted, kind):
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
        if self.write_enabled:
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

    def write(self, chunk) -> None:
        keys = self.job.house_keys
        chunk = [(row, keys[index], person) for row, index, person in chunk]
        compound_ids = self.compound_ids
        # 1. buildings and units
        building_keys = {(compound_ids[k[:2]], k[2]) for _, k, _ in chunk}
        self._ensure(
            Building,
            "compound_id",
            self.buildings,
            self.new_compounds,
            self.new_buildings,
            building_keys,
            "buildings",
        )
        unit_keys = {(self.buildings[(compound_ids[k[:2]], k[2])], k[3]) for _, k, _ in chunk}
        self._ensure(
            Unit, "building_id", self.units, self.new_buildings, self.new_units, unit_keys, "units"
        )
        # 2. households
        house_unit: dict[tuple, tuple[int, str]] = {}
        for _, k, _ in chunk:
            if k not in house_unit:
                house_unit[k] = (
                    self.units[(self.buildings[(compound_ids[k[:2]], k[2])], k[3])],
                    k[4],
                )
        missing = [k for k in house_unit if k not in self.households]
        self._households(missing, house_unit)
        # 3. residents
        self._residents(chunk)

    def _households(self, missing, house_unit) -> None:  # noqa: C901 (13; issue 11: to split)
        if not missing:
            return
        job = self.job
        counts = self.counts["households"]
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
        creates: list[tuple[tuple, dict[str, Any]]] = []
        updates: list[Household] = []
        for key in missing:
            house = job.houses[key]
            unit_id, room = house_unit[key]
            household = existing.get((unit_id, room))
            use = house.use or (HouseholdUse.VACANT if house.vacant else None)
            if household is None:
                row = {
                    "unit_id": unit_id,
                    "room": room,
                    "floor": house.floor
                    if house.floor is not None
                    else services.floor_from_room(room),
                    "area": house.area,
                    "use": use or HouseholdUse.OWNER_OCCUPIED,
                    "note": house.note or "",
                }
                if house.area_source:
                    row["area_source"] = house.area_source
                creates.append((key, row))
                continue
            self.households[key] = household.pk
            target = {
                "area": house.area,
                "area_source": house.area_source,
                "use": use,
                "note": house.note,
                "floor": house.floor,
            }
            changed = False
            for attr, value in target.items():
                if value is not None and getattr(household, attr) != value:
                    setattr(household, attr, value)
                    changed = True
            if changed:
                updates.append(household)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        counts["created"] += len(creates)
        if self.write_enabled:
            ids = allocate_ids(Household, len(creates))
            for (key, row), pk in zip(creates, ids, strict=True):
                row["id"] = pk
                self.households[key] = pk
                self.new_households.add(pk)
            self.household_inserter.insert([row for _, row in creates])
            update_with_history(
                updates,
                Household,
                _HOUSEHOLD_FIELDS,
                user=job.user,
                reason=job.reason,
                when=job.when,
            )
        else:
            for key, _ in creates:
                pk = next(self.placeholder)
                self.households[key] = pk
                self.new_households.add(pk)

    def _residents(self, chunk) -> None:  # noqa: C901 (16; issue 11: to split)
        job = self.job
        counts = self.counts["residents"]
        people = [(row, self.households[k], p) for row, k, p in chunk if p is not None]
        if not people:
            return
        # Matched by the ID number's keyed hash (the number itself is stored encrypted).
        hashes = {p[P_ID]: id_number_hash(p[P_ID]) for _, _, p in people if p[P_ID]}
        by_number = (
            {
                r.id_number: r
                for r in Resident.objects.filter(id_number_hash__in=set(hashes.values()))
            }
            if hashes
            else {}
        )
        # Residents to find by (household, name): no ID number, or one the ledger lacks.
        by_name_keys = {
            (hh, p[P_NAME])
            for _, hh, p in people
            if hh > 0
            and hh not in self.new_households
            and (not p[P_ID] or p[P_ID] not in by_number)
        }
        by_name: dict[tuple[int, str], Resident] = {}
        if by_name_keys:
            for known in Resident.objects.filter(
                household_id__in={hh for hh, _ in by_name_keys}
            ).order_by("pk"):
                name = v.name_text(v.cell_text(known.name))
                by_name.setdefault((known.household_id, name), known)
        creates: list[dict[str, Any]] = []
        updates: list[Resident] = []
        for _row, household_id, p in people:
            resident = by_number.get(p[P_ID]) if p[P_ID] else None
            if resident is None:
                candidate = by_name.get((household_id, p[P_NAME]))
                if (
                    candidate is not None
                    and candidate.pk not in self.seen_residents
                    and (not p[P_ID] or not candidate.id_number)
                ):
                    resident = candidate
            target = _resident_values(p, household_id)
            if p[P_ID]:
                target["id_number_hash"] = hashes[p[P_ID]]  # computed once, above
            if resident is None:
                creates.append(target)
                continue
            self.seen_residents.add(resident.pk)
            moved = resident.household_id != household_id
            changed = False
            for attr, value in target.items():
                if getattr(resident, attr) != value:
                    setattr(resident, attr, value)
                    changed = True
            if moved:
                counts["moved"] += 1
                updates.append(resident)
            elif changed:
                counts["updated"] += 1
                updates.append(resident)
            else:
                counts["unchanged"] += 1
        counts["created"] += len(creates)
        if self.write_enabled:
            for row, pk in zip(creates, allocate_ids(Resident, len(creates)), strict=True):
                row["id"] = pk
            self.resident_inserter.insert(creates)
            for resident in updates:  # bulk_update does not call the hash fields' pre_save
                sync_pii_hashes(resident)
            update_with_history(
                updates, Resident, _RESIDENT_FIELDS, user=job.user, reason=job.reason, when=job.when
            )


def _resident_values(p, household_id: int) -> dict:
    """The fields the row sets (None = the file says nothing: leave / default)."""
    out: dict = {"household_id": household_id, "name": p[P_NAME]}
    if p[P_ID]:
        out["id_number"] = p[P_ID]
        out["birth_date"] = dt.date.fromordinal(p[P_BIRTH])
    if p[P_SEX]:
        out["sex"] = p[P_SEX]
    if p[P_PHONE] is not None:
        out["phone"] = p[P_PHONE]
    if p[P_RELATION] is not None:
        out["relation"] = p[P_RELATION]
    if p[P_OWNER] is not None:
        out["is_owner"] = p[P_OWNER]
    if p[P_RESIDENCE] is not None:
        out["residence"] = p[P_RESIDENCE]
    if p[P_TAGS] is not None:
        for name, bit in zip(_TAG_NAMES, p[P_TAGS], strict=True):
            out[name] = bit
        out["other_tags"] = p[P_OTHER]
    if p[P_NOTE] is not None:
        out["note"] = p[P_NOTE]
    return out


_MASKS = {"id_number": mask_id_number, "phone": mask_phone}


def _kept(issue: RowIssue) -> dict:
    """An issue as the batch record stores it: an ID number's or phone's value masked."""
    mask = _MASKS.get(issue.field)
    if mask is not None and issue.value:
        issue = dataclasses.replace(issue, value=mask(issue.value))
    return issue.as_dict()


def _parse_floor(text: str) -> int:
    cleaned = text.removesuffix("层").removesuffix("楼")
    try:
        floor = int(float(cleaned))
    except ValueError:
        raise InvalidValue(f"楼层“{text}”不是整数") from None
    if not -10 <= floor <= 200:
        raise InvalidValue(f"楼层{floor}不在-10至200之间")
    return floor


def _skippable(values, seq_col) -> bool:
    """A blank row (only a 序号 at most), a 合计/总计 row or a signature line (填表人：…)."""
    first = None
    for at, value in enumerate(values):
        if value is None or value == "" or at == seq_col:
            continue
        text = v.cell_text(value).replace(" ", "")
        if not text:
            continue
        first = text
        break
    if first is None:
        return True
    return first.startswith(_SKIP_MARKERS) or (
        seq_col is not None
        and 0 <= seq_col < len(values)
        and v.cell_text(values[seq_col]).replace(" ", "").startswith(_SKIP_MARKERS)
    )


def _shown(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else v.cell_text(value)


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col + 1)


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "pk", None) is not None


def _name_of(source) -> str:
    name = getattr(source, "name", None) or (
        source if isinstance(source, str | os.PathLike) else ""
    )
    return os.path.basename(str(name)) if name else "（上传的文件）"


def _size_of(source) -> int | None:
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    if isinstance(source, str | os.PathLike):
        try:
            return os.path.getsize(source)
        except OSError:
            return None
    return None
