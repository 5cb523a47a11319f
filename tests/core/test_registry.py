"""The per-object lookups a higher app registers and a lower page shows (``core.registry``)."""

from dataclasses import dataclass

import pytest

from linli.core import registry
from linli.core.registry import Slot


@dataclass
class Thing:
    pk: int


@pytest.fixture
def slot():
    return Slot("test.things")


def test_an_empty_slot_shows_nothing(slot):
    things = [Thing(1), Thing(2)]
    assert slot.values(things) == {}
    assert slot.merged(things) == {}
    slot.annotate(things)
    assert not hasattr(things[0], "hours")


def test_each_lookup_is_called_once_with_all_objects(slot):
    calls = []

    def hours(objects):
        calls.append([o.pk for o in objects])
        return {o.pk: o.pk * 1.5 for o in objects if o.pk != 2}

    slot.register("hours", hours)
    things = (t for t in [Thing(1), Thing(2), Thing(3)])  # any iterable, read once
    assert slot.values(things) == {"hours": {1: 1.5, 3: 4.5}}
    assert calls == [[1, 2, 3]]


def test_annotate_sets_every_name_none_where_absent(slot):
    slot.register("hours", lambda objects: {1: 2.5})
    slot.register("points", lambda objects: {2: 30})
    one, two = Thing(1), Thing(2)
    slot.annotate([one, two])
    assert (one.hours, one.points) == (2.5, None)
    assert (two.hours, two.points) == (None, 30)


def test_merged_joins_lists_in_registration_order(slot):
    slot.register("civility", lambda objects: {1: ["2026年最美家庭"], 2: ["文明户"]})
    slot.register("other", lambda objects: {1: ["社区好人"]})
    assert slot.merged([Thing(1), Thing(2), Thing(3)]) == {
        1: ["2026年最美家庭", "社区好人"],
        2: ["文明户"],
    }


def test_registering_a_name_again_replaces_it(slot):
    slot.register("civility", lambda objects: {1: ["旧"]})
    slot.register("civility", lambda objects: {1: ["新"]})
    assert slot.names() == ["civility"]
    assert slot.merged([Thing(1)]) == {1: ["新"]}
    slot.unregister("civility")
    assert slot.merged([Thing(1)]) == {}


def test_the_installed_apps_register_their_lookups():
    """``ready()`` wired the higher apps onto the lower pages' slots."""
    assert registry.PARTY_MEMBER.names() == ["volunteer_hours"]
    assert registry.HOUSEHOLD_BADGES.names() == ["civility"]
    assert registry.BUILDING_BADGES.names() == ["civility"]
