"""采集: a case is reported — checked, landed with the right holder, stored with its first
event and photos; a resubmission with the same client key answers with the first case."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.core import calendar
from linli.core.errors import Conflict, Forbidden, Invalid
from linli.core.policy import actor_of
from linli.core.roles import GRID_ROLES, Role
from linli.core.uploads import AcceptedFile, accept_uploads
from linli.ledger.models import Compound, Household, Resident, Unit

from .. import categories
from ..models import (
    Case,
    CaseEvent,
    CasePhoto,
    Category,
    Channel,
    HandlerLevel,
    Urgency,
)
from .deadlines import _time_limit
from .permissions import report_place_check
from .routing import Landing, _landing, _level_of
from .steps import Action, _event, _when

MAX_DESCRIPTION = 2000


# ---------------------------------------------------------------- the place


def _cached(instance, *path: str):
    """``instance.a.b…`` when every step is already loaded (select_related), else None."""
    for name in path:
        if not type(instance).__dict__[name].is_cached(instance):
            return None
        instance = getattr(instance, name)
    return instance


def _compound_of(household: Household) -> Compound:
    """The household's compound; no query when the caller loaded it (select_related, or
    :func:`household_for_report`)."""
    compound = getattr(household, "report_compound", None) or _cached(
        household, "unit", "building", "compound"
    )
    if compound is not None:
        return compound
    return Compound.objects.get(buildings__units__households=household)


# A household with its compound's id and community, in one statement (the report hot path;
# the ORM's four-table select_related costs more to build than to run).
_HOUSEHOLD_FOR_REPORT_SQL = (
    "SELECT h.*, b.compound_id AS report_compound_id, c.community_id AS report_community_id"
    " FROM ledger_household h"
    " INNER JOIN ledger_unit u ON h.unit_id = u.id"
    " INNER JOIN ledger_building b ON u.building_id = b.id"
    " INNER JOIN ledger_compound c ON b.compound_id = c.id"
    " WHERE h.id = %s"
)


def household_for_report(household_id: int) -> Household | None:
    """The household to report a case for, with ``report_compound`` (a Compound holding only
    its id and community id; other fields load on access) — or None."""
    household = next(iter(Household.objects.raw(_HOUSEHOLD_FOR_REPORT_SQL, [household_id])), None)
    if household is not None:
        row = cast(Any, household)  # the raw SQL's extra columns, and report_compound
        row.report_compound = Compound.from_db(
            "default",
            ["id", "community_id"],
            [row.report_compound_id, row.report_community_id],
        )
    return household


def _report_compound(actor, *, household: Household | None, compound: Compound | None) -> Compound:
    """The compound the report is about: the household's (a different one named alongside is
    an error), else the one named — which a department may not report for."""
    if household is None and compound is None:
        raise Invalid(
            "请选择住户或小区", code="cases.place_required", details=[{"field": "household"}]
        )
    if household is not None:
        household_compound = _compound_of(household)
        if compound is not None and compound.pk != household_compound.pk:
            raise Invalid(
                "住户不在所选小区", code="cases.place_mismatch", details=[{"field": "compound"}]
            )
        return household_compound
    if actor_of(actor).role == Role.DEPARTMENT_STAFF:
        # a compound the department sees (its region), but reports come from residents and
        # the grid, not from departments
        raise Forbidden(
            "您不能为该小区登记诉求",
            code="cases.compound_not_allowed",
            details=[{"field": "compound"}],
        )
    if compound is None:  # ruled out above: with no household, a compound is named
        raise AssertionError("no compound to report about")
    return compound


def _stairwell_place(
    unit: Unit | None, household: Household | None, compound: Compound | None
) -> Compound | None:
    """The compound of a report about a stairwell (``unit``); the household, if named, must
    live there."""
    if unit is None:
        return compound
    if household is not None and household.unit_id != unit.pk:
        raise Invalid("住户不在所选单元", code="cases.place_mismatch", details=[{"field": "unit"}])
    unit_compound = unit.building.compound
    if compound is not None and compound.pk != unit_compound.pk:
        raise Invalid("单元不在所选小区", code="cases.place_mismatch", details=[{"field": "unit"}])
    return unit_compound


def _check_on_behalf(on_behalf_of: Resident | None, household: Household | None) -> None:
    if on_behalf_of is not None and (
        household is None or on_behalf_of.household_id != household.pk
    ):
        raise Invalid(
            "诉求人不是该户居民",
            code="cases.resident_not_in_household",
            details=[{"field": "on_behalf_of"}],
        )


# ---------------------------------------------------------------- what was reported


def category_get(*, key) -> Category:
    """A category by id or code; ``cases.unknown_category`` when there is none (or inactive)."""
    found = None
    if isinstance(key, Category):
        found = key if key.active else None
    elif isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        found = categories.active(pk=int(key))  # from memory (cases.categories)
    elif isinstance(key, str):
        found = categories.active(code=key)
    if found is None:
        raise Invalid(
            f"没有“{key}”这个诉求类别",
            code="cases.unknown_category",
            details=[{"field": "category", "value": str(key)}],
        )
    return found


def _clean_description(description: str) -> str:
    description = (description or "").strip()
    if not description:
        raise Invalid(
            "请描述遇到的问题",
            code="cases.description_required",
            details=[{"field": "description"}],
        )
    if len(description) > MAX_DESCRIPTION:
        raise Invalid(
            f"问题描述不能超过 {MAX_DESCRIPTION} 字",
            code="cases.description_too_long",
            details=[{"field": "description"}],
        )
    return description


def _check_urgency(urgency: str) -> None:
    if urgency not in Urgency.values:
        raise Invalid(
            "紧急程度须为“一般”或“紧急”",
            code="cases.bad_urgency",
            details=[{"field": "urgency", "value": str(urgency)}],
        )


def _default_channel(actor) -> str:
    role = actor_of(actor).role
    if role == Role.RESIDENT:
        return Channel.RESIDENT
    if role in GRID_ROLES:
        return Channel.LEADER
    return Channel.DESK


def _report_channel(actor, channel: str | None) -> str:
    channel = channel or _default_channel(actor)
    if channel not in Channel.values:
        raise Invalid(
            "未知的来源渠道",
            code="cases.bad_channel",
            details=[{"field": "channel", "value": str(channel)}],
        )
    return channel


def _validate_photos(photos: Iterable) -> list[AcceptedFile]:
    """JPEG/PNG/WebP only, sniffed and re-encoded (``linli.core.uploads``)."""
    return accept_uploads(photos, app="cases", field_name="photos", what="照片")


def _save_photos(case: Case, event: CaseEvent, photos: list[AcceptedFile]) -> list[CasePhoto]:
    saved = []
    for accepted in photos:
        saved.append(CasePhoto.objects.create(case=case, event=event, image=accepted.as_file()))
    return saved


# ---------------------------------------------------------------- resubmissions


def _clean_client_key(client_key) -> str | None:
    if client_key is None:
        return None
    return str(client_key).strip()[:64] or None


def _fingerprint(household, compound, category, description) -> str:
    raw = f"{household.pk if household else ''}|{compound.pk}|{category.pk}|{description}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _replay(actor, client_key: str, fingerprint: str) -> Case | None:
    existing = Case.objects.filter(
        reporter=actor if actor is not None else None, client_key=client_key
    ).first()
    if existing is None:
        return None
    if existing.fingerprint != fingerprint:
        raise Conflict(
            "该提交标识已用于另一条诉求，请勿重复使用",
            code="cases.client_key_reused",
            details=[{"field": "client_key", "value": client_key}],
        )
    existing.replayed = True
    return existing


# ---------------------------------------------------------------- report


def _landing_note(landing: Landing, case: Case) -> str:
    """Why the case is not with the leader of the cell it arose in, if it is not."""
    origin = landing.origin
    if origin is None:
        return "未划入网格，由社区受理"
    if landing.held != origin:
        return f"{origin.name}{origin.leader_title}空缺，转{case.holder}"
    return ""


def _store(case: Case, *, actor, at: dt.datetime, note: str, photos: list[AcceptedFile]) -> Case:
    """Write the case, its first event and photos together; everything before only read. A
    second request with the same client key meets the (reporter, client_key) constraint,
    which rolls this block back whole (no savepoint needed) and answers with the first case."""
    try:
        with transaction.atomic():
            case.save()
            event = _event(case, actor=actor, action=Action.REPORT, at=at, note=note)
            event.photo_urls = [p.get_absolute_url() for p in _save_photos(case, event, photos)]
    except IntegrityError:
        if case.client_key:  # the same key raced in from a second request
            replayed = _replay(actor, case.client_key, case.fingerprint)
            if replayed is not None:
                return replayed
        raise
    case.replayed = False
    # What the API answers with, without reading the case back: the new case's whole timeline
    # is this one event, its photos are the report's.
    case.report_event = event
    return case


def case_report(
    *,
    actor,
    category: Category | str | int,
    description: str,
    household: Household | None = None,
    compound: Compound | None = None,
    urgency: str = Urgency.NORMAL,
    photos: Iterable = (),
    client_key: str | None = None,
    channel: str | None = None,
    on_behalf_of: Resident | None = None,
    when: dt.datetime | None = None,
    unit: Unit | None = None,
    unverified: bool = False,
) -> Case:
    """采集: register a case for a household (or a compound's common parts).

    It lands with the household's 邻长 (or, for a compound, the leader of the smallest cell
    holding it); a vacant post passes it up to the nearest held one, else to the community.
    With ``client_key`` a resubmission of the same report returns the first case
    (``case.replayed`` is True); the same key with a different report is an error.

    The place is checked against the actor's scope before anything else: a household or
    compound the actor cannot see is a 404 ``not_found`` exactly like a missing one, whatever
    else is wrong with the report (docs/roles-and-scoping.md, "One answer for not yours").

    ``unit`` names the stairwell (单元) of a report made from its QR code (the 楼道码) and
    lands the case with that unit's 邻; ``unverified`` marks a report nobody signed in for
    (``actor=None``): it waits for its holder to confirm it (:func:`..verification.case_verify`)
    and stays out of the loop until then — no deadline runs, no list but the holder's.
    """
    compound = _stairwell_place(unit, household, compound)
    if unverified and actor is not None:
        raise Invalid("只有匿名反映需要核实", code="cases.bad_unverified")
    if actor is not None:
        report_place_check(actor, household=household, compound=compound)
    category = category_get(key=category)
    description = _clean_description(description)
    _check_urgency(urgency)
    channel = _report_channel(actor, channel)
    compound = _report_compound(actor, household=household, compound=compound)
    _check_on_behalf(on_behalf_of, household)
    client_key = _clean_client_key(client_key)
    fingerprint = _fingerprint(household, compound, category, description)
    photos = [p for p in photos if p]
    if client_key and (photos or actor is None):
        # Look for a replay first when photos are to be checked (a replay answers before
        # that) or there is no reporter (NULL reporters are distinct to the unique
        # constraint). Otherwise the insert below meets the (reporter, client_key) constraint
        # on a replay and answers the same, one query fewer for every new case.
        replayed = _replay(actor, client_key, fingerprint)
        if replayed is not None:
            return replayed
    photos = _validate_photos(photos)

    at = _when(when)
    landing = _landing(household, compound, unit)
    deadline = calendar.add_working_days(timezone.localdate(at), _time_limit(category, urgency))
    case = Case(
        community_id=compound.community_id,
        household=household,
        compound=compound,
        unit=unit,
        unverified=unverified,
        category=category,
        description=description,
        urgency=urgency,
        channel=channel,
        reporter=actor,
        on_behalf_of=on_behalf_of,
        client_key=client_key,
        fingerprint=fingerprint,
        level=_level_of(landing.held) if landing.held else HandlerLevel.COMMUNITY,
        grid=landing.held,
        origin_grid=landing.origin,
        reported_at=at,
        deadline=deadline,
        original_deadline=deadline,
    )
    return _store(case, actor=actor, at=at, note=_landing_note(landing, case), photos=photos)
