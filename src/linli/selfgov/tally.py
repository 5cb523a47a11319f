"""The owners' vote tally under Civil Code (民法典) art. 278 — a pure function, no Django.

The rules (``shared/domain-rules.md`` §1, SPC interpretation on 建筑物区分所有权 arts. 8–9):

* A = the total exclusive (专有部分) area of all units; N = the owner headcount.
* **Headcount.** Each unit counts as one person, but the units of one owner count once, and
  all of the developer's unsold units together count once. Units are grouped into *heads*:
  two units are in the same head when they share an owner (transitively — if p1 owns units X
  and Y and p3 owns Y and Z, then X, Y and Z are one head, otherwise p1 or p3 would be
  counted twice), and all ``developer_unsold`` units are one head. N = the number of heads.
* **One ballot per unit.** The co-owners of a unit cast one ballot between them: the ballot of
  the first listed owner counts; if he did not vote, the ballot of the first *other* co-owner
  (in listed order) who voted counts. (With two co-owners this is exactly "the first listed
  owner's ballot counts unless the other's is the only one".) A ballot is per owner, so an
  owner of several units has the same ballot on each of them.
* **Participation.** A unit's area participates (pA) when a ballot counts for it — for, against
  or abstain. A head participates (pN) when a ballot counts for any of its units. Non-voters
  never participate.
* **A head's side.** A head counts as *yes* (yN) when the counting ballot of its first unit
  (in listed order) that has one is ``yes``. For the usual head — one owner of several units —
  that is simply the owner's ballot; the rule only decides the rare head joined through
  different co-owners who voted differently.
* **Quorum**: 3·pA ≥ 2·A and 3·pN ≥ 2·N ("三分之二以上" includes the bound, art. 1259).
* **Approval** (``major`` in the output — whether the approval rule of this item is met):
  items (六)(七)(八): 4·yA ≥ 3·pA and 4·yN ≥ 3·pN; all other items: 2·yA > pA and 2·yN > pN.
* **passed** = quorum and approval.
* **Follow the majority** (``follow_majority``, off by default; some local rules say
  "未参与表决的业主，其投票权数计入已表决的多数票"): for the *approval* test only, the
  non-participating area A − pA and heads N − pN are treated as having voted with the majority
  of those who did vote, measured separately by area and by heads: the approval basis becomes
  A (resp. N) instead of pA (resp. pN), and the non-participants are added to the yes figure
  when strictly more area (resp. heads) voted yes than no; on a tie or a no-majority they are
  added to the no side (the yes figure stays). Quorum, ``voted_*`` and ``yes_*`` in the output
  are never changed by this option: non-voters never participate.

All arithmetic is on integers: areas are exact decimals, scaled to integer hundredths (or
finer, to the largest number of decimal places given), and compared by cross-multiplication.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

ITEMS: dict[int, str] = {
    1: "制定和修改业主大会议事规则",
    2: "制定和修改管理规约",
    3: "选举业主委员会或者更换业主委员会成员",
    4: "选聘和解聘物业服务企业或者其他管理人",
    5: "使用建筑物及其附属设施的维修资金",
    6: "筹集建筑物及其附属设施的维修资金",
    7: "改建、重建建筑物及其附属设施",
    8: "改变共有部分的用途或者利用共有部分从事经营活动",
    9: "有关共有和共同管理权利的其他重大事项",
}
MAJOR_ITEMS = frozenset({6, 7, 8})
CHOICES = ("yes", "no", "abstain")


class TallyError(ValueError):
    """Bad tally input; ``message`` is Chinese and says what and where."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class UnitShare:
    """One exclusive unit (专有部分): its label, exclusive area and owners in listed order."""

    unit: str
    area: Decimal
    owners: tuple[str, ...] = ()
    developer_unsold: bool = False


