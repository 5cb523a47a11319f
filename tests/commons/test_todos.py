"""待办: an entry waits for a committee member other than the one who entered it."""

from linli.core import todos


def entries(user) -> int:
    return sum(t.count for t in todos.items_for(user) if t.kind == "commons.entry")


def test_an_entry_waits_for_another_committee_member(world, enter):
    enter()
    assert entries(world["committee_a"]) == entries(world["committee_b"]) == 1
    assert entries(world["worker"]) == 0  # the worker enters, the committee reviews
    assert entries(world["other_committee"]) == 0  # another compound
    assert entries(world["resident_a"]) == 0
    enter(actor=world["committee_a"])
    assert entries(world["committee_a"]) == 1  # not his own
    assert entries(world["committee_b"]) == 2
    (item,) = [t for t in todos.items_for(world["committee_b"]) if t.kind == "commons.entry"]
    assert item.url == "/commons/queue/" and item.title == "2 笔公共收益收支待您审核"
    assert todos.count_for(world["committee_b"]) == 2
