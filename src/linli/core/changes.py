"""Where a write that bypasses model signals (a bulk ``INSERT``/``UPDATE``) says what it
changed, so that figures kept elsewhere (``linli.indicators``' rollups) follow.

An app calls :func:`community_changed` after such a write; apps higher up register a listener
from their ``AppConfig.ready()``. Lower apps so never import the ones that keep figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Listener = Callable[[int, dt.date | dt.datetime | None], None]
_LISTENERS: list[Listener] = []


def listen(listener: Listener) -> None:
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def community_changed(community_id: int | None, *, since: dt.date | dt.datetime | None) -> None:
    """Rows of ``community_id`` changed in a way that affects figures from ``since`` on
    (``None``: every month — a figure kept only as it stands now)."""
    if community_id is None:
        return
    for listener in _LISTENERS:
        listener(community_id, since)
