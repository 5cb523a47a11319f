"""Demo data for this app (兴东社区), built through the app's services by ``linli demo``."""

from __future__ import annotations


def build_demo(*, community, seed: int, now) -> list[str]:
    """Build this app's demo rows for ``community``; return the summary lines to print."""
    return []


def clear_demo(town) -> None:
    """Delete this app's demo rows below ``town`` (called before the ledger is rebuilt)."""
