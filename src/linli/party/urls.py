from django.urls import path

from . import views

app_name = "party"

urlpatterns = [
    path("community/<id:community_id>/", views.community_tree, name="tree"),
]
