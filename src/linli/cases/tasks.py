"""Periodic work for cases: the daily deadline check (warn before, escalate after).

Runs on Celery beat in production (``CELERY_BEAT_SCHEDULE`` in settings) and eagerly
in-process without a broker; ``linli cases check-deadlines`` runs it by hand.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task


@shared_task(name="linli.cases.check_deadlines")
def check_deadlines(today: str | None = None, warn_days: int = 1) -> dict[str, int]:
    """Pass the date as ISO text (tasks take plain values, not objects)."""
    from . import services

    day = dt.date.fromisoformat(today) if today else None
    return services.deadlines_check(today=day, warn_days=warn_days)
