"""Domain errors that reach a page, answered once: a Chinese page with the error's status.

Views that can do better (show the form again with the message beside the field, or a message
after a redirect) catch ``DomainError`` themselves; anything they leave lands here instead of
becoming a 500. The API (``/api/``) and Open311 map errors in their own formats.
"""

from __future__ import annotations

from django.shortcuts import render

from .errors import DomainError

HEADINGS = {
    400: "输入有误",
    403: "无权进行此操作",
    404: "页面不存在或无权查看",
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
        status = exception.status if exception.status in HEADINGS else 400
        context = {
            "heading": HEADINGS[status],
            "message": exception.message,
            "details": exception.details if status != 404 else [],
        }
        return render(request, "core/error.html", context, status=status)
