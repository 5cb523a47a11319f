from django.urls import path

from . import views

app_name = "finance"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("desk/", views.desk, name="desk"),
    path("arrears/", views.arrears, name="arrears"),
]
