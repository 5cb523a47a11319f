"""Periodic work for care: the daily reminder of due and overdue visits.

Runs on Celery beat in production (``CELERY_BEAT_SCHEDULE`` in settings) and eagerly
in-process without a broker; ``linli care remind`` runs it by hand.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task


@shared_task(name="linli.care.remind")
def remind(today: str | None = None) -> dict[str, int]:
    """Pass the date as ISO text (tasks take plain values, not objects)."""
    from . import services

    day = dt.date.fromisoformat(today) if today else None
    return services.reminders_create(today=day)
