"""Open311 GeoReport v2 at ``/open311/v2/``: plain Django views, ``.json`` or ``.xml``.

GETs are public (api_key optional: with one, descriptions of cases in its region are
shown); ``POST requests`` needs an api_key and is CSRF-exempt (the key authenticates it).
"""

from __future__ import annotations

import logging
from functools import wraps

from django.conf import settings
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from . import georeport, keys
from .georeport import Open311Error
from .render import errors, respond

logger = logging.getLogger("linli.open311")
CHANGESET = "2026-11-26T00:00:00+08:00"


def _spec_errors(view):
    """Open311Error → the spec's error list; anything unexpected → logged with its
    traceback and answered as a 500 in the same list, never as an HTML page."""

    @wraps(view)
    def wrapper(request, *args, fmt="json", **kwargs):
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return errors(fmt, exc.status, exc.description)
        except Exception:
            logger.exception("Open311 %s %s failed", request.method, request.path)
            return errors(fmt, 500, "服务器内部错误")

    return wrapper


def _methods(request, fmt, *allowed):
    if request.method not in allowed:
        response = errors(fmt, 405, f"不支持 {request.method}，请用 {'/'.join(allowed)}")
        response["Allow"] = ", ".join(allowed)
        return response
    return None


def _base(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _get_key(request):
    raw = request.GET.get("api_key")
    if not raw:
        return None
    key = keys.key_authenticate(raw)
    if key is None:
        raise Open311Error(403, "api_key 无效或已吊销")
    return key


@_spec_errors
def discovery(request, fmt):
    if bad := _methods(request, fmt, "GET", "HEAD"):
        return bad
    url = _base(request) + reverse("open311:discovery", kwargs={"fmt": fmt}).rsplit("/", 1)[0]
    body = {
        "changeset": CHANGESET,
        "contact": getattr(settings, "LINLI_OPEN311_CONTACT", "请联系所在社区居委会"),
        "key_service": "接口密钥由县、镇干部或社区工作人员签发：linli open311 issue-key 名称",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", body)


@_spec_errors
def services(request, fmt):
    if bad := _methods(request, fmt, "GET", "HEAD"):
        return bad
    return respond(fmt, "services", georeport.service_list())


@_spec_errors
def service_definition(request, code, fmt):
    if bad := _methods(request, fmt, "GET", "HEAD"):
        return bad
    return respond(fmt, "service_definition", georeport.service_definition(code))


@csrf_exempt
@_spec_errors
def requests(request, fmt):
    if bad := _methods(request, fmt, "GET", "HEAD", "POST"):
        return bad
    if request.method == "POST":
        key = keys.key_authenticate(request.POST.get("api_key"))
        if key is None:
            raise Open311Error(403, "缺少 api_key，或 api_key 无效、已吊销")
        body, created = georeport.request_create(key, request.POST)
        return respond(fmt, "service_requests", body, status=201 if created else 200)
    body = georeport.request_list(request.GET, key=_get_key(request), base_url=_base(request))
    return respond(fmt, "service_requests", body)


@_spec_errors
def request_detail(request, request_id, fmt):
    if bad := _methods(request, fmt, "GET", "HEAD"):
        return bad
    body = georeport.request_get(request_id, key=_get_key(request), base_url=_base(request))
    return respond(fmt, "service_requests", body)


@_spec_errors
def token(request, token, fmt):
    if bad := _methods(request, fmt, "GET", "HEAD"):
        return bad
    return respond(fmt, "service_requests", georeport.token_get(token))


@csrf_exempt
def not_found(request, path="", fmt=None):
    fmt = "xml" if path.endswith(".xml") else "json"
    return errors(fmt, 404, f"没有 /open311/v2/{path} 这个接口")
