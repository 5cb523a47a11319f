"""The loop through the services: each path walked end to end, and every bad input refused
with nothing changed."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.cases import services
from linli.cases.models import (
    Case,
    CaseEvent,
    CasePhoto,
    CloseReason,
    HandlerLevel,
    Stage,
    Status,
)
from linli.core.errors import DomainError

from .conftest import AT, category, png_bytes

A = CaseEvent.Action
LATER = AT + dt.timedelta(hours=3)


def actions(case):
    return list(case.events.order_by("at", "id").values_list("action", flat=True))


def snapshot():
    return (
        list(Case.objects.order_by("id").values()),
        CaseEvent.objects.count(),
        CasePhoto.objects.count(),
    )


def test_report_lands_with_the_households_neighbour_leader(world, report):
    case = report(photos=[SimpleUploadedFile("a.png", png_bytes(), "image/png")])
    assert (case.level, case.grid, case.origin_grid) == (
        HandlerLevel.NEIGHBOUR,
        world["n_a"],
        world["n_a"],
    )
    assert (case.stage, case.status, case.channel) == (Stage.COLLECTED, Status.OPEN, "resident")
    assert case.deadline == dt.date(2026, 3, 9)  # 5 working days from Monday 2 March
    assert case.photos.count() == 1 and case.events.get().photos.count() == 1


def test_handle_path_accept_resolve_rate(world, report):
    case = report()
    leader = world["leader_a"]
    case = services.case_accept(actor=leader, case=case, when=LATER)
    case = services.case_progress(actor=leader, case=case, note="已上门了解", when=LATER)
    case = services.case_resolve(actor=leader, case=case, note="双方调解，签订公约", when=LATER)
    assert (case.stage, case.status, case.resolved_at) == (Stage.FEEDBACK, Status.OPEN, LATER)
    case = services.case_rate(actor=world["resident_a"], case=case, satisfaction="satisfied")
    assert (case.stage, case.status, case.close_reason) == (
        Stage.RATED,
        Status.CLOSED,
        CloseReason.RESOLVED,
    )
    assert actions(case) == [A.REPORT, A.ACCEPT, A.PROGRESS, A.RESOLVE, A.CONFIRM]
    assert case.version == 5


def test_return_path_back_down_and_to_the_reporter(world, report):
    case = report()
    case = services.case_accept(actor=world["leader_a"], case=case)
    case = services.case_escalate(actor=world["leader_a"], case=case, reason="调解不成")
    assert (case.level, case.grid) == (HandlerLevel.GROUP, world["group"])
    case = services.case_return(actor=world["group_leader"], case=case, reason="请先再次上门")
    assert (case.level, case.grid, case.route) == (HandlerLevel.NEIGHBOUR, world["n_a"], [])
    case = services.case_return(actor=world["leader_a"], case=case, reason="不属于社区事务")
    assert (case.status, case.close_reason) == (Status.CLOSED, CloseReason.RETURNED)
    assert actions(case)[-3:] == [A.ESCALATE, A.RETURN, A.RETURN]
    assert case.events.filter(action=A.RETURN).first().note == "请先再次上门"


def test_escalate_path_up_to_the_joint_meeting(world, report):
    case = report()
    case = services.case_accept(actor=world["leader_a"], case=case)
    case = services.case_escalate(actor=world["leader_a"], case=case, reason="需组长协调")
    case = services.case_escalate(actor=world["group_leader"], case=case, reason="需片长协调")
    assert (case.level, case.grid) == (HandlerLevel.AREA, world["area"])
    case = services.case_escalate(actor=world["area_leader"], case=case, reason="需社区")
    assert (case.level, case.grid) == (HandlerLevel.COMMUNITY, None)
    case = services.case_escalate(
        actor=world["worker"], case=case, reason="涉及多方", to="joint_meeting"
    )
    assert case.level == HandlerLevel.JOINT_MEETING and case.escalations == 4
    with pytest.raises(DomainError) as err:
        services.case_escalate(actor=world["worker"], case=case, reason="再报")
    assert err.value.code == "cases.top_level"
    case = services.case_resolve(actor=world["worker"], case=case, note="联席会决定加装隔音")
    case = services.case_close(actor=world["worker"], case=case, note="回访未接通")
    assert (case.stage, case.status) == (Stage.VERIFIED, Status.CLOSED)
    # the resident may still rate after 核查结案
    case = services.case_rate(actor=world["resident_a"], case=case, satisfaction="basically")
    assert case.stage == Stage.RATED


def test_dispatch_path_department_signs_replies_or_returns(world, report):
    case = report("flying_lead_charging", description="3楼窗口拉线给电动车充电")
    case = services.case_accept(actor=world["leader_a"], case=case)
    case = services.case_escalate(actor=world["leader_a"], case=case, reason="劝导无效")
    case = services.case_escalate(actor=world["group_leader"], case=case, reason="上报")
    case = services.case_escalate(actor=world["area_leader"], case=case, reason="上报")
    case = services.case_dispatch(actor=world["worker"], case=case, department=world["urban"])
    assert (case.stage, case.level, case.department) == (
        Stage.DISPATCHED,
        HandlerLevel.DEPARTMENT,
        world["urban"],
    )
    # the wrong department cannot act; the right one returns it
    with pytest.raises(DomainError) as err:
        services.case_accept(actor=world["fire_staff"], case=case)
    assert err.value.code == "cases.not_your_case"
    case = services.case_return(actor=world["urban_staff"], case=case, reason="属消防职责")
    assert (case.level, case.stage) == (HandlerLevel.COMMUNITY, Stage.ACCEPTED)
    case = services.case_dispatch(actor=world["worker"], case=case, department=world["fire"])
    case = services.case_accept(actor=world["fire_staff"], case=case)
    assert case.stage == Stage.HANDLING
    case = services.case_reply(actor=world["fire_staff"], case=case, note="已拆除飞线，安装充电桩")
    assert case.stage == Stage.FEEDBACK
    assert actions(case)[-4:] == [A.RETURN, A.DISPATCH, A.ACCEPT, A.REPLY]


def test_community_escalation_defaults_to_the_categorys_department(world, report):
    case = report("flying_lead_charging", description="飞线")
    case = services.case_accept(actor=world["worker"], case=case)
    for who in ("leader_a", "group_leader", "area_leader"):
        assert services.may_act(world[who], case)
        case = services.case_escalate(actor=world[who], case=case, reason="上报")
    case = services.case_escalate(actor=world["worker"], case=case, reason="派消防")
    assert (case.level, case.department, case.stage) == (
        HandlerLevel.DEPARTMENT,
        world["fire"],
        Stage.DISPATCHED,
    )
    case = services.case_escalate(actor=world["fire_staff"], case=case, reason="需联席会")
    assert case.level == HandlerLevel.JOINT_MEETING and case.stage == Stage.ACCEPTED


def test_reopen_path_unsatisfied_goes_back_to_the_handler(world, report):
    case = report()
    case = services.case_accept(actor=world["leader_a"], case=case, when=AT)
    case = services.case_resolve(actor=world["leader_a"], case=case, note="已劝导", when=AT)
    reopened_at = dt.datetime(2026, 3, 10, 9, tzinfo=AT.tzinfo)
    case = services.case_rate(
        actor=world["resident_a"], case=case, satisfaction="unsatisfied", when=reopened_at
    )
    assert (case.stage, case.status, case.reopen_count, case.resolved_at) == (
        Stage.ACCEPTED,
        Status.OPEN,
        1,
        None,
    )
    assert case.grid == world["n_a"]
    assert case.deadline == dt.date(2026, 3, 17)  # fresh 5 working days
    assert case.original_deadline == dt.date(2026, 3, 9)
    case = services.case_resolve(actor=world["leader_a"], case=case, note="再次调解")
    case = services.case_rate(actor=world["resident_a"], case=case, satisfaction="satisfied")
    assert actions(case) == [A.REPORT, A.ACCEPT, A.RESOLVE, A.REOPEN, A.RESOLVE, A.CONFIRM]


def test_merge_path(world, report):
    first = report(description="楼道灯坏了")
    dup = report(actor=world["leader_a"], household="102", description="1单元楼道灯不亮")
    merged = services.case_merge(actor=world["leader_a"], case=dup, into=first, note="同一盏灯")
    assert (merged.status, merged.close_reason, merged.merged_into) == (
        Status.CLOSED,
        CloseReason.MERGED,
        first,
    )
    assert first.events.filter(action=A.MERGE).exists()
    with pytest.raises(DomainError) as err:
        services.case_rate(actor=world["leader_a"], case=merged, satisfaction="satisfied")
    assert err.value.code == "cases.not_resolved"
    with pytest.raises(DomainError) as err:
        services.case_merge(actor=world["leader_a"], case=first, into=first)
    assert err.value.code == "cases.merge_self"


def test_category_default_level_forwards_on_accept(world, report):
    case = report("legal_aid", description="房屋买卖合同纠纷，需要法律咨询")
    case = services.case_accept(actor=world["leader_a"], case=case)
    assert (case.level, case.grid, case.stage) == (HandlerLevel.COMMUNITY, None, Stage.ACCEPTED)
    assert actions(case) == [A.REPORT, A.ACCEPT, A.FORWARD]
    # 退回 from the community goes back to the 邻长 it came from
    case = services.case_return(actor=world["worker"], case=case, reason="请先了解详情")
    assert case.grid == world["n_a"]


def test_vacant_neighbour_post_passes_the_report_up(world, report):
    from linli.grid import services as grid_services

    grid_services.post_vacate(grid=world["n_a"], reason="搬走")
    case = report()
    assert (case.level, case.grid, case.origin_grid) == (
        HandlerLevel.GROUP,
        world["group"],
        world["n_a"],
    )
    assert "空缺" in case.events.get().note


def test_compound_case_lands_with_the_smallest_cell_holding_the_compound(world):
    case = services.case_report(
        actor=world["resident_b"],
        compound=world["households"]["201"].unit.building.compound,
        category=category("sanitation"),
        description="小区垃圾站满溢",
    )
    assert (case.level, case.grid, case.household) == (HandlerLevel.GROUP, world["group"], None)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"category": "no_such"}, "cases.unknown_category"),
        ({"household": "201"}, "not_found"),
        ({"description": "   "}, "cases.description_required"),
        ({"urgency": "panic"}, "cases.bad_urgency"),
        ({"photos": "text"}, "cases.file_not_allowed"),
        ({"photos": "big"}, "cases.file_too_large"),
    ],
)
def test_bad_reports_change_nothing(world, kwargs, code):
    before = snapshot()
    args = {
        "actor": world["resident_a"],
        "household": world["households"]["101"],
        "category": category("sanitation"),
        "description": "垃圾",
    }
    for key, value in kwargs.items():
        if key == "household":
            value = world["households"][value]
        if key == "photos":
            value = [
                SimpleUploadedFile("x.txt", b"not an image", "image/png")
                if value == "text"
                else SimpleUploadedFile("big.png", png_bytes() + b"0" * (11 << 20), "image/png")
            ]
        args[key] = value
    with pytest.raises(DomainError) as err:
        services.case_report(**args)
    assert err.value.code == code
    assert snapshot() == before


def test_leader_reports_for_own_households_only(world):
    case = services.case_report(
        actor=world["leader_a"],
        household=world["households"]["102"],
        category=category("sanitation"),
        description="门口堆放杂物",
        on_behalf_of=world["residents"]["a2"],
    )
    assert case.channel == "leader" and case.on_behalf_of == world["residents"]["a2"]
    with pytest.raises(DomainError) as err:
        services.case_report(
            actor=world["leader_a"],
            household=world["households"]["201"],
            category=category("sanitation"),
            description="x",
        )
    assert err.value.code == "not_found" and err.value.status == 404
    with pytest.raises(DomainError) as err:
        services.case_report(
            actor=world["leader_a"],
            household=world["households"]["102"],
            category=category("sanitation"),
            description="x",
            on_behalf_of=world["residents"]["b"],
        )
    assert err.value.code == "cases.resident_not_in_household"


def test_client_key_resubmission_returns_the_first_case(world, report):
    first = report(client_key="k-1")
    again = report(client_key="k-1")
    assert again.pk == first.pk and again.replayed and not first.replayed
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1
    before = snapshot()
    with pytest.raises(DomainError) as err:
        report(client_key="k-1", description="另一件事")
    assert err.value.code == "cases.client_key_reused"
    assert snapshot() == before
    # another reporter may use the same key
    other = report(actor=world["leader_a"], client_key="k-1")
    assert other.pk != first.pk


@pytest.mark.parametrize(
    ("setup", "act", "code"),
    [
        ("collected", "resolve", "cases.bad_transition"),
        ("collected", "rate", "cases.not_resolved"),
        ("collected", "dispatch", "cases.bad_transition"),
        ("collected", "close", "cases.bad_transition"),
        ("resolved", "accept", "cases.bad_transition"),
        ("resolved", "escalate", "cases.bad_transition"),
        ("resolved", "resolve", "cases.bad_transition"),
        ("rated", "rate", "cases.bad_transition"),
        ("rated", "return", "cases.bad_transition"),
        ("accepted", "accept", "cases.bad_transition"),
    ],
)
def test_disallowed_transitions_change_nothing(world, report, setup, act, code):
    case = report()
    leader, worker = world["leader_a"], world["worker"]
    if setup in ("accepted", "resolved", "rated"):
        case = services.case_accept(actor=leader, case=case)
    if setup in ("resolved", "rated"):
        case = services.case_resolve(actor=leader, case=case, note="好了")
    if setup == "rated":
        case = services.case_rate(actor=world["resident_a"], case=case, satisfaction="satisfied")
    before = snapshot()
    calls = {
        "accept": lambda: services.case_accept(actor=leader, case=case),
        "resolve": lambda: services.case_resolve(actor=leader, case=case, note="x"),
        "rate": lambda: services.case_rate(
            actor=world["resident_a"], case=case, satisfaction="satisfied"
        ),
        "dispatch": lambda: services.case_dispatch(
            actor=worker, case=case, department=world["fire"]
        ),
        "close": lambda: services.case_close(actor=worker, case=case),
        "escalate": lambda: services.case_escalate(actor=leader, case=case, reason="x"),
        "return": lambda: services.case_return(actor=leader, case=case, reason="x"),
    }
    with pytest.raises(DomainError) as err:
        calls[act]()
    assert err.value.code == code
    assert snapshot() == before


def test_stale_version_and_wrong_actor_change_nothing(world, report):
    case = report()
    before = snapshot()
    with pytest.raises(DomainError) as err:
        services.case_accept(actor=world["leader_a"], case=case, expected_version=99)
    assert err.value.code == "cases.stale" and err.value.status == 409
    for who in ("leader_b", "group_leader", "resident_a", "fire_staff", "xt_worker"):
        with pytest.raises(DomainError) as err:
            services.case_accept(actor=world[who], case=case)
        assert err.value.code == "cases.not_your_case", who
    with pytest.raises(DomainError) as err:
        services.case_resolve(actor=world["leader_a"], case=case, note=" ")
    assert err.value.code in ("cases.bad_transition", "cases.note_required")
    assert snapshot() == before


def test_rating_by_someone_else_is_refused(world, report):
    case = report()
    case = services.case_accept(actor=world["leader_a"], case=case)
    case = services.case_resolve(actor=world["leader_a"], case=case, note="好了")
    with pytest.raises(DomainError) as err:
        services.case_rate(actor=world["resident_b"], case=case, satisfaction="unsatisfied")
    assert err.value.code == "cases.not_your_case"
    with pytest.raises(DomainError) as err:
        services.case_rate(actor=world["resident_a"], case=case, satisfaction="meh")
    assert err.value.code == "cases.bad_satisfaction"
