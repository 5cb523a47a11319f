from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from linli.core import registry
from linli.core.http import get_or_404
from linli.ledger.selectors import community_get_for

from . import selectors
from .models import Member, ThemeDay


@login_required
def community_tree(request, community_id: int):
    """社区党总支 → 联建党支部 → 小区党小组, with members who 亮身份 and the theme days."""
    community = get_or_404(community_get_for, actor=request.user, community_id=community_id)
    # annotated with member_count/shown_count; the page adds depth and the totals
    orgs = cast(list[Any], selectors.tree_for(actor=request.user, community=community))
    for org in orgs:
        org.depth = org.path.count("/") - 2
        below = [o for o in orgs if o.path.startswith(org.path)]
        org.total_members = sum(o.member_count for o in below)
        org.total_shown = sum(o.shown_count for o in below)
    shown = list(
        Member.objects.restrict(request.user)
        .filter(organisation__in=orgs, shows_identity=True)
        .select_related("organisation", "unit")
        .order_by("organisation__path", "name")[:200]
    )
    registry.PARTY_MEMBER.annotate(shown)  # 亮身份: e.g. their approved volunteer hours
    theme_days = (
        ThemeDay.objects.restrict(request.user)
        .filter(organisation__in=orgs)
        .select_related("organisation", "area")
        .order_by("-month", "organisation__path")[:12]
    )
    context = {"community": community, "orgs": orgs, "shown": shown, "theme_days": theme_days}
    return render(request, "party/tree.html", context)
