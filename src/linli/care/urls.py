from django.urls import path

from . import views

app_name = "care"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("person/<int:recipient_id>/", views.person, name="person"),
    path("person/<int:recipient_id>/visit/", views.visit, name="visit"),
    path("person/<int:recipient_id>/manage/", views.person_manage, name="person_manage"),
    path("community/<int:community_id>/", views.community, name="community"),
    path("community/<int:community_id>/sync/", views.community_sync, name="community_sync"),
    path("events/", views.events, name="events"),
]
