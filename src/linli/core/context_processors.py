from linli.core.policy import Capability, can


def _none(user):
    return ()


def _care_visits(user):
    """The registry for the office; for a paired resident (结对) their visits. The 三长 reach
    theirs from the top of the grid page (their menu stays short)."""
    if can(user, Capability.CARE_MANAGE):
        return ()
    if can(user, Capability.CARE_VIEW):
        return None
    from django.apps import apps

    recipient = apps.get_model("care", "Recipient")
    return () if recipient.objects.filter(partner=user, ended_on__isnull=True).exists() else None


def _jobs_roles(user) -> tuple[bool, bool]:
    """(a registered job seeker, an account of an employer), in one query, kept on the user
    for the rest of the request (the jobs app sits above core: its models by name)."""
    cached = getattr(user, "_linli_jobs_roles", None)
    if cached is None:
        from django.apps import apps
        from django.contrib.auth import get_user_model
        from django.db.models import Exists, OuterRef

        seeker = apps.get_model("jobs", "Seeker")
        employer = apps.get_model("jobs", "Employer")
        row = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .annotate(
                seeker=Exists(seeker.objects.filter(user=OuterRef("pk"))),
                employer=Exists(employer.objects.filter(staff=OuterRef("pk"))),
            )
            .values_list("seeker", "employer")
            .first()
        )
        cached = (bool(row[0]), bool(row[1])) if row else (False, False)
        user._linli_jobs_roles = cached
    return cached


def _job_seeker(user):
    """找工作 only for a registered job seeker (the menu of the others stays short; the board
    itself, /jobs/, is public)."""
    return () if _jobs_roles(user)[0] else None


def _employer_account(user):
    """招聘 for the accounts of an employer (the station has its own entry)."""
    if can(user, Capability.JOBS_STATION):
        return None
    return () if _jobs_roles(user)[1] else None


def _own_household(user):
    household_id = user.profile.household_id
    return [household_id] if household_id else None


# (label, url name, capability, url args): the menu is the capability table read in order.
_MENU = [
    ("网格", "grid:mine", Capability.GRID_WORK, _none),
    ("关爱", "care:mine", Capability.CARE_VISIT, _care_visits),
    ("诉求", "cases:board", Capability.CASES_BOARD, _none),
    ("诉求", "cases:inbox", Capability.CASES_INBOX, _none),
    ("派遣件", "cases:department", Capability.CASES_DEPARTMENT, _none),
    ("反映问题", "cases:mine", Capability.CASES_REPORT_OWN, _none),
    ("投票", "selfgov:index", Capability.SELFGOV_VOTE, _none),
    ("缴费", "finance:mine", Capability.FINANCE_OWN, _none),
    ("公共收益", "commons:index", Capability.FINANCE_OWN, _none),
    ("自治", "selfgov:index", Capability.SELFGOV_MANAGE, _none),
    ("收费", "finance:desk", Capability.FINANCE_DESK, _none),
    ("公共收益", "commons:index", Capability.FINANCE_DESK, _none),
    ("联席会", "meetings:index", Capability.MEETINGS, _none),
    ("一小区一对策", "infra:index", Capability.INFRA_MANAGE, _none),
    ("欠费", "finance:arrears", Capability.FINANCE_ARREARS, _none),
    ("志愿服务", "volunteers:mine", Capability.VOLUNTEERS_OWN, _none),
    ("志愿管理", "volunteers:desk", Capability.VOLUNTEERS_MANAGE, _none),
    ("评选", "civility:mine", Capability.CIVILITY_TAKE_PART, _none),
    ("评分", "civility:scoring", Capability.CIVILITY_SCORE, _none),
    ("评选表彰", "civility:desk", Capability.CIVILITY_MANAGE, _none),
    ("就业驿站", "jobs:station", Capability.JOBS_STATION, _none),
    ("找工作", "jobs:me", Capability.JOBS_SEEK, _job_seeker),
    ("招聘", "jobs:employer", Capability.JOBS_POST, _employer_account),
    ("就近办", "services:near", Capability.SERVICES_FIND, _none),
    ("便民服务", "services:catalogue", Capability.SERVICES_EDIT, _none),
    ("台账", "ledger:index", Capability.LEDGER_VIEW, _none),
    ("导入", "ledger:import", Capability.LEDGER_EDIT, _none),
    ("我家", "grid:household", Capability.MY_HOUSEHOLD, _own_household),
    ("访问日志", "access_log", Capability.READ_ACCESS_LOG, _none),
]


def navigation(request):
    """The menu a user's role needs (a 邻长 on a phone sees two items, not the back office)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    from django.urls import reverse

    if getattr(request, "two_factor_pending", False):  # set by accounts' login-policy middleware
        return {"nav": []}  # nothing opens before the second factor: show nothing to open

    items = [
        (label, reverse(name, args=args(user)))
        for label, name, cap, args in _MENU
        if can(user, cap) and args(user) is not None
    ]
    if user.is_staff:
        items.append(("后台", reverse("admin:index")))
    from . import todos

    # a callable: the template calls it only where the top bar shows it, once per request
    return {"nav": items, "todo_count": lambda: todos.for_request(request)}
