"""Zip bombs for the tests: valid workbooks that inflate far beyond their size.

Generation streams one 1 MiB chunk of repeated rows into a deflate stream (compresslevel 9), so
a 400 MiB sheet costs ~2.5 s of CPU and ~1 MiB of memory to build; the file is ~1.2 MB.
"""

import zipfile
from pathlib import Path

MIB = 1024 * 1024
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
HEADER = ["小区", "楼栋", "单元", "房号", "姓名"]
ROW = b'<row><c t="inlineStr"><is><t>xxxxxxxxxxxxxxxx</t></is></c></row>'  # 64 bytes


def _parts() -> dict[str, str]:
    return {
        "[Content_Types].xml": f'<?xml version="1.0"?><Types xmlns="{_TYPES}">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
        '.relationships+xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_SHEET}.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{_SHEET}.worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        '<sheet name="居民台账" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
        f'Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }


def xlsx_bomb(path: Path, *, mib: int = 400) -> Path:
    """A valid ``.xlsx`` with a 居民台账 header row and then ``mib`` MiB of repeated rows."""
    header = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(HEADER)
    )
    chunk = ROW * (MIB // len(ROW))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in _parts().items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1">{header}</row>'.encode())
            for _ in range(mib):
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")
    return path


def many_entries(path: Path, count: int) -> Path:
    """A small valid workbook plus ``count`` tiny extra entries."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _parts().items():
            archive.writestr(name, text)
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{_MAIN}"><sheetData/></worksheet>',
        )
        for i in range(count):
            archive.writestr(f"customXml/item{i}.xml", "<x/>")
    return path
