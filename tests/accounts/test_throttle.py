"""Login throttling (django-axes): per username from any address, per address across usernames,
a cooldown, the lockout page and JSON, every failure logged, the admin login throttled too, and
`linli accounts unlock`."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import RequestFactory

from linli.accounts.throttle import client_ip

RIGHT = "pw-linli-test"  # tests/factories.py


def attempt(client, username, password, ip="10.0.0.1", url="/login/", **extra):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def locked_page(response) -> bool:
    return response.status_code == 429 and "登录已暂时锁定" in response.content.decode()


def cooldown_passes(minutes: int = 16):
    """Move every recorded failure ``minutes`` into the past (the cooldown is 15)."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def test_five_wrong_passwords_lock_the_account_until_the_cooldown(client, xingdong_worker):
    for _ in range(4):
        response = attempt(client, "xd_worker", "wrong-password")
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
    response = attempt(client, "xd_worker", "wrong-password")  # the fifth
    assert locked_page(response)
    assert "15 分钟" in response.content.decode()

    # the right password is refused now, from this address and from any other
    assert locked_page(attempt(client, "xd_worker", RIGHT))
    assert locked_page(attempt(client, "xd_worker", RIGHT, ip="10.9.9.9"))
    assert not signed_in(client)

    cooldown_passes()
    response = attempt(client, "xd_worker", RIGHT)
    assert response.status_code == 302 and signed_in(client)


def test_a_try_while_locked_starts_the_cooldown_again(client, xingdong_worker):
    for _ in range(5):
        attempt(client, "xd_worker", "wrong-password")
    cooldown_passes(10)
    assert locked_page(attempt(client, "xd_worker", RIGHT))  # 10 minutes on: still locked
    cooldown_passes(10)
    assert locked_page(attempt(client, "xd_worker", RIGHT))  # 10 after that try: still
    cooldown_passes(16)
    assert attempt(client, "xd_worker", RIGHT).status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock_and_a_success_clears_them(
    client, xingdong_worker
):
    for _ in range(4):
        attempt(client, "xd_worker", "wrong-password")
    assert attempt(client, "xd_worker", RIGHT).status_code == 302
    client.logout()
    # the count started again: four more failures still leave the right password working
    for _ in range(4):
        assert attempt(client, "xd_worker", "wrong-password").status_code == 200
    assert attempt(client, "xd_worker", RIGHT).status_code == 302


def test_an_address_is_locked_after_failures_across_usernames(client, xingdong_worker):
    # spraying: one password tried on 20 accounts from one address
    for n in range(20):
        response = attempt(client, f"guess{n}", "linli123456", ip="10.0.0.7")
    assert locked_page(response)
    # no single account reached its limit, but the address is locked for everyone
    assert locked_page(attempt(client, "xd_worker", RIGHT, ip="10.0.0.7"))
    # the same person from another address is not
    assert attempt(client, "xd_worker", RIGHT, ip="10.0.0.8").status_code == 302


def test_signing_in_as_oneself_does_not_clear_the_address_count(
    client, xingdong_worker, county_official
):
    for n in range(19):
        attempt(client, f"guess{n}", "linli123456", ip="10.0.0.7")
    # a guesser with one real account signs in between rounds ...
    assert attempt(client, "xd_worker", RIGHT, ip="10.0.0.7").status_code == 302
    client.logout()
    # ... and the twentieth failure from the address still locks it
    assert locked_page(attempt(client, "guess19", "linli123456", ip="10.0.0.7"))
    assert locked_page(attempt(client, "county", RIGHT, ip="10.0.0.7"))


def test_every_failure_and_the_lockout_are_logged(client, xingdong_worker, caplog):
    caplog.set_level(logging.WARNING, logger="linli.accounts")
    for _ in range(5):
        attempt(client, "xd_worker", "wrong-password", ip="10.0.0.3")
    rows = AccessFailureLog.objects.filter(username="xd_worker", ip_address="10.0.0.3")
    assert rows.count() == 5
    assert rows.filter(locked_out=True).count() == 1
    messages = [r.getMessage() for r in caplog.records if r.name == "linli.accounts"]
    assert messages.count("login failed: username='xd_worker' address=10.0.0.3") == 5
    assert "login locked out: username='xd_worker' address=10.0.0.3" in messages
    assert not any(RIGHT in m or "wrong-password" in m for m in messages)  # never a password


