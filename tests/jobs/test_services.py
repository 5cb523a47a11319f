"""The station's rules: postings' bad input, the pipeline and its openings, several part-time
jobs, matching, courses, 创客 sales and the figures."""

import datetime as dt
from decimal import Decimal

import pytest

from linli.core.errors import Conflict, Invalid, NotFound
from linli.jobs import selectors, services
from linli.jobs.models import Application, ApplicationEvent, Enrolment, Posting, Stage

from .conftest import at, make_posting

pytestmark = pytest.mark.django_db


def to_placed(w, app, actor=None):
    for stage in ("interview", "offered", "placed"):
        app = services.application_advance(actor=actor or w["worker"], application=app, to=stage)
    return app


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("salary_min", "abc", "jobs.bad_amount"),
        ("salary_min", "20.001", "jobs.bad_amount"),
        ("salary_min", "-5", "jobs.bad_amount"),
        ("salary_min", "NaN", "jobs.bad_amount"),
        ("salary_unit", "WEEKLY", "jobs.bad_salary_unit"),
        ("employment_type", "GIG", "jobs.bad_employment_type"),
        ("total_openings", 0, "jobs.bad_openings"),
        ("total_openings", "x", "jobs.bad_openings"),
        ("valid_through", dt.date(2000, 1, 1), "jobs.bad_dates"),
        ("days", [0, 8], "jobs.bad_days"),
        ("end_time", dt.time(8), "jobs.bad_hours"),
        ("title", "  ", "jobs.required"),
    ],
)
def test_a_bad_posting_is_refused_and_nothing_written(jworld, field, value, code):
    with pytest.raises(Invalid) as err:
        make_posting(jworld, **{field: value})
    assert err.value.code == code
    assert Posting.objects.count() == 0


def test_a_posting_keeps_money_as_decimal(jworld):
    p = make_posting(jworld, salary_min="120", salary_max="150.5", salary_unit="DAY")
    p.refresh_from_db()
    assert p.salary_min == Decimal("120.00") and p.salary_max == Decimal("150.50")
    assert p.salary_text() == "120–150.5 元/天"
    assert (p.latitude, p.compound) == (jworld["compound"].latitude, jworld["compound"])


def test_a_resident_may_not_post_for_an_employer_not_theirs(jworld):
    with pytest.raises(NotFound):
        make_posting(jworld, actor=jworld["resident_a"])
    make_posting(jworld, actor=jworld["manager"])  # the service's own account may
    with pytest.raises(NotFound):
        make_posting(jworld, actor=jworld["manager"], employer=jworld["workshop"])


def test_the_pipeline_goes_step_by_step(jworld):
    w = jworld
    p = make_posting(w)
    app = services.application_recommend(actor=w["worker"], seeker=w["sa"], posting=p)
    with pytest.raises(Conflict) as err:
        services.application_advance(actor=w["worker"], application=app, to="placed")
    assert err.value.code == "jobs.bad_step"
    app = to_placed(w, app, actor=w["manager"])  # the employer's account moves it on
    assert app.stage == Stage.PLACED and app.placed_on
    p.refresh_from_db()
    assert p.filled == 1
    steps = list(app.events.values_list("before", "after"))
    assert steps == [
        ("", "recommended"),
        ("recommended", "interview"),
        ("interview", "offered"),
        ("offered", "placed"),
    ]
    with pytest.raises(Conflict):
        services.application_recommend(actor=w["worker"], seeker=w["sa"], posting=p)


def test_the_seeker_follows_but_cannot_move_their_application(jworld):
    w = jworld
    p = make_posting(w)
    app = services.application_recommend(actor=w["resident_a"], seeker=w["sa"], posting=p)
    with pytest.raises(NotFound):
        services.application_advance(actor=w["resident_a"], application=app, to="interview")
    with pytest.raises(NotFound):  # not someone else's
        services.application_recommend(actor=w["resident_a"], seeker=w["sb"], posting=p)


def test_a_placement_beyond_the_openings_is_refused_and_nothing_changes(jworld):
    w = jworld
    p = make_posting(w, total_openings=1)
    a = services.application_recommend(actor=w["worker"], seeker=w["sa"], posting=p)
    b = services.application_recommend(actor=w["worker"], seeker=w["sb"], posting=p)
    for app in (a, b):
        for stage in ("interview", "offered"):
            services.application_advance(actor=w["worker"], application=app, to=stage)
    services.application_advance(actor=w["worker"], application=a, to="placed")
    events = ApplicationEvent.objects.count()
    with pytest.raises(Conflict) as err:
        services.application_advance(actor=w["worker"], application=b, to="placed")
    assert err.value.code == "jobs.no_openings"
    assert "已招满" in err.value.message
    b.refresh_from_db()
    p.refresh_from_db()
    assert (b.stage, b.placed_on, p.filled) == (Stage.OFFERED, None, 1)
    assert ApplicationEvent.objects.count() == events
    assert p not in selectors.board(actor=None)  # a full posting leaves the board
    # leaving frees the opening
    services.application_advance(actor=w["worker"], application=a, to="left")
    services.application_advance(actor=w["worker"], application=b, to="placed")
    p.refresh_from_db()
    assert p.filled == 1


