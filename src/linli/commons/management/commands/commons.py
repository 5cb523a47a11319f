"""``linli commons verify [--compound NAME] [--community NAME]``: recompute the hash chain of
every public account (or those named) and exit 1 when any is broken."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from ...chain import verify_chain
from ...models import PublicAccount


class Command(BaseCommand):
    help = "公共收益：verify 校验各账户入账记录的哈希链（有断裂时退出码为1）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="校验哈希链与已发布公示")
        verify.add_argument("--compound", help="只校验该小区（名称）")
        verify.add_argument("--community", help="只校验该社区（名称）下的小区")

    def handle(self, *args, **options):
        if options["action"] != "verify":  # pragma: no cover - argparse refuses others
            raise CommandError("未知操作")
        accounts = PublicAccount.objects.select_related("compound__community").order_by(
            "compound__community__path", "compound__name"
        )
        if options.get("compound"):
            accounts = accounts.filter(compound__name=options["compound"])
        if options.get("community"):
            accounts = accounts.filter(compound__community__name=options["community"])
        accounts = list(accounts)
        if not accounts:
            raise CommandError("没有符合条件的公共收益账户")
        broken = 0
        for account in accounts:
            report = verify_chain(account)
            label = f"{account.compound.community.name} {account.compound.name}"
            if report.ok:
                self.stdout.write(
                    f"完整  {label}：已入账 {report.checked} 笔，链头 {report.head_hash[:16]}…"
                )
            else:
                broken += 1
                self.stderr.write(f"断裂  {label}：自第 {report.broken_sequence} 笔起")
                for problem in report.problems:
                    self.stderr.write(f"      {problem}")
        self.stdout.write(f"共校验 {len(accounts)} 个账户，{broken} 个有断裂")
        if broken:
            sys.exit(1)
