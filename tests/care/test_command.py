"""``linli care status`` and ``linli care remind``."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from linli.care import services
from linli.care.models import Reminder


@pytest.fixture
def visited(care_world):
    w = care_world
    services.care_visit_record(
        actor=w["leader_a"], recipients=[w["p_wang"]], visited_on=dt.date(2026, 1, 31)
    )
    services.care_visit_record(
        actor=w["leader_b"], recipients=[w["p_child"]], visited_on=dt.date(2026, 2, 27)
    )
    return w


def status(capsys, *args):
    call_command("care", "status", *args)
    return capsys.readouterr().out


def test_status_json(visited, capsys):
    out = status(capsys, "--community", "兴东社区", "--as-of", "2026-02-28", "--json")
    data = json.loads(out)
    keys = {"registered", "due", "overdue", "visited_this_month", "monthly_visit_rate"}
    assert set(data) == keys | {"by_tier"}
    assert set(data["by_tier"]) == {"high", "key", "general"}
    assert all(set(v) == keys for v in data["by_tier"].values())
    assert data["registered"] == 3 and data["visited_this_month"] == 1
    assert data["monthly_visit_rate"] == "0.333"
    assert data["by_tier"]["high"]["overdue"] == 1  # weekly, last seen 31 January
    assert data["by_tier"]["key"]["monthly_visit_rate"] == "1.000"
    # another community's registry is its own
    other = json.loads(status(capsys, "--community", "新塘社区", "--as-of", "2026-02-28", "--json"))
    assert other["registered"] == 1 and other["monthly_visit_rate"] == "0.000"


def test_status_text(visited, capsys):
    out = status(capsys, "--community", "兴东社区", "--as-of", "2026-02-28")
    assert "月探访率 0.333" in out and "高风险" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["status", "--community", "无此社区", "--json"], "没有名为“无此社区”的社区"),
        (["status", "--json"], "请用 --community 指定社区名称"),
        (["status", "--community", "兴东社区", "--as-of", "2026-02-30"], "日期“2026-02-30”无效"),
        (["status", "--community", "兴东社区", "--nonsense"], "参数错误"),
    ],
)
def test_bad_arguments_exit_2_in_chinese(care_world, capsys, args, message):
    with pytest.raises(SystemExit) as exc:
        call_command("care", *args)
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_remind_once_a_day_per_visitor(visited, capsys):
    call_command("care", "remind", "--as-of", "2026-02-28")
    assert "已提醒" in capsys.readouterr().out
    w = visited
    first = {r.user_id: r for r in Reminder.objects.filter(day=dt.date(2026, 2, 28))}
    assert set(first) == {w["leader_a"].pk}  # 刘建国 (quarterly) and 王桂兰 are 邻 A's
    assert first[w["leader_a"].pk].overdue == 1
    assert w["p_wang"].pk in first[w["leader_a"].pk].recipient_ids
    call_command("care", "remind", "--as-of", "2026-02-28")
    assert Reminder.objects.filter(day=dt.date(2026, 2, 28)).count() == 1
