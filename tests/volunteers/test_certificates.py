"""志愿服务记录证明: refused for a period with unapproved records; numbered per issuer and
year; the PDF's text read back with pdftotext and its QR code decoded with zbarimg."""

import datetime as dt
import shutil
import subprocess

import pytest

from linli.core.errors import Conflict, Forbidden, Invalid
from linli.volunteers import services
from linli.volunteers.models import Certificate
from linli.volunteers.pdf import certificate_pdf

from .conftest import at

pytestmark = pytest.mark.django_db

MAY = (dt.date(2026, 5, 1), dt.date(2026, 5, 31))
ISSUER = {"person_in_charge": "李书记", "handler": "王芳", "contact": "0734-5221234"}


def served(w, user, t_in, t_out, approve=True):
    services.record_check_in(actor=user, shift=w["shift"], when=t_in)
    record = services.record_check_out(actor=user, shift=w["shift"], when=t_out)
    if approve:
        services.record_approve(actor=w["worker"], record=record)
    return record


def issue(w, volunteer=None, **kwargs):
    return services.certificate_issue(
        actor=w["worker"],
        volunteer=volunteer or w["va"],
        period_start=MAY[0],
        period_end=MAY[1],
        **{**ISSUER, **kwargs},
    )


def test_a_certificate_for_a_period_with_unapproved_records_is_refused(vworld):
    w = vworld
    served(w, w["resident_a"], at(9), at(11), approve=False)
    with pytest.raises(Conflict) as exc:
        issue(w)
    assert exc.value.code == "volunteers.unapproved_records"
    assert "1条服务记录尚未确认" in exc.value.message
    assert not Certificate.objects.exists()


def test_a_pending_correction_also_blocks_a_certificate(vworld):
    w = vworld
    record = served(w, w["resident_a"], at(9), at(11))
    services.correction_request(
        actor=w["resident_a"], record=record, reason="早到", check_in=at(9), check_out=at(11, 30)
    )
    with pytest.raises(Conflict):
        issue(w)


def test_no_service_no_certificate_and_only_the_office_issues(vworld):
    w = vworld
    with pytest.raises(Invalid) as exc:
        issue(w)
    assert exc.value.code == "volunteers.no_service"
    served(w, w["resident_a"], at(9), at(11))
    for outsider in (w["resident_a"], w["leader_a"], w["other_worker"]):
        with pytest.raises(Forbidden):
            services.certificate_issue(
                actor=outsider, volunteer=w["va"], period_start=MAY[0], period_end=MAY[1], **ISSUER
            )
    with pytest.raises(Invalid):
        issue(w, handler=" ")
    assert not Certificate.objects.exists()


def test_numbers_are_unique_per_issuer_and_year(vworld):
    w = vworld
    served(w, w["resident_a"], at(9), at(11))
    served(w, w["resident_b"], at(9), at(11))
    first = issue(w, when=dt.date(2026, 6, 1))
    second = issue(w, volunteer=w["vb"], when=dt.date(2026, 6, 2))
    next_year = issue(w, when=dt.date(2027, 1, 5))
    assert first.number == "兴东社区志证〔2026〕0001号"
    assert second.number == "兴东社区志证〔2026〕0002号"
    assert next_year.number == "兴东社区志证〔2027〕0001号"
    assert first.hours == 2 and first.activities[0]["title"] == "周六清洁"
    assert len({first.token, second.token, next_year.token}) == 3


needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="poppler-utils and zbar-tools are needed to read the PDF back",
)


@needs_poppler
def test_the_pdf_says_what_the_rules_ask_and_its_qr_leads_to_the_check(vworld, tmp_path):
    w = vworld
    served(w, w["resident_a"], at(8, 52), at(11, 40))
    cert = issue(w, when=dt.date(2026, 6, 1))
    url = f"https://linli.example.cn/v/{cert.token}/"
    path = tmp_path / "cert.pdf"
    path.write_bytes(certificate_pdf(cert, verify_url=url))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    for expected in (
        "志愿服务记录证明",
        "兴东社区志证〔2026〕0001号",
        "刘建国",
        "居民身份证",
        "4304**********5010",  # masked by default
        w["va"].number,
        "2.50小时",
        "周六清洁",
        "环境清洁",
        "兴东社区居民委员会",
        "负责人：李书记",
        "经办人：王芳",
        "0734-5221234",
        "2026年06月01日",
        "盖章处",
    ):
        assert expected in flat, expected
    assert "430424195606055010" not in flat
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(path), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert decoded == url


@needs_poppler
def test_the_full_id_number_only_when_asked(vworld, tmp_path):
    w = vworld
    served(w, w["resident_a"], at(9), at(11))
    cert = issue(w, full_id_number=True)
    path = tmp_path / "c.pdf"
    path.write_bytes(certificate_pdf(cert, verify_url="https://x/v/t/"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "430424195606055010" in "".join(text.split())
