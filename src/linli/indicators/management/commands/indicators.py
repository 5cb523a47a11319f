"""``linli indicators``: a region's figures for a month, the docs, refresh and rebuild.

    linli indicators --region 430424100001 --period 2026-05 --json
    linli indicators --docs > docs/indicators.md
    linli indicators --refresh        # recompute the kept values marked dirty
    linli indicators --rebuild [--from 2025-01] [--to 2026-05]

Bad arguments (an unknown region, a period that is not YYYY-MM): the reason in Chinese on
stderr and exit status 2.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from linli.core.errors import DomainError

from ... import rollups, selectors
from ...registry import REGISTRY, Month


class Command(BaseCommand):
    help = "指标：某区域某月的指标值（--json），生成文档，增量刷新或全部重算"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--region", help="12 位统计用区划代码")
        parser.add_argument("--period", help="月份 YYYY-MM")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        parser.add_argument("--docs", action="store_true", help="输出 docs/indicators.md")
        parser.add_argument("--refresh", action="store_true", help="重算被标记的保存值")
        parser.add_argument("--rebuild", action="store_true", help="清空并从头重算全部保存值")
        parser.add_argument("--from", dest="first", help="--rebuild 的起始月份")
        parser.add_argument("--to", dest="last", help="--rebuild 的结束月份")

    def handle(self, *args, **options) -> None:
        try:
            self._handle(options)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc

    def _handle(self, options) -> None:
        if options["docs"]:
            self.stdout.write(selectors.docs_markdown(), ending="")
            return
        if options["refresh"]:
            self.stdout.write(f"重算 {rollups.refresh()} 个（地点, 月份）")
            return
        if options["rebuild"]:
            first = selectors.parse_period(options["first"]) if options["first"] else None
            last = selectors.parse_period(options["last"]) if options["last"] else None
            self.stdout.write(f"保存 {rollups.rebuild(first=first, last=last)} 个（地点, 月份）")
            return
        if not options["region"] or not options["period"]:
            raise CommandError("请给出 --region 12 位区划代码 和 --period YYYY-MM", returncode=2)
        period: Month = selectors.parse_period(options["period"])
        region = selectors.region_by_code(options["region"])
        values = selectors.region_values(region=region, period=period)
        if options["json"]:
            self.stdout.write(json.dumps(values, ensure_ascii=False))
            return
        self.stdout.write(f"{region.full_name()} {period}")
        for code, value in values.items():
            ind = REGISTRY[code]
            shown = "—" if value is None else value
            self.stdout.write(f"  {ind.name}（{code}）：{shown} {ind.unit}")
