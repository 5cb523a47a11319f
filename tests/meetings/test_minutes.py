"""Minutes: the .docx read back with python-docx, the PDF is a PDF with pages; the public
version masks residents' names; no line of either starts a formula."""

import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from linli.meetings import minutes, services
from tests.formula_free import HYPERLINK, docx_lines, line_problems, pdf_text, unquoted_cores

from .conftest import D0, record

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def two_meetings(world, meeting):
    w = world["worker"]
    for party, name, dep in (
        ("county_department", "谭志勇", world["housing"]),
        ("town", "刘卫东", None),
        ("community", "罗小燕", None),
        ("committee", "李德明", None),
        ("property", "王建军", None),
    ):
        services.attendee_add(actor=w, meeting=meeting, party=party, name=name, department=dep)
    item = services.agenda_item_add(
        actor=w,
        meeting=meeting,
        title="粮站宿舍设施安全",
        compound=world["compound"],
        cases=[world["case"]],
    )
    services.agenda_item_add(actor=w, meeting=meeting, title="雨污管网", problem="主干管堵塞")
    record(
        meeting,
        w,
        deadline=D0 + 30 * DAY,
        party="county_department",
        person="谭志勇",
        department=world["housing"],
        agenda_item=item,
        decision="更换楼道灯和门禁",
    )
    record(meeting, w, deadline=D0 + 10 * DAY, decision="疏通排水管")
    record(
        meeting,
        w,
        deadline=D0 + 60 * DAY,
        party="committee",
        person="李德明",
        decision="起草停车公约",
    )
    second = services.meeting_create(
        actor=w, region=world["regions"]["xingdong"], held_on=D0 + 30 * DAY, place="社区会议室"
    )
    services.attendee_add(actor=w, meeting=second, party="community", name="罗小燕")
    return meeting, second


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_docx_has_everything(two_meetings, world):
    first, _ = two_meetings
    text = docx_text(minutes.to_docx(minutes.build(first)))
    for expected in (
        "兴东社区五方联席会会议纪要",
        "2026年3月2日",
        "兴东社区党群服务中心",
        "县委组织部（牵头）",
        "县直部门",
        "谭志勇（住建）",
        "物业或管理人",
        "李德明",
        "1. 粮站宿舍设施安全",
        world["case"].number,
        "主干管堵塞",
        "更换楼道灯和门禁",
        "指导",
        "2026-04-01",
        "落实",
        "自治",
        "上次遗留逾期事项",
        "无逾期未办结事项。",
        "县直部门指导、镇组织、社区落实、小区自治",
    ):
        assert expected in text, expected


def test_second_meeting_minutes_carry_over_and_public_masks(two_meetings):
    _, second = two_meetings
    text = docx_text(minutes.to_docx(minutes.build(second)))
    assert "疏通排水管" in text and "2026-03-12" in text and "20天" in text
    assert "更换楼道灯和门禁" not in text  # due on the second meeting day: still in time
    first_text = docx_text(minutes.to_docx(minutes.build(two_meetings[0], public=True)))
    assert "李*明" in first_text and "李德明" not in first_text
    assert "谭志勇" in first_text  # officials are not masked
    assert "公开版" in first_text


def test_pdf_is_a_pdf_with_pages(two_meetings):
    _, second = two_meetings
    data = minutes.to_pdf(minutes.build(second))
    assert data.startswith(b"%PDF")
    pages = re.findall(rb"/Type /Page\b", data)
    assert len(pages) >= 1
    assert b"STSong-Light" in data
    assert data.rstrip().endswith(b"%%EOF")


def test_empty_meeting_still_makes_minutes(meeting):
    record_ = minutes.build(meeting)
    assert [label for label, _ in record_.parties] == [
        "县直部门",
        "镇",
        "社区",
        "业委会",
        "物业或管理人",
    ]
    assert all(names == "未到会" for _, names in record_.parties)
    assert minutes.to_pdf(record_).startswith(b"%PDF")
    assert "本次会议未形成议定事项。" in docx_text(minutes.to_docx(record_))
    assert record_.generated.startswith(f"{timezone.localdate():%Y-%m-%d}")


def test_minutes_with_hostile_text_have_no_formula(world):
    """Formula injection (issue 10): every line of the .docx and of the PDF's text that starts
    with = + - @, tab or CR carries a leading quote, in the full and the public version."""
    w = world["worker"]
    c = Client()
    c.force_login(w)
    meeting = services.meeting_create(
        actor=w,
        region=world["regions"]["xingdong"],
        held_on=D0,
        title=HYPERLINK,
        place="+1+1",
        chair="-2+3",
    )
    services.attendee_add(
        actor=w, meeting=meeting, party="committee", name="@SUM(A1)", is_resident=True
    )
    services.attendee_add(actor=w, meeting=meeting, party="town", name="镇干部", unit="=1")
    item = services.agenda_item_add(
        actor=w, meeting=meeting, title="-2+3", problem="主干管堵塞\r=1\n\t=1"
    )
    record(
        meeting,
        w,
        deadline=D0 + 5 * DAY,
        decision="@SUM(A1)\n+1+1",
        person="+1+1",
        party="committee",
        agenda_item=item,
        responsible_is_resident=True,
    )
    record(meeting, w, deadline=D0 + 9 * DAY, decision=HYPERLINK, responsible_unit="-2+3")

    for public in ("false", "true"):
        url = f"/api/v1/meetings/{meeting.pk}/minutes"
        docx = c.get(f"{url}.docx?public={public}")
        pdf = c.get(f"{url}.pdf?public={public}")
        assert docx.status_code == pdf.status_code == 200
        lines = docx_lines(docx.content)
        text = pdf_text(pdf.content)
        assert line_problems(lines) == []
        assert line_problems(text.splitlines()) == []
        if public == "false":
            assert unquoted_cores("\n".join(lines)) == []
            assert unquoted_cores(text) == []
        else:
            assert "'@******)" in lines  # a resident's masked name is neutralised too
    # the page serves the same files
    page = c.get(reverse("meetings:minutes", args=[meeting.pk, "pdf"]))
    assert line_problems(pdf_text(page.content).splitlines()) == []
