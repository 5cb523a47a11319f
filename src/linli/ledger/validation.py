"""Validation of the values officials type into the ledger.

Resident identity numbers follow GB 11643-1999 (shared/domain-rules.md §2). python-stdnum's
``stdnum.cn.ric`` is right about the check character (ISO 7064 MOD 11-2) and the calendar date,
so we use it for those. It is *not* right in two places, which we handle here:

* ``stdnum.cn.ric.validate`` (2.2) rejects a number whose address code was created after the
  birth year — real, valid numbers of people born before their county code existed (430424 =
  衡东县 from 1983 in its table rejects everyone born before). The code is the one in force
  when the number was issued, not at birth, so that is normal and not even a warning; we warn
  only when the code is in no period of the table at all (:func:`region_code_known`).
  (``ric.get_birth_place`` also raises ``KeyError`` for a known province with an unknown
  county, ``439999``; we do not call it.)
* it accepts birth dates in the future. We reject them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import phonenumbers
from stdnum import exceptions as stdnum_exceptions
from stdnum import numdb
from stdnum.cn import ric

_SPACES = re.compile(r"\s+")
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


class InvalidValue(ValueError):
    """A value that cannot be stored; ``str(exc)`` is a Chinese reason."""


def normalise_text(value) -> str:
    """Full-width → half-width (NFKC), trimmed; ``None`` → ``""``."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


@dataclass(frozen=True)
class IdNumber:
    number: str
    sex: str  # "M" / "F"
    birth_date: dt.date
    region_code: str
    warnings: tuple[str, ...] = field(default_factory=tuple)


def normalise_id_number(value) -> str:
    return _SPACES.sub("", normalise_text(value)).upper()


def parse_id_number(value, *, today: dt.date | None = None) -> IdNumber:
    """Validate an 18-character resident identity number and derive sex and birth date.

    Raises :class:`InvalidValue` with a Chinese reason. An unknown region code is only a
    warning; a code newer than the birth year is none.
    """
    number = normalise_id_number(value)
    if not number:
        raise InvalidValue("身份证号为空")
    if len(number) != 18:
        raise InvalidValue(f"身份证号应为18位，实为{len(number)}位")
    if not _ID_SHAPE.match(number):
        raise InvalidValue("身份证号前17位应为数字，末位为数字或X")
    try:
        birth = ric.get_birth_date(number)
    except stdnum_exceptions.ValidationError:
        raise InvalidValue(f"身份证号中的出生日期{number[6:14]}不是有效日期") from None
    if birth > (today or dt.date.today()):  # noqa: DTZ011 - a calendar date in China
        raise InvalidValue(f"身份证号中的出生日期{birth:%Y-%m-%d}晚于今天")
    if ric.calc_check_digit(number) != number[-1]:
        raise InvalidValue(f"身份证号校验位错误（应为{ric.calc_check_digit(number)}）")
    sex = "M" if int(number[16]) % 2 else "F"
    return IdNumber(number, sex, birth, number[:6], region_warnings(number[:6]))


@functools.cache
def region_code_known(code: str) -> bool:
    """Whether a six-digit address code is in GB/T 2260 (python-stdnum's table) in any period,
    whatever the birth year: ``430424`` (衡东县, from 1983) and ``440524`` (潮阳县, 1983–1993)
    are, ``439999`` and ``999999`` are not."""
    return any("county" in props for _, props in numdb.get("cn/loc").info(code))


def region_warnings(code: str) -> tuple[str, ...]:
    """The warnings an ID number's address code gives: one when it is in no period of the table
    (a typing error, or a code newer than the table); none otherwise (domain-rules.md §2)."""
    if region_code_known(code):
        return ()
    return (f"地址码{code}不是已知的行政区划代码，请核对（仅提示）",)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def normalise_phone(value) -> str:
    """A Chinese mobile (``13921869779``) or landline (``0734-5221234``); ``""`` when empty.

    Raises :class:`InvalidValue` when the number is not a valid Chinese number.
    """
    text = normalise_text(value)
    if not text:
        return ""
    compact = re.sub(r"[\s\-()（）]", "", text)
    if compact.startswith("+86"):
        compact = compact[3:]
    elif compact.startswith("0086"):
        compact = compact[4:]
    if not compact.isdigit():
        raise InvalidValue(f"电话号码“{text}”含有非数字字符")
    try:
        parsed = phonenumbers.parse(compact, "CN")
    except phonenumbers.NumberParseException:
        raise InvalidValue(f"电话号码“{text}”无法识别") from None
    if not phonenumbers.is_valid_number(parsed):
        if len(compact) in (7, 8) and not compact.startswith("1"):
            raise InvalidValue(f"固定电话“{text}”缺少区号")
        raise InvalidValue(f"电话号码“{text}”不是有效的手机或固定电话号码")
    national = str(parsed.national_number)
    if (
        phonenumbers.number_type(parsed)
        in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        )
        and len(national) == 11
    ):
        return national
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    area, _, rest = formatted.partition(" ")
    return f"{area}-{rest.replace(' ', '')}" if rest else formatted


_AREA_UNITS = re.compile(r"(平方米|平米|㎡|m2|m²|M2)$")
_CENT = Decimal("0.01")


_MICRO = Decimal("0.000001")


def parse_coordinate(value, *, label: str, bound: int) -> Decimal:
    """A latitude (``bound`` 90) or longitude (180) in WGS-84 decimal degrees, ``27.083`` or
    ``27.083°``; kept to six places (about 0.1 m), rounded half-up."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        text = normalise_text(value).replace(" ", "").rstrip("°")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise InvalidValue(
                f"{label}“{normalise_text(value)}”不是十进制度数（应填如 27.083000）"
            ) from None
    if not number.is_finite() or abs(number) > bound:
        raise InvalidValue(f"{label}“{value}”应在 -{bound} 到 {bound} 之间")
    return number.quantize(_MICRO, rounding=ROUND_HALF_UP)


def parse_area(value) -> Decimal:
    """``68.5㎡`` / ``72.30平方米`` / ``80`` → Decimal with two places; ``八十`` is an error."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        text = normalise_text(value).replace(" ", "")
        if not text:
            raise InvalidValue("面积为空")
        text = _AREA_UNITS.sub("", text)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise InvalidValue(f"面积“{normalise_text(value)}”不是数字（应填如 89.37）") from None
    if not number.is_finite() or number <= 0:
        raise InvalidValue(f"面积“{value}”应大于0")
    if number >= 100000:
        raise InvalidValue(f"面积“{value}”超过99999.99平方米")
    rounded = number.quantize(_CENT, rounding=ROUND_HALF_UP)
    if rounded != number:
        raise InvalidValue(f"面积“{value}”最多保留两位小数")
    return rounded
