"""``linli.core.uploads.file_response``: the type from the bytes, the security headers, and
the three ways of sending (Django, X-Accel-Redirect, X-Sendfile). Legacy files — stored
before the upload module, under the uploader's name — are served by what their bytes are."""

import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import Http404
from PIL import Image

from linli.cases.models import CasePhoto
from linli.core import uploads

HTML = b"<html><script>document.title='pwned'</script></html>"
PDF_BYTES = b"%PDF-1.4\n%%EOF\n"


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return buf.getvalue()


def stored(name: str, data: bytes) -> FieldFile:
    """A file on disk under ``name`` (kept as given: legacy rows have such names)."""
    path = Path(default_storage.location) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return FieldFile(None, CasePhoto._meta.get_field("image"), name)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_hardened(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Cache-Control"].startswith("private")


def test_an_image_is_inline_with_its_sniffed_type():
    response = uploads.file_response(stored("cases/2026/03/ab.png", png()), download_name="照片-1")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert "filename*=utf-8''%E7%85%A7%E7%89%87-1.png" in response["Content-Disposition"]
    assert_hardened(response)
    assert body(response) == png()


def test_a_legacy_png_named_html_is_served_as_a_png():
    """Legacy rows kept the uploader's name: p.html holding a PNG (with HTML appended)."""
    response = uploads.file_response(
        stored("cases/2025/01/p.html", png() + HTML), download_name="p.html"
    )
    assert response["Content-Type"] == "image/png"  # never text/html
    assert response["Content-Disposition"].startswith('inline; filename="p.png"')
    assert_hardened(response)


@pytest.mark.parametrize("name", ["commons/2025/01/receipt.html", "cases/2025/01/x.svg"])
def test_a_legacy_file_that_is_no_allowed_kind_is_an_octet_stream_attachment(name):
    response = uploads.file_response(stored(name, HTML), download_name="receipt.html")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="receipt.bin"'
    assert_hardened(response)


def test_a_pdf_is_an_attachment():
    response = uploads.file_response(
        stored("commons/2026/03/cd.pdf", PDF_BYTES), download_name="发票"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".pdf" in response["Content-Disposition"]
    assert_hardened(response)


def test_a_file_missing_from_the_disk_is_404():
    with pytest.raises(Http404) as exc:
        uploads.file_response(
            FieldFile(None, CasePhoto._meta.get_field("image"), "cases/gone.png"),
            download_name="x",
        )
    assert str(exc.value) == uploads.NOT_FOUND


def test_x_accel_redirect_hands_the_file_to_nginx(settings):
    settings.LINLI_FILE_SERVING = "x-accel-redirect"
    settings.LINLI_FILE_SERVING_PREFIX = "/_protected/"
    response = uploads.file_response(stored("visits/2026/03/ef.png", png()), download_name="走访")
    assert response["X-Accel-Redirect"] == "/_protected/visits/2026/03/ef.png"
    assert response.content == b""  # nginx sends the bytes
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert_hardened(response)
    legacy = uploads.file_response(stored("cases/2025/01/照片 1.html", HTML), download_name="x")
    assert legacy["X-Accel-Redirect"] == "/_protected/cases/2025/01/%E7%85%A7%E7%89%87%201.html"
    assert legacy["Content-Type"] == "application/octet-stream"
    assert legacy["Content-Disposition"].startswith("attachment;")


def test_x_sendfile_names_the_absolute_path(settings):
    settings.LINLI_FILE_SERVING = "x-sendfile"
    response = uploads.file_response(stored("commons/2026/03/gh.pdf", PDF_BYTES), download_name="a")
    assert response["X-Sendfile"] == str(Path(settings.MEDIA_ROOT) / "commons/2026/03/gh.pdf")
    assert response.content == b"" and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert_hardened(response)


@pytest.mark.parametrize(
    "variable,value",
    [
        ("LINLI_FILE_SERVING", "apache"),
        ("LINLI_FILE_SERVING_PREFIX", "protected"),
        ("LINLI_UPLOAD_MAX_FILES", "0"),
        ("LINLI_UPLOAD_MAX_FILE_BYTES", "10MB"),
    ],
)
def test_bad_settings_stop_start_up_naming_the_variable(variable, value):
    import os
    import subprocess
    import sys

    env = {**os.environ, variable: value, "DJANGO_SETTINGS_MODULE": "linli.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and variable in result.stderr
