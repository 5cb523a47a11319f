"""Excel import of the ledger: the sample, every kind of bad input, all-or-nothing, idempotent
re-import, updates in place, moves, scope, the command's exit codes, and the reader."""

import datetime as dt
import io
import random
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from stdnum.cn import ric

from linli.accounts.models import Role
from linli.core import crypto
from linli.ledger import services
from linli.ledger.io import ImportResult, RowIssue, ledger_import
from linli.ledger.io import values as v
from linli.ledger.io.workbook import CalamineWorkbook, XlsxWorkbook, open_workbook
from linli.ledger.models import (
    Building,
    Compound,
    ConstructionBackground,
    Household,
    HouseholdUse,
    ImportBatch,
    PropertyService,
    Relation,
    Resident,
    Unit,
)
from linli.ledger.validation import InvalidValue, normalise_phone, parse_id_number
from tests.factories import make_user

SAMPLE = Path("/work/shared/samples/兴东社区台账样例.xlsx")

# The sample's people: (name, ID number as typed, phone as typed, relation, tags).
SAMPLE_PEOPLE = [
    ("样例·粮站宿舍", "1栋", "1单元", "101", "68.5㎡", "刘建国", "男", "430424195606055010",
     "139 2186 9779", "户主", "党员", None),
    ("样例·粮站宿舍", "1栋", "1单元", "101", "68.5㎡", "陈秀英", "女", "430424195802127405",
     "139 9313 4517", "配偶", None, None),
    ("样例·粮站宿舍", "1栋", "1单元", "102", "68.5", "王桂兰", "女", "430424194101035562",
     "139 2144 4943", "户主", "独居老人", None),
    ("样例·粮站宿舍", "1栋", "1单元", "201", "72.30平方米", "赵志强", "男", "430424198202185410",
     "139 3028 4657", "户主", None, None),
    ("样例·粮站宿舍", "1栋", "1单元", "201", "72.30平方米", "孙丽", "女", "43042419850615746x",
     "139 6924 5911", "配偶", "陪读家庭", None),
    ("样例·粮站宿舍", "1栋", "1单元", "201", "72.30平方米", "赵一诺", "女", "430424201504262324",
     None, "子女", None, None),
    ("样例·粮站宿舍", "1栋", "1单元", "202", "72.3", None, None, None, None, None, None, "空置"),
    ("样例·粮站宿舍", "2栋", "1单元", "101", "80", "周德明", "男", "430424194902193894",
     "139 9111 6627", "户主", "退役军人、党员", None),
    ("样例·粮站宿舍", "2栋", "1单元", "101", "80", "吴春花", "女", "430424195212153689",
     "139 2199 2934", "配偶", "残疾", None),
    ("样例·东门安置小区", "A栋", "2单元", "301", "90.12", "郑伟", "男", "430424197509142154",
     "139 3490 9011", "户主", "低保", None),
    ("样例·东门安置小区", "A栋", "2单元", "301", "90.12", "郑小宝", "男", "430424201707028511",
     None, "孙子女", "留守儿童", None),
    ("样例·东门安置小区", "A栋", "2单元", "302", "90.12", "黄玉梅", "女", "430424194609194046",
     "139 6737 9137", "户主", "空巢老人", None),
    ("样例·东门安置小区", "A栋", "2单元", "302", "90.12", "李德福", "男", "430424194410265812",
     "139 2533 5422", "配偶", "空巢老人、党员", None),
]  # fmt: skip
SAMPLE_COMPOUNDS = [
    (1, "兴东社区", "样例·粮站宿舍", "洣水镇建设路18号", 1993, "单位宿舍", 2, 16, "无", None,
     "无", "无门卫", "无围墙、无监控", 3, "未建立", "原粮站职工宿舍，单位改制后无人管理"),
    (2, "兴东社区", "样例·东门安置小区", "洣水镇东门路6号", 2004, "拆迁安置", 1, 12, "社区托管",
     None, "无", "有门卫（志愿者轮值）", "有门禁", 2, "小区党小组", "2025年起社区托管"),
]  # fmt: skip
COMPOUND_HEADER = [
    "序号", "社区", "小区名称", "地址", "建成年份", "建设背景", "楼栋数", "户数", "物业服务情况",
    "物业企业", "主管单位", "人防情况", "物防情况", "党员人数", "党组织建设情况", "备注",
]  # fmt: skip
RESIDENT_HEADER = [
    "社区", "小区", "楼栋", "单元", "房号", "建筑面积", "姓名", "性别", "身份证号码",
    "联系电话", "与户主关系", "人员类别", "备注",
]  # fmt: skip


def write_sample_like(path: Path, people=SAMPLE_PEOPLE) -> Path:
    """The shape of the shared sample, built here so the tests do not depend on it: a merged
    title, a 填报单位 row, a two-level merged header (序号/备注 only in the upper level), a
    full-width space in 姓　名, a 合计 row, an empty row and a signature line."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "三无小区台账"
    ws.append(["洣水镇兴东社区“三无小区”基础信息台账"])
    ws.merge_cells("A1:P1")
    ws.append(COMPOUND_HEADER)
    for row in SAMPLE_COMPOUNDS:
        ws.append(list(row))
    ws = wb.create_sheet("居民台账")
    ws.append(["兴东社区居民基础信息台账"])
    ws.merge_cells("A1:M1")
    ws.append(["填报单位：兴东社区居委会", *[None] * 7, "填报日期：2026年11月20日"])
    ws.append(["序号", "房屋信息", None, None, None, None, "人员信息", *[None] * 5, "备注"])
    ws.merge_cells("B3:F3")
    ws.merge_cells("G3:L3")
    ws.append([None, "小区", "楼栋", "单元", "房号", "建筑面积", "姓\u3000名", "性别",
               "身份证号码", "联系电话", "与户主关系", "人员类别", None])  # fmt: skip
    for seq, person in enumerate(people, start=1):
        ws.append([seq, *person])
    ws.append(["合计", None, None, None, None, None, f"{len(people) - 1}人"])
    ws.append([])
    ws.append(["填表人：社区网格员", *[None] * 5, "审核人：社区党总支"])
    wb.save(path)
    return path


def sample_sources():
    sources = ["built"]
    if SAMPLE.exists():
        sources.append("shared")
    return sources


@pytest.fixture(params=sample_sources())
def sample(request, tmp_path) -> Path:
    if request.param == "shared":
        return SAMPLE
    return write_sample_like(tmp_path / "兴东社区台账样例.xlsx")


@pytest.fixture
def sample_path(tmp_path) -> Path:
    return write_sample_like(tmp_path / "sample.xlsx")


def make_id(birth: dt.date, seq: int, region: str = "430424") -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def residents_workbook(path: Path, rows, header=RESIDENT_HEADER, sheet="居民台账", title=True):
    """A small workbook: a title row (row 1), the header (row 2), data from row 3."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append(["居民基础信息台账"])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def person(room="101", name="张三", number=None, sex=None, area="80", **more):
    if number is None:
        number = make_id(dt.date(1960, 1, 1), 11)
    if sex is None:
        sex = "男" if int(number[16]) % 2 else "女"
    values = {
        "社区": "兴东社区",
        "小区": "粮站宿舍",
        "楼栋": "1栋",
        "单元": "1单元",
        "房号": room,
        "建筑面积": area,
        "姓名": name,
        "性别": sex,
        "身份证号码": number,
        "联系电话": "13921869779",
        "与户主关系": "户主",
        "人员类别": "",
        "备注": "",
    }
    values.update(more)
    return [values[h] for h in RESIDENT_HEADER]


