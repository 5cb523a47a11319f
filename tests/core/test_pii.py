"""Personal data at rest: ID numbers and phones are AES-GCM ciphertext in the database (history
tables too), with keyed hashes beside them; the key rotates with `linli pii rotate-key`, and
import, export, search and moves by ID number keep working under the new key.

Keys A and B stand for the key before and after a rotation."""

import io
import os
import runpy
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

import linli
from linli.accounts.models import Profile
from linli.core import crypto, pii
from linli.finance.selectors import household_search
from linli.ledger import services
from linli.ledger.io import ledger_export, ledger_import
from linli.ledger.models import ImportBatch, Resident

from ..ledger.test_import import SAMPLE_PEOPLE, write_sample_like

KEY_A = bytes(range(32))
KEY_B = bytes(range(100, 132))
HASH_KEY = bytes(range(200, 232))
ID = "430424195606055010"  # 刘建国 in the sample
PHONE = "13921869779"
SUN_ID = "43042419850615746X"  # 孙丽, typed with a lower-case x in the sample


@pytest.fixture
def key_a(settings):
    settings.LINLI_PII_KEY = KEY_A
    settings.LINLI_PII_OLD_KEYS = []
    settings.LINLI_PII_HASH_KEY = HASH_KEY
    return settings


def stored_values() -> list[str]:
    """Every non-blank value of every encrypted column, as stored."""
    qn = connection.ops.quote_name
    values = []
    with connection.cursor() as cursor:
        for table in pii.encrypted_tables():
            for column in table.columns:
                cursor.execute(
                    f"SELECT {qn(column)} FROM {qn(table.table)} WHERE {qn(column)} <> ''"
                )
                values += [row[0] for row in cursor.fetchall()]
    return values


