"""The two sheets of the ledger workbook as officials keep them, and the names we accept.

Export writes the canonical header (the first name of each column); import matches a header
cell against every synonym after normalising it (:func:`normalise_header`: full-width →
half-width, spaces removed, a trailing unit in parentheses dropped).
"""

from __future__ import annotations

import re
import unicodedata

COMPOUND_SHEET = "三无小区台账"
RESIDENT_SHEET = "居民台账"

# Sheet names accepted on import (normalised): the first is canonical.
COMPOUND_SHEET_NAMES = (COMPOUND_SHEET, "小区台账", "三无小区基础信息台账", "小区基础信息")
RESIDENT_SHEET_NAMES = (RESIDENT_SHEET, "居民信息", "户籍人口", "人员台账", "居民基础信息台账")

# key: (canonical header, synonyms...)
COMPOUND_COLUMNS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号"),
    "community": ("社区", "所属社区", "社区名称"),
    "name": ("小区名称", "小区", "小区名"),
    "address": ("地址", "小区地址", "坐落"),
    "year_built": ("建成年份", "建成时间", "建成年代", "建设年份"),
    "construction_background": ("建设背景", "房屋性质", "小区类型"),
    "surveyed_buildings": ("楼栋数", "栋数", "楼栋数量"),
    "surveyed_households": ("户数", "总户数", "住户数"),
    "property_service": ("物业服务情况", "物业服务", "物业情况", "物业管理方式"),
    "property_company": ("物业企业", "物业公司", "物业服务企业"),
    "responsible_unit": ("主管单位", "产权单位", "责任单位"),
    "guards": ("人防情况", "人防", "门卫情况"),
    "security": ("物防情况", "物防", "安防设施"),
    "surveyed_party_members": ("党员人数", "住户党员", "党员数", "住户党员数"),
    "party_organisation": ("党组织建设情况", "党组织", "党组织情况"),
    "note": ("备注",),
}
# More columns of the compound sheet, written by the export so that a round trip is exact;
# optional on import. (Kept apart so that code writing "every column of COMPOUND_COLUMNS"
# keeps writing the survey's columns.)
COMPOUND_EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    # When present (是/否), these win over the keywords found in 人防情况 / 物防情况.
    "has_guards": ("是否有人防", "有无人防"),
    "has_gate": ("门禁", "有无门禁", "是否有门禁"),
    "has_cameras": ("监控", "有无监控", "是否有监控"),
    "has_fence": ("围墙围栏", "围墙", "有无围墙"),
    "has_lighting": ("照明", "有无照明", "路灯照明"),
    # The gate's WGS-84 coordinates (decimal degrees), for Open311 reports by lat/long.
    "latitude": ("纬度", "北纬", "纬度（WGS-84）"),
    "longitude": ("经度", "东经", "经度（WGS-84）"),
    # Derived or counted by the system: the export writes them, the import ignores them.
    "sanwu": ("是否三无", "三无小区", "是否三无小区"),
    "actual_buildings": ("实有楼栋数", "实有楼栋"),
    "actual_households": ("实有户数",),
    "actual_residents": ("实有人数", "实有居民数"),
}

RESIDENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号"),
    "community": ("社区", "所属社区"),
    "compound": ("小区", "小区名称", "所属小区"),
    "building": ("楼栋", "栋", "楼号", "楼栋号"),
    "unit": ("单元", "单元号"),
    "room": ("房号", "门牌号", "房间号", "室"),
    "area": ("建筑面积", "面积", "房屋面积", "面积(㎡)", "建筑面积(㎡)", "建筑面积(平方米)"),
    "area_source": ("面积来源",),
    "use": ("房屋用途", "房屋状态", "居住情况"),
    "name": ("姓名", "居民姓名", "人员姓名"),
    "sex": ("性别",),
    "id_number": ("身份证号码", "身份证号", "公民身份号码", "证件号码", "身份证"),
    "phone": ("联系电话", "电话", "手机号码", "手机", "联系方式"),
    "relation": ("与户主关系", "关系"),
    "is_owner": ("是否产权人", "产权人", "是否业主"),
    "residence": ("居住状态", "人户状态"),
    "tags": ("人员类别", "人员标签", "标签", "特殊人群"),
    "note": ("备注",),
}
# More columns of the resident sheet, written by the export (optional on import).
RESIDENT_EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "floor": ("楼层", "所在楼层"),
    "house_note": ("房屋备注", "户备注"),
    "birth_date": ("出生日期",),  # derived from the ID number: ignored on import
}

# Every column the import recognises.
COMPOUND_ALL_COLUMNS = {**COMPOUND_COLUMNS, **COMPOUND_EXTRA_COLUMNS}
RESIDENT_ALL_COLUMNS = {**RESIDENT_COLUMNS, **RESIDENT_EXTRA_COLUMNS}

# Columns a sheet must have for its rows to mean anything.
COMPOUND_REQUIRED = ("name",)
RESIDENT_REQUIRED = ("compound", "building", "unit", "room")

# Recognised on import but never read (the system derives or counts them).
COMPOUND_IGNORED = ("seq", "sanwu", "actual_buildings", "actual_households", "actual_residents")
RESIDENT_IGNORED = ("seq", "birth_date")

# The columns the export writes, in order.
COMPOUND_EXPORT = (
    "seq",
    "community",
    "name",
    "address",
    "year_built",
    "construction_background",
    "surveyed_buildings",
    "surveyed_households",
    "property_service",
    "property_company",
    "responsible_unit",
    "guards",
    "has_guards",
    "security",
    "has_gate",
    "has_cameras",
    "has_fence",
    "has_lighting",
    "surveyed_party_members",
    "party_organisation",
    "latitude",
    "longitude",
    "sanwu",
    "actual_buildings",
    "actual_households",
    "actual_residents",
    "note",
)
RESIDENT_EXPORT = (
    "seq",
    "community",
    "compound",
    "building",
    "unit",
    "room",
    "floor",
    "area",
    "area_source",
    "use",
    "house_note",
    "name",
    "sex",
    "birth_date",
    "id_number",
    "phone",
    "relation",
    "is_owner",
    "residence",
    "tags",
    "note",
)

# The columns that describe a person: a row with none of them filled is a house without people
# (a vacant flat, say), which still creates or updates the household.
PERSON_KEYS = ("name", "sex", "id_number", "phone", "relation", "is_owner", "residence", "tags")

_SPACES = re.compile(r"\s+")
_TRAILING_BRACKETS = re.compile(r"[(\[【<][^()\[\]【】<>]*[)\]】>]$")


def normalise_header(value) -> str:
    """``姓　名`` → ``姓名``; ``建筑面积（㎡）`` → ``建筑面积``; ``*身份证号：`` → ``身份证号``."""
    if value is None:
        return ""
    text = _SPACES.sub("", unicodedata.normalize("NFKC", str(value)))
    text = text.strip("*:")
    while True:
        stripped = _TRAILING_BRACKETS.sub("", text)
        if stripped == text or not stripped:
            break
        text = stripped
    return text.strip("*:").lower()


def normalise_sheet_name(value) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(value or ""))).lower()


def header_index(columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Normalised synonym → column key."""
    index: dict[str, str] = {}
    for key, names in columns.items():
        for name in names:
            index.setdefault(normalise_header(name), key)
    return index


def canonical(columns: dict[str, tuple[str, ...]], key: str) -> str:
    return columns[key][0]
