"""``linli services export-hsds DIR``: the catalogue of service points and items as Open
Referral HSDS 3 JSON files (``organizations.json``, ``services.json``, ``locations.json``,
``service_at_locations.json``) in ``DIR``. Bad arguments: the reason in Chinese on stderr and
exit status 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "便民服务：export-hsds DIR 把服务网点和事项导出为 HSDS 3 JSON 文件"

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.error = self._fail
        return parser

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action")
        export = sub.add_parser("export-hsds", help="导出 HSDS 3 JSON 文件到目录")
        export.add_argument("directory", help="输出目录（不存在则创建）")
        export.error = self._fail

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(f"参数错误：{message}")
        sys.exit(2)

    def handle(self, *args, **options):
        if options.get("action") != "export-hsds":
            return self._fail("请指定操作：export-hsds DIR")
        from linli.services import hsds

        directory = Path(options["directory"])
        if directory.exists() and not directory.is_dir():
            return self._fail(f"“{directory}”不是目录")
        try:
            counts = hsds.export(directory)
        except OSError as exc:
            return self._fail(f"无法写入“{directory}”：{exc.strerror or exc}")
        names = {
            "organizations": "实施机构",
            "services": "服务事项",
            "locations": "服务网点",
            "service_at_locations": "网点事项",
        }
        parts = "，".join(f"{names[k]} {v}" for k, v in counts.items())
        self.stdout.write(f"已导出 HSDS 3 到 {directory}：{parts}")
