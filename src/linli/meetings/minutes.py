"""Minutes (会议纪要) of a joint meeting as .docx (python-docx) and as a printable A4 PDF
(reportlab, the built-in ``STSong-Light`` CID font, so no font file is needed).

Both are made from one :class:`Minutes` record, so they say the same thing: title, number, date,
place, convener, the five parties and who came for each, the agenda, the decisions with their
responsible party, person, deadline and role in the mode, and the actions carried over as
overdue from earlier meetings. The public version (``public=True``, for the notice board)
masks the names of residents (业委会 members, residents' representatives, a resident
responsible for an action) with :func:`linli.core.privacy.mask_name`.

Both writers take the record through :func:`safe` first: every line of every text that starts
with ``= + - @``, tab or CR gets a leading ``'`` (:mod:`linli.core.exports`), so a decision or
a name copied from the .docx or the PDF into a spreadsheet is never a formula.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass, field

from django.utils import timezone

from linli.core.exports import neutralise_lines, xml_text
from linli.core.pdf import cjk_font
from linli.core.privacy import mask_name

from . import selectors
from .models import Meeting

MODE_LINE = "县直部门指导、镇组织、社区落实、小区自治"


@dataclass
class Minutes:
    title: str
    number: str
    facts: list[tuple[str, str]]
    parties: list[tuple[str, str]]  # (party label, "name（unit）、…" or "未到会")
    agenda: list[tuple[str, str]]  # (heading, body)
    decisions: list[list[str]]  # rows
    carried: list[list[str]]  # rows
    public: bool
    generated: str
    notes: list[str] = field(default_factory=list)


DECISION_HEAD = ["序号", "议定事项", "责任方 / 单位", "责任人", "方式", "完成时限", "状态"]
CARRIED_HEAD = ["原会议", "事项", "责任方 / 单位", "责任人", "完成时限", "逾期", "状态"]


def _holder(action) -> str:
    """Party and unit on two lines (the PDF font has no middle dot)."""
    unit = action.responsible_unit or (action.department.name if action.department_id else "")
    party = action.get_responsible_party_display()
    return f"{party}\n{unit}" if unit else str(party)


def _person(name: str, resident: bool, public: bool) -> str:
    return mask_name(name) if public and resident else name


def build(meeting: Meeting, *, public: bool = False) -> Minutes:
    attendees = selectors.meeting_attendees(meeting=meeting)
    agenda = selectors.meeting_agenda(meeting=meeting)
    actions = selectors.meeting_actions(meeting=meeting)
    carried = selectors.carried_over(meeting=meeting)
    parties = []
    for _value, label, people in selectors.parties_present(attendees=attendees):
        names = "、".join(
            _person(a.name, a.is_resident, public) + (f"（{a.unit}）" if a.unit else "")
            for a in people
        )
        parties.append((str(label), names or "未到会"))
    items = []
    for item in agenda:
        lines = []
        if item.compound_id:
            lines.append(f"小区：{item.compound.name}")
        for case in item.cases.all():
            lines.append(f"诉求 {case.number}（{case.category.name}）：{case.description}")
        if item.problem:
            lines.append(f"问题：{item.problem}")
        items.append((f"{item.position}. {item.title}", "\n".join(lines)))
    decisions = [
        [
            str(i),
            a.decision
            + (
                f"\n（议题 {a.agenda_item.position}）"
                if a.agenda_item_id and a.agenda_item is not None
                else ""
            ),
            _holder(a),
            _person(a.responsible_person, a.responsible_is_resident, public),
            a.get_mode_role_display(),
            f"{a.deadline:%Y-%m-%d}",
            a.get_status_display(),
        ]
        for i, a in enumerate(actions, start=1)
    ]
    carried_rows = [
        [
            f"{a.meeting.held_on:%Y-%m-%d}",
            a.decision,
            _holder(a),
            _person(a.responsible_person, a.responsible_is_resident, public),
            f"{a.deadline:%Y-%m-%d}",
            f"{(meeting.held_on - a.deadline).days}天",
            a.get_status_display(),
        ]
        for a in carried
    ]
    facts = [
        ("会议时间", f"{meeting.held_on.year}年{meeting.held_on.month}月{meeting.held_on.day}日"),
        ("会议地点", meeting.place),
        ("召集单位", f"{meeting.convener}（牵头）"),
        ("召开区域", meeting.region.name),
    ]
    if meeting.chair:
        facts.append(("主持人", _person(meeting.chair, False, public)))
    compounds = "、".join(c.name for c in meeting.compounds.order_by("name"))
    if compounds:
        facts.append(("涉及小区", compounds))
    notes = [f"工作机制：{MODE_LINE}。"]
    if public:
        notes.append("本纪要为公开版，居民姓名已作隐去处理。")
    return Minutes(
        title=f"{meeting.title}会议纪要",
        number=meeting.number,
        facts=facts,
        parties=parties,
        agenda=items,
        decisions=decisions,
        carried=carried_rows,
        public=public,
        generated=f"{timezone.localtime():%Y-%m-%d %H:%M}",
        notes=notes,
    )


def _text(value: str) -> str:
    return neutralise_lines(xml_text(value))


def safe(m: Minutes) -> Minutes:
    """The record with every text neutralised line by line and stripped of characters a
    document cannot hold — what both writers print."""
    return dataclasses.replace(
        m,
        title=_text(m.title),
        number=_text(m.number),
        facts=[(label, _text(value)) for label, value in m.facts],
        parties=[(label, _text(names)) for label, names in m.parties],
        agenda=[(_text(heading), _text(body)) for heading, body in m.agenda],
        decisions=[[_text(v) for v in row] for row in m.decisions],
        carried=[[_text(v) for v in row] for row in m.carried],
        notes=[_text(note) for note in m.notes],
    )


def file_name(meeting: Meeting, ext: str, *, public: bool) -> str:
    suffix = "（公开版）" if public else ""
    return f"五方联席会纪要-{meeting.number}{suffix}.{ext}"


# ---------------------------------------------------------------- docx


def to_docx(m: Minutes) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    m = safe(m)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    normal = doc.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    for name in ("Title", "Heading 1", "Heading 2"):
        style = doc.styles[name]
        style.font.name = "SimHei"
        style.element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")

    title = doc.add_heading(m.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(f"编号：{m.number}")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for label, value in m.facts:
        p = doc.add_paragraph()
        p.add_run(f"{label}：").bold = True
        p.add_run(value)

    doc.add_heading("一、参会各方", level=1)
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "参会方", "参会人员"
    for label, names in m.parties:
        row = table.add_row().cells
        row[0].text, row[1].text = label, names

    doc.add_heading("二、会议议题", level=1)
    for heading, body in m.agenda or [("（无）", "")]:
        doc.add_paragraph().add_run(heading).bold = True
        for line in body.splitlines():
            doc.add_paragraph(line, style="List Bullet")

    doc.add_heading("三、议定事项", level=1)
    _docx_table(doc, DECISION_HEAD, m.decisions, "本次会议未形成议定事项。")

    doc.add_heading("四、上次遗留逾期事项", level=1)
    _docx_table(doc, CARRIED_HEAD, m.carried, "无逾期未办结事项。")

    for note in m.notes:
        doc.add_paragraph(note)
    doc.add_paragraph(f"纪要生成时间：{m.generated}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _docx_table(doc, head: list[str], rows: list[list[str]], empty: str) -> None:
    if not rows:
        doc.add_paragraph(empty)
        return
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text


# ---------------------------------------------------------------- PDF


def to_pdf(m: Minutes) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    m = safe(m)
    font = cjk_font()
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    cell = ParagraphStyle("cell", parent=base, fontSize=9, leading=12)
    head_cell = ParagraphStyle("head", parent=cell, textColor=colors.white)
    title = ParagraphStyle("title", parent=base, fontSize=17, leading=24, alignment=TA_CENTER)
    center = ParagraphStyle("center", parent=base, alignment=TA_CENTER, textColor=colors.grey)
    h1 = ParagraphStyle("h1", parent=base, fontSize=13, leading=20, spaceBefore=8, spaceAfter=4)
    right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT, fontSize=9)

    def p(text: str, style=base) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    width = A4[0] - 36 * mm

    def table(head: list[str], rows: list[list[str]], widths: list[float]) -> Table:
        data = [[p(h, head_cell) for h in head]] + [[p(v, cell) for v in r] for r in rows]
        t = Table(data, colWidths=[w * width for w in widths], repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#8e2a20")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return t

    story = [p(m.title, title), p(f"编号：{m.number}", center), Spacer(1, 6 * mm)]
    facts = Table(
        [[p(label + "：", base), p(value, base)] for label, value in m.facts],
        colWidths=[0.16 * width, 0.84 * width],
    )
    facts.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    story += [facts, p("一、参会各方", h1)]
    story.append(table(["参会方", "参会人员"], [list(r) for r in m.parties], [0.18, 0.82]))
    story.append(p("二、会议议题", h1))
    for heading, body in m.agenda or [("（无）", "")]:
        story.append(p(heading, ParagraphStyle("item", parent=base, spaceBefore=3)))
        if body:
            story.append(p(body, ParagraphStyle("body", parent=cell, leftIndent=12)))
    story.append(p("三、议定事项", h1))
    if m.decisions:
        story.append(table(DECISION_HEAD, m.decisions, [0.06, 0.34, 0.16, 0.1, 0.08, 0.14, 0.12]))
    else:
        story.append(p("本次会议未形成议定事项。"))
    story.append(p("四、上次遗留逾期事项", h1))
    if m.carried:
        story.append(table(CARRIED_HEAD, m.carried, [0.13, 0.3, 0.16, 0.1, 0.13, 0.08, 0.1]))
    else:
        story.append(p("无逾期未办结事项。"))
    story.append(Spacer(1, 5 * mm))
    for note in m.notes:
        story.append(p(note))
    story.append(p(f"纪要生成时间：{m.generated}", right))

    def footer(canvas, doc_):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.grey)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"{m.number}　第 {doc_.page} 页")
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=m.title,
        author="邻里 Linli",
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
