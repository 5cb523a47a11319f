from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from linli.api import api
from linli.core import views as core_views

admin.site.site_header = "邻里 Linli 后台"
admin.site.site_title = "邻里 Linli"
admin.site.index_title = "台账与系统管理"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("access-log/", core_views.access_log, name="access_log"),
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
    path("care/", include("linli.care.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("open311/v2/", include("linli.cases.open311.urls")),
]
