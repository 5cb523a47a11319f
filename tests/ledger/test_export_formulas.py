"""Formula injection (issue 10): a ledger full of hostile text exports without a single formula,
through the command, the API and the page, and imports back to the same text."""

import datetime as dt
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from linli.accounts.models import Role
from linli.ledger import services
from linli.ledger.io import ledger_export, ledger_import
from linli.ledger.models import Compound, Household, Resident
from tests.factories import make_user
from tests.formula_free import HOSTILE, HYPERLINK, xlsx_problems, xlsx_texts

from .test_api import API, approved_export, upload
from .test_import import make_id

# Text that comes back exactly; the tab and CR values lose their leading whitespace on import
# like any text does (the importer trims cells), see test_whitespace_values_come_back_trimmed.
ROUND_TRIP = [HYPERLINK, "+1+1", "-2+3", "@SUM(A1)", "'=1", "#N/A"]


_SEPARATORS = re.compile(r"[、，,;；/\s]")  # 人员类别 splits on these: no free tag with them


@pytest.fixture
def town_official(regions):
    return make_user("town", Role.TOWN_OFFICIAL, regions["town"], "镇干部")


def hostile_ledger(regions, values) -> Compound:
    """A compound whose every text fact is hostile, and one household per value with a
    resident of that name, note and (where it has no separator) free tag; the first house has
    a hostile building, unit and room; areas are numbers (which stay numbers)."""
    first, *_ = values
    compound = services.compound_create(
        community=regions["xingdong"],
        name=first,
        address=values[1 % len(values)],
        property_company=values[2 % len(values)],
        responsible_unit=values[3 % len(values)],
        guards_note=values[4 % len(values)],
        security_note=values[5 % len(values)],
        party_organisation=values[0],
        note=values[1 % len(values)],
        year_built=1993,
    )
    for i, value in enumerate(values):
        house = services.household_ensure(
            compound=compound,
            building="@1栋" if i == 0 else "1栋",
            unit="-1单元" if i == 0 else "1单元",
            room="+101" if i == 0 else f"{101 + i}",
            area=Decimal("68.50"),
            note=value,
        )
        services.resident_save(
            household=house,
            name=value,
            id_number=make_id(dt.date(1960, 1, 1 + i), 11),
            other_tags="" if _SEPARATORS.search(value) else value,
            note=value,
        )
    return compound


def test_every_hostile_value_is_text_in_the_exported_ledger(regions, tmp_path):
    hostile_ledger(regions, HOSTILE)
    path = tmp_path / "台账.xlsx"

    call_command("ledger", "export", str(path))

    assert xlsx_problems(path) == []
    texts = set(xlsx_texts(path))
    for value in HOSTILE:
        assert "'" + value in texts, value
    assert {"'@1栋", "'-1单元", "'+101"} <= texts
    sheet = openpyxl.load_workbook(path)["居民台账"]
    header = [cell.value for cell in sheet[2]]
    at = header.index("建筑面积")
    areas = [row[at] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert set(areas) == {68.5}  # numbers stay numbers


def test_the_api_and_page_exports_are_formula_free(client, regions, xingdong_worker, town_official):
    hostile_ledger(regions, HOSTILE)
    request_id = approved_export(client, xingdong_worker, town_official)
    response = client.get(f"{API}/export", {"request_id": request_id})
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert xlsx_problems(data) == []
    assert "'" + HYPERLINK in xlsx_texts(data)

    # a department downloads the masked ledger straight from the page
    client.force_login(make_user("fire", Role.DEPARTMENT_STAFF, regions["county"], "消防"))
    response = client.get(reverse("ledger:export"), {"download": "1"})
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert xlsx_problems(data) == []
    assert "'" + HYPERLINK in xlsx_texts(data)  # the compound's name


def test_export_then_import_gives_back_the_same_text(regions, tmp_path):
    hostile_ledger(regions, ROUND_TRIP)
    path = tmp_path / "export.xlsx"
    ledger_export(destination=path)

    again = ledger_import(source=path)
    assert again.ok, [str(e) for e in again.errors]
    assert again.changed == 0, again.counts

    snapshot = {
        "compounds": list(Compound.objects.values()),
        "households": list(Household.objects.values()),
        "residents": list(Resident.objects.values()),
    }
    Resident.objects.all().delete()
    Compound.objects.all().delete()
    assert ledger_import(source=path).ok

    def without_ids(rows, *fks):
        return sorted(
            ({k: v for k, v in row.items() if k != "id" and k not in fks} for row in rows),
            key=repr,
        )

    assert without_ids(Compound.objects.values()) == without_ids(snapshot["compounds"])
    assert without_ids(Household.objects.values(), "unit_id") == without_ids(
        snapshot["households"], "unit_id"
    )
    assert without_ids(Resident.objects.values(), "household_id") == without_ids(
        snapshot["residents"], "household_id"
    )
    assert set(Resident.objects.values_list("name", flat=True)) == set(ROUND_TRIP)


def test_the_api_round_trip_of_hostile_text_changes_nothing(
    client, regions, xingdong_worker, town_official
):
    hostile_ledger(regions, ROUND_TRIP)
    request_id = approved_export(client, xingdong_worker, town_official)
    data = b"".join(client.get(f"{API}/export", {"request_id": request_id}).streaming_content)

    response = client.post(f"{API}/imports", {"file": upload(data)})

    assert response.status_code == 200, response.json()
    changed = {
        (kind, outcome): n
        for kind, outcomes in response.json()["counts"].items()
        for outcome, n in outcomes.items()
        if outcome != "unchanged" and n
    }
    assert changed == {}


def test_whitespace_values_come_back_trimmed(regions, tmp_path):
    """``\\t=1`` is exported as ``'\\t=1`` (no formula); importing it removes the quote and then
    trims the cell as the importer trims every cell, so the name comes back as ``=1``, which
    the next export neutralises again."""
    hostile_ledger(regions, ["普通", "\t=1"])
    path = tmp_path / "export.xlsx"
    ledger_export(destination=path)
    assert "'\t=1" in xlsx_texts(path)

    assert ledger_import(source=path).ok
    assert set(Resident.objects.values_list("name", flat=True)) == {"普通", "=1"}
    ledger_export(destination=path)
    assert xlsx_problems(path) == [] and "'=1" in xlsx_texts(path)
