"""The API's shared schemas: the one error body and the error responses each operation
documents, and the bounded page-number pagination every list uses."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination

from .bounds import MAX_PAGE, MAX_PAGE_SIZE


class ErrorOut(Schema):
    """The body of every error: a machine code, a Chinese message and where.

    ``{"code": "invalid_input", "message": "输入不符合要求", "details": [{"field": …,
    "reason": …}]}``; ``server_error`` (500) has no details.
    """

    code: str
    message: str
    details: list[dict[str, Any]]


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error responses of one operation, for ``response={200: X, **errors(404)}``.

    Every operation behind the session login can answer 401 (no login) and 422 (input
    out of bounds, see ``linli.core.bounds``); pass the others it can answer.
    """
    return dict.fromkeys(sorted({401, 422, *statuses}), ErrorOut)


# A read: no login (401), role may not (403), missing or out of scope (404), bad input (422).
READ_ERRORS = errors(403, 404)
# A write adds a broken rule (400), a conflict (409); 403 also covers a failed CSRF check.
WRITE_ERRORS = errors(400, 403, 404, 409)


class PageNumberPagination(NinjaPageNumberPagination):
    """ninja's page-number pagination with a ceiling on ``page`` and ``page_size``: page
    2**63 used to overflow the SQL ``OFFSET`` (a 500); now it is a 422. A ``page_size`` up
    to :data:`MAX_PAGE_SIZE` is taken and clamped to the list's own maximum, as before."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)
