"""志愿服务记录证明 as an A4 PDF (民发〔2015〕149号 style, as the 办法 asks).

What it carries: the volunteer's name, ID type and number, volunteer number; the total hours and
the activities of the period; the issuer (community, 负责人, 经办人, contact), the certificate
number and date, a place for the seal, and a QR code to the public page ``/v/<token>/`` that
confirms the certificate (name masked, number, hours, issuer, date — never the ID number).

The ID number is masked (``1101**********002X``) unless the certificate was issued with the
full number at the person's own request (PIPL: a certificate goes to the person themself, but
it is often handed on, so masked is the default); the view that serves a full number logs it.
"""

from __future__ import annotations

from io import BytesIO

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from linli.core.pdf import cjk_font
from linli.core.privacy import mask_id_number

from .models import Certificate, minutes_to_hours


def _wrap(text: str, width: float, font: str, size: float, c: canvas.Canvas) -> list[str]:
    """Chinese text wraps at any character."""
    lines, line = [], ""
    for ch in text:
        if c.stringWidth(line + ch, font, size) > width:
            lines.append(line)
            line = ch
        else:
            line += ch
    if line:
        lines.append(line)
    return lines


def id_number_shown(certificate: Certificate) -> str:
    number = certificate.volunteer.identity_number
    return number if certificate.full_id_number else mask_id_number(number)


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    font = cjk_font()
    volunteer = certificate.volunteer
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(f"志愿服务记录证明 {certificate.number}")
    width, height = A4
    left, right = 25 * mm, width - 25 * mm
    y = height - 30 * mm

    c.setFont(font, 22)
    c.drawCentredString(width / 2, y, "志愿服务记录证明")
    y -= 10 * mm
    c.setFont(font, 11)
    c.drawRightString(right, y, f"证明编号：{certificate.number}")
    y -= 12 * mm

    body = (
        f"兹证明 {volunteer.name}（证件类型：{volunteer.get_id_type_display()}，证件号码："
        f"{id_number_shown(certificate) or '—'}，志愿者编号：{volunteer.number}）于"
        f"{certificate.period_start:%Y年%m月%d日}至{certificate.period_end:%Y年%m月%d日}在"
        f"{certificate.community.name}参加志愿服务，经组织方记录并确认，累计志愿服务时长"
        f"{certificate.hours}小时。服务情况如下："
    )
    c.setFont(font, 13)
    for line in _wrap(body, right - left, font, 13, c):
        c.drawString(left, y, line)
        y -= 8 * mm
    y -= 2 * mm

    # the activities of the period
    cols = [left, left + 70 * mm, left + 95 * mm, left + 135 * mm]
    c.setFont(font, 11)
    for x, head in zip(cols, ("服务项目", "服务类型", "服务日期", "次数/小时"), strict=True):
        c.drawString(x, y, head)
    y -= 2 * mm
    c.line(left, y, right, y)
    y -= 6 * mm
    rows = certificate.activities
    shown = rows[:18]
    for row in shown:
        dates = row["first"] if row["first"] == row["last"] else f"{row['first']}至{row['last']}"
        c.drawString(cols[0], y, _wrap(row["title"], 68 * mm, font, 11, c)[0])
        c.drawString(cols[1], y, row["kind"])
        c.setFont(font, 9)
        c.drawString(cols[2], y, dates)
        c.setFont(font, 11)
        c.drawString(cols[3], y, f"{row['times']}次 / {minutes_to_hours(row['minutes'])}小时")
        y -= 6.5 * mm
    if len(rows) > len(shown):
        rest = rows[len(shown) :]
        minutes = sum(r["minutes"] for r in rest)
        c.drawString(
            cols[0],
            y,
            f"另有{len(rest)}个项目，共{sum(r['times'] for r in rest)}次、"
            f"{minutes_to_hours(minutes)}小时",
        )
        y -= 6.5 * mm
    c.line(left, y + 3 * mm, right, y + 3 * mm)
    c.drawString(cols[0], y - 2 * mm, "合计")
    c.drawString(
        cols[3],
        y - 2 * mm,
        f"{sum(r['times'] for r in rows)}次 / {certificate.hours}小时",
    )
    y -= 14 * mm

    c.setFont(font, 11)
    c.drawString(left, y, "特此证明。本证明所记时长为实际服务时间，不含往返交通时间。")
    y -= 14 * mm

    # the issuer, the seal and the QR code
    c.setFont(font, 12)
    issuer_lines = [
        f"出具单位：{certificate.community.name}居民委员会",
        f"负责人：{certificate.person_in_charge}",
        f"经办人：{certificate.handler}",
        f"联系电话：{certificate.contact}",
        f"出具日期：{certificate.issued_on:%Y年%m月%d日}",
    ]
    top = y
    for line in issuer_lines:
        c.drawString(left, y, line)
        y -= 8 * mm
    seal_x, seal_y = left + 95 * mm, top - 38 * mm
    c.setDash(3, 3)
    c.circle(seal_x, seal_y + 20 * mm, 20 * mm)
    c.setDash()
    c.setFont(font, 10)
    c.drawCentredString(seal_x, seal_y + 19 * mm, "（盖章处）")

    qr = segno.make(verify_url, error="m")
    png = BytesIO()
    qr.save(png, kind="png", scale=6, border=2)
    png.seek(0)
    size = 34 * mm
    c.drawImage(ImageReader(png), right - size, 22 * mm, size, size)
    c.setFont(font, 9)
    c.drawRightString(right, 18 * mm, "扫码核验本证明真伪")
    c.drawString(left, 18 * mm, verify_url)
    c.showPage()
    c.save()
    return buf.getvalue()
