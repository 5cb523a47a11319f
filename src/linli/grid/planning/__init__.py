"""Planning the 片组邻 grid: partition a community's households into 邻, 组 and 片.

The article's rule is 地域相邻、类型相近、规模适当 (neighbouring, similar, the right size).
This package turns it into a deterministic algorithm over plain values, so that it can be
tested on generated ledgers and run over a county of a million households:

* every household is in exactly one 邻;
* a stairwell unit (单元) is never split across 邻 unless it alone exceeds the maximum, and
  then into the fewest near-equal chunks of consecutive rooms — or chunks of unequal size
  when only that keeps every 邻 within the range;
* a 邻 boundary prefers a building boundary, then a unit boundary; small adjacent buildings
  of one compound may share a 邻; a compound smaller than the minimum may share a 邻 with
  the next compounds of the same kind, when the result stays within the range — or, when none
  of its kind can take it, with the compound next to it in order of another kind;
* buildings, units and rooms are in natural order ("2栋" < "10栋", "301" < "1201");
* compounds are ordered by (kind, locality); consecutive 邻 form 组 and 组 form 片, cutting
  between compounds (best: where the kind changes) rather than inside one.

The modules, in the order the data flows:

* ``inputs`` — :class:`HouseholdKey`, :class:`PlanSettings`, :class:`UnitKey`;
* ``ordering`` — natural order (:func:`natural_key`, :func:`compound_order_key`) and the
  ``Ledger`` index: households as positions in that order, units as runs of positions, cut
  into ``Part`` s for the DP;
* ``partition`` — the 邻: the linear-partition DP and its costs, the plan's two runs (whole
  units; oversized units cut anywhere), and the move-aware DP rebalance uses;
* ``assembly`` — each 邻's label, 组 and 片 (the same DP one level up), and
  :func:`plan_households`;
* ``rebalance`` — :func:`rebalance`, step by step;
* ``plan`` — :class:`Plan` and its parts, the quality figures, the 邻 outside the range;
* ``loading`` — :func:`load_keys`, the only module that touches the database.

What is exported here is the public API; the rest may change. See ``docs/grid-planning.md``.
"""

from .assembly import plan_households
from .inputs import HouseholdKey, PlanSettings, UnitKey
from .loading import load_keys
from .ordering import compound_order_key, natural_key
from .plan import QUALITY_KEYS, OutsideRange, Plan, PlannedArea, PlannedGroup, PlannedNeighbour
from .rebalance import rebalance

__all__ = [
    "QUALITY_KEYS",
    "HouseholdKey",
    "OutsideRange",
    "Plan",
    "PlanSettings",
    "PlannedArea",
    "PlannedGroup",
    "PlannedNeighbour",
    "UnitKey",
    "compound_order_key",
    "load_keys",
    "natural_key",
    "plan_households",
    "rebalance",
]
