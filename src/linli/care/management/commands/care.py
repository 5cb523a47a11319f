"""``linli care status --community NAME [--as-of YYYY-MM-DD] [--json]`` and
``linli care remind [--as-of YYYY-MM-DD]``.

``status`` prints the community's care figures — with ``--json`` ONE object with exactly
``registered``, ``due``, ``overdue``, ``visited_this_month``, ``monthly_visit_rate`` (a decimal
string with three places) and ``by_tier`` (the same keys for ``high``, ``key``, ``general``) —
from the same selector as the pages and the API. ``remind`` runs the daily reminder job.
Bad arguments: the reason in Chinese on stderr and exit status 2.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import NoReturn

from django.core.management.base import BaseCommand

from linli.ledger.models import Region, RegionLevel

TIER_LABELS = {"high": "高风险", "key": "重点", "general": "一般"}


class Command(BaseCommand):
    help = "关爱探访：status 社区探访情况（--json 输出一个 JSON 对象）；remind 生成探访提醒"

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.error = self._fail  # argparse's own complaints, in Chinese, exit 2
        return parser

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action")
        status = sub.add_parser("status", help="社区关爱探访情况")
        status.add_argument("--community", help="社区名称")
        status.add_argument("--as-of", dest="as_of", help="统计日期 YYYY-MM-DD（默认今天）")
        status.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        remind = sub.add_parser("remind", help="为每位探访人生成当天的探访提醒")
        remind.add_argument("--as-of", dest="as_of", help="日期 YYYY-MM-DD（默认今天）")
        for p in (status, remind):
            p.error = self._fail

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(f"参数错误：{message}")
        sys.exit(2)

    def _date(self, raw: str | None) -> dt.date | None:
        if raw is None:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            return self._fail(f"日期“{raw}”无效，应为 YYYY-MM-DD")

    def handle(self, *args, **options):
        action = options.get("action")
        if action == "status":
            return self._status(options)
        if action == "remind":
            return self._remind(options)
        return self._fail("请指定操作：status 或 remind")

    def _community(self, name: str | None) -> Region:
        if not name or not name.strip():
            return self._fail("请用 --community 指定社区名称")
        found = list(Region.objects.filter(level=RegionLevel.COMMUNITY, name=name.strip())[:2])
        if not found:
            return self._fail(f"没有名为“{name}”的社区")
        if len(found) > 1:
            return self._fail(f"名为“{name}”的社区不止一个，请联系管理员")
        return found[0]

    def _status(self, options) -> None:
        from linli.care import selectors
        from linli.care.models import Recipient

        as_of = self._date(options.get("as_of"))
        community = self._community(options.get("community"))
        rows = selectors.status_rows(
            Recipient.objects.filter(
                resident__household__unit__building__compound__community=community
            ),
            as_of=as_of,
        )
        figures = selectors.summarise(rows)
        if options.get("json"):
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
            return
        self.stdout.write(
            f"{community.name}：名册 {figures['registered']} 人，应探访 {figures['due']}，"
            f"已逾期 {figures['overdue']}，本月已探访 {figures['visited_this_month']}，"
            f"月探访率 {figures['monthly_visit_rate']}"
        )
        for tier, f in figures["by_tier"].items():
            self.stdout.write(
                f"  {TIER_LABELS[tier]}：{f['registered']} 人，应探访 {f['due']}，"
                f"逾期 {f['overdue']}，本月已探访 {f['visited_this_month']}，"
                f"探访率 {f['monthly_visit_rate']}"
            )

    def _remind(self, options) -> None:
        from linli.care.tasks import remind

        day = self._date(options.get("as_of"))
        result = remind.delay(day.isoformat() if day else None).get()
        self.stdout.write(
            f"已提醒 {result['visitors']} 位探访人："
            f"应探访 {result['due']}，已逾期 {result['overdue']}"
        )
