"""Pages: the public board and posting with its JobPosting JSON-LD (escaped, under the CSP),
the employer's form, the seeker's page, the station."""

import json
import re

import pytest
from django.test import Client

from linli.jobs import services
from linli.jobs.models import Posting

from .conftest import make_posting

pytestmark = pytest.mark.django_db

LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_posting_page_carries_its_json_ld_escaped(jworld):
    evil = '保洁</script><script>alert("x")</script>&amp;'
    p = make_posting(jworld, title=evil, description="<b>不是标签</b>")
    r = Client().get(f"/jobs/posting/{p.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    blocks = LD.findall(html)
    assert len(blocks) == 1  # the title could not close the element
    assert "<script>alert" not in html
    data = json.loads(blocks[0])
    assert data["title"] == evil  # the JSON still says exactly what was typed
    assert data["@type"] == "JobPosting" and data["baseSalary"]["currency"] == "CNY"
    assert data["baseSalary"]["value"]["unitText"] == "HOUR"
    assert data["validThrough"].startswith("2099-12-31")
    assert data["url"].endswith(f"/jobs/posting/{p.pk}/")
    # the CSP stays strict: no inline script allowed; a data block is not script execution
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_the_board_is_public_and_leaves_out_closed_and_full(jworld):
    w = jworld
    open_ = make_posting(w, title="开放岗位")
    closed = make_posting(w, title="已停岗位")
    services.posting_close(actor=w["worker"], posting=closed)
    body = Client().get("/jobs/").content.decode()
    assert "开放岗位" in body and "已停岗位" not in body
    assert Client().get(f"/jobs/posting/{closed.pk}/").status_code == 404  # anonymous
    assert client_for(w["manager"]).get(f"/jobs/posting/{closed.pk}/").status_code == 200
    assert open_.pk


def test_the_employer_form_posts_and_refuses_bad_input(jworld):
    w = jworld
    c = client_for(w["manager"])
    form = {
        "employer": w["property"].pk,
        "title": "保洁员",
        "description": "楼道保洁",
        "employment_type": "PER_DIEM",
        "salary_min": "120",
        "salary_unit": "DAY",
        "total_openings": "3",
        "valid_through": "2099-01-01",
        "days": ["1", "3"],
        "start_time": "08:00",
        "end_time": "11:00",
        "skills": "保洁、收纳",
    }
    bad = c.post("/jobs/employer/post/", {**form, "salary_min": "12元"})
    assert bad.status_code == 400 and "薪酬须为金额" in bad.content.decode()
    assert not Posting.objects.exists()
    ok = c.post("/jobs/employer/post/", form)
    assert ok.status_code == 302
    p = Posting.objects.get()
    assert (p.days, p.skills, p.salary_unit) == ([1, 3], ["保洁", "收纳"], "DAY")
    # the workshop is not theirs
    c.post("/jobs/employer/post/", {**form, "employer": w["workshop"].pk})
    assert Posting.objects.count() == 1


def test_the_seeker_page_and_applying(jworld):
    w = jworld
    p = make_posting(w)
    c = client_for(w["resident_b"])
    assert c.post(f"/jobs/posting/{p.pk}/apply/").status_code == 302
    page = c.get("/jobs/me/").content.decode()
    assert p.title in page and "推荐" in page and "周一至周五 08:00–11:30" in page
    assert "13930284657" not in page
    # 居民 A's page shows only his own (none)
    assert p.title not in client_for(w["resident_a"]).get("/jobs/me/").content.decode()


def test_the_station_sees_matches_and_the_other_station_nothing(jworld):
    w = jworld
    p = make_posting(w)
    page = client_for(w["worker"]).get(f"/jobs/station/posting/{p.pk}/").content.decode()
    assert "刘建国" in page and "赵志强" in page and "本小区" in page
    assert client_for(w["other_worker"]).get(f"/jobs/station/posting/{p.pk}/").status_code == 404
    assert client_for(w["resident_a"]).get("/jobs/station/").status_code == 404
