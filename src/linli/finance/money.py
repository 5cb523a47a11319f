"""Money and month arithmetic for fees: ``Decimal`` to the fen, half-up; whole months."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from linli.core import money
from linli.core.errors import Invalid

from .models import Basis

FEN = money.FEN
MAX_AMOUNT = money.MAX_AMOUNT
round_fen = money.round_fen


def bill_amount(*, basis: str, price: Decimal, area: Decimal | None, months: int) -> Decimal:
    """price × area × months (per household: price × months), half-up to the fen at the line.

    >>> bill_amount(basis="per_area", price=Decimal("2.50"), area=Decimal("89.37"), months=12)
    Decimal('2681.10')
    """
    if basis == Basis.PER_HOUSEHOLD:
        return round_fen(price * months)
    if area is None:
        raise Invalid("该户没有建筑面积，无法按面积计费", code="finance.no_area")
    return round_fen(price * area * months)


def parse_amount(value, *, field: str = "amount", label: str = "金额") -> Decimal:
    """A positive amount with at most two decimals (``linli.core.money``), ``finance.*`` codes."""
    return money.parse_amount(value, app="finance", field=field, label=label)


def parse_price(value, *, field: str = "price") -> Decimal:
    """A positive unit price with at most four decimals (e.g. 0.585 元/㎡·月)."""
    try:
        price = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise Invalid(
            f"单价“{value}”不是有效的数字",
            code="finance.bad_price",
            details=[{"field": field, "value": str(value)}],
        ) from None
    if not price.is_finite() or price <= 0:
        raise Invalid(
            f"单价必须大于0（收到 {value}）",
            code="finance.bad_price",
            details=[{"field": field, "value": str(value)}],
        )
    if price != price.quantize(Decimal("0.0001")) or price >= Decimal("1000000"):
        raise Invalid(
            f"单价最多四位小数且小于100万（收到 {value}）",
            code="finance.bad_price",
            details=[{"field": field, "value": str(value)}],
        )
    return price.quantize(Decimal("0.0001"))


# ------------------------------------------------------------------ months


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    return add_months(day, 1) - dt.timedelta(days=1)


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole months from ``earlier``'s month to ``later``'s month."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def parse_month(value) -> dt.date:
    """``2026-03`` / ``2026-03-01`` / a date → the first day of that month."""
    if isinstance(value, dt.date):
        return month_start(value)
    text = str(value).strip()
    try:
        if len(text) == 7:
            return dt.date(int(text[:4]), int(text[5:7]), 1)
        return month_start(dt.date.fromisoformat(text))
    except ValueError:
        raise Invalid(
            f"月份“{value}”格式应为 YYYY-MM",
            code="finance.bad_month",
            details=[{"field": "month", "value": text}],
        ) from None


AGE_BUCKETS = (("0_3", "0–3个月"), ("3_6", "3–6个月"), ("6_12", "6–12个月"), ("12_", "12个月以上"))


def age_bucket(period_start: dt.date, asof: dt.date) -> str:
    """Arrears age of a bill: whole months from its first month to the month of ``asof``
    (0-3, 4-6, 7-12, over 12)."""
    age = months_between(period_start, asof)
    if age <= 3:
        return "0_3"
    if age <= 6:
        return "3_6"
    if age <= 12:
        return "6_12"
    return "12_"
