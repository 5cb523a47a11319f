"""Checks on what people upload (visit and case photos)."""

from __future__ import annotations

from .errors import DomainError

MAX_PHOTO_BYTES = 5 * 1024 * 1024


def validate_photo(upload, *, app: str, max_bytes: int = MAX_PHOTO_BYTES) -> None:
    """Refuse a file that is over ``max_bytes`` or not an image Pillow can read.

    Errors carry ``<app>.photo_too_large`` / ``<app>.photo_not_image`` and name the file.
    """
    from PIL import Image, UnidentifiedImageError

    if upload.size > max_bytes:
        raise DomainError(
            code=f"{app}.photo_too_large",
            message=f"照片“{upload.name}”超过 {max_bytes // 1024 // 1024} MB",
            details=[{"field": "photos", "value": upload.name}],
        )
    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise DomainError(
            code=f"{app}.photo_not_image",
            message=f"文件“{upload.name}”不是图片",
            details=[{"field": "photos", "value": upload.name}],
        ) from None
    upload.seek(0)
