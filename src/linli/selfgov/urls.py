from django.urls import path

from . import views

app_name = "selfgov"

urlpatterns = [
    path("", views.index, name="index"),
    path("compounds/<int:compound_id>/", views.compound, name="compound"),
    path("compounds/<int:compound_id>/<slug:action>/", views.compound_act, name="compound_act"),
    path("votes/<int:vote_id>/", views.vote_detail, name="vote"),
    path("votes/<int:vote_id>/<slug:action>/", views.vote_act, name="vote_act"),
]
