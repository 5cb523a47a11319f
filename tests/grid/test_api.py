"""Grid API: cells, assignment, holders, visits, report — each with its isolation case."""

from django.utils import timezone

API = "/api/v1/grid"


def test_cells_for_a_worker_and_a_leader(client, grid_world, xingdong_worker):
    client.force_login(xingdong_worker)
    body = client.get(f"{API}/cells", {"community": grid_world["community"].pk}).json()
    assert body["count"] == 4
    n_b = next(i for i in body["items"] if i["name"] == "第2邻")
    assert (n_b["households"], n_b["leader"], n_b["level_label"]) == (1, "赵志强", "邻")
    client.force_login(grid_world["leader_a"])
    assert [i["name"] for i in client.get(f"{API}/cells").json()["items"]] == ["第1邻"]


def test_cell_detail_has_holders_and_is_404_out_of_scope(client, grid_world, xintang_worker):
    client.force_login(grid_world["group_leader"])
    body = client.get(f"{API}/cells/{grid_world['group'].pk}").json()
    assert [c["name"] for c in body["children"]] == ["第1邻", "第2邻"]
    client.force_login(xintang_worker)
    response = client.get(f"{API}/cells/{grid_world['group'].pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_worker_creates_a_neighbour_and_assigns_a_household(client, grid_world, xingdong_worker):
    client.force_login(xingdong_worker)
    response = client.post(
        f"{API}/cells",
        {
            "community": grid_world["community"].pk,
            "level": 3,
            "name": "第3邻",
            "parent": grid_world["group"].pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    new = response.json()["id"]
    h = grid_world["households"]["201"]
    response = client.post(
        f"{API}/memberships", {"household": h.pk, "neighbour": new}, content_type="application/json"
    )
    assert response.status_code == 201
    assert h.grid_memberships.get(end__isnull=True).neighbour_id == new


def test_leader_may_not_change_the_grid(client, grid_world):
    client.force_login(grid_world["leader_a"])
    response = client.post(
        f"{API}/memberships",
        {"household": grid_world["households"]["101"].pk, "neighbour": grid_world["n_a"].pk},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_assign_to_a_neighbour_in_another_community_is_404(client, grid_world, xintang_worker):
    client.force_login(xintang_worker)
    response = client.post(
        f"{API}/memberships",
        {"household": grid_world["households"]["101"].pk, "neighbour": grid_world["n_a"].pk},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_holder_set_and_history(client, grid_world, xingdong_worker):
    client.force_login(xingdong_worker)
    r = grid_world["residents"]["a"]
    response = client.post(
        f"{API}/cells/{grid_world['n_a'].pk}/holder",
        {"resident": r.pk, "reason": "换届"},
        content_type="application/json",
    )
    assert response.status_code == 201
    holders = client.get(f"{API}/cells/{grid_world['n_a'].pk}").json()["holders"]
    assert [(h["resident_name"], h["end"] is None) for h in holders] == [
        ("刘建国", True),
        ("王桂兰", False),
    ]


def test_visit_by_api_and_list_scope(client, grid_world):
    client.force_login(grid_world["leader_a"])
    h = grid_world["households"]["101"]
    payload = {"household": h.pk, "visited_on": timezone.localdate().isoformat(), "met": "刘建国"}
    assert client.post(f"{API}/visits", payload, content_type="application/json").status_code == 201
    payload["household"] = grid_world["households"]["201"].pk
    assert client.post(f"{API}/visits", payload, content_type="application/json").status_code == 404
    client.force_login(grid_world["leader_b"])
    assert client.get(f"{API}/visits").json()["count"] == 0
    client.force_login(grid_world["group_leader"])
    assert client.get(f"{API}/visits").json()["count"] == 1


def test_report(client, grid_world, xingdong_worker):
    client.force_login(xingdong_worker)
    body = client.get(f"{API}/communities/{grid_world['community'].pk}/report").json()
    assert body["households_without_neighbour"] == []
    assert set(body["posts_without_holder"]) == {grid_world["area"].pk, grid_world["group"].pk}
    assert body["leaders_outside_area"] == []
