from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("actions/", views.board, name="board"),
    path("actions/<id:action_id>/", views.action_detail, name="action"),
    path("actions/<id:action_id>/<slug:what>/", views.action_act, name="action_act"),
    path("<id:meeting_id>/", views.detail, name="detail"),
    path("<id:meeting_id>/minutes.<slug:fmt>", views.minutes, name="minutes"),
    path("<id:meeting_id>/add/<slug:what>/", views.add, name="add"),
]
