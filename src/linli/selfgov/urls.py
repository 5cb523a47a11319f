from django.urls import path

from . import views

app_name = "selfgov"

urlpatterns = [
    path("", views.index, name="index"),
    path("compounds/<id:compound_id>/", views.compound, name="compound"),
    path("compounds/<id:compound_id>/<slug:action>/", views.compound_act, name="compound_act"),
    path("votes/<id:vote_id>/", views.vote_detail, name="vote"),
    path("votes/<id:vote_id>/<slug:action>/", views.vote_act, name="vote_act"),
]
