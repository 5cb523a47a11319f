"""Reading a workbook row by row with flat memory.

python-calamine is the fastest reader we have, but it is not lazy: ``get_sheet_by_name`` loads
the whole sheet into a Rust ``Range`` and ``iter_rows`` only converts one row at a time from
it. A 250,000-row ledger peaks at ~390 MB that way. openpyxl's ``read_only`` mode streams, but
is ~13× slower. So ``.xlsx``/``.xlsm`` files are read here by streaming the sheet's XML out of
the zip archive and cutting it into cells with regular expressions (the sheet XML is a flat
``<row><c r="A1" t="s"><v>0</v></c>…</row>`` list); memory stays flat apart from the shared
string table. Old ``.xls`` files (65,536 rows at most) and ``.ods`` go through calamine.

Both readers yield ``(excel_row_number, [value, …])`` with index 0 = column A; a value is
``None``/``""`` (empty), ``str``, ``int``, ``float``, ``bool`` or ``datetime``. Text that
Linli's exports neutralised against formula injection (``'=1+1``, see
:mod:`linli.core.exports`) is read back without the one ``'`` the export added.

Before anything in a ZIP-based file (``.xlsx``, ``.ods``) is read, its central directory is
checked (:func:`linli.core.archives.check_archive`): number of entries, total uncompressed size
and compression ratio, so a zip bomb is refused before a byte of it is inflated. While reading,
text that never reaches a closing ``</row>`` (or ``</si>``) is refused once it passes
``MAX_PENDING`` characters, so no single "row" can fill the memory either.
"""

from __future__ import annotations

import codecs
import datetime as dt
import html
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import NamedTuple
from xml.etree import ElementTree

import python_calamine

from linli.core.archives import check_archive
from linli.core.exports import QUOTE, unneutralise

Row = tuple[int, list]


class NotAWorkbook(Exception):
    """The file is not a spreadsheet we can read; ``str(exc)`` is a Chinese reason."""


# What reading a damaged file can raise, part way through.
READ_ERRORS = (
    NotAWorkbook,
    OSError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
    UnicodeDecodeError,
    ElementTree.ParseError,
    python_calamine.CalamineError,
)


def open_workbook(source, *, file_name: str = "") -> Workbook:
    """A path or a binary file-like object → a :class:`Workbook`.

    A ZIP archive is checked first (:func:`~linli.core.archives.check_archive`, limits from the
    settings); one that would inflate too far raises
    :class:`~linli.core.archives.ArchiveRefused` naming ``file_name`` and the limit."""
    head = _peek(source, 8)
    if head.startswith(b"PK\x03\x04"):
        try:
            check_archive(source, file_name=file_name)
        except OSError:
            raise NotAWorkbook("文件已损坏（不是完整的压缩包），无法按 Excel 读取") from None
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise NotAWorkbook("文件已损坏（不是完整的压缩包），无法按 Excel 读取") from None
        names = set(archive.namelist())
        if "xl/workbook.xml" in names:
            try:
                return XlsxWorkbook(archive)
            except (ElementTree.ParseError, KeyError, ValueError, zipfile.BadZipFile):
                archive.close()
                _rewind(source)
                return CalamineWorkbook(source)
        archive.close()
        if "mimetype" in names or "content.xml" in names:
            _rewind(source)
            return CalamineWorkbook(source)
        raise NotAWorkbook("文件是压缩包，但不是 Excel 工作簿")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return CalamineWorkbook(source)  # .xls (or an encrypted .xlsx, which calamine rejects)
    raise NotAWorkbook("文件不是 Excel 工作簿（请上传 .xlsx 或 .xls 文件；CSV 请先另存为 .xlsx）")


def _peek(source, n: int) -> bytes:
    if isinstance(source, str | bytes) or hasattr(source, "__fspath__"):
        try:
            with open(source, "rb") as fh:
                return fh.read(n)
        except OSError as exc:
            raise NotAWorkbook(f"无法打开文件：{exc.strerror or exc}") from None
    _rewind(source)
    data = source.read(n)
    _rewind(source)
    return data or b""


