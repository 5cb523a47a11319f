"""Reading: opening the workbook, finding the two ledger sheets and their columns, and telling
data rows from the blank, 合计 and signature rows officials put around them.

A sheet is found by its name (``kind_by_name``: 三无小区台账, 居民台账 and their variants) or,
failing that, by a header that looks like one of them. A sheet named as a ledger sheet whose
header cannot be found is an error and no other sheet is taken in its place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from openpyxl.utils import get_column_letter

from linli.core.archives import ArchiveRefused
from linli.ledger import columns as c

from .. import values as v
from ..sheets import COMPOUND, RESIDENT, OpenSheet, SheetLayout, kind_by_name, open_sheet
from ..workbook import NotAWorkbook, Workbook, open_workbook
from .report import Report

SKIP_MARKERS = (
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


@dataclass(frozen=True)
class LedgerSheets:
    """The sheets to check; at least one of them is there."""

    compounds: OpenSheet | None
    residents: OpenSheet | None


def open_book(source, file_name: str, report: Report) -> Workbook | None:
    """The workbook, or None with the reason reported (too large, not Excel, a zip bomb)."""
    limit = getattr(settings, "LINLI_IMPORT_MAX_BYTES", None)
    size = size_of(source)
    if limit and size is not None and size > limit:
        report.file_error(
            file_name,
            f"文件过大（{size / 1048576:.1f} MB，上限 {limit / 1048576:.0f} MB）",
            "ledger.file_too_large",
        )
        return None
    try:
        return open_workbook(source, file_name=file_name)
    except NotAWorkbook as exc:
        report.file_error(file_name, str(exc), "ledger.not_excel")
    except ArchiveRefused as exc:  # a zip bomb: refused from the directory, nothing read
        report.file_error(file_name, exc.reason, exc.code)
    return None


# A sheet, False (named as a ledger sheet but unusable) or None (not found yet), by kind.
_Found = dict[str, OpenSheet | Literal[False] | None]


def find_sheets(book: Workbook, file_name: str, report: Report) -> LedgerSheets | None:
    """The ledger sheets with their headers, or None (with the reasons reported) when there is
    none, or one lacks a required column."""
    found, unnamed = _sheets_by_name(book, report)
    _sheets_by_header(book, found, unnamed)
    compound_sheet = found[COMPOUND] or None
    resident_sheet = found[RESIDENT] or None
    if found[COMPOUND] is None and found[RESIDENT] is None:
        report.file_error(
            file_name,
            f"工作簿中没有“{c.COMPOUND_SHEET}”或“{c.RESIDENT_SHEET}”工作表，"
            "也没有哪个工作表的表头像台账",
            "ledger.no_ledger_sheet",
        )
    sheets = [sheet for sheet in (compound_sheet, resident_sheet) if sheet is not None]
    for sheet in sheets:
        _report_columns(sheet.layout, report)
    if not sheets or any(sheet.layout.missing for sheet in sheets):
        return None
    return LedgerSheets(compound_sheet, resident_sheet)


def _sheets_by_name(book: Workbook, report: Report) -> tuple[_Found, list[str]]:
    """The sheets named as ledger sheets, and the names of the others (in workbook order)."""
    found: _Found = {COMPOUND: None, RESIDENT: None}
    unnamed = []
    for name in book.sheet_names:
        kind = kind_by_name(name)
        if kind is None or found[kind] is not None:
            unnamed.append(name)
            continue
        sheet = open_sheet(book, name, (kind,))
        if sheet is None:
            report.error(
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
    return found, unnamed


def _sheets_by_header(book: Workbook, found: _Found, unnamed: list[str]) -> None:
    """Fill the kinds not found by name with the first other sheet whose header fits."""
    for name in unnamed:
        wanted = tuple(kind for kind, sheet in found.items() if sheet is None)
        if not wanted:
            break
        sheet = open_sheet(book, name, wanted)
        if sheet is not None and not sheet.layout.missing and sheet.layout.score >= 2:
            found[sheet.layout.kind] = sheet


def _report_columns(layout: SheetLayout, report: Report) -> None:
    """Errors for the required columns missing, warnings for a column given twice."""
    names = c.COMPOUND_ALL_COLUMNS if layout.kind == COMPOUND else c.RESIDENT_ALL_COLUMNS
    header_row = max(layout.header_rows)
    for key in layout.missing:
        report.error(
            layout.name,
            header_row,
            "",
            key,
            "",
            f"缺少“{names[key][0]}”列（可用列名：{'/'.join(names[key])}）",
            "ledger.missing_column",
            names[key][0],
        )
    for key, col in layout.duplicates:
        report.warn(
            layout.name,
            header_row,
            get_column_letter(col + 1),
            key,
            "",
            f"“{layout.header(key)}”列出现了两次，只读取第一列",
            "ledger.duplicate_column",
        )


def skippable(values: list, seq_col: int | None) -> bool:
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
    return first.startswith(SKIP_MARKERS) or (
        seq_col is not None
        and 0 <= seq_col < len(values)
        and v.cell_text(values[seq_col]).replace(" ", "").startswith(SKIP_MARKERS)
    )


def name_of(source) -> str:
    name = getattr(source, "name", None) or (
        source if isinstance(source, str | os.PathLike) else ""
    )
    return os.path.basename(str(name)) if name else "（上传的文件）"


def size_of(source) -> int | None:
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    if isinstance(source, str | os.PathLike):
        try:
            return os.path.getsize(source)
        except OSError:
            return None
    return None
