from django.urls import path

from . import views

app_name = "grid"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("community/<int:community_id>/", views.community_grid, name="community"),
    path("community/<int:community_id>/plan/", views.plan, name="plan"),
    path("household/<int:household_id>/", views.household_card, name="household"),
    path("household/<int:household_id>/visit/", views.visit_create, name="visit_create"),
    path("resident/<int:resident_id>/phone/", views.reveal_phone, name="reveal_phone"),
    path("cell/<int:grid_id>/card/", views.cell_card, name="card"),
    path("visit-photos/<int:photo_id>/", views.visit_photo, name="visit_photo"),
]
