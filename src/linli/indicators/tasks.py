"""Periodic work for indicators: recompute the kept values marked dirty.

Enqueued on commit by every change that marks a pair (with a broker), and on Celery beat
every five minutes as a catch-all (``CELERY_BEAT_SCHEDULE``); without a broker a read
refreshes what it needs in-process, and ``linli indicators --refresh`` runs it by hand.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="linli.indicators.refresh")
def refresh() -> int:
    from . import rollups

    return rollups.refresh()
