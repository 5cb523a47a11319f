"""Case pages: report in three taps, my cases, the 三长 inbox, the board, the department view."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.cases import services
from linli.cases.models import Case

from .conftest import png_bytes


def test_resident_reports_in_three_taps(client, world):
    client.force_login(world["resident_a"])
    pick = client.get(reverse("cases:report")).content.decode()
    assert "邻里纠纷" in pick and "高空抛物" in pick
    form = client.get(reverse("cases:report_form", args=["sanitation"]))
    body = form.content.decode()
    assert "1单元101" in body and '<select name="household"' not in body  # preselected
    key = form.context["client_key"]
    data = {
        "household": world["households"]["101"].pk,
        "description": "楼道垃圾三天没清",
        "client_key": key,
        "photos": SimpleUploadedFile("a.png", png_bytes(), "image/png"),
    }
    response = client.post(reverse("cases:report_form", args=["sanitation"]), data)
    case = Case.objects.get()
    assert response.url == reverse("cases:detail", args=[case.pk])
    # a double tap on submit (same form, same key) makes no second case
    data["photos"] = SimpleUploadedFile("a.png", png_bytes(), "image/png")
    client.post(reverse("cases:report_form", args=["sanitation"]), data)
    assert Case.objects.count() == 1
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "登记诉求" in page and "第1邻邻长" in page
    mine = client.get(reverse("cases:mine")).content.decode()
    assert "楼道垃圾三天没清" in mine


def test_bad_photo_shows_the_error_and_stores_nothing(client, world):
    client.force_login(world["resident_a"])
    response = client.post(
        reverse("cases:report_form", args=["sanitation"]),
        {
            "description": "x",
            "client_key": "k",
            "photos": SimpleUploadedFile("a.png", b"not an image", "image/png"),
        },
    )
    assert "照片“a.png”不是可以上传的 JPEG、PNG、WebP 图片" in response.content.decode()
    assert Case.objects.count() == 0
    assert client.get(reverse("cases:report_form", args=["nope"])).status_code == 404


def test_leader_inbox_act_and_resident_rates(client, world, report):
    case = report()
    client.force_login(world["leader_a"])
    inbox = client.get(reverse("cases:inbox")).content.decode()
    assert case.number in inbox
    url = lambda a: reverse("cases:act", args=[case.pk, a])  # noqa: E731
    client.post(url("accept"), {"version": case.version})
    client.post(url("resolve"), {"note": "已调解"})
    case.refresh_from_db()
    assert case.stage == "feedback"
    # a stale form (old version) does nothing and says so
    response = client.post(url("escalate"), {"note": "x", "version": 1}, follow=True)
    assert "请刷新" in response.content.decode() or "不能" in response.content.decode()
    client.force_login(world["resident_a"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "请评价" in page
    client.post(url("rate"), {"satisfaction": "unsatisfied", "note": "还是吵"})
    case.refresh_from_db()
    assert (case.stage, case.reopen_count) == ("accepted", 1)


def test_board_and_department_pages(client, world, report):
    case = report("flying_lead_charging", description="飞线")
    services.case_accept(actor=world["worker"], case=case)
    other = report(description="噪音")
    client.force_login(world["worker"])
    board = client.get(reverse("cases:board"))
    body = board.content.decode()
    assert case.number in body and other.number in body
    assert body.index(case.number) < body.index(other.number)  # oldest first
    filtered = client.get(
        reverse("cases:board"), {"stage": "collected"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert other.number in filtered and case.number not in filtered and "<html" not in filtered
    case = Case.objects.get(pk=case.pk)
    for _ in range(3):
        case = services.case_escalate(actor=world["worker"], case=case, reason="上报")
    client.post(reverse("cases:act", args=[case.pk, "dispatch"]), {"department": world["fire"].pk})
    client.force_login(world["fire_staff"])
    assert case.number in client.get(reverse("cases:department")).content.decode()
    assert client.get(reverse("cases:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("cases:measures")).status_code == 200


@pytest.mark.parametrize(
    ("who", "inbox", "board", "department", "measures"),
    [
        ("resident_a", 404, 404, 404, 404),
        ("leader_a", 200, 404, 404, 200),
        ("worker", 404, 200, 404, 200),
        ("fire_staff", 404, 404, 200, 200),
    ],
)
def test_page_access(client, world, who, inbox, board, department, measures):
    client.force_login(world[who])
    got = tuple(
        client.get(reverse(f"cases:{name}")).status_code
        for name in ("inbox", "board", "department", "measures")
    )
    assert got == (inbox, board, department, measures)


def test_detail_isolation(client, world, report):
    case = report()
    for who, status in (
        ("resident_a", 200),
        ("resident_b", 404),
        ("leader_a", 200),
        ("leader_b", 404),
        ("group_leader", 200),
        ("worker", 200),
        ("xt_worker", 404),
        ("fire_staff", 404),
    ):
        client.force_login(world[who])
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == status, who
        if status == 404:
            r = client.post(reverse("cases:act", args=[case.pk, "accept"]))
            assert r.status_code == 404
    case.refresh_from_db()
    assert case.stage == "collected"


def test_board_query_count_does_not_grow_with_cases(
    client, world, report, django_assert_max_num_queries
):
    for i in range(15):
        report(description=f"问题{i}")
    client.force_login(world["worker"])
    with django_assert_max_num_queries(12):
        client.get(reverse("cases:board"))
