from django.urls import path

from . import views

app_name = "civility"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("campaign/<id:campaign_id>/nominate/", views.nominate, name="nominate"),
    path("nomination/<id:nomination_id>/vote/", views.vote, name="vote"),
    path("nomination/<id:nomination_id>/object/", views.object_, name="object"),
    path("scoring/", views.scoring, name="scoring"),
    path("nomination/<id:nomination_id>/score/", views.score, name="score"),
    path("desk/", views.desk, name="desk"),
    path("desk/campaign/", views.campaign_create, name="campaign_create"),
    path("nomination/<id:nomination_id>/act/", views.act, name="act"),
    path("objection/<id:objection_id>/decide/", views.decide, name="decide"),
]
