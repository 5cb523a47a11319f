"""Every persona against every stored file: a case photo (case of household 101), a visit
photo (household 101), a voucher (a pending entry of 粮站宿舍's public account).

A file goes to whoever may see its owner — the case, the household, the account's drafts —
and to nobody else; out of scope answers exactly like an id that does not exist (same status,
same body). The personas and places are the permission matrix's (``test_permission_matrix``).
"""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from .test_permission_matrix import EXPECTED, later_world, world  # noqa: F401  (fixtures)

COLUMNS = ("case_photo", "visit_photo", "voucher")
URLS = {
    "case_photo": "/cases/photos/{}/",
    "visit_photo": "/grid/visit-photos/{}/",
    "voucher": "/commons/vouchers/{}/",
}
# fmt: off
FILES_EXPECTED = {
    #                case visit voucher
    "superuser":    (200, 200, 200),
    "county":       (200, 200, 200),
    "town":         (200, 200, 200),
    "xd_worker":    (200, 200, 200),
    "xt_worker":    (404, 404, 404),
    "department":   (404, 404, 404),
    "area_leader":  (200, 200, 404),
    "group_leader": (200, 200, 404),
    "leader_a":     (200, 200, 404),
    "leader_b":     (404, 404, 404),
    "committee":    (404, 200, 200),
    "resident_a":   (200, 200, 404),
    "resident_b":   (404, 404, 404),
    "anonymous":    (302, 302, 302),
}
# fmt: on


def jpeg(name: str) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), "orange").save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


@pytest.fixture
def files(later_world, grid_world, compound):  # noqa: F811
    from linli.cases import services as case_services
    from linli.commons import services as commons_services
    from linli.commons.models import PublicAccount
    from linli.grid import services as grid_services

    people, _ids = later_world
    case = case_services.case_report(
        actor=grid_world["resident_a"],
        household=grid_world["households"]["101"],
        category="sanitation",
        description="楼道堆放杂物",
        photos=[jpeg("stairs.jpg")],
    )
    visit = grid_services.visit_record(
        actor=grid_world["leader_a"],
        household=grid_world["households"]["101"],
        visited_on=timezone.localdate(),
        met="刘建国",
        photos=[jpeg("visit.jpg")],
    )
    entry = commons_services.entry_create(
        actor=people["xd_worker"],
        account=PublicAccount.objects.get(compound=compound),
        kind="parking",
        amount="300.00",
        date=timezone.localdate() - dt.timedelta(days=1),
        counterparty="院内停车管理员",
        description="院内泊车费",
        vouchers=[jpeg("receipt.jpg")],
    )
    ids = {
        "case_photo": case.photos.get().pk,
        "visit_photo": visit.photos.get().pk,
        "voucher": entry.vouchers.get().pk,
    }
    return people, ids


def test_every_persona_is_in_the_file_matrix():
    assert set(FILES_EXPECTED) == set(EXPECTED)


@pytest.mark.parametrize("persona", list(FILES_EXPECTED))
def test_file_matrix(client, files, persona):
    people, ids = files
    user = people[persona]
    if user is not None:
        client.force_login(user)
    got = {}
    for column in COLUMNS:
        response = client.get(URLS[column].format(ids[column]))
        got[column] = response.status_code
        if response.status_code == 200:
            assert response["Content-Type"] == "image/jpeg"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "sandbox" in response["Content-Security-Policy"]
            assert response["Content-Disposition"].startswith("inline;")
        if response.status_code in (302, 404):
            # out of scope is exactly a missing id: same status, same body
            missing_id = ids[column] + 10_000
            missing = client.get(URLS[column].format(missing_id))
            assert missing.status_code == response.status_code
            url, missing_url = (URLS[column].format(i).encode() for i in (ids[column], missing_id))
            assert missing.content.replace(missing_url, b"#") == response.content.replace(url, b"#")
            if response.status_code == 302:
                assert response["Location"].startswith("/login/")
    assert got == dict(zip(COLUMNS, FILES_EXPECTED[persona], strict=True))


def test_nothing_is_served_from_media_url(client, files, settings):
    from linli.cases.models import CasePhoto

    people, ids = files
    client.force_login(people["superuser"])
    photo = CasePhoto.objects.get(pk=ids["case_photo"])
    assert (settings.MEDIA_ROOT / photo.image.name).exists()
    assert client.get(settings.MEDIA_URL + photo.image.name).status_code == 404
