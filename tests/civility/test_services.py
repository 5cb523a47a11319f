"""Scoring, stars, votes, 公示 and objections, awards and points: each rule and its refusal
(a clear Chinese error, nothing changed)."""

import datetime as dt

import pytest

from linli.accounts.models import Role
from linli.civility import services
from linli.civility.models import Honour, Kind, Nomination, Objection, Score, Status, Vote
from linli.core.errors import Conflict, Forbidden, Invalid, NotFound
from linli.volunteers import services as volunteer_services
from linli.volunteers.models import PointEntry

from .conftest import full_marks, on

pytestmark = pytest.mark.django_db


class Nominations:
    """The nominations the tests start from, each brought to the stage a test needs through
    the services: 101's 最美家庭 (by 邻长 A on 05-05; scored 90 of 100 by 组长 A; on 公示 from
    05-16 after the vote) and 2栋's 星级楼栋 (by 组长2, who also scores it)."""

    def __init__(self, w):
        self.w = w

    def family_101(self):
        return services.nomination_create(
            actor=self.w["leader_a"],
            campaign=self.w["family"],
            household=self.w["households"]["101"],
            reason="孝老爱亲，邻里互助",
            when=on(5),
        )

    def family_101_scored(self):
        return services.nomination_score(
            actor=self.w["group_leader"],
            nomination=self.family_101(),
            points=full_marks(Kind.BEAUTIFUL_FAMILY, 0.9),
        )

    def family_101_publicised(self):
        return services.publicity_start(
            actor=self.w["worker"], nomination=self.family_101_scored(), when=on(16)
        )

    def star_building2(self):
        return services.nomination_create(
            actor=self.w["leader2"],
            campaign=self.w["star"],
            building=self.w["building2"],
            reason="楼道整洁，无飞线充电",
            when=on(5),
        )


@pytest.fixture
def nominations(cworld):
    return Nominations(cworld)


@pytest.mark.parametrize(
    ("total", "stars"),
    [(0, 0), (59, 0), (60, 1), (69, 1), (70, 2), (79, 2), (80, 3), (94, 4), (95, 5), (100, 5)],
)
def test_stars_from_the_share_of_full_marks(total, stars):
    assert services.stars_for(total, 100) == stars


def test_stars_on_odd_full_marks_use_integers():
    # 60 % of 85 is 51: 51 reaches one star, 50 does not (no float rounding)
    assert services.stars_for(51, 85) == 1 and services.stars_for(50, 85) == 0


def test_the_seven_days_of_publicity():
    assert services.publicity_until(dt.date(2026, 5, 16)) == dt.date(2026, 5, 22)


def test_a_resident_nominates_in_their_compound_a_leader_in_their_cells(cworld):
    w = cworld
    n = services.nomination_create(
        actor=w["resident_a"],
        campaign=w["family"],
        household=w["households"]["102"],
        reason="家庭和睦，热心公益",
        when=on(5),
    )
    assert n.status == Status.NOMINATED and n.nominated_by == w["resident_a"]
    # 邻长 A's cell is 邻 A: 201 (邻 B) is out of reach — answered like a missing household
    with pytest.raises(NotFound) as exc:
        services.nomination_create(
            actor=w["leader_a"],
            campaign=w["family"],
            household=w["households"]["201"],
            reason="家庭和睦，热心公益",
            when=on(5),
        )
    assert exc.value.code == "civility.nominee_out_of_scope" and "范围" in exc.value.message
    assert Nomination.objects.count() == 1