def _rewind(source) -> None:
    if hasattr(source, "seek"):
        source.seek(0)


class Workbook:
    sheet_names: list[str]

    def rows(self, name: str) -> Iterator[Row]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class CalamineWorkbook(Workbook):
    """``.xls`` / ``.ods`` (and any ``.xlsx`` the streaming reader cannot parse)."""

    def __init__(self, source):
        try:
            if hasattr(source, "read"):
                self._book = python_calamine.CalamineWorkbook.from_filelike(source)
            else:
                self._book = python_calamine.CalamineWorkbook.from_path(str(source))
        except python_calamine.PasswordError:
            raise NotAWorkbook("文件设有密码，请取消密码后再导入") from None
        except Exception as exc:  # calamine raises several types for damaged files
            raise NotAWorkbook(f"文件已损坏或不是 Excel 工作簿（{type(exc).__name__}）") from None
        self.sheet_names = list(self._book.sheet_names)

    def rows(self, name: str) -> Iterator[Row]:
        try:
            sheet = self._book.get_sheet_by_name(name)
        except Exception as exc:
            raise NotAWorkbook(f"工作表“{name}”无法读取（{type(exc).__name__}）") from None
        start = sheet.start
        if start is None:  # an empty sheet (calamine's iterator would fail on it)
            return
        pad = [None] * start[1]
        # iter_rows pads the rows above the data, so row i is Excel row i + 1; the columns
        # start at the first used one.
        for index, values in enumerate(sheet.iter_rows()):
            for i, value in enumerate(values):
                if value.__class__ is str and value[:1] == QUOTE:
                    values[i] = unneutralise(value)
            yield index + 1, (pad + values) if pad else values

    def close(self) -> None:
        self._book.close()


_CHUNK = 1 << 22  # 4 MiB of XML at a time
# A row (or shared string) is a few hundred characters; Excel caps a cell at 32,767. Text this
# long without a closing tag is not a sheet anyone typed.
MAX_PENDING = 8 * _CHUNK
_COLUMN_CACHE: dict[str, int] = {}


