from django.urls import path

from . import views

app_name = "grid"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("community/<id:community_id>/", views.community_grid, name="community"),
    path("community/<id:community_id>/plan/", views.plan, name="plan"),
    path("household/<id:household_id>/", views.household_card, name="household"),
    path("household/<id:household_id>/visit/", views.visit_create, name="visit_create"),
    path("resident/<id:resident_id>/phone/", views.reveal_phone, name="reveal_phone"),
    path("cell/<id:grid_id>/card/", views.cell_card, name="card"),
    path("visit-photos/<id:photo_id>/", views.visit_photo, name="visit_photo"),
]
