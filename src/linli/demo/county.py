"""The demo county: 衡东县洣水镇 as the article describes it, reproducible from a seed.

``build_county(seed=2026)`` (re)builds the ledger layer of the demo (``linli.demo`` builds the
layers above it):

* the region tree 湖南省 → 衡阳市 → 衡东县 → 洣水镇 → 9 communities (兴东社区 first);
* 107 compounds, created as of the survey (2023-06-30, Asia/Shanghai) with facts that make
  exactly 43 of them 三无, then changed 2024–2026 (社区托管, 社会化物业, 一小区一对策 …) through
  ``compound_update(when=..., reason=...)`` so the history answers "43 then, fewer now";
  兴东社区's 11 compounds all end with property or social property service, as the article says;
* households and residents — 兴东社区 complete (1,786 households), the other communities
  populated to ``scale`` of their surveyed households — written as a ledger workbook and loaded
  with the Excel importer, the same path officials use;
* the county's logins (``logins.DEMO_USERS``).

The plan comes first, in memory (:func:`plan_demo`: ``compounds.py`` and ``people.py``, from the
facts in ``names.py``). Everything random comes from ``random.Random`` and Faker zh_CN seeded from
``seed``; each compound has its own streams, so 兴东社区's residents do not depend on ``scale``.
Ages are reckoned at ``REFERENCE_DATE`` (not today) so the same seed gives the same ID numbers on
any day.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from faker import Faker
from openpyxl import Workbook

from linli.core.exports import xlsx_row
from linli.ledger import services
from linli.ledger.columns import RESIDENT_ALL_COLUMNS, RESIDENT_EXPORT, RESIDENT_SHEET
from linli.ledger.io import ledger_import
from linli.ledger.models import (
    TAG_FIELDS,
    AreaSource,
    Compound,
    Household,
    HouseholdUse,
    Region,
    RegionLevel,
    Relation,
    ResidenceStatus,
    Resident,
)
from linli.ledger.selectors import sanwu_count_as_of

from .compounds import CompoundPlan, plan_compounds
from .logins import DEMO_USERS, county_logins, link_resident_login
from .names import (
    CITY,
    COMMUNITIES,
    COUNTY,
    DEFAULT_SCALE,
    DEFAULT_SEED,
    PROVINCE,
    SURVEY_AT,
    TOWN,
    XINGDONG,
)
from .people import People, plan_households

USE_LABELS = dict(HouseholdUse.choices)
RELATION_LABELS = dict(Relation.choices)
RESIDENCE_LABELS = dict(ResidenceStatus.choices)
AREA_SOURCE_LABELS = dict(AreaSource.choices)
TAG_LABELS = dict(TAG_FIELDS)


@dataclass
class CountySummary:
    """What the county layer built, as ``linli demo`` prints it."""

    seed: int
    scale: float
    communities: int = 0
    compounds: int = 0
    sanwu_at_survey: int = 0
    sanwu_today: int = 0
    households: int = 0
    residents: int = 0
    xingdong_compounds: int = 0
    xingdong_households: int = 0
    xingdong_residents: int = 0
    xingdong_sanwu_at_survey: int = 0
    xingdong_sanwu_today: int = 0
    seconds: float = 0.0
    import_warnings: int = 0
    users: list[tuple[str, str, str, str]] = field(default_factory=list)


def plan_demo(*, seed: int = DEFAULT_SEED, scale: float = DEFAULT_SCALE) -> list[CompoundPlan]:
    """Everything the demo writes, in memory. Pure: the same arguments give the same plan."""
    plans = plan_compounds(seed)
    people = People(set(), set())
    # 兴东 first, so its people never depend on how much of the rest is populated.
    for plan in sorted(plans, key=lambda p: p.community != XINGDONG):
        surveyed = plan.facts["surveyed_households"]
        count = (
            surveyed if plan.community == XINGDONG else min(surveyed, math.ceil(surveyed * scale))
        )
        plan.households = plan_households(seed, plan, count, people)
        if plan.community == XINGDONG:
            plan.facts["surveyed_party_members"] = sum(
                "is_party_member" in p.tags for h in plan.households for p in h.people
            )
    return plans


# ---------------------------------------------------------------------------------------------
# Writing


def _regions() -> dict[str, Region]:
    province = services.region_ensure(
        name=PROVINCE[0], level=RegionLevel.PROVINCE, code=PROVINCE[1]
    )
    city = services.region_ensure(
        name=CITY[0], level=RegionLevel.CITY, parent=province, code=CITY[1]
    )
    county = services.region_ensure(
        name=COUNTY[0], level=RegionLevel.COUNTY, parent=city, code=COUNTY[1]
    )
    town = services.region_ensure(name=TOWN[0], level=RegionLevel.TOWN, parent=county, code=TOWN[1])
    regions = {"province": province, "city": city, "county": county, "town": town}
    for name, code, *_ in COMMUNITIES:
        regions[name] = services.region_ensure(
            name=name, level=RegionLevel.COMMUNITY, parent=town, code=code
        )
    regions["xingdong"] = regions[XINGDONG]
    return regions


@contextmanager
def _history_paused():
    """No "deleted" history row per object while the old demo goes; its history goes too."""
    missing = object()
    previous = getattr(settings, "SIMPLE_HISTORY_ENABLED", missing)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        if previous is missing:
            del settings.SIMPLE_HISTORY_ENABLED
        else:
            settings.SIMPLE_HISTORY_ENABLED = previous


def clear_county(town: Region | None) -> None:
    """Delete the ledger below ``town`` — compounds, households, residents and their history.

    Regions and users stay (they are ensured, not duplicated). The change history of the
    deleted rows goes too: otherwise "三无 as of the survey" would count the previous demo.
    Rows that hang off households (grid memberships, visits …) go by their own CASCADE /
    SET_NULL; the rows of the layers above that protect the ledger (a case, a 三长 post, a
    party member …) must be gone first: :func:`linli.demo.clear_demo` clears them top down.
    """
    if town is None:
        return
    compounds = Compound.objects.filter(community__path__startswith=town.path)
    compound_ids = list(compounds.values_list("id", flat=True))
    if not compound_ids:
        return
    households = Household.objects.filter(unit__building__compound_id__in=compound_ids)
    household_ids = list(households.values_list("id", flat=True))
    residents = Resident.objects.filter(household_id__in=household_ids)
    resident_ids = list(residents.values_list("id", flat=True))
    with _history_paused():
        residents.delete()
        compounds.delete()  # buildings, units and households cascade
    for model, ids in (
        (Resident, resident_ids),
        (Household, household_ids),
        (Compound, compound_ids),
    ):
        history = model.history.model.objects
        for start in range(0, len(ids), 5000):
            history.filter(id__in=ids[start : start + 5000]).delete()


def _write_compounds(plans, regions, users) -> None:
    for plan in plans:
        actor = users["xingdong"] if plan.community == XINGDONG else users["town"]
        compound = services.compound_create(
            actor=users["town"],
            community=regions[plan.community],
            name=plan.name,
            when=SURVEY_AT,
            **plan.facts,
        )
        assert compound.is_sanwu == plan.sanwu, plan.name
        for change in sorted(plan.changes, key=lambda c: c.when):
            services.compound_update(
                actor=actor,
                compound=compound,
                reason=change.reason,
                when=change.when,
                **change.facts,
            )


# The columns the export writes (so the demo file looks like one), less the derived 出生日期.
RESIDENT_KEYS = [key for key in RESIDENT_EXPORT if key != "birth_date"]
RESIDENT_HEADERS = [RESIDENT_ALL_COLUMNS[key][0] for key in RESIDENT_KEYS]


def _resident_rows(plans):
    seq = 0
    for plan in plans:
        for h in plan.households:
            for person in h.people:
                seq += 1
                values = {
                    "seq": seq,
                    "community": plan.community,
                    "compound": plan.name,
                    "building": h.building,
                    "unit": h.unit,
                    "room": h.room,
                    "floor": h.floor,
                    "area": h.area,
                    "area_source": AREA_SOURCE_LABELS[h.area_source],
                    "use": USE_LABELS[h.use],
                    "house_note": h.note,
                    "name": person.name,
                    "sex": "男" if person.sex == "M" else "女",
                    "id_number": person.id_number,
                    "phone": person.phone,
                    "relation": RELATION_LABELS[person.relation],
                    "is_owner": "是" if person.is_owner else "否",
                    "residence": RESIDENCE_LABELS[person.residence],
                    "tags": "、".join(TAG_LABELS[f] for f, _ in TAG_FIELDS if f in person.tags),
                    "note": person.note,
                }
                yield [values[key] for key in RESIDENT_KEYS]


def write_workbook(plans: list[CompoundPlan], path: Path) -> int:
    """The households and residents as the flat 居民台账 sheet; returns the number of rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(RESIDENT_SHEET)
    ws.append(RESIDENT_HEADERS)
    rows = 0
    for row in _resident_rows(plans):
        ws.append(xlsx_row(row, ws))
        rows += 1
    wb.save(path)
    return rows


