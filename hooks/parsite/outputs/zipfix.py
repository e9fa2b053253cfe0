"""Byte-identical Office files: the same content gives the same .xlsx/.docx on every build.

openpyxl and python-docx stamp each zip entry, and openpyxl the document's "modified" date,
with the current time; rewriting the archive with the build time (pinned by
SOURCE_DATE_EPOCH) removes the difference.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

_DATES = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")


def fixed_zip(data: bytes, when: datetime, edits: Mapping[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """The same archive, every entry and the document's dates stamped `when`; `edits` changes
    the content of the entries it names."""
    when = when.astimezone(UTC)
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _DATES.sub(lambda m: m[1] + iso + m[2], content)
            if edits and info.filename in edits:
                content = edits[info.filename](content)
            target.writestr(entry, content)
    return out.getvalue()
