"""Who may see what — now a thin door onto ``linli.core.policy``, kept while callers move.

New code uses ``linli.core.policy`` (``restrict``, ``can``, the anchors) directly.
"""

from __future__ import annotations

from django.db.models import Q

from linli.core import policy
from linli.core.policy import Capability, actor_of
from linli.core.roles import GRID_ROLES, REGION_ROLES

__all__ = [
    "GRID_ROLES",
    "NOTHING",
    "REGION_ROLES",
    "compound_q",
    "edits_ledger",
    "grid_q",
    "household_q",
    "may_unmask",
    "region_q",
    "role_of",
    "sees_sensitive_tags",
]

NOTHING = None  # a filter value meaning "no rows"
role_of = policy.role_of


def household_q(user, prefix: str = "") -> Q | None:
    """A filter on Household (or ``prefix`` + Household) that ``user`` may see; None = nothing."""
    return policy.household_q(actor_of(user), prefix)


def compound_q(user, prefix: str = "") -> Q | None:
    """A filter on Compound (or ``prefix`` + Compound); None = nothing."""
    return policy.compound_q(actor_of(user), prefix)


def region_q(user) -> Q | None:
    """A filter on Region: the user's region subtree, or the communities of what they see."""
    return policy.region_q(actor_of(user))


def grid_q(user) -> Q | None:
    """A filter on grid.Grid: region roles see their region's grids, leaders their subtree."""
    return policy.grid_q(actor_of(user))


def sees_sensitive_tags(user) -> bool:
    """Vulnerable-person tags (独居老人, 留守儿童, 残疾, 低保 …): officials, workers, the 三长."""
    return policy.can(user, Capability.SEE_TAGS)


def may_unmask(user, field: str) -> bool:
    """Full ID numbers for officials and workers; phones also for the 三长 (to call on people)."""
    if field == "id_number":
        return policy.can(user, Capability.UNMASK_ID_NUMBER)
    if field == "phone":
        return policy.can(user, Capability.UNMASK_PHONE)
    return False


def edits_ledger(user) -> bool:
    return policy.can(user, Capability.LEDGER_EDIT)
