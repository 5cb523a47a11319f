from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from .policy import Capability, can


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
def home(request):
    """Each role lands where its work is."""
    user = request.user
    if can(user, Capability.CASES_INBOX):  # the 三长: their households
        return redirect("grid:mine")
    if can(user, Capability.MY_HOUSEHOLD) and user.profile.household_id:
        return redirect("grid:household", household_id=user.profile.household_id)
    if can(user, Capability.LEDGER_VIEW):  # the back office
        return redirect("ledger:index")
    if can(user, Capability.SELFGOV_VOTE) and can(user, Capability.COMMONS_VIEW):
        return redirect("commons:index")  # a committee member: the accounts they approve
    return render(request, "core/no_role.html")


@login_required
def access_log(request):
    from django.core.paginator import Paginator
    from django.http import Http404

    from .selectors import access_log_for

    if not can(request.user, Capability.READ_ACCESS_LOG):
        raise Http404("无权查看")
    page = Paginator(access_log_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "core/access_log.html", {"page": page})


@login_required
def todo(request):
    """待办: everything waiting for this person, most urgent group first."""
    from . import todos

    groups = todos.groups_for(request.user)
    return render(
        request,
        "core/todo.html",
        {"groups": groups, "total": sum(g.count for g in groups)},
    )
