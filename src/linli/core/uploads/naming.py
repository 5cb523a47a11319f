"""Stored names: generated, never the uploader's."""

from __future__ import annotations

import re
import uuid
from pathlib import PurePosixPath

from django.utils import timezone
from django.utils.deconstruct import deconstructible

from .kinds import KINDS

_GENERATED = re.compile(r"^[0-9a-f]{32}\.(?:" + "|".join(KINDS) + r")$")


@deconstructible(path="linli.core.uploads.StoredName")
class StoredName:
    """``upload_to`` for every file field: ``<folder with strftime codes><uuid4 hex>.<ext>``.

    A name made by :class:`~.intake.AcceptedFile` (a uuid hex with a canonical extension) is
    kept; anything else — a file assigned some other way — gets a fresh uuid and ``.bin``
    unless its extension is a canonical one. The uploader's name never reaches the disk.
    """

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        base = PurePosixPath(str(filename or "")).name.lower()
        if not _GENERATED.match(base):
            ext = base.rsplit(".", 1)[-1] if "." in base else ""
            base = f"{uuid.uuid4().hex}.{ext if ext in KINDS else 'bin'}"
        return timezone.localtime().strftime(self.folder) + base

    def __eq__(self, other) -> bool:
        return isinstance(other, StoredName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)
