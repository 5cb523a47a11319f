"""A place and a month, and the figures of each source app for them — read through that app's
own selectors, so every indicator means what the app's pages already show:

- cases: :func:`linli.cases.selectors.figures_of` (响应率, 解决率, 按期办结率, 满意率, median
  handling time) over the cases **registered in the month**, in their state now;
- fees: :func:`linli.finance.selectors.collection_rollup` over the bills whose period **begins
  in the month** (amount- and household-based, party members' households and the others);
- care: :func:`linli.care.selectors.status_rows` and ``summarise`` as of the month's last day
  (月探访率 = people visited at least once this month ÷ people in the registry at its end);
- volunteers: :func:`linli.volunteers.selectors.stats` (approved records, by the shift's day);
- commons: :func:`linli.commons.selectors.statement` per account, summed;
- civility: :func:`linli.civility.selectors.figures` per community, summed;
- infra: :func:`linli.infra.selectors.figures` (a compound's or a region's problems and money,
  all to date: the plans are lists, not monthly flows);
- services: :func:`linli.services.selectors.points_list` — the active points run by the
  place's region or a region below it, and the items they offer;
- jobs: :func:`linli.jobs.selectors.figures` (placements as they stand, 创客 sales of the month)
  and :func:`~linli.jobs.selectors.board` as of the month's last day, in the region's subtree;
- ledger and grid: the change history (django-simple-history, memberships and holdings with
  their start and end) as of the month's last moment.

A grid cell's households are those in one of its 邻 at the end of the month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from linli.care import selectors as care_selectors
from linli.care.models import Recipient
from linli.cases import selectors as case_selectors
from linli.cases.models import Case
from linli.civility import selectors as civility_selectors
from linli.commons import selectors as commons_selectors
from linli.commons.models import PublicAccount
from linli.finance import selectors as finance_selectors
from linli.finance.models import Bill
from linli.grid.models import Grid, GridLevel, Holding, Membership, Visit
from linli.infra import selectors as infra_selectors
from linli.jobs import selectors as job_selectors
from linli.ledger import selectors as ledger_selectors
from linli.ledger.models import SANWU_Q, Compound, Household, Region, RegionLevel, Resident
from linli.services import selectors as service_selectors
from linli.services.models import PointItem
from linli.volunteers import selectors as volunteer_selectors

from .registry import Level, Month

REGION_LEVELS = {RegionLevel.COMMUNITY: Level.COMMUNITY, RegionLevel.TOWN: Level.TOWN}
GRID_LEVELS = {GridLevel.AREA: Level.AREA, GridLevel.GROUP: Level.GROUP}


@dataclass(frozen=True)
class Place:
    """A region (county and above count as 县), a compound or a grid cell."""

    kind: str  # "region" | "compound" | "grid"
    id: int
    level: Level
    path: str  # the region's or the grid cell's path; a compound's community's path
    community_id: int | None
    name: str

    @classmethod
    def of_region(cls, region: Region) -> Place:
        level = REGION_LEVELS.get(RegionLevel(region.level), Level.COUNTY)
        community = region.pk if level == Level.COMMUNITY else None
        return cls("region", region.pk, level, region.path, community, region.name)

    @classmethod
    def of_compound(cls, compound: Compound) -> Place:
        return cls(
            "compound",
            compound.pk,
            Level.COMPOUND,
            compound.community.path,
            compound.community_id,
            compound.name,
        )

    @classmethod
    def of_grid(cls, grid: Grid) -> Place:
        level = GRID_LEVELS.get(GridLevel(grid.level), Level.NEIGHBOUR)
        return cls("grid", grid.pk, level, grid.path, grid.community_id, grid.name)

    @property
    def region(self) -> Region:
        return Region.objects.get(pk=self.id)


def open_at(when, prefix: str = "") -> Q:
    """Rows with ``start``/``end`` (memberships, holdings) open at ``when``."""
    p = f"{prefix}__" if prefix else ""
    return Q(**{f"{p}start__lte": when}) & (
        Q(**{f"{p}end__isnull": True}) | Q(**{f"{p}end__gt": when})
    )


def _ids(history) -> int:
    """Distinct rows of a history ``as_of`` (two records of one row at the same moment count
    once)."""
    return history.order_by().values("id").distinct().count()


@dataclass
class Context:
    """The figures of one place and month; each source is read once (cached)."""

    place: Place
    month: Month
    shared: dict[Any, Any] = field(default_factory=dict)

    # ---------------------------------------------------------------- places
    @property
    def is_region(self) -> bool:
        return self.place.kind == "region"

    def members(self) -> QuerySet[Membership]:
        """Memberships open at the month's end in this grid cell's 邻."""
        return Membership.objects.filter(
            open_at(self.month.until), neighbour__path__startswith=self.place.path
        )

    def household_q(self, prefix: str = "") -> Q:
        """Households of the place (``prefix`` leads to a household). ``id``, never ``pk``:
        on a history model ``pk`` is the history row's."""
        p = f"{prefix}__" if prefix else ""
        if self.place.kind == "region":
            return Q(
                **{f"{p}unit__building__compound__community__path__startswith": self.place.path}
            )
        if self.place.kind == "compound":
            return Q(**{f"{p}unit__building__compound_id": self.place.id})
        return Q(**{f"{p}id__in": self.members().values("household_id")})

    def compound_q(self, prefix: str = "") -> Q:
        p = f"{prefix}__" if prefix else ""
        if self.place.kind == "region":
            return Q(**{f"{p}community__path__startswith": self.place.path})
        return Q(**{f"{p}id": self.place.id})

    def community_q(self, prefix: str = "") -> Q:
        """Regions of the place's subtree (a compound's or grid cell's community)."""
        p = f"{prefix}__" if prefix else ""
        if self.place.kind == "region":
            return Q(**{f"{p}path__startswith": self.place.path})
        return Q(**{f"{p}pk": self.place.community_id})

    # ---------------------------------------------------------------- ledger
    @cached_property
    def households(self) -> int:
        return _ids(Household.history.as_of(self.month.until).filter(self.household_q()))

    @cached_property
    def residents(self) -> int:
        return _ids(Resident.history.as_of(self.month.until).filter(self.household_q("household")))

    @cached_property
    def compounds(self) -> int:
        return _ids(Compound.history.as_of(self.month.until).filter(self.compound_q()))

    @cached_property
    def sanwu_now(self) -> int:
        if self.place.kind == "region":
            return ledger_selectors.sanwu_count_in(path=self.place.path, when=self.month.until)
        return _ids(Compound.history.as_of(self.month.until).filter(self.compound_q(), SANWU_Q))

    @cached_property
    def sanwu_at_survey(self) -> int:
        """Compounds whose first record (the survey, 摸底) was 三无, of those recorded by the
        month's end."""
        first = (
            Compound.history.filter(id=OuterRef("id"))
            .order_by("history_date", "history_id")
            .values("history_id")[:1]
        )
        firsts = Compound.history.filter(
            self.compound_q(), history_date__lte=self.month.until
        ).filter(history_id=first)
        return firsts.filter(SANWU_Q).count()

    # ---------------------------------------------------------------- grid
    def holdings(self) -> QuerySet[Holding]:
        qs = Holding.objects.filter(open_at(self.month.until))
        if self.place.kind == "region":
            return qs.filter(post__grid__community__path__startswith=self.place.path)
        return qs.filter(post__grid__path__startswith=self.place.path)

    def leaders(self, level: GridLevel) -> int:
        return self.holdings().filter(post__grid__level=level).count()

    @cached_property
    def covered_households(self) -> int:
        """Households in a 邻 whose 邻长 post is held, at the month's end."""
        until = self.month.until
        held = Holding.objects.filter(open_at(until), post__grid_id=OuterRef("neighbour_id"))
        memberships = Membership.objects.filter(open_at(until)).filter(Exists(held))
        if self.place.kind == "region":
            memberships = memberships.filter(neighbour__community__path__startswith=self.place.path)
        elif self.place.kind == "compound":
            memberships = memberships.filter(household__unit__building__compound_id=self.place.id)
        else:
            memberships = memberships.filter(neighbour__path__startswith=self.place.path)
        live = Household.history.as_of(until).values("id")
        return memberships.filter(household_id__in=live).values("household_id").distinct().count()

    # ---------------------------------------------------------------- cases
    @cached_property
    def cases(self) -> dict:
        qs = Case.objects.filter(  # an anonymous 楼道码 report counts once its 邻长 confirmed it
            reported_at__gte=self.month.since, reported_at__lte=self.month.until, unverified=False
        )
        if self.place.kind == "region":
            qs = qs.filter(community__path__startswith=self.place.path)
        elif self.place.kind == "compound":
            qs = qs.filter(compound_id=self.place.id)
        else:
            qs = qs.filter(origin_grid__path__startswith=self.place.path)
        rows = list(qs.values(*case_selectors.FIGURE_FIELDS))
        return case_selectors.figures_of(rows, self.month.end)

    # ---------------------------------------------------------------- fees
    @cached_property
    def fees(self) -> dict[str, list[finance_selectors.Rate]]:
        bills = Bill.objects.all()
        if self.place.kind == "region":
            bills = bills.filter(compound__community__path__startswith=self.place.path)
        elif self.place.kind == "compound":
            bills = bills.filter(compound_id=self.place.id)
        else:
            bills = bills.filter(household_id__in=self.members().values("household_id"))
        month = str(self.month)
        return finance_selectors.collection_rollup(
            actor=None, start=month, end=month, dims=("party",), bills=bills
        )

    def fee_rate(self, party: bool | None = None) -> finance_selectors.Rate | None:
        rates = self.fees["total"] if party is None else self.fees["party"]
        for r in rates:
            if party is None or r.key is party:
                return r
        return None

    # ---------------------------------------------------------------- commons
    @cached_property
    def commons(self) -> dict[str, Decimal]:
        income = spending = Decimal("0.00")
        accounts = PublicAccount.objects.filter(self.compound_q("compound")).order_by("pk")
        for account in accounts:
            s = commons_selectors.statement(
                account=account, start=self.month.start, end=self.month.end
            )
            income += s["income_total"]
            spending += s["spending_total"]
        return {"income": income, "spending": spending}

    # ---------------------------------------------------------------- volunteers
    @cached_property
    def volunteers(self) -> dict:
        return volunteer_selectors.stats(
            community=self.place.region, start=self.month.start, end=self.month.end
        )

    # ---------------------------------------------------------------- care
    def _care_rows(self) -> list[care_selectors.Row]:
        base = Recipient.objects.all()
        if self.place.kind == "compound":
            return care_selectors.status_rows(
                base.filter(resident__household__unit__building__compound_id=self.place.id),
                as_of=self.month.end,
            )
        if self.place.kind == "region":
            return care_selectors.status_rows(
                base.filter(
                    resident__household__unit__building__compound__community__path__startswith=(
                        self.place.path
                    )
                ),
                as_of=self.month.end,
            )
        # a grid cell: its community's rows (read once for all its cells), by the 邻 then
        key = ("care", self.place.community_id, str(self.month))
        if key not in self.shared:
            self.shared[key] = care_selectors.status_rows(
                base.filter(
                    resident__household__unit__building__compound__community_id=(
                        self.place.community_id
                    )
                ),
                as_of=self.month.end,
            )
        return [r for r in self.shared[key] if r.neighbour_path.startswith(self.place.path)]

    @cached_property
    def care(self) -> dict:
        return care_selectors.summarise(self._care_rows())

    @cached_property
    def care_visits(self) -> int:
        visits = Visit.objects.filter(
            visited_on__gte=self.month.start,
            visited_on__lte=self.month.end,
            care_recipients__isnull=False,
        )
        if self.place.kind == "grid":
            visits = visits.filter(household_id__in=self.members().values("household_id"))
        else:
            visits = visits.filter(self.household_q("household"))
        return visits.values("pk").distinct().count()

    # ---------------------------------------------------------------- civility
    @cached_property
    def civility(self) -> dict:
        awards = 0
        for community in Region.objects.filter(
            self.community_q(), level=RegionLevel.COMMUNITY
        ).order_by("pk"):
            awards += civility_selectors.figures(
                community=community, start=self.month.start, end=self.month.end
            )["awards"]
        return {"awards": awards}

    # ---------------------------------------------------------------- infra
    @cached_property
    def infra(self) -> infra_selectors.Figures:
        if self.place.kind == "compound":
            return infra_selectors.figures(
                actor=None, compound=Compound.objects.get(pk=self.place.id)
            )
        return infra_selectors.figures(actor=None, region=self.place.region)

    # ---------------------------------------------------------------- services
    @cached_property
    def service_points(self) -> dict[str, int]:
        points = service_selectors.points_list().filter(region__path__startswith=self.place.path)
        items = (
            PointItem.objects.filter(point__in=points.values("pk"), item__active=True)
            .values("item_id")
            .distinct()
            .count()
        )
        return {"points": points.count(), "items": items}

    # ---------------------------------------------------------------- jobs
    @cached_property
    def jobs(self) -> job_selectors.Figures:
        return job_selectors.figures(region=self.place.region, month=self.month.start)

    @cached_property
    def open_postings(self) -> int:
        board = job_selectors.board(actor=None, today=self.month.end)
        return board.filter(community__path__startswith=self.place.path).count()
