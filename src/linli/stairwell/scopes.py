"""How the stairwell codes reach the people who may see them: by the unit's compound (the
office of its region, the 三长 of its households). The public page reads a code by its token
and needs no scope."""

from __future__ import annotations

from linli.core.policy import register, via_compound


def register_scopes() -> None:
    from .models import StairwellCode

    register(StairwellCode, via_compound("unit__building__compound"))
