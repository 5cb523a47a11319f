"""The upload module (``linli.core.uploads``): kinds from the bytes, limits, re-encoding,
generated names. No database: these are the module's own rules; the apps' tests check that
each app goes through it."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.core import uploads
from linli.core.errors import DomainError

LIMITS = uploads.Limits(
    max_file_bytes=1024 * 1024,
    max_request_bytes=3 * 1024 * 1024,
    max_files=3,
    max_pixels=4_000_000,
    image_max_side=0,
)
HTML = b"<html><body><script>document.title='pwned';fetch('/api/v1/ledger/residents')</script>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>document.title='pwned'</script><rect width='10' height='10'/></svg>"
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GENERATED = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp|pdf)$")


def image_bytes(fmt="PNG", size=(40, 30), color="orange", mode="RGB", **save) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, color).save(buf, format=fmt, **save)
    return buf.getvalue()


def upload(name, data, content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def accept(*files, kinds=uploads.IMAGES, limits=LIMITS, **kwargs):
    return uploads.accept_uploads(list(files), app="test", kinds=kinds, limits=limits, **kwargs)


def refused(*files, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as exc:
        accept(*files, **kwargs)
    return exc.value


# ---------------------------------------------------------------- kinds from the bytes


def test_png_with_html_appended_named_html_is_a_png_without_the_html():
    """The stored-XSS voucher: a valid PNG, HTML appended, named receipt.html, text/html."""
    polyglot = image_bytes() + HTML
    [f] = accept(upload("receipt.html", polyglot, "text/html"), kinds=uploads.IMAGES_AND_PDF)
    assert f.kind is uploads.PNG and f.kind.content_type == "image/png"
    assert b"<script" not in f.content and b"<html" not in f.content
    assert f.content.startswith(b"\x89PNG") and f.content.endswith(b"IEND\xaeB`\x82")
    assert f.display_name == "receipt.png"
    assert GENERATED.match(f.stored_name) and f.stored_name.endswith(".png")
    with Image.open(io.BytesIO(f.content)) as again:
        assert again.size == (40, 30) and again.getpixel((0, 0)) == (255, 165, 0)


def test_an_svg_is_refused_naming_the_file():
    err = refused(upload("logo.svg", SVG, "image/svg+xml"))
    assert err.code == "test.file_not_allowed"
    assert "logo.svg" in err.message and "JPEG、PNG、WebP" in err.message
    assert err.details == [{"field": "photos", "value": "logo.svg"}]


@pytest.mark.parametrize(
    "name,data",
    [
        ("photo.png", HTML),  # HTML named .png, declared image/png
        ("photo.jpg", b"GIF89a" + image_bytes("GIF")[6:]),  # GIF is not taken
        ("photo.png", b"\x89PNG\r\n"),  # a signature and nothing after it
        ("photo.jpg", image_bytes("JPEG")[:200]),  # truncated
        ("photo.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 garbage"),
        ("doc.zip", b"PK\x03\x04" + b"\x00" * 40),
    ],
)
def test_bytes_that_are_no_allowed_image_are_refused(name, data):
    err = refused(upload(name, data))
    assert err.code == "test.file_not_allowed" and name in err.message


def test_a_pdf_is_accepted_where_allowed_and_refused_as_a_photo():
    [f] = accept(upload("发票.pdf", PDF_BYTES, "application/pdf"), kinds=uploads.IMAGES_AND_PDF)
    assert f.kind is uploads.PDF and f.content == PDF_BYTES  # kept as it came
    assert f.display_name == "发票.pdf" and GENERATED.match(f.stored_name)
    err = refused(upload("发票.pdf", PDF_BYTES, "application/pdf"))
    assert err.code == "test.file_not_allowed"
    assert "发票.pdf" in err.message and "是 PDF 文件" in err.message


def test_a_pdf_declared_as_an_image_is_still_a_pdf():
    [f] = accept(upload("a.png", PDF_BYTES, "image/png"), kinds=uploads.IMAGES_AND_PDF)
    assert f.kind is uploads.PDF and f.stored_name.endswith(".pdf")


@pytest.mark.parametrize("fmt,kind", [("JPEG", "jpeg"), ("PNG", "png"), ("WEBP", "webp")])
def test_each_image_kind_keeps_its_kind(fmt, kind):
    [f] = accept(upload("x.bin", image_bytes(fmt), "application/octet-stream"))
    assert f.kind.key == kind and f.stored_name.endswith("." + f.kind.extension)
    with Image.open(io.BytesIO(f.content)) as again:
        assert again.format == fmt


def test_transparency_and_greyscale_survive():
    palette = Image.new("P", (4, 4), 0)
    palette.putpalette([255, 0, 0, 0, 255, 0])
    palette.putpixel((0, 0), 1)
    buf = io.BytesIO()
    palette.save(buf, "PNG", transparency=0)
    [rgba, grey, pal] = accept(
        upload("a.png", image_bytes(mode="RGBA", color=(0, 0, 255, 80))),
        upload("b.jpg", image_bytes("JPEG", mode="L", color=128)),
        upload("c.png", buf.getvalue()),
    )
    with Image.open(io.BytesIO(rgba.content)) as im:
        assert im.mode == "RGBA" and im.getpixel((1, 1)) == (0, 0, 255, 80)
    with Image.open(io.BytesIO(grey.content)) as im:
        assert im.mode == "L"
    with Image.open(io.BytesIO(pal.content)) as im:
        assert im.mode == "RGBA" and im.getpixel((1, 1))[3] == 0
        assert im.getpixel((0, 0)) == (0, 255, 0, 255)


# ---------------------------------------------------------------- metadata


def _exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (26.0, 56.0, 12.5)  # 衡东县, roughly
    gps[3] = "E"
    gps[4] = (112.0, 57.0, 3.2)
    return exif


def test_exif_gps_is_stripped_and_the_photo_turned_upright():
    data = image_bytes("JPEG", size=(60, 40), exif=_exif_with_gps(orientation=6))
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(0x8825)  # the GPS position is there to start with
    [f] = accept(upload("home.jpg", data, "image/jpeg"))
    with Image.open(io.BytesIO(f.content)) as clean:
        assert clean.size == (40, 60)  # orientation 6: turned 90°
        assert len(clean.getexif()) == 0 and not clean.getexif().get_ifd(0x8825)
        assert "exif" not in clean.info and "icc_profile" not in clean.info
    assert b"Exif" not in f.content and b"PhoneMaker" not in f.content


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_icc_xmp_comments_and_text_chunks_are_gone(fmt):
    from PIL import PngImagePlugin

    icc = b"\x00\x00\x02\x0cfake-icc-profile-with-<script>" + b"\x00" * 64
    save = {"icc_profile": icc, "exif": _exif_with_gps()}
    if fmt == "JPEG":
        save["comment"] = b"<script>alert(1)</script>"
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "<script>alert(1)</script>")
        save["pnginfo"] = info
    if fmt in ("JPEG", "WEBP"):
        save["xmp"] = b"<x:xmpmeta><script>alert(1)</script></x:xmpmeta>"
    [f] = accept(upload("x", image_bytes(fmt, **save)))
    assert b"script" not in f.content and b"fake-icc" not in f.content
    assert b"Exif" not in f.content
    with Image.open(io.BytesIO(f.content)) as clean:
        assert not (set(clean.info) & {"icc_profile", "exif", "xmp", "comment", "Comment"})


def test_large_photos_are_scaled_down_to_the_longest_side():
    limits = uploads.Limits(**{**LIMITS.__dict__, "image_max_side": 100})
    [wide, small] = accept(
        upload("wide.jpg", image_bytes("JPEG", size=(800, 400))),
        upload("small.png", image_bytes(size=(50, 20))),
        limits=limits,
    )
    with Image.open(io.BytesIO(wide.content)) as im:
        assert im.size == (100, 50)
    with Image.open(io.BytesIO(small.content)) as im:
        assert im.size == (50, 20)  # never enlarged


# ---------------------------------------------------------------- limits


def test_a_file_over_the_byte_limit_is_refused():
    big = image_bytes() + b"\x00" * (LIMITS.max_file_bytes + 1)
    err = refused(upload("big.png", big))
    assert err.code == "test.file_too_large" and "big.png" in err.message and "1 MB" in err.message
    assert err.details[0]["limit"] == LIMITS.max_file_bytes


def test_a_file_whose_declared_size_is_over_the_limit_is_not_read():
    class Huge:
        name = "huge.jpg"
        size = 5 * 1024**3

        def read(self, *args):
            raise AssertionError("must not be read")

    assert refused(Huge()).code == "test.file_too_large"


def test_an_empty_file_is_refused():
    err = refused(upload("empty.jpg", b""))
    assert err.code == "test.file_empty" and "empty.jpg" in err.message


def test_a_pixel_bomb_is_refused_before_it_is_decoded():
    # 1-bit 6000×6000: a few KB on the wire, 36 million pixels
    bomb = image_bytes(size=(6000, 6000), mode="1", color=0)
    assert len(bomb) < 100_000
    err = refused(upload("bomb.png", bomb))
    assert err.code == "test.image_too_large"
    assert "bomb.png" in err.message and "6000×6000" in err.message


def test_pillows_own_bomb_check_is_answered_the_same(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 500)  # Pillow errors above 2× this
    limits = uploads.Limits(**{**LIMITS.__dict__, "max_pixels": 10**9})
    err = refused(upload("bomb.png", image_bytes(size=(100, 100))), limits=limits)
    assert err.code == "test.image_too_large"


def test_too_many_files_in_one_request():
    files = [upload(f"{i}.png", image_bytes()) for i in range(LIMITS.max_files + 1)]
    err = refused(*files)
    assert err.code == "test.too_many_files" and str(LIMITS.max_files) in err.message
    assert len(accept(*files[:-1])) == LIMITS.max_files


def test_too_many_bytes_in_one_request():
    # three files each under the per-file limit, together over the request's limit
    part = image_bytes() + b"\x00" * (LIMITS.max_file_bytes - 1000)
    files = [upload(f"{i}.png", part) for i in range(3)]
    limits = uploads.Limits(**{**LIMITS.__dict__, "max_request_bytes": 2 * 1024 * 1024})
    assert 3 * len(part) > limits.max_request_bytes
    err = refused(*files, limits=limits)
    assert err.code == "test.upload_too_large" and "2 MB" in err.message
    assert err.details[0]["value"] == "2.png"
    assert len(accept(*files[:2], limits=limits)) == 2


def test_limits_come_from_settings(settings):
    settings.LINLI_UPLOAD_MAX_FILES = 1
    with pytest.raises(DomainError) as exc:
        uploads.accept_uploads(
            [upload("a.png", image_bytes()), upload("b.png", image_bytes())], app="cases"
        )
    assert exc.value.code == "cases.too_many_files"


# ---------------------------------------------------------------- names


def test_stored_names_are_generated():
    name = uploads.StoredName("cases/%Y/%m/")
    kept = "0123456789abcdef0123456789abcdef.png"
    assert re.match(r"^cases/\d{4}/\d{2}/" + kept + "$", name(None, kept))
    for given, ext in [
        ("p.html", "bin"),
        ("../../x.JPG", "jpg"),
        ("收据.pdf", "pdf"),
        ("x", "bin"),
    ]:
        stored = name(None, given)
        assert re.match(r"^cases/\d{4}/\d{2}/[0-9a-f]{32}\." + ext + "$", stored), stored
    assert name(None, "a.png") != name(None, "a.png")
    assert name == uploads.StoredName("cases/%Y/%m/") != uploads.StoredName("visits/%Y/%m/")


@pytest.mark.parametrize(
    "given,shown",
    [
        ("C:\\Users\\王\\收据.HTML", "收据"),
        ("../../etc/passwd", "passwd"),
        ('a"<b>\x00.png', "a_b_"),
        ("", "未命名文件"),
    ],
)
def test_names_shown_to_people_are_plain(given, shown):
    assert uploads.display_stem(given) == shown


def test_sniff_knows_only_four_kinds():
    assert uploads.sniff(image_bytes("JPEG")[:16]) is uploads.JPEG
    assert uploads.sniff(image_bytes("WEBP")[:16]) is uploads.WEBP
    assert uploads.sniff(b"%PDF-1.7") is uploads.PDF
    for head in (HTML[:16], SVG[:16], b"GIF89a", b"", b"RIFF\x00\x00\x00\x00WAVE"):
        assert uploads.sniff(head) is None
