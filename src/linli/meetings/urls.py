from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("actions/", views.board, name="board"),
    path("actions/<int:action_id>/", views.action_detail, name="action"),
    path("actions/<int:action_id>/<slug:what>/", views.action_act, name="action_act"),
    path("<int:meeting_id>/", views.detail, name="detail"),
    path("<int:meeting_id>/minutes.<slug:fmt>", views.minutes, name="minutes"),
    path("<int:meeting_id>/add/<slug:what>/", views.add, name="add"),
]
