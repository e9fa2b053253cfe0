"""Byte-identical Office files: the same content gives the same .xlsx/.docx on every build.

python-docx stamps each zip entry with the current time; rewriting the archive with the build
time (pinned by SOURCE_DATE_EPOCH) removes the difference. (XlsxWriter dates every entry of a
workbook written in memory 1980-01-01 already: the workbooks need no rewrite.)

The archive is written here, not by `zipfile`: an entry that is not edited keeps the
compressed bytes it already has (only its date changes), so a rewrite costs a copy, not a
decompression and a compression of every entry (a .docx holds 0,9 MB of styles). The headers
are the ones `zipfile` writes for `writestr` (tests/test_zipfix.py compares them).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

_DATES = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile.structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # zipfile.structCentralDir
_END = struct.Struct("<4s4H2LH")  # zipfile.structEndArchive
_VERSION = 20  # zipfile.DEFAULT_VERSION: what deflate needs
_UNIX = 3  # the system zipfile names on anything but Windows
_ATTRIBUTES = 0o600 << 16  # what zipfile gives an entry written by name
CORE_PROPERTIES = "docProps/core.xml"  # an Office file's title, author and dates


@dataclass(frozen=True)
class Entry:
    """One archive member, already deflated."""

    name: str
    deflated: bytes
    crc: int
    size: int
    external_attr: int = _ATTRIBUTES


def deflate(name: str, content: bytes, external_attr: int = _ATTRIBUTES) -> Entry:
    """`content` deflated as `zipfile` does (zlib's default level, raw stream)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return Entry(
        name, compressor.compress(content) + compressor.flush(), zlib.crc32(content), len(content), external_attr
    )


def entries(data: bytes) -> list[Entry]:
    """The members of a zip archive, in order, their deflated bytes taken as they are."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:  # stored or encrypted
                found.append(deflate(info.filename, archive.read(info), info.external_attr))
                continue
            header = _LOCAL.unpack_from(data, info.header_offset)
            start = info.header_offset + _LOCAL.size + header[10] + header[11]  # name and extra field
            raw = data[start : start + info.compress_size]
            found.append(Entry(info.filename, raw, info.CRC, info.file_size, info.external_attr))
    return found


def write_zip(members: Iterable[Entry], when: datetime) -> bytes:
    """A zip archive of `members`, each dated `when` (UTC, as zip dates have no zone)."""
    when = when.astimezone(UTC)
    dos_date = (max(when.year, 1980) - 1980) << 9 | when.month << 5 | when.day
    dos_time = when.hour << 11 | when.minute << 5 | when.second // 2
    out, directory = bytearray(), bytearray()
    count = 0
    for entry in members:
        name = entry.name.encode("ascii") if entry.name.isascii() else entry.name.encode("utf-8")
        flags = 0 if entry.name.isascii() else 0x800
        fields = (flags, zipfile.ZIP_DEFLATED, dos_time, dos_date, entry.crc, len(entry.deflated), entry.size)
        offset = len(out)
        out += _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, *fields, len(name), 0) + name + entry.deflated
        directory += _CENTRAL.pack(
            b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, *fields, len(name), 0, 0, 0, 0, entry.external_attr, offset
        )
        directory += name
        count += 1
    end = _END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), len(out), 0)
    return bytes(out + directory + end)


def core_dates(content: bytes, when: datetime) -> bytes:
    """docProps/core.xml with its created and modified dates set to `when`."""
    iso = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return _DATES.sub(lambda m: m[1] + iso + m[2], content)


def fixed_zip(data: bytes, when: datetime, edits: Mapping[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """The same archive, every entry and the document's dates stamped `when`; `edits` changes
    the content of the entries it names."""
    edits = edits or {}

    def edited(member: Entry, content: bytes) -> Entry:
        if member.name == CORE_PROPERTIES:
            content = core_dates(content, when)
        if member.name in edits:
            content = edits[member.name](content)
        return deflate(member.name, content, member.external_attr)

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [
            edited(m, archive.read(m.name)) if m.name in edits or m.name == CORE_PROPERTIES else m
            for m in entries(data)
        ]
    return write_zip(members, when)