def column_index(letters: str) -> int:
    """``A`` → 0, ``AB`` → 27."""
    index = _COLUMN_CACHE.get(letters)
    if index is None:
        index = 0
        for ch in letters:
            index = index * 26 + ord(ch) - 64
        index -= 1
        _COLUMN_CACHE[letters] = index
    return index


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_BUILTIN_DATE_FORMATS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57}
_DATE_CODE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|[^"\[\\]')


def _unescape(text: str) -> str:
    if "&" in text:
        text = html.unescape(text)
    if "_x" in text:
        text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _is_date_format(code: str) -> bool:
    plain = "".join(
        part for part in _DATE_CODE.findall(code) if not part.startswith(('"', "[", "\\"))
    ).lower()
    return any(ch in plain for ch in "ymdhs") and "general" not in plain


class XlsxWorkbook(Workbook):
    """A streaming ``.xlsx`` reader: the sheet XML is decompressed and cut in 4 MiB chunks."""

    def __init__(self, archive: zipfile.ZipFile):
        self._zip = archive
        self._sst: list[str] | None = None
        self._date_styles: set[int] | None = None
        self._parse_workbook()

    # -- workbook structure -------------------------------------------------------------
    def _parse_workbook(self) -> None:
        root = ElementTree.fromstring(self._zip.read("xl/workbook.xml"))
        ns_main = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
        main = f"{{{ns_main}}}" if ns_main else ""
        self._date1904 = False
        pr = root.find(f"{main}workbookPr")
        if pr is not None and pr.get("date1904") in ("1", "true"):
            self._date1904 = True
        targets = self._relationships("xl/_rels/workbook.xml.rels", base="xl")
        self._sheets: dict[str, str] = {}
        self.sheet_names = []
        for sheet in root.iter(f"{main}sheet"):
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid or "")
            if not target or target not in self._zip.NameToInfo:
                continue
            name = sheet.get("name", "")
            self._sheets[name] = target
            self.sheet_names.append(name)
        self._shared_strings_path = next(
            (t for t in targets.values() if t.lower().endswith("sharedstrings.xml")), None
        )
        self._styles_path = next(
            (t for t in targets.values() if t.lower().endswith("styles.xml")), None
        )

    def _relationships(self, path: str, *, base: str) -> dict[str, str]:
        try:
            root = ElementTree.fromstring(self._zip.read(path))
        except KeyError:
            return {}
        out = {}
        for rel in root:
            target = rel.get("Target", "")
            if target.startswith("/"):
                target = target[1:]
            else:
                target = posixpath.normpath(posixpath.join(base, target))
            out[rel.get("Id", "")] = target
        return out

    def _shared_strings(self) -> list[str]:
        if self._sst is None:
            self._sst = []
            if self._shared_strings_path and self._shared_strings_path in self._zip.NameToInfo:
                self._sst = list(self._read_shared_strings(self._shared_strings_path))
        return self._sst

    def _read_shared_strings(self, path: str) -> Iterator[str]:
        si = re.compile(r"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", re.S)
        text = re.compile(r"<(?:\w+:)?t\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?t>)")
        phonetic = re.compile(r"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
        for block in self._blocks(path, "si>"):
            for body in si.findall(block):
                if "<" not in body:
                    yield ""
                    continue
                if "rPh" in body:
                    body = phonetic.sub("", body)
                value = _unescape("".join(text.findall(body)))
                yield unneutralise(value) if value[:1] == QUOTE else value

    def _dates(self) -> set[int]:
        if self._date_styles is None:
            self._date_styles = set()
            if self._styles_path and self._styles_path in self._zip.NameToInfo:
                root = ElementTree.fromstring(self._zip.read(self._styles_path))
                main = root.tag.split("}")[0] + "}" if root.tag.startswith("{") else ""
                custom = {
                    int(fmt.get("numFmtId", "0")): fmt.get("formatCode", "")
                    for fmt in root.iter(f"{main}numFmt")
                }
                xfs = root.find(f"{main}cellXfs")
                for index, xf in enumerate(xfs if xfs is not None else []):
                    fmt = int(xf.get("numFmtId", "0"))
                    if fmt in _BUILTIN_DATE_FORMATS or (
                        fmt in custom and _is_date_format(custom[fmt])
                    ):
                        self._date_styles.add(index)
        return self._date_styles

    def _blocks(self, path: str, closing: str) -> Iterator[str]:
        """The member's text in chunks that end just after a ``closing`` tag."""
        decoder = codecs.getincrementaldecoder("utf-8")()
        with self._zip.open(path) as fh:
            buffer = ""
            while True:
                data = fh.read(_CHUNK)
                buffer += decoder.decode(data, final=not data)
                if not data:
                    if buffer:
                        yield buffer
                    return
                end = _after_last_closing(buffer, closing)
                if end < 0:
                    if len(buffer) > MAX_PENDING:
                        raise NotAWorkbook(
                            f"“{path}”中有超过 {MAX_PENDING >> 20} MB 的内容没有结束标记"
                            f"（</{closing}），不是正常的工作表，未读取"
                        )
                    continue
                yield buffer[:end]
                buffer = buffer[end:]

    # -- rows ---------------------------------------------------------------------------
    def rows(self, name: str) -> Iterator[Row]:
        path = self._sheets[name]
        # Excel's serial dates count days from an epoch; they carry no time zone.
        epoch = dt.datetime(1904, 1, 1) if self._date1904 else dt.datetime(1899, 12, 30)  # noqa: DTZ001
        cells = _CellDecoder(name, self._shared_strings(), self._dates(), epoch)
        markup = None
        current = 0
        for block in self._blocks(path, "row>"):
            if markup is None:
                markup = _SheetMarkup.find(block)
                if markup is None:
                    continue
            for piece in block.split(markup.row_close):
                start = _row_start(markup.row_open, piece, current)
                current = start.number
                if start.tag is not None:
                    yield current, cells.row(markup.cell_re, piece[start.tag.end() :], current)

    def close(self) -> None:
        self._zip.close()


class _SheetMarkup(NamedTuple):
    """The patterns of one sheet's XML, whose tags may carry a namespace prefix (``x:row``)."""

    row_open: re.Pattern
    cell_re: re.Pattern
    row_close: str

    @classmethod
    def find(cls, block: str) -> _SheetMarkup | None:
        """The markup, once ``block`` reaches ``<sheetData``; None before that."""
        found = re.search(r"<(\w+:)?sheetData\b", block)
        if not found and "sheetData" not in block:
            return None
        prefix = found.group(1) or "" if found else ""
        row_open, cell_re = _row_and_cell_patterns(re.escape(prefix))
        return cls(row_open, cell_re, f"</{prefix}row>")


class _RowStart(NamedTuple):
    tag: re.Match | None  # the ``<row …>`` tag of a row with cells, or None
    number: int  # its Excel row number (or the last empty row's, when ``tag`` is None)


def _row_start(row_open: re.Pattern, piece: str, current: int) -> _RowStart:
    """The row that opens in ``piece`` (the text up to one ``</row>``), skipping the empty
    ``<row r="4"/>`` before it; ``current`` is the number of the row before."""
    found = row_open.search(piece)
    while found and found.group(1).endswith("/"):  # <row r="4"/>: an empty row
        number = _attr(found.group(1), "r")
        current = int(number) if number else current + 1
        found = row_open.search(piece, found.end())
    if found is None:
        return _RowStart(None, current)
    number = _attr(found.group(1), "r")
    return _RowStart(found, int(number) if number else current + 1)


class _CellDecoder:
    """Turns one sheet's cells into values: shared strings, serial dates, numbers, text."""

    __slots__ = ("dates", "epoch", "shared_strings", "sheet")

    def __init__(self, sheet: str, shared_strings: list[str], dates: set[int], epoch):
        self.sheet = sheet
        self.shared_strings = shared_strings
        self.dates = dates  # the style indexes that format a number as a date
        self.epoch = epoch

    def row(self, cell_re: re.Pattern, inner: str, current: int) -> list:
        """The values of row ``current`` from the XML after its ``<row>`` tag (index 0 =
        column A; columns left out in between are None)."""
        sst, number, columns = self.shared_strings, self.number, _COLUMN_CACHE
        values: list = []
        append = values.append
        for letters, style1, typ, style2, value, inline, g_attrs, g_body in cell_re.findall(inner):
            if letters:
                col = columns.get(letters)
                if col is None:
                    col = column_index(letters)
            else:  # the general form: any attribute order, formulas …
                col, typ, style1, value, inline = _general_cell(g_attrs, g_body, len(values))
            if typ == "inlineStr":
                cell = _unescape(inline) if "&" in inline or "_x" in inline else inline
                if cell[:1] == QUOTE:
                    cell = unneutralise(cell)
            elif typ == "s":
                try:
                    cell = sst[int(value)] if value else ""
                except (IndexError, ValueError):
                    raise NotAWorkbook(
                        f"工作表“{self.sheet}”的{letters}{current}单元格引用了不存在的共享字符串"
                    ) from None
            elif typ == "" or typ == "n":
                if not value:
                    continue
                cell = number(value, style1 or style2)
            elif typ == "e":  # #N/A, #VALUE! …: empty, as calamine reads them
                continue
            else:  # "b", "str" (a formula's text), "d" (an ISO date)
                cell = _text_cell(typ, value)
            if col == len(values):
                append(cell)
            else:
                _place(values, col, cell)
        return values

    def number(self, value: str, style: str):
        """A number cell: a date or datetime when its style formats it as one."""
        if style and int(style) in self.dates:
            cell = self.epoch + dt.timedelta(days=float(value))
            return cell.date() if cell.time() == _MIDNIGHT else cell
        if "." in value or "E" in value or "e" in value:
            return float(value)
        return int(value)


_MIDNIGHT = dt.time(0)


class _GeneralCell(NamedTuple):
    col: int
    typ: str
    style: str
    value: str
    inline: str


def _general_cell(attrs: str, body: str, next_col: int) -> _GeneralCell:
    """A cell not in the usual shape (any attribute order, a formula …); without an ``r``
    attribute it is the column after the last one read (``next_col``)."""
    ref = _attr(attrs, "r")
    typ = _attr(attrs, "t") or ""
    value, inline = _cell_body(body, typ)
    return _GeneralCell(
        col=column_index(ref.rstrip("0123456789")) if ref else next_col,
        typ=typ,
        style=_attr(attrs, "s") or "",
        value=value,
        inline=inline,
    )


def _text_cell(typ: str, value: str):
    """A boolean (``b``), a formula's text (``str``) or an ISO date (``d``), as text."""
    if typ == "b":
        return value == "1"
    cell = _unescape(value)
    return unneutralise(cell) if cell[:1] == QUOTE else cell


def _place(values: list, col: int, cell) -> None:
    """Put ``cell`` at ``col`` when it is not the next column: past the end (None between)
    or over an earlier one."""
    if col > len(values):
        values.extend([None] * (col - len(values)))
        values.append(cell)
    else:
        values[col] = cell


def _after_last_closing(buffer: str, local: str) -> int:
    """The index just after the last ``</local>`` or ``</prefix:local>`` tag, or -1."""
    end = len(buffer)
    while True:
        found = buffer.rfind(local, 0, end)
        if found < 0:
            return -1
        opening = buffer.rfind("<", 0, found)
        if opening >= 0 and buffer[opening + 1 : opening + 2] == "/":
            between = buffer[opening + 2 : found]
            if not between or (between.endswith(":") and between[:-1].isidentifier()):
                return found + len(local)
        end = found


def _row_and_cell_patterns(p: str):
    row = re.compile(rf"<{p}row\b([^>]*)>")
    cell = re.compile(
        # the usual shape, as Excel, WPS, LibreOffice and openpyxl write it …
        rf'<{p}c r="([A-Z]{{1,3}})\d+"(?: s="(\d+)")?(?: t="(\w+)")?(?: s="(\d+)")?\s*'
        rf"(?:/>|>(?:<{p}v>([^<]*)</{p}v>|<{p}is><{p}t>([^<]*)</{p}t></{p}is>)?</{p}c>)"
        # … and anything else
        rf"|<{p}c\b([^>]*?)(?:/>|>(.*?)</{p}c>)",
        re.S,
    )
    return row, cell


_ATTR_CACHE: dict[str, re.Pattern] = {}


def _attr(attrs: str, name: str) -> str | None:
    pattern = _ATTR_CACHE.get(name)
    if pattern is None:
        pattern = _ATTR_CACHE[name] = re.compile(rf'(?:^|\s){name}="([^"]*)"')
    found = pattern.search(attrs)
    return found.group(1) if found else None


_V = re.compile(r"<(?:\w+:)?v\b[^>]*>([^<]*)</(?:\w+:)?v>")
_T = re.compile(r"<(?:\w+:)?t\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?t>)")
_PHONETIC = re.compile(r"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)


def _cell_body(body: str, typ: str) -> tuple[str, str]:
    """(the ``<v>`` text, the inline string) of a cell's inner XML."""
    if not body:
        return "", ""
    if typ == "inlineStr":
        if "rPh" in body:
            body = _PHONETIC.sub("", body)
        return "", "".join(_T.findall(body))
    found = _V.search(body)
    return (found.group(1) if found else ""), ""
