"""``linli open311 issue-key NAME [--region 社区名] [--by USERNAME]``: print a new API key;
``linli open311 revoke-key NAME``; ``linli open311 list-keys``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from linli.core.errors import DomainError
from linli.ledger.models import Region

from ...models import Open311ApiKey
from ...open311 import keys


class Command(BaseCommand):
    help = "Open311 接口密钥：issue-key 签发、revoke-key 吊销、list-keys 列出"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue-key", help="签发新密钥（只打印一次，库中只存哈希）")
        issue.add_argument("name", help="密钥名称，如接入的应用名")
        issue.add_argument("--region", help="只允许为该区域（名称）内的地点登记诉求")
        issue.add_argument("--by", help="签发人用户名（须为干部或社区工作人员）")
        revoke = sub.add_parser("revoke-key", help="吊销该名称的有效密钥")
        revoke.add_argument("name")
        revoke.add_argument("--by", help="操作人用户名")
        sub.add_parser("list-keys", help="列出密钥（不含密钥本身）")

    def _user(self, username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户 {username}")
        return user

    def handle(self, *args, **options):
        action = options["action"]
        try:
            if action == "issue-key":
                region = None
                if options["region"]:
                    found = list(Region.objects.filter(name=options["region"])[:2])
                    if len(found) != 1:
                        raise CommandError(f"区域“{options['region']}”不存在或不唯一")
                    region = found[0]
                key, raw = keys.key_issue(
                    actor=self._user(options["by"]), name=options["name"], region=region
                )
                self.stderr.write(
                    f"已签发“{key.name}”（{key.region or '不限区域'}）。密钥只显示这一次：\n"
                )
                self.stdout.write(raw)
            elif action == "revoke-key":
                n = keys.key_revoke(actor=self._user(options["by"]), name=options["name"])
                if not n:
                    raise CommandError(f"没有名为“{options['name']}”的有效密钥")
                self.stdout.write(f"已吊销“{options['name']}”")
            else:
                for key in Open311ApiKey.objects.select_related("region"):
                    state = f"吊销于 {key.revoked:%Y-%m-%d %H:%M}" if key.revoked else "有效"
                    self.stdout.write(
                        f"{key.name}\t{key.prefix}…\t{key.region or '不限区域'}\t"
                        f"{key.created:%Y-%m-%d %H:%M}\t{state}"
                    )
        except DomainError as exc:
            raise CommandError(exc.message) from None
