"""The printable 办事指南 of one item: A4, in the order officials post it on the wall —
事项名称 and 编码, 实施机构, 受理范围, 受理条件, 所需材料 (原件/复印件, 份数), 办理程序,
办理时限, 收费依据和标准, 到现场次数, 办理地点和时间 (the staffed offices that handle it with
their address, phone and hours; the self-service terminals and 代办点 by name), 咨询电话
and 监督电话. reportlab's platypus flows it onto further pages when long;
the Chinese font comes from ``linli.core.pdf``.
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from linli.core.pdf import cjk_font

from . import hours
from .models import Item, PointKind

# the offices listed with address, phone and hours; the other kinds by name only
STAFFED = (PointKind.HALL, PointKind.TOWN_CENTRE, PointKind.STATION)


def _styles():
    font = cjk_font()
    base = ParagraphStyle("body", fontName=font, fontSize=11.5, leading=17, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=1),
        "sub": ParagraphStyle("sub", parent=base, fontSize=11, alignment=1, textColor=colors.grey),
        "head": ParagraphStyle("head", parent=base, fontSize=13, leading=20, spaceBefore=6),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=10.5, leading=15),
    }


def item_guide_pdf(item: Item) -> bytes:
    s = _styles()

    def p(text: str, style: str = "body") -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), s[style])

    buf = BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"办事指南 {item.name}",
        author=item.organization.name,
    )
    story: list = [
        p(f"{item.name}办事指南", "title"),
        p(f"事项编码：{item.code}　实施机构：{item.organization.name}", "sub"),
        Spacer(1, 6 * mm),
    ]
    facts = [
        ("受理范围", item.get_applicant_scope_display()),
        ("受理条件", item.eligibility or "—"),
        ("办理时限", item.time_limit_label),
        ("收费标准", item.fee_label + (f"（依据：{item.fee_basis}）" if item.fee_basis else "")),
        ("到现场次数", "无需到现场" if item.visits_needed == 0 else f"{item.visits_needed} 次"),
        ("设定依据", item.legal_basis or "—"),
        ("咨询电话", item.consult_phone or item.organization.phone or "—"),
        ("监督电话", item.complaint_phone or "—"),
    ]
    table = Table([[p(k, "cell"), p(v, "cell")] for k, v in facts], colWidths=[28 * mm, 142 * mm])
    table.setStyle(_grid())
    story += [table, Spacer(1, 4 * mm), p("一、所需材料", "head")]
    docs = list(item.documents.all())
    if docs:
        rows = [[p("序号", "cell"), p("材料名称", "cell"), p("形式", "cell"), p("份数", "cell")]]
        rows += [
            [
                p(str(i), "cell"),
                p(d.name + (f"（{d.note}）" if d.note else ""), "cell"),
                p(d.get_form_display(), "cell"),
                p(str(d.copies), "cell"),
            ]
            for i, d in enumerate(docs, 1)
        ]
        t = Table(rows, colWidths=[14 * mm, 106 * mm, 32 * mm, 18 * mm], repeatRows=1)
        t.setStyle(_grid(header=True))
        story.append(t)
    else:
        story.append(p("无需提交材料。"))
    story.append(p("二、办理程序", "head"))
    story += [p(f"{i}. {step}") for i, step in enumerate(item.steps, 1)] or [p("当场受理。")]
    story.append(p("三、办理地点和时间", "head"))
    points = list(
        item.points.filter(active=True).prefetch_related("schedules").order_by("kind", "name")
    )
    staffed = sorted((x for x in points if x.kind in STAFFED), key=lambda x: STAFFED.index(x.kind))
    for point in staffed:
        lines = "；".join(hours.summary(point.schedules.all())) or "见网点公告"
        phone = f"　电话：{point.phone}" if point.phone else ""
        story.append(p(f"{point.name}：{point.address}{phone}\n{lines}"))
    for kind, label in PointKind.choices:  # the many small points: their names, in one line each
        if kind in STAFFED:
            continue
        names = [x.name for x in points if x.kind == kind]
        if names:
            story.append(p(f"{label}（{len(names)} 个）：{'、'.join(names)}。开放时间见“就近办”。"))
    if not points:
        story.append(p(f"{item.organization.name}：{item.organization.address or '—'}"))
    story += [Spacer(1, 6 * mm), p("本指南由邻里 Linli 生成，以实施机构公布的为准。", "sub")]
    doc.build(story)
    return buf.getvalue()


def _grid(header: bool = False) -> TableStyle:
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef1f4")),
    ]
    if header:
        style[-1] = ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f4"))
    return TableStyle(style)
