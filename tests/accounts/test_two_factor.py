"""TOTP two-factor (django-otp) when a deployment requires it (LINLI_REQUIRE_2FA=1): the roles
that may unmask ID numbers set up an authenticator app and then enter a code after the password,
before any page; the others are not asked."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from linli.accounts.models import Role

from ..factories import make_user

RIGHT = "pw-linli-test"
SETUP, VERIFY = "/account/2fa/setup/", "/account/2fa/verify/"


@pytest.fixture(autouse=True)
def _require(settings):
    settings.LINLI_REQUIRE_2FA = True


def sign_in(client, username):
    response = client.post("/login/", {"username": username, "password": RIGHT})
    assert response.status_code == 302, response.content.decode()[:300]
    return response


def code(device, *, steps_ahead: int = 0) -> str:
    """The code the phone shows (``steps_ahead`` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device) -> str:
    right = {code(device, steps_ahead=k) for k in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def throttle_waited():
    """django-otp waits after a wrong code (1 s, doubling); let that time pass."""
    TOTPDevice.objects.update(
        throttling_failure_timestamp=F("throttling_failure_timestamp") - timedelta(hours=1)
    )


PAGES = ["/", "/ledger/", "/grid/", "/cases/board/", "/finance/desk/", "/admin/", "/access-log/"]


def test_a_worker_sets_up_the_app_and_no_page_opens_before(client, xingdong_worker):
    sign_in(client, "xd_worker")
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{VERIFY}?next="), path
    # the verify page sends a user with no device to the set-up page
    response = client.get(f"{VERIFY}?next=/ledger/")
    assert response.status_code == 302 and response["Location"] == f"{SETUP}?next=%2Fledger%2F"
    response = client.get(response["Location"])
    assert response.status_code == 200
    page = response.content.decode()
    assert 'src="data:image/svg+xml' in page  # the QR code, drawn here
    assert 'class="nav"></nav>' in page  # no menu of pages that would not open
    device = TOTPDevice.objects.get(user=xingdong_worker)
    assert not device.confirmed
    assert client.get(SETUP).content.decode().count("data:image/svg+xml") == 1
    assert TOTPDevice.objects.filter(user=xingdong_worker).count() == 1  # reload: same secret

    # the API and htmx requests are held too
    response = client.get("/api/v1/ledger/compounds")
    assert response.status_code == 403 and response.json()["code"] == "two_factor_required"
    response = client.get("/ledger/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith(VERIFY)

    # a wrong code, then a malformed one, are refused; nothing opens
    response = client.post(SETUP, {"token": wrong_code(device), "next": "/ledger/"})
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    response = client.post(SETUP, {"token": "12ab", "next": "/ledger/"})
    assert response.status_code == 400 and "6 位数字" in response.content.decode()
    assert client.get("/ledger/").status_code == 302
    throttle_waited()

    response = client.post(SETUP, {"token": code(device), "next": "/ledger/"})
    assert response.status_code == 302 and response["Location"] == "/ledger/"
    device.refresh_from_db()
    assert device.confirmed
    for path in ("/ledger/", "/grid/", "/cases/board/", "/finance/desk/"):
        assert client.get(path).status_code == 200, path
    assert client.get("/api/v1/ledger/compounds").status_code == 200


def test_each_later_login_asks_for_a_code(client, xingdong_worker):
    device = TOTPDevice.objects.create(user=xingdong_worker, name="手机", confirmed=True)
    sign_in(client, "xd_worker")
    assert client.get("/ledger/")["Location"] == f"{VERIFY}?next=%2Fledger%2F"
    response = client.get(SETUP)  # a confirmed device: no second QR code for the password alone
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)

    response = client.post(VERIFY, {"token": wrong_code(device), "next": "/ledger/"})
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    assert client.get("/ledger/").status_code == 302
    # straight away another try is held back (django-otp's throttle)
    response = client.post(VERIFY, {"token": code(device), "next": "/ledger/"})
    assert response.status_code == 429 and "稍候再试" in response.content.decode()
    throttle_waited()

    response = client.post(VERIFY, {"token": code(device), "next": "/ledger/"})
    assert response.status_code == 302 and response["Location"] == "/ledger/"
    assert client.get("/ledger/").status_code == 200

    # a code is good once: signed out and in again, the same code is refused, the next one works
    used = code(device)
    client.post("/logout/")
    sign_in(client, "xd_worker")
    throttle_waited()
    assert client.post(VERIFY, {"token": used}).status_code == 400
    throttle_waited()
    response = client.post(VERIFY, {"token": code(device, steps_ahead=1)})
    assert response.status_code == 302
    assert client.get("/ledger/").status_code == 200


def test_next_is_kept_on_our_own_site(client, xingdong_worker):
    device = TOTPDevice.objects.create(user=xingdong_worker, name="手机", confirmed=True)
    sign_in(client, "xd_worker")
    response = client.post(VERIFY, {"token": code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_superuser_is_held_at_the_admin(client, db):
    get_user_model().objects.create_superuser("root", password=RIGHT)
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": RIGHT})
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_roles_without_unmasking_are_not_asked(client, grid_world, regions, settings):
    make_user("fire", Role.DEPARTMENT_STAFF, regions["county"])
    for username, page in (
        ("jumin_a", "/cases/mine/"),
        ("fire", "/ledger/"),
        ("linzhang_a", "/grid/"),
    ):
        client.post("/logout/")
        sign_in(client, username)
        assert client.get(page).status_code == 200, username
    # the two-factor pages have nothing for them
    response = client.get(f"{SETUP}?next=/grid/")
    assert response.status_code == 302 and response["Location"] == "/grid/"
    assert not TOTPDevice.objects.exists()
    # the 三长 may unmask phones: a deployment can include them
    settings.LINLI_REQUIRE_2FA_LEADERS = True
    client.post("/logout/")
    sign_in(client, "linzhang_a")
    assert client.get("/grid/")["Location"].startswith(VERIFY)


def test_off_by_default_for_the_embedded_demo(client, xingdong_worker, settings):
    settings.LINLI_REQUIRE_2FA = False
    sign_in(client, "xd_worker")
    assert client.get("/ledger/").status_code == 200


def test_logout_is_always_reachable(client, xingdong_worker):
    sign_in(client, "xd_worker")
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_set_up_devices_show_in_the_admin_for_a_reset(admin_client, xingdong_worker):
    TOTPDevice.objects.create(user=xingdong_worker, name="手机", confirmed=True)
    # the admin_client superuser must pass a code too; give it a verified session
    admin = get_user_model().objects.get(username="admin")
    device = TOTPDevice.objects.create(user=admin, name="手机", confirmed=True)
    admin_client.post(VERIFY, {"token": code(device)})
    response = admin_client.get("/admin/otp_totp/totpdevice/")
    assert response.status_code == 200
    assert "xd_worker" in response.content.decode()
