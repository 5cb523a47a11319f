from django.urls import path

from . import views

app_name = "commons"

urlpatterns = [
    path("", views.index, name="index"),
    path("open/", views.account_open, name="open"),
    path("queue/", views.queue, name="queue"),
    path("<int:account_id>/", views.account, name="account"),
    path("<int:account_id>/entries/", views.entries, name="entries"),
    path("<int:account_id>/entries/new/", views.entry_new, name="entry_new"),
    path("<int:account_id>/notices/new/", views.notice_new, name="notice_new"),
    path("entries/<int:entry_id>/", views.entry, name="entry"),
    path("entries/<int:entry_id>/<slug:action>/", views.entry_act, name="entry_act"),
    path("notices/<int:notice_id>/", views.notice, name="notice"),
    path("notices/<int:notice_id>/pdf/", views.notice_pdf_view, name="notice_pdf"),
    path("vouchers/<int:voucher_id>/", views.voucher, name="voucher"),
]
