"""Reading an Office file that came from outside the office (a unit's progress workbook, an appendix).

Such a file is a ZIP archive of XML parts, and whoever made it chose every byte: its size, what
its parts claim to hold once inflated, and their XML. `read_checked` reads the file once and
checks it, within the `Limits` of its use, before any library sees it; every refusal is one line
(`UntrustedFileError.reason`) naming the limit, which the caller puts after the file's name:

- its size, then the archive's end record, read here first: how many parts the directory lists
  and how long it is (zipfile would read a directory of a few hundred thousand parts into
  memory), and no ZIP64 (for files of gigabytes);
- then the directory: how large each part claims to be once inflated and how far it claims to
  inflate (zipfile stops inflating a part at its declared size, so these bound what any reader
  can be made to inflate);
- then every part, inflated once in chunks: no DTD (only a DTD declares entities, so entity
  bombs and external entities; Office never writes one), XML only in UTF-8 (what Office writes,
  and the encoding in which the scan for a DTD sees every declaration), at most `rows` row
  elements in a part and `markup` tags ('<') in all parts together, which bounds the time and
  memory of the XML parsing that follows (openpyxl parses a sheet without a dimension whole,
  python-docx a whole document).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .. import fmt
from ..problems import shorten

MB = 1024 * 1024


class UntrustedFileError(Exception):
    """A file from outside that is refused: its name and why, in one line."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class Kind:
    """What the file should be, as messages name it."""

    program: str
    suffix: str
    mistaken_for: str  # what a file that is not such an archive usually is
    saved_as: str  # the program's name for the format, to save the file again


EXCEL = Kind("Excel", ".xlsx", "tệp .xls cũ, tệp đặt mật khẩu, tệp .csv hoặc tệp hỏng", "Sổ làm việc Excel")
WORD = Kind("Word", ".docx", "tệp .doc cũ, tệp đặt mật khẩu hoặc tệp hỏng", "Tài liệu Word")


@dataclass(frozen=True)
class Limits:
    """What an Office file from outside may be, set by each use far above its real files."""

    file_bytes: int
    parts: int
    part_bytes: int  # one part, inflated
    total_bytes: int  # all parts, inflated
    markup: int  # tags ('<') in all XML parts together
    rows: int  # row elements in one part (a sheet)
    ratio: int = 100  # XML deflates 5 to 20 times; a part past `ratio_from` may not claim more
    ratio_from: int = 1 * MB


_CHUNK = 1 * MB
_END = b"PK\x05\x06"  # the end of central directory record: 22 bytes and a comment
_ZIP64_LOCATOR = b"PK\x06\x07"  # 20 bytes, just before the end record of a ZIP64 archive
_DTD = (b"<!DOCTYPE", b"<!ENTITY")
_TAG_TAIL = 64  # bytes after a chunk's last '<' enough to see which tag it starts
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_BLANK = b"\xef\xbb\xbf \t\r\n"  # a UTF-8 byte order mark and white space, before the first tag
# How XML parsers (expat, libxml2) recognise XML not in an ASCII-based encoding: byte order
# marks, and '<' or '<?xm' in wider or other encodings.
_WIDE = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
    (b"\x00\x00\x00<", "UTF-32"),
    (b"<\x00\x00\x00", "UTF-32"),
    (b"\x00\x00<\x00", "UCS-4"),
    (b"\x00<\x00\x00", "UCS-4"),
    (b"\x00<", "UTF-16"),
    (b"<\x00", "UTF-16"),
    (b"Lo\xa7\x94", "EBCDIC"),
)
_DECLARATION = re.compile(rb"<\?xml\s[^?]*\?>")
_ENCODING = re.compile(rb"""\sencoding\s*=\s*["']([^"']*)["']""")


