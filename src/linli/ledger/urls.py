from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("", views.index, name="index"),
    path("sanwu-as-of/", views.sanwu_as_of, name="sanwu_as_of"),
    path("community/<id:community_id>/", views.community_detail, name="community"),
    path("compound/<id:compound_id>/", views.compound_detail, name="compound"),
    path("import/", views.import_upload, name="import"),
    path("export/", views.export_page, name="export"),
    path("export/<id:request_id>/decide/", views.export_decide, name="export_decide"),
    path("export/<id:request_id>/file/", views.export_file, name="export_file"),
]
