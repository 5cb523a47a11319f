"""待办: one to-do list per person, gathered from every app without core knowing any of them.

Each app registers, in its ``AppConfig.ready()`` (its ``todos.py``), one or more providers::

    todos.register("finance.waiver", waivers, count=waiver_count, group="审批")

A provider is ``fn(user) -> list[Todo]`` built on the app's own scoped selectors, so a to-do
never shows what the user's pages would hide; ``count(user)`` is the cheap figure for the top
bar: an ``int``, or the ``QuerySet`` to count — every provider's queryset is counted in one
statement (:func:`count_for`). Without a ``count`` the items' counts are summed. The top bar
asks once per request (:func:`for_request`), and only when it is drawn.

Approvals have no deadline: an item carries ``since`` (when it was asked) and reads "已等 3 天";
cases, visits and actions carry ``due`` and read "已超期 2 天" / "今天到期" / "还剩 4 天".
A provider that fails is logged and skipped: one broken app never takes the list down.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

logger = logging.getLogger("linli.todos")

# Groups in the order a person should look at them (urgency); unknown groups go last.
GROUPS = ("诉求", "关爱走访", "审批", "联席会事项", "业主表决", "基础设施")


@dataclass(frozen=True)
class Todo:
    """One thing waiting for a person (or ``count`` things of one kind behind one link)."""

    kind: str  # machine code, e.g. "finance.waiver"
    title: str  # plain Chinese: "3 项费用减免待您审批"
    url: str  # where it is done
    due: dt.datetime | None = None  # the deadline (end of the deadline day for date deadlines)
    overdue: bool = False
    count: int = 1
    since: dt.datetime | None = None  # when it began waiting (approvals: no deadline)
    group: str = ""  # filled from the provider's group

    @property
    def when(self) -> str:
        """The deadline, or how long it has waited, in plain Chinese."""
        today = timezone.localdate()
        if self.due is not None:
            day = timezone.localtime(self.due).date() if timezone.is_aware(self.due) else self.due
            day = day.date() if isinstance(day, dt.datetime) else day
            days = (day - today).days
            if self.overdue:
                late = max(1, -days)
                return f"已超期 {late} 天（{day.month}月{day.day}日到期）"
            if days <= 0:
                return "今天到期"
            if days == 1:
                return "明天到期"
            return f"还剩 {days} 天（{day.month}月{day.day}日到期）"
        if self.since is not None:
            waited = (today - timezone.localtime(self.since).date()).days
            return "今天提交" if waited <= 0 else f"已等 {waited} 天"
        return ""

    @property
    def urgency(self) -> tuple:
        """Overdue first (most overdue first), then by deadline, then the longest waiting."""
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        return (
            0 if self.overdue else 1,
            self.due or far,
            self.since or far,
        )


def end_of_day(day: dt.date) -> dt.datetime:
    """A date deadline as the last moment of that day (the deadline day is still in time)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


@dataclass(frozen=True)
class Provider:
    kind: str
    items: Callable[[Any], list[Todo]]
    count: Callable[[Any], int | QuerySet[Any]] | None
    group: str


@dataclass
class Group:
    name: str
    items: list[Todo] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(t.count for t in self.items)

    @property
    def overdue(self) -> int:
        return sum(t.count for t in self.items if t.overdue)


_PROVIDERS: dict[str, Provider] = {}


def register(
    kind: str,
    items: Callable[[Any], list[Todo]],
    *,
    group: str,
    count: Callable[[Any], int | QuerySet[Any]] | None = None,
) -> None:
    """Declare a source of to-dos (call from the app's ``AppConfig.ready``); idempotent."""
    _PROVIDERS[kind] = Provider(kind=kind, items=items, count=count, group=group)


def providers() -> list[Provider]:
    return list(_PROVIDERS.values())


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def items_for(user: Any) -> list[Todo]:
    """Every to-do of ``user``, most urgent first."""
    if not _signed_in(user):
        return []
    out: list[Todo] = []
    for p in _PROVIDERS.values():
        try:
            out.extend(replace(t, group=t.group or p.group) for t in p.items(user) if t.count > 0)
        except Exception:
            logger.exception("to-do provider %s failed", p.kind)
    out.sort(key=lambda t: t.urgency)
    return out


def groups_for(user: Any) -> list[Group]:
    """The to-dos grouped (诉求, 关爱走访, 审批 …); a group with anything overdue comes first,
    then the fixed order of :data:`GROUPS`."""
    if not _signed_in(user):
        return []
    by_name: dict[str, Group] = {}
    for t in items_for(user):
        by_name.setdefault(t.group or "其他", Group(t.group or "其他")).items.append(t)
    rank = {name: i for i, name in enumerate(GROUPS)}
    return sorted(
        by_name.values(), key=lambda g: (0 if g.overdue else 1, rank.get(g.name, len(GROUPS)))
    )


def count_for(user: Any) -> int:
    """The top bar's figure. A provider's ``count`` returns an ``int`` or, better, the
    ``QuerySet`` to count: all the querysets are counted in **one** SQL statement
    (``SELECT (SELECT COUNT(*) FROM (…)) + (SELECT COUNT(*) FROM (…)) …``), so a page pays one
    query for the badge however many apps register, plus what building the querysets reads
    (the user's place) and any provider that must compute in Python (care's due dates)."""
    if not _signed_in(user):
        return 0
    total = 0
    parts: list[tuple[str, tuple]] = []
    for p in _PROVIDERS.values():
        try:
            n = p.count(user) if p.count else sum(t.count for t in p.items(user))
            if isinstance(n, int):
                total += n
            else:
                parts.append(_count_sql(n))
        except EmptyResultSet:
            continue  # a queryset.none(): nothing to count
        except Exception:
            logger.exception("to-do count %s failed", p.kind)
    if parts:
        sql = "SELECT " + " + ".join(
            f"(SELECT COUNT(*) FROM ({q}) todo_{i})" for i, (q, _) in enumerate(parts)
        )
        params = [x for _, ps in parts for x in ps]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            total += cursor.fetchone()[0] or 0
    return total


def _count_sql(qs: Any) -> tuple[str, tuple]:
    """The SQL of ``qs`` as a sub-select to count (raises ``EmptyResultSet`` for ``none()``)."""
    return qs.order_by().values("pk").query.sql_with_params()


def for_request(request: Any) -> int:
    """``count_for(request.user)``, computed once per request."""
    cached = getattr(request, "_linli_todo_count", None)
    if cached is None:
        cached = count_for(getattr(request, "user", None))
        request._linli_todo_count = cached
    return cached


def waiting(qs: Any, *, kind: str, title: str, url: str, since: str) -> list[Todo]:
    """An approval queue as one to-do: ``title`` formatted with ``{n}``, waiting since its
    oldest request (one aggregate query)."""
    from django.db.models import Count, Min

    agg = qs.order_by().aggregate(n=Count("pk"), first=Min(since))
    if not agg["n"]:
        return []
    return [
        Todo(kind=kind, title=title.format(n=agg["n"]), url=url, count=agg["n"], since=agg["first"])
    ]
