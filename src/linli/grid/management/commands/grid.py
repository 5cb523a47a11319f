"""``linli grid plan``: propose (and with ``--apply`` write) a 片/组/邻 partition of a community;
and the subcommands apps above the grid register (``linli grid qr``, :mod:`linli.grid.commands`)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from linli.core.errors import DomainError
from linli.ledger.models import Region, RegionLevel

from ... import commands, services
from ...models import Membership


class Command(BaseCommand):
    help = "片组邻网格：plan 生成划分方案（--apply 写入，--rebalance 在现有网格上微调）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        plan = sub.add_parser("plan", help="按“地域相邻、类型相近、规模适当”生成划分方案")
        plan.add_argument("--community", required=True, help="社区名称或12位统计代码")
        plan.add_argument("--households-per-neighbour", type=int, default=13)
        plan.add_argument("--neighbour-min", type=int, default=None)
        plan.add_argument("--neighbour-max", type=int, default=None)
        plan.add_argument("--neighbours-per-group", type=int, default=27)
        plan.add_argument("--groups-per-area", type=int, default=1)
        plan.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        plan.add_argument("--apply", action="store_true", help="写入方案（默认只预览）")
        plan.add_argument("--rebalance", action="store_true", help="在现有网格上尽量少调整住户")
        for name, extra in commands.registered().items():
            extra.add_arguments(sub.add_parser(name, help=extra.help))

    def handle(self, *args, **options):
        if options["action"] == "plan":
            self.plan(options)
        else:
            commands.registered()[options["action"]].handle(self, options)

    def plan(self, options):
        from ...planning import PlanSettings, load_keys, plan_households, rebalance

        community = _community(options["community"])
        try:
            settings = PlanSettings(
                households_per_neighbour=options["households_per_neighbour"],
                neighbour_min=options["neighbour_min"],
                neighbour_max=options["neighbour_max"],
                neighbours_per_group=options["neighbours_per_group"],
                groups_per_area=options["groups_per_area"],
            )
        except ValueError as exc:
            raise CommandError(f"网格规模设置有误：{exc}") from None
        keys = load_keys(community)
        if not keys:
            raise CommandError(f"{community.name}没有住户，无法划分网格（请先导入台账）")
        current = dict(
            Membership.objects.filter(
                end__isnull=True, household__unit__building__compound__community=community
            ).values_list("household_id", "neighbour_id")
        )
        if options["rebalance"]:
            if not current:
                raise CommandError(f"{community.name}尚无网格，不能 --rebalance；请先生成方案")
            plan = rebalance(keys, settings, current)
        else:
            plan = plan_households(keys, settings)
        quality = plan.quality(current or None)
        if options["json"]:
            self.stdout.write(json.dumps(quality, ensure_ascii=False))
        else:
            self.stdout.write(_describe(community, quality, settings))
        if options["apply"]:
            try:
                result = services.plan_apply(
                    community=community, plan=plan, rebalance=options["rebalance"]
                )
            except DomainError as exc:
                raise CommandError(exc.message) from None
            message = (
                f"已写入：新建网格 {result['created']} 个，撤销 {result['dissolved']} 个，"
                f"调整住户 {result['moves']} 户"
            )
            (self.stderr if options["json"] else self.stdout).write(message)
        elif not options["json"]:
            self.stdout.write("（预览，未写入；加 --apply 写入）")


def community_by_name(text: str) -> Region:
    """The community a command names (its name or 12-digit code); a clear error otherwise."""
    return _community(text)


def _community(text: str) -> Region:
    matches = list(
        Region.objects.filter(level=RegionLevel.COMMUNITY).filter(name=text)
        or Region.objects.filter(level=RegionLevel.COMMUNITY, code=text)
    )
    if not matches:
        raise CommandError(f"社区“{text}”不存在")
    if len(matches) > 1:
        codes = "、".join(f"{m.full_name()}（{m.code or '无代码'}）" for m in matches)
        raise CommandError(f"有多个社区叫“{text}”：{codes}；请用统计代码指定")
    return matches[0]


def _describe(community: Region, q: dict, settings) -> str:
    return "\n".join(
        [
            f"{community.name} 网格方案（每邻目标 {settings.households_per_neighbour} 户）",
            f"  片 {q['areas']} 个，组 {q['groups']} 个，邻 {q['neighbours']} 个",
            f"  每邻户数：最少 {q['size_min']}，中位 {q['size_median']}，最多 {q['size_max']}",
            f"  拆分的单元（单元本身未超上限）：{q['split_units']}",
            f"  跨邻的楼栋：{q['split_buildings']}",
            f"  需调整的住户：{q['moves']}",
        ]
    )
