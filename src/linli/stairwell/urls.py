"""The leader's pages under ``/stairwell/``; the public page ``/s/<token>/`` is in
``linli/urls.py`` (short, for a small QR code)."""

from django.urls import path

from . import views

app_name = "stairwell"

urlpatterns = [
    path("reports/", views.reports, name="reports"),
    path("reports/<id:case_id>/decide/", views.decide, name="decide"),
]
