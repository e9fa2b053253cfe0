"""Precompressed copies of the built site's text files, for servers that send them as they are
(nginx `gzip_static`/`brotli_static`, Apache with rewrite rules; see the README).

Each text file gets a `.gz` (and a `.br` when the Brotli library is installed, as it is from
requirements.txt) next to it. The copies are deterministic: the same file gives the same bytes
(no time or name in the gzip header), so two builds of the same data publish identical files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import deflate

from ..buildcache import BuildCache

try:  # pinned in requirements.txt; without it the site still gets its .gz files
    import brotli
except ImportError:  # pragma: no cover - exercised only on a machine without the package
    brotli = None

TEXT_SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".csv", ".ics", ".webmanifest"})
MIN_BYTES = 256  # smaller files gain nothing (headers cost more than they save)
# Measured on this site's files (1 000 generated tasks, 18 MB of text): gzip is written by
# libdeflate (`deflate`, pinned), which at level 6 takes half the time of zlib's level 6 for
# files 0,7 % larger (zlib's 9 is 2 % smaller at twice zlib 6's time). Brotli 5 is already
# smaller than any gzip; 4 is 9 % larger, 9 or 11 save 3–10 % more at 10–40 times the time, on
# every nightly build and every `mkdocs serve` rebuild.
GZIP_LEVEL = 6
BROTLI_QUALITY = 5


@dataclass(frozen=True)
class Compressed:
    files: int
    original_bytes: int
    gzip_bytes: int
    brotli_bytes: int


def gzip_bytes(data: bytes) -> bytes:
    """gzip with no file name and a zero time stamp: the same input always gives the same output."""
    return bytes(deflate.gzip_compress(data, GZIP_LEVEL))


def text_files(site_dir: Path) -> list[Path]:
    """The files worth precompressing, in a stable order."""
    return sorted(
        p for p in site_dir.rglob("*") if p.suffix in TEXT_SUFFIXES and p.is_file() and p.stat().st_size >= MIN_BYTES
    )


def _packed(data: bytes) -> tuple[bytes, bytes | None]:
    return gzip_bytes(data), (brotli.compress(data, quality=BROTLI_QUALITY) if brotli is not None else None)


def _cached_packed(data: bytes, cache: BuildCache) -> tuple[bytes, bytes | None]:
    """The two copies of `data`, from the cache when the same bytes were compressed before.

    The entry is the gzip copy's length (8 bytes), the gzip copy, then the Brotli copy; the key
    is the file's own bytes, so an entry can only be used for the bytes it was made from.
    """
    key = cache.key("compress", str(brotli is not None), data)
    entry = cache.get(key)
    if entry is not None and len(entry) >= 8:
        size = int.from_bytes(entry[:8], "big")
        if 8 + size <= len(entry):
            return entry[8 : 8 + size], (entry[8 + size :] if brotli is not None else None)
    packed, packed_br = _packed(data)
    cache.put(key, len(packed).to_bytes(8, "big") + packed + (packed_br or b""))
    return packed, packed_br


def _compress(path: Path, cache: BuildCache | None = None) -> tuple[int, int, int]:
    data = path.read_bytes()
    packed, packed_br = _packed(data) if cache is None else _cached_packed(data, cache)
    path.with_name(path.name + ".gz").write_bytes(packed)
    if packed_br is not None:
        path.with_name(path.name + ".br").write_bytes(packed_br)
    return len(data), len(packed), len(packed_br or b"")


def precompress(site_dir: Path, cache: BuildCache | None = None) -> Compressed:
    """Write `.gz` and `.br` beside every text file of `site_dir`.

    With a `cache`, a file compressed by an earlier build (same bytes) gets its copies from it.
    """
    files = text_files(site_dir)
    sizes = [_compress(path, cache) for path in files]
    return Compressed(
        len(files),
        sum(s[0] for s in sizes),
        sum(s[1] for s in sizes),
        sum(s[2] for s in sizes),
    )
