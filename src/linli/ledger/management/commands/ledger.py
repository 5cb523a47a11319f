"""``linli ledger import FILE.xlsx [--dry-run]``, ``linli ledger export FILE.xlsx [--community X]``.

A thin wrapper over :func:`linli.ledger.io.ledger_import` / ``ledger_export``, run as the
system (no user: it may write and read every region). ``import`` prints every error, one line
each, and exits 1 when the file has errors (nothing is written then); 0 when it was taken.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linli.ledger.io import ledger_export, ledger_import
from linli.ledger.models import Region, RegionLevel


class Command(BaseCommand):
    help = "导入或导出台账 Excel（三无小区台账、居民台账）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{import,export}")
        imp = sub.add_parser("import", help="导入台账（有错误时不写入任何数据，退出码 1）")
        imp.add_argument("file", help="Excel 文件（.xlsx / .xls）")
        imp.add_argument(
            "--dry-run", action="store_true", help="只检查并显示将新建、修改和不变的数量，不写入"
        )
        exp = sub.add_parser("export", help="导出台账")
        exp.add_argument("file", help="要写入的 .xlsx 文件")
        exp.add_argument("--community", metavar="NAME", help="只导出这个社区")

    def handle(self, *args, action: str, **options):
        if action == "import":
            self._import(options["file"], dry_run=options["dry_run"])
        else:
            self._export(options["file"], community_name=options.get("community"))

    def _import(self, file: str, *, dry_run: bool) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        result = ledger_import(source=str(path), file_name=path.name, dry_run=dry_run)
        for error in result.errors:
            self.stdout.write(self.style.ERROR(f"错误 {error}"))
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"提示 {warning}"))
        if not result.ok:
            self.stdout.write(
                self.style.ERROR(f"文件有 {len(result.errors)} 个错误，未导入任何数据。")
            )
            raise SystemExit(1)
        if dry_run:
            self.stdout.write(f"试导入（未写入任何数据），共 {result.rows} 行。如正式导入，将：")
        else:
            self.stdout.write(self.style.SUCCESS(f"已导入，共 {result.rows} 行："))
        for line in result.summary_lines():
            self.stdout.write(f"  {line}")

    def _export(self, file: str, *, community_name: str | None) -> None:
        community = None
        if community_name:
            matches = list(
                Region.objects.filter(level=RegionLevel.COMMUNITY, name=community_name.strip())
            )
            if not matches:
                raise CommandError(f"社区“{community_name}”不存在")
            if len(matches) > 1:
                names = "、".join(region.full_name() for region in matches)
                raise CommandError(f"有 {len(matches)} 个社区名为“{community_name}”：{names}")
            community = matches[0]
        counts = ledger_export(destination=file, community=community)
        self.stdout.write(
            self.style.SUCCESS(
                f"已导出到 {file}：小区 {counts['compounds']} 个，户 {counts['households']} 户，"
                f"居民 {counts['residents']} 人"
            )
        )
