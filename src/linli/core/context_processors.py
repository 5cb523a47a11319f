from linli.accounts import scoping


def navigation(request):
    """The menu a user's role needs (a 邻长 on a phone sees two items, not the back office)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    from django.urls import reverse

    from linli.accounts.policy import requires_two_factor

    if requires_two_factor(user) and not getattr(user, "is_verified", lambda: False)():
        return {"nav": []}  # nothing opens before the second factor: show nothing to open

    role = scoping.role_of(user)
    office = role == "superuser" or role in scoping.REGION_ROLES
    items = []
    if office or role in scoping.GRID_ROLES:
        items.append(("网格", reverse("grid:mine")))
    if office:
        items.append(("诉求", reverse("cases:board")))
    elif role in scoping.GRID_ROLES:
        items.append(("诉求", reverse("cases:inbox")))
    elif role == "department_staff":
        items.append(("派遣件", reverse("cases:department")))
    elif role in ("resident", "committee_member"):
        items.append(("反映问题", reverse("cases:mine")))
    if role in ("resident", "committee_member"):
        items.append(("投票", reverse("selfgov:index")))
        items.append(("缴费", reverse("finance:mine")))
        items.append(("公共收益", reverse("commons:index")))
    if office:
        items.append(("自治", reverse("selfgov:index")))
        items.append(("收费", reverse("finance:desk")))
        items.append(("公共收益", reverse("commons:index")))
    if office or role == "department_staff":
        items.append(("联席会", reverse("meetings:index")))
    if role in scoping.GRID_ROLES:
        items.append(("欠费", reverse("finance:arrears")))
    if office or role == "department_staff":
        items.append(("台账", reverse("ledger:index")))
    if scoping.edits_ledger(user):
        items.append(("导入", reverse("ledger:import")))
    if role == "resident" and user.profile.household_id:
        items.append(("我家", reverse("grid:household", args=[user.profile.household_id])))
    if role == "superuser" or role in ("county_official", "town_official"):
        items.append(("访问日志", reverse("access_log")))
    if user.is_staff:
        items.append(("后台", reverse("admin:index")))
    return {"nav": items}
