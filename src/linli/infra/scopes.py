"""How the infra rows reach a place (``linli.core.policy``): through the plan's compound.

A compound's plan is seen by the office of its region (officials, workers, department staff),
its committee, its residents and the 三长 of its households — the 问题清单 and 满意清单 are the
compound's own business. Who may *act* is ``Capability.INFRA_MANAGE``.
"""

from __future__ import annotations

from linli.core.policy import register, via_compound


def register_scopes() -> None:
    from .models import Funding, Photo, Plan, Problem, ProblemEvent

    register(Plan, via_compound("compound"))
    register(Problem, via_compound("plan__compound"))
    register(Funding, via_compound("problem__plan__compound"))
    register(ProblemEvent, via_compound("problem__plan__compound"))
    register(Photo, via_compound("problem__plan__compound"))
