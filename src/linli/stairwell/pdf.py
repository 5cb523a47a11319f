"""The A4 sheet of each stairwell: a QR code to its public page, the address in large type and
what to do, in plain words, for a resident at the foot of the stairs.

One page per unit. The code is drawn as vector squares (segno's module matrix), so it stays
sharp at any printer's resolution; error correction level M survives a smudge or a staple.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from linli.core.pdf import cjk_font

INSTRUCTIONS = (
    "用手机扫一扫上面的二维码（微信、相机都可以），就能：",
    "● 看到本楼道的邻长、组长、片长和他们的电话",
    "● 找到离这里最近的便民服务点",
    "● 直接反映楼道里的问题，不用登录、不用留名",
    "邻长核实后就会办理。急事请直接打电话。",
)


@dataclass(frozen=True)
class Sheet:
    community: str  # 兴东社区
    compound: str  # 粮站宿舍
    building_unit: str  # 3栋 2单元
    url: str


def _qr(c: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    """The code as dark squares in a ``size`` square with its lower left corner at (x, y)."""
    qr = segno.make(url, error="m")
    rows = list(qr.matrix_iter(scale=1, border=4))
    module = size / len(rows)
    c.setFillGray(0)
    for r, row in enumerate(rows):
        top = y + size - (r + 1) * module
        run = None
        for col, dark in enumerate([*row, 0]):  # runs of dark modules: one rect each
            if dark and run is None:
                run = col
            elif not dark and run is not None:
                c.rect(x + run * module, top, (col - run) * module, module, stroke=0, fill=1)
                run = None


def _fit(c: canvas.Canvas, text: str, font: str, size: float, width: float) -> float:
    """The largest size not above ``size`` at which ``text`` fits in ``width``."""
    while size > 10 and c.stringWidth(text, font, size) > width:
        size -= 2
    return size


def sheets_pdf(sheets: Iterable[Sheet]) -> bytes:
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle("楼道码")
    font = cjk_font()
    width, height = A4
    left, right = 18 * mm, width - 18 * mm
    usable = right - left
    pages = 0
    for s in sheets:
        pages += 1
        y = height - 24 * mm
        c.setFont(font, 30)
        c.drawCentredString(width / 2, y, "有事找邻长，扫码反映问题")
        y -= 17 * mm
        size = _fit(c, s.compound, font, 44, usable)
        c.setFont(font, size)
        c.drawCentredString(width / 2, y, s.compound)
        y -= 24 * mm
        size = _fit(c, s.building_unit, font, 64, usable)
        c.setFont(font, size)
        c.drawCentredString(width / 2, y, s.building_unit)
        qr_size = 108 * mm
        y -= 8 * mm + qr_size
        _qr(c, s.url, (width - qr_size) / 2, y, qr_size)
        y -= 13 * mm
        for line in INSTRUCTIONS:
            c.setFont(font, _fit(c, line, font, 19, usable - 2 * mm))
            c.drawString(left + 2 * mm, y, line)
            y -= 10.5 * mm
        c.setFont(font, 11)
        c.drawCentredString(width / 2, 14 * mm, f"{s.community}　片组邻三长制　{s.url}")
        c.showPage()
    if not pages:
        raise ValueError("no sheets")
    c.save()
    return buf.getvalue()
