"""Every route Linli serves, read from the URL resolver and the ninja router.

``routes()`` returns ``{"METHOD /path/{param}/": kind}`` with kind ``page``, ``api`` or
``open311``:

- pages from ``django.urls.get_resolver()``, without ``admin/`` and static or media files; of
  the ninja include only its own pages (schema, docs, root);
- the operations of ``linli.api.api``, from its routers' ``path_operations`` (each
  operation's ``methods``);
- the Open311 views under ``/open311/v2/``.

A page's methods come from its view: a class-based view's handlers, a
``require_http_methods`` list (``require_POST``), or GET plus POST when the view body looks at
``request.method``; an Open311 view's from the methods it passes to ``_methods``.
"""

import functools
import inspect
import re

from django.urls import URLPattern, URLResolver, get_resolver

API_PREFIX = "/api/v1/"
OPEN311_PREFIX = "/open311/v2/"
SKIP_PREFIXES = ("/admin/", "/static/", "/media/", "/__debug__/")

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_NINJA_PARAM = re.compile(r"\{(?:\w+:)?(\w+)\}")
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def _normalise(path: str) -> str:
    """``<int:case_id>`` and ``{int:case_id}`` and ``(?P<fmt>json|xml)`` → ``{case_id}``."""
    path = _REGEX_GROUP.sub(r"{\1}", path)
    path = _CONVERTER.sub(r"{\1}", path)
    path = _NINJA_PARAM.sub(r"{\1}", path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".")
    return re.sub("/+", "/", "/" + path)


def _walk(resolver, prefix=""):
    for p in resolver.url_patterns:
        pattern = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _walk(p, pattern)
        elif isinstance(p, URLPattern):
            yield pattern, p.callback


def _unwrap(func):
    """The view and every function it wraps, partials opened."""
    chain = []
    while func is not None:
        while isinstance(func, functools.partial):
            func = func.func
        chain.append(func)
        func = getattr(func, "__wrapped__", None)
    return chain


def page_methods(callback) -> set[str]:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return {
            m.upper()
            for m in view_class.http_method_names
            if m not in ("options", "head") and hasattr(view_class, m)
        }
    chain = _unwrap(callback)
    for func in chain:
        for cell, name in zip(func.__closure__ or (), func.__code__.co_freevars, strict=False):
            if name == "request_method_list":
                return set(cell.cell_contents)
    source = inspect.getsource(chain[-1])
    if m := re.search(r"_methods\(request, fmt, ([^)]*)\)", source):
        return set(re.findall(r'"(\w+)"', m.group(1))) - {"HEAD"}
    return {"GET", "POST"} if "request.method" in source else {"GET"}


def routes() -> dict[str, str]:
    from linli.api import api

    found: dict[str, str] = {}
    for pattern, callback in _walk(get_resolver()):
        path = _normalise(pattern)
        if path.startswith(SKIP_PREFIXES):
            continue
        if path.startswith(API_PREFIX):
            if getattr(callback, "__module__", "") == "ninja.operation":
                continue  # an operation: taken from the router below, with its methods
            kind = "api"  # the API's own pages: root, OpenAPI schema, docs
        else:
            kind = "open311" if path.startswith(OPEN311_PREFIX) else "page"
        for method in page_methods(callback):
            found[f"{method} {path}"] = kind
    for prefix, router in api._routers:
        for sub, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    found[f"{method} {_normalise(API_PREFIX + prefix + sub)}"] = "api"
    return found
