from django.urls import path

from . import views

app_name = "commons"

urlpatterns = [
    path("", views.index, name="index"),
    path("open/", views.account_open, name="open"),
    path("queue/", views.queue, name="queue"),
    path("<id:account_id>/", views.account, name="account"),
    path("<id:account_id>/entries/", views.entries, name="entries"),
    path("<id:account_id>/entries/new/", views.entry_new, name="entry_new"),
    path("<id:account_id>/notices/new/", views.notice_new, name="notice_new"),
    path("entries/<id:entry_id>/", views.entry, name="entry"),
    path("entries/<id:entry_id>/<slug:action>/", views.entry_act, name="entry_act"),
    path("notices/<id:notice_id>/", views.notice, name="notice"),
    path("notices/<id:notice_id>/pdf/", views.notice_pdf_view, name="notice_pdf"),
    path("vouchers/<id:voucher_id>/", views.voucher, name="voucher"),
]
