"""The pure tally (民法典第二百七十八条) on the worked examples of domain-rules §1."""

from decimal import Decimal

import pytest

from linli.selfgov.tally import TallyError, UnitShare, tally, thresholds

D = Decimal


def split(total_cents: int, count: int) -> list[Decimal]:
    """``count`` areas (2 decimals) summing exactly to ``total_cents`` hundredths."""
    if count == 0:
        assert total_cents == 0
        return []
    each = total_cents // count
    areas = [each] * count
    areas[-1] += total_cents - each * count
    return [D(a) / 100 for a in areas]


def thousand(*, p_area: str, p_heads: int, y_area: str | None = None, y_heads: int = 0):
    """The worked example: 1,000 units, 50 unsold developer units, one buyer owning 3 units,
    A = 95,000 m². ``p_heads`` single owners take part with ``p_area`` m² between them, of whom
    ``y_heads`` (with ``y_area`` m²) vote yes, the rest no; everyone else stays away."""
    total = 95_000_00
    p_cents = int(D(p_area) * 100)
    y_cents = int(D(y_area) * 100) if y_area is not None else 0
    singles = 947
    yes_areas = split(y_cents, y_heads)
    no_areas = split(p_cents - y_cents, p_heads - y_heads)
    # non-voters: 50 developer units, the buyer's 3 units, the other single owners
    absent = split(total - p_cents, 50 + 3 + singles - p_heads)
    units, ballots = [], {}
    for i, area in enumerate(absent[:50]):
        units.append(UnitShare(f"D{i}", area, ("developer",), developer_unsold=True))
    for i, area in enumerate(absent[50:53]):
        units.append(UnitShare(f"B{i}", area, ("buyer",)))
    for i, area in enumerate(absent[53:]):
        units.append(UnitShare(f"S{i}", area, (f"s{i}",)))
    for i, area in enumerate(yes_areas):
        units.append(UnitShare(f"Y{i}", area, (f"y{i}",)))
        ballots[f"y{i}"] = "yes"
    for i, area in enumerate(no_areas):
        units.append(UnitShare(f"N{i}", area, (f"n{i}",)))
        ballots[f"n{i}"] = "no"
    assert len(units) == 1000
    return units, ballots


def test_thousand_units_headcount_and_area():
    units, ballots = thousand(p_area="64000", p_heads=640, y_area="32000.01", y_heads=321)
    r = tally(item=1, units=units, ballots=ballots)
    assert r.total_area == D("95000.00")
    assert r.total_heads == 1000 - 49 - 2 == 949
    assert (r.voted_area, r.voted_heads) == (D("64000.00"), 640)
    assert r.quorum and r.major and r.passed


def test_thousand_units_thresholds():
    units, ballots = thousand(p_area="64000", p_heads=640, y_area="32000.01", y_heads=321)
    t = thresholds(tally(item=1, units=units, ballots=ballots))
    assert t == {
        "quorum_area": D("63333.34"),
        "quorum_heads": 633,
        "yes_area": D("32000.01"),
        "yes_heads": 321,
    }
    t6 = thresholds(tally(item=6, units=units, ballots=ballots))
    assert (t6["yes_area"], t6["yes_heads"]) == (D("48000.00"), 480)


@pytest.mark.parametrize(
    ("p_area", "p_heads", "quorum"),
    [
        ("63333.34", 633, True),  # 3·pA = 190,000.02 ≥ 190,000 and 3·633 = 1,899 ≥ 1,898
        ("63333.33", 633, False),  # 3·pA = 189,999.99 < 190,000
        ("64000", 632, False),  # 3·632 = 1,896 < 1,898
        ("64000", 640, True),
        ("95000", 949, True),
    ],
)
def test_thousand_units_quorum_bounds(p_area, p_heads, quorum):
    units, ballots = thousand(p_area=p_area, p_heads=p_heads, y_area=p_area, y_heads=p_heads)
    r = tally(item=1, units=units, ballots=ballots)
    assert r.quorum is quorum
    assert r.major is True  # everybody who took part said yes
    assert r.passed is quorum


