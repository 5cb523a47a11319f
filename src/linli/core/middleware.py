"""Refuse a NUL byte anywhere in a request before a view sees it.

PostgreSQL text cannot hold NUL, and psycopg refuses a query parameter that holds one
(``ValueError``), so a NUL in any path segment, query value, form field or JSON string used
to answer 500 there. It is never meaningful in Linli's input, so it is refused at the door,
in the caller's own language: the API's error body (422), Open311's error list (400), a
Chinese 400 page on the site.
"""

from __future__ import annotations

import json

from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string

from .bounds import NUL

MESSAGE = "输入含有不允许的空字符（NUL）"
JSON_TYPES = ("application/json",)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def nul_field(request) -> str | None:
    """Where the request carries a NUL (``path``, ``query.x``, ``form.x``, ``body``), or None."""
    if NUL in request.path_info:
        return "path"
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in v for v in values):
            return f"query.{key.replace(NUL, '')}"
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        content_type = request.content_type or ""
        if content_type in JSON_TYPES:
            try:
                data = json.loads(request.body or b"null")
            except ValueError:
                return None  # the view answers malformed JSON its own way
            if _has_nul(data):
                return "body"
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, values in request.POST.lists():
                if NUL in key or any(NUL in v for v in values):
                    return f"form.{key.replace(NUL, '')}"
            for upload in request.FILES.values():
                if NUL in (upload.name or ""):
                    return "file"
    return None


class InputBoundsMiddleware:
    """Answer 400/422 for a NUL byte in the path, query, form or JSON body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = nul_field(request)
        if field is None:
            return self.get_response(request)
        path = request.path_info.replace(NUL, "")
        if path.startswith("/api/"):
            return JsonResponse(
                {
                    "code": "invalid_input",
                    "message": MESSAGE,
                    "details": [{"field": field, "reason": "不能含有 NUL 字符"}],
                },
                status=422,
                json_dumps_params={"ensure_ascii": False},
            )
        if path.startswith("/open311/"):
            from linli.cases.open311.render import errors

            fmt = "xml" if ".xml" in path else "json"
            return errors(fmt, 400, f"{MESSAGE}：{field}")
        return HttpResponseBadRequest(
            render_to_string("400.html", {"message": MESSAGE}, request=request)
        )