def ledger_counts() -> tuple[int, ...]:
    return (
        Compound.objects.count(),
        Building.objects.count(),
        Unit.objects.count(),
        Household.objects.count(),
        Resident.objects.count(),
        Compound.history.count(),
        Household.history.count(),
        Resident.history.count(),
    )


def codes(result: ImportResult) -> list[str]:
    return [e.code for e in result.errors]


# -- the sample ------------------------------------------------------------------------------


def test_sample_imports_into_xingdong(regions, sample):
    result = ledger_import(source=sample)

    assert result.ok, [str(e) for e in result.errors]
    assert result.counts == {
        "compounds": {"created": 2, "updated": 0, "unchanged": 0},
        "buildings": {"created": 3, "unchanged": 0},
        "units": {"created": 3, "unchanged": 0},
        "households": {"created": 7, "updated": 0, "unchanged": 0},
        "residents": {"created": 12, "updated": 0, "moved": 0, "unchanged": 0},
    }
    assert result.changed == 2 + 3 + 3 + 7 + 12
    grain, east = Compound.objects.order_by("pk")
    assert grain.community == regions["xingdong"]
    assert (grain.name, east.name) == ("样例·粮站宿舍", "样例·东门安置小区")
    assert Household.objects.count() == 7
    assert Resident.objects.count() == 12
    # the vacant flat: a household with use=vacant and no residents
    vacant = Household.objects.get(unit__building__name="1栋", room="202")
    assert vacant.use == HouseholdUse.VACANT
    assert vacant.note == "空置"
    assert not vacant.residents.exists()
    assert vacant.area == Decimal("72.30")
    # areas written 68.5㎡ / 68.5 / 72.30平方米 / 80
    areas = {
        (h.unit.building.name, h.room): h.area
        for h in Household.objects.select_related("unit__building")
    }
    assert areas[("1栋", "101")] == Decimal("68.50")
    assert areas[("1栋", "102")] == Decimal("68.50")
    assert areas[("1栋", "201")] == Decimal("72.30")
    assert areas[("2栋", "101")] == Decimal("80.00")
    assert areas[("A栋", "301")] == Decimal("90.12")
    # the lower-case x is stored upper-case; sex and birth date come from the number
    sun = Resident.objects.get(name="孙丽")
    assert sun.id_number == "43042419850615746X"
    assert (sun.sex, sun.birth_date) == ("F", dt.date(1985, 6, 15))
    assert sun.is_study_companion and not sun.is_party_member
    liu = Resident.objects.get(name="刘建国")
    assert (liu.sex, liu.birth_date, liu.phone) == ("M", dt.date(1956, 6, 5), "13921869779")
    assert liu.relation == Relation.HEAD and liu.is_party_member
    assert Resident.objects.get(name="赵一诺").phone == ""
    li = Resident.objects.get(name="李德福")
    assert li.relation == Relation.SPOUSE and li.is_empty_nest and li.is_party_member
    assert Resident.objects.get(name="郑小宝").relation == Relation.GRANDCHILD
    assert Resident.objects.get(name="周德明").tag_labels() == ["党员", "退役军人"]
    # the compound facts
    assert grain.construction_background == ConstructionBackground.WORK_UNIT_DORMITORY
    assert grain.property_service == PropertyService.NONE and grain.responsible_unit == ""
    assert (grain.has_guards, grain.has_fence, grain.has_cameras) == (False, False, False)
    assert grain.is_sanwu
    assert grain.security_note == "无围墙、无监控"
    assert grain.note == "原粮站职工宿舍，单位改制后无人管理"  # punctuation kept as written
    assert (grain.year_built, grain.surveyed_buildings, grain.surveyed_households) == (1993, 2, 16)
    assert east.property_service == PropertyService.COMMUNITY_CUSTODY
    assert east.has_guards and east.guards_note == "有门卫（志愿者轮值）"
    assert east.has_gate and not east.has_cameras
    assert not east.is_sanwu
    # the record of the run; everyone was born before 衡东县's code (1983) existed, which is
    # normal and not even a warning (domain-rules.md §2)
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert batch.status == ImportBatch.Status.APPLIED
    assert batch.summary == result.counts
    assert "ledger.id_region" not in {w.code for w in result.warnings}
    # history rows for every created household and resident
    assert Resident.history.filter(history_type="+").count() == 12
    assert Household.history.filter(history_type="+").count() == 7


def test_reimport_changes_nothing(regions, sample):
    assert ledger_import(source=sample).ok
    before = ledger_counts()

    result = ledger_import(source=sample)

    assert result.ok
    assert result.changed == 0
    assert result.counts["residents"] == {"created": 0, "updated": 0, "moved": 0, "unchanged": 12}
    assert result.counts["households"]["unchanged"] == 7
    assert result.counts["compounds"]["unchanged"] == 2
    assert ledger_counts() == before  # no new rows, no new history rows


def test_dry_run_writes_nothing(regions, sample_path):
    before = ledger_counts()

    result = ledger_import(source=sample_path, dry_run=True)

    assert result.ok and result.dry_run
    assert result.counts["residents"]["created"] == 12
    assert result.counts["households"]["created"] == 7
    assert ledger_counts() == before
    assert ImportBatch.objects.get(pk=result.batch_id).status == ImportBatch.Status.DRY_RUN


def test_dry_run_of_a_corrected_file_counts_changes_without_writing(regions, tmp_path):
    assert ledger_import(source=write_sample_like(tmp_path / "a.xlsx")).ok
    people = list(SAMPLE_PEOPLE)
    people[0] = (*people[0][:8], "13800000000", *people[0][9:])
    before = ledger_counts()

    result = ledger_import(source=write_sample_like(tmp_path / "b.xlsx", people), dry_run=True)

    assert result.counts["residents"] == {"created": 0, "updated": 1, "moved": 0, "unchanged": 11}
    assert ledger_counts() == before
    assert Resident.objects.get(name="刘建国").phone == "13921869779"


