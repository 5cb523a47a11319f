"""``linli demo [--seed N] [--scale F] [--url URL]``: (re)build the demo county and print the
logins and the address it will be served at (``make demo PORT=8765`` passes ``--url``)."""

import time

from django.core.management.base import BaseCommand, CommandError

from linli.demo.build import build_demo
from linli.demo.logins import DEMO_URL
from linli.demo.names import DEFAULT_SCALE, DEFAULT_SEED, SURVEY_AT


class Command(BaseCommand):
    help = "生成（或重建）演示数据：衡东县洣水镇9个社区107个小区，兴东社区1786户，及演示账号"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子（默认2026）")
        parser.add_argument(
            "--scale",
            type=float,
            default=DEFAULT_SCALE,
            help=(
                "兴东社区以外各小区录入户数占摸底户数的比例，0–1"
                f"（默认{DEFAULT_SCALE}；兴东社区始终完整）"
            ),
        )

        parser.add_argument(
            "--url",
            default=DEMO_URL,
            help=f"演示服务的访问地址，只用于打印（默认{DEMO_URL}；make demo 按 PORT 传入）",
        )

    def handle(self, *args, seed: int, scale: float, url: str, **options):
        if not 0 <= scale <= 1:
            raise CommandError("--scale 应在0到1之间")
        verbose = options["verbosity"] >= 2
        started = time.monotonic()
        self.stdout.write(f"正在生成演示数据（种子 {seed}）……")
        built = build_demo(
            seed=seed,
            scale=scale,
            log=(lambda msg: self.stdout.write(f"  {msg}")) if verbose else None,
        )
        s, g, c = built.county, built.grid, built.cases
        w = self.stdout.write
        total = time.monotonic() - started
        w(self.style.SUCCESS(f"演示数据已生成，用时{total:.1f}秒（其中台账{s.seconds:.1f}秒）。"))
        w("")
        w("湖南省衡阳市衡东县洣水镇")
        w(f"  社区 {s.communities} 个，小区 {s.compounds} 个")
        w(
            f"  三无小区：摸底时（{SURVEY_AT:%Y-%m-%d}）{s.sanwu_at_survey} 个，"
            f"目前 {s.sanwu_today} 个"
        )
        w(f"  已录入 {s.households} 户、居民 {s.residents} 人")
        w("兴东社区（示范社区）")
        w(
            f"  小区 {s.xingdong_compounds} 个，{s.xingdong_households} 户，"
            f"居民 {s.xingdong_residents} 人"
        )
        w(
            f"  三无小区：摸底时 {s.xingdong_sanwu_at_survey} 个，目前 {s.xingdong_sanwu_today} 个"
            "（物业或社会化物业服务全覆盖）"
        )
        w(
            f"  网格：{g['areas']} 片、{g['groups']} 组、{g['neighbours']} 邻，"
            f"三长 {g['leaders']} 人；演示走访 {g['visits']} 次"
        )
        w(
            f"  党组织：党总支 1 个、联建党支部 {g['joint_branches']} 个、"
            f"小区党小组 {g['party_groups']} 个；党员 {g['members']} 名，"
            f"亮身份 {g['members_shown']} 名"
        )
        w(
            f"  诉求：一年共 {c.reported} 件，已解决 {c.resolved} 件，办理中 {c.open} 件"
            f"（上报 {c.escalated}、派遣部门 {c.dispatched}、不满意重办 {c.reopened}）"
        )
        for line in built.lines:
            w(f"  {line}")
        w("")
        w(f"访问地址：{url}")
        w("演示账号：")
        width = max(len(u) for u, *_ in s.users)
        w(f"  {'用户名'.ljust(width)}  密码              说明")
        for username, password, _role, note in s.users:
            w(f"  {username.ljust(width + 3)}  {password.ljust(16)}  {note}")
        for username, password, note in g["logins"]:
            w(f"  {username.ljust(width + 3)}  {password.ljust(16)}  兴东社区{note}")
        if g["logins"]:
            w(
                f"  居民 resident 住在 {g['logins'][-1][0]} 负责的邻里：用这两个账号可走通"
                "“居民报事 → 邻长处理 → 居民评价”。"
            )
