"""``linli grid plan``: preview, --json, --apply in one transaction, --rebalance."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from linli.grid.models import Grid, GridLevel, Membership
from linli.ledger import services

KEYS = {
    "neighbours",
    "groups",
    "areas",
    "size_min",
    "size_median",
    "size_max",
    "split_units",
    "split_buildings",
    "moves",
}


@pytest.fixture
def ledger(regions, compound):
    for b in ("1栋", "2栋"):
        for u in ("1单元", "2单元"):
            for floor in range(1, 7):
                for door in (1, 2):
                    services.household_ensure(
                        compound=compound, building=b, unit=u, room=f"{floor}{door:02d}"
                    )
    return compound  # 4 units × 12 = 48 households


def plan(*args):
    out = StringIO()
    call_command("grid", "plan", "--community", "兴东社区", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_preview_writes_nothing(ledger):
    text = plan("--households-per-neighbour", "12")
    assert "邻" in text and "预览" in text
    assert Grid.objects.count() == 0 and Membership.objects.count() == 0


def test_json_has_exactly_the_documented_keys(ledger):
    figures = json.loads(plan("--households-per-neighbour", "12", "--json"))
    assert set(figures) == KEYS
    assert figures["neighbours"] == 4
    assert (figures["size_min"], figures["size_max"]) == (12, 12)
    assert figures["split_units"] == 0 and figures["moves"] == 0


def test_apply_then_rebalance_moves_few(ledger, compound):
    plan("--households-per-neighbour", "12", "--apply")
    assert Grid.objects.filter(level=GridLevel.NEIGHBOUR, dissolved_at=None).count() == 4
    assert Membership.objects.filter(end=None).count() == 48
    services.household_ensure(compound=compound, building="1栋", unit="1单元", room="701")
    figures = json.loads(plan("--households-per-neighbour", "12", "--rebalance", "--json"))
    assert figures["moves"] <= 2
    plan("--households-per-neighbour", "12", "--rebalance", "--apply")
    assert Membership.objects.filter(end=None).count() == 49
    assert Membership.objects.filter(end=None).values("household").distinct().count() == 49


def test_unknown_community_and_empty_community(regions):
    with pytest.raises(CommandError, match="不存在"):
        call_command("grid", "plan", "--community", "没有社区", stdout=StringIO())
    with pytest.raises(CommandError, match="没有住户"):
        call_command("grid", "plan", "--community", "新塘社区", stdout=StringIO())


def test_rebalance_without_a_grid_is_refused(ledger):
    with pytest.raises(CommandError, match="尚无网格"):
        plan("--rebalance")


def test_plan_page_previews_then_applies(client, ledger, xingdong_worker, regions):
    client.force_login(xingdong_worker)
    url = f"/grid/community/{regions['xingdong'].pk}/plan/"
    body = client.get(url, {"households_per_neighbour": "12"}).content.decode()
    assert "写入方案" in body and "1栋1单元" in body
    assert Grid.objects.count() == 0
    response = client.post(url, {"households_per_neighbour": "12"})
    assert response.status_code == 302
    assert Membership.objects.filter(end=None).count() == 48


def test_plan_page_bad_input_and_scope(client, ledger, xingdong_worker, xintang_worker, regions):
    client.force_login(xingdong_worker)
    url = f"/grid/community/{regions['xingdong'].pk}/plan/"
    assert "正整数" in client.get(url, {"households_per_neighbour": "0"}).content.decode()
    assert "正整数" in client.post(url, {"households_per_neighbour": "abc"}).content.decode()
    assert Grid.objects.count() == 0
    client.force_login(xintang_worker)
    assert client.get(url).status_code == 404


def test_bad_sizes_are_a_clear_error(ledger):
    with pytest.raises(CommandError, match="网格规模设置有误"):
        plan("--households-per-neighbour", "0")
    with pytest.raises(CommandError, match="网格规模设置有误"):
        plan("--neighbour-min", "20", "--neighbour-max", "10")
