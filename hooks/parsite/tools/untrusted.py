"""Opening an Office file that came from outside the office (a unit's workbook, an appendix).

Such a file is a ZIP archive of XML parts, and whoever made it chose every byte: its size, what
its parts claim to hold once inflated, and their XML. Before any library reads it, `open_archive`
checks the file's size, the archive's directory (how many parts, how large each claims to be
once inflated, and how far it claims to inflate) and, with `refuse_doctypes`, that no XML part
declares a DTD (where entities, and so entity bombs and external entities, are declared).
zipfile stops inflating a part at its declared size, so the declared sizes bound the memory a
reader can be made to use. Every refusal is one line naming the file and the limit.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

MB = 1024 * 1024


class UntrustedFileError(Exception):
    """A file from outside that is refused: its name and why, in one line."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    """What an Office file from outside may be. The defaults are far above any real appendix
    or progress workbook (a few hundred rows: well under 1 MB)."""

    file_bytes: int = 20 * MB
    parts: int = 2000
    part_bytes: int = 100 * MB  # one part, inflated
    total_bytes: int = 250 * MB  # all parts, inflated
    # XML compresses about 5-20 times; 100 only for parts large enough to matter.
    ratio: int = 100
    ratio_from: int = 1 * MB


def _size(number: int) -> str:
    return f"{number / MB:.0f} MB" if number >= MB else f"{number} byte"


def open_archive(path: Path, what: str, limits: Limits = Limits()) -> zipfile.ZipFile:
    """`path` opened as a ZIP archive once its size and directory are within `limits`.

    `what` names the kind of file in messages ("bảng tính .xlsx", "tệp Word .docx").
    """
    name = path.name
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise UntrustedFileError(name, f"tệp lớn {_size(size)}, quá giới hạn {_size(limits.file_bytes)}; không đọc")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UntrustedFileError(name, f"không phải {what} (tệp hỏng hoặc sai định dạng); không đọc") from None
    try:
        _check_directory(archive, name, limits)
    except UntrustedFileError:
        archive.close()
        raise
    return archive


def _check_directory(archive: zipfile.ZipFile, name: str, limits: Limits) -> None:
    members = archive.infolist()
    if len(members) > limits.parts:
        raise UntrustedFileError(name, f"có {len(members)} phần, quá giới hạn {limits.parts}; không đọc")
    total = 0
    for member in members:
        inflated = member.file_size
        total += inflated
        if inflated > limits.part_bytes:
            raise UntrustedFileError(
                name,
                f"phần {member.filename[:80]!r} khi giải nén lớn {_size(inflated)},"
                f" quá giới hạn {_size(limits.part_bytes)}; không đọc",
            )
        if inflated > limits.ratio_from and inflated > limits.ratio * max(member.compress_size, 1):
            raise UntrustedFileError(
                name,
                f"phần {member.filename[:80]!r} nén quá {limits.ratio} lần (dấu hiệu của tệp nén độc hại); không đọc",
            )
    if total > limits.total_bytes:
        raise UntrustedFileError(
            name, f"khi giải nén lớn {_size(total)}, quá giới hạn {_size(limits.total_bytes)}; không đọc"
        )


def refuse_doctypes(archive: zipfile.ZipFile, name: str, parts: Iterable[str] | None = None) -> None:
    """Refuse the archive if one of its XML parts (all of them by default) is not XML or declares
    a DTD: Office never writes one, and only a DTD can declare entities."""
    for part in parts if parts is not None else archive.namelist():
        if not part.endswith((".xml", ".rels")):
            continue
        try:
            with archive.open(part) as stream:
                for _ in iterparse(stream, forbid_dtd=True, forbid_entities=True, forbid_external=True):
                    pass
        except DefusedXmlException:
            raise UntrustedFileError(
                name, f"phần {part[:80]!r} khai báo DTD hoặc thực thể XML (có thể là tệp độc hại); không đọc"
            ) from None
        except (SyntaxError, zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError):
            # ElementTree's ParseError is a SyntaxError; a part whose data is damaged fails its CRC.
            raise UntrustedFileError(name, f"phần {part[:80]!r} hỏng, không đọc được; không đọc") from None
