"""Four eyes: what one person asks (a reduction, a void, a bulk export, a public-account entry),
another decides. One rule, used by every app that needs it."""

from __future__ import annotations

from typing import Any

from .errors import Conflict, Forbidden


def require_second_person(
    actor: Any, requested_by_id: int | None, *, code: str, message: str, what: str = "审批"
) -> None:
    """``actor`` may decide only if it is a person and not the one who asked.

    ``code`` is the app's machine code (``finance.self_approval``), ``message`` tells the user
    in Chinese who should decide instead.
    """
    if actor is None or not getattr(actor, "pk", None):
        raise Forbidden(f"须由具体工作人员{what}", code=code)
    if actor.pk == requested_by_id:
        raise Forbidden(message, code=code)


def require_pending(obj: Any, *, pending: str, code: str, label: str) -> None:
    """Decided once: a request no longer pending answers ``Conflict`` saying how it ended."""
    if obj.status != pending:
        raise Conflict(f"{label}已{obj.get_status_display()}", code=code)