def test_corrected_file_updates_in_place(regions, tmp_path):
    assert ledger_import(source=write_sample_like(tmp_path / "a.xlsx")).ok
    ids = set(Resident.objects.values_list("pk", flat=True))
    people = [list(p) for p in SAMPLE_PEOPLE]
    people[0][8] = "138 0000 0000"  # 刘建国's phone
    people[2][4] = "70.5"  # 1栋102's area
    people[2][10] = "独居老人、低保"  # 王桂兰 gets a tag
    people[5][10] = "党员,书法爱好者"  # 赵一诺: a fixed tag and a free one

    result = ledger_import(source=write_sample_like(tmp_path / "b.xlsx", people))

    assert result.ok, [str(e) for e in result.errors]
    assert result.counts["residents"] == {"created": 0, "updated": 3, "moved": 0, "unchanged": 9}
    assert result.counts["households"] == {"created": 0, "updated": 1, "unchanged": 6}
    assert set(Resident.objects.values_list("pk", flat=True)) == ids  # never duplicated
    assert Resident.objects.get(name="刘建国").phone == "13800000000"
    wang = Resident.objects.get(name="王桂兰")
    assert wang.lives_alone and wang.is_low_income
    zhao = Resident.objects.get(name="赵一诺")
    assert zhao.is_party_member and zhao.other_tags == "书法爱好者"
    assert Household.objects.get(room="102").area == Decimal("70.50")
    assert Resident.history.filter(history_type="~").count() == 3
    assert Household.history.filter(history_type="~").count() == 1


def test_person_in_another_household_has_moved(regions, tmp_path):
    assert ledger_import(source=write_sample_like(tmp_path / "a.xlsx")).ok
    sun = Resident.objects.get(name="孙丽")
    people = [list(p) for p in SAMPLE_PEOPLE]
    people[4][3] = "102"  # 孙丽 now lives in 1栋1单元102 (same area as 102)
    people[4][4] = "68.5"

    result = ledger_import(source=write_sample_like(tmp_path / "b.xlsx", people))

    assert result.ok, [str(e) for e in result.errors]
    assert result.counts["residents"]["moved"] == 1
    assert result.counts["residents"]["created"] == 0
    sun.refresh_from_db()
    assert sun.household.room == "102"
    assert (
        Resident.objects.filter(id_number_hash=crypto.id_number_hash("43042419850615746X")).count()
        == 1
    )


def test_residents_not_in_the_file_are_left_alone(regions, tmp_path):
    assert ledger_import(source=write_sample_like(tmp_path / "a.xlsx")).ok

    result = ledger_import(source=write_sample_like(tmp_path / "b.xlsx", SAMPLE_PEOPLE[:3]))

    assert result.ok
    assert Resident.objects.count() == 12


def test_resident_without_id_is_matched_by_household_and_name(regions, compound, tmp_path):
    rows = [person(number="", sex="女", name="无证居民")]
    assert ledger_import(source=residents_workbook(tmp_path / "a.xlsx", rows)).ok
    assert ledger_import(source=residents_workbook(tmp_path / "b.xlsx", rows)).changed == 0

    number = make_id(dt.date(1970, 3, 4), 22)
    result = ledger_import(
        source=residents_workbook(tmp_path / "c.xlsx", [person(number=number, name="无证居民")])
    )

    assert result.counts["residents"] == {"created": 0, "updated": 1, "moved": 0, "unchanged": 0}
    assert Resident.objects.get().id_number == number


def test_a_row_may_add_a_household_to_an_existing_compound(regions, compound, tmp_path):
    rows = [
        person(room="501"),
        person(room="502", name="李四", number=make_id(dt.date(1980, 1, 2), 2)),
    ]

    result = ledger_import(source=residents_workbook(tmp_path / "a.xlsx", rows))

    assert result.ok, [str(e) for e in result.errors]
    assert result.counts["compounds"] == {"created": 0, "updated": 0, "unchanged": 0}
    assert set(compound.buildings.get().units.get().households.values_list("room", "floor")) == {
        ("501", 5),
        ("502", 5),
    }


def test_an_uploaded_file_is_a_source(regions, sample_path):
    upload = SimpleUploadedFile("台账.xlsx", sample_path.read_bytes())

    result = ledger_import(source=upload, file_name=upload.name)

    assert result.ok
    assert ImportBatch.objects.get(pk=result.batch_id).file_name == "台账.xlsx"
    assert Resident.objects.count() == 12


def test_history_names_the_user_who_imported(regions, xingdong_worker, sample_path):
    result = ledger_import(source=sample_path, actor=xingdong_worker)

    assert result.ok
    assert set(Resident.history.values_list("history_user", flat=True)) == {xingdong_worker.pk}
    assert ImportBatch.objects.get(pk=result.batch_id).created_by == xingdong_worker


# -- scope -----------------------------------------------------------------------------------


def test_worker_of_another_community_cannot_import_into_xingdong(
    regions, xintang_worker, sample_path
):
    before = ledger_counts()

    result = ledger_import(source=sample_path, actor=xintang_worker)

    assert not result.ok
    assert ledger_counts() == before
    issue = result.errors[0]
    assert (issue.sheet, issue.row, issue.column, issue.code) == (
        "三无小区台账",
        3,
        "B",
        "ledger.out_of_scope",
    )
    assert (
        str(issue)
        == "「三无小区台账」第3行 B列（社区）“兴东社区”：社区“兴东社区”不在您的管辖范围内"
    )


def test_worker_of_the_community_and_county_official_can_import(
    regions, xingdong_worker, county_official, sample_path
):
    assert ledger_import(source=sample_path, actor=xingdong_worker).ok
    assert ledger_import(source=sample_path, actor=county_official).changed == 0


def test_person_registered_outside_the_actors_region_cannot_be_moved_in(
    regions, other_compound, xingdong_worker, compound, tmp_path
):
    number = make_id(dt.date(1966, 6, 6), 31)
    household = services.household_ensure(
        compound=other_compound, building="1栋", unit="1单元", room="101"
    )
    services.resident_save(household=household, name="王五", id_number=number)
    before = ledger_counts()

    result = ledger_import(
        source=residents_workbook(tmp_path / "a.xlsx", [person(number=number, name="王五")]),
        actor=xingdong_worker,
    )

    assert codes(result) == ["ledger.out_of_scope"]
    assert (result.errors[0].row, result.errors[0].column) == (3, "I")
    assert ledger_counts() == before


# -- bad input: each reports where, and nothing stored changes -------------------------------


@pytest.mark.parametrize(
    "content",
    [b"just some text, not a spreadsheet", b"PK\x03\x04 broken zip", b"\xd0\xcf\x11\xe0broken"],
    ids=["text", "broken-zip", "broken-ole"],
)
def test_corrupt_or_non_excel_file_is_one_clear_error(regions, tmp_path, content):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(content)
    before = ledger_counts()

    result = ledger_import(source=path)

    assert codes(result) == ["ledger.not_excel"]
    assert result.errors[0].value == "台账.xlsx"
    assert ledger_counts() == before
    assert ImportBatch.objects.get(pk=result.batch_id).status == ImportBatch.Status.REJECTED


