"""Excel export of the ledger: the round trip changes nothing, text ID cells, print setup,
one row per resident (and one per empty house), order, scope and the access log."""

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
import python_calamine
from django.core.management import CommandError, call_command
from stdnum.cn import ric

from linli.core.models import AccessLog
from linli.ledger import columns as c
from linli.ledger import services
from linli.ledger.io import ledger_export, ledger_import
from linli.ledger.models import (
    AreaSource,
    Compound,
    ConstructionBackground,
    Household,
    HouseholdUse,
    PropertyService,
    Relation,
    ResidenceStatus,
    Resident,
)

from .test_import import ledger_counts, write_sample_like


def make_id(birth: dt.date, seq: int) -> str:
    body = f"430424{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def ledger(regions, tmp_path):
    """The sample, plus what the sample does not show: a compound with a company and explicit
    security flags but no notes, a rented flat measured by survey, a resident without an ID
    number, a free tag, notes, and a compound in 新塘社区."""
    assert ledger_import(source=write_sample_like(tmp_path / "sample.xlsx")).ok
    managed = services.compound_create(
        community=regions["xingdong"],
        name="阳光花园",
        address="建设路1号",
        year_built=2010,
        construction_background=ConstructionBackground.COMMERCIAL,
        property_service=PropertyService.PROFESSIONAL,
        property_company="安居物业有限公司",
        responsible_unit="县住建局",
        has_gate=True,
        has_cameras=True,
        has_lighting=True,
        surveyed_buildings=10,
        latitude="27.083100",
        longitude="112.948200",
    )
    for room in ("10", "2"):
        services.household_ensure(compound=managed, building="10栋", unit="1单元", room=room)
    rented = services.household_ensure(
        compound=managed,
        building="2栋",
        unit="1单元",
        room="1201",
        area=Decimal("120.05"),
        area_source=AreaSource.SURVEYED,
        use=HouseholdUse.RENTED,
        note="租给外地务工人员",
    )
    services.resident_save(
        household=rented,
        name="无证租客",
        sex="F",
        relation=Relation.TENANT,
        residence=ResidenceStatus.LIVING_ONLY,
        other_tags="外来务工",
        note="暂无身份证",
    )
    services.resident_save(
        household=rented,
        name="房东",
        id_number=make_id(dt.date(1970, 1, 2), 13),
        phone="0734-5221234",
        is_owner=True,
        residence=ResidenceStatus.REGISTERED_ONLY,
        is_low_income=True,
    )
    xintang = services.compound_create(community=regions["xintang"], name="新塘小区")
    services.resident_save(
        household=services.household_ensure(
            compound=xintang, building="1栋", unit="1单元", room="101"
        ),
        name="新塘居民",
        id_number=make_id(dt.date(1980, 8, 8), 21),
    )
    return regions


def read(path, sheet):
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


def test_export_then_import_changes_nothing(ledger, tmp_path):
    path = tmp_path / "export.xlsx"
    counts = ledger_export(destination=path)
    assert counts == {"compounds": 4, "households": 11, "residents": 15}
    before = ledger_counts()

    result = ledger_import(source=path)

    assert result.ok, [str(e) for e in result.errors]
    assert result.changed == 0, result.counts
    assert result.counts["residents"]["unchanged"] == 15
    assert result.counts["households"]["unchanged"] == 11
    assert result.counts["compounds"]["unchanged"] == 4
    assert ledger_counts() == before


