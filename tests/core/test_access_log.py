from django.urls import reverse

from linli.accounts.models import Role
from linli.core.services import access_log_record

from ..factories import make_user


def test_officials_read_the_log_of_their_region(client, regions, xingdong_worker):
    access_log_record(user=xingdong_worker, action="view", subject="居民#1", fields="联系电话")
    other_county = make_user("elsewhere", Role.COUNTY_OFFICIAL, regions["city"])
    town = make_user("town", Role.TOWN_OFFICIAL, regions["town"])
    client.force_login(town)
    assert "居民#1" in client.get(reverse("access_log")).content.decode()
    client.force_login(other_county)  # the city is above the town: it sees it too
    assert "居民#1" in client.get(reverse("access_log")).content.decode()
    client.force_login(xingdong_worker)
    assert client.get(reverse("access_log")).status_code == 404


def test_a_town_official_does_not_see_another_towns_log(client, regions):
    from linli.ledger import services
    from linli.ledger.models import RegionLevel

    other_town = services.region_ensure(
        name="新塘镇", level=RegionLevel.TOWN, parent=regions["county"]
    )
    outsider = make_user("o", Role.COMMUNITY_WORKER, other_town)
    access_log_record(user=outsider, action="export", subject="台账导出", fields="身份证号")
    town = make_user("town", Role.TOWN_OFFICIAL, regions["town"])
    client.force_login(town)
    assert "台账导出" not in client.get(reverse("access_log")).content.decode()