def test_the_lockout_answers_json_to_a_script(client, xingdong_worker):
    for _ in range(5):
        response = attempt(client, "xd_worker", "wrong", HTTP_ACCEPT="application/json")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "login_locked"
    assert "15 分钟" in body["message"]
    assert body["details"] == [{"field": "username", "reason": "cooldown_minutes=15"}]


def test_the_limits_and_cooldown_come_from_settings(client, xingdong_worker, settings):
    settings.AXES_FAILURE_LIMIT = settings.LINLI_LOGIN_FAILURE_LIMIT = 3
    settings.LINLI_LOGIN_COOLDOWN_MINUTES = 60
    settings.AXES_COOLOFF_TIME = timedelta(minutes=60)
    attempt(client, "xd_worker", "wrong")
    attempt(client, "xd_worker", "wrong")
    response = attempt(client, "xd_worker", "wrong")
    assert locked_page(response) and "60 分钟" in response.content.decode()
    cooldown_passes()  # 16 minutes are not enough now
    assert locked_page(attempt(client, "xd_worker", RIGHT))


def test_the_admin_login_is_throttled_too(client, db):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root", password=RIGHT)
    url = "/admin/login/?next=/admin/"
    for _ in range(4):
        assert attempt(client, "root", "wrong", url=url).status_code == 200
    assert locked_page(attempt(client, "root", "wrong", url=url))
    assert locked_page(attempt(client, "root", RIGHT, url=url))
    assert not signed_in(client)


def test_unlock_command_lifts_a_username_lock(client, xingdong_worker, capsys):
    for _ in range(5):
        attempt(client, "xd_worker", "wrong")
    assert locked_page(attempt(client, "xd_worker", RIGHT))
    call_command("accounts", "unlock", "xd_worker")
    assert "已解除 账号 xd_worker 的登录锁定" in capsys.readouterr().out
    assert attempt(client, "xd_worker", RIGHT).status_code == 302
    # the failure log stays for the record
    assert AccessFailureLog.objects.filter(username="xd_worker").count() == 6


def test_unlock_command_lifts_an_address_lock(client, xingdong_worker):
    for n in range(20):
        attempt(client, f"guess{n}", "linli123456", ip="10.0.0.7")
    assert locked_page(attempt(client, "xd_worker", RIGHT, ip="10.0.0.7"))
    call_command("accounts", "unlock", "--ip", "10.0.0.7")
    assert attempt(client, "xd_worker", RIGHT, ip="10.0.0.7").status_code == 302


def test_unlock_command_needs_a_username_or_an_address(db):
    with pytest.raises(CommandError, match="请指定要解锁的用户名或网络地址"):
        call_command("accounts", "unlock")


def test_client_address_behind_a_proxy(settings):
    rf = RequestFactory()
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.LINLI_PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"  # headers are not believed without a proxy
    settings.LINLI_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # what nginx saw; 6.6.6.6 is the client's claim
    settings.LINLI_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
    settings.LINLI_PROXY_COUNT = 1
    assert client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"  # header missing


def test_a_spoofed_forwarded_for_does_not_escape_the_address_lock(
    client, xingdong_worker, settings
):
    settings.LINLI_PROXY_COUNT = 1  # one nginx, which appends the address it saw
    for n in range(20):
        response = attempt(
            client,
            f"guess{n}",
            "linli123456",
            ip="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 203.0.113.9",
        )
    assert locked_page(response)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    forwarded = "1.1.1.99, 203.0.113.9"
    response = attempt(client, "xd_worker", RIGHT, ip="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert locked_page(response)


def test_the_admin_shows_the_attempts_in_chinese(admin_client, xingdong_worker, settings):
    settings.LINLI_REQUIRE_2FA = False
    for _ in range(2):
        attempt(admin_client, "xd_worker", "wrong")
    page = admin_client.get("/admin/").content.decode()
    assert "登录尝试与锁定" in page and "登录失败计数" in page and "两步验证设备" in page
    page = admin_client.get("/admin/axes/accessattempt/").content.decode()
    assert "xd_worker" in page and "失败次数" in page