def _import_households(plans: list[CompoundPlan]) -> int:
    started = timezone.now()
    with tempfile.TemporaryDirectory(prefix="linli-demo-") as folder:
        path = Path(folder) / "衡东县洣水镇居民台账（演示）.xlsx"
        write_workbook(plans, path)
        with path.open("rb") as source:
            result = ledger_import(source=source, file_name=path.name, actor=None)
    if not result.ok:
        first = "\n".join(str(e) for e in list(result.errors)[:10])
        raise RuntimeError(f"演示数据导入失败（共{len(result.errors)}处错误）：\n{first}")
    # The households and residents stand from the survey, like the compounds (the import runs
    # today): the monthly indicators count them as of each month's end from the history.
    for model in (Household, Resident):
        model.history.filter(history_type="+", history_date__gte=started).update(
            history_date=SURVEY_AT
        )
    return len(result.warnings)


def build_county(
    *,
    seed: int = DEFAULT_SEED,
    scale: float = DEFAULT_SCALE,
    log: Callable[[str], None] | None = None,
    clear: Callable[[Region], None] = clear_county,
) -> CountySummary:
    """(Re)build the county's ledger and logins. The same seed gives the same data; nothing is
    duplicated. ``clear(town)`` runs first, in the same transaction: :func:`linli.demo.clear_demo`
    to clear the layers above as well."""
    started = time.monotonic()
    say = log or (lambda _msg: None)
    plans = plan_demo(seed=seed, scale=scale)
    say(f"已生成计划：{len(plans)}个小区，用时{time.monotonic() - started:.1f}秒")
    fake = Faker("zh_CN")
    fake.seed_instance(f"{seed}:users")
    with transaction.atomic():
        regions = _regions()
        clear(regions["town"])
        users = county_logins(regions, fake)
        _write_compounds(plans, regions, users)
        say(f"已写入小区及变更记录，用时{time.monotonic() - started:.1f}秒")
        warnings = _import_households(plans)
        say(f"已导入户和居民，用时{time.monotonic() - started:.1f}秒")
        link_resident_login(plans, users["resident"], regions)
    summary = summarise(seed=seed, scale=scale, superuser=users["admin"], regions=regions)
    summary.import_warnings = warnings
    summary.seconds = time.monotonic() - started
    return summary


