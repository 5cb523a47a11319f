"""Pages and API: who sees which votes, casting through both, every figure on the result."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.selfgov import services
from linli.selfgov.models import Ballot

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_vote(world):
    """A vote open right now (announced 16 days ago), and a closed one with its result."""
    now = timezone.now()

    def make(title, item, announced, opens, closes):
        p = services.proposal_create(
            actor=world["worker"], compound=world["compound"], item=item, title=title, body="内容",
            when=announced,
        )  # fmt: skip
        services.proposal_publish(actor=world["worker"], proposal=p, when=announced)
        return services.vote_announce(
            actor=world["worker"], proposal=p, opens_at=opens, closes_at=closes, when=announced
        )

    open_vote = make(
        "加装楼道灯",
        1,
        now - dt.timedelta(days=16),
        now - dt.timedelta(days=1),
        now + dt.timedelta(days=6),
    )
    closed = make(
        "筹集维修资金",
        6,
        now - dt.timedelta(days=40),
        now - dt.timedelta(days=25),
        now - dt.timedelta(days=18),
    )
    return open_vote, closed


def login(client, user):
    client.force_login(user)
    return client


def test_owner_sees_and_casts_then_changes_on_the_page(client, world, live_vote):
    vote, _ = live_vote
    login(client, world["liu"])
    page = client.get("/selfgov/")
    assert page.status_code == 200 and "加装楼道灯" in page.content.decode()
    detail = client.get(f"/selfgov/votes/{vote.pk}/").content.decode()
    assert "刘建国的选票" in detail and "提交选票" in detail
    owner = world["owners"]["刘建国"]
    client.post(f"/selfgov/votes/{vote.pk}/cast/", {"owner": owner.pk, "choice": "no"})
    client.post(f"/selfgov/votes/{vote.pk}/change/", {"owner": owner.pk, "choice": "yes"})
    ballot = Ballot.objects.get(vote=vote)
    assert (ballot.choice, ballot.events.count()) == ("yes", 2)
    # a second cast is refused with the message, nothing changes
    r = client.post(
        f"/selfgov/votes/{vote.pk}/cast/", {"owner": owner.pk, "choice": "no"}, follow=True
    )
    assert "不能再投一票" in r.content.decode()
    assert Ballot.objects.get(vote=vote).choice == "yes"


def test_result_page_shows_every_figure(client, world, live_vote):
    _, closed = live_vote
    services.vote_close(actor=world["worker"], vote=closed)
    login(client, world["wang"])
    html = client.get(f"/selfgov/votes/{closed.pk}/").content.decode()
    for figure in ("590.00", "393.34", "未达两个“三分之二”", "4·yA ≥ 3·pA", "应于"):
        assert figure in html


def test_non_owner_resident_cannot_vote_but_sees_his_compounds_votes(client, world, live_vote):
    vote, _ = live_vote
    from linli.accounts.models import Role

    from ..factories import make_user

    tenant = make_user("zuke", Role.RESIDENT, None, "孙租客")
    tenant.profile.household = world["households"]["202"]
    tenant.profile.save()
    login(client, tenant)
    html = client.get(f"/selfgov/votes/{vote.pk}/").content.decode()
    assert "的选票" not in html
    r = client.post(
        f"/api/v1/selfgov/votes/{vote.pk}/ballot",
        {"choice": "yes"},
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json()["code"] == "selfgov.not_an_owner"


def test_isolation_other_compound_resident_and_other_community_worker(client, world, live_vote):
    vote, closed = live_vote
    for user in (world["zhou"], world["other_worker"]):
        login(client, user)
        assert client.get(f"/selfgov/votes/{vote.pk}/").status_code == 404
        assert client.get(f"/selfgov/compounds/{world['compound'].pk}/").status_code == 404
        assert client.get(f"/api/v1/selfgov/votes/{vote.pk}").status_code == 404
        assert client.get(f"/api/v1/selfgov/votes/{closed.pk}/tally").status_code == 404
        assert client.get("/api/v1/selfgov/votes").json() == []
        assert "加装楼道灯" not in client.get("/selfgov/").content.decode()
        r = client.post(
            f"/selfgov/votes/{vote.pk}/enter/",
            {"owner": world["owners"]["王桂兰"].pk, "choice": "yes", "channel": "paper"},
        )
        assert r.status_code == 404
    assert not Ballot.objects.exists()


def test_committee_of_another_compound_cannot_enter_ballots(client, world, live_vote):
    from linli.accounts.models import Role

    from ..factories import make_user

    vote, _ = live_vote
    other = make_user("other_committee", Role.COMMITTEE_MEMBER, None, "别的业委会")
    other.profile.compound = world["other_compound"]
    other.profile.save()
    login(client, other)
    assert client.get(f"/selfgov/votes/{vote.pk}/").status_code == 404
    assert client.get("/selfgov/").url == f"/selfgov/compounds/{world['other_compound'].pk}/"


def test_committee_enters_paper_and_proxy_ballots(client, world, live_vote):
    vote, _ = live_vote
    login(client, world["committee"])
    assert client.get("/selfgov/").url == f"/selfgov/compounds/{world['compound'].pk}/"
    html = client.get(f"/selfgov/compounds/{world['compound'].pk}/").content.decode()
    assert "加装楼道灯" in html
    page = client.get(f"/selfgov/votes/{vote.pk}/").content.decode()
    assert "录入纸质选票" in page
    client.post(
        f"/selfgov/votes/{vote.pk}/enter/",
        {"owner": world["owners"]["赵志强"].pk, "choice": "yes", "channel": "paper"},
    )
    client.post(
        f"/selfgov/votes/{vote.pk}/enter/",
        {
            "owner": world["owners"]["建设单位（开发商）"].pk,
            "choice": "no",
            "channel": "proxy",
            "proxy_name": "李代表",
            "proxy_document": "WT-01",
        },
    )
    got = dict(Ballot.objects.filter(vote=vote).values_list("owner__name", "channel"))
    assert got == {"赵志强": "paper", "建设单位（开发商）": "proxy"}


def test_worker_overview_lists_compounds_in_scope(client, world, live_vote):
    login(client, world["worker"])
    html = client.get("/selfgov/").content.decode()
    assert world["compound"].name in html and world["other_compound"].name not in html


def test_api_list_detail_cast_tally(client, world, live_vote):
    vote, closed = live_vote
    login(client, world["wang"])
    ids = {v["id"] for v in client.get("/api/v1/selfgov/votes").json()}
    assert ids == {vote.pk, closed.pk}
    assert [v["id"] for v in client.get("/api/v1/selfgov/votes?open=true").json()] == [vote.pk]
    d = client.get(f"/api/v1/selfgov/votes/{vote.pk}").json()
    assert d["my_ballots"] == [
        {
            "owner_id": world["owners"]["王桂兰"].pk,
            "owner": "王桂兰",
            "choice": None,
            "channel": None,
            "cast_at": None,
            "changed_at": None,
        }
    ]
    url = f"/api/v1/selfgov/votes/{vote.pk}/ballot"
    r = client.post(url, {"choice": "yes"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["choice"] == "yes"
    r = client.post(url, {"choice": "abstain"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["choice"] == "abstain"
    r = client.post(url, {"choice": "maybe"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "selfgov.bad_choice"
    assert Ballot.objects.filter(vote=vote).count() == 1
    r = client.get(f"/api/v1/selfgov/votes/{closed.pk}/tally")
    assert r.status_code == 409
    services.vote_close(actor=world["worker"], vote=closed)
    t = client.get(f"/api/v1/selfgov/votes/{closed.pk}/tally").json()
    assert (t["total_area"], t["total_heads"], t["quorum"], t["passed"]) == (
        "590.00",
        5,
        False,
        False,
    )
    r = client.post(
        f"/api/v1/selfgov/votes/{closed.pk}/ballot",
        {"choice": "yes"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "selfgov.vote_closed"


def test_list_queries_do_not_grow_with_votes(
    client, world, live_vote, django_assert_max_num_queries
):
    login(client, world["wang"])
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/selfgov/votes").json()) == 2
    with django_assert_max_num_queries(10):
        assert client.get("/selfgov/").status_code == 200
    now = timezone.now()
    for n in range(5):
        p = services.proposal_create(
            actor=world["worker"], compound=world["compound"], item=9, title=f"议题{n}", body="x",
            when=now - dt.timedelta(days=20),
        )  # fmt: skip
        services.proposal_publish(
            actor=world["worker"], proposal=p, when=now - dt.timedelta(days=20)
        )
        services.vote_announce(
            actor=world["worker"],
            proposal=p,
            opens_at=now - dt.timedelta(days=2),
            closes_at=now + dt.timedelta(days=2),
            when=now - dt.timedelta(days=20),
        )
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/selfgov/votes").json()) == 7
    with django_assert_max_num_queries(10):
        assert client.get("/selfgov/").status_code == 200


def test_election_flow_through_the_compound_page(client, world):
    from linli.selfgov.models import CompoundSettings, Nomination, Proposal

    c = world["compound"]
    login(client, world["committee"])
    base = f"/selfgov/compounds/{c.pk}"
    reasons = {
        "ability": "懂财务",
        "prestige": "邻里信任",
        "public_spirit": "账目公开",
        "enthusiasm": "常做志愿者",
    }
    r = client.post(
        f"{base}/nominate/",
        {"nominee": world["owners"]["王桂兰"].pk, "post": "director", **reasons, "ability": ""},
        follow=True,
    )
    assert "缺少有能力" in r.content.decode() and not Nomination.objects.exists()
    client.post(
        f"{base}/nominate/",
        {"nominee": world["owners"]["王桂兰"].pk, "post": "director", **reasons},
    )
    client.post(
        f"{base}/propose/",
        {"item": 3, "title": "选举业委会", "body": "等额选举", "with_nominations": "1"},
    )
    p = Proposal.objects.get()
    assert p.by_committee and list(p.nominations.values_list("nominee__name", flat=True)) == [
        "王桂兰"
    ]
    client.post(f"{base}/publish/", {"proposal": p.pk})
    # too soon: refused, nothing announced
    soon = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    later = (timezone.localtime() + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(
        f"{base}/announce/", {"proposal": p.pk, "opens_at": soon, "closes_at": later}, follow=True
    )
    assert "须至少提前15日公告" in r.content.decode()
    opens = (timezone.localtime() + dt.timedelta(days=16)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(f"{base}/announce/", {"proposal": p.pk, "opens_at": opens, "closes_at": later})
    assert r.status_code == 302 and "/selfgov/votes/" in r.url
    client.post(f"{base}/settings/", {"notice_days": "7", "follow_majority": "1"})
    conf = CompoundSettings.objects.get(compound=c)
    assert (conf.notice_days, conf.follow_majority) == (7, True)
    # a resident may propose for himself but not publish
    login(client, world["liu"])
    client.post(f"{base}/propose/", {"item": 8, "title": "架空层开超市", "body": "收益归业主"})
    mine = Proposal.objects.get(title="架空层开超市")
    assert mine.proposer_owner == world["owners"]["刘建国"] and mine.status == "draft"
    r = client.post(f"{base}/publish/", {"proposal": mine.pk}, follow=True)
    assert "无权管理" in r.content.decode()
    mine.refresh_from_db()
    assert mine.status == "draft"
