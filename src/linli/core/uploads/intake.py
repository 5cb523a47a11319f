"""Taking files in: check the limits, sniff the kind from the bytes, re-encode images.

:func:`accept_uploads` is the one door. It reads every file of the request before it decodes
any (so the per-request limits are checked on what arrived, not on what the client declared),
then for each file:

- the kind comes from the first bytes (:func:`~.kinds.sniff`); the client's name and
  Content-Type are never consulted; a kind the caller does not allow is refused;
- an image is opened by Pillow for that one format only; its pixel count is checked from the
  header before anything is decoded (a 1 MB PNG can hold 2 gigapixels), and Pillow's own
  ``DecompressionBombError`` is caught too; it is then decoded, turned upright by its EXIF
  orientation, scaled down to ``LINLI_UPLOAD_IMAGE_MAX_SIDE`` and re-encoded from its pixels
  alone, so EXIF (GPS positions of people's homes), XMP, ICC, text chunks, comments and any
  bytes appended after the image (an HTML polyglot) are gone;
- a PDF is kept as it came (it is only ever served as an attachment).

Errors are :class:`~linli.core.errors.DomainError` with ``<app>.<reason>`` codes, a Chinese
message naming the file, and ``details`` naming the form field.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile

from ..errors import DomainError, Invalid
from .kinds import HEAD_BYTES, IMAGES, JPEG, PNG, WEBP, FileKind, labels, sniff

JPEG_QUALITY = 85
WEBP_QUALITY = 85


@dataclass(frozen=True)
class Limits:
    """Per-file and per-request limits; ``Limits.from_settings()`` reads ``LINLI_UPLOAD_*``."""

    max_file_bytes: int
    max_request_bytes: int
    max_files: int
    max_pixels: int
    image_max_side: int

    @property
    def max_file_mb(self) -> str:
        """For forms: ``10`` (MB)."""
        return _mb(self.max_file_bytes)

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_file_bytes=settings.LINLI_UPLOAD_MAX_FILE_BYTES,
            max_request_bytes=settings.LINLI_UPLOAD_MAX_REQUEST_BYTES,
            max_files=settings.LINLI_UPLOAD_MAX_FILES,
            max_pixels=settings.LINLI_UPLOAD_MAX_PIXELS,
            image_max_side=settings.LINLI_UPLOAD_IMAGE_MAX_SIDE,
        )


@dataclass(frozen=True)
class AcceptedFile:
    """A file that passed: its kind, the bytes to store (re-encoded for images) and a
    generated name. ``original_name`` is only ever shown, never used as a path."""

    kind: FileKind
    content: bytes
    original_name: str
    stored_name: str = field(default="")

    def __post_init__(self):
        if not self.stored_name:
            object.__setattr__(self, "stored_name", f"{uuid.uuid4().hex}.{self.kind.extension}")

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def display_name(self) -> str:
        """The client's name with the canonical extension: ``receipt.html`` → ``receipt.png``."""
        return f"{display_stem(self.original_name, limit=150)}.{self.kind.extension}"

    def as_file(self) -> ContentFile:
        """A file to assign to a ``FileField``/``ImageField`` (its ``upload_to`` keeps the
        generated name)."""
        return ContentFile(self.content, name=self.stored_name)


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\\"<>|:*?]+")


def shown_name(name: str, *, limit: int = 80) -> str:
    """A client's file name fit for a message: the last path part, no control characters,
    at most ``limit`` characters."""
    name = re.split(r"[/\\]", str(name or ""))[-1]
    name = _UNSAFE.sub("_", name).strip() or "未命名文件"
    return name if len(name) <= limit else name[: limit - 1] + "…"


def display_stem(name: str, *, limit: int = 80) -> str:
    """``shown_name`` without its extension (``收据.HTML`` → ``收据``)."""
    shown = shown_name(name, limit=limit)
    stem = shown.rsplit(".", 1)[0] if "." in shown.strip(".") else shown
    return stem.strip(" .") or "文件"


def _mb(size: int) -> str:
    value = size / 1024 / 1024
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _error(app: str, reason: str, message: str, field_name: str, value=None, **extra):
    detail = {"field": field_name}
    if value is not None:
        detail["value"] = value
    detail.update(extra)
    return Invalid(message, code=f"{app}.{reason}", details=[detail])


def _read(upload, limit: int) -> bytes:
    if hasattr(upload, "seek"):
        with contextlib.suppress(OSError, ValueError):
            upload.seek(0)
    data = upload.read(limit + 1)
    return data if isinstance(data, bytes) else bytes(data or b"")