@pytest.mark.parametrize(
    ("y_area", "y_heads", "major"),
    [
        ("32000.01", 321, True),  # just past the half on both
        ("32000.00", 321, False),  # exactly half the area is not 过半数
        ("32000.01", 320, False),  # exactly half the heads is not 过半数
        ("40000", 400, True),
    ],
)
def test_thousand_units_ordinary_item(y_area, y_heads, major):
    units, ballots = thousand(p_area="64000", p_heads=640, y_area=y_area, y_heads=y_heads)
    for item in (1, 2, 3, 4, 5, 9):  # (五) 使用维修资金 is ordinary too
        r = tally(item=item, units=units, ballots=ballots)
        assert r.quorum
        assert (r.major, r.passed) == (major, major)


@pytest.mark.parametrize(
    ("y_area", "y_heads", "major"),
    [
        ("48000", 480, True),  # exactly three quarters is 四分之三以上
        ("47999.99", 480, False),
        ("48000", 479, False),
        ("40000", 400, False),  # a simple majority is not enough
    ],
)
def test_thousand_units_major_items(y_area, y_heads, major):
    units, ballots = thousand(p_area="64000", p_heads=640, y_area=y_area, y_heads=y_heads)
    for item in (6, 7, 8):
        r = tally(item=item, units=units, ballots=ballots)
        assert r.quorum
        assert (r.major, r.passed) == (major, major)


def test_buyer_and_developer_each_one_head_however_many_units():
    units, ballots = thousand(p_area="64000", p_heads=640, y_area="32000.01", y_heads=321)
    before = tally(item=1, units=units, ballots=ballots)
    ballots = {**ballots, "buyer": "no", "developer": "abstain"}
    after = tally(item=1, units=units, ballots=ballots)
    assert after.voted_heads == before.voted_heads + 2
    buyer = sum(u.area for u in units if u.owners == ("buyer",))
    developer = sum(u.area for u in units if u.developer_unsold)
    assert after.voted_area == before.voted_area + buyer + developer
    assert (after.no_heads, after.abstain_heads) == (before.no_heads + 1, 1)


# ---- co-owners -------------------------------------------------------------------------


def unit(label, area, *owners, unsold=False):
    return UnitShare(label, D(area), tuple(owners), developer_unsold=unsold)


def test_first_listed_co_owner_counts_over_the_others():
    units = [unit("501", "89.37", "p1", "p2"), unit("502", "100", "p3")]
    r = tally(item=1, units=units, ballots={"p1": "yes", "p2": "no", "p3": "no"})
    assert r.counted == {"501": "p1", "502": "p3"}
    assert (r.yes_area, r.yes_heads, r.no_area, r.no_heads) == (D("89.37"), 1, D("100.00"), 1)
    assert (r.voted_area, r.voted_heads, r.total_heads) == (D("189.37"), 2, 2)


def test_other_co_owners_ballot_counts_when_it_is_the_only_one():
    units = [unit("501", "89.37", "p1", "p2"), unit("502", "100", "p3")]
    r = tally(item=1, units=units, ballots={"p2": "yes"})
    assert r.counted == {"501": "p2"}
    assert (r.voted_area, r.voted_heads, r.yes_heads) == (D("89.37"), 1, 1)


def test_first_voting_non_first_co_owner_in_listed_order():
    units = [unit("501", "80", "p1", "p2", "p3", "p4")]
    r = tally(item=1, units=units, ballots={"p4": "yes", "p3": "no"})
    assert r.counted == {"501": "p3"}
    assert (r.yes_heads, r.no_heads) == (0, 1)


def test_non_voters_never_participate():
    units = [unit("1", "50", "a"), unit("2", "50", "b"), unit("3", "50", "c")]
    r = tally(item=1, units=units, ballots={"a": "yes"})
    assert (r.voted_area, r.voted_heads) == (D("50.00"), 1)
    assert not r.quorum
    assert r.major and not r.passed  # the one participant said yes, but no quorum


def test_abstain_participates_but_is_not_yes():
    units = [unit("1", "50", "a"), unit("2", "50", "b"), unit("3", "50", "c")]
    r = tally(item=1, units=units, ballots={"a": "yes", "b": "abstain", "c": "abstain"})
    assert r.quorum and (r.voted_heads, r.yes_heads) == (3, 1)
    assert not r.major