def raw_resident(pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, id_number_hash, phone, phone_hash FROM ledger_resident "
            "WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()


# -- the crypto module -----------------------------------------------------------------------


def test_values_round_trip_and_carry_the_key_id(key_a):
    stored = crypto.encrypt(ID)
    assert stored.startswith(crypto.key_id(KEY_A) + ":")
    assert ID not in stored
    assert crypto.decrypt(stored) == ID
    assert crypto.encrypt(ID) != stored  # a fresh nonce each time
    assert crypto.encrypt("") == "" and crypto.encrypt(None) is None


def test_an_altered_value_or_an_unknown_key_is_refused(key_a):
    stored = crypto.encrypt(ID)
    kid, _, body = stored.partition(":")
    flipped = body[:20] + ("A" if body[20] != "A" else "B") + body[21:]  # inside the ciphertext
    with pytest.raises(crypto.PiiKeyError):
        crypto.decrypt(f"{kid}:{flipped}")
    key_a.LINLI_PII_KEY = KEY_B
    with pytest.raises(crypto.PiiKeyError, match="LINLI_PII_OLD_KEYS"):
        crypto.decrypt(stored)
    key_a.LINLI_PII_OLD_KEYS = [KEY_A]
    assert crypto.decrypt(stored) == ID


def test_hashes_normalise_and_keep_kinds_apart(key_a):
    assert crypto.id_number_hash("43042419850615746x") == crypto.id_number_hash(SUN_ID)
    assert crypto.id_number_hash(" 430424 19850615746X ") == crypto.id_number_hash(SUN_ID)
    assert crypto.id_number_hash("４３０４２４１９８５０６１５７４６Ｘ") == crypto.id_number_hash(
        SUN_ID
    )
    assert crypto.phone_hash("+86 139 2186 9779") == crypto.phone_hash(PHONE)
    assert crypto.phone_hash("0734-5221234") == crypto.phone_hash("07345221234")
    assert crypto.id_number_hash("13921869779") != crypto.phone_hash("13921869779")
    assert crypto.id_number_hash("") is None and crypto.phone_hash("--") is None
    # the hash key, not the encryption key, decides the hash
    before = crypto.id_number_hash(ID)
    key_a.LINLI_PII_KEY = KEY_B
    assert crypto.id_number_hash(ID) == before
    key_a.LINLI_PII_HASH_KEY = KEY_B
    assert crypto.id_number_hash(ID) != before


@pytest.mark.parametrize(
    "raw", [KEY_A.hex(), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", KEY_A.hex().upper()]
)
def test_keys_are_read_as_hex_or_base64(raw):
    assert crypto.parse_key("LINLI_PII_KEY", raw) == KEY_A


@pytest.mark.parametrize("raw", ["short", "AAEC", KEY_A.hex()[:-2], "zz" * 32])
def test_a_bad_key_stops_start_up(raw):
    with pytest.raises(ImproperlyConfigured, match="LINLI_PII_KEY"):
        crypto.parse_key("LINLI_PII_KEY", raw)


def _settings(monkeypatch, tmp_path, **env) -> dict:
    for name in [n for n in os.environ if n.startswith("LINLI_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(linli.__file__).with_name("settings.py")))


def test_production_needs_both_keys_and_development_has_its_own(monkeypatch, tmp_path):
    production = {"LINLI_DEBUG": "0", "LINLI_SECRET_KEY": "s" * 60}
    with pytest.raises(ImproperlyConfigured, match="LINLI_PII_KEY must be set"):
        _settings(monkeypatch, tmp_path, **production)
    with pytest.raises(ImproperlyConfigured, match="LINLI_PII_HASH_KEY must be set"):
        _settings(monkeypatch, tmp_path, **production, LINLI_PII_KEY=KEY_A.hex())
    with pytest.raises(ImproperlyConfigured, match="LINLI_PII_OLD_KEYS"):
        _settings(
            monkeypatch,
            tmp_path,
            **production,
            LINLI_PII_KEY=KEY_A.hex(),
            LINLI_PII_HASH_KEY=HASH_KEY.hex(),
            LINLI_PII_OLD_KEYS="nonsense",
        )
    s = _settings(
        monkeypatch,
        tmp_path,
        **production,
        LINLI_PII_KEY=KEY_B.hex(),
        LINLI_PII_HASH_KEY=HASH_KEY.hex(),
        LINLI_PII_OLD_KEYS=f"{KEY_A.hex()}, ",
    )
    assert (s["LINLI_PII_KEY"], s["LINLI_PII_OLD_KEYS"]) == (KEY_B, [KEY_A])
    s = _settings(monkeypatch, tmp_path, LINLI_DEBUG="1")
    assert s["LINLI_PII_KEY"] == crypto.DEVELOPMENT_KEY


# -- the model fields --------------------------------------------------------------------------


@pytest.fixture
def resident(key_a, compound):
    household = services.household_ensure(
        compound=compound, building="1栋", unit="1单元", room="101"
    )
    return services.resident_save(household=household, name="刘建国", id_number=ID, phone=PHONE)


def test_the_database_holds_ciphertext_and_hashes_python_the_values(resident):
    id_number, id_hash, phone, phone_hash = raw_resident(resident.pk)
    assert ID not in id_number and PHONE not in phone
    assert id_number.startswith(crypto.key_id(KEY_A) + ":")
    assert (id_hash, phone_hash) == (crypto.id_number_hash(ID), crypto.phone_hash(PHONE))
    fresh = Resident.objects.get(pk=resident.pk)
    assert (fresh.id_number, fresh.phone) == (ID, PHONE)
    assert list(Resident.objects.values_list("id_number", "phone")) == [(ID, PHONE)]
    history = resident.history.get()
    assert (history.id_number, history.phone) == (ID, PHONE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM ledger_historicalresident")
        assert all(ID not in a and PHONE not in b for a, b in cursor.fetchall())


def test_an_encrypted_column_refuses_comparisons_but_not_blank(resident):
    with pytest.raises(TypeError, match="id_number_hash"):
        Resident.objects.filter(id_number=ID).count()
    with pytest.raises(Exception):  # noqa: B017 - Django's own "unsupported lookup" error
        Resident.objects.filter(phone__startswith="139").count()
    assert Resident.objects.exclude(phone="").count() == 1
    assert Resident.objects.filter(id_number__isnull=False).count() == 1
    assert Resident.objects.filter(id_number_hash=crypto.id_number_hash(ID)).get() == resident


def test_id_numbers_stay_unique_through_the_hash(resident):
    with pytest.raises(IntegrityError), transaction.atomic():
        Resident.objects.create(household=resident.household, name="冒名", id_number=ID)


def test_the_admin_refuses_a_duplicate_id_number_as_a_form_error(resident, client):
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    url = reverse("admin:ledger_resident_add")
    form = {"household": resident.household_id, "name": "冒名", "id_number": ID.lower()}
    form |= {"relation": "head", "residence": "resident", "phone": ""}
    response = client.post(url, form)
    assert response.status_code == 200
    assert "该身份证号已属于另一条记录" in response.content.decode()
    assert Resident.objects.count() == 1


def test_update_fields_saves_the_hash_too(resident, key_a, xingdong_worker):
    profile = Profile.objects.get(user=xingdong_worker)
    profile.phone = "13812341234"
    profile.save(update_fields=["phone"])
    assert Profile.objects.filter(phone_hash=crypto.phone_hash("138 1234 1234")).get() == profile


def test_the_migration_step_encrypts_clear_rows_and_fills_hashes(resident):
    tables = [pii.EncryptedTable.of(Resident), pii.EncryptedTable.of(Resident.history.model)]
    pii.decrypt_values(tables, connection=connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_resident SET id_number_hash = NULL, phone_hash = ''")
    assert raw_resident(resident.pk) == (ID, None, PHONE, "")

    pii.encrypt_clear_values(tables, connection=connection, batch_size=1)
    pii.encrypt_clear_values(tables, connection=connection)  # twice: nothing encrypted twice

    id_number, id_hash, phone, phone_hash = raw_resident(resident.pk)
    assert crypto.decrypt(id_number) == ID and crypto.decrypt(phone) == PHONE
    assert (id_hash, phone_hash) == (crypto.id_number_hash(ID), crypto.phone_hash(PHONE))
    assert Resident.history.get().id_number == ID


def test_the_import_record_keeps_no_number_in_clear(key_a, regions, tmp_path):
    people = [list(p) for p in SAMPLE_PEOPLE]
    people[1][6:8] = ["男", people[0][7]]  # 陈秀英 typed with 刘建国's ID number: a duplicate
    result = ledger_import(source=write_sample_like(tmp_path / "dup.xlsx", people))
    assert [e.code for e in result.errors] == ["ledger.duplicate_id_number"]
    assert result.errors[0].value == ID  # shown to the person importing, to fix the file
    stored = ImportBatch.objects.get(pk=result.batch_id)
    assert ID not in str(stored.errors) and ID not in str(stored.warnings)
    assert stored.errors[0]["value"] == "4304**********5010"
    assert "4304**********5010" in stored.errors[0]["message"]


# -- rotation ----------------------------------------------------------------------------------


def _rotate(settings, *args) -> str:
    settings.LINLI_PII_KEY = KEY_B
    settings.LINLI_PII_OLD_KEYS = [KEY_A]
    out = io.StringIO()
    call_command("pii", "rotate-key", *args, stdout=out)
    return out.getvalue()


def test_rotation_then_import_export_search_and_moves_work(
    key_a, regions, xingdong_worker, client, tmp_path
):
    assert ledger_import(source=write_sample_like(tmp_path / "a.xlsx")).ok
    profile = Profile.objects.get(user=xingdong_worker)
    profile.phone = "13812341234"
    profile.save()
    before = stored_values()
    assert len(before) > 40  # 12 residents × 2 (ID, phone) in rows and history, one profile
    assert all(v.startswith(crypto.key_id(KEY_A) + ":") for v in before)

    out = _rotate(key_a, "--batch-size", "5")

    assert "仍在旧密钥下：0" in out
    after = stored_values()
    assert len(after) == len(before)
    assert all(v.startswith(crypto.key_id(KEY_B) + ":") for v in after)
    # the old key is no longer needed
    key_a.LINLI_PII_OLD_KEYS = []
    assert Profile.objects.get(pk=profile.pk).phone == "13812341234"

    # import: a workbook that names 孙丽 by her ID number in another room moves her
    sun = Resident.objects.get(name="孙丽")
    people = [list(p) for p in SAMPLE_PEOPLE]
    people[4][3], people[4][4] = "102", "68.5"
    result = ledger_import(source=write_sample_like(tmp_path / "b.xlsx", people))
    assert result.ok, [str(e) for e in result.errors]
    assert (result.counts["residents"]["moved"], result.counts["residents"]["created"]) == (1, 0)
    sun.refresh_from_db()
    assert (sun.household.room, sun.id_number) == ("102", SUN_ID)

    # export: the plain numbers
    path = tmp_path / "export.xlsx"
    ledger_export(destination=path)
    cells = {
        cell
        for sheet in openpyxl.load_workbook(path, read_only=True).worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    }
    assert {SUN_ID, ID, PHONE} <= cells

    # search: the admin (exact ID number, typed with a lower-case x) and the fee desk (phone)
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    page = client.get(reverse("admin:ledger_resident_changelist"), {"q": SUN_ID.lower()})
    assert "孙丽" in page.content.decode() and "刘建国" not in page.content.decode()
    found = household_search(actor=xingdong_worker, text="139 2186 9779")
    assert [h.room for h in found] == ["101"]

    # a move by ID number through the service (the API's path)
    other = services.household_ensure(
        compound=sun.household.unit.building.compound, building="2栋", unit="1单元", room="101"
    )
    moved = services.resident_save(household=other, name="孙丽", id_number=SUN_ID.lower())
    assert moved.pk == sun.pk and moved.household == other


def test_rotation_resumes_after_an_interruption(key_a, regions, tmp_path):
    assert ledger_import(source=write_sample_like(tmp_path / "a.xlsx")).ok
    assert pii.pii_stale_count() == 0
    key_a.LINLI_PII_KEY, key_a.LINLI_PII_OLD_KEYS = KEY_B, [KEY_A]
    total = pii.pii_stale_count()
    assert total == 24  # 12 residents and their 12 history rows

    class Interrupted(Exception):
        pass

    def stop(table, done):
        raise Interrupted

    with pytest.raises(Interrupted):
        pii.pii_rotate_key(batch_size=3, progress=stop)
    left = pii.pii_stale_count()
    assert 0 < left == total - 3

    out = _rotate(key_a)
    assert f"待重新加密的行：{left}" in out and "仍在旧密钥下：0" in out
    assert _rotate(key_a).count("已重新加密") == 0  # nothing left: a rerun touches nothing


def test_rotation_without_the_old_key_names_it_and_changes_nothing(resident, key_a):
    before = stored_values()
    key_a.LINLI_PII_KEY = KEY_B
    with pytest.raises(CommandError, match=crypto.key_id(KEY_A)):
        call_command("pii", "rotate-key", stdout=io.StringIO())
    assert stored_values() == before


def test_status_counts_values_per_key(resident, key_a):
    out = io.StringIO()
    call_command("pii", "status", stdout=out)
    assert f"{crypto.key_id(KEY_A)}" in out.getvalue() and "当前密钥" in out.getvalue()


def test_development_key_is_not_the_test_keys():
    assert crypto.key_id(crypto.DEVELOPMENT_KEY) not in {crypto.key_id(KEY_A), crypto.key_id(KEY_B)}
