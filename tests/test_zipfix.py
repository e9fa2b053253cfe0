"""The zip writer of parsite.outputs.zipfix writes what Python's zipfile writes, and a rewritten
archive keeps every entry's content while its dates become the build's."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta, timezone

import pytest
from parsite.outputs.zipfix import deflate, fixed_zip, write_zip

CONTENT = {
    "[Content_Types].xml": b"<Types/>",
    "xl/worksheets/sheet1.xml": b"<row>" + "Quý III/2024 ẩ ".encode() * 4000 + b"</row>",
    "empty.txt": b"",
    "tên tiếng Việt.xml": "<a>đ</a>".encode(),
    "docProps/core.xml": b'<c><dcterms:created x="1">2013-12-23T23:15:00Z</dcterms:created>'
    b"<dcterms:modified>2013-12-23T23:15:00Z</dcterms:modified></c>",
}


def _zipfile(content: dict[str, bytes], when: datetime, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    stamp = when.astimezone(UTC).timetuple()[:6]
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in content.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = compression
            info.external_attr = 0o600 << 16
            archive.writestr(info, data)
    return out.getvalue()


@pytest.mark.parametrize("when", [datetime(2024, 9, 30, 23, 59, 58, tzinfo=timezone(timedelta(hours=7)))])
def test_the_archive_is_what_zipfile_writes(when: datetime) -> None:
    made = write_zip([deflate(name, data) for name, data in CONTENT.items()], when)
    assert made == _zipfile(CONTENT, when)
    with zipfile.ZipFile(io.BytesIO(made)) as archive:
        assert archive.testzip() is None
        assert {i.filename: archive.read(i) for i in archive.infolist()} == CONTENT
        assert {i.date_time for i in archive.infolist()} == {(2024, 9, 30, 16, 59, 58)}  # UTC


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_a_rewritten_archive_keeps_its_content_and_takes_the_build_date(compression: int) -> None:
    earlier = datetime(2026, 12, 3, 5, 46, 24, tzinfo=UTC)
    when = datetime(2025, 6, 30, 17, 0, 0, tzinfo=UTC)
    edited = fixed_zip(_zipfile(CONTENT, earlier, compression), when, {"empty.txt": lambda data: data + b"ok"})
    expected = {
        **CONTENT,
        "empty.txt": b"ok",
        "docProps/core.xml": CONTENT["docProps/core.xml"].replace(b"2013-12-23T23:15:00Z", b"2025-06-30T17:00:00Z"),
    }
    assert edited == _zipfile(expected, when)  # every entry deflated, dated `when`, in the same order
    assert fixed_zip(edited, when) == edited


def test_dates_before_1980_are_dated_1980() -> None:
    made = write_zip([deflate("a.txt", b"a")], datetime(1975, 5, 4, 3, 2, 1, tzinfo=UTC))
    with zipfile.ZipFile(io.BytesIO(made)) as archive:
        assert archive.infolist()[0].date_time == (1980, 5, 4, 3, 2, 0)
