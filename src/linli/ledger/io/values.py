"""Turning the text officials type into ledger values.

Each parser takes the cell's normalised text (:func:`cell_text`) and returns the value, or
raises :class:`~linli.ledger.validation.InvalidValue` with a Chinese reason. The ID-number and
phone parsers have a fast path for the common case that gives exactly the answer of
:func:`~linli.ledger.validation.parse_id_number` / :func:`~linli.ledger.validation.normalise_phone`
(and falls back to them for everything else, so the error messages are theirs).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable

from linli.ledger.models import (
    TAG_FIELDS,
    AreaSource,
    ConstructionBackground,
    HouseholdUse,
    PropertyService,
    Relation,
    ResidenceStatus,
    Sex,
)
from linli.ledger.validation import (
    IdNumber,
    InvalidValue,
    normalise_phone,
    parse_id_number,
    region_warnings,
)

_SPACES = re.compile(r"\s+")
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def cell_text(value) -> str:
    """A cell as text: NFKC, trimmed; ``101.0`` → ``101``; a date → ``2020-01-02``."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value.isascii():
            return value.strip()
        return unicodedata.normalize("NFKC", value).strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def free_text(value) -> str:
    """Free text (notes, addresses) as written: trimmed, full-width punctuation kept."""
    if isinstance(value, str):
        return value.strip()
    return cell_text(value)


def key_text(text: str) -> str:
    """Building, unit and room names: no spaces at all (``1 栋`` = ``1栋``)."""
    return _SPACES.sub("", text) if (" " in text or "\t" in text or "\n" in text) else text


def name_text(text: str) -> str:
    """Names: runs of spaces collapse; no space between Chinese characters (``刘 建国``)."""
    if " " not in text and "\t" not in text and "\n" not in text:
        return text
    return _SPACES.sub(" ", _CJK_SPACE.sub("", text))


# -- yes / no ------------------------------------------------------------------------------

_YES = {"是", "有", "y", "yes", "true", "1", "√", "✓", "✔", "对", "是的"}
_NO = {"否", "无", "n", "no", "false", "0", "×", "✗", "✘", "没有", "不是"}


def parse_yes_no(text: str) -> bool:
    value = text.lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise InvalidValue(f"“{text}”应填“是”或“否”")


# -- numbers -------------------------------------------------------------------------------

_COUNT = re.compile(r"^(\d+)(?:\.0+)?\s*(?:户|人|栋|幢|个|名|座)?$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?\s*年?(?:代)?$")
_YEAR_IN_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*\d{1,2}")


def parse_count(text: str) -> int | None:
    """``16`` / ``16户`` / ``3人`` → int; blank → None."""
    if not text:
        return None
    found = _COUNT.match(text)
    if not found:
        raise InvalidValue(f"“{text}”不是整数")
    number = int(found.group(1))
    if number > 2_000_000_000:
        raise InvalidValue(f"“{text}”过大")
    return number


def parse_year(value, text: str) -> int | None:
    """``1993`` / ``1993年`` / ``1993-05`` / a date cell → 1993; blank → None."""
    if not text:
        return None
    if isinstance(value, dt.date):
        year = value.year
    else:
        found = _YEAR.match(text) or _YEAR_IN_DATE.match(text)
        if not found:
            raise InvalidValue(f"建成年份“{text}”应为四位年份（如 1993）")
        year = int(found.group(1))
    if not 1800 <= year <= dt.date.today().year:  # noqa: DTZ011 - a calendar year in China
        raise InvalidValue(f"建成年份{year}不在1800年至今之间")
    return year


# -- choices -------------------------------------------------------------------------------


def _lookup(table: Iterable[tuple[object, object]], extra: dict[str, str]) -> dict[str, str]:
    """Chinese label or synonym → the choice's value, as a plain ``str`` (spooled with marshal)."""
    out = {str(label): str(value) for value, label in table}
    out.update({label: str(value) for label, value in extra.items()})
    return out


_BACKGROUNDS = _lookup(
    ConstructionBackground.choices,
    {
        "宿舍": ConstructionBackground.WORK_UNIT_DORMITORY,
        "职工宿舍": ConstructionBackground.WORK_UNIT_DORMITORY,
        "单位房": ConstructionBackground.WORK_UNIT_DORMITORY,
        "单位宿舍楼": ConstructionBackground.WORK_UNIT_DORMITORY,
        "房改": ConstructionBackground.HOUSING_REFORM,
        "拆迁": ConstructionBackground.RESETTLEMENT,
        "安置": ConstructionBackground.RESETTLEMENT,
        "安置房": ConstructionBackground.RESETTLEMENT,
        "拆迁安置房": ConstructionBackground.RESETTLEMENT,
        "商品": ConstructionBackground.COMMERCIAL,
        "自建": ConstructionBackground.SELF_BUILT,
        "私房": ConstructionBackground.SELF_BUILT,
    },
)


