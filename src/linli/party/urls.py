from django.urls import path

from . import views

app_name = "party"

urlpatterns = [
    path("community/<int:community_id>/", views.community_tree, name="tree"),
]
