"""``linli pii status`` and ``linli pii rotate-key [--batch-size N]``: personal data at rest.

``status`` counts the stored ID numbers and phones per key id (the current key marked).
``rotate-key`` re-encrypts every value not under ``LINLI_PII_KEY`` (the old key listed in
``LINLI_PII_OLD_KEYS``), a batch of rows per transaction. It touches only rows still under an
old key, so after an interruption it is simply run again. README, "Key handling".
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ... import crypto
from ...errors import DomainError
from ...pii import pii_key_counts, pii_rotate_key, pii_stale_count


class Command(BaseCommand):
    help = "个人信息加密：status 各密钥下的密文数；rotate-key 以当前密钥重新加密"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="各密钥标识下的密文数")
        rotate = sub.add_parser(
            "rotate-key", help="把旧密钥下的密文以当前密钥（LINLI_PII_KEY）重新加密，可中断后续跑"
        )
        rotate.add_argument(
            "--batch-size", type=int, default=1000, help="每批（每个事务）行数，默认1000"
        )

    def handle(self, *args, **options):
        ring = crypto.keyring()
        if options["action"] == "status":
            counts = pii_key_counts()
            if not counts:
                self.stdout.write("尚无加密的个人信息")
            for kid, n in sorted(counts.items()):
                mark = (
                    "当前密钥"
                    if kid == ring.current_id
                    else ("旧密钥" if kid in ring.by_id else "未配置的密钥")
                )
                self.stdout.write(f"{kid}  {n:>9,} 个值  {mark}")
            return
        batch_size = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size 至少为1")
        stale = pii_stale_count()
        self.stdout.write(f"当前密钥 {ring.current_id}；待重新加密的行：{stale:,}")

        def progress(table: str, done: int) -> None:
            self.stdout.write(f"  {table}: 已重新加密 {done:,} 行")

        try:
            done = pii_rotate_key(batch_size=batch_size, progress=progress)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        except crypto.PiiKeyError as exc:
            raise CommandError(f"{exc}（已完成的批次保留；配置好密钥后重跑即可继续）") from None
        total = sum(done.values())
        self.stdout.write(f"完成：共重新加密 {total:,} 行；仍在旧密钥下：{pii_stale_count():,}")