def test_nominations_refused(cworld, nominations, other_compound):
    w = cworld
    nominations.family_101()
    with pytest.raises(Conflict, match="请勿重复提名"):
        services.nomination_create(
            actor=w["resident_a"],
            campaign=w["family"],
            household=w["households"]["101"],
            reason="再提一次试试",
            when=on(5),
        )
    with pytest.raises(Conflict, match="截止"):
        services.nomination_create(
            actor=w["resident_a"],
            campaign=w["family"],
            household=w["households"]["102"],
            reason="家庭和睦热心",
            when=on(11),
        )
    with pytest.raises(Forbidden):  # a worker does not nominate
        services.nomination_create(
            actor=w["worker"],
            campaign=w["family"],
            household=w["households"]["102"],
            reason="家庭和睦热心",
            when=on(5),
        )
    with pytest.raises(Invalid, match="推荐理由"):
        services.nomination_create(
            actor=w["resident_a"],
            campaign=w["family"],
            household=w["households"]["102"],
            reason=" ",
            when=on(5),
        )
    with pytest.raises(Invalid, match="楼栋"):
        services.nomination_create(
            actor=w["resident_a"],
            campaign=w["star"],
            household=w["households"]["102"],
            reason="楼道整洁有序",
            when=on(5),
        )
    # 2栋 is in 组2, not in 邻长 A's cells
    with pytest.raises(NotFound):
        services.nomination_create(
            actor=w["leader_a"],
            campaign=w["star"],
            building=w["building2"],
            reason="楼道整洁有序",
            when=on(5),
        )
    assert Nomination.objects.count() == 1


def test_scoring_by_the_group_or_area_leader_of_the_cell(cworld, nominations):
    w = cworld
    n = nominations.family_101()
    for outsider in ("leader_a", "leader2", "worker", "resident_a"):
        with pytest.raises(Forbidden) as exc:
            services.nomination_score(
                actor=w[outsider], nomination=n, points=full_marks(Kind.BEAUTIFUL_FAMILY)
            )
        assert exc.value.code == "civility.not_the_scorer"
    assert not Score.objects.exists()
    n = services.nomination_score(
        actor=w["group_leader"], nomination=n, points=full_marks(Kind.BEAUTIFUL_FAMILY, 0.8)
    )
    assert (n.status, n.total, n.max_total, n.stars) == (Status.SCORED, 80, 100, 0)
    # the 片长 rescoring replaces the lines
    n = services.nomination_score(
        actor=w["area_leader"], nomination=n, points=full_marks(Kind.BEAUTIFUL_FAMILY)
    )
    assert n.total == 100 and Score.objects.filter(nomination=n).count() == 5


def test_bad_scores_change_nothing(cworld, nominations):
    w = cworld
    n = nominations.family_101()
    points = full_marks(Kind.BEAUTIFUL_FAMILY)
    first = next(iter(points))
    for bad, code in (
        ({**points, first: 99}, "civility.bad_points"),
        ({**points, first: -1}, "civility.bad_points"),
        ({k: v for k, v in points.items() if k != first}, "civility.missing_points"),
        ({**points, 999999: 1}, "civility.bad_criterion"),
    ):
        with pytest.raises(Invalid) as exc:
            services.nomination_score(actor=w["group_leader"], nomination=n, points=bad)
        assert exc.value.code == code
    n.refresh_from_db()
    assert n.status == Status.NOMINATED and n.total is None and not Score.objects.exists()


def test_a_star_building(cworld, nominations):
    w = cworld
    n = nominations.star_building2()
    with pytest.raises(Forbidden):  # 组长 A's cells do not hold 2栋
        services.nomination_score(
            actor=w["group_leader"], nomination=n, points=full_marks(Kind.STAR_BUILDING)
        )
    n = services.nomination_score(
        actor=w["leader2"], nomination=n, points=full_marks(Kind.STAR_BUILDING, 0.85)
    )
    assert n.stars == services.stars_for(n.total, 100) == 3  # 83 of 100


