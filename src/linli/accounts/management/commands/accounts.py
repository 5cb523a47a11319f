"""``linli accounts unlock [USERNAME] [--ip ADDRESS]``: lift a login lock (django-axes) at once
instead of waiting out the cooldown. The failure log is kept."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from linli.core.errors import DomainError

from ...services import login_unlock


class Command(BaseCommand):
    help = "账号：unlock 解除登录锁定（按用户名和/或网络地址）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        unlock = sub.add_parser("unlock", help="解除登录锁定，清除其失败计数（失败记录保留）")
        unlock.add_argument("username", nargs="?", help="用户名：解除该账号（来自任何地址）的锁定")
        unlock.add_argument(
            "--ip", dest="ip_address", help="网络地址：解除该地址（任何账号）的锁定"
        )

    def handle(self, *args, **options):
        if options["action"] != "unlock":  # pragma: no cover - argparse refuses others
            raise CommandError("未知操作")
        username, ip_address = options.get("username"), options.get("ip_address")
        try:
            removed = login_unlock(username=username, ip_address=ip_address)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        target = "、".join(
            part
            for part in (
                f"账号 {username}" if username else "",
                f"地址 {ip_address}" if ip_address else "",
            )
            if part
        )
        self.stdout.write(f"已解除 {target} 的登录锁定（清除失败计数 {removed} 条）")