@dataclass(frozen=True)
class Tally:
    """Every figure the decision rests on. Areas are Decimal, heads int."""

    item: int
    follow_majority: bool
    total_area: Decimal
    total_heads: int
    voted_area: Decimal
    voted_heads: int
    yes_area: Decimal
    yes_heads: int
    no_area: Decimal
    no_heads: int
    abstain_area: Decimal
    abstain_heads: int
    quorum: bool
    major: bool  # the approval rule of this item is met (see the module docstring)
    passed: bool
    # the approval figures actually compared (differ from voted/yes only with follow_majority)
    approval_base_area: Decimal = Decimal(0)
    approval_base_heads: int = 0
    approval_yes_area: Decimal = Decimal(0)
    approval_yes_heads: int = 0
    counted: dict[str, str] = field(default_factory=dict)  # unit → the owner whose ballot counts

    @property
    def is_major_item(self) -> bool:
        return self.item in MAJOR_ITEMS

    @property
    def rule(self) -> str:
        if self.is_major_item:
            return "参与表决专有部分面积四分之三以上且参与表决人数四分之三以上同意"
        return "参与表决专有部分面积过半数且参与表决人数过半数同意"

    @property
    def quorum_rule(self) -> str:
        return "专有部分面积占比三分之二以上且人数占比三分之二以上的业主参与表决"

    def as_json(self) -> dict:
        """Exactly the keys of ``linli vote tally`` (issue 5)."""
        return {
            "total_area": str(self.total_area),
            "total_heads": self.total_heads,
            "voted_area": str(self.voted_area),
            "voted_heads": self.voted_heads,
            "yes_area": str(self.yes_area),
            "yes_heads": self.yes_heads,
            "quorum": self.quorum,
            "major": self.major,
            "passed": self.passed,
        }


def _check_item(item) -> int:
    if isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= 9:
        raise TallyError(
            "tally.bad_item",
            f"表决事项 item 应为 1–9 的整数（民法典第二百七十八条），收到 {item!r}",
        )
    return item


def _scale(units: list[UnitShare]) -> int:
    places = 2
    for u in units:
        exponent = u.area.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            places = -exponent
    return 10**places


def _check_units(units: list[UnitShare]) -> dict[str, list[int]]:
    """Validate the units; returns each owner's unit indexes, in listed order."""
    seen_units: set[str] = set()
    owners_of: dict[str, list[int]] = {}
    for index, u in enumerate(units):
        if u.unit in seen_units:
            raise TallyError("tally.duplicate_unit", f"专有部分“{u.unit}”重复出现")
        seen_units.add(u.unit)
        if not isinstance(u.area, Decimal) or not u.area.is_finite():
            raise TallyError("tally.bad_area", f"专有部分“{u.unit}”的面积 {u.area!r} 不是有效数值")
        if u.area < 0:
            raise TallyError("tally.negative_area", f"专有部分“{u.unit}”的面积为负数：{u.area}")
        if len(set(u.owners)) != len(u.owners):
            raise TallyError("tally.duplicate_owner", f"专有部分“{u.unit}”的产权人重复列出")
        for owner in u.owners:
            owners_of.setdefault(owner, []).append(index)
    return owners_of


def _check_ballots(ballots: dict[str, str], owners_of: dict[str, list[int]]) -> None:
    for owner, choice in ballots.items():
        if owner not in owners_of:
            raise TallyError(
                "tally.unknown_owner", f"选票中的业主“{owner}”未列在任何专有部分的产权人中"
            )
        if choice not in CHOICES:
            raise TallyError(
                "tally.bad_ballot",
                f"业主“{owner}”的选票为 {choice!r}，应为 yes（同意）、no（反对）或 abstain（弃权）",
            )


