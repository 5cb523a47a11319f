"""The 三长's phone pages and the community grid page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.core.models import AccessLog
from linli.grid.models import Visit


def test_neighbour_leader_sees_only_his_households(client, grid_world):
    client.force_login(grid_world["leader_a"])
    body = client.get(reverse("grid:mine")).content.decode()
    assert "1单元101" in body and "1单元102" in body
    assert "1单元201" not in body
    assert "独居老人" in body  # care tags matter to a 邻长


def test_leader_household_card_masks_id_and_reveals_phone_with_a_log(client, grid_world):
    client.force_login(grid_world["leader_a"])
    h = grid_world["households"]["101"]
    body = client.get(reverse("grid:household", args=[h.pk])).content.decode()
    assert "4304**********5010" in body and "430424195606055010" not in body
    assert "139****9779" in body and "13921869779" not in body
    r = grid_world["residents"]["a"]
    shown = client.post(reverse("grid:reveal_phone", args=[r.pk]), {"reason": "走访联系"})
    assert "13921869779" in shown.content.decode()
    log = AccessLog.objects.get()
    assert (log.user, log.subject, log.fields) == (
        grid_world["leader_a"],
        f"居民#{r.pk}",
        "联系电话",
    )


def test_other_neighbours_household_is_404(client, grid_world):
    client.force_login(grid_world["leader_a"])
    h = grid_world["households"]["201"]
    assert client.get(reverse("grid:household", args=[h.pk])).status_code == 404
    r = grid_world["residents"]["b"]
    assert client.post(reverse("grid:reveal_phone", args=[r.pk])).status_code == 404
    assert AccessLog.objects.count() == 0


def test_resident_sees_own_household_without_vulnerable_tags(client, grid_world):
    client.force_login(grid_world["resident_a"])
    h = grid_world["households"]["101"]
    response = client.get(reverse("grid:household", args=[h.pk]))
    assert response.status_code == 200
    assert "独居老人" not in response.content.decode()
    assert (
        client.get(reverse("grid:household", args=[grid_world["households"]["201"].pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("grid:reveal_phone", args=[grid_world["residents"]["a"].pk])
        ).status_code
        == 404
    )


def test_record_a_visit(client, grid_world):
    client.force_login(grid_world["leader_a"])
    h = grid_world["households"]["101"]
    response = client.post(
        reverse("grid:visit_create", args=[h.pk]),
        {"visited_on": timezone.localdate().isoformat(), "met": "刘建国", "raised": "楼道灯坏了"},
        follow=True,
    )
    assert "走访已记录" in response.content.decode()
    assert "楼道灯坏了" in response.content.decode()
    assert Visit.objects.get().visitor == grid_world["leader_a"]


def test_visit_in_the_future_is_refused(client, grid_world):
    client.force_login(grid_world["leader_a"])
    h = grid_world["households"]["101"]
    response = client.post(
        reverse("grid:visit_create", args=[h.pk]),
        {"visited_on": "2999-01-01", "met": "刘建国"},
        follow=True,
    )
    assert "不能晚于今天" in response.content.decode()
    assert Visit.objects.count() == 0


def test_group_leader_rollup(client, grid_world):
    client.force_login(grid_world["group_leader"])
    body = client.get(reverse("grid:mine")).content.decode()
    assert "第1邻" in body and "第2邻" in body
    assert "未走访 2" in body and "未走访 1" in body


def test_worker_sees_community_grid_and_reports(client, grid_world, xingdong_worker):
    client.force_login(xingdong_worker)
    body = client.get(reverse("grid:community", args=[grid_world["community"].pk])).content.decode()
    assert "第1片" in body and "第2邻" in body
    assert "2 个岗位空缺" in body  # 片 and 组 have no holder yet


def test_other_community_worker_gets_404(client, grid_world, xintang_worker):
    client.force_login(xintang_worker)
    url = reverse("grid:community", args=[grid_world["community"].pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("grid:card", args=[grid_world["n_a"].pk])).status_code == 404


def test_public_card_shows_leader_and_phone(client, grid_world, xingdong_worker):
    client.force_login(xingdong_worker)
    body = client.get(reverse("grid:card", args=[grid_world["n_b"].pk])).content.decode()
    assert "赵志强" in body and "13930284657" in body
    assert "1栋1单元" in body


@pytest.mark.parametrize("who", ["leader_a", "group_leader", "area_leader"])
def test_my_households_query_count(client, grid_world, who, django_assert_max_num_queries):
    client.force_login(grid_world[who])
    # 15: the top bar's 待办 count (one statement for every app's queryset; care's due dates
    # are computed from the visitor's registry rows)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("grid:mine")).status_code == 200