def accept_uploads(
    files: Iterable,
    *,
    app: str,
    kinds: tuple[FileKind, ...] = IMAGES,
    field_name: str = "photos",
    what: str = "照片",
    limits: Limits | None = None,
) -> list[AcceptedFile]:
    """Check and clean every file of one request; all pass or a :class:`DomainError` says
    which one did not and why (nothing is stored either way: the caller stores the result).

    ``kinds`` is what the caller takes (:data:`~.kinds.IMAGES` for photos,
    :data:`~.kinds.IMAGES_AND_PDF` for vouchers); ``what`` names a file in messages
    (照片, 凭证). Codes: ``<app>.too_many_files``, ``<app>.file_empty``,
    ``<app>.file_too_large``, ``<app>.upload_too_large`` (the request's total),
    ``<app>.file_not_allowed``, ``<app>.image_too_large`` (pixels).
    """
    limits = limits or Limits.from_settings()
    files = [f for f in files if f]
    if len(files) > limits.max_files:
        raise _error(
            app,
            "too_many_files",
            f"一次最多上传 {limits.max_files} 个文件，这次选了 {len(files)} 个",
            field_name,
            limit=limits.max_files,
        )
    raw: list[tuple[str, bytes]] = []
    total = 0
    for upload in files:
        name = shown_name(getattr(upload, "name", ""))
        declared = getattr(upload, "size", None)
        if declared is not None and declared > limits.max_file_bytes:
            data = b""
            size = declared
        else:
            data = _read(upload, limits.max_file_bytes)
            size = len(data)
        if size > limits.max_file_bytes:
            raise _error(
                app,
                "file_too_large",
                f"{what}“{name}”超过 {_mb(limits.max_file_bytes)} MB，请压缩后再上传",
                field_name,
                name,
                limit=limits.max_file_bytes,
            )
        if size == 0:
            raise _error(app, "file_empty", f"{what}“{name}”是空文件", field_name, name)
        total += size
        if total > limits.max_request_bytes:
            raise _error(
                app,
                "upload_too_large",
                f"这次上传的文件合计超过 {_mb(limits.max_request_bytes)} MB，请分几次上传",
                field_name,
                name,
                limit=limits.max_request_bytes,
            )
        raw.append((name, data))

    accepted = []
    for name, data in raw:
        kind = sniff(data[:HEAD_BYTES])
        if kind is None or kind not in kinds:
            found = f"是 {kind.label} 文件，" if kind is not None else ""
            raise _error(
                app,
                "file_not_allowed",
                f"{what}“{name}”{found}不是可以上传的 {labels(kinds)}",
                field_name,
                name,
            )
        if kind.image:
            data = _reencode(
                data, kind, name=name, app=app, what=what, field_name=field_name, limits=limits
            )
        accepted.append(AcceptedFile(kind=kind, content=data, original_name=name))
    return accepted


def _reencode(
    data: bytes, kind: FileKind, *, name: str, app: str, what: str, field_name: str, limits
) -> bytes:
    from PIL import Image, ImageOps, UnidentifiedImageError

    def too_many_pixels(width=None, height=None):
        size = f"（{width}×{height}）" if width else ""
        return _error(
            app,
            "image_too_large",
            f"{what}“{name}”像素过多{size}，上限 {limits.max_pixels // 10_000} 万像素",
            field_name,
            name,
            limit=limits.max_pixels,
        )

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind.pil_format]) as image:
                width, height = image.size
                if width * height > limits.max_pixels:
                    raise too_many_pixels(width, height)
                side = limits.image_max_side
                if kind is JPEG and side:
                    image.draft("RGB", (side, side))  # decode at 1/2, 1/4, 1/8 when it can
                upright = ImageOps.exif_transpose(image)
                upright = _plain_mode(upright, kind)
                if side and max(upright.size) > side:
                    upright.thumbnail((side, side), Image.Resampling.LANCZOS)
                # Pixels only: a fresh image carries no info (EXIF, XMP, ICC, comments, text).
                clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError):
        raise _error(
            app,
            "file_not_allowed",
            f"{what}“{name}”无法读取，文件可能已损坏，请重新拍照或另选一张",
            field_name,
            name,
        ) from None
    out = io.BytesIO()
    if kind is JPEG:
        clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    elif kind is PNG:
        clean.save(out, format="PNG")
    elif kind is WEBP:
        clean.save(out, format="WEBP", quality=WEBP_QUALITY)
    return out.getvalue()


def _plain_mode(image, kind: FileKind):
    """Convert to L, RGB or RGBA (what each format stores plainly; palettes and CMYK go)."""
    alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )
    grey = image.mode in ("1", "L")
    if kind is JPEG:
        target = "L" if grey else "RGB"
    elif kind is PNG:
        target = "RGBA" if alpha else ("L" if grey else "RGB")
    else:
        target = "RGBA" if alpha else "RGB"
    return image if image.mode == target else image.convert(target)


__all__ = ["AcceptedFile", "Limits", "accept_uploads", "display_stem", "shown_name"]