def parse_construction_background(text: str) -> tuple[str, str | None]:
    """(choice, warning): unknown text is 其他 with a warning."""
    value = _BACKGROUNDS.get(text)
    if value is not None:
        return value, None
    for label, choice in _BACKGROUNDS.items():
        if len(label) >= 2 and label in text:
            return choice, None
    return ConstructionBackground.OTHER, f"建设背景“{text}”未识别，按“其他”处理"


_BRACKETED = re.compile(r"[(\[【]\s*([^()\[\]【】]+?)\s*[)\]】]")


def parse_property_service(text: str) -> tuple[str, str]:
    """(choice, company in brackets): ``专业物业（安居物业公司）`` → professional, 安居物业公司."""
    company = ""
    found = _BRACKETED.search(text)
    core = text
    if found:
        inside = found.group(1)
        if "公司" in inside or "物业" in inside:
            company = inside
        core = (text[: found.start()] + text[found.end() :]).strip()
    if core in ("无", "没有", "暂无", "否", "无物业", "无物业服务", "无物业管理"):
        return PropertyService.NONE, ""
    if "托管" in core or "代管" in core:
        return PropertyService.COMMUNITY_CUSTODY, company
    if "社会化" in core:
        return PropertyService.SOCIAL, company
    if "专业" in core or "物业公司" in core or "物业服务企业" in core or "物业企业" in core:
        return PropertyService.PROFESSIONAL, company
    if core.startswith("无"):
        return PropertyService.NONE, ""
    raise InvalidValue(f"物业服务情况“{text}”无法识别（应为 无/社区托管/社会化物业/专业物业公司）")


_NEGATION = ("无", "没有", "未", "暂无", "缺", "不设")
_GUARD_WORDS = ("门卫", "保安", "值守", "值班", "巡逻", "志愿者", "人防", "看守", "楼栋长")


def parse_guards(text: str) -> tuple[bool, str | None]:
    """人防情况 → (has guards, warning): ``有…`` yes, ``无…``/blank no."""
    if not text:
        return False, None
    if text in ("否", "无") or text.startswith(_NEGATION):
        return False, None
    if text.startswith(("有", "是")):
        return True, None
    if any(word in text for word in _GUARD_WORDS):
        return True, None
    return True, f"人防情况“{text}”未写明有无，按“有人防”处理"


_SECURITY = (
    ("has_gate", ("门禁", "大门", "道闸", "闸机", "电动门", "铁门", "门岗")),
    ("has_cameras", ("监控", "摄像", "探头", "天网")),
    ("has_fence", ("围墙", "围栏", "护栏", "栅栏", "篱笆")),
    ("has_lighting", ("照明", "路灯", "灯")),
)
_CLAUSES = re.compile(r"[、,，;；。/\s]+")


def parse_security(text: str) -> tuple[dict[str, bool], str | None]:
    """物防情况 → ({has_gate, has_cameras, has_fence, has_lighting}, warning) by keywords.

    A keyword preceded by 无/没有/未 in the same clause means "no": ``无围墙、无监控``,
    ``有门禁无监控``.
    """
    flags = {name: False for name, _ in _SECURITY}
    if not text or text in ("无", "否", "没有", "暂无"):
        return flags, None
    found_any = False
    for clause in _CLAUSES.split(text):
        for name, words in _SECURITY:
            for word in words:
                at = clause.find(word)
                if at < 0:
                    continue
                found_any = True
                if not any(neg in clause[:at] for neg in _NEGATION):
                    flags[name] = True
                break
    if not found_any and not text.startswith(_NEGATION):
        return flags, f"物防情况“{text}”中未找到门禁/监控/围墙/照明，按“无物防”处理"
    return flags, None


