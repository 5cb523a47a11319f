from django.urls import path

from . import views

app_name = "services"

urlpatterns = [
    path("", views.near, name="near"),
    path("items/", views.catalogue, name="catalogue"),
    path("items/<id:service_item_id>/", views.item, name="item"),
    path("items/<id:service_item_id>/guide.pdf", views.item_pdf, name="item_pdf"),
    path("points/<id:point_id>/", views.point, name="point"),
]
