"""Finding the ledger's sheets in a workbook and the header row in a sheet.

Officials' workbooks put a title, a "填报单位" line or a two-level merged header above the real
header, so the header is the row (of the first :data:`HEADER_SCAN_ROWS`) that matches the most
known columns, combined with an adjacent row that fills columns it leaves empty (the sample's
序号 and 备注 sit in the upper row of a two-level header, with nothing under them).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from linli.ledger import columns as c

HEADER_SCAN_ROWS = 10

COMPOUND = "compound"
RESIDENT = "resident"

KINDS = {
    COMPOUND: (c.COMPOUND_ALL_COLUMNS, c.COMPOUND_SHEET_NAMES, c.COMPOUND_REQUIRED),
    RESIDENT: (c.RESIDENT_ALL_COLUMNS, c.RESIDENT_SHEET_NAMES, c.RESIDENT_REQUIRED),
}
_INDEX = {kind: c.header_index(spec[0]) for kind, spec in KINDS.items()}
# Columns both sheets know; they say nothing about which sheet this is.
_SHARED = {"seq", "community", "name", "compound", "note"}
_PARTS = re.compile(r"[/、|]")


def match_header(value, kind: str) -> str | None:
    """The column key a header cell names, or None."""
    text = c.normalise_header(value)
    if not text:
        return None
    index = _INDEX[kind]
    key = index.get(text)
    if key is None and _PARTS.search(text):
        for part in _PARTS.split(text):
            key = index.get(part)
            if key:
                break
    return key


@dataclass
class SheetLayout:
    """Where a sheet's header is and which column holds which field."""

    kind: str
    name: str
    header_rows: tuple[int, ...]
    columns: dict[str, int] = field(default_factory=dict)  # key → 0-based column
    headers: dict[str, str] = field(default_factory=dict)  # key → the header text in the file
    duplicates: list[tuple[str, int]] = field(default_factory=list)

    def letter(self, key: str) -> str:
        col = self.columns.get(key)
        return get_column_letter(col + 1) if col is not None else ""

    def header(self, key: str) -> str:
        spec = KINDS[self.kind][0]
        return self.headers.get(key) or (spec[key][0] if key in spec else "")

    @property
    def missing(self) -> list[str]:
        return [key for key in KINDS[self.kind][2] if key not in self.columns]

    @property
    def score(self) -> int:
        """How many of this kind's own columns were found."""
        return len(set(self.columns) - _SHARED)


@dataclass
class _Scanned:
    number: int
    values: list
    matches: dict[int, str]
    stray: int  # non-empty cells that match nothing


def _scan(number: int, values: list, kind: str) -> _Scanned:
    matches: dict[int, str] = {}
    stray = 0
    for col, value in enumerate(values):
        if value is None or value == "":
            continue
        key = match_header(value, kind)
        if key:
            matches[col] = key
        else:
            stray += 1
    return _Scanned(number, values, matches, stray)


def detect_layout(name: str, head: list[tuple[int, list]], kind: str) -> SheetLayout | None:
    """The header of a sheet from its first rows, or None if no row looks like one."""
    scanned = [_scan(number, values, kind) for number, values in head[:HEADER_SCAN_ROWS]]
    if not scanned:
        return None
    best_at = max(range(len(scanned)), key=lambda i: len(set(scanned[i].matches.values())))
    best = scanned[best_at]
    if len(set(best.matches.values())) < 2:
        return None
    chosen: dict[int, str] = dict(best.matches)
    rows = [best.number]
    for at in (best_at - 1, best_at + 1):  # a two-level header: the other level
        if 0 <= at < len(scanned) and _add_other_level(scanned[at], best, chosen):
            rows.append(scanned[at].number)
    layout = SheetLayout(kind=kind, name=name, header_rows=tuple(sorted(rows)))
    _place_columns(layout, chosen, {s.number: s for s in scanned})
    return layout


def _add_other_level(other: _Scanned, best: _Scanned, chosen: dict[int, str]) -> bool:
    """Add to ``chosen`` the columns the row next to the best header row names and it does
    not; True when ``other`` is such a second header level and added any."""
    if abs(other.number - best.number) != 1 or not other.matches:
        return False
    if len(other.matches) < other.stray:  # a data row, not a header
        return False
    added = False
    for col, key in other.matches.items():
        if col not in chosen and key not in chosen.values():
            chosen[col] = key
            added = True
    return added


def _place_columns(
    layout: SheetLayout, chosen: dict[int, str], by_number: dict[int, _Scanned]
) -> None:
    """Fill the layout's columns (the leftmost of a key wins, the rest are duplicates) and
    each column's header text as the file writes it."""
    for col in sorted(chosen):
        key = chosen[col]
        if key in layout.columns:
            layout.duplicates.append((key, col))
            continue
        layout.columns[key] = col
        for number in layout.header_rows:
            values = by_number[number].values
            if col < len(values) and match_header(values[col], layout.kind) == key:
                layout.headers[key] = str(values[col]).strip()
                break


@dataclass
class OpenSheet:
    layout: SheetLayout
    rows: Iterator[tuple[int, list]]  # the data rows, after the header


def open_sheet(book, name: str, kinds: tuple[str, ...]) -> OpenSheet | None:
    """Read a sheet's first rows, find its header for one of ``kinds`` (the best scoring),
    and return the rest of the rows as an iterator."""
    rows = book.rows(name)
    head: list[tuple[int, list]] = []
    for number, values in rows:
        if values and any(v not in (None, "") for v in values):
            head.append((number, values))
        if len(head) >= HEADER_SCAN_ROWS:
            break
    layouts = [layout for kind in kinds if (layout := detect_layout(name, head, kind))]
    if not layouts:
        return None
    layout = max(layouts, key=lambda layout: (not layout.missing, layout.score))
    last = max(layout.header_rows)
    rest = ((number, values) for number, values in head if number > last)
    return OpenSheet(layout, itertools.chain(rest, rows))


def kind_by_name(sheet_name: str) -> str | None:
    name = c.normalise_sheet_name(sheet_name)
    for kind, (_, names, _) in KINDS.items():
        if name in {c.normalise_sheet_name(n) for n in names}:
            return kind
    for kind, (_, names, _) in KINDS.items():
        if any(c.normalise_sheet_name(n) in name for n in names):
            return kind
    return None
