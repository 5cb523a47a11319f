"""ID numbers, phones and areas as in shared/domain-rules.md §2."""

import datetime as dt
from decimal import Decimal

import pytest

from linli.ledger.validation import (
    InvalidValue,
    age_on,
    normalise_phone,
    parse_area,
    parse_id_number,
)


@pytest.mark.parametrize(
    ("number", "sex", "birth"),
    [
        ("11010519491231002X", "F", dt.date(1949, 12, 31)),
        ("440524188001010014", "M", dt.date(1880, 1, 1)),
        ("360426199101010071", "M", dt.date(1991, 1, 1)),
        ("44011320141005001X", "M", dt.date(2014, 10, 5)),
    ],
)
def test_valid_examples(number, sex, birth):
    info = parse_id_number(number)
    assert (info.number, info.sex, info.birth_date) == (number, sex, birth)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("110105194912310021", "校验位"),
        ("110105194902310026", "出生日期"),
        ("36042619910102009X", "校验位"),
        ("11010519491231002", "18位"),
        ("1101051949123100AX", "前17位"),
        ("", "为空"),
    ],
)
def test_invalid_examples(number, reason):
    with pytest.raises(InvalidValue, match=reason):
        parse_id_number(number)


def test_lower_case_x_spaces_and_full_width_digits_are_the_same_number():
    assert parse_id_number(" 110105 19491231 002x ").number == "11010519491231002X"
    assert parse_id_number("１１０１０５１９４９１２３１００２Ｘ").number == "11010519491231002X"


def test_future_birth_date_is_rejected():
    # 2030-01-01, valid check digit: stdnum accepts it, we do not.
    from stdnum.cn import ric

    body = "11010520300101001"
    number = body + ric.calc_check_digit(body + "0")
    with pytest.raises(InvalidValue, match="晚于今天"):
        parse_id_number(number, today=dt.date(2026, 11, 26))


@pytest.mark.parametrize(
    "number",
    [
        "430424195606055010",  # 衡东县, from 1983 in stdnum's table; born 1956
        "440524188001010014",  # the standard's example: 潮阳县 (1983–1993); born 1880
    ],
)
def test_region_created_after_the_birth_year_is_not_even_a_warning(number):
    # domain-rules.md §2: the code is the one in force when the number was issued, not at
    # birth. stdnum.cn.ric.validate rejects these; we neither reject nor warn.
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError

    with pytest.raises(ValidationError):
        ric.validate(number)
    info = parse_id_number(number)
    assert info.warnings == ()
    assert (info.sex, info.region_code) == ("M", number[:6])


@pytest.mark.parametrize("region", ["999999", "439999"])
def test_region_code_in_no_period_of_the_table_is_a_warning(region):
    # 439999: a known province, no such county (stdnum's get_birth_place raises KeyError here)
    from stdnum.cn import ric

    body = f"{region}19800101001"
    info = parse_id_number(body + ric.calc_check_digit(body + "0"))
    assert info.birth_date == dt.date(1980, 1, 1)
    assert info.warnings == (f"地址码{region}不是已知的行政区划代码，请核对（仅提示）",)


def test_age_under_14():
    birth = parse_id_number("44011320141005001X").birth_date
    assert age_on(birth, dt.date(2028, 10, 4)) == 13
    assert age_on(birth, dt.date(2028, 10, 5)) == 14


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("139 2186 9779", "13921869779"),
        ("+86 139-2186-9779", "13921869779"),
        ("0734-5221234", "0734-5221234"),
        ("07345221234", "0734-5221234"),
        ("010 8765 4321", "010-87654321"),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_normalised(raw, stored):
    assert normalise_phone(raw) == stored


@pytest.mark.parametrize(
    ("raw", "reason"), [("12345", "不是有效"), ("5221234", "区号"), ("139abc", "非数字")]
)
def test_bad_phone(raw, reason):
    with pytest.raises(InvalidValue, match=reason):
        normalise_phone(raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("68.5㎡", "68.50"),
        ("72.30平方米", "72.30"),
        ("80", "80.00"),
        (72.3, "72.30"),
        ("８９.３７", "89.37"),
    ],
)
def test_area(raw, value):
    assert parse_area(raw) == Decimal(value)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("八十", "不是数字"), ("0", "大于0"), ("-5", "大于0"), ("89.375", "两位小数"), ("", "为空")],
)
def test_bad_area(raw, reason):
    with pytest.raises(InvalidValue, match=reason):
        parse_area(raw)
