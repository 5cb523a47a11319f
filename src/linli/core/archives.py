"""Checking a ZIP archive (an .xlsx, .ods or .docx is one) before anything in it is read.

A 403 KB workbook whose sheet XML inflates to 400 MiB took a worker from 26 to 519 MB. What an
archive will inflate to is written in its central directory, at the end of the file, so the
check costs no decompression and next to no memory:

1. the end-of-central-directory record (the last 22 bytes … 64 KiB) gives the number of
   entries and the size of the directory; too many entries, or a directory too large for
   that many, is refused before :mod:`zipfile` builds one ``ZipInfo`` per entry;
2. the directory itself: the sum of the entries' uncompressed sizes against
   ``LINLI_IMPORT_MAX_UNCOMPRESSED_BYTES`` and each entry's compression ratio (uncompressed ÷
   compressed) against ``LINLI_IMPORT_MAX_COMPRESSION_RATIO``. Entries under 1 MiB are too
   small to matter and are not held to the ratio.

A directory that lies (declares a small size for an entry that inflates to much more) gains
nothing: both readers stop at the declared size — :mod:`zipfile`'s ``ZipExtFile`` stops there
and fails the CRC check, python-calamine (the Rust ``zip`` crate) answers "File is larger than
its declared uncompressed size" — so the declared sizes are the ones that count.

Refusals are :class:`ArchiveRefused` (a :class:`~linli.core.errors.DomainError`) with a
machine code, a Chinese message naming the file and the limit, and details.
"""

from __future__ import annotations

import os
import struct
import zipfile
from dataclasses import dataclass

from .errors import DomainError

MIB = 1024 * 1024
RATIO_GRACE_BYTES = MIB  # entries smaller than this are not held to the ratio
# A central-directory record is 46 bytes plus the entry's name, extra field and comment; real
# workbooks use well under 200 bytes an entry.
_DIRECTORY_BYTES_PER_ENTRY = 512
_MIN_RECORD_BYTES = 46
_EOCD = struct.Struct("<4s4H2LH")
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")


class ArchiveRefused(DomainError):
    """An archive that would cost too much to open; ``reason`` is the message without the
    file's name (for reports that name the file in a column of their own)."""

    def __init__(self, *, code: str, file_name: str, reason: str, **details):
        self.reason = reason
        super().__init__(
            code=code,
            message=f"“{file_name}”：{reason}" if file_name else reason,
            status=400,
            details=[{"field": "file", "value": file_name, **details}],
        )


@dataclass(frozen=True)
class Limits:
    max_entries: int
    max_uncompressed: int
    max_ratio: float

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        return cls(
            max_entries=settings.LINLI_IMPORT_MAX_ARCHIVE_ENTRIES,
            max_uncompressed=settings.LINLI_IMPORT_MAX_UNCOMPRESSED_BYTES,
            max_ratio=settings.LINLI_IMPORT_MAX_COMPRESSION_RATIO,
        )


def _mb(size: int) -> str:
    """``419430400`` → ``400 MB``, ``1258291`` → ``1.2 MB``, ``30520`` → ``29.8 KB``."""
    if size >= MIB:
        return f"{size / MIB:,.1f} MB" if size % MIB else f"{size // MIB:,} MB"
    if size >= 1024:
        return f"{size / 1024:,.1f} KB" if size % 1024 else f"{size // 1024:,} KB"
    return f"{size:,} 字节"


def _directory_counts(fh) -> tuple[int, int] | None:
    """(entries, directory bytes) from the end-of-central-directory record, or ``None`` when
    there is none (then :mod:`zipfile` reports the file as damaged)."""
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    tail_size = min(size, _EOCD.size + 0xFFFF)
    fh.seek(size - tail_size)
    tail = fh.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        return None
    _, _, _, _, entries, directory, offset, _ = _EOCD.unpack_from(tail, at)
    if entries == 0xFFFF or directory == 0xFFFFFFFF or offset == 0xFFFFFFFF:
        locator_at = at - _EOCD64_LOCATOR.size
        if locator_at >= 0 and tail[locator_at : locator_at + 4] == b"PK\x06\x07":
            _, _, eocd64_offset, _ = _EOCD64_LOCATOR.unpack_from(tail, locator_at)
            fh.seek(eocd64_offset)
            record = fh.read(_EOCD64.size)
            if len(record) == _EOCD64.size and record[:4] == b"PK\x06\x06":
                fields = _EOCD64.unpack(record)
                entries, directory = fields[7], fields[8]
    return entries, directory


def check_archive(source, *, file_name: str = "", limits: Limits | None = None) -> None:
    """Refuse ``source`` (a path or a seekable binary file) if opening it would cost too much.

    Reads the end-of-central-directory record and the central directory, nothing else; the
    file position is restored. A file that is not a ZIP archive at all is left to the reader.
    """
    limits = limits or Limits.from_settings()
    if isinstance(source, str | bytes) or hasattr(source, "__fspath__"):
        with open(source, "rb") as fh:
            _check(fh, file_name, limits)
        return
    position = source.tell()
    try:
        _check(source, file_name, limits)
    finally:
        source.seek(position)


def _check(fh, file_name: str, limits: Limits) -> None:
    counts = _directory_counts(fh)
    if counts is None:
        return
    entries, directory = counts
    if entries > limits.max_entries:
        _too_many(file_name, entries, limits)
    if directory > limits.max_entries * _DIRECTORY_BYTES_PER_ENTRY:
        # the end record understates the count: a directory record takes at least 46 bytes
        _too_many(file_name, directory // _MIN_RECORD_BYTES, limits, at_least=True)
    fh.seek(0)
    try:
        infos = zipfile.ZipFile(fh).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # damaged: the reader says so in its own words
    if len(infos) > limits.max_entries:
        _too_many(file_name, len(infos), limits)
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size >= RATIO_GRACE_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise ArchiveRefused(
                    code="archive.ratio_too_high",
                    file_name=file_name,
                    reason=(
                        f"其中“{info.filename}”压缩比为 {ratio:,.0f}:1（{_mb(info.compress_size)}"
                        f" 解压为 {_mb(info.file_size)}），超过上限 {limits.max_ratio:g}:1，"
                        "疑似“压缩炸弹”，未读取"
                    ),
                    entry=info.filename,
                    ratio=round(ratio, 1),
                    limit=limits.max_ratio,
                )
    if total > limits.max_uncompressed:
        raise ArchiveRefused(
            code="archive.too_large",
            file_name=file_name,
            reason=(
                f"解压后共 {_mb(total)}，超过上限 {_mb(limits.max_uncompressed)}，未读取；"
                "台账过大时请按社区拆分成几个文件分别导入"
            ),
            uncompressed=total,
            limit=limits.max_uncompressed,
        )


def _too_many(file_name: str, entries: int, limits: Limits, *, at_least: bool = False):
    count = f"至少 {entries:,}" if at_least else f"{entries:,}"
    raise ArchiveRefused(
        code="archive.too_many_entries",
        file_name=file_name,
        reason=f"压缩包内有 {count} 个文件，超过上限 {limits.max_entries:,} 个，未读取",
        entries=entries,
        limit=limits.max_entries,
    )
