"""The indicators API at ``/api/v1/indicators``: one region's figures for one month, the same
values as ``linli indicators --json`` (``registry`` explains the JSON).

Scope → selector → JSON: a region outside the caller's (officials' and community workers'
subtree; the superuser everywhere) answers 404 exactly like an unknown code.
"""

from __future__ import annotations

from ninja import Query, Router, Schema
from pydantic import Field

from linli.core.schemas import errors

from . import selectors

router = Router(tags=["indicators"])


class IndicatorsQuery(Schema):
    region: str = Field(..., min_length=1, max_length=20, description="12 位统计用区划代码")
    period: str = Field(..., min_length=1, max_length=10, description="月份 YYYY-MM")


@router.get(
    "",
    response={200: dict[str, int | str | None], **errors(400, 403, 404)},
    summary="区域某月的指标",
)
def indicators(request, filters: Query[IndicatorsQuery]):
    """``{indicator_code: value}``: counts as integers, money/rates/hours as decimal strings,
    ``null`` when there is nothing to rate (``docs/indicators.md``). 400 with
    ``indicators.bad_region`` / ``indicators.bad_period`` for a code that is not 12 digits or
    a period that is not ``YYYY-MM``."""
    period = selectors.parse_period(filters.period)
    region = selectors.region_get_for(actor=request.user, code=filters.region)
    return selectors.region_values(region=region, period=period)
