"""The admin masks ID numbers and phones like the pages do; the full number is one logged act.

A resident 刘建国 (ID 430424195606055010, phone 13921869779) and a 社区工作人员 with a phone:
the admin's lists, search results, change forms and history never carry the clear values;
"显示完整号码" with a reason writes an AccessLog row before it shows them.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from linli.accounts.models import Role
from linli.core.models import AccessLog
from linli.ledger import services
from linli.ledger.models import Resident

from ..factories import make_user

ID = "430424195606055010"
PHONE = "13921869779"
WORKER_PHONE = "13812341234"


@pytest.fixture
def resident(compound):
    household = services.household_ensure(
        compound=compound, building="1栋", unit="1单元", room="101"
    )
    return services.resident_save(household=household, name="刘建国", id_number=ID, phone=PHONE)


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", password="x")


def _body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _no_clear(text: str, *values: str) -> None:
    for value in values:
        assert value not in text


def test_resident_list_and_search_are_masked(client, root, resident):
    client.force_login(root)
    url = reverse("admin:ledger_resident_changelist")
    for params in ({}, {"q": "刘建国"}, {"q": "刘"}):
        text = _body(client.get(url, params))
        _no_clear(text, ID, PHONE)
        assert "4304**********5010" in text and "139****9779" in text


def test_resident_change_form_never_renders_the_clear_values(client, root, resident):
    client.force_login(root)
    text = _body(client.get(reverse("admin:ledger_resident_change", args=[resident.pk])))
    _no_clear(text, ID, PHONE)
    assert "4304**********5010" in text and "139****9779" in text
    assert "显示完整号码" in text
    # the history list with its changes (old → new) and a historical version's form
    # (django-simple-history)
    services.resident_save(
        resident=resident, household=resident.household, name="刘建国", phone="13930284657"
    )
    text = _body(client.get(reverse("admin:ledger_resident_history", args=[resident.pk])))
    _no_clear(text, ID, PHONE, "13930284657")
    assert "139****9779" in text and "139****4657" in text
    record = resident.history.earliest()
    text = _body(
        client.get(reverse("admin:ledger_resident_simple_history", args=[resident.pk, record.pk]))
    )
    _no_clear(text, ID, PHONE)
    assert "4304**********5010" in text


def test_saving_the_form_blank_keeps_the_numbers_and_a_new_one_replaces(client, root, resident):
    client.force_login(root)
    url = reverse("admin:ledger_resident_change", args=[resident.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update(
        name="刘建国",
        household=resident.household_id,
        id_number="",
        phone="",
        relation=resident.relation,
        residence=resident.residence,
    )
    data = {k: v for k, v in data.items() if v is not False and not isinstance(v, list)}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    resident.refresh_from_db()
    assert (resident.id_number, resident.phone) == (ID, PHONE)
    response = client.post(url, {**data, "phone": "13930284657"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.id_number, resident.phone) == (ID, "13930284657")


def test_view_only_staff_see_masked_values(client, resident, regions):
    viewer = make_user("viewer", Role.COUNTY_OFFICIAL, regions["county"])
    viewer.is_staff = True
    viewer.save()
    viewer.user_permissions.add(Permission.objects.get(codename="view_resident"))
    client.force_login(viewer)
    text = _body(client.get(reverse("admin:ledger_resident_change", args=[resident.pk])))
    _no_clear(text, ID, PHONE)
    assert "4304**********5010" in text


def test_reveal_asks_a_reason_then_logs_before_showing(client, root, resident):
    client.force_login(root)
    url = reverse("admin:ledger_resident_reveal", args=[resident.pk])
    text = _body(client.get(url))
    _no_clear(text, ID, PHONE)
    assert "事由" in text
    text = _body(client.post(url, {"reason": "  "}))
    _no_clear(text, ID, PHONE)
    assert not AccessLog.objects.exists()
    text = _body(client.post(url, {"reason": "核实低保申请材料"}))
    assert ID in text and PHONE in text
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.subject, log.fields) == (
        root,
        "view",
        f"居民#{resident.pk}",
        "身份证号,联系电话",
    )
    assert "核实低保申请材料" in log.reason


def test_reveal_needs_a_role_that_may_unmask(client, resident, regions):
    """A staff user whose role does not see full numbers (a department) gets no reveal."""
    staff = make_user("fire", Role.DEPARTMENT_STAFF, regions["county"])
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="view_resident"))
    client.force_login(staff)
    url = reverse("admin:ledger_resident_reveal", args=[resident.pk])
    assert client.post(url, {"reason": "看看"}).status_code == 403
    assert not AccessLog.objects.exists()
    assert client.get(reverse("admin:ledger_resident_reveal", args=[999999])).status_code == 404


def test_profile_phones_are_masked_with_a_logged_reveal(client, root, xingdong_worker):
    xingdong_worker.profile.phone = WORKER_PHONE
    xingdong_worker.profile.save()
    client.force_login(root)
    profile = xingdong_worker.profile
    for url in (
        reverse("admin:accounts_profile_changelist"),
        reverse("admin:accounts_profile_change", args=[profile.pk]),
    ):
        text = _body(client.get(url))
        _no_clear(text, WORKER_PHONE)
        assert "138****1234" in text
    text = _body(
        client.post(
            reverse("admin:accounts_profile_reveal", args=[profile.pk]), {"reason": "联系核实"}
        )
    )
    assert WORKER_PHONE in text
    assert AccessLog.objects.get().subject == f"用户资料#{profile.pk}"


def test_the_resident_model_keeps_its_plain_attributes(resident):
    """The admin reads ``resident.id_number``/``.phone`` (kept plain in Python by the
    at-rest encryption) and never filters on them."""
    fresh = Resident.objects.get(pk=resident.pk)
    assert (fresh.id_number, fresh.phone) == (ID, PHONE)
