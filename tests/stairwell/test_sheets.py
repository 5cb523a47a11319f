"""``linli grid qr``: one A4 page per stairwell, each QR code decoding back to exactly its
page's address (rendered with pdftoppm, read with zbarimg from Debian's zbar-tools)."""

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from linli.ledger import services as ledger_services
from linli.stairwell.models import StairwellCode

TOOLS = shutil.which("pdftoppm") and shutil.which("zbarimg") and shutil.which("pdfinfo")


def _pages(path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(
        next(line for line in out.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )


def _decode(path, tmp_path) -> list[str]:
    """The QR code of each page, in page order."""
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(path), str(tmp_path / "p")], check=True)
    urls = []
    for png in sorted(tmp_path.glob("p-*.png")):
        out = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
            capture_output=True,
            text=True,
            check=True,
        )
        found = out.stdout.split()
        assert len(found) == 1, png.name
        urls.append(found[0])
    return urls


@pytest.mark.skipif(not TOOLS, reason="needs poppler-utils and zbar-tools")
def test_the_sheets_decode_back_to_each_stairwells_url(world, compound, tmp_path, settings):
    settings.LINLI_PUBLIC_URL = "https://linli.example.cn"
    for building, unit in (("2栋", "1单元"), ("2栋", "2单元")):
        ledger_services.household_ensure(
            compound=compound, building=building, unit=unit, room="101", area=Decimal("60")
        )
    path = tmp_path / "qr.pdf"
    call_command("grid", "qr", "--community", "兴东社区", str(path))
    codes = StairwellCode.objects.select_related("unit__building").order_by(
        "unit__building__name", "unit__name"
    )
    expected = [f"https://linli.example.cn/s/{c.token}/" for c in codes]
    assert len(expected) == 3 == _pages(path)
    assert _decode(path, tmp_path) == expected
    # a reprint: the same codes
    again = tmp_path / "again"
    again.mkdir()
    call_command("grid", "qr", "--community", "兴东社区", str(again / "qr.pdf"))
    assert _decode(again / "qr.pdf", again) == expected


def test_an_unknown_community_or_one_without_units(world, regions, tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        call_command("grid", "qr", "--community", "没有这个社区", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="还没有单元"):
        call_command("grid", "qr", "--community", "新塘社区", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()
