"""The Content-Security-Policy header (django-csp), with one exception for the Django admin.

Linli's own pages carry no inline script, style or event handler (``settings.CONTENT_SECURITY_
POLICY``: scripts and styles only from our origin). The admin is Django's and its apps': Django
5.2's change list writes a ``<style>`` block when a model admin has no actions, and
django-simple-history's history page a ``style=`` attribute. Under ``/admin/`` only, style-src
therefore also allows inline styles; scripts stay ``'self'`` there too (the admin has no inline
script since Django 4.1), so an injected ``<script>`` still cannot run. A response that sets
its own policy (a served upload) keeps it: django-csp never overwrites the header.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from django.urls import NoReverseMatch, reverse

ADMIN_STYLE_SRC = ["'self'", "'unsafe-inline'"]


def _admin_prefix() -> str | None:
    try:
        return reverse("admin:index")
    except NoReverseMatch:  # pragma: no cover - the admin is always mounted
        return None


class CSPMiddleware(BaseCSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        prefix = _admin_prefix()
        if prefix and request.path_info.startswith(prefix) and parts.replace is None:
            parts.replace = {"style-src": ADMIN_STYLE_SRC}
        return parts
