"""Owners' votes at phone width (390 px): the owner votes and changes his mind, the committee
enters a paper ballot, everyone reads the result with every figure.

Screenshots go to $LINLI_SCREENSHOTS (as ``selfgov-*.png``) when it names a folder.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from linli.selfgov import services
from linli.selfgov.models import Ballot

from ..selfgov.conftest import world  # noqa: F401  (fixture)
from ..selfgov.test_views_api import live_vote  # noqa: F401  (fixture)
from .test_pages import CHROMIUM, browser, page, shot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def login(tab, live_server, username: str, lands: str) -> None:
    tab.context.clear_cookies()
    tab.goto(f"{live_server.url}/login/")
    tab.fill("input[name=username]", username)
    tab.fill("input[name=password]", "pw-linli-test")
    tab.click("main button[type=submit]")
    tab.wait_for_load_state()
    tab.goto(f"{live_server.url}{lands}")


def elect(w):
    """A first committee elected by an item-(三) vote a year ago."""
    o = w["owners"]
    at = timezone.now() - dt.timedelta(days=400)
    reasons = {
        "ability": "退休会计，熟悉账目",
        "prestige": "住了三十年，邻里信任",
        "public_spirit": "公开每一笔开支",
        "enthusiasm": "常年做楼道志愿者",
    }
    noms = [
        services.nomination_create(
            actor=w["worker"],
            compound=w["compound"],
            nominee=o[name],
            post=post,
            nominated_by="业主联名",
            when=at,
            **reasons,
        )
        for name, post in (("刘建国", "director"), ("王桂兰", "deputy"), ("赵志强", "member"))
    ]
    p = services.proposal_create(
        actor=w["worker"], compound=w["compound"], item=3, title="选举第一届业主委员会",
        body="等额选举", nominations=noms, when=at,
    )  # fmt: skip
    services.proposal_publish(actor=w["worker"], proposal=p, when=at)
    vote = services.vote_announce(
        actor=w["worker"],
        proposal=p,
        opens_at=at + dt.timedelta(days=15),
        closes_at=at + dt.timedelta(days=20),
        when=at,
    )
    services.ballots_enter_batch(
        actor=w["worker"],
        vote=vote,
        entries=[(o[n], "yes") for n in ("刘建国", "王桂兰", "赵志强", "建设单位（开发商）")],
        when=at + dt.timedelta(days=16),
    )
    services.vote_close(actor=w["worker"], vote=vote, when=at + dt.timedelta(days=21))


@pytest.mark.django_db(transaction=True)
def test_owner_committee_and_result_pages(page, live_server, world, live_vote):  # noqa: F811
    vote, closed = live_vote
    elect(world)
    services.ballots_enter_batch(
        actor=world["worker"],
        vote=closed,
        entries=[(world["owners"]["王桂兰"], "yes"), (world["owners"]["赵志强"], "no")],
        when=closed.opens_at + dt.timedelta(hours=1),
    )
    services.vote_close(actor=world["worker"], vote=closed)
    services.vote_publish(actor=world["worker"], vote=closed)

    # the owner: his compound's votes, how to vote, cast, change
    login(page, live_server, "liu", "/selfgov/")
    assert "加装楼道灯" in page.content() and "怎样投票" in page.content()
    shot(page, "selfgov-owner-home")
    page.click("text=加装楼道灯")
    page.wait_for_selector("text=刘建国的选票")
    shot(page, "selfgov-owner-vote")
    page.click(".choices label:has-text('反对')")
    page.click("text=提交选票")
    page.wait_for_selector("text=已投票")
    page.click(".choices label:has-text('同意')")
    page.click("text=改票")
    page.wait_for_selector("text=已改票")
    shot(page, "selfgov-owner-changed")
    ballot = Ballot.objects.get(vote=vote)
    assert (ballot.choice, ballot.events.count()) == ("yes", 2)

    # the committee: members with the four 有, votes, paper-ballot entry
    login(page, live_server, "yeweihui", "/selfgov/")
    page.wait_for_selector("text=业主委员会")
    assert "刘建国" in page.content() and "主任" in page.content()
    shot(page, "selfgov-committee-compound")
    page.click("summary:has-text('推荐业委会候选人')")
    shot(page, "selfgov-committee-nominate")
    page.goto(f"{live_server.url}/selfgov/votes/{vote.pk}/")
    page.select_option("select[name=owner]", label="赵志强")
    page.click("form[action$='/enter/'] .choices label:has-text('同意')")
    page.click("text=录入 >> nth=-1")
    page.wait_for_selector("text=已录入赵志强的选票")
    shot(page, "selfgov-committee-vote")
    assert Ballot.objects.get(vote=vote, owner=world["owners"]["赵志强"]).channel == "paper"

    # the result with every figure
    login(page, live_server, "wang", f"/selfgov/votes/{closed.pk}/")
    page.wait_for_selector("text=计票结果")
    html = page.content()
    for figure in ("590.00", "393.34", "未达两个“三分之二”", "4·yA ≥ 3·pA"):
        assert figure in html
    shot(page, "selfgov-result")
    # a worker's overview
    login(page, live_server, "xd_worker", "/selfgov/")
    assert world["compound"].name in page.content()
    shot(page, "selfgov-worker-overview")
