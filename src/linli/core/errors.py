"""The domain errors, mapped once for the API (``linli.api``) and once for pages
(``linli.core.middleware.DomainErrorMiddleware``).

Four kinds, one class each; a service raises the kind, never an HTTP status:

| class | status | when |
|---|---|---|
| ``Invalid`` | 400 (422: a rejected upload) | the request breaks a rule (a bad or missing value) |
| ``Forbidden`` | 403 | the user sees the object but their role may not do this to it |
| ``NotFound`` | 404 | the object does not exist **or** the user may not see it |
| ``Conflict`` | 409 | the object's state does not allow it now (decided, changed meanwhile) |

Every ``code`` is listed with its meaning in ``docs/api.md`` (a test holds the two together).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DomainError(Exception):
    """A rule the request broke.

    ``code`` is machine-readable (``ledger.duplicate_id_number``), ``message`` is Chinese
    for people, ``details`` names where (sheet, row, column, field, value).
    """

    code: str
    message: str
    status: int = 400
    details: list[dict] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class NotFound(DomainError):
    """404: the object does not exist **or** the user may not see it — the two are answered
    alike (same status, same body), so a response never tells which (docs/roles-and-scoping.md).
    ``details`` may name the request's own field (``{"field": "household"}``), never the object."""

    def __init__(
        self,
        message: str = "对象不存在或无权查看",
        code: str = "not_found",
        details: list[dict] | None = None,
    ):
        super().__init__(code=code, message=message, status=404, details=list(details or []))


class Invalid(DomainError):
    """400: the request breaks a rule; ``details`` names the field (and sheet, row, column)."""

    def __init__(
        self,
        message: str,
        code: str = "invalid_input",
        details: list[dict] | None = None,
        status: int = 400,
    ):
        super().__init__(code=code, message=message, status=status, details=list(details or []))


class Forbidden(DomainError):
    """403: the user may see the object, but their role may not do this to it."""

    def __init__(
        self,
        message: str = "无权进行此操作",
        code: str = "forbidden",
        details: list[dict] | None = None,
    ):
        super().__init__(code=code, message=message, status=403, details=list(details or []))


class Conflict(DomainError):
    """409: the object's state does not allow this now (already decided, changed meanwhile)."""

    def __init__(self, message: str, code: str = "conflict", details: list[dict] | None = None):
        super().__init__(code=code, message=message, status=409, details=list(details or []))