def read_checked(path: Path, kind: Kind, limits: Limits) -> bytes:
    """The bytes of `path`, read once, once they are within `limits` (see the module's text);
    UntrustedFileError otherwise. A caller that reads these bytes (not the file again) reads, and
    can record the digest of, exactly what was checked."""
    name = path.name
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise UntrustedFileError(name, f"tệp lớn {_size(size)}, quá giới hạn {_size(limits.file_bytes)}; không đọc")
    data = path.read_bytes()
    _check_end_record(data, name, kind, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error, NotImplementedError):
        raise _not_an_archive(name, kind) from None
    with archive:
        _check_directory(archive, name, limits)
        _check_parts(archive, name, kind, limits)
    return data


def _size(number: int) -> str:
    return f"{fmt.number(round(number / MB, 1))} MB" if number >= MB else f"{fmt.number(number)} byte"


def _not_an_archive(name: str, kind: Kind) -> UntrustedFileError:
    return UntrustedFileError(
        name,
        f"không đọc được tệp {kind.program} ({kind.suffix}): tệp không có dạng {kind.suffix} (có thể là "
        f"{kind.mistaken_for}); hãy mở bằng {kind.program} và lưu lại dạng {kind.saved_as} ({kind.suffix})",
    )


def _check_end_record(data: bytes, name: str, kind: Kind, limits: Limits) -> None:
    """The archive's end record, before zipfile reads the directory it points to into memory."""
    if not data.startswith(b"PK\x03\x04"):
        raise _not_an_archive(name, kind)
    end = data.rfind(_END, max(0, len(data) - 22 - 0xFFFF))
    if end < 0 or end + 22 > len(data):
        raise _not_an_archive(name, kind)
    parts, directory_size = struct.unpack_from("<HI", data, end + 10)
    if end >= 20 and data[end - 20 : end - 16] == _ZIP64_LOCATOR:
        raise UntrustedFileError(
            name, f"tệp nén dạng ZIP64 (dùng cho tệp hàng GB), không phải tệp {kind.program} thường; không đọc"
        )
    if parts > limits.parts or directory_size > limits.parts * 1024:
        raise UntrustedFileError(name, f"tệp có quá nhiều phần (giới hạn {fmt.number(limits.parts)}); không đọc")


def _check_directory(archive: zipfile.ZipFile, name: str, limits: Limits) -> None:
    """What the parts claim to be once inflated: each, all together, and how far they inflate."""
    members = archive.infolist()
    if len(members) > limits.parts:
        raise UntrustedFileError(
            name, f"tệp có {fmt.number(len(members))} phần, quá giới hạn {fmt.number(limits.parts)}; không đọc"
        )
    total = 0
    for member in members:
        part = shorten(member.filename, 60)
        inflated = member.file_size
        total += inflated
        if inflated > limits.part_bytes:
            raise UntrustedFileError(
                name,
                f"phần '{part}' khi giải nén lớn {_size(inflated)}, quá giới hạn {_size(limits.part_bytes)}; không đọc",
            )
        if inflated > limits.ratio_from and inflated > limits.ratio * max(member.compress_size, 1):
            raise UntrustedFileError(
                name,
                f"phần '{part}' nén hơn {limits.ratio} lần ({_size(member.compress_size)} giải nén thành "
                f"{_size(inflated)}): dấu hiệu của tệp nén độc hại (zip bomb); không đọc",
            )
    if total > limits.total_bytes:
        raise UntrustedFileError(
            name, f"tệp khi giải nén lớn {_size(total)}, quá giới hạn {_size(limits.total_bytes)}; không đọc"
        )


def _check_parts(archive: zipfile.ZipFile, name: str, kind: Kind, limits: Limits) -> None:
    """Every part scanned once, in order: rows in each, tags in all."""
    markup = 0
    for member in archive.infolist():
        tags, rows = _scan_part(archive, member, name, kind)
        if rows > limits.rows:
            raise UntrustedFileError(
                name,
                f"{_sheet_title(archive, member.filename)} có {fmt.number(rows)} dòng, quá giới hạn "
                f"{fmt.number(limits.rows)} dòng một trang; không đọc",
            )
        markup += tags
        if markup > limits.markup:
            raise UntrustedFileError(name, f"tệp có hơn {fmt.number(limits.markup)} thẻ XML (giới hạn); không đọc")


