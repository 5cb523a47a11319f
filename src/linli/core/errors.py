"""One domain error type, mapped in one place (``linli.api``) to a JSON body."""

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
