"""Small helpers shared by page views."""

from django.http import Http404

from .errors import NotFound


def get_or_404(fn, **kwargs):
    """Call an ``*_get_for`` selector; its NotFound becomes a 404 page."""
    try:
        return fn(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from None


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"
