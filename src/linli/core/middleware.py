"""Two things every request passes through before and after its view, answered once:

* **NUL bytes** (``InputBoundsMiddleware``). PostgreSQL text cannot hold NUL, and psycopg
  refuses a query parameter that holds one (``ValueError``), so a NUL in any path segment, query
  value, form field or JSON string used to answer 500 there. It is never meaningful in Linli's
  input, so it is refused at the door, in the caller's own language: the API's error body (422),
  Open311's error list (400), a Chinese 400 page on the site.
* **Domain errors a page leaves uncaught** (``DomainErrorMiddleware``): a Chinese page with the
  error's status. Views that can do better (show the form again with the message beside the
  field, or a message after a redirect) catch ``DomainError`` themselves; anything they leave
  lands here instead of becoming a 500. A ``NotFound`` gets the one standalone 404 page, so
  missing and out of scope answer with the same bytes. The API (``/api/``) and Open311 map
  errors in their own formats.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from .bounds import NUL
from .errors import DomainError

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


def _nul_key(pairs, prefix: str) -> str | None:
    """``prefix.key`` of the first (key, values) pair holding a NUL, or None."""
    for key, values in pairs:
        if NUL in key or any(NUL in v for v in values):
            return f"{prefix}.{key.replace(NUL, '')}"
    return None


def _nul_in_body(request) -> str | None:
    """Where a write's body carries a NUL (``body``, ``form.x``, ``file``), or None."""
    content_type = request.content_type or ""
    if content_type in JSON_TYPES:
        try:
            data = json.loads(request.body or b"null")
        except ValueError:
            return None  # the view answers malformed JSON its own way
        return "body" if _has_nul(data) else None
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        field = _nul_key(request.POST.lists(), "form")
        if field is not None:
            return field
        if any(NUL in (upload.name or "") for upload in request.FILES.values()):
            return "file"
    return None


def nul_field(request) -> str | None:
    """Where the request carries a NUL (``path``, ``query.x``, ``form.x``, ``body``), or None."""
    if NUL in request.path_info:
        return "path"
    field = _nul_key(request.GET.lists(), "query")
    if field is None and request.method in ("POST", "PUT", "PATCH", "DELETE"):
        field = _nul_in_body(request)
    return field


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
            return _georeport_error(path, f"{MESSAGE}：{field}")
        return HttpResponseBadRequest(
            render_to_string("400.html", {"message": MESSAGE}, request=request)
        )


def _georeport_error(path: str, description: str) -> HttpResponse:
    """GeoReport v2's error list (``[{"code": 400, "description": …}]``, or its XML)."""
    if ".xml" in path:
        body = (
            '<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>400</code>'
            f"<description>{escape(description)}</description></error></errors>"
        )
        return HttpResponse(body, status=400, content_type="text/xml; charset=utf-8")
    return JsonResponse(
        [{"code": 400, "description": description}],
        status=400,
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )


HEADINGS = {
    400: "输入有误",
    403: "无权进行此操作",
    409: "当前状态不能进行此操作",
    422: "输入有误",
}
NOT_PAGES = ("/api/", "/open311/")


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError) or request.path.startswith(NOT_PAGES):
            return None
        if exception.status == 404:
            return render(request, "404.html", status=404)
        status = exception.status if exception.status in HEADINGS else 400
        context = {
            "heading": HEADINGS[status],
            "message": exception.message,
            "details": exception.details,
        }
        return render(request, "core/error.html", context, status=status)
