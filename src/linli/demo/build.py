"""The whole demo county, layer by layer, and its teardown, top layer first.

``build_demo`` builds, in order: the ledger (``county``: regions, 107 compounds, households,
residents, the county's logins); 兴东社区's grid and party tree (``grid``, ``party``); a year of
its residents' cases (``cases``); then the layers on those — owners' self-governance, the joint
meetings, fees and public accounts — each through its own services and returning the lines
``linli demo`` prints. ``clear_demo`` removes the demo in the opposite order, since each layer's
rows protect the rows of the layers below.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from linli.grid.models import GridLevel
from linli.ledger.models import Region

from . import (
    care,
    cases,
    civility,
    commons,
    county,
    finance,
    grid,
    infra,
    jobs,
    meetings,
    party,
    selfgov,
    services,
    stairwell,
    volunteers,
)
from .names import DEFAULT_SCALE, DEFAULT_SEED, TOWN, XINGDONG

# The layers built on the ledger, grid and cases, in order; each returns the lines it prints.
LATER_LAYERS = (selfgov, meetings, finance, commons, infra)


@dataclass
class DemoResult:
    """What ``build_demo`` built, as ``linli demo`` prints it."""

    county: county.CountySummary
    grid: dict  # counts of cells, leaders, party organisations and visits; the leader logins
    cases: cases.YearSummary
    lines: list[str]  # the later layers' summary lines
    now: dt.datetime  # the demo's "now": the year of cases, meetings, fees and accounts ends here


def clear_demo(town: Region | None = None) -> None:
    """Delete the demo below 洣水镇 (``town``), the top layer first."""
    town = town or Region.objects.filter(code=TOWN[1]).first()
    if town is None:
        return
    jobs.clear(town=town)  # seekers protect residents, employers compounds
    services.clear(town=town)  # points and organisations protect their regions
    civility.clear(town=town)  # honours and nominations protect households and buildings
    stairwell.clear(town=town)
    care.clear(town=town)  # the registry protects its residents
    volunteers.clear(town=town)  # so do volunteers
    for layer in (infra, commons, finance, meetings, selfgov):  # rows protect the rows below
        layer.clear_demo(town)
    cases.clear_cases(town)  # cases protect households and grid cells
    party.clear_party(town)  # party members protect residents
    grid.clear_grid(town)  # so do the 三长's posts
    county.clear_county(town)


def build_county(
    *,
    seed: int = DEFAULT_SEED,
    scale: float = DEFAULT_SCALE,
    log: Callable[[str], None] | None = None,
) -> county.CountySummary:
    """(Re)build the ledger layer; the whole previous demo goes first, in the same transaction."""
    return county.build_county(seed=seed, scale=scale, log=log, clear=clear_demo)


@transaction.atomic
def build_grid_and_party(*, community: Region, seed: int) -> dict:
    """The grid of ``community`` with its leaders, the party tree on it, the 邻长's visits."""
    layer = grid.build_grid(community=community, seed=seed)
    tree = party.build_party(
        rng=layer.rng,
        community=community,
        areas=layer.by_level[GridLevel.AREA],
        households_by_cell=layer.households_by_cell,
        today=layer.today,
    )
    visits = grid.build_visits(layer)
    return {**layer.counts(), **tree, "visits": visits, "logins": layer.logins}


def build_demo(
    *,
    seed: int = DEFAULT_SEED,
    scale: float = DEFAULT_SCALE,
    log: Callable[[str], None] | None = None,
    now: dt.datetime | None = None,
) -> DemoResult:
    """(Re)build the whole demo county. The same seed on the same day gives the same data.

    ``now`` defaults to today's midnight, so a rebuild on the same day is identical.
    """
    summary = build_county(seed=seed, scale=scale, log=log)
    xingdong = Region.objects.get(name=XINGDONG, parent__code=TOWN[1])
    built_grid = build_grid_and_party(community=xingdong, seed=seed)
    now = now or timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    year = cases.simulate_year(community=xingdong, seed=seed, now=now)
    lines = [
        line
        for layer in LATER_LAYERS
        for line in layer.build_demo(community=xingdong, seed=seed, now=now)
    ]
    lines += build_community_life(community=xingdong, seed=seed, today=now.date())
    return DemoResult(county=summary, grid=built_grid, cases=year, lines=lines, now=now)


def build_community_life(*, community: Region, seed: int, today: dt.date) -> list[str]:
    """Volunteers (two years of activities), care (the registry and its visits), a year of
    civility awards and the service points (就近办), through their services; returns the lines
    they say, which ``linli demo`` prints."""
    said: list[str] = []
    volunteers.build(
        community=community, today=today, rng=random.Random(seed + 12), say=said.append
    )
    care.build(community=community, today=today, rng=random.Random(seed + 13), say=said.append)
    civility.build(community=community, today=today, rng=random.Random(seed + 14), say=said.append)
    jobs.build(community=community, today=today, rng=random.Random(seed + 15), say=said.append)
    stairwell.build(community=community, today=today, rng=random.Random(seed + 15), say=said.append)
    services.build(community=community, today=today, rng=random.Random(seed + 15), say=said.append)
    return said
