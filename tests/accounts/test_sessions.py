"""Session lengths: office roles are signed out after 30 idle minutes and 8 hours after signing
in; residents, committee members and the 三长 stay signed in on their phones for 14 days."""

import time

import pytest

from linli.accounts.middleware import SEEN_AT, SIGNED_IN_AT

RIGHT = "pw-linli-test"


def sign_in(client, username):
    assert client.post("/login/", {"username": username, "password": RIGHT}).status_code == 302


def shift(client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = session[key] - seconds
    session.save()


def test_an_office_session_is_short(client, xingdong_worker):
    sign_in(client, "xd_worker")
    assert client.session.get_expiry_age() == 30 * 60
    assert client.get("/ledger/").status_code == 200


def test_an_office_session_ends_after_idle_minutes(client, xingdong_worker):
    sign_in(client, "xd_worker")
    shift(client, SEEN_AT, 29 * 60)
    assert client.get("/ledger/").status_code == 200  # 29 minutes: still signed in, and touched
    assert time.time() - client.session[SEEN_AT] < 5
    shift(client, SEEN_AT, 31 * 60)
    response = client.get("/ledger/", follow=True)
    assert response.redirect_chain[0] == ("/login/?next=%2Fledger%2F", 302)
    assert "30 分钟未操作" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_office_session_ends_after_a_working_day_even_when_busy(client, xingdong_worker):
    sign_in(client, "xd_worker")
    shift(client, SIGNED_IN_AT, 8 * 3600 + 1)
    response = client.get("/api/v1/ledger/compounds")
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"
    assert "8 小时" in response.json()["message"]
    assert client.get("/ledger/").status_code == 302


def test_the_lengths_come_from_settings(client, xingdong_worker, settings):
    settings.LINLI_OFFICE_SESSION_IDLE_MINUTES = 5
    sign_in(client, "xd_worker")
    assert client.session.get_expiry_age() == 5 * 60
    shift(client, SEEN_AT, 6 * 60)
    assert client.get("/ledger/").status_code == 302


@pytest.mark.parametrize("persona", ["resident_a", "leader_a"])
def test_a_phone_session_lasts_days(client, grid_world, persona):
    user = grid_world[persona]
    sign_in(client, user.username)
    assert client.session.get_expiry_age() == 14 * 24 * 3600
    shift(client, SEEN_AT, 3 * 24 * 3600)
    shift(client, SIGNED_IN_AT, 3 * 24 * 3600)
    assert client.get("/cases/mine/").status_code == 200
