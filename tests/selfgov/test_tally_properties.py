"""Property-based tests: the tally against a plain reference written here from the rules.

The reference works differently on purpose: heads by merging owner sets until nothing
changes, areas as ``Fraction``, the bounds as fractions (pA/A ≥ 2/3) instead of
cross-multiplied integers.
"""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from linli.selfgov.tally import UnitShare, tally

OWNERS = [f"p{i}" for i in range(7)]


def reference(item, units, ballots, follow_majority):  # noqa: C901 (a plain oracle, kept literal)
    # heads: start with one group per unit; merge groups sharing an owner or both unsold
    groups = [({i}, set(u.owners), u.developer_unsold) for i, u in enumerate(units)]
    merged = True
    while merged:
        merged = False
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                ua, oa, da = groups[a]
                ub, ob, db = groups[b]
                if oa & ob or (da and db):
                    groups[a] = (ua | ub, oa | ob, da or db)
                    del groups[b]
                    merged = True
                    break
            if merged:
                break
    A = sum((Fraction(u.area) for u in units), Fraction(0))
    N = len(groups)
    # the counting ballot of each unit
    unit_vote = {}
    for i, u in enumerate(units):
        if u.owners and u.owners[0] in ballots:
            unit_vote[i] = ballots[u.owners[0]]
        else:
            voters = [o for o in u.owners[1:] if o in ballots]
            if voters:
                unit_vote[i] = ballots[voters[0]]
    pA = sum((Fraction(units[i].area) for i in unit_vote), Fraction(0))
    yA = sum((Fraction(units[i].area) for i, v in unit_vote.items() if v == "yes"), Fraction(0))
    nA = sum((Fraction(units[i].area) for i, v in unit_vote.items() if v == "no"), Fraction(0))
    pN = yN = nN = 0
    for members, _, _ in groups:
        voted = sorted(i for i in members if i in unit_vote)
        if voted:
            pN += 1
            yN += unit_vote[voted[0]] == "yes"
            nN += unit_vote[voted[0]] == "no"
    quorum = (A == 0 or pA / A >= Fraction(2, 3)) and (N == 0 or Fraction(pN, N) >= Fraction(2, 3))
    base_a, base_n, ya, yn = pA, pN, yA, yN
    if follow_majority:
        base_a, base_n = A, N
        ya = yA + (A - pA) if yA > nA else yA
        yn = yN + (N - pN) if yN > nN else yN
    if item in (6, 7, 8):
        major = (base_a == 0 or ya / base_a >= Fraction(3, 4)) and (
            base_n == 0 or Fraction(yn, base_n) >= Fraction(3, 4)
        )
    else:
        major = (ya > base_a / 2) and (yn > Fraction(base_n, 2))
    return {
        "total_area": A,
        "total_heads": N,
        "voted_area": pA,
        "voted_heads": pN,
        "yes_area": yA,
        "yes_heads": yN,
        "quorum": quorum,
        "major": major,
        "passed": quorum and major,
    }


areas = st.decimals(min_value=0, max_value=300, places=2, allow_nan=False, allow_infinity=False)
units_st = st.lists(
    st.tuples(areas, st.lists(st.sampled_from(OWNERS), unique=True, max_size=3), st.booleans()),
    max_size=9,
)


@st.composite
def votes(draw):
    raw = draw(units_st)
    units = [
        UnitShare(f"u{i}", area, tuple(owners), developer_unsold=unsold)
        for i, (area, owners, unsold) in enumerate(raw)
    ]
    present = sorted({o for u in units for o in u.owners})
    voters = draw(st.lists(st.sampled_from(present), unique=True) if present else st.just([]))
    ballots = {o: draw(st.sampled_from(["yes", "no", "abstain"])) for o in voters}
    return draw(st.integers(1, 9)), units, ballots, draw(st.booleans())


@settings(max_examples=400, deadline=None)
@given(votes())
def test_matches_reference(case):
    item, units, ballots, follow = case
    got = tally(item=item, units=units, ballots=ballots, follow_majority=follow)
    want = reference(item, units, ballots, follow)
    assert {
        "total_area": Fraction(got.total_area),
        "total_heads": got.total_heads,
        "voted_area": Fraction(got.voted_area),
        "voted_heads": got.voted_heads,
        "yes_area": Fraction(got.yes_area),
        "yes_heads": got.yes_heads,
        "quorum": got.quorum,
        "major": got.major,
        "passed": got.passed,
    } == want


@settings(max_examples=200, deadline=None)
@given(votes())
def test_invariants(case):
    item, units, ballots, follow = case
    r = tally(item=item, units=units, ballots=ballots, follow_majority=follow)
    assert Decimal(0) <= r.yes_area <= r.voted_area <= r.total_area
    assert 0 <= r.yes_heads <= r.voted_heads <= r.total_heads <= len(units)
    assert r.yes_area + r.no_area + r.abstain_area == r.voted_area
    assert r.yes_heads + r.no_heads + r.abstain_heads == r.voted_heads
    assert r.passed == (r.quorum and r.major)
    # the order ballots arrive in does not matter
    again = tally(
        item=item, units=units, ballots=dict(reversed(ballots.items())), follow_majority=follow
    )
    assert again == r


@settings(max_examples=200, deadline=None)
@given(votes())
def test_non_voters_do_not_change_participation(case):
    item, units, ballots, follow = case
    r = tally(item=item, units=units, ballots=ballots, follow_majority=follow)
    r_plain = tally(item=item, units=units, ballots=ballots, follow_majority=False)
    for key in ("voted_area", "voted_heads", "yes_area", "yes_heads", "quorum"):
        assert getattr(r, key) == getattr(r_plain, key)
