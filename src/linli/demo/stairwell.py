"""The stairwell demo (楼道码): a QR code for every stairwell (单元) of 兴东社区 and a few
anonymous reports from them waiting for their 邻长 — those of the demo login ``linzhang``
first, so signing in as him shows them on his to-do list.

Through ``linli.stairwell.services`` (the codes, the report with its limits); the sheets
themselves are printed by ``linli grid qr --community 兴东社区 FILE.pdf``.
``build(*, community, today, rng, say) -> dict``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.utils import timezone

from linli.cases.models import Case, Channel
from linli.grid.models import Membership
from linli.ledger.models import Region
from linli.stairwell import services
from linli.stairwell.models import StairwellCode
from linli.stairwell.services import Sender

REPORTS = [
    ("sanitation", "二楼到三楼的楼梯间堆满了纸箱和旧家具，晚上看不清，容易绊倒。"),
    ("sanitation", "楼道里有人从窗户拉电线下来给电动车充电，怕起火。"),
    ("sanitation", "一楼楼道口的垃圾好几天没人清了，有味道。"),
    ("sanitation", "四楼楼道灯坏了一个多星期，老人晚上上下楼不方便。"),
    ("sanitation", "单元门口停满了电动车，消防通道被堵住了。"),
]
LEADER_LOGIN = "linzhang"


def _leader_units(community: Region) -> list[int]:
    """The units of the demo 邻长's 邻 (his stairwells), to report from first."""
    user = get_user_model().objects.filter(username=LEADER_LOGIN).select_related("profile").first()
    grid_id = getattr(getattr(user, "profile", None), "grid_id", None)
    if grid_id is None:
        return []
    return list(
        Membership.objects.filter(end__isnull=True, neighbour_id=grid_id)
        .values_list("household__unit_id", flat=True)
        .distinct()
        .order_by("household__unit_id")
    )


def build(*, community: Region, today: dt.date, rng, say: Callable[[str], None]) -> dict:
    rows = services.codes_for_community(community=community)
    codes = {unit.pk: code for unit, code in rows}
    mine = [codes[u] for u in _leader_units(community) if u in codes]
    others = [c for c in codes.values() if c not in mine]
    chosen = mine[:3] + rng.sample(others, min(len(others), len(REPORTS) - len(mine[:3])))
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time(0, 0)))  # the demo's now
    for i, (code, (category, text)) in enumerate(zip(chosen, REPORTS, strict=False)):
        services.stairwell_report(
            code=code,
            category=category,
            description=text,
            sender=Sender(device=f"demo-device-{i:04d}", address=f"198.51.100.{i + 1}"),
            when=midnight - dt.timedelta(hours=5 * i + 2),  # the evening before, and earlier
        )
    waiting = Case.objects.filter(
        community=community, channel=Channel.STAIRWELL, unverified=True
    ).count()
    say(
        f"楼道码：{community.name} {len(rows)} 个单元（楼道）各一个二维码，"
        f"打印：linli grid qr --community {community.name} 楼道码.pdf；"
        f"{waiting} 条匿名反映待邻长核实（{LEADER_LOGIN} 的楼道 {len(mine[:3])} 条）"
    )
    return {"units": len(rows), "waiting": waiting}


def clear(*, town: Region) -> None:
    """The codes of the town's units (the reports go with the cases layer)."""
    StairwellCode.objects.filter(unit__building__compound__community__parent=town).delete()
