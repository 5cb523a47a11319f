"""The printable A4 notice (公示) as PDF, drawn from the notice's frozen snapshot.

reportlab with the built-in CID font ``STSong-Light`` (no font files needed). The same
snapshot gives the same PDF; persons' names were masked when the snapshot was taken.

Text that came from people (the compound's and community's names, counterparties,
descriptions, who published) is printed through :func:`_text`: neutralised against formula
injection line by line (:mod:`linli.core.exports`: a leading ``'`` before ``= + - @``, tab or
CR, so a line copied into a spreadsheet is never a formula) and, inside a ``Paragraph``,
escaped, so ``<`` or ``&`` in a description is text and never reportlab markup. The snapshot
itself (hashed at publication) is not changed.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from linli.core.exports import neutralise_lines, xml_text
from linli.core.pdf import cjk_font

from .models import Notice

_font = cjk_font


def yuan(value: str) -> str:
    """``"12345.60"`` → ``"12,345.60"``."""
    from decimal import Decimal

    return f"{Decimal(value):,.2f}"


def _text(value) -> str:
    """People's text as printed: XML-safe, each line neutralised."""
    return neutralise_lines(xml_text(str(value or "")))


def _para(value, style) -> Paragraph:
    """People's text as a ``Paragraph``: neutralised and escaped (never markup)."""
    return Paragraph(escape(_text(value)).replace("\n", "<br/>"), style)


def notice_title(snapshot: dict, year: int, quarter: int) -> str:
    return f"{snapshot['compound']}{year}年第{quarter}季度公共收益收支情况公示"


def notice_pdf(notice: Notice) -> bytes:
    font = _font()
    s = notice.snapshot
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=12)
    title = ParagraphStyle("title", parent=base, fontSize=16, leading=22, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
    grid = [
        ("FONT", (0, 0), (-1, -1), font, 10),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
    ]

    story = [
        _para(notice_title(s, notice.year, notice.quarter), title),
        Spacer(1, 3 * mm),
        Paragraph(
            f"根据《中华人民共和国民法典》第二百八十二条、第二百八十三条和《物业管理条例》，"
            f"现将本小区 {s['period_start']} 至 {s['period_end']} 利用共有部分产生的收入"
            f"及相关支出公示如下。公示期自 {s['published_on']} 至 {s['display_until']}，"
            "业主如有疑问，请向业主委员会或社区反映。",
            base,
        ),
        Spacer(1, 4 * mm),
    ]

    summary = [
        ["项目", "金额（元）"],
        ["期初结余", yuan(s["opening"])],
        ["本期收入合计", yuan(s["income_total"])],
        ["本期支出合计", yuan(s["spending_total"])],
        ["本期净收益", yuan(s["net"])],
        ["期末结余", yuan(s["closing"])],
    ]
    t = Table(summary, colWidths=[95 * mm, 75 * mm])
    t.setStyle(TableStyle([*grid, ("ALIGN", (1, 1), (1, -1), "RIGHT")]))
    story += [Paragraph("一、收支汇总", base), Spacer(1, 2 * mm), t, Spacer(1, 4 * mm)]

    rows = [["收入类别", "金额（元）", "支出类别", "金额（元）"]]
    income, spending = s["income"], s["spending"]
    for i in range(max(len(income), len(spending))):
        a = income[i] if i < len(income) else None
        b = spending[i] if i < len(spending) else None
        rows.append(
            [
                _text(a["label"]) if a else "",
                yuan(a["amount"]) if a else "",
                _text(b["label"]) if b else "",
                yuan(b["amount"]) if b else "",
            ]
        )
    rows.append(["收入合计", yuan(s["income_total"]), "支出合计", yuan(s["spending_total"])])
    t = Table(rows, colWidths=[45 * mm, 40 * mm, 45 * mm, 40 * mm])
    t.setStyle(
        TableStyle(
            [*grid, ("ALIGN", (1, 1), (1, -1), "RIGHT"), ("ALIGN", (3, 1), (3, -1), "RIGHT")]
        )
    )
    story += [Paragraph("二、分类明细", base), Spacer(1, 2 * mm), t, Spacer(1, 4 * mm)]

    rows = [["编号", "日期", "类别", "对方", "摘要", "金额（元）"]]
    for e in s["entries"]:
        rows.append(
            [
                _text(e["number"]),
                _text(e["date"]),
                _text(e["kind"]),
                _para(e["counterparty"], small),
                _para(e["description"], small),
                yuan(e["amount"]),
            ]
        )
    if len(rows) == 1:
        rows.append(["", "", "", "", "本期无收支", ""])
    t = Table(
        rows,
        colWidths=[24 * mm, 20 * mm, 22 * mm, 30 * mm, 54 * mm, 20 * mm],
        repeatRows=1,
    )
    t.setStyle(
        TableStyle(
            [*grid, ("FONT", (0, 0), (-1, -1), font, 8.5), ("ALIGN", (5, 1), (5, -1), "RIGHT")]
        )
    )
    story += [
        Paragraph("三、收支记录（支出及冲正以负数表示）", base),
        Spacer(1, 2 * mm),
        t,
        Spacer(1, 4 * mm),
    ]
    if s.get("total_area") and s["total_area"] not in ("0", "0.00"):
        story.append(
            Paragraph(
                f"四、按专有部分面积分摊（民法典第二百八十三条）：本小区登记面积合计 "
                f"{s['total_area']} 平方米（{s['households_with_area']} 户）。"
                "每户份额 = 本期净收益 × 本户面积 ÷ 面积合计，四舍五入到分；"
                "业主可在“邻里”平台“公共收益”页面查看本户份额。",
                base,
            )
        )
        story.append(Spacer(1, 3 * mm))
    story.append(
        KeepTogether(
            [
                Paragraph(
                    f"防篡改校验：截至公示时共入账 {notice.head_sequence} 笔，链头哈希（SHA-256）",
                    small,
                ),
                Paragraph(notice.head_hash, small),
                Paragraph(f"本公示内容哈希：{notice.snapshot_hash}", small),
                Spacer(1, 6 * mm),
                _para(f"{s['community']}　{s['compound']}业主委员会（盖章）", right),
                _para(f"经办：{s['published_by']}　　{s['published_on']}", right),
            ]
        )
    )

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_text(notice_title(s, notice.year, notice.quarter)),
        author=_text(f"{s['compound']}业主委员会"),
        invariant=1,
    )

    def footer(canvas, doc_):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"第 {doc_.page} 页")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
