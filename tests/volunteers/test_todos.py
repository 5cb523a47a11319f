"""待办: service records and corrections wait for the organiser, never for the volunteer
himself, and for nobody in another community."""

from linli.core import todos
from linli.volunteers import services

from .conftest import at


def pending(user, kind) -> int:
    return sum(t.count for t in todos.items_for(user) if t.kind == kind)


def test_records_and_corrections_wait_for_the_organiser(vworld):
    w = vworld
    record = services.roll_record(
        actor=w["worker"], shift=w["shift"], volunteer=w["va"], when=at(12)
    )
    assert pending(w["worker"], "volunteers.record") == 1
    assert pending(w["worker2"], "volunteers.record") == 1  # the office decides too
    assert pending(w["resident_a"], "volunteers.record") == 0  # his own hours
    assert pending(w["other_worker"], "volunteers.record") == 0
    assert pending(w["leader_a"], "volunteers.record") == 0
    services.record_approve(actor=w["worker2"], record=record)
    assert pending(w["worker"], "volunteers.record") == 0
    services.correction_request(
        actor=w["resident_a"], record=record, check_in=at(9), check_out=at(11), reason="签退晚了"
    )
    assert pending(w["worker"], "volunteers.correction") == 1
    assert pending(w["resident_a"], "volunteers.correction") == 0
    assert pending(w["other_worker"], "volunteers.correction") == 0
    (item,) = [t for t in todos.items_for(w["worker"]) if t.kind == "volunteers.correction"]
    assert item.url == "/volunteers/desk/approvals/"
