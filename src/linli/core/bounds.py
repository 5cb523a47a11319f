"""Input bounds shared by every schema, form and URL: what a request may carry at all.

Before these, crafted input reached the database and came back as a 500: an id of 2**63
overflows SQLite's INTEGER and PostgreSQL's bigint (``OverflowError`` / ``DataError``), page
2**63 overflows ``OFFSET``, a year 0 or a date in 9999 overflows ``datetime`` arithmetic,
and a NUL byte makes psycopg refuse the query. Here each is refused at the edge instead:

- ids are ``1 … 2**63 − 1`` (:data:`Id`; the page URLs' ``<id:…>`` converter matches only
  those, so a bigger number is a plain 404 there);
- page numbers, page sizes, limits and offsets have ceilings (:data:`Page`, :data:`PageSize`,
  :data:`Limit`, :data:`Offset`);
- dates and years lie in :data:`MIN_YEAR` … :data:`MAX_YEAR` (:data:`Year`, :data:`Date`);
- no text anywhere holds a NUL (``linli.core.middleware.InputBoundsMiddleware`` answers 400/422
  for one in a path, query, form or JSON body before any view runs);
- text fields carry the ``max_length`` of the model field they fill (each app's schemas).

A bad value is a 422 with the API's error body, a 400 in Open311's error list, a Chinese 400
or 404 page on the site; never a 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_ID = 2**63 - 1  # PostgreSQL bigint, SQLite INTEGER
MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_PAGE = 1_000_000  # × the largest page size stays far inside bigint
MAX_PAGE_SIZE = 10_000  # a request may ask for up to this; each list clamps to its own maximum
MAX_LIMIT = 10_000
MAX_OFFSET = 10_000_000
NUL = "\x00"


def date_in_range(value: dt.date) -> dt.date:
    if not (MIN_YEAR <= value.year <= MAX_YEAR):
        raise ValueError(f"日期须在 {MIN_YEAR} 至 {MAX_YEAR} 年之间")
    return value


def no_nul(value: str) -> str:
    if NUL in value:
        raise ValueError("不能含有 NUL 字符")
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
Date = Annotated[dt.date, AfterValidator(date_in_range)]
DateTime = Annotated[dt.datetime, AfterValidator(date_in_range)]
Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]


def Text(max_length: int, *, min_length: int = 0):
    """A string of at most ``max_length`` characters (the model field's), without NUL."""
    return Annotated[
        str, Field(min_length=min_length, max_length=max_length), AfterValidator(no_nul)
    ]


class IdConverter:
    """``<id:pk>`` in page URLs: 1 to 19 digits, at most 2**63 − 1; anything else is a 404."""

    regex = "[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("id out of range")  # the resolver treats it as no match: 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def int_param(raw, *, default: int = 1, low: int = 1, high: int = MAX_PAGE) -> int:
    """A whole number from a query string for pages (``?page=``, ``?year=``), else
    ``default``: a page never passes an unchecked number to the database."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return default
    return value if low <= value <= high else default


def id_param(raw) -> int | None:
    """An id from a page's query string or form (``?compound=``, ``into``), or None when it
    is not a whole number in 1 … 2**63 − 1."""
    text = str(raw).strip() if raw is not None else ""
    if not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None
