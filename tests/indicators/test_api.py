"""``GET /api/v1/indicators``: the command's values for those who work on the region; 404
for everyone else, exactly like an unknown code."""

import pytest
from django.test import Client

from linli.accounts.models import Role

from ..factories import make_user
from .test_values import TOWN, XINGDONG

pytestmark = pytest.mark.django_db
URL = "/api/v1/indicators"


def get(user, **params):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(URL, params)


@pytest.fixture
def xingdong_coded(read_world):
    read_world["community"].code = "430424100001"
    read_world["community"].save()
    return read_world


def test_officials_over_the_region_read_it(xingdong_coded):
    w = xingdong_coded
    county = make_user("county", Role.COUNTY_OFFICIAL, w["regions"]["county"])
    assert get(w["town"], region="430424100000", period="2026-03").json() == TOWN
    assert get(county, region="430424100001", period="2026-03").json() == XINGDONG
    assert get(w["worker"], region="430424100001", period="2026-03").json() == XINGDONG


def test_out_of_scope_is_missing(xingdong_coded):
    w = xingdong_coded
    unknown = get(w["worker"], region="430424999999", period="2026-03")
    assert unknown.status_code == 404
    xintang = make_user("xt", Role.COMMUNITY_WORKER, w["regions"]["xintang"])
    for user in (w["worker"], xintang, w["leader_a"], w["committee"], w["resident_a"]):
        response = get(user, region="430424100000", period="2026-03")  # the town
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert response.json()["message"] == unknown.json()["message"].replace("999999", "100000")
    assert get(xintang, region="430424100001", period="2026-03").status_code == 404
    assert get(None, region="430424100001", period="2026-03").status_code == 401


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"region": "430424100001", "period": "2026-3"}, "indicators.bad_period"),
        ({"region": "4304", "period": "2026-03"}, "indicators.bad_region"),
    ],
)
def test_bad_input_is_a_clear_400(xingdong_coded, params, code):
    response = get(xingdong_coded["worker"], **params)
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_missing_parameters_are_422(xingdong_coded):
    assert get(xingdong_coded["worker"], region="430424100001").status_code == 422