_RELATIONS = _lookup(
    Relation.choices,
    {
        "本人": Relation.HEAD,
        "户主本人": Relation.HEAD,
        "妻": Relation.SPOUSE,
        "妻子": Relation.SPOUSE,
        "夫": Relation.SPOUSE,
        "丈夫": Relation.SPOUSE,
        "之妻": Relation.SPOUSE,
        "之夫": Relation.SPOUSE,
        "爱人": Relation.SPOUSE,
        "子": Relation.CHILD,
        "女": Relation.CHILD,
        "儿子": Relation.CHILD,
        "女儿": Relation.CHILD,
        "长子": Relation.CHILD,
        "次子": Relation.CHILD,
        "三子": Relation.CHILD,
        "长女": Relation.CHILD,
        "次女": Relation.CHILD,
        "三女": Relation.CHILD,
        "之子": Relation.CHILD,
        "之女": Relation.CHILD,
        "养子": Relation.CHILD,
        "养女": Relation.CHILD,
        "父亲": Relation.PARENT,
        "母亲": Relation.PARENT,
        "父": Relation.PARENT,
        "母": Relation.PARENT,
        "孙子": Relation.GRANDCHILD,
        "孙女": Relation.GRANDCHILD,
        "外孙": Relation.GRANDCHILD,
        "外孙子": Relation.GRANDCHILD,
        "外孙女": Relation.GRANDCHILD,
        "孙子女": Relation.GRANDCHILD,
        "祖父": Relation.GRANDPARENT,
        "祖母": Relation.GRANDPARENT,
        "外祖父": Relation.GRANDPARENT,
        "外祖母": Relation.GRANDPARENT,
        "爷爷": Relation.GRANDPARENT,
        "奶奶": Relation.GRANDPARENT,
        "兄": Relation.SIBLING,
        "弟": Relation.SIBLING,
        "姐": Relation.SIBLING,
        "妹": Relation.SIBLING,
        "哥哥": Relation.SIBLING,
        "弟弟": Relation.SIBLING,
        "姐姐": Relation.SIBLING,
        "妹妹": Relation.SIBLING,
        "兄弟": Relation.SIBLING,
        "姐妹": Relation.SIBLING,
        "儿媳": Relation.CHILD_IN_LAW,
        "女婿": Relation.CHILD_IN_LAW,
        "媳妇": Relation.CHILD_IN_LAW,
        "租客": Relation.TENANT,
        "承租人": Relation.TENANT,
        "租住": Relation.TENANT,
    },
)


def parse_relation(text: str) -> tuple[str, str | None]:
    """(choice, warning): unknown text is 其他 with a warning."""
    value = _RELATIONS.get(text)
    if value is not None:
        return value, None
    return Relation.OTHER.value, f"与户主关系“{text}”未识别，按“其他”处理"


_RESIDENCE = _lookup(
    ResidenceStatus.choices,
    {
        "人户一致": ResidenceStatus.RESIDENT,
        "在住": ResidenceStatus.RESIDENT,
        "常住人口": ResidenceStatus.RESIDENT,
        "户籍在此人不在": ResidenceStatus.REGISTERED_ONLY,
        "空挂户": ResidenceStatus.REGISTERED_ONLY,
        "外出": ResidenceStatus.REGISTERED_ONLY,
        "人在户不在(流动人口)": ResidenceStatus.LIVING_ONLY,
        "流动人口": ResidenceStatus.LIVING_ONLY,
        "暂住": ResidenceStatus.LIVING_ONLY,
        "寄住": ResidenceStatus.LIVING_ONLY,
    },
)


def parse_residence(text: str) -> str:
    value = _RESIDENCE.get(text)
    if value is None:
        raise InvalidValue(f"居住状态“{text}”无法识别（应为 常住/户在人不在/人在户不在）")
    return value


_USES = _lookup(
    HouseholdUse.choices,
    {
        "自住房": HouseholdUse.OWNER_OCCUPIED,
        "居住": HouseholdUse.OWNER_OCCUPIED,
        "出租房": HouseholdUse.RENTED,
        "租住": HouseholdUse.RENTED,
        "空房": HouseholdUse.VACANT,
        "闲置": HouseholdUse.VACANT,
        "无人居住": HouseholdUse.VACANT,
        "门面": HouseholdUse.COMMERCIAL,
        "商铺": HouseholdUse.COMMERCIAL,
        "经营": HouseholdUse.COMMERCIAL,
    },
)


def parse_use(text: str) -> str:
    value = _USES.get(text)
    if value is None:
        raise InvalidValue(f"房屋用途“{text}”无法识别（应为 自住/出租/空置/商用）")
    return value


