"""The one NinjaAPI at /api/v1/: one router per app, one place that maps domain errors."""

import logging
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db import DataError, connection
from django.http import Http404, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from linli.care.api import router as care_router
from linli.cases.api import router as cases_router
from linli.civility.api import router as civility_router
from linli.commons.api import router as commons_router
from linli.core.api import router as todo_router
from linli.core.errors import DomainError, NotFound
from linli.core.schemas import ErrorOut
from linli.finance.api import router as finance_router
from linli.grid.api import router as grid_router
from linli.indicators.api import router as indicators_router
from linli.infra.api import router as infra_router
from linli.jobs.api import router as jobs_router
from linli.ledger.api import router as ledger_router
from linli.meetings.api import router as meetings_router
from linli.selfgov.api import router as selfgov_router
from linli.services.api import router as services_router
from linli.stairwell.api import router as stairwell_router
from linli.volunteers.api import router as volunteers_router

logger = logging.getLogger("linli.api")


def docs_login_required(view):
    """The OpenAPI schema and its docs page are for signed-in users: the page sends a stranger
    to the login page, the schema answers 401 in the error shape."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse(
                {"code": "unauthenticated", "message": "请先登录", "details": []},
                status=401,
                json_dumps_params={"ensure_ascii": False},
            )
        return redirect_to_login(request.get_full_path())

    return wrapped


class HealthOut(Schema):
    status: str
    database: str


api = NinjaAPI(
    title="Linli 邻里 API",
    version="1",
    description="三无小区“片组邻”三长制基层治理平台接口。错误体：{code, message, details}。",
    auth=django_auth,
    urls_namespace="api",
    docs_decorator=docs_login_required,
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(
        request,
        {"code": exc.code, "message": exc.message, "details": exc.details},
        status=exc.status,
    )


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    details = [
        {"field": ".".join(str(p) for p in e.get("loc", [])), "reason": e.get("msg", "")}
        for e in exc.errors
    ]
    return api.create_response(
        request,
        {"code": "invalid_input", "message": "输入不符合要求", "details": details},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(
        request, {"code": "unauthenticated", "message": "请先登录", "details": []}, status=401
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    """A Django ``Http404`` inside a handler answers exactly like ``NotFound``."""
    return domain_error(request, NotFound())


@api.exception_handler(DataError)
def data_error(request, exc: DataError):
    """A value the database column cannot hold (a string longer than the column on
    PostgreSQL, a number out of range) that no schema bound caught: the input's fault, so
    a 422; logged so the missing bound gets added."""
    logger.warning("API %s %s: database refused a value: %s", request.method, request.path, exc)
    return api.create_response(
        request,
        {"code": "invalid_input", "message": "输入超出允许的长度或范围", "details": []},
        status=422,
    )


@api.exception_handler(Exception)
def server_error(request, exc: Exception):
    """Anything unexpected: logged with its traceback (tests show it), answered in the shape."""
    logger.exception("API %s %s failed", request.method, request.path)
    return api.create_response(
        request, {"code": "server_error", "message": "服务器内部错误", "details": []}, status=500
    )


def unknown_endpoint(request, rest=""):
    """A path under /api/v1/ that matches no operation: the common 404 body, not HTML."""
    body = {"code": "not_found", "message": NotFound().message, "details": []}
    return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    code = "csrf_failed" if "CSRF" in str(exc) else f"http_{exc.status_code}"
    message = "CSRF 校验失败，请刷新页面后重试" if code == "csrf_failed" else str(exc)
    return api.create_response(
        request, {"code": code, "message": message, "details": []}, status=exc.status_code
    )


@api.get(
    "/health",
    auth=None,
    tags=["system"],
    response={200: HealthOut, 500: ErrorOut},
    summary="健康检查",
)
def health(request):
    """No login; 500 in the error shape when the database does not answer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "database": connection.vendor}


api.add_router("/ledger/", ledger_router)
api.add_router("/grid/", grid_router)
api.add_router("/cases/", cases_router)
api.add_router("/selfgov/", selfgov_router)
api.add_router("/meetings/", meetings_router)
api.add_router("/finance/", finance_router)
api.add_router("/commons/", commons_router)
api.add_router("/volunteers/", volunteers_router)
api.add_router("/care/", care_router)
api.add_router("/todo", todo_router)
api.add_router("/civility/", civility_router)
api.add_router("/infra/", infra_router)
api.add_router("/jobs/", jobs_router)
api.add_router("/stairwell/", stairwell_router)
api.add_router("/services/", services_router)
api.add_router("/indicators", indicators_router)
