"""The kinds of file Linli keeps, told apart by their first bytes (never by a name or a
declared Content-Type)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileKind:
    """One accepted kind: its canonical type, extension and whether it is shown inline."""

    key: str
    content_type: str
    extension: str
    label: str
    image: bool
    pil_format: str = ""


JPEG = FileKind("jpeg", "image/jpeg", "jpg", "JPEG", True, "JPEG")
PNG = FileKind("png", "image/png", "png", "PNG", True, "PNG")
WEBP = FileKind("webp", "image/webp", "webp", "WebP", True, "WEBP")
PDF = FileKind("pdf", "application/pdf", "pdf", "PDF", False)

#: what a photo may be (case and visit photos)
IMAGES: tuple[FileKind, ...] = (JPEG, PNG, WEBP)
#: what a document may be (vouchers): a photo of it or a PDF
IMAGES_AND_PDF: tuple[FileKind, ...] = (*IMAGES, PDF)

KINDS = {k.extension: k for k in IMAGES_AND_PDF}
#: the longest prefix :func:`sniff` looks at
HEAD_BYTES = 16


def sniff(head: bytes) -> FileKind | None:
    """The kind whose signature ``head`` (a file's first bytes) starts with, or None.

    JPEG ``FF D8 FF``; PNG's eight-byte signature; WebP ``RIFF····WEBP``; PDF ``%PDF-``.
    Everything else (HTML, SVG, GIF, zip, …) is None.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def labels(kinds) -> str:
    """``JPEG、PNG、WebP 图片或 PDF 文件`` — for messages."""
    images = [k.label for k in kinds if k.image]
    others = [k.label for k in kinds if not k.image]
    text = f"{'、'.join(images)} 图片" if images else ""
    if others:
        text = f"{text}或 {'、'.join(others)} 文件" if text else f"{'、'.join(others)} 文件"
    return text
