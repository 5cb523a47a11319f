from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from linli.accounts import scoping


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
def home(request):
    """Each role lands where its work is."""
    role = scoping.role_of(request.user)
    if role in scoping.GRID_ROLES:
        return redirect("grid:mine")
    if role == "resident" and request.user.profile.household_id:
        return redirect("grid:household", household_id=request.user.profile.household_id)
    if role == "superuser" or role in scoping.REGION_ROLES | {"department_staff"}:
        return redirect("ledger:index")
    return render(request, "core/no_role.html")


@login_required
def access_log(request):
    from django.core.paginator import Paginator
    from django.http import Http404

    from .selectors import LOG_READER_ROLES, access_log_for

    role = scoping.role_of(request.user)
    if role != "superuser" and role not in LOG_READER_ROLES:
        raise Http404("无权查看")
    page = Paginator(access_log_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "core/access_log.html", {"page": page})
