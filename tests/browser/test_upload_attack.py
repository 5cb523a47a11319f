"""The stored-XSS attack through uploads, replayed in Chromium (issue 10, item 1).

A committee member enters a public-income voucher whose bytes are a valid PNG with HTML
appended, named ``receipt.html`` and declared ``text/html``; a resident sends the same as a
case photo; both try an SVG with a script. Then a county official opens every stored file's
URL — and the files an older Linli stored under the uploader's name (``p.html``,
``evil.svg``). The payload would set ``document.title`` and call ``fetch``: neither happens.
The hostile files are refused (SVG) or served inert (the polyglot, re-encoded, as image/png;
legacy HTML/SVG as an ``application/octet-stream`` download).
"""

import io
import os
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from linli.cases.models import Case, CasePhoto
from linli.commons.models import Entry, Voucher

from ..commons.conftest import _media, world  # noqa: F401  (fixtures)
from .test_cases_pages import login
from .test_pages import CHROMIUM, browser, page, shot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PAYLOAD = (
    b"<html><body><script>document.title='pwned';"
    b"fetch('/api/v1/ledger/residents?stolen=1');</script></body></html>"
)
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" onload="'
    b"document.title='pwned';fetch('/api/v1/ledger/residents?stolen=1')\">"
    b"<script>document.title='pwned';fetch('/api/v1/ledger/residents?stolen=1')</script>"
    b'<rect width="40" height="40" fill="red"/></svg>'
)


def polyglot() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (120, 80), "white").save(buf, "PNG")
    return buf.getvalue() + PAYLOAD


def as_upload(name: str, mime: str, data: bytes) -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def watch(tab) -> list[str]:
    """Every request the page makes to the API (the payload's fetch would be one)."""
    seen: list[str] = []
    tab.on("request", lambda r: seen.append(r.url) if "/api/" in r.url else None)
    return seen


def open_inline(tab, url: str) -> str:
    """Open ``url`` as a person would (typing it in) and return the tab's title after any
    script had the chance to run."""
    tab.goto(url)
    tab.wait_for_timeout(300)
    return tab.title()


def open_download(tab, url: str) -> str:
    """Open ``url``; the browser saves it instead of showing it. Returns the saved name."""
    from playwright.sync_api import Error as PlaywrightError

    with tab.expect_download() as info:
        try:
            tab.goto(url)
        except PlaywrightError as exc:  # "Download is starting"
            assert "Download" in str(exc) or "ERR_ABORTED" in str(exc), exc
    return info.value.suggested_filename


def legacy_file(name: str, data: bytes) -> str:
    """A file stored by the old code under the uploader's name (no re-encoding)."""
    path = Path(default_storage.location) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return name


@pytest.mark.django_db(transaction=True)
def test_hostile_uploads_are_refused_or_served_inert(
    page,  # noqa: F811
    live_server,
    world,  # noqa: F811
    cases_seeded,
):
    account = world["account"]

    # 1. the committee member's voucher: a PNG+HTML polyglot named receipt.html, text/html
    login(page, live_server, "yeweihui_a", f"/commons/{account.pk}/entries/new/")
    page.click("text=停车/院内泊车")
    page.fill("input[name=amount]", "120.00")
    page.fill("input[name=counterparty]", "院内停车管理员")
    page.fill("textarea[name=description]", "临时停车费")
    page.set_input_files("input[name=vouchers]", as_upload("receipt.html", "text/html", polyglot()))
    page.click("main button[type=submit]")
    page.wait_for_selector("text=待审核")
    voucher = Voucher.objects.get()
    assert voucher.content_type == "image/png" and voucher.name == "receipt.png"
    assert voucher.file.name.endswith(".png") and "receipt" not in voucher.file.name
    with voucher.file.open("rb") as f:
        assert b"<script" not in f.read()
    shot(page, "upload-attack-voucher-entered")

    # ... and an SVG with a script: refused with a Chinese message naming the file
    page.goto(f"{live_server.url}/commons/{account.pk}/entries/new/")
    page.click("text=停车/院内泊车")
    page.fill("input[name=amount]", "80.00")
    page.fill("input[name=counterparty]", "院内停车管理员")
    page.fill("textarea[name=description]", "临时停车费")
    page.set_input_files("input[name=vouchers]", as_upload("evil.svg", "image/svg+xml", SVG))
    page.click("main button[type=submit]")
    page.wait_for_selector("p.error")
    error = page.inner_text("p.error")
    assert "evil.svg" in error and "不是可以上传的" in error
    assert Entry.objects.count() == 1 and Voucher.objects.count() == 1
    shot(page, "upload-attack-svg-refused")

    # 2. the same as case photos, by a resident
    login(page, live_server, "jumin_a", "/cases/new/sanitation/")
    page.fill("textarea[name=description]", "楼道垃圾没人清理")
    page.set_input_files("input[name=photos]", as_upload("evil.svg", "image/svg+xml", SVG))
    page.click("main button[type=submit]")
    page.wait_for_selector("p.error")
    assert "evil.svg" in page.inner_text("p.error") and not Case.objects.exists()
    page.set_input_files("input[name=photos]", as_upload("p.html", "text/html", polyglot()))
    page.click("main button[type=submit]")
    page.wait_for_selector("text=办理过程")
    photo = CasePhoto.objects.get()
    assert photo.image.name.endswith(".png") and "p.html" not in photo.image.name

    # 3. rows an older Linli stored under the uploader's name and declared type
    entry = Entry.objects.get()
    old_svg = Voucher.objects.create(
        entry=entry,
        file=legacy_file("commons/2025/01/evil.svg", SVG),
        name="evil.svg",
        content_type="image/svg+xml",
        size=len(SVG),
        sha256="0" * 64,
    )
    old_polyglot = Voucher.objects.create(
        entry=entry,
        file=legacy_file("commons/2025/01/receipt.html", polyglot()),
        name="receipt.html",
        content_type="text/html",
        size=len(polyglot()),
        sha256="0" * 64,
    )
    old_html = CasePhoto.objects.create(
        case=photo.case, image=legacy_file("cases/2025/01/p.html", PAYLOAD)
    )

    # 4. the county official opens each file: nothing runs
    login(page, live_server, "county", "/")
    api_calls = watch(page)
    new_files = [voucher.get_absolute_url(), photo.get_absolute_url()]
    for url in [*new_files, old_polyglot.get_absolute_url()]:
        response = page.request.get(f"{live_server.url}{url}")
        assert response.status == 200
        assert response.headers["content-type"] == "image/png"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in response.headers["content-security-policy"]
        assert "pwned" not in open_inline(page, f"{live_server.url}{url}")
        assert page.evaluate("document.contentType") == "image/png"
    shot(page, "upload-attack-image-opened")
    for url in (old_svg.get_absolute_url(), old_html.get_absolute_url()):
        response = page.request.get(f"{live_server.url}{url}")
        assert response.headers["content-type"] == "application/octet-stream"
        assert response.headers["content-disposition"].startswith("attachment;")
        assert open_download(page, f"{live_server.url}{url}").endswith(".bin")
        assert "pwned" not in page.title()
    # the case page shows the photo through the scoped view, and no script ran anywhere
    page.goto(f"{live_server.url}/cases/{photo.case_id}/")
    page.wait_for_selector("img.thumb")
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)"), (
        "a photo on the case page did not load"
    )
    assert "pwned" not in page.title()
    assert not [u for u in api_calls if "stolen" in u]
    shot(page, "upload-attack-case-page")
