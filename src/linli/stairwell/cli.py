"""``linli grid qr --community NAME FILE.pdf``: the stairwell sheets of a community.

Registered as a subcommand of the grid's ``linli grid`` command (``linli.grid.commands``)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from linli.grid.commands import Subcommand


def _add_arguments(parser) -> None:
    parser.add_argument("--community", required=True, help="社区名称或12位统计代码")
    parser.add_argument("file", help="输出的 PDF 文件，每个单元一页 A4")


def _handle(command, options: dict) -> None:
    from linli.grid.management.commands.grid import community_by_name

    from .pdf import Sheet, sheets_pdf
    from .services import codes_for_community, public_url

    community = community_by_name(options["community"])
    rows = codes_for_community(community=community)
    if not rows:
        raise CommandError(f"{community.name}还没有单元（请先导入台账）")
    sheets = [
        Sheet(
            community=community.name,
            compound=unit.building.compound.name,
            building_unit=f"{unit.building.name} {unit.name}",
            url=public_url(code),
        )
        for unit, code in rows
    ]
    path = Path(options["file"])
    try:
        path.write_bytes(sheets_pdf(sheets))
    except OSError as exc:
        raise CommandError(f"无法写入 {path}：{exc.strerror}") from None
    command.stdout.write(
        f"已生成 {community.name} 的楼道码：{len(sheets)} 个单元，{len(sheets)} 页 A4 → {path}"
    )


def qr_subcommand() -> Subcommand:
    return Subcommand(
        help="打印社区每个单元（楼道）的二维码公示页（A4 PDF）",
        add_arguments=_add_arguments,
        handle=_handle,
    )
