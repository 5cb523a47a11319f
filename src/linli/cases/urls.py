from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.report_pick, name="report"),
    path("new/<slug:code>/", views.report_form, name="report_form"),
    path("mine/", views.mine, name="mine"),
    path("inbox/", views.inbox, name="inbox"),
    path("board/", views.board, name="board"),
    path("department/", views.department, name="department"),
    path("measures/", views.measures, name="measures"),
    path("photos/<id:photo_id>/", views.photo, name="photo"),
    path("<id:case_id>/", views.detail, name="detail"),
    path("<id:case_id>/<slug:action>/", views.act, name="act"),
]
