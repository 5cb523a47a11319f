"""``linli cases check-deadlines [--date YYYY-MM-DD]``: warn and escalate by the time limits."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from ... import tasks


class Command(BaseCommand):
    help = "居民诉求：check-deadlines 临期提醒、超期自动上报一级"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check-deadlines", help="临期提醒、超期自动上报（可重复运行）")
        check.add_argument("--date", help="按该日期检查（默认今天）")
        check.add_argument("--warn-days", type=int, default=1, help="提前几个工作日提醒")

    def handle(self, *args, **options):
        if options["action"] == "check-deadlines":
            day = options["date"]
            if day:
                try:
                    dt.date.fromisoformat(day)
                except ValueError:
                    raise CommandError(f"--date {day!r} 不是 YYYY-MM-DD 日期") from None
            result = tasks.check_deadlines(today=day, warn_days=options["warn_days"])
            self.stdout.write(f"临期提醒 {result['warned']} 件，超期上报 {result['escalated']} 件")
