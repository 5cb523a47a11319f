"""The two sheets of the ledger workbook as officials keep them, and the names we accept.

Export writes the canonical header (the first name of each column); import matches a header
cell against every synonym after normalising it (full-width → half-width, spaces removed).
"""

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

# Columns a sheet must have for its rows to mean anything.
COMPOUND_REQUIRED = ("name",)
RESIDENT_REQUIRED = ("compound", "building", "unit", "room")