def test_multi_unit_owner_counts_once_with_his_one_ballot():
    units = [unit("1", "50", "a"), unit("2", "70", "a"), unit("3", "60", "b")]
    r = tally(item=1, units=units, ballots={"a": "yes", "b": "no"})
    assert r.total_heads == 2
    assert (r.yes_area, r.yes_heads, r.no_area, r.no_heads) == (D("120.00"), 1, D("60.00"), 1)
    # 120 > 90 by area but 1 of 2 heads is not more than half
    assert not r.major


def test_owners_joined_through_a_shared_unit_are_one_head():
    # p1 owns X and (with p3) Y; p3 also owns Z: X, Y, Z are one head
    units = [unit("X", "10", "p1"), unit("Y", "10", "p1", "p3"), unit("Z", "10", "p3")]
    r = tally(item=1, units=units, ballots={"p3": "no", "p1": "yes"})
    assert r.total_heads == 1
    assert r.counted == {"X": "p1", "Y": "p1", "Z": "p3"}
    assert (r.yes_heads, r.no_heads) == (1, 0)  # the head's first unit with a ballot (X)


def test_unit_without_known_owner_counts_in_totals_only():
    units = [unit("1", "50", "a"), unit("2", "50")]
    r = tally(item=1, units=units, ballots={"a": "yes"})
    assert (r.total_area, r.total_heads, r.voted_heads) == (D("100.00"), 2, 1)


# ---- follow the majority -----------------------------------------------------------------


def test_follow_majority_adds_non_voters_to_the_majority_for_approval_only():
    units = [unit(str(i), "100", f"o{i}") for i in range(10)]
    # 7 take part (quorum: 7·3 ≥ 20); 4 yes, 3 no: a simple majority but not three quarters
    ballots = {f"o{i}": "yes" for i in range(4)} | {f"o{i}": "no" for i in range(4, 7)}
    plain = tally(item=6, units=units, ballots=ballots)
    assert plain.quorum and not plain.major
    follow = tally(item=6, units=units, ballots=ballots, follow_majority=True)
    # the 3 absent join the yes side: 7 of 10 ≥ ¾? 4·7 = 28 < 30 → still fails
    assert (follow.approval_yes_heads, follow.approval_base_heads) == (7, 10)
    assert not follow.major
    ballots["o4"] = "yes"  # 5 yes, 2 no → with the 3 absent 8 of 10 ≥ ¾
    follow = tally(item=6, units=units, ballots=ballots, follow_majority=True)
    assert follow.major and follow.passed
    # the figures participation rests on never change
    assert (follow.voted_heads, follow.yes_heads, follow.voted_area) == (7, 5, D("700.00"))


def test_follow_majority_never_makes_the_quorum():
    units = [unit(str(i), "100", f"o{i}") for i in range(10)]
    r = tally(item=1, units=units, ballots={"o0": "yes"}, follow_majority=True)
    assert r.major and not r.quorum and not r.passed


def test_follow_majority_non_voters_join_no_when_no_is_the_majority():
    units = [unit(str(i), "100", f"o{i}") for i in range(10)]
    ballots = {f"o{i}": "no" for i in range(4)} | {f"o{i}": "yes" for i in range(4, 7)}
    r = tally(item=1, units=units, ballots=ballots, follow_majority=True)
    assert (r.approval_yes_heads, r.approval_base_heads) == (3, 10)
    assert not r.major


# ---- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"item": 0}, "tally.bad_item"),
        ({"item": 10}, "tally.bad_item"),
        ({"item": True}, "tally.bad_item"),
        ({"units": [unit("1", "-0.01", "a")]}, "tally.negative_area"),
        ({"ballots": {"ghost": "yes"}}, "tally.unknown_owner"),
        ({"ballots": {"a": "maybe"}}, "tally.bad_ballot"),
        ({"units": [unit("1", "1", "a"), unit("1", "2", "b")]}, "tally.duplicate_unit"),
        ({"units": [unit("1", "1", "a", "a")]}, "tally.duplicate_owner"),
    ],
)
def test_bad_input(kwargs, code):
    args = {"item": 1, "units": [unit("1", "50", "a")], "ballots": {}} | kwargs
    with pytest.raises(TallyError) as info:
        tally(**args)
    assert info.value.code == code
