"""Template filters for money and masked names on the public-account pages."""

from decimal import Decimal, InvalidOperation

from django import template

from linli.core.privacy import mask_name

register = template.Library()


@register.filter
def yuan(value) -> str:
    """``Decimal("12345.6")`` → ``12,345.60``; a negative keeps its sign."""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError, TypeError):
        return ""


@register.filter
def counterparty(entry, masked: bool) -> str:
    """The counterparty, a person's name masked for viewers of the public side."""
    if masked and entry.counterparty_is_person:
        return mask_name(entry.counterparty)
    return entry.counterparty


@register.filter
def person(name: str, masked: bool) -> str:
    return mask_name(name) if masked else name
