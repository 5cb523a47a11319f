"""``{{ amount|yuan }}``: an amount in 元 with thousands separators and two decimals
("¥57,400.00"), the way the article and the officials' reports write money."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def yuan(value) -> str:
    if value is None or value == "":
        return "—"
    try:
        return f"¥{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
