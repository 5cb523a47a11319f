"""A year of residents' cases for a community (兴东社区), run through the real services.

The article: the 三长 collected about 1,800 reports (facility safety, neighbour disputes, legal
aid …) and resolved 1,600+. Every case here is reported with :func:`services.case_report` and
moved on with the same transition functions the pages and the API call, each step backdated
with ``when=`` — no finished rows are inserted. Steps that would fall after "now" are not taken,
so the most recent cases are still open at some stage; at the end the deadline job runs once.

Some reports come with a photo (every case of the demo 邻长's own 邻 that a photo can show,
and about one in twenty-five elsewhere), and about half of those get an "after" photo with
the fix: generated JPEGs (``linli.demo.photos``) that go through the upload module like
a phone's. Photos are drawn from their own random stream, so the year's figures do not depend
on them.

Call :func:`clear_cases` before rebuilding the grid or ledger (cases protect households and
grid cells).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from linli.accounts.models import Profile
from linli.cases import services
from linli.cases.models import (
    Case,
    CaseEvent,
    CasePhoto,
    Category,
    Department,
    HandlerLevel,
    Stage,
)
from linli.core.roles import Role
from linli.grid.models import Holding, Membership
from linli.ledger.models import Household, Region

from .logins import LEADER_USERNAMES
from .photos import demo_photo

ARTICLE_REPORTS = 1800
# (category code, weight, sample descriptions)
MIX = [
    ("facility_safety", 16, ["楼道灯不亮", "单元门禁损坏", "消防栓锈蚀漏水", "围墙出现裂缝"]),
    ("neighbour_dispute", 15, ["楼上噪音扰民", "楼道堆放杂物起争执", "漏水殃及楼下"]),
    ("legal_aid", 7, ["房屋买卖合同纠纷咨询", "赡养费纠纷求助", "拖欠工资求助"]),
    ("flying_lead_charging", 12, ["窗口拉线给电动车充电", "楼道内私拉电线充电"]),
    ("illegal_parking", 12, ["电动车堵住消防通道", "汽车占用单元出入口"]),
    ("illegal_construction", 6, ["一楼私自搭建雨棚", "屋顶违建阳光房"]),
    ("high_altitude_throwing", 5, ["楼上扔垃圾到院子里", "花盆从高处坠落"]),
    ("sanitation", 12, ["垃圾站满溢", "下水道堵塞有异味", "绿化带堆放建筑垃圾"]),
    ("security_hazard", 4, ["夜间有陌生人撬门", "围墙缺口有人翻入"]),
    ("property_service", 6, ["保洁不到位", "公共区域照明维修不及时"]),
    ("other", 5, ["咨询社区办事流程", "建议增设休闲座椅"]),
]
# what a photo of each category's problem shows (categories not listed come without photos)
PHOTO_SCENES = {
    "facility_safety": "stairwell",
    "neighbour_dispute": "stairwell",
    "property_service": "stairwell",
    "flying_lead_charging": "doorway",
    "security_hazard": "doorway",
    "illegal_parking": "courtyard",
    "illegal_construction": "courtyard",
    "high_altitude_throwing": "courtyard",
    "sanitation": "courtyard",
}
PHOTO_SHARE = 0.04
DEMO_LEADER = LEADER_USERNAMES[2]  # the 邻长 login: every case of its 邻 a photo can show
HANDLED = ["已上门处理完毕", "已协调相关住户整改", "已联系维修人员修复", "已劝导整改到位"]


@dataclass
class YearSummary:
    reported: int = 0
    resolved: int = 0
    closed: int = 0
    open: int = 0
    escalated: int = 0
    dispatched: int = 0
    reopened: int = 0
    merged: int = 0
    returned: int = 0
    seconds: float = 0.0


@transaction.atomic
def clear_cases(region: Region | None) -> None:
    """Remove every case under ``region`` (demo rebuild)."""
    if region is None:
        return
    cases = Case.objects.filter(community__path__startswith=region.path)
    photos = CasePhoto.objects.filter(case__in=cases)
    for photo in photos:
        photo.image.delete(save=False)
    photos.delete()
    CaseEvent.objects.filter(case__in=cases).delete()
    cases.filter(merged_into__isnull=False).delete()
    cases.delete()


def _later(rng: random.Random, at: dt.datetime, lo_hours: float, hi_hours: float) -> dt.datetime:
    step = at + dt.timedelta(hours=rng.uniform(lo_hours, hi_hours))
    if step.hour >= 21 or step.hour < 8:  # people act in the daytime
        step = step.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59))
        if step <= at:
            step += dt.timedelta(days=1)
    return step


def simulate_year(
    *,
    community: Region,
    seed: int = 2026,
    reports: int = ARTICLE_REPORTS,
    now: dt.datetime | None = None,
) -> YearSummary:
    """Run ``reports`` cases for ``community`` over the year before ``now``; returns counts."""
    started = time.monotonic()
    rng = random.Random(seed)
    now = timezone.localtime(now or timezone.now())
    clear_cases(community)
    memberships = list(
        Membership.objects.filter(
            end__isnull=True, household__unit__building__compound__community=community
        )
        .order_by("household_id")
        .values_list("household_id", "neighbour_id")
    )
    if not memberships:
        raise ValueError(f"{community.name}没有划入网格的住户，请先生成网格")
    households = Household.objects.in_bulk([h for h, _ in memberships])
    by_neighbour: dict[int, list[int]] = {}
    for h, n in memberships:
        by_neighbour.setdefault(n, []).append(h)
    # keyed by grid id; looked up with a case's or household's optional id (None: no leader)
    leader_users: dict[int | None, User] = {
        h.post.grid_id: h.user
        for h in Holding.objects.filter(end__isnull=True, post__grid__community=community)
        .exclude(user=None)
        .select_related("post", "user__profile")
        if h.user is not None  # excluded above already
    }
    worker_profile = (
        Profile.objects.filter(role=Role.COMMUNITY_WORKER, region=community)
        .select_related("user")
        .first()
    )
    worker = worker_profile.user if worker_profile else None
    categories = {c.code: c for c in Category.objects.filter(active=True)}
    mix = [(categories[code], w, texts) for code, w, texts in MIX if code in categories]
    weights = [w for _, w, _ in mix]
    departments = list(Department.objects.filter(active=True))
    summary = YearSummary()
    photo_rng = random.Random(seed + 1)  # its own stream: photos do not change the figures
    demo_cell = next((g for g, u in leader_users.items() if u.username == DEMO_LEADER), None)

    starts = sorted(
        now - dt.timedelta(days=rng.uniform(0.2, 365), hours=rng.uniform(-4, 4))
        for _ in range(reports)
    )

    def holder(case: Case):
        if case.level <= HandlerLevel.AREA:
            return leader_users.get(case.grid_id)
        if case.level in (HandlerLevel.COMMUNITY, HandlerLevel.JOINT_MEETING):
            return worker
        return None  # departments act through their own staff; the demo has none

    with transaction.atomic():
        i = 0
        while i < len(starts):
            at = starts[i].replace(minute=rng.randint(0, 59))
            if not 8 <= at.hour < 21:
                at = at.replace(hour=rng.randint(9, 20))
            category, _, texts = rng.choices(mix, weights=weights)[0]
            household_id, neighbour_id = memberships[rng.randrange(len(memberships))]
            channel = rng.choices(["leader", "resident", "desk"], weights=[70, 22, 8])[0]
            reporter = leader_users.get(neighbour_id) if channel == "leader" else None
            if channel == "desk":
                reporter = worker
            scene = PHOTO_SCENES.get(category.code)
            with_photo = scene is not None and (
                neighbour_id == demo_cell or photo_rng.random() < PHOTO_SHARE
            )
            case = services.case_report(
                actor=reporter,
                household=households[household_id],
                category=category,
                description=rng.choice(texts),
                urgency="urgent" if rng.random() < 0.08 else "normal",
                channel=channel,
                when=at,
                photos=[demo_photo(photo_rng, scene=scene)] if with_photo else (),
            )
            summary.reported += 1
            i += 1
            duplicate = None
            if i < len(starts) and rng.random() < 0.025:
                # a neighbour reports the same problem a little later
                same = by_neighbour[neighbour_id]
                duplicate = services.case_report(
                    actor=None,
                    household=households[rng.choice(same)],
                    category=category,
                    description=f"{rng.choice(texts)}（邻居也反映）",
                    channel="resident",
                    when=_later(rng, at, 0.5, 6),
                )
                summary.reported += 1
                i += 1
            after = (
                (lambda scene=scene: [demo_photo(photo_rng, scene=scene)])
                if with_photo and photo_rng.random() < 0.5
                else None
            )
            _Walk(
                rng,
                case,
                now=now,
                holder=holder,
                worker=worker,
                departments=departments,
                summary=summary,
            ).run(duplicate, after)
    services.deadlines_check(now=now)
    final = Case.objects.filter(community=community)
    summary.open = final.filter(status="open").count()
    summary.closed = final.filter(status="closed").count()
    summary.resolved = (
        final.filter(stage__in=[Stage.FEEDBACK, Stage.VERIFIED, Stage.RATED])
        .exclude(close_reason="merged")
        .count()
    )
    summary.seconds = time.monotonic() - started
    return summary


@dataclass
class _Walk:
    """One case's way through the loop, step by step, stopping at ``now``. The random draws
    come in a fixed order (the same seed gives the same year); each step lands a little
    after the one before (:meth:`step`)."""

    rng: random.Random
    case: Case
    now: dt.datetime
    holder: Callable[[Case], object]
    worker: object
    departments: list[Department]
    summary: YearSummary
    at: dt.datetime = field(init=False)  # when the last step was taken

    def __post_init__(self) -> None:
        self.at = self.case.reported_at

    def step(self, lo: float, hi: float) -> bool:
        """Move the clock on ``lo``–``hi`` hours; whether that is still before ``now``."""
        self.at = _later(self.rng, self.at, lo, hi)
        return self.at <= self.now

    def run(self, duplicate: Case | None, after: Callable[[], list] | None) -> None:
        """``duplicate`` (if any) is merged into the case once it is accepted; ``after`` makes
        the photos sent with the first resolution (None: none)."""
        if not self.step(1, 20):
            return
        self.case = services.case_accept(actor=self.holder(self.case), case=self.case, when=self.at)
        if duplicate is not None and not self._merge(duplicate):
            return
        roll = self.rng.random()
        if roll < 0.03:
            self._return()
            return
        if roll < 0.20 and self.case.level < HandlerLevel.COMMUNITY:
            self._escalate_some()
        if roll < 0.12 or (self.case.level == HandlerLevel.COMMUNITY and roll < 0.30):
            if not self._dispatch():
                return
        elif self.rng.random() < 0.3 and self.step(2, 24):
            self.case = services.case_progress(
                actor=self.holder(self.case), case=self.case, note="已上门了解情况", when=self.at
            )
        if not self.step(6, 24 * self.rng.choice([1, 2, 3, 5, 8])):
            return
        self.case = services.case_resolve(
            actor=self.holder(self.case),
            case=self.case,
            note=self.rng.choice(HANDLED),
            photos=after() if after else (),
            when=self.at,
        )
        self._follow_up()

    def _merge(self, duplicate: Case) -> bool:
        delay = dt.timedelta(minutes=self.rng.randint(10, 90))
        self.at = max(self.at, duplicate.reported_at + delay)
        if self.at > self.now:
            return False
        services.case_merge(
            actor=None, case=duplicate, into=self.case, note="同一问题", when=self.at
        )
        self.summary.merged += 1
        return True

    def _return(self) -> None:
        if self.step(1, 24):
            services.case_return(
                actor=self.holder(self.case),
                case=self.case,
                reason="不属于社区受理范围，已告知办理渠道",
                when=self.at,
            )
            self.summary.returned += 1

    def _escalate_some(self) -> None:
        """One or two levels up (the 邻长 cannot solve it alone)."""
        for _ in range(self.rng.choice([1, 1, 2])):
            if self.case.level >= HandlerLevel.COMMUNITY or not self.step(4, 48):
                break
            self._escalate("需上级协调解决")

    def _escalate(self, reason: str) -> None:
        self.case = services.case_escalate(
            actor=self.holder(self.case), case=self.case, reason=reason, when=self.at
        )
        self.summary.escalated += 1

    def _dispatch(self) -> bool:
        """Up to the community, which sends it to a department, which signs for it; False
        when ``now`` comes first."""
        while self.case.level < HandlerLevel.COMMUNITY:
            if not self.step(2, 24):
                return False
            self._escalate("需社区协调部门")
        if not self.step(2, 24):
            return False
        department = self.case.category.default_department or self.rng.choice(self.departments)
        self.case = services.case_dispatch(
            actor=self.worker,
            case=self.case,
            department=department,
            note="请部门处理",
            when=self.at,
        )
        self.summary.dispatched += 1
        if not self.step(4, 48):
            return False
        self.case = services.case_accept(actor=None, case=self.case, when=self.at)
        return True

    def _follow_up(self) -> None:
        """回访: the resident rates (an unsatisfied rating reopens it, once more at most), or
        the community closes it when the callback went unanswered."""
        for _ in range(2):
            if not self.step(4, 72):
                return
            if self.rng.random() < 0.12:
                services.case_close(
                    actor=self.worker,
                    case=self.case,
                    note="回访未接通，现场核查已解决",
                    when=self.at,
                )
                return
            pick = self.rng.choices(["satisfied", "basically", "unsatisfied"], weights=[80, 15, 5])[
                0
            ]
            self.case = services.case_rate(
                actor=None, case=self.case, satisfaction=pick, when=self.at
            )
            if pick != "unsatisfied":
                return
            self.summary.reopened += 1
            if not self.step(12, 72):
                return
            self.case = services.case_resolve(
                actor=self.holder(self.case),
                case=self.case,
                note="再次上门处理，问题已解决",
                when=self.at,
            )
