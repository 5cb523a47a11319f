from django.urls import path

from . import views

app_name = "infra"

urlpatterns = [
    path("", views.index, name="index"),
    path("compound/<id:compound_id>/", views.board, name="board"),
    path("problem/<id:problem_id>/", views.problem, name="problem"),
    path("photo/<id:photo_id>/", views.photo, name="photo"),
    path("region/<id:region_id>/", views.region, name="region"),
]
