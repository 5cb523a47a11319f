from django.urls import path

from . import views

app_name = "finance"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("desk/", views.desk, name="desk"),
    path("desk/households/<id:household_id>/", views.household, name="household"),
    path("desk/households/<id:household_id>/pay/", views.pay, name="pay"),
    path("desk/bills/<id:bill_id>/waiver/", views.waiver_request, name="waiver_request"),
    path("desk/waivers/", views.waivers, name="waivers"),
    path("desk/waivers/<id:waiver_id>/decide/", views.waiver_decide, name="waiver_decide"),
    path("desk/payments/<id:payment_id>/void/", views.payment_void, name="payment_void"),
    path("desk/voids/<id:void_id>/decide/", views.void_decide, name="void_decide"),
    path("desk/run/", views.run, name="run"),
    path("desk/schedules/", views.schedule_create, name="schedule_create"),
    path("desk/rates/", views.rates, name="rates"),
    path("receipts/<id:payment_id>/", views.receipt, name="receipt"),
    path("arrears/", views.arrears, name="arrears"),
]
