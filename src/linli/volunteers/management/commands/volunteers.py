"""``linli volunteers stats --community NAME --from YYYY-MM-DD --to YYYY-MM-DD --json``: the
community's volunteer service in a period as ONE JSON object with exactly ``activities``,
``person_times``, ``volunteers``, ``hours`` (a decimal string, approved hours only) and
``party_member_person_times``. Bad arguments: a Chinese message on stderr, exit 2."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import NoReturn

from django.core.management.base import BaseCommand, CommandParser

from linli.ledger.models import Region, RegionLevel

from ...selectors import stats


class _Parser(CommandParser):
    def error(self, message):  # argparse's own errors: Chinese, exit 2
        if "required" in message:
            message = "缺少必需参数 " + message.split(":", 1)[-1].strip()
        elif "invalid choice" in message:
            message = "未知操作（可用：stats）"
        elif "unrecognized arguments" in message:
            message = "无法识别的参数 " + message.split(":", 1)[-1].strip()
        sys.stderr.write(f"参数错误：{message}\n")
        sys.exit(2)


def _fail(message: str) -> NoReturn:
    sys.stderr.write(message + "\n")
    sys.exit(2)


def _date(value: str, flag: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        _fail(f"{flag} 日期格式应为 YYYY-MM-DD：{value}")


class Command(BaseCommand):
    help = "志愿服务：stats 统计某社区某期间的活动数、人次、人数、已确认时长、党员人次"

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = _Parser  # its errors too: Chinese, exit 2
        return parser

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, parser_class=_Parser)
        s = sub.add_parser("stats", help="统计志愿服务")
        s.add_argument("--community", required=True, help="社区名称")
        s.add_argument("--from", dest="start", required=True, help="起始日期 YYYY-MM-DD")
        s.add_argument("--to", dest="end", required=True, help="截止日期 YYYY-MM-DD（含）")
        s.add_argument("--json", action="store_true", help="输出一个 JSON 对象")

    def handle(self, *args, **options):
        start = _date(options["start"], "--from")
        end = _date(options["end"], "--to")
        if end < start:
            _fail(f"--to（{end}）不能早于 --from（{start}）")
        name = (options["community"] or "").strip()
        communities = list(Region.objects.filter(name=name, level=RegionLevel.COMMUNITY)[:2])
        if not communities:
            _fail(f"找不到社区：{name}")
        if len(communities) > 1:
            _fail(f"有多个名为“{name}”的社区，请联系管理员")
        figures = stats(community=communities[0], start=start, end=end)
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
            return
        self.stdout.write(
            f"{name} {start}至{end}：活动 {figures['activities']} 项，服务 "
            f"{figures['person_times']} 人次（党员 {figures['party_member_person_times']} 人次），"
            f"志愿者 {figures['volunteers']} 人，已确认时长 {figures['hours']} 小时"
        )