def test_one_person_may_hold_several_part_time_jobs_but_not_at_the_same_hours(jworld):
    w = jworld
    morning = make_posting(w)
    afternoon = make_posting(
        w, title="车间串珠", employer=w["workshop"], start_time=at(14), end_time=at(16)
    )
    clash = make_posting(
        w, title="早市帮工", employer=w["workshop"], start_time=at(10), end_time=at(11, 30)
    )
    for p in (morning, afternoon):
        to_placed(w, services.application_recommend(actor=w["worker"], seeker=w["sb"], posting=p))
    assert Application.objects.filter(seeker=w["sb"], stage=Stage.PLACED).count() == 2
    app = services.application_recommend(actor=w["worker"], seeker=w["sb"], posting=clash)
    services.application_advance(actor=w["worker"], application=app, to="interview")
    services.application_advance(actor=w["worker"], application=app, to="offered")
    with pytest.raises(Conflict) as err:
        services.application_advance(actor=w["worker"], application=app, to="placed")
    assert err.value.code == "jobs.time_clash"


def test_matching_by_hours_skills_home_and_distance(jworld):
    w = jworld
    school_hours = make_posting(w)  # Mon–Fri 8:30–11:00, 保洁: both are free then
    found = selectors.matches(actor=w["worker"], posting=school_hours)
    assert {m.seeker for m in found} == {w["sa"], w["sb"]}
    assert all("本小区" in m.reasons for m in found)
    evening = make_posting(w, title="晚班", start_time=at(18), end_time=at(21))
    assert selectors.matches(actor=w["worker"], posting=evening) == []
    home = make_posting(
        w, title="居家串珠", employer=w["workshop"], at_home=True, skills="手工", days=[]
    )
    home.start_time = home.end_time = None
    assert [m.seeker for m in selectors.matches(actor=w["worker"], posting=home)] == [w["sb"]]
    # already put forward: not suggested again; the next station sees no one
    services.application_recommend(actor=w["worker"], seeker=w["sa"], posting=school_hours)
    assert [m.seeker for m in selectors.matches(actor=w["worker"], posting=school_hours)] == [
        w["sb"]
    ]
    assert selectors.matches(actor=w["other_worker"], posting=school_hours) == []


def test_distance_is_great_circle_km():
    # 衡东县城 to 衡山县城, about 16 km
    km = selectors.distance_km(26.94, 112.70, 27.23, 112.87)
    assert 36 < km < 37
    assert selectors.distance_km(None, 1, 2, 3) is None


def test_windows_parse_and_refuse_nonsense(jworld):
    assert services.windows_of(["6-7 09:00-17:00"]) == [(6, at(9), at(17)), (7, at(9), at(17))]
    for bad in ("周一 8点", "1-5 12:00-08:00", "0 08:00-09:00"):
        with pytest.raises(Invalid):
            services.windows_of([bad])
    assert selectors.free_text(jworld["sb"]) == ["周一至周五 08:00–11:30", "周一至周五 14:00–17:00"]


def test_courses_enrol_attend_complete(jworld):
    w = jworld
    days = [dt.date(2099, 1, d) for d in (5, 6, 7, 8, 9)]
    course = services.course_create(
        actor=w["worker"],
        community=w["community"],
        title="家政服务培训",
        skill="收纳",
        starts_on=days[0],
        capacity=1,
        sessions=days,
    )
    services.course_enrol(actor=w["resident_a"], course=course, seeker=w["sa"])
    with pytest.raises(Conflict) as err:
        services.course_enrol(actor=w["worker"], course=course, seeker=w["sb"])
    assert err.value.code == "jobs.course_full"
    with pytest.raises(Invalid):
        services.attendance_record(
            actor=w["worker"], session=course.sessions.first(), seekers=[w["sb"]]
        )
    for s in list(course.sessions.all())[:3]:
        services.attendance_record(actor=w["worker"], session=s, seekers=[w["sa"]])
    assert not Enrolment.objects.get().completed  # 3 of 5 < 80 %
    services.attendance_record(
        actor=w["worker"], session=course.sessions.all()[3], seekers=[w["sa"]]
    )
    assert Enrolment.objects.get().completed
    w["sa"].refresh_from_db()
    assert "收纳" in w["sa"].skills
    with pytest.raises(NotFound):  # a 片长 is not the station: the course is not theirs
        services.attendance_record(
            actor=w["area_leader"], session=course.sessions.first(), seekers=[w["sa"]]
        )


def test_figures_come_from_the_rows(jworld):
    w = jworld
    own = make_posting(w)
    to_placed(w, services.application_recommend(actor=w["worker"], seeker=w["sa"], posting=own))
    home = make_posting(
        w,
        title="居家串珠",
        employer=w["workshop"],
        at_home=True,
        days=[],
        start_time=None,
        end_time=None,
        skills="手工",
    )
    to_placed(w, services.application_recommend(actor=w["worker"], seeker=w["sb"], posting=home))
    from linli.ledger.models import Resident

    Resident.objects.filter(pk=w["sb"].resident_id).update(
        is_study_companion=True, is_party_member=True
    )
    services.seeker_update(actor=w["worker"], seeker=w["sb"], active=True)
    w["sb"].is_maker = True
    w["sb"].save()
    month = dt.date(2026, 5, 1)
    with pytest.raises(Invalid):
        services.sales_record(actor=w["worker"], seeker=w["sb"], month=month, amount="1.001")
    services.sales_record(actor=w["worker"], seeker=w["sb"], month=month, amount="120000.00")
    with pytest.raises(Conflict):
        services.sales_record(actor=w["worker"], seeker=w["sa"], month=month, amount="1")
    f = selectors.figures(actor=w["worker"], month=month)
    assert f.hired_in_own_compound == 1  # 刘建国, owner, with his own compound's service
    assert (f.at_home, f.at_home_study_companions) == (1, 1)
    assert (f.makers, f.party_makers_over_target, f.maker_sales) == (1, 1, Decimal("120000.00"))
    assert f.more_income == 2 and f.placements == 2
    assert selectors.figures(actor=w["other_worker"], month=month).placements == 0