def _scan_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, kind: Kind) -> tuple[int, int]:
    """Tags and row elements in one part, inflated in chunks; refuse a DTD or XML not in UTF-8.
    A part that is not XML (a picture) counts nothing: no XML parser will read it."""
    part = shorten(member.filename, 60)
    tags = rows = 0
    pending = b""  # a tag cut by the end of a chunk, read again with the next one
    try:
        with archive.open(member) as stream:
            chunk = stream.read(_CHUNK)
            start = chunk.lstrip(_BLANK)
            while chunk and not start:  # white space as long as it lasts: XML may follow
                chunk = stream.read(_CHUNK)
                start = chunk.lstrip(_BLANK)
            encoding = next((label for mark, label in _WIDE if chunk.startswith(mark) or start.startswith(mark)), None)
            if encoding is None and start.startswith(b"<"):
                encoding = _declared_encoding(start)
            if encoding is not None:
                raise UntrustedFileError(
                    name, f"phần '{part}' là XML dạng {encoding}, {kind.program} không ghi như vậy; không đọc"
                )
            if not start.startswith(b"<"):
                return 0, 0
            while chunk or pending:
                window = pending + chunk
                cut = window.rfind(b"<")
                done = window[:cut] if chunk and cut >= 0 and len(window) - cut < _TAG_TAIL else window
                pending = window[len(done) :]
                if any(marker in done for marker in _DTD):
                    raise UntrustedFileError(
                        name,
                        f"phần '{part}' khai báo DTD hoặc thực thể XML, {kind.program} không bao giờ ghi như vậy "
                        "(có thể là tệp độc hại); không đọc",
                    )
                tags += done.count(b"<")
                rows += len(_ROW_TAG.findall(done))
                chunk = stream.read(_CHUNK) if chunk else b""
    except UntrustedFileError:
        raise
    except Exception as exc:  # a CRC mismatch, zlib.error, an encrypted part, an unknown compression
        raise UntrustedFileError(
            name, f"phần '{part}' hỏng, không giải nén được ({type(exc).__name__}); không đọc"
        ) from None
    return tags, rows


def _declared_encoding(start: bytes) -> str | None:
    """The encoding an XML declaration at `start` names, when it is not UTF-8 (the XML default);
    a declaration that does not end soon names none the scan can trust."""
    if not start.startswith(b"<?xml"):
        return None
    declaration = _DECLARATION.match(start[:1024])
    if declaration is None:
        return "không rõ"
    encoding = _ENCODING.search(declaration[0])
    name = encoding[1].decode("ascii", "replace") if encoding else "utf-8"
    return None if name.lower().replace("_", "-") in ("utf-8", "utf8") else shorten(name, 20)


def _sheet_title(archive: zipfile.ZipFile, part: str) -> str:
    """The sheet stored in `part`, named for a message ("trang 'Tiến độ'"), or the part itself
    when the workbook's list of sheets cannot tell (it is read only if small, without a DTD)."""
    from defusedxml.ElementTree import fromstring

    try:
        book, links = archive.getinfo("xl/workbook.xml"), archive.getinfo("xl/_rels/workbook.xml.rels")
        if book.file_size + links.file_size <= MB:
            targets = {}
            for link in fromstring(archive.read(links)):
                target = link.get("Target", "")
                targets[link.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            for sheet in fromstring(archive.read(book)).iter():
                rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
                if sheet.tag.endswith("}sheet") and targets.get(rid) == part:
                    return f"trang '{shorten(sheet.get('name', ''))}'"
    except Exception:  # only the message's wording depends on it
        pass
    return f"một trang (phần '{shorten(part, 60)}')"