def summarise(*, seed: int, scale: float, superuser, regions: dict[str, Region]) -> CountySummary:
    town, xingdong = regions["town"], regions["xingdong"]
    now = timezone.now()

    def counts(region: Region) -> tuple[int, int, int]:
        compounds = Compound.objects.filter(community__path__startswith=region.path)
        households = Household.objects.filter(unit__building__compound__in=compounds)
        residents = Resident.objects.filter(household__in=households)
        return compounds.count(), households.count(), residents.count()

    s = CountySummary(seed=seed, scale=scale)
    s.communities = Region.objects.filter(
        level=RegionLevel.COMMUNITY, path__startswith=town.path
    ).count()
    s.compounds, s.households, s.residents = counts(town)
    s.xingdong_compounds, s.xingdong_households, s.xingdong_residents = counts(xingdong)
    s.sanwu_at_survey = sanwu_count_as_of(actor=superuser, when=SURVEY_AT, region=town)
    s.sanwu_today = sanwu_count_as_of(actor=superuser, when=now, region=town)
    s.xingdong_sanwu_at_survey = sanwu_count_as_of(actor=superuser, when=SURVEY_AT, region=xingdong)
    s.xingdong_sanwu_today = sanwu_count_as_of(actor=superuser, when=now, region=xingdong)
    s.users = [(u, p, r, note) for u, p, r, _, note in DEMO_USERS]
    return s