def test_one_vote_per_household_inside_the_window(cworld, nominations):
    w = cworld
    n = nominations.family_101()
    with pytest.raises(Conflict, match="只有已评分的提名"):
        services.vote_cast(actor=w["resident_b"], nomination=n, when=on(11))
    n = services.nomination_score(
        actor=w["group_leader"], nomination=n, points=full_marks(Kind.BEAUTIFUL_FAMILY)
    )
    with pytest.raises(Conflict, match="不在投票时间内") as exc:
        services.vote_cast(actor=w["resident_b"], nomination=n, when=on(10))
    assert exc.value.code == "civility.vote_closed"
    services.vote_cast(actor=w["resident_b"], nomination=n, when=on(11))
    with pytest.raises(Conflict, match="每户限投一票"):
        services.vote_cast(actor=w["resident_b"], nomination=n, when=on(12))
    with pytest.raises(Conflict):
        services.vote_cast(actor=w["resident_a"], nomination=n, when=on(16))
    with pytest.raises(Forbidden):  # the 三长 vote as residents, not as leaders
        services.vote_cast(actor=w["leader_a"], nomination=n, when=on(12))
    assert Vote.objects.count() == 1


def test_a_campaign_without_a_vote(cworld):
    w = cworld
    n = services.nomination_create(
        actor=w["leader_a"],
        campaign=w["star"],
        building=w["building1"],
        reason="楼道整洁，无飞线充电",
        when=on(5),
    )
    with pytest.raises(Conflict, match="不设居民投票"):
        services.vote_cast(actor=w["resident_a"], nomination=n, when=on(6))


def test_publicity_waits_for_the_vote_and_a_passing_score(cworld, nominations):
    w = cworld
    n = nominations.family_101_scored()
    with pytest.raises(Conflict, match="投票结束后"):
        services.publicity_start(actor=w["worker"], nomination=n, when=on(15))
    with pytest.raises(Forbidden):
        services.publicity_start(actor=w["other_worker"], nomination=n, when=on(16))
    n = services.publicity_start(actor=w["worker"], nomination=n, when=on(16))
    assert (n.status, n.publicity_from, n.publicity_until) == (
        Status.PUBLICISED,
        dt.date(2026, 5, 16),
        dt.date(2026, 5, 22),
    )
    low = services.nomination_create(
        actor=w["leader_a"],
        campaign=w["family"],
        household=w["households"]["102"],
        reason="家庭和睦热心",
        when=on(5),
    )
    low = services.nomination_score(
        actor=w["group_leader"], nomination=low, points=full_marks(Kind.BEAUTIFUL_FAMILY, 0.5)
    )
    with pytest.raises(Conflict, match="未达到公示标准"):
        services.publicity_start(actor=w["worker"], nomination=low, when=on(16))


def test_an_award_only_after_publicity_with_no_open_objection(cworld, nominations):
    w = cworld
    n = nominations.family_101_publicised()
    with pytest.raises(Conflict, match="期满后") as exc:
        services.award_grant(actor=w["worker"], nomination=n, when=on(22))
    assert exc.value.code == "civility.publicity_not_over"
    with pytest.raises(Invalid, match="异议理由"):
        services.objection_raise(actor=w["resident_b"], nomination=n, reason="", when=on(18))
    objection = services.objection_raise(
        actor=w["resident_b"], nomination=n, reason="该户常年在楼道堆放杂物", when=on(18)
    )
    n.refresh_from_db()
    assert n.status == Status.SUSPENDED
    with pytest.raises(Conflict, match="未处理的公示异议") as exc:
        services.award_grant(actor=w["worker"], nomination=n, when=on(23))
    assert exc.value.code == "civility.open_objection"
    with pytest.raises(Conflict, match="不在公示期内"):
        services.objection_raise(
            actor=w["resident_b"], nomination=n, reason="再提一次异议理由", when=on(23)
        )
    services.objection_decide(
        actor=w["worker"], objection=objection, upheld=False, note="经核实已清理"
    )
    n.refresh_from_db()
    assert n.status == Status.PUBLICISED
    with pytest.raises(Conflict, match="已处理"):
        services.objection_decide(actor=w["worker"], objection=objection, upheld=True, note="再议")
    honour = services.award_grant(actor=w["worker"], nomination=n, when=on(23))
    assert honour.household == w["households"]["101"] and honour.label == "2026年最美家庭"
    n.refresh_from_db()
    assert n.status == Status.AWARDED
    assert not PointEntry.objects.exists()  # nobody of 101 is a volunteer: no points