def test_truncated_workbook_is_an_error(regions, sample_path, tmp_path):
    data = sample_path.read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])

    before = ledger_counts()

    result = ledger_import(source=path)

    assert codes(result) == ["ledger.not_excel"]
    assert ledger_counts() == before


def test_workbook_without_a_ledger_sheet(regions, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["甲", "乙", "丙"])
    wb.active.append([1, 2, 3])
    wb.save(tmp_path / "x.xlsx")

    before = ledger_counts()

    result = ledger_import(source=tmp_path / "x.xlsx")

    assert codes(result) == ["ledger.no_ledger_sheet"]
    assert ledger_counts() == before


def test_missing_required_column_names_sheet_and_column(regions, compound, tmp_path):
    header = [h for h in RESIDENT_HEADER if h != "房号"]
    row = [value for h, value in zip(RESIDENT_HEADER, person(), strict=True) if h != "房号"]
    before = ledger_counts()

    result = ledger_import(source=residents_workbook(tmp_path / "x.xlsx", [row], header=header))

    assert codes(result) == ["ledger.missing_column"]
    issue = result.errors[0]
    assert (issue.sheet, issue.field, issue.row) == ("居民台账", "room", 2)
    assert "缺少“房号”列" in str(issue)
    assert ledger_counts() == before


def test_wrong_id_number_names_row_column_value_and_reason(regions, compound, tmp_path):
    rows = [person(), person(room="102", name="李四", number="110105194912310021", sex="女")]
    before = ledger_counts()

    result = ledger_import(source=residents_workbook(tmp_path / "x.xlsx", rows))

    assert codes(result) == ["ledger.invalid_id_number"]
    issue = result.errors[0]
    assert (issue.sheet, issue.row, issue.column, issue.field) == ("居民台账", 4, "I", "id_number")
    assert issue.value == "110105194912310021"
    assert str(issue) == (
        "「居民台账」第4行 I列（身份证号码）“110105194912310021”：身份证号校验位错误（应为X）"
    )
    data = issue.as_dict()
    assert data["code"] == "ledger.invalid_id_number" and data["row"] == 4
    assert data["message"] == str(issue)
    assert ledger_counts() == before


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("110105194902310026", "不是有效日期"),
        ("1101051949123100", "应为18位"),
        ("11010519491231002A", "末位为数字或X"),
        (f"110105{dt.date.today().year + 1}0101001X", "晚于今天"),
    ],
)
def test_other_bad_id_numbers(regions, compound, tmp_path, number, reason):
    before = ledger_counts()

    result = ledger_import(
        source=residents_workbook(tmp_path / "x.xlsx", [person(number=number, sex="")])
    )

    assert codes(result) == ["ledger.invalid_id_number"]
    assert reason in result.errors[0].reason
    assert ledger_counts() == before


def test_only_a_region_code_in_no_period_of_the_table_is_a_warning(regions, compound, tmp_path):
    # domain-rules.md §2: 430424 (衡东县) dates from 1983 in python-stdnum's table, so a person
    # born there in 1950 has a code newer than their birth year: normal, not even a warning.
    # 999999 and 439999 are in no period of the table: a warning naming the cell, no error.
    rows = [
        person(room="101", name="甲", number=make_id(dt.date(1950, 3, 1), 11)),
        person(room="102", name="乙", number=make_id(dt.date(1980, 1, 1), 12, region="999999")),
        person(room="103", name="丙", number=make_id(dt.date(1970, 1, 1), 13, region="439999")),
    ]

    result = ledger_import(source=residents_workbook(tmp_path / "x.xlsx", rows))

    assert result.ok and result.counts["residents"]["created"] == 3
    unknown = [w for w in result.warnings if w.code == "ledger.id_region"]
    assert [(w.row, w.column, w.field, w.value[:6]) for w in unknown] == [
        (4, "I", "id_number", "999999"),
        (5, "I", "id_number", "439999"),
    ]
    assert unknown[0].reason == "地址码999999不是已知的行政区划代码，请核对（仅提示）"
    stored = ImportBatch.objects.get(pk=result.batch_id).warnings
    assert [w["value"] for w in stored if w["code"] == "ledger.id_region"] == [
        "9999" + "*" * 10 + rows[1][8][-4:],
        "4399" + "*" * 10 + rows[2][8][-4:],
    ]


def test_id_number_stored_as_a_number_is_an_error(regions, compound, tmp_path):
    row = person(number=make_id(dt.date(1960, 1, 1), 11))
    row[RESIDENT_HEADER.index("身份证号码")] = 430424196001010113  # Excel keeps ~15 digits

    before = ledger_counts()

    result = ledger_import(source=residents_workbook(tmp_path / "x.xlsx", [row]))

    assert codes(result) == ["ledger.invalid_id_number"]
    assert (result.errors[0].row, result.errors[0].column) == (3, "I")
    assert "存成了数字" in result.errors[0].reason
    assert ledger_counts() == before


def test_area_in_words_is_an_error(regions, compound, tmp_path):
    before = ledger_counts()

    result = ledger_import(source=residents_workbook(tmp_path / "x.xlsx", [person(area="八十")]))

    assert codes(result) == ["ledger.invalid_area"]
    issue = result.errors[0]
    assert (issue.row, issue.column, issue.value) == (3, "F", "八十")
    assert str(issue).startswith("「居民台账」第3行 F列（建筑面积）“八十”：面积“八十”不是数字")
    assert ledger_counts() == before


def test_same_id_number_twice_names_both_rows(regions, compound, tmp_path):
    number = make_id(dt.date(1970, 5, 6), 41)
    rows = [person(number=number), person(room="102"), person(room="103", number=number)]

    before = ledger_counts()

    result = ledger_import(source=residents_workbook(tmp_path / "x.xlsx", rows))

    assert codes(result) == ["ledger.duplicate_id_number"]
    assert (result.errors[0].sheet, result.errors[0].row, result.errors[0].column) == (
        "居民台账",
        5,
        "I",
    )
    assert "第3行和第5行" in result.errors[0].reason
    assert ledger_counts() == before


def test_same_house_with_two_areas_is_an_error(regions, compound, tmp_path):
    rows = [
        person(area="80"),
        person(name="李四", number=make_id(dt.date(1981, 1, 1), 2), area="80㎡"),  # same: fine
        person(name="王五", number=make_id(dt.date(1982, 1, 1), 2), area="90"),
    ]

    before = ledger_counts()

    result = ledger_import(source=residents_workbook(tmp_path / "x.xlsx", rows))

    assert codes(result) == ["ledger.duplicate_room"]
    assert (result.errors[0].row, result.errors[0].column) == (5, "F")
    assert "第3行和第5行" in result.errors[0].reason
    assert ledger_counts() == before


