from django.urls import path

from . import views

app_name = "selfgov"

urlpatterns = [
    path("", views.index, name="index"),
]
