from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.board, name="board"),
    path("posting/<id:posting_id>/", views.posting, name="posting"),
    path("posting/<id:posting_id>/apply/", views.apply, name="apply"),
    path("me/", views.me, name="me"),
    path("course/<id:course_id>/enrol/", views.enrol, name="enrol"),
    path("employer/", views.employer, name="employer"),
    path("employer/post/", views.post_form, name="post_form"),
    path("application/<id:application_id>/advance/", views.advance, name="advance"),
    path("station/", views.station, name="station"),
    path("station/posting/<id:posting_id>/", views.station_posting, name="station_posting"),
    path("station/posting/<id:posting_id>/recommend/", views.recommend, name="recommend"),
]
