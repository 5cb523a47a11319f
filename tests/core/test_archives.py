"""The archive check: what a ZIP inflates to, read from its central directory only."""

import io
import struct
import zipfile

import pytest

from linli.core.archives import ArchiveRefused, Limits, check_archive
from tests.bombs import MIB, many_entries, xlsx_bomb

LIMITS = Limits(max_entries=1000, max_uncompressed=512 * MIB, max_ratio=100)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    return xlsx_bomb(tmp_path_factory.mktemp("bomb") / "bomb.xlsx", mib=64)


def test_a_bomb_is_refused_by_its_ratio(bomb):
    with pytest.raises(ArchiveRefused) as exc:
        check_archive(bomb, file_name="台账.xlsx", limits=LIMITS)
    error = exc.value
    assert error.code == "archive.ratio_too_high"
    assert error.message.startswith("“台账.xlsx”：其中“xl/worksheets/sheet1.xml”压缩比为 ")
    assert "超过上限 100:1" in error.message and "解压为 64.0 MB" in error.message
    assert error.details[0]["entry"] == "xl/worksheets/sheet1.xml"
    assert error.details[0]["ratio"] > 300


def test_total_size_is_checked(bomb):
    limits = Limits(max_entries=1000, max_uncompressed=32 * MIB, max_ratio=10_000)
    with pytest.raises(ArchiveRefused) as exc:
        check_archive(bomb, file_name="台账.xlsx", limits=limits)
    assert exc.value.code == "archive.too_large"
    assert "解压后共 64.0 MB，超过上限 32 MB" in exc.value.message
    assert exc.value.details[0]["limit"] == 32 * MIB


def test_entries_are_counted_from_the_end_record_first(tmp_path, monkeypatch):
    path = many_entries(tmp_path / "many.xlsx", 50)
    limits = Limits(max_entries=20, max_uncompressed=512 * MIB, max_ratio=100)

    def no_directory(*args, **kwargs):  # refused before zipfile reads the directory
        raise AssertionError("ZipFile opened")

    monkeypatch.setattr(zipfile, "ZipFile", no_directory)
    with pytest.raises(ArchiveRefused) as exc:
        check_archive(path, file_name="x.xlsx", limits=limits)
    assert exc.value.code == "archive.too_many_entries"
    assert "压缩包内有 55 个文件，超过上限 20 个" in exc.value.message


def test_a_directory_too_large_for_its_entry_count_is_refused(tmp_path):
    """An end record may understate the count; the directory's size gives it away."""
    path = many_entries(tmp_path / "many.xlsx", 50)
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 3, 3)  # entries on this disk, entries in total
    path.write_bytes(bytes(data))
    limits = Limits(max_entries=3, max_uncompressed=512 * MIB, max_ratio=100)
    with pytest.raises(ArchiveRefused) as exc:
        check_archive(path, limits=limits)
    assert exc.value.code == "archive.too_many_entries"
    assert exc.value.details[0]["entries"] > 50


def test_zip64_end_records_are_read(tmp_path):
    path = tmp_path / "z64.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(30):
            archive.writestr(f"f{i}", "x")
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    _, _, _, _, entries, size, offset, _ = struct.unpack_from("<4s4H2LH", data, end)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    record = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, size, offset
    )
    data[end:end] = record + locator
    end += len(record) + len(locator)
    struct.pack_into("<HHLL", data, end + 8, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
    path.write_bytes(bytes(data))
    assert len(zipfile.ZipFile(path).infolist()) == 30  # still a valid archive
    with pytest.raises(ArchiveRefused) as exc:
        check_archive(path, limits=Limits(max_entries=10, max_uncompressed=MIB, max_ratio=100))
    assert exc.value.details[0]["entries"] == 30


def test_a_normal_workbook_passes_and_the_file_position_is_kept(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["小区", "楼栋"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(3)
    check_archive(buffer, limits=LIMITS)
    assert buffer.tell() == 3


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04 cut short"])
def test_what_is_not_an_archive_is_left_to_the_reader(tmp_path, data):
    path = tmp_path / "x.xlsx"
    path.write_bytes(data)
    check_archive(path, limits=LIMITS)  # no error: the reader says what is wrong


def test_small_entries_are_not_held_to_the_ratio(tmp_path):
    path = tmp_path / "small.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.xml", " " * (MIB - 1))  # ~1000:1, but under 1 MiB
    check_archive(path, limits=LIMITS)
