"""The to-do API at ``/api/v1/todo``: the signed-in person's to-dos, most urgent first — the
same items as the ``/todo/`` page, from the providers each app registers
(``linli.core.todos``)."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from . import todos
from .schemas import READ_ERRORS

router = Router(tags=["todo"])


class TodoOut(Schema):
    kind: str
    group: str
    title: str
    url: str
    due: dt.datetime | None
    overdue: bool
    count: int
    since: dt.datetime | None
    when: str  # plain Chinese: 已超期 3 天 / 今天到期 / 还剩 4 天 / 已等 2 天


class TodoListOut(Schema):
    count: int
    items: list[TodoOut]


@router.get("", response={200: TodoListOut, **READ_ERRORS}, summary="我的待办")
def todo_list(request):
    """Everything waiting for the signed-in user, overdue first, then by deadline, then the
    longest waiting; ``count`` sums the items' counts (an approval queue is one item)."""
    items = todos.items_for(request.user)
    rows = [
        {
            "kind": t.kind,
            "group": t.group,
            "title": t.title,
            "url": t.url,
            "due": t.due,
            "overdue": t.overdue,
            "count": t.count,
            "since": t.since,
            "when": t.when,
        }
        for t in items
    ]
    return {"count": sum(t.count for t in items), "items": rows}
