from django.urls import path

from . import views

app_name = "care"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("person/<id:recipient_id>/", views.person, name="person"),
    path("person/<id:recipient_id>/visit/", views.visit, name="visit"),
    path("person/<id:recipient_id>/manage/", views.person_manage, name="person_manage"),
    path("community/<id:community_id>/", views.community, name="community"),
    path("community/<id:community_id>/sync/", views.community_sync, name="community_sync"),
    path("events/", views.events, name="events"),
]
