"""A build cache keyed by content: what was made from the same inputs is copied, not made again.

Plain Python, no MkDocs: the hook asks it for pages, downloads and compressed copies, a script
or a test can use it the same way. An entry is found by a key, the SHA-256 of everything its
bytes were made from (`key(kind, *parts)`): the inputs, and the code version (`code_version`:
the core's source files, templates, schemas and the versions of the libraries that shape the
output), so a changed template or an upgraded library never meets an old entry.

Nothing read from the folder is trusted. An entry file holds a header line, its own key and the
SHA-256 of its payload; a file that is truncated, garbled, written by something else or stored
under the wrong name is ignored (and replaced by the next `put`). Payloads are bytes: callers
store text or JSON, never pickles, so a foreign file cannot run code.

Writes go to a temporary file in the same folder, renamed over the entry in one step
(`os.replace`): a killed build leaves at most a stray temporary file, never half an entry, and
two builds writing the same entry at once each rename a complete file (the last one wins, and
both are equal, being made from the same inputs).

The folder: `PARSITE_CACHE` when set (`off` turns the cache off), else `.cache/parsite/` under
the project (git ignores it; the nightly workflow keeps it between runs). An entry is touched
when used; `prune()` removes entries no build has used for `KEEP_DAYS` days, so the folder holds
about what recent builds need instead of growing every night.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

MAGIC = b"parsite-cache 1\n"
# The libraries whose version changes what the build makes (pages, downloads, compressed copies).
LIBRARIES = (
    "mkdocs",
    "properdocs",
    "mkdocs-material",
    "markdown",
    "pymdown-extensions",
    "jinja2",
    "markupsafe",
    "pyyaml",
    "python-docx",
    "brotli",
    "deflate",  # libdeflate, the .gz copies
    "pillow",  # share images (parsite.outputs.share_image)
)
# The core's files that make output: code, templates, schemas, the theme overrides.
SOURCE_SUFFIXES = frozenset({".py", ".j2", ".json", ".html", ".js", ".css", ".svg", ".ttf"})  # .ttf: share images
KEEP_DAYS = 14
_PRUNED = ".pruned"  # its time: the last prune (one a day is enough)


def digest(parts: Iterable[bytes | str]) -> str:
    """SHA-256 of the parts (text as UTF-8), each length-prefixed (so ('ab', 'c') and ('a', 'bc')
    differ): the one digest of the build cache's keys and entries and of outputs/reads.py."""
    hasher = hashlib.sha256()
    for part in parts:
        data = _bytes(part)
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def _bytes(part: bytes | str) -> bytes:
    return part if isinstance(part, bytes) else part.encode("utf-8")


def treedigest(folder: Path, suffixes: frozenset[str] | None = None) -> str:
    """SHA-256 of every file under `folder` (relative names and bytes, in name order).

    `suffixes` limits it to files with those endings; caches and compiled files never count.
    """
    parts: list[bytes] = []
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            if suffixes is not None and path.suffix not in suffixes:
                continue
            parts += [path.relative_to(folder).as_posix().encode("utf-8"), path.read_bytes()]
    return digest(parts)


def code_version(*folders: Path) -> str:
    """What makes the output besides the data: the source under `folders`, Python and the libraries."""
    parts = [sys.version.encode("utf-8")]
    for folder in folders:
        parts.append(treedigest(folder, SOURCE_SUFFIXES).encode("ascii"))
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        parts.append(f"{name}=={version}".encode())
    return digest(parts)