def _heads(units: list[UnitShare], owners_of: dict[str, list[int]]) -> list[int]:
    """Each unit's head (the index of the head's first unit): one head per group of units
    joined by a shared owner; all unsold units are one head (union–find)."""
    parent = list(range(len(units)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    for indexes in owners_of.values():
        for j in indexes[1:]:
            union(indexes[0], j)
    unsold = [i for i, u in enumerate(units) if u.developer_unsold]
    for j in unsold[1:]:
        union(unsold[0], j)
    return [find(i) for i in range(len(units))]


@dataclass(frozen=True)
class _Count:
    """The counting pass: areas in integer units of 1/scale m², heads by their first unit."""

    total_area: int
    total_heads: int
    area_by_choice: dict[str, int]  # yes / no / abstain → area
    head_choice: dict[int, str]  # head → the ballot of its first unit (listed order) with one
    counted: dict[str, str]  # unit → the owner whose ballot counts

    @property
    def voted_area(self) -> int:
        return sum(self.area_by_choice.values())

    @property
    def voted_heads(self) -> int:
        return len(self.head_choice)

    def heads_for(self, choice: str) -> int:
        return sum(1 for c in self.head_choice.values() if c == choice)


def _count(units: list[UnitShare], heads: list[int], ballots: dict[str, str], scale: int) -> _Count:
    total_area = 0
    area_by_choice = {"yes": 0, "no": 0, "abstain": 0}
    head_choice: dict[int, str] = {}
    counted: dict[str, str] = {}
    for u, head in zip(units, heads, strict=True):
        area = int(u.area * scale)
        total_area += area
        voter = next((o for o in u.owners if o in ballots), None)
        if voter is None:
            continue
        counted[u.unit] = voter
        choice = ballots[voter]
        area_by_choice[choice] += area
        head_choice.setdefault(head, choice)
    return _Count(total_area, len(set(heads)), area_by_choice, head_choice, counted)


@dataclass(frozen=True)
class _Approval:
    """The figures the approval rule compares (integer area units and heads)."""

    base_area: int
    base_heads: int
    yes_area: int
    yes_heads: int

    def met(self, item: int) -> bool:
        a, n = self.yes_area, self.yes_heads
        if item in MAJOR_ITEMS:
            return 4 * a >= 3 * self.base_area and 4 * n >= 3 * self.base_heads
        return 2 * a > self.base_area and 2 * n > self.base_heads


def _approval(count: _Count, follow_majority: bool) -> _Approval:
    """The approval figures; with ``follow_majority`` non-participants join a strict majority
    (by area and by heads separately) and the basis is every unit and head."""
    yes_a, no_a = count.area_by_choice["yes"], count.area_by_choice["no"]
    yes_n, no_n = count.heads_for("yes"), count.heads_for("no")
    if not follow_majority:
        return _Approval(count.voted_area, count.voted_heads, yes_a, yes_n)
    total_a, total_n = count.total_area, count.total_heads
    return _Approval(
        base_area=total_a,
        base_heads=total_n,
        yes_area=yes_a + (total_a - count.voted_area) if yes_a > no_a else yes_a,
        yes_heads=yes_n + (total_n - count.voted_heads) if yes_n > no_n else yes_n,
    )


def tally(
    *,
    item: int,
    units: list[UnitShare],
    ballots: dict[str, str],
    follow_majority: bool = False,
) -> Tally:
    """Tally one owners' vote. Raises :class:`TallyError` on bad input; see the module doc."""
    item = _check_item(item)
    owners_of = _check_units(units)
    _check_ballots(ballots, owners_of)
    scale = _scale(units)
    count = _count(units, _heads(units, owners_of), ballots, scale)
    voted_a, voted_n = count.voted_area, count.voted_heads
    yes_n, no_n = count.heads_for("yes"), count.heads_for("no")
    quorum = 3 * voted_a >= 2 * count.total_area and 3 * voted_n >= 2 * count.total_heads
    approval = _approval(count, follow_majority)
    major = approval.met(item)

    def dec(value: int) -> Decimal:
        places = len(str(scale)) - 1
        return (Decimal(value) / scale).quantize(Decimal(1).scaleb(-places))

    return Tally(
        item=item,
        follow_majority=follow_majority,
        total_area=dec(count.total_area),
        total_heads=count.total_heads,
        voted_area=dec(voted_a),
        voted_heads=voted_n,
        yes_area=dec(count.area_by_choice["yes"]),
        yes_heads=yes_n,
        no_area=dec(count.area_by_choice["no"]),
        no_heads=no_n,
        abstain_area=dec(count.area_by_choice["abstain"]),
        abstain_heads=voted_n - yes_n - no_n,
        quorum=quorum,
        major=major,
        passed=quorum and major,
        approval_base_area=dec(approval.base_area),
        approval_base_heads=approval.base_heads,
        approval_yes_area=dec(approval.yes_area),
        approval_yes_heads=approval.yes_heads,
        counted=count.counted,
    )


def _least(numerator: int, denominator: int, strict: bool) -> int:
    """The least integer k with k·denominator ≥ numerator (or > when ``strict``)."""
    if strict:
        return numerator // denominator + 1
    return -(-numerator // denominator)


def thresholds(result: Tally) -> dict[str, Decimal | int]:
    """The least figures that meet each bound, for a result page.

    Areas in hundredths of a square metre (rounded up to the next 0.01 m²), heads as integers:
    quorum 3·pA ≥ 2·A → pA ≥ ⌈2A/3⌉; major 4·yA ≥ 3·base → ⌈3·base/4⌉; ordinary
    2·yA > base → ⌊base/2⌋ + 1 (in the unit of counting).
    """
    cent = Decimal("0.01")

    def hundredths(value: Decimal) -> int:
        return int((value * 100).to_integral_value(rounding="ROUND_CEILING"))

    a, base_a = hundredths(result.total_area), hundredths(result.approval_base_area)
    if result.is_major_item:
        yes_a, yes_n = (
            _least(3 * base_a, 4, False),
            _least(3 * result.approval_base_heads, 4, False),
        )
    else:
        yes_a, yes_n = _least(base_a, 2, True), _least(result.approval_base_heads, 2, True)
    return {
        "quorum_area": Decimal(_least(2 * a, 3, False)) * cent,
        "quorum_heads": _least(2 * result.total_heads, 3, False),
        "yes_area": Decimal(yes_a) * cent,
        "yes_heads": yes_n,
    }


# ---- the JSON form read by ``linli vote tally FILE.json`` ---------------------------------


def _area(value, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TallyError(
            "tally.bad_area", f'{where}的面积应为十进制数字字符串（如 "89.37"），收到 {value!r}'
        )
    try:
        area = Decimal(str(value).strip())
    except InvalidOperation:
        raise TallyError("tally.bad_area", f"{where}的面积“{value}”不是数字") from None
    if not area.is_finite():
        raise TallyError("tally.bad_area", f"{where}的面积“{value}”不是有限数值")
    if area < 0:
        raise TallyError("tally.negative_area", f"{where}的面积为负数：{value}")
    return area


def _parse_unit(n: int, raw) -> UnitShare:
    """The ``n``-th (from 1) entry of ``units`` in the JSON form."""
    where = f"第{n}个专有部分"
    if not isinstance(raw, dict):
        raise TallyError("tally.bad_json", f"{where}应为 JSON 对象")
    label = raw.get("unit")
    if not isinstance(label, str) or not label.strip():
        raise TallyError("tally.bad_json", f"{where}缺少房号 unit")
    where = f"{where}（{label}）"
    if "area" not in raw:
        raise TallyError("tally.bad_area", f"{where}缺少面积 area")
    owners = raw.get("owners", [])
    if not isinstance(owners, list) or not all(isinstance(o, str) and o for o in owners):
        raise TallyError("tally.bad_json", f"{where}的 owners 应为产权人标识（字符串）的列表")
    unsold = raw.get("developer_unsold", False)
    if not isinstance(unsold, bool):
        raise TallyError("tally.bad_json", f"{where}的 developer_unsold 应为 true 或 false")
    return UnitShare(
        unit=label,
        area=_area(raw["area"], where),
        owners=tuple(owners),
        developer_unsold=unsold,
    )


def parse_tally_input(data) -> dict:
    """Validate the issue-5 JSON shape; returns keyword arguments for :func:`tally`."""
    if not isinstance(data, dict):
        raise TallyError("tally.bad_json", "文件内容应为一个 JSON 对象")
    unknown = set(data) - {"item", "follow_majority", "units", "ballots"}
    if unknown:
        raise TallyError("tally.bad_json", f"未知字段：{'、'.join(sorted(unknown))}")
    if "item" not in data:
        raise TallyError("tally.bad_item", "缺少表决事项 item（1–9）")
    item = _check_item(data["item"])
    follow = data.get("follow_majority", False)
    if not isinstance(follow, bool):
        raise TallyError("tally.bad_json", f"follow_majority 应为 true 或 false，收到 {follow!r}")
    raw_units = data.get("units")
    if not isinstance(raw_units, list):
        raise TallyError("tally.bad_json", "units 应为专有部分的列表")
    units = [_parse_unit(n, raw) for n, raw in enumerate(raw_units, start=1)]
    ballots = data.get("ballots", {})
    if not isinstance(ballots, dict):
        raise TallyError("tally.bad_json", "ballots 应为 {业主: yes/no/abstain} 的 JSON 对象")
    return {"item": item, "follow_majority": follow, "units": units, "ballots": dict(ballots)}


def tally_json(text: str) -> dict:
    """Parse the JSON text, tally, and return the output object of ``linli vote tally``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TallyError(
            "tally.bad_json", f"JSON 格式错误：第{exc.lineno}行第{exc.colno}列，{exc.msg}"
        ) from None
    return tally(**parse_tally_input(data)).as_json()
