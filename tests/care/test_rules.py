"""The pure rules: tiers, windows across month ends and events, the rate's three places."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from linli.care import rules

WEEK, MONTH, QUARTER = relativedelta(days=7), relativedelta(months=1), relativedelta(months=3)
CST = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize(
    ("age", "cats", "ill", "tier"),
    [
        (85, {"lives_alone"}, False, rules.HIGH),
        (80, {"left_behind_elder"}, False, rules.HIGH),
        (79, {"lives_alone"}, False, rules.GENERAL),
        (60, {"low_income"}, True, rules.HIGH),  # a life-threatening illness, whatever the age
        (85, {"empty_nest"}, False, rules.KEY),  # 80+ but not alone
        (70, {"disabled"}, False, rules.KEY),
        (45, {"extreme_poverty"}, False, rules.KEY),
        (72, {"family_planning"}, False, rules.KEY),
        (9, {"child_in_difficulty"}, False, rules.KEY),
        (11, {"left_behind_child"}, False, rules.KEY),
        (66, {"empty_nest", "low_income"}, False, rules.GENERAL),
        (None, {"lives_alone"}, False, rules.GENERAL),  # no birth date: no age rule
    ],
)
def test_tiers(age, cats, ill, tier):
    assert rules.derive_tier(age=age, categories=cats, serious_illness=ill) == tier


def test_high_age_is_a_setting():
    assert (
        rules.derive_tier(age=75, categories={"lives_alone"}, serious_illness=False, high_age=75)
        == rules.HIGH
    )


def test_parse_period():
    assert rules.parse_period("7d") == relativedelta(days=7)
    assert rules.parse_period("2w") == relativedelta(days=14)
    assert rules.parse_period("3m") == relativedelta(months=3)
    for bad in ("", "0d", "7", "1y", "-1m"):
        with pytest.raises(ValueError):
            rules.parse_period(bad)


def _window(
    tier,
    last,
    as_of,
    interval,
    lead=WEEK,
    registered=dt.date(2025, 1, 1),
    events=(),
):
    return rules.due_window(
        tier=tier,
        last_visit=last,
        registered_on=registered,
        as_of=as_of,
        interval=interval,
        lead=lead,
        events=events,
    )


def test_monthly_across_month_ends():
    # 31 January + one month is the last day of February, in a leap year and not
    w = _window(rules.KEY, dt.date(2024, 1, 31), dt.date(2024, 2, 29), MONTH)
    assert w.latest == dt.date(2024, 2, 29) and w.status == rules.DUE
    w = _window(rules.KEY, dt.date(2025, 1, 31), dt.date(2025, 3, 1), MONTH)
    assert w.latest == dt.date(2025, 2, 28) and w.status == rules.OVERDUE
    assert w.days_overdue(dt.date(2025, 3, 1)) == 1
    # the window opens a week before
    assert w.earliest == dt.date(2025, 2, 21)
    assert _window(rules.KEY, dt.date(2025, 1, 31), dt.date(2025, 2, 20), MONTH).status == rules.OK
    # quarterly from 30 November: 28 February (not 2 March)
    w = _window(
        rules.GENERAL, dt.date(2024, 11, 30), dt.date(2025, 2, 28), QUARTER, relativedelta(days=14)
    )
    assert w.latest == dt.date(2025, 2, 28) and w.status == rules.DUE
    # over the year's end
    w = _window(rules.HIGH, dt.date(2025, 12, 29), dt.date(2026, 1, 6), WEEK, relativedelta(days=2))
    assert w.latest == dt.date(2026, 1, 5) and w.status == rules.OVERDUE


def test_never_visited_counts_from_registration():
    w = _window(rules.KEY, None, dt.date(2025, 2, 1), MONTH, registered=dt.date(2025, 1, 31))
    assert w.latest == dt.date(2025, 2, 28) and w.status == rules.OK


def test_event_brings_a_high_risk_visit_forward():
    declared = dt.datetime(2026, 1, 20, 15, 0, tzinfo=CST)
    last = dt.date(2026, 1, 19)
    w = _window(
        rules.HIGH, last, dt.date(2026, 1, 20), WEEK, relativedelta(days=2), events=[declared]
    )
    assert (w.latest, w.status, w.event) == (dt.date(2026, 1, 21), rules.DUE, True)
    w = _window(
        rules.HIGH, last, dt.date(2026, 1, 22), WEEK, relativedelta(days=2), events=[declared]
    )
    assert w.status == rules.OVERDUE
    # a visit on or after the event's day answers it
    w = _window(
        rules.HIGH,
        dt.date(2026, 1, 20),
        dt.date(2026, 1, 22),
        WEEK,
        relativedelta(days=2),
        events=[declared],
    )
    assert (w.latest, w.status, w.event) == (dt.date(2026, 1, 27), rules.OK, False)
    # other tiers are not moved
    w = _window(rules.KEY, last, dt.date(2026, 1, 22), MONTH, events=[declared])
    assert w.status == rules.OK and not w.event
    # an event declared after the day asked does not count yet
    w = _window(
        rules.HIGH, last, dt.date(2026, 1, 19), WEEK, relativedelta(days=2), events=[declared]
    )
    assert not w.event


def test_rate_three_places():
    assert rules.rate(7, 8) == "0.875"
    assert rules.rate(2, 3) == "0.667"
    assert rules.rate(1, 3) == "0.333"
    assert rules.rate(0, 0) == "0.000"
    assert rules.rate(5, 5) == "1.000"


@given(st.integers(0, 5000), st.integers(1, 5000))
def test_rate_is_decimal_half_up(visited, registered):
    from decimal import ROUND_HALF_UP, Decimal

    visited = min(visited, registered)
    expected = (Decimal(visited) / Decimal(registered)).quantize(Decimal("0.001"), ROUND_HALF_UP)
    assert rules.rate(visited, registered) == str(expected)