def test_an_upheld_objection_fails_the_nomination(cworld, nominations):
    w = cworld
    n = nominations.family_101_publicised()
    first = services.objection_raise(
        actor=w["resident_b"], nomination=n, reason="事迹与实际不符合", when=on(17)
    )
    services.objection_raise(
        actor=w["leader_b"], nomination=n, reason="邻里反映有纠纷未解决", when=on(17)
    )
    with pytest.raises(Forbidden):
        services.objection_decide(
            actor=w["other_worker"], objection=first, upheld=True, note="成立"
        )
    services.objection_decide(actor=w["worker"], objection=first, upheld=True, note="经核实属实")
    n.refresh_from_db()
    assert n.status == Status.REJECTED
    assert not Objection.objects.filter(status="open").exists()
    with pytest.raises(Conflict):
        services.award_grant(actor=w["worker"], nomination=n, when=on(23))
    assert not Honour.objects.exists()


def test_an_award_credits_the_households_volunteers(cworld, nominations, settings):
    settings.LINLI_CIVILITY_AWARD_POINTS = 30
    w = cworld
    volunteer = volunteer_services.volunteer_register(
        actor=w["worker"],
        community=w["community"],
        resident=w["residents"]["a"],
        user=w["resident_a"],
    )
    n = nominations.family_101_publicised()
    honour = services.award_grant(actor=w["worker"], nomination=n, when=on(23))
    assert (honour.points, honour.credited) == (30, 1)
    entry = PointEntry.objects.get()
    assert (entry.volunteer, entry.points, entry.kind) == (volunteer, 30, "award")
    assert volunteer_services.points_balance(volunteer) == 30


def test_honours_show_as_badges(cworld, nominations):
    from linli.core import registry

    w = cworld
    n = nominations.family_101_publicised()
    services.award_grant(actor=w["worker"], nomination=n, when=on(23))
    b = nominations.star_building2()
    b = services.nomination_score(
        actor=w["leader2"], nomination=b, points=full_marks(Kind.STAR_BUILDING)
    )
    b = services.publicity_start(actor=w["worker"], nomination=b, when=on(6))
    services.award_grant(actor=w["worker"], nomination=b, when=on(13))
    h101 = w["households"]["101"]
    assert registry.HOUSEHOLD_BADGES.merged([h101]) == {h101.pk: ["2026年最美家庭"]}
    assert registry.BUILDING_BADGES.merged([w["building2"]]) == {
        w["building2"].pk: ["2026年★★★★★星级楼栋"]
    }


def test_nominee_choices_are_households_or_buildings_in_reach(cworld):
    """Each kind offers its own nominees (households, or buildings for 星级楼栋): a resident
    those of their compound, a 三长 those of their cells; a resident without a compound none."""
    from linli.civility import selectors

    from ..factories import make_user

    w = cworld
    h101, h301 = w["households"]["101"], w["h301"]
    b1, b2 = w["building1"], w["building2"]
    resident = w["resident_a"]
    assert {pk for pk, _ in selectors.nominee_choices(actor=resident, campaign=w["family"])} >= {
        h101.pk,
        h301.pk,
    }
    star = dict(selectors.nominee_choices(actor=resident, campaign=w["star"]))
    assert set(star) == {b1.pk, b2.pk}
    assert star[b1.pk].endswith(b1.name)
    leader = w["leader_a"]
    family = dict(selectors.nominee_choices(actor=leader, campaign=w["family"]))
    assert h101.pk in family and h301.pk not in family
    assert family[h101.pk] == f"{b1.name}{h101.unit.name}{h101.room}"
    assert {pk for pk, _ in selectors.nominee_choices(actor=leader, campaign=w["star"])} == {b1.pk}
    homeless = make_user("jm_nohome", Role.RESIDENT, w["community"], "无户居民")
    assert selectors.nominee_choices(actor=homeless, campaign=w["family"]) == []
    assert selectors.nominee_choices(actor=homeless, campaign=w["star"]) == []
