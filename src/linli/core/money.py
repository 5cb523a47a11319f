"""Money as ``Decimal`` in 元, never float: the one parser of an amount someone typed."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import Invalid

FEN = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")  # what a DecimalField(max_digits=12, decimal_places=2) holds


def round_fen(value: Decimal) -> Decimal:
    """Half-up to the fen (分), as bills and shares are rounded."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def parse_amount(
    value, *, app: str, field: str = "amount", label: str = "金额", hint: str = ""
) -> Decimal:
    """A positive amount with at most two decimals ("1,000.5" → 1000.50), or ``Invalid``.

    Codes: ``<app>.bad_amount`` (not a finite number, or too large), ``<app>.amount_not_positive``,
    ``<app>.too_many_decimals``. ``hint`` is added to the not-positive message (e.g. "支出请选择
    支出类别，不要填负数").
    """
    details = [{"field": field, "value": str(value)}]
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if amount is None or not amount.is_finite():
        raise Invalid(f"{label}“{value}”不是有效的数字", code=f"{app}.bad_amount", details=details)
    if amount <= 0:
        message = f"{label}必须大于0（收到 {value}）" + (f"；{hint}" if hint else "")
        raise Invalid(message, code=f"{app}.amount_not_positive", details=details)
    if amount > MAX_AMOUNT:  # before quantize, which raises on "1e30" (beyond the context)
        raise Invalid(f"{label}过大：{value}", code=f"{app}.bad_amount", details=details)
    if amount != amount.quantize(FEN):
        raise Invalid(
            f"{label}最多两位小数（到分），收到 {value}",
            code=f"{app}.too_many_decimals",
            details=details,
        )
    return amount.quantize(FEN)
