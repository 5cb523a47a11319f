"""Civility on a phone (390 px): a resident nominates and votes, the 组长 scores on the
checklist, the worker sees the 公示 with an objection and decides it.

Screenshots go to $LINLI_SCREENSHOTS (as ``civility-*.png``) when it names a folder.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from linli.civility import services
from linli.civility.models import Kind, Nomination, Vote

from ..civility.conftest import full_marks
from .test_pages import CHROMIUM, browser, page, shot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def login(page, url, username):  # noqa: F811
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-linli-test")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_nominate_vote_score_and_publicity(page, live_server, grid_world, xingdong_worker):  # noqa: F811
    import importlib

    from django.apps import apps

    importlib.import_module("linli.civility.migrations.0002_seed_criteria").seed(apps, None)
    w = grid_world
    today = timezone.localdate()
    past = timezone.now() - dt.timedelta(days=3)
    services.campaign_create(
        actor=xingdong_worker,
        community=w["community"],
        kind=Kind.CIVILISED_HOUSEHOLD,
        year=today.year,
        nominate_until=today + dt.timedelta(days=10),
    )
    family = services.campaign_create(
        actor=xingdong_worker,
        community=w["community"],
        kind=Kind.BEAUTIFUL_FAMILY,
        year=today.year,
        nominate_until=today - dt.timedelta(days=1),
        vote_from=today,
        vote_until=today + dt.timedelta(days=5),
    )
    ballot = [
        services.nomination_create(
            actor=w["leader_a"],
            campaign=family,
            household=w["households"][r],
            reason=text,
            when=past,
        )
        for r, text in (
            ("102", "三代同堂，孝老爱亲，照顾瘫痪老人十年"),
            ("101", "夫妻和睦，热心邻里事务"),
        )
    ]
    for n in ballot:
        services.nomination_score(
            actor=w["group_leader"],
            nomination=n,
            points=full_marks(Kind.BEAUTIFUL_FAMILY, 0.8),
            when=past,
        )
    star = services.campaign_create(
        actor=xingdong_worker,
        community=w["community"],
        kind=Kind.STAR_BUILDING,
        year=today.year,
        nominate_until=today - dt.timedelta(days=9),
    )
    b = services.nomination_create(
        actor=w["leader_a"],
        campaign=star,
        building=w["households"]["101"].unit.building,
        reason="楼道整洁，无飞线充电",
        when=past - dt.timedelta(days=7),
    )
    services.nomination_score(
        actor=w["group_leader"], nomination=b, points=full_marks(Kind.STAR_BUILDING, 0.9), when=past
    )
    b = services.publicity_start(
        actor=xingdong_worker, nomination=b, when=timezone.now() - dt.timedelta(days=2)
    )

    login(page, live_server.url, "jumin_a")
    page.goto(f"{live_server.url}/civility/")
    page.select_option("select[name=target]", label="1栋1单元201")
    page.fill("textarea[name=reason]", "垃圾分类做得好，门前整洁")
    shot(page, "civility-resident-nominate")
    page.click("text=提交提名")
    page.wait_for_selector("text=提名已提交")
    page.click("button:has-text('投这一户一票') >> nth=0")
    page.wait_for_selector("text=本户已投票给")
    page.click("summary:has-text('我有异议')")
    page.fill("details[open] textarea[name=reason]", "楼道里还堆着纸箱，请核实")
    shot(page, "civility-resident-vote-object")
    page.click("details[open] button:has-text('提交异议')")
    page.wait_for_selector("text=异议已提交")
    assert Vote.objects.get().nomination in ballot
    assert Nomination.objects.filter(household=w["households"]["201"]).exists()

    page.context.clear_cookies()
    login(page, live_server.url, "zuzhang_a")
    page.goto(f"{live_server.url}/civility/scoring/")
    shot(page, "civility-leader-list")
    page.click("a.civ-go >> nth=0")
    for select in page.query_selector_all("select"):
        select.select_option(index=2)
    shot(page, "civility-leader-score")
    page.click("text=保存评分")
    page.wait_for_selector("text=已为")

    page.context.clear_cookies()
    login(page, live_server.url, "xd_worker")
    page.goto(f"{live_server.url}/civility/desk/")
    page.wait_for_selector("text=待处理的公示异议")
    shot(page, "civility-worker-desk")
    page.fill("li.civ-open input[name=note]", "经核实已清理")
    page.click("button:has-text('异议不成立')")
    page.wait_for_selector("text=异议已处理")
    b.refresh_from_db()
    assert b.status == "publicised"
