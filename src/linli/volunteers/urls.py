from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("shifts/<id:shift_id>/signup/", views.signup, name="signup"),
    path("signups/<id:signup_id>/withdraw/", views.withdraw, name="withdraw"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("hours/", views.hours, name="hours"),
    path("records/<id:record_id>/correction/", views.correction, name="correction"),
    path("points/", views.points, name="points"),
    path("certificates/<id:pk>.pdf", views.certificate_pdf_view, name="certificate_pdf"),
    path("desk/", views.desk, name="desk"),
    path("desk/shifts/<id:shift_id>/", views.roll, name="roll"),
    path("desk/approvals/", views.approvals, name="approvals"),
]