def test_row_for_a_community_that_does_not_exist(regions, compound, tmp_path):
    rows = [person(), person(room="102", 社区="不存在社区", name="李四")]

    before = ledger_counts()

    result = ledger_import(source=residents_workbook(tmp_path / "x.xlsx", rows))

    assert codes(result) == ["ledger.unknown_community"]
    issue = result.errors[0]
    assert (issue.row, issue.column, issue.value) == (4, "A", "不存在社区")
    assert "社区“不存在社区”不存在" in str(issue)
    assert ledger_counts() == before


def test_compound_sheet_community_that_does_not_exist(regions, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "三无小区台账"
    ws.append(COMPOUND_HEADER)
    ws.append([1, "火星社区", "某小区"])
    wb.save(tmp_path / "x.xlsx")

    before = ledger_counts()

    result = ledger_import(source=tmp_path / "x.xlsx")

    assert codes(result) == ["ledger.unknown_community"]
    assert (result.errors[0].sheet, result.errors[0].row, result.errors[0].column) == (
        "三无小区台账",
        2,
        "B",
    )
    assert ledger_counts() == before


def test_compound_coordinates_are_taken_and_checked(regions, tmp_path):
    """纬度/经度 (WGS-84 decimal degrees) set the gate's position, rounded to six places; a
    value that is not a number or out of range names its cell, and nothing is written."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "三无小区台账"
    ws.append([*COMPOUND_HEADER[:3], "纬度", "经度"])
    ws.append([1, "兴东社区", "有坐标小区", 27.0830004, "112.948°"])
    ws.append([2, "兴东社区", "无坐标小区", None, None])
    wb.save(tmp_path / "ok.xlsx")
    result = ledger_import(source=tmp_path / "ok.xlsx")
    assert result.ok, result.errors
    placed = Compound.objects.get(name="有坐标小区")
    assert (placed.latitude, placed.longitude) == (Decimal("27.083000"), Decimal("112.948000"))
    assert Compound.objects.get(name="无坐标小区").latitude is None

    ws.cell(row=2, column=4, value="北纬二十七度")
    ws.cell(row=3, column=5, value=190)
    wb.save(tmp_path / "bad.xlsx")
    before = ledger_counts()
    result = ledger_import(source=tmp_path / "bad.xlsx")
    assert codes(result) == ["ledger.invalid_coordinate"] * 2
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        ("三无小区台账", 2, "D"),
        ("三无小区台账", 3, "E"),
    ]
    assert "不是十进制度数" in result.errors[0].reason and "-180" in result.errors[1].reason
    assert (result.errors[0].header, result.errors[0].field) == ("纬度", "latitude")
    assert ledger_counts() == before
    placed.refresh_from_db()
    assert placed.latitude == Decimal("27.083000")


def test_sex_must_agree_with_the_id_number(regions, compound, tmp_path):
    number = make_id(dt.date(1960, 1, 1), 12)  # even sequence: female

    before = ledger_counts()

    result = ledger_import(
        source=residents_workbook(tmp_path / "x.xlsx", [person(number=number, sex="男")])
    )

    assert codes(result) == ["ledger.sex_mismatch"]
    assert (result.errors[0].row, result.errors[0].column, result.errors[0].value) == (3, "H", "男")
    assert "身份证号为女性" in result.errors[0].reason
    assert ledger_counts() == before


def test_every_error_is_reported_at_once(regions, compound, tmp_path):
    rows = [
        person(area="八十"),
        person(room="102", name="李四", number="110105194912310021", sex=""),
        person(room="103", name="王五", number=make_id(dt.date(1990, 1, 1), 5), 联系电话="12345"),
        person(room="104", name="", number=make_id(dt.date(1991, 1, 1), 5)),
        person(room="105", name="赵六", number=make_id(dt.date(1992, 1, 1), 5), 社区="无此社区"),
        person(room="106", name="钱七", number=make_id(dt.date(1993, 1, 1), 5), 与户主关系="外甥"),
    ]
    before = ledger_counts()

    result = ledger_import(source=residents_workbook(tmp_path / "x.xlsx", rows))

    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "F", "ledger.invalid_area"),
        (4, "I", "ledger.invalid_id_number"),
        (5, "J", "ledger.invalid_phone"),
        (6, "G", "ledger.missing_value"),
        (7, "A", "ledger.unknown_community"),
    ]
    choices = [(w.row, w.column) for w in result.warnings if w.code == "ledger.unknown_choice"]
    assert choices == [(8, "K")]
    assert ledger_counts() == before
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert batch.status == ImportBatch.Status.REJECTED
    assert [e["row"] for e in batch.errors] == [3, 4, 5, 6, 7]


def test_one_bad_row_among_many_writes_nothing(regions, compound, tmp_path):
    rows = [
        person(
            room=f"{i // 4 + 1}{i % 4 + 1:02d}",
            name=f"居民{i}",
            number=make_id(dt.date(1950, 1, 1) + dt.timedelta(days=i), i % 1000),
        )
        for i in range(3000)
    ]
    rows[2500] = person(room="9901", area="八十")

    before = ledger_counts()

    result = ledger_import(source=residents_workbook(tmp_path / "x.xlsx", rows))

    assert codes(result) == ["ledger.invalid_area"]
    assert result.errors[0].row == 2503
    assert ledger_counts() == before


def test_same_compound_twice_in_the_compound_sheet(regions, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "三无小区台账"
    ws.append(COMPOUND_HEADER)
    ws.append([1, "兴东社区", "某小区"])
    ws.append([2, "兴东社区", "某小区"])
    wb.save(tmp_path / "x.xlsx")

    before = ledger_counts()

    result = ledger_import(source=tmp_path / "x.xlsx")

    assert codes(result) == ["ledger.duplicate_compound"]
    assert (result.errors[0].sheet, result.errors[0].row, result.errors[0].column) == (
        "三无小区台账",
        3,
        "C",
    )
    assert "第2行和第3行" in result.errors[0].reason
    assert ledger_counts() == before


def test_bad_numbers_and_choices_in_the_compound_sheet(regions, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "三无小区台账"
    ws.append(COMPOUND_HEADER)
    ws.append([1, "兴东社区", "甲小区", "", "九三年", "", "两栋", "", "看情况"])
    wb.save(tmp_path / "x.xlsx")

    before = ledger_counts()

    result = ledger_import(source=tmp_path / "x.xlsx")

    assert [(e.sheet, e.row, e.column, e.code) for e in result.errors] == [
        ("三无小区台账", 2, "E", "ledger.invalid_number"),
        ("三无小区台账", 2, "G", "ledger.invalid_number"),
        ("三无小区台账", 2, "I", "ledger.invalid_choice"),
    ]
    assert ledger_counts() == before


def test_compound_unknown_without_a_community_column(regions, tmp_path):
    header = [h for h in RESIDENT_HEADER if h != "社区"]
    row = person(小区="没登记的小区")[1:]

    before = ledger_counts()

    result = ledger_import(source=residents_workbook(tmp_path / "x.xlsx", [row], header=header))

    assert codes(result) == ["ledger.unknown_compound"]
    issue = result.errors[0]
    assert (issue.row, issue.column, issue.value) == (3, "A", "没登记的小区")
    assert ledger_counts() == before


def test_compound_name_in_two_communities_needs_a_community_column(regions, tmp_path):
    services.compound_create(community=regions["xingdong"], name="同名小区")
    services.compound_create(community=regions["xintang"], name="同名小区")
    header = [h for h in RESIDENT_HEADER if h != "社区"]
    rows = [person(小区="同名小区")[1:], person(room="102", 小区="同名小区", name="李四")[1:]]

    before = ledger_counts()

    result = ledger_import(source=residents_workbook(tmp_path / "x.xlsx", rows, header=header))

    assert codes(result) == ["ledger.ambiguous"]
    assert (result.errors[0].row, result.errors[0].column) == (3, "A")
    assert "请增加“社区”列" in result.errors[0].reason
    assert "共2行" in result.errors[0].reason
    assert ledger_counts() == before


def test_resident_sheet_alone_resolves_compound_from_the_ledger(regions, compound, tmp_path):
    header = [h for h in RESIDENT_HEADER if h != "社区"]

    result = ledger_import(
        source=residents_workbook(tmp_path / "x.xlsx", [person()[1:]], header=header)
    )

    assert result.ok, [str(e) for e in result.errors]
    assert Resident.objects.get().household.unit.building.compound == compound


def test_blank_room_is_an_error_naming_the_column(regions, compound, tmp_path):
    before = ledger_counts()

    result = ledger_import(source=residents_workbook(tmp_path / "x.xlsx", [person(room="")]))

    assert codes(result) == ["ledger.missing_value"]
    assert (result.errors[0].row, result.errors[0].column) == (3, "E")
    assert ledger_counts() == before


# -- headers and rows read tolerantly -----------------------------------------------------------


def test_headers_with_synonyms_spaces_fullwidth_and_units(regions, compound, tmp_path):
    header = [
        "所属社区", "小区名称", "楼 号", "单元号", "门牌号", "建筑面积（㎡）", "居民　姓名",
        "性别", "公民身份号码", "手机号码", "关系", "人员标签", "备注",
    ]  # fmt: skip
    number = make_id(dt.date(1977, 7, 7), 77)
    row = [
        "兴东社区",
        "粮站宿舍",
        "３栋",
        "1单元",
        "３01",
        "８０",
        "张 三",
        "男",
        number,
        "",
        "户主",
        "",
        "",
    ]

    result = ledger_import(
        source=residents_workbook(tmp_path / "x.xlsx", [row], header=header, sheet="Sheet1")
    )

    assert result.ok, [str(e) for e in result.errors]
    resident = Resident.objects.select_related("household__unit__building").get()
    assert resident.name == "张三"
    assert (resident.household.unit.building.name, resident.household.room) == ("3栋", "301")
    assert resident.household.area == Decimal("80.00")


def test_blank_total_and_signature_rows_are_skipped(regions, compound, tmp_path):
    rows = [
        person(),
        [None] * len(RESIDENT_HEADER),
        ["小计", None, None, None, None, None, "1人"],
        ["总计：1户1人"],
        ["填表人：张三", None, None, None, None, None, None, "审核人：李四"],
        ["注：本表由社区填报"],
    ]

    result = ledger_import(source=residents_workbook(tmp_path / "x.xlsx", rows))

    assert result.ok, [str(e) for e in result.errors]
    assert result.rows == 1
    assert Resident.objects.count() == 1


def test_a_sanwu_column_is_ignored_the_flag_is_derived(regions, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "三无小区台账"
    ws.append(["社区", "小区名称", "物业服务情况", "是否三无"])
    ws.append(["兴东社区", "有物业小区", "专业物业（安居物业有限公司）", "是"])
    wb.save(tmp_path / "x.xlsx")

    result = ledger_import(source=tmp_path / "x.xlsx")

    assert result.ok, [str(e) for e in result.errors]
    compound = Compound.objects.get()
    assert compound.property_service == PropertyService.PROFESSIONAL
    assert compound.property_company == "安居物业有限公司"
    assert not compound.is_sanwu


def test_unknown_construction_background_is_other_with_a_warning(regions, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "小区台账"
    ws.append(["社区", "小区名称", "建设背景"])
    ws.append(["兴东社区", "甲小区", "集资建房"])
    wb.save(tmp_path / "x.xlsx")

    result = ledger_import(source=tmp_path / "x.xlsx")

    assert result.ok
    assert Compound.objects.get().construction_background == ConstructionBackground.OTHER
    assert [(w.row, w.column, w.code) for w in result.warnings] == [
        (2, "C", "ledger.unknown_choice")
    ]


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("无围墙、无监控", (False, False, False, False)),
        ("有门禁", (True, False, False, False)),
        ("有门禁、有监控，无围墙", (True, True, False, False)),
        ("有围墙无监控", (False, False, True, False)),
        ("大门有道闸，安装摄像头，路灯照明", (True, True, False, True)),
        ("没有门禁和围栏", (False, False, False, False)),
        ("", (False, False, False, False)),
    ],
)
def test_physical_security_keywords(text, flags):
    parsed, _ = v.parse_security(text)
    assert (
        parsed["has_gate"],
        parsed["has_cameras"],
        parsed["has_fence"],
        parsed["has_lighting"],
    ) == flags


@pytest.mark.parametrize(
    ("text", "has"),
    [("无门卫", False), ("", False), ("有门卫（志愿者轮值）", True), ("保安24小时值守", True)],
)
def test_guards_text(text, has):
    assert v.parse_guards(text)[0] is has


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("无", PropertyService.NONE),
        ("社区托管", PropertyService.COMMUNITY_CUSTODY),
        ("社会化物业", PropertyService.SOCIAL),
        ("专业物业", PropertyService.PROFESSIONAL),
        ("专业物业公司", PropertyService.PROFESSIONAL),
        ("物业公司管理", PropertyService.PROFESSIONAL),
    ],
)
def test_property_service_text(text, service):
    assert v.parse_property_service(text)[0] == service


def test_property_service_unknown_is_an_error():
    with pytest.raises(InvalidValue):
        v.parse_property_service("看情况")


def test_tags_split_on_any_separator():
    bits, others = v.parse_tags("党员，低保 残疾/书法爱好者;党员")
    labels = {name for (name, _), on in zip(services_tag_fields(), bits, strict=True) if on}
    assert labels == {"is_party_member", "is_low_income", "is_disabled"}
    assert others == "书法爱好者"


def services_tag_fields():
    from linli.ledger.models import TAG_FIELDS

    return TAG_FIELDS


# -- the fast paths give the slow paths' answers ---------------------------------------------------


def test_fast_phone_path_agrees_with_normalise_phone_for_every_prefix():
    rnd = random.Random(7)
    for prefix in range(13000, 20000):
        number = f"{prefix}{rnd.randint(0, 999_999):06d}"
        try:
            slow = normalise_phone(number)
        except InvalidValue as exc:
            slow = f"error: {exc}"
        try:
            fast = v.normalise_phone_fast(number)
        except InvalidValue as exc:
            fast = f"error: {exc}"
        assert fast == slow, number
    for text in ("0734-5221234", "139 2186 9779", "+86 139 2186 9779", "5221234", "12345", ""):
        try:
            slow = normalise_phone(text)
        except InvalidValue as exc:
            slow = f"error: {exc}"
        try:
            fast = v.normalise_phone_fast(v.cell_text(text))
        except InvalidValue as exc:
            fast = f"error: {exc}"
        assert fast == slow, text


def test_fast_id_path_agrees_with_parse_id_number():
    rnd = random.Random(11)
    today = dt.date.today()
    numbers = ["11010519491231002X", "440524188001010014", "43042419850615746x"]
    numbers += ["110105194912310021", "110105194902310026", "36042619910102009X"]
    for _ in range(3000):
        birth = dt.date(1900, 1, 1) + dt.timedelta(days=rnd.randint(0, 46000))
        number = make_id(birth, rnd.randint(0, 999), rnd.choice(["430424", "110105", "999999"]))
        if rnd.random() < 0.3:  # spoil the check digit
            number = number[:-1] + rnd.choice("0123456789X")
        numbers.append(number)
    for number in numbers:
        try:
            slow = parse_id_number(number, today=today)
        except InvalidValue as exc:
            slow = f"error: {exc}"
        try:
            fast = v.parse_id_fast(v.cell_text(number), today=today)
        except InvalidValue as exc:
            fast = f"error: {exc}"
        assert fast == slow, number


def test_fast_writer_writes_what_bulk_create_with_history_writes(
    regions, county_official, tmp_path
):
    source = write_sample_like(tmp_path / "s.xlsx")

    def snapshot():
        rooms = {h.pk: str(h) for h in Household.objects.all()}
        residents = sorted(
            (
                {**r, "household_id": rooms[r["household_id"]], "id": None}
                for r in Resident.objects.values()
            ),
            key=repr,
        )
        history = sorted(
            (
                {
                    **r,
                    "household_id": rooms[r["household_id"]],
                    "id": None,
                    "history_id": None,
                    "history_date": None,
                }
                for r in Resident.history.values()
            ),
            key=repr,
        )
        households = sorted(
            (
                {**r, "id": None, "history_id": None, "history_date": None, "unit_id": None}
                for r in Household.history.values()
            ),
            key=repr,
        )
        return residents, history, households

    assert ledger_import(source=source, actor=county_official, _writer="orm").ok
    orm = snapshot()
    Resident.objects.all().delete()
    Compound.objects.all().delete()
    Resident.history.all().delete()
    Household.history.all().delete()
    Compound.history.all().delete()
    assert ledger_import(source=source, actor=county_official).ok
    fast = snapshot()

    def comparable(rows):
        return [{k: val for k, val in row.items() if k != "history_change_reason"} for row in rows]

    for a, b in zip(orm, fast, strict=True):
        assert comparable(a) == comparable(b)
    assert orm[1][0]["history_user_id"] == county_official.pk
    assert orm[1][0]["history_type"] == "+"
    assert fast[1][0]["history_change_reason"].startswith("Excel导入：s.xlsx")
    assert fast[2][0]["history_change_reason"].startswith("Excel导入：s.xlsx")


# -- the reader ----------------------------------------------------------------------------------


def _rows(book, name):
    out = []
    for number, values in book.rows(name):
        cells = [None if x in ("", None) else x for x in values]
        cells = [int(x) if isinstance(x, float) and x.is_integer() else x for x in cells]
        while cells and cells[-1] is None:
            cells.pop()
        if cells:
            out.append((number, cells))
    return out


def _hand_made_xlsx(path: Path, prefix: str) -> Path:
    """Shared strings, rich text, phonetic runs, formulas, booleans, a date style, rows and
    cells without ``r``, and (optionally) a namespace prefix on every element."""
    p = prefix
    ns_uri = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    ns = f'xmlns:{p[:-1]}="{ns_uri}"' if p else f'xmlns="{ns_uri}"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    types = "http://schemas.openxmlformats.org/package/2006/content-types"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    rel_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": f'<?xml version="1.0"?><Types xmlns="{types}">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
        '.relationships+xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{sheet_type}.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{sheet_type}.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        f'ContentType="{sheet_type}.sharedStrings+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{sheet_type}.styles+xml"/></Types>',
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{rel_type}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<{p}workbook {ns} xmlns:r="{rel}"><{p}sheets>'
        f'<{p}sheet name="居民 台账" sheetId="1" r:id="rId1"/></{p}sheets></{p}workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/'
        f'package/2006/relationships"><Relationship Id="rId1" Type="{rel_type}/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel_type}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{rel_type}/styles" Target="/xl/styles.xml"/>'
        "</Relationships>",
        "xl/sharedStrings.xml": f"<{p}sst {ns}><{p}si><{p}t>小区</{p}t></{p}si><{p}si><{p}r>"
        f'<{p}t>姓</{p}t></{p}r><{p}r><{p}t xml:space="preserve">\u3000名</{p}t></{p}r></{p}si>'
        f'<{p}si><{p}t>A&amp;B</{p}t><{p}rPh sb="0" eb="1"><{p}t>x</{p}t></{p}rPh></{p}si>'
        f"<{p}si/><{p}si><{p}t>43042419850615746x</{p}t></{p}si></{p}sst>",
        "xl/styles.xml": f'<{p}styleSheet {ns}><{p}numFmts><{p}numFmt numFmtId="164" formatCode='
        f'"yyyy&quot;年&quot;m&quot;月&quot;"/></{p}numFmts><{p}cellXfs><{p}xf numFmtId="0"/>'
        f'<{p}xf numFmtId="164"/></{p}cellXfs></{p}styleSheet>',
        "xl/worksheets/sheet1.xml": f'<{p}worksheet {ns}><{p}sheetData><{p}row r="2">'
        f'<{p}c r="A2" t="s"><{p}v>0</{p}v></{p}c><{p}c r="B2" t="s" s="0"><{p}v>1</{p}v></{p}c>'
        f'<{p}c r="D2" s="1"><{p}v>33970</{p}v></{p}c></{p}row><{p}row r="3">'
        f'<{p}c r="A3" t="s"><{p}v>2</{p}v></{p}c><{p}c r="B3" t="s"><{p}v>3</{p}v></{p}c>'
        f'<{p}c r="C3" t="s"><{p}v>4</{p}v></{p}c><{p}c r="D3"><{p}f>1+1</{p}f><{p}v>2</{p}v>'
        f'</{p}c><{p}c r="E3" t="str"><{p}f>"a"</{p}f><{p}v>a</{p}v></{p}c><{p}c r="F3" t="b">'
        f'<{p}v>0</{p}v></{p}c><{p}c r="G3" t="e"><{p}v>#N/A</{p}v></{p}c></{p}row>'
        f'<{p}row r="4"/><{p}row><{p}c t="inlineStr"><{p}is><{p}t xml:space="preserve"> x '
        f"</{p}t></{p}is></{p}c><{p}c><{p}v>1.5E3</{p}v></{p}c></{p}row></{p}sheetData>"
        f"<{p}rowBreaks/></{p}worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_streaming_reader_reads_what_calamine_reads(tmp_path, prefix):
    path = _hand_made_xlsx(tmp_path / "h.xlsx", prefix)
    ours = open_workbook(path)
    assert isinstance(ours, XlsxWorkbook)
    assert ours.sheet_names == ["居民 台账"]
    rows = _rows(ours, "居民 台账")
    assert rows == _rows(CalamineWorkbook(path), "居民 台账")
    assert rows[0] == (2, ["小区", "姓\u3000名", None, dt.date(1993, 1, 1)])
    assert rows[1] == (3, ["A&B", None, "43042419850615746x", 2, "a", False])
    assert rows[2] == (5, [" x ", 1500])


def test_streaming_reader_matches_calamine_on_the_sample(sample):
    ours, theirs = open_workbook(sample), CalamineWorkbook(sample)
    for name in ours.sheet_names:
        assert _rows(ours, name) == _rows(theirs, name)


def test_reader_takes_a_file_like_object(sample_path):
    book = open_workbook(io.BytesIO(sample_path.read_bytes()))
    assert book.sheet_names == ["三无小区台账", "居民台账"]


# -- the command ---------------------------------------------------------------------------------


def test_command_imports_and_prints_the_summary(regions, sample_path, capsys):
    call_command("ledger", "import", str(sample_path))
    out = capsys.readouterr().out
    assert "居民：新建 12，更新 0，迁入 0，未变 0" in out
    assert Resident.objects.count() == 12


def test_command_dry_run_writes_nothing(regions, sample_path, capsys):
    call_command("ledger", "import", str(sample_path), "--dry-run")
    assert "试导入" in capsys.readouterr().out
    assert Resident.objects.count() == 0


def test_command_exits_1_and_prints_every_error(regions, compound, tmp_path, capsys):
    rows = [person(area="八十"), person(room="102", name="李四", number="110105194912310021")]
    path = residents_workbook(tmp_path / "x.xlsx", rows)

    with pytest.raises(SystemExit) as exit_info:
        call_command("ledger", "import", str(path))

    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "「居民台账」第3行 F列（建筑面积）“八十”" in out
    assert (
        "「居民台账」第4行 I列（身份证号码）“110105194912310021”：身份证号校验位错误（应为X）"
        in out
    )
    assert "文件有 2 个错误，未导入任何数据。" in out
    assert Resident.objects.count() == 0


def test_console_script_exit_codes(tmp_path):
    """Through the ``linli`` console script: 1 for a bad file, 0 for a file that was taken."""
    linli = Path(sys.executable).with_name("linli")
    env = {
        "PATH": str(linli.parent),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "LINLI_DATA_DIR": str(tmp_path),
        "HOME": str(tmp_path),
    }
    subprocess.run([linli, "migrate", "-v", "0"], env=env, check=True, cwd=tmp_path)
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not excel")
    failed = subprocess.run(
        [linli, "ledger", "import", bad], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert failed.returncode == 1
    assert "不是 Excel 工作簿" in failed.stdout
    empty = tmp_path / "empty.xlsx"
    exported = subprocess.run([linli, "ledger", "export", empty], env=env, cwd=tmp_path)
    assert exported.returncode == 0
    taken = subprocess.run(
        [linli, "ledger", "import", empty], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert taken.returncode == 0, taken.stdout + taken.stderr


def test_rowissue_without_a_row_or_column():
    issue = RowIssue("", None, "", "", "x.xlsx", "文件不是 Excel 工作簿", "ledger.not_excel")
    assert str(issue) == "“x.xlsx”：文件不是 Excel 工作簿"
    issue = RowIssue("居民台账", 2, "", "room", "", "缺少“房号”列", "ledger.missing_column", "房号")
    assert str(issue) == "「居民台账」第2行（房号）：缺少“房号”列"


def test_a_role_that_does_not_edit_the_ledger_cannot_import(regions, sample_path):
    staff = make_user("dept", Role.DEPARTMENT_STAFF, regions["county"], "部门工作人员")

    before = ledger_counts()

    result = ledger_import(source=sample_path, actor=staff)

    assert codes(result) == ["ledger.forbidden"]
    assert ledger_counts() == before


def test_a_named_sheet_without_a_header_is_an_error(regions, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "居民台账"
    wb.active.append(["这张表没有表头"])
    wb.active.append(["只有一些文字"])
    wb.save(tmp_path / "x.xlsx")

    before = ledger_counts()

    result = ledger_import(source=tmp_path / "x.xlsx")

    assert "ledger.missing_header" in codes(result)
    assert result.errors[0].sheet == "居民台账"
    assert ledger_counts() == before


def test_two_people_of_one_household_without_id_and_the_same_name(regions, compound, tmp_path):
    rows = [person(number="", sex="", name="张三"), person(number="", sex="", name="张三")]

    before = ledger_counts()

    result = ledger_import(source=residents_workbook(tmp_path / "x.xlsx", rows))

    assert codes(result) == ["ledger.duplicate_resident"]
    assert "第3行和第4行" in result.errors[0].reason
    assert ledger_counts() == before


def test_names_typed_elsewhere_with_spaces_still_match(regions, compound, tmp_path):
    services.household_ensure(compound=compound, building="1 栋", unit="1单元", room="101")

    result = ledger_import(source=residents_workbook(tmp_path / "x.xlsx", [person()]))

    assert result.ok, [str(e) for e in result.errors]
    assert result.counts["buildings"] == {"created": 0, "unchanged": 1}
    assert result.counts["households"]["created"] == 0
    assert Household.objects.count() == 1
