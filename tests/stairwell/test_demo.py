"""The stairwell demo layer: a code per unit and a few reports waiting, through the services."""

import datetime as dt
import random
from decimal import Decimal

from linli.cases.models import Case, Channel
from linli.demo import stairwell as demo
from linli.ledger import services as ledger_services
from linli.stairwell.models import StairwellCode


def test_codes_for_every_unit_and_reports_waiting(grid_world, cases_seeded, compound):
    for n in range(2, 8):
        ledger_services.household_ensure(
            compound=compound, building=f"{n}栋", unit="1单元", room="101", area=Decimal("60")
        )
    said = []
    result = demo.build(
        community=grid_world["community"],
        today=dt.date(2026, 11, 2),
        rng=random.Random(1),
        say=said.append,
    )
    assert result == {"units": 7, "waiting": 5}
    assert StairwellCode.objects.count() == 7
    cases = Case.objects.filter(channel=Channel.STAIRWELL, unverified=True)
    assert cases.count() == 5 and all(c.reporter is None for c in cases)
    assert "linli grid qr --community 兴东社区" in said[0] and "7 个单元" in said[0]
    demo.clear(town=grid_world["community"].parent)
    assert not StairwellCode.objects.exists()
