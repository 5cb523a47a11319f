"""Reporting: the errors and warnings of one import, as the person importing reads them.

Every problem is a :class:`~..issues.RowIssue` naming sheet, Excel row, column letter and the
header as written. A file with errors on every row must not take memory without bound, so at
most :data:`MAX_ERRORS` errors are listed (the rest are counted, and far beyond that the check
stops: :class:`TooManyErrors`) and at most :data:`MAX_WARNINGS_PER_CODE` warnings of each kind.
The errors are shown sorted by sheet, row and column; warnings in the order they were found.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from linli.core.privacy import mask_id_number, mask_phone

from .. import values as v
from ..issues import RowIssue
from ..sheets import SheetLayout

MAX_ERRORS = 10_000  # beyond this the report says how many more there were
MAX_WARNINGS_PER_CODE = 100


class TooManyErrors(Exception):
    """Ten times :data:`MAX_ERRORS` more than listed: the check stops reading the file."""


@dataclass
class _Grouped:
    """One issue standing for many rows (the same unknown community on every row)."""

    issue: RowIssue
    rows: int = 1


@dataclass
class Report:
    """The errors and warnings found so far, and how many data rows were read."""

    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    more_errors: int = 0  # errors beyond MAX_ERRORS, counted only
    warning_counts: dict[str, int] = field(default_factory=dict)  # code → warnings seen
    grouped: dict[tuple, _Grouped] = field(default_factory=dict)
    rows: int = 0  # data rows read (both sheets)

    @property
    def failed(self) -> bool:
        """Any error so far (the file will not be written)."""
        return bool(self.errors or self.grouped)

    def error(self, sheet, row, column, fld, value, reason, code, header="") -> None:
        if len(self.errors) >= MAX_ERRORS:
            self.more_errors += 1
            if self.more_errors > MAX_ERRORS * 10:
                raise TooManyErrors
            return
        self.errors.append(RowIssue(sheet, row, column, fld, _shown(value), reason, code, header))

    def file_error(self, value, reason: str, code: str) -> None:
        """An error about the whole file (no sheet, row or column); ``value``: its name."""
        self.error("", None, "", "", value, reason, code)

    def warn(self, sheet, row, column, fld, value, reason, code, header="") -> None:
        seen = self.warning_counts.get(code, 0)
        self.warning_counts[code] = seen + 1
        if seen < MAX_WARNINGS_PER_CODE:
            self.warnings.append(
                RowIssue(sheet, row, column, fld, _shown(value), reason, code, header)
            )

    def cell_error(self, layout: SheetLayout, row, key, value, reason, code) -> None:
        self.error(
            layout.name, row, layout.letter(key), key, value, reason, code, layout.header(key)
        )

    def cell_warning(self, layout: SheetLayout, row, key, value, reason, code) -> None:
        seen = self.warning_counts.get(code, 0)
        if seen >= MAX_WARNINGS_PER_CODE:
            self.warning_counts[code] = seen + 1
            return
        self.warn(
            layout.name, row, layout.letter(key), key, value, reason, code, layout.header(key)
        )

    def group_error(self, key: tuple, issue: RowIssue) -> None:
        """``issue`` once for every row with the same ``key`` (listed with the first row)."""
        entry = self.grouped.get(key)
        if entry is None:
            self.grouped[key] = _Grouped(issue)
        else:
            entry.rows += 1

    def finish(self) -> None:
        """List the grouped errors, sort the errors, and say how many were not listed."""
        for entry in self.grouped.values():
            issue = entry.issue
            if entry.rows > 1:
                issue.reason += f"（共{entry.rows}行）"
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


_MASKS = {"id_number": mask_id_number, "phone": mask_phone}


def kept(issue: RowIssue) -> dict:
    """An issue as the batch record stores it: an ID number's or phone's value masked."""
    mask = _MASKS.get(issue.field)
    if mask is not None and issue.value:
        issue = dataclasses.replace(issue, value=mask(issue.value))
    return issue.as_dict()


def _shown(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else v.cell_text(value)
