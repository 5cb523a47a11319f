"""``/open311/v2/`` — GeoReport v2 resources, each as ``.json`` or ``.xml``."""

from django.urls import re_path

from . import views

app_name = "open311"
F = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + F, views.discovery, name="discovery"),
    re_path(r"^services" + F, views.services, name="services"),
    re_path(r"^services/(?P<code>[^/]+?)" + F, views.service_definition, name="service"),
    re_path(r"^requests" + F, views.requests, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/]+?)" + F, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + F, views.token, name="token"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not_found"),
]