def test_round_trip_carries_every_fact(ledger, tmp_path):
    path = tmp_path / "export.xlsx"
    ledger_export(destination=path)
    snapshot = {
        "compounds": list(Compound.objects.order_by("pk").values()),
        "households": list(Household.objects.order_by("pk").values()),
        "residents": list(Resident.objects.order_by("pk").values()),
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


def test_sheets_titles_headers_and_print_setup(ledger, tmp_path):
    path = tmp_path / "export.xlsx"
    ledger_export(destination=path)
    book = openpyxl.load_workbook(path)

    assert book.sheetnames == [c.COMPOUND_SHEET, c.RESIDENT_SHEET]
    for sheet, keys, columns in (
        (c.COMPOUND_SHEET, c.COMPOUND_EXPORT, c.COMPOUND_ALL_COLUMNS),
        (c.RESIDENT_SHEET, c.RESIDENT_EXPORT, c.RESIDENT_ALL_COLUMNS),
    ):
        ws = book[sheet]
        assert "台账" in ws["A1"].value
        assert [cell.value for cell in ws[2]] == [columns[key][0] for key in keys]
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$2:$2"
        assert ws.column_dimensions["C"].width > 8


def test_compound_sheet_carries_every_fact(ledger, tmp_path):
    path = tmp_path / "export.xlsx"
    ledger_export(destination=path)
    header, *rows = read(path, c.COMPOUND_SHEET)[1:]
    by_name = {row[header.index("小区名称")]: dict(zip(header, row, strict=True)) for row in rows}

    grain = by_name["样例·粮站宿舍"]
    assert grain["是否三无"] == "是"
    assert (grain["实有户数"], grain["实有人数"], grain["实有楼栋数"]) == (5, 8, 2)
    assert (grain["建成年份"], grain["建设背景"], grain["物业服务情况"]) == (1993, "单位宿舍", "无")
    assert (grain["主管单位"], grain["人防情况"], grain["物防情况"]) == (
        "无",
        "无门卫",
        "无围墙、无监控",
    )
    sunny = by_name["阳光花园"]
    assert sunny["是否三无"] == "否"
    assert (sunny["物业服务情况"], sunny["物业企业"]) == ("专业物业公司", "安居物业有限公司")
    assert (sunny["门禁"], sunny["监控"], sunny["围墙围栏"], sunny["照明"]) == (
        "是",
        "是",
        "否",
        "是",
    )
    assert (float(sunny["纬度"]), float(sunny["经度"])) == (27.0831, 112.9482)
    assert (grain["纬度"], grain["经度"]) == (None, None)
    assert list(by_name) == ["阳光花园", "样例·粮站宿舍", "样例·东门安置小区", "新塘小区"]


def test_one_row_per_resident_and_one_for_an_empty_house(ledger, tmp_path):
    path = tmp_path / "export.xlsx"
    ledger_export(destination=path)
    header, *rows = read(path, c.RESIDENT_SHEET)[1:]
    rows = [dict(zip(header, row, strict=True)) for row in rows]

    assert len(rows) == 15 + 3  # residents + the vacant flat + two empty rooms of 阳光花园
    assert [row["序号"] for row in rows] == list(range(1, 19))
    vacant = next(r for r in rows if r["小区"] == "样例·粮站宿舍" and r["房号"] == "202")
    assert (vacant["姓名"], vacant["身份证号码"], vacant["房屋用途"]) == (None, None, "空置")
    assert vacant["房屋备注"] == "空置"
    sun = next(r for r in rows if r["姓名"] == "孙丽")
    assert (sun["身份证号码"], sun["性别"], sun["出生日期"]) == (
        "43042419850615746X",
        "女",
        "1985-06-15",
    )
    assert (sun["建筑面积"], sun["人员类别"], sun["与户主关系"]) == (72.3, "陪读家庭", "配偶")
    tenant = next(r for r in rows if r["姓名"] == "无证租客")
    assert (tenant["身份证号码"], tenant["人员类别"], tenant["居住状态"]) == (
        None,
        "外来务工",
        "人在户不在",
    )
    # sorted by community, compound, building (2栋 before 10栋), unit and room (2 before 10)
    sunny = [(r["楼栋"], r["房号"]) for r in rows if r["小区"] == "阳光花园"]
    assert sunny == [("2栋", "1201"), ("2栋", "1201"), ("10栋", "2"), ("10栋", "10")]
    assert [r["社区"] for r in rows][-1] == "新塘社区"


def test_id_numbers_and_phones_are_text_cells(ledger, tmp_path):
    path = tmp_path / "export.xlsx"
    ledger_export(destination=path)
    ws = openpyxl.load_workbook(path)[c.RESIDENT_SHEET]
    id_col = c.RESIDENT_EXPORT.index("id_number") + 1
    phone_col = c.RESIDENT_EXPORT.index("phone") + 1

    cells = [ws.cell(row=row, column=id_col) for row in range(3, ws.max_row + 1)]
    numbers = [cell for cell in cells if cell.value]
    assert len(numbers) == 14
    assert all(cell.data_type == "s" and cell.number_format == "@" for cell in numbers)
    assert "43042419850615746X" in {cell.value for cell in numbers}
    phones = [ws.cell(row=r, column=phone_col) for r in range(3, ws.max_row + 1)]
    assert all(cell.data_type == "s" for cell in phones if cell.value)
    # and a reader that types cells itself sees strings too
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
        c.RESIDENT_SHEET
    )
    values = [row[id_col - 1] for row in sheet.iter_rows()][2:]
    assert all(isinstance(value, str) for value in values)


def test_export_is_scoped_to_the_actor_and_logged(ledger, xintang_worker, tmp_path):
    path = tmp_path / "export.xlsx"

    counts = ledger_export(destination=path, actor=xintang_worker)

    assert counts == {"compounds": 1, "households": 1, "residents": 1}
    names = [row[c.RESIDENT_EXPORT.index("name")] for row in read(path, c.RESIDENT_SHEET)[2:]]
    assert names == ["新塘居民"]
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.count) == (xintang_worker, "export", 1)
    assert log.subject == "台账导出"
    assert log.fields == "身份证号,联系电话"


def test_export_of_one_community(ledger, county_official, tmp_path):
    path = tmp_path / "export.xlsx"

    counts = ledger_export(destination=path, actor=county_official, community=ledger["xingdong"])

    assert counts == {"compounds": 3, "households": 10, "residents": 14}
    assert AccessLog.objects.get().subject == "台账导出（兴东社区）"


def test_export_without_an_actor_writes_no_access_log(ledger, tmp_path):
    ledger_export(destination=tmp_path / "export.xlsx")
    assert not AccessLog.objects.exists()


def test_command_exports_one_community(ledger, tmp_path, capsys):
    path = tmp_path / "兴东.xlsx"

    call_command("ledger", "export", str(path), "--community", "兴东社区")

    assert "居民 14 人" in capsys.readouterr().out
    assert len(read(path, c.RESIDENT_SHEET)) == 2 + 14 + 3


def test_command_rejects_an_unknown_community(ledger, tmp_path):
    with pytest.raises(CommandError, match="社区“火星社区”不存在"):
        call_command("ledger", "export", str(tmp_path / "x.xlsx"), "--community", "火星社区")
