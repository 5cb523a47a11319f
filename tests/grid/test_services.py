"""Grid cells, assignment, posts over time, visits and reports."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.core.errors import DomainError
from linli.grid import selectors, services
from linli.grid.models import Grid, GridLevel, Membership, Visit
from linli.ledger import services as ledger_services


def test_codes_follow_the_community_code(grid_world, regions):
    regions["xingdong"].code = "430424100001"
    regions["xingdong"].save()
    extra = services.grid_create(community=regions["xingdong"], level=GridLevel.AREA, name="第2片")
    assert extra.code == "430424100001" + "1" + "002"
    assert extra.post is not None


def test_group_needs_an_area_parent(regions):
    with pytest.raises(DomainError, match="组须属于片"):
        services.grid_create(community=regions["xingdong"], level=GridLevel.GROUP, name="组")


def test_a_household_is_in_one_neighbour_at_a_time(grid_world):
    h = grid_world["households"]["101"]
    services.household_assign(household=h, neighbour=grid_world["n_b"])
    open_memberships = Membership.objects.filter(household=h, end__isnull=True)
    assert [m.neighbour for m in open_memberships] == [grid_world["n_b"]]
    assert Membership.objects.filter(household=h).count() == 2


def test_database_refuses_two_open_memberships(grid_world):
    from django.db import IntegrityError, transaction

    h = grid_world["households"]["101"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(household=h, neighbour=grid_world["n_b"], start=timezone.now())


def test_assign_to_a_group_is_refused(grid_world):
    with pytest.raises(DomainError, match="不是现行的邻"):
        services.household_assign(
            household=grid_world["households"]["101"], neighbour=grid_world["group"]
        )


def test_assign_household_of_another_community_is_refused(grid_world, other_compound):
    h = ledger_services.household_ensure(
        compound=other_compound, building="1栋", unit="1单元", room="101"
    )
    with pytest.raises(DomainError, match="不在兴东社区"):
        services.household_assign(household=h, neighbour=grid_world["n_a"])


def test_worker_of_another_community_may_not_assign(grid_world, xintang_worker):
    """Another community's grid is out of scope: not found, and not named."""
    with pytest.raises(DomainError) as exc:
        services.household_assign(
            actor=xintang_worker,
            household=grid_world["households"]["101"],
            neighbour=grid_world["n_b"],
        )
    assert (exc.value.status, exc.value.code) == (404, "not_found")
    assert "兴东" not in exc.value.message and "第2邻" not in exc.value.message


def test_leader_in_a_grid_he_may_not_see(grid_world, xintang_worker):
    with pytest.raises(DomainError) as exc:
        services.post_assign(
            actor=xintang_worker, grid=grid_world["n_a"], resident=grid_world["residents"]["a"]
        )
    assert (exc.value.status, exc.value.code) == (404, "not_found")


def test_worker_may_not_appoint_a_resident_he_does_not_see(grid_world, xingdong_worker, compound):
    """The resident out of scope is answered like a missing one, without the name."""
    from linli.ledger import services as ledger_services
    from linli.ledger.models import Region

    xintang = Region.objects.get(name="新塘社区")
    other = ledger_services.compound_create(community=xintang, name="新塘小区")
    h = ledger_services.household_ensure(compound=other, building="1栋", unit="1单元", room="1")
    stranger = ledger_services.resident_save(household=h, name="李四")
    with pytest.raises(DomainError) as exc:
        services.post_assign(actor=xingdong_worker, grid=grid_world["n_a"], resident=stranger)
    assert (exc.value.status, exc.value.code) == (404, "not_found")
    assert "李四" not in exc.value.message


def test_who_was_leader_last_march(grid_world):
    n_a = grid_world["n_a"]
    h = grid_world["households"]["101"]
    march = timezone.make_aware(dt.datetime(2026, 3, 15))
    holding = n_a.post.holdings.get()
    holding.start = timezone.make_aware(dt.datetime(2025, 1, 1))
    holding.save()
    Membership.objects.filter(household=h).update(start=holding.start)
    services.post_assign(
        grid=n_a,
        resident=grid_world["residents"]["a"],
        reason="换届",
        when=timezone.make_aware(dt.datetime(2026, 6, 1)),
    )
    then = selectors.holder_at(household=h, level=GridLevel.NEIGHBOUR, when=march)
    assert then.resident.name == "王桂兰"
    now = selectors.holder_at(household=h, level=GridLevel.NEIGHBOUR, when=timezone.now())
    assert now.resident.name == "刘建国"


def test_reports(grid_world, compound):
    loose = ledger_services.household_ensure(
        compound=compound, building="2栋", unit="1单元", room="101"
    )
    community = grid_world["community"]
    worker = grid_world["leader_a"]  # not used: reports are read with a worker below
    del worker
    from linli.accounts.models import Role
    from tests.factories import make_user

    w = make_user("w", Role.COMMUNITY_WORKER, community)
    assert list(selectors.households_without_neighbour(actor=w, community=community)) == [loose]
    empty = {g.name for g in selectors.posts_without_holder(actor=w, community=community)}
    assert empty == {"第1片", "第1组"}
    # 邻 B's leader lives in 201 (inside); 邻 A's leader lives in 102 (inside). Move him out:
    services.household_assign(
        household=grid_world["households"]["102"], neighbour=grid_world["n_b"]
    )
    outside = selectors.leaders_outside_area(actor=w, community=community)
    assert [h.resident.name for h in outside] == ["王桂兰"]


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return buf.getvalue()


def test_visit_with_photo(grid_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    visit = services.visit_record(
        actor=grid_world["leader_a"],
        household=grid_world["households"]["101"],
        visited_on=timezone.localdate(),
        met="刘建国",
        raised="楼道灯坏了",
        photos=[SimpleUploadedFile("a.png", _png(), content_type="image/png")],
    )
    assert visit.photos.count() == 1


def test_visit_rejects_non_image_and_writes_nothing(grid_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(DomainError, match=r"a\.png") as exc:
        services.visit_record(
            actor=grid_world["leader_a"],
            household=grid_world["households"]["101"],
            visited_on=timezone.localdate(),
            met="刘建国",
            photos=[SimpleUploadedFile("a.png", b"not an image")],
        )
    assert exc.value.code == "grid.file_not_allowed"
    assert Visit.objects.count() == 0


def test_visit_outside_my_neighbour_is_not_found(grid_world):
    with pytest.raises(DomainError) as exc:
        services.visit_record(
            actor=grid_world["leader_a"],
            household=grid_world["households"]["201"],
            visited_on=timezone.localdate(),
            met="赵志强",
        )
    assert exc.value.status == 404


def test_rollup_for_group_leader(grid_world):
    services.visit_record(
        actor=grid_world["leader_a"],
        household=grid_world["households"]["101"],
        visited_on=timezone.localdate(),
        met="刘建国",
    )
    rows = selectors.neighbour_rollup(
        actor=grid_world["group_leader"], grid=grid_world["group"], stale_days=30
    )
    assert [(r["grid"].name, r["households"], r["visited"], r["stale"]) for r in rows] == [
        ("第1邻", 2, 1, 1),
        ("第2邻", 1, 0, 1),
    ]


def test_dissolved_cells_are_not_listed(grid_world):
    Grid.objects.filter(pk=grid_world["n_b"].pk).update(dissolved_at=timezone.now())
    names = {g.name for g in selectors.grids_for(grid_world["group_leader"])}
    assert names == {"第1组", "第1邻"}