@dataclass
class BuildCache:
    """Entries under `folder` (None: no cache, every `get` misses and `put` keeps nothing)."""

    folder: Path | None
    version: str
    hits: int = 0
    misses: int = 0
    rejected: int = 0  # entries found but not trusted (corrupt, foreign, wrong key)
    written: int = 0
    _seen: set[str] = field(default_factory=set, repr=False)

    def key(self, kind: str, *parts: bytes | str) -> str:
        """The key of what `kind` makes from `parts`, for this code version."""
        return digest([MAGIC, self.version.encode("ascii"), kind.encode("utf-8"), *map(_bytes, parts)])

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / key

    def get(self, key: str) -> bytes | None:
        """The bytes stored under `key`, or None: missing, or not a sound entry for this key."""
        if self.folder is None:
            self.misses += 1
            return None
        try:
            data = self._path(key).read_bytes()
        except OSError:  # missing, unreadable, or a folder in its place
            self.misses += 1
            return None
        payload = self._check(data, key)
        if payload is None:
            self.rejected += 1
            self.misses += 1
            return None
        self.hits += 1
        with contextlib.suppress(OSError):  # used: kept by prune()
            os.utime(self._path(key))
        return payload

    @staticmethod
    def _check(data: bytes, key: str) -> bytes | None:
        """The payload of an entry file if its header names `key` and its hash matches, else None."""
        header_end = len(MAGIC) + 64 + 1 + 64 + 1
        if len(data) < header_end or not data.startswith(MAGIC):
            return None
        head = data[len(MAGIC) : header_end]
        stored_key, stored_hash = head[:64], head[65:129]
        if head[64:65] != b"\n" or head[129:130] != b"\n" or stored_key != key.encode("ascii"):
            return None
        payload = data[header_end:]
        if hashlib.sha256(payload).hexdigest().encode("ascii") != stored_hash:
            return None
        return payload

    def put(self, key: str, payload: bytes) -> None:
        """Store `payload` under `key`, atomically; a cache that cannot be written is skipped."""
        if self.folder is None or key in self._seen:
            return
        self._seen.add(key)
        target = self._path(key)
        entry = MAGIC + key.encode("ascii") + b"\n" + hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(entry)
                    out.write(payload)
                os.replace(temporary, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError:  # a read-only or full disk slows the build down, it does not stop it
            return
        self.written += 1

    def page(self, inputs: Callable[[str], str], path: str, render: Callable[[str], str]) -> str:
        """A generated page's Markdown: from the cache when a page of the same inputs (`inputs(path)`)
        was stored, else rendered (`render(path)`) and stored."""
        key = self.key("page-markdown", inputs(path), path)
        data = self.get(key)
        if data is not None:
            with contextlib.suppress(UnicodeDecodeError):
                return data.decode("utf-8")
        markdown = render(path)
        self.put(key, markdown.encode("utf-8"))
        return markdown

    def download(self, inputs: Callable[[str], str], path: str, make: Callable[[], bytes]) -> Callable[[], bytes]:
        """`make`, answered from the cache when a download of the same inputs (`inputs(path)`) was stored."""

        def made() -> bytes:
            key = self.key("download", inputs(path), path)
            data = self.get(key)
            if data is None:
                data = make()
                self.put(key, data)
            return data

        return made

    def prune(self, keep_days: float = KEEP_DAYS, now: float | None = None) -> int:
        """Remove entries unused for `keep_days` days and stray temporary files; once a day at most.

        Only names this module writes are touched (two hex digits / 64 hex digits), so a cache
        folder pointed at the wrong place loses nothing else. Gives how many files were removed.
        """
        if self.folder is None or not self.folder.is_dir():
            return 0
        now = time.time() if now is None else now
        marker = self.folder / _PRUNED
        with contextlib.suppress(OSError):
            if now - marker.stat().st_mtime < 86_400:
                return 0
        removed = 0
        hexdigits = set("0123456789abcdef")
        for sub in self.folder.iterdir():
            if len(sub.name) != 2 or not set(sub.name) <= hexdigits or not sub.is_dir():
                continue
            for path in sub.iterdir():
                ours = len(path.name) == 64 and set(path.name) <= hexdigits
                stray = path.name.startswith(".tmp-")
                with contextlib.suppress(OSError):
                    age = now - path.stat().st_mtime
                    if (ours and age > keep_days * 86_400) or (stray and age > 3_600):
                        path.unlink()
                        removed += 1
        with contextlib.suppress(OSError):
            marker.touch()
            os.utime(marker, (now, now))
        return removed

    def summary(self) -> str:
        """One line for the build log (Vietnamese, as every message a user reads)."""
        if self.folder is None:
            return "Bộ nhớ đệm: tắt"
        return f"Bộ nhớ đệm: {self.hits} mục dùng lại, {self.written} mục mới" + (
            f", {self.rejected} mục hỏng bị bỏ qua" if self.rejected else ""
        )
