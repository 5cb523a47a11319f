"""Display de-identification (GB/T 35273 §7.2) as in shared/domain-rules.md §3."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """``11010519491231002X`` → ``1101**********002X``."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """``13812341234`` → ``138****1234``; landlines keep the area code and last 4."""
    if not value:
        return ""
    digits = value
    if len(digits) == 11 and digits.isdigit():
        return digits[:3] + "****" + digits[-4:]
    if "-" in digits:
        area, _, local = digits.partition("-")
        return area + "-" + "*" * max(len(local) - 4, 0) + local[-4:]
    return "*" * max(len(digits) - 4, 0) + digits[-4:]


def mask_name(value: str | None) -> str:
    """Names in public notices: ``张三丰`` → ``张*丰``, ``李四`` → ``李*``."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
