"""Reads of the stairwell codes: a code by its token (the public page), the leaders a
stairwell shows, the codes of a community (for printing), the reports waiting for a leader."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import QuerySet

from linli.cases.models import Case, Channel, Status
from linli.cases.services import unit_cell
from linli.core.errors import NotFound
from linli.grid.models import Grid
from linli.grid.selectors import holders_by_grid
from linli.ledger.models import Region, Unit

from .models import StairwellCode

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{8,32}")


def code_by_token(token: str) -> StairwellCode:
    """The code of a public page; a malformed or unknown token (or a unit gone) is NotFound."""
    if not isinstance(token, str) or not TOKEN_RE.fullmatch(token):
        raise NotFound("楼道码不存在")
    code = (
        StairwellCode.objects.select_related("unit__building__compound__community")
        .filter(token=token)
        .first()
    )
    if code is None:
        raise NotFound("楼道码不存在")
    return code


@dataclass(frozen=True)
class Leader:
    """One of the 三长 of a stairwell, as the cell's public card shows them."""

    title: str  # 邻长 / 组长 / 片长
    cell: str  # 第3邻
    name: str  # "" when the post is vacant
    phone: str  # in full, as on the public card (a leader's contact is published)
    complaint_phone: str


def neighbour_of(unit: Unit) -> Grid | None:
    """The stairwell's 邻 (of a unit split between two 邻, the larger part's)."""
    return unit_cell(unit)


def leaders_of(unit: Unit) -> list[Leader]:
    """The 邻长, 组长 and 片长 over the stairwell, in that order ([] outside the grid)."""
    cells: list[Grid] = []
    cell = neighbour_of(unit)
    while cell is not None and len(cells) < 3:
        cells.append(cell)
        cell = cell.parent
    holders = holders_by_grid([c.pk for c in cells])
    out = []
    for c in cells:
        holding = holders.get(c.pk)
        resident = holding.resident if holding is not None else None
        out.append(
            Leader(
                title=c.leader_title,
                cell=c.name,
                name=resident.name if resident else "",
                phone=(resident.phone or "") if resident else "",
                complaint_phone=c.complaint_phone,
            )
        )
    return out


def address_of(unit: Unit) -> str:
    """小区 楼栋 单元, as the sheet prints it in large type."""
    building = unit.building
    return f"{building.compound.name} {building.name} {unit.name}"


def units_of(community: Region) -> QuerySet[Unit]:
    """Every stairwell of a community, in print order (compound, building, unit)."""
    return (
        Unit.objects.filter(building__compound__community=community)
        .select_related("building__compound")
        .order_by("building__compound__name", "building__compound_id", "building__name", "name")
    )


def pending_reports(*, actor) -> QuerySet[Case]:
    """The anonymous 楼道码 reports waiting for ``actor`` to confirm: open, unverified, and
    held by them (their own cell as a 三长; an official's region)."""
    return (
        Case.objects.restrict(actor, "act")
        .filter(unverified=True, status=Status.OPEN, channel=Channel.STAIRWELL)
        .select_related("category", "unit__building__compound", "grid", "community")
        .order_by("reported_at", "id")
    )
