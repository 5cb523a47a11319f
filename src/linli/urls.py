from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path, register_converter

from linli.api import api, unknown_endpoint
from linli.core import views as core_views
from linli.core.bounds import IdConverter
from linli.stairwell import views as stairwell_views
from linli.volunteers import views as volunteer_views

register_converter(IdConverter, "id")  # <id:pk>: 1 … 2**63−1, anything else a 404

admin.site.site_header = "邻里 Linli 后台"
admin.site.site_title = "邻里 Linli"
admin.site.index_title = "台账与系统管理"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("access-log/", core_views.access_log, name="access_log"),
    path("todo/", core_views.todo, name="todo"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("linli.accounts.urls")),
    path("ledger/", include("linli.ledger.urls")),
    path("grid/", include("linli.grid.urls")),
    path("party/", include("linli.party.urls")),
    path("cases/", include("linli.cases.urls")),
    path("selfgov/", include("linli.selfgov.urls")),
    path("meetings/", include("linli.meetings.urls")),
    path("finance/", include("linli.finance.urls")),
    path("commons/", include("linli.commons.urls")),
    path("volunteers/", include("linli.volunteers.urls")),
    path("v/<str:token>/", volunteer_views.certificate_verify, name="certificate_verify"),
    path("s/<str:token>/", stairwell_views.page, name="stairwell_page"),  # 楼道码, no login
    path("stairwell/", include("linli.stairwell.urls")),
    path("care/", include("linli.care.urls")),
    path("jobs/", include("linli.jobs.urls")),
    path("civility/", include("linli.civility.urls")),
    path("infra/", include("linli.infra.urls")),
    path("services/", include("linli.services.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", unknown_endpoint),
    path("open311/v2/", include("linli.cases.open311.urls")),
]
