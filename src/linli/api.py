"""The one NinjaAPI at /api/v1/: one router per app, one place that maps domain errors."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from linli.care.api import router as care_router
from linli.cases.api import router as cases_router
from linli.commons.api import router as commons_router
from linli.core.errors import DomainError
from linli.finance.api import router as finance_router
from linli.grid.api import router as grid_router
from linli.ledger.api import router as ledger_router
from linli.meetings.api import router as meetings_router
from linli.selfgov.api import router as selfgov_router


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


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    code = "csrf_failed" if "CSRF" in str(exc) else f"http_{exc.status_code}"
    message = "CSRF 校验失败，请刷新页面后重试" if code == "csrf_failed" else str(exc)
    return api.create_response(
        request, {"code": code, "message": message, "details": []}, status=exc.status_code
    )


@api.get("/health", auth=None, tags=["system"], summary="健康检查")
def health(request):
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
api.add_router("/care/", care_router)