_AREA_SOURCES = _lookup(
    AreaSource.choices,
    {
        "登记": AreaSource.REGISTERED,
        "不动产登记簿": AreaSource.REGISTERED,
        "产权证": AreaSource.REGISTERED,
        "房产证": AreaSource.REGISTERED,
        "测量": AreaSource.SURVEYED,
        "实测": AreaSource.SURVEYED,
        "合同": AreaSource.CONTRACT,
        "购房合同": AreaSource.CONTRACT,
    },
)


def parse_area_source(text: str) -> str:
    value = _AREA_SOURCES.get(text)
    if value is None:
        raise InvalidValue(f"面积来源“{text}”无法识别（应为 不动产登记/测绘/合同约定）")
    return value


_M, _F = Sex.MALE.value, Sex.FEMALE.value
_SEXES = {"男": _M, "女": _F, "男性": _M, "女性": _F, "m": _M, "f": _F, "male": _M, "female": _F}


def parse_sex(text: str) -> str:
    value = _SEXES.get(text.lower())
    if value is None:
        raise InvalidValue(f"性别“{text}”应为“男”或“女”")
    return value


_TAG_INDEX = {label: index for index, (_, label) in enumerate(TAG_FIELDS)}
_TAG_SYNONYMS = {
    "中共党员": "党员",
    "共产党员": "党员",
    "预备党员": "党员",
    "空巢": "空巢老人",
    "独居": "独居老人",
    "留守": "留守儿童",
    "残疾人": "残疾",
    "残疾人员": "残疾",
    "低保户": "低保",
    "低保对象": "低保",
    "退伍军人": "退役军人",
    "陪读": "陪读家庭",
}
_TAG_SPLIT = re.compile(r"[、,，;；/\s]+")


def parse_tags(text: str) -> tuple[tuple[bool, ...], str]:
    """人员类别 → (one bool per ``TAG_FIELDS`` entry, the other tags joined with 、)."""
    bits = [False] * len(TAG_FIELDS)
    others: list[str] = []
    for token in _TAG_SPLIT.split(text):
        if not token:
            continue
        label = _TAG_SYNONYMS.get(token, token)
        index = _TAG_INDEX.get(label)
        if index is not None:
            bits[index] = True
        elif token not in others:
            others.append(token)
    return tuple(bits), "、".join(others)


# -- ID numbers and phones: fast paths with the same answers ---------------------------------

_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


def parse_id_fast(text: str, *, today: dt.date) -> IdNumber:
    """:func:`parse_id_number` for an already normalised cell, without python-stdnum's date and
    check-digit code (the full parser's only other costly step, the region look-up, is cached
    by the six-digit code in :func:`~linli.ledger.validation.region_warnings`).
    """
    number = text.upper()
    if len(number) == 18 and _ID_SHAPE.match(number):
        year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
        try:
            birth = dt.date(year, month, day)
        except ValueError:
            birth = None
        if birth is not None and birth <= today:
            check = (1 - 2 * int(number[:-1], 13)) % 11
            if ("X" if check == 10 else str(check)) == number[-1]:
                sex = "M" if int(number[16]) % 2 else "F"
                return IdNumber(number, sex, birth, number[:6], region_warnings(number[:6]))
    return parse_id_number(text, today=today)


_PHONE_JUNK = re.compile(r"[\s\-()（）]")
_MOBILE_PREFIX_OK: dict[str, bool] = {}


def normalise_phone_fast(text: str) -> str:
    """:func:`normalise_phone` with the answer for 11-digit mobiles cached by their first 5 digits.

    In libphonenumber's metadata for China every mobile pattern is a prefix of at most five
    digits followed by any digits, and no other number type starts with 13–19 (179 excepted,
    and 10/11/12 go the slow way), so two 11-digit numbers with the same first five digits
    get the same answer. ``tests/ledger/test_import.py`` checks this against the slow path for
    every five-digit prefix.
    """
    if not text:
        return ""
    compact = _PHONE_JUNK.sub("", text) if not text.isdigit() else text
    if compact.startswith("+86"):
        compact = compact[3:]
    elif compact.startswith("0086"):
        compact = compact[4:]
    if (
        len(compact) == 11
        and compact.isdigit()
        and compact[0] == "1"
        and compact[1] in "3456789"
        and not compact.startswith("179")
    ):
        prefix = compact[:5]
        ok = _MOBILE_PREFIX_OK.get(prefix)
        if ok is None:
            try:
                ok = normalise_phone(compact) == compact
            except InvalidValue:
                ok = False
            _MOBILE_PREFIX_OK[prefix] = ok
        if ok:
            return compact
    return normalise_phone(text)
