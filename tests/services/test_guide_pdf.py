"""The printable A4 办事指南: rendered with pdftoppm, its text read back with pdftotext."""

import shutil
import subprocess

import pytest

from linli.services.guide import item_guide_pdf

pytestmark = pytest.mark.django_db
needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm")), reason="poppler-utils missing"
)


@needs_poppler
def test_guide_pdf_renders_and_reads_back(catalogue, tmp_path):
    pdf = item_guide_pdf(catalogue["card"])
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "guide.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "社保卡补办办事指南",
        "430424-RS-0001",
        "衡东县人力资源和社会保障局",
        "当场办结",
        "居民身份证",
        "白底一寸",
        "窗口核验身份",
        "兴东社区服务站",
        "周一至周五 08:30–12:00、14:30–17:30",
        "12345",
    ):
        assert expected in text.replace(" ", "").replace("\u3000", "") or expected in text, expected
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "595.276 x 841.89" in info  # A4 in points
