"""Compiled code kept beside its source, as Python keeps a module's `.pyc`.

The data schemas are compiled to Python code (fastjsonschema, `data_in/schema.py`) on every build
unless kept. A `CodeStore` keeps that code in a `__pycache__` folder beside the source (or under
`sys.pycache_prefix`), which git ignores. (The page templates' compiled code is kept by Jinja's
own cache the same way, `outputs/render.py`.)

It is compiled code, not build output: an entry holds the code of one source text, so it can
never make a page stale, and it is kept with `PARSITE_CACHE=off`; it is written unless Python
itself writes no bytecode (`-B`, `PYTHONDONTWRITEBYTECODE`), and read in any case, as a `.pyc` is.

An entry is used only when all of its header matches (the store's format, the Python that compiled
it, and what the caller says shapes the code: the compiler's version and settings, the source's
digest) and its payload is whole (its SHA-256). Anything else (truncated, garbled, stale, foreign) is ignored
and the source compiled again. Nothing is unpickled: the payload is read back with `marshal`, as
Python reads a `.pyc`, and only after the digest matched. Entries are written to a temporary file
and renamed in one step, so a killed build leaves no half entry and two builds at once never read
one; a folder that cannot be written is skipped (the source is compiled each time).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any


def folder_beside(source_folder: Path) -> Path:
    """Where Python would keep the bytecode of a module in `source_folder`: its `__pycache__`, or
    its mirror under `sys.pycache_prefix` when one is set."""
    return Path(importlib.util.cache_from_source(str(source_folder / "_.py"))).parent


class CodeStore:
    """Entries named `NAME.SUFFIX` in `folder`, each a header line (`kind`, the Python, the
    caller's fields), the payload's SHA-256 and the marshalled payload."""

    def __init__(self, folder: Path, suffix: str, kind: bytes) -> None:
        self.folder = folder
        self.suffix = suffix
        self.kind = kind

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.{self.suffix}"

    def header(self, fields: tuple[str, ...]) -> bytes:
        # marshal and code objects change between Python versions: the cache tag is always there.
        python = sys.implementation.cache_tag or ""
        return self.kind + b" " + " ".join((python, *fields)).encode("utf-8") + b"\n"

    def load(self, name: str, fields: tuple[str, ...]) -> Any:
        """The payload kept under `name` for these `fields`, or None."""
        try:
            data = self.path(name).read_bytes()
        except OSError:
            return None
        return self.decode(self.header(fields), data)

    @staticmethod
    def decode(header: bytes, data: bytes) -> Any:
        """The payload in an entry's bytes, or None if the entry is not whole or not for `header`."""
        digest, _, payload = data[len(header) :].partition(b"\n")
        if not data.startswith(header) or digest != hashlib.sha256(payload).hexdigest().encode("ascii"):
            return None
        try:
            return marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            return None

    @staticmethod
    def encode(header: bytes, value: Any) -> bytes:
        payload = marshal.dumps(value)
        return header + hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload

    def save(self, name: str, fields: tuple[str, ...], value: Any) -> None:
        """Keep `value` (anything marshal writes: code, tuples, strings) under `name`."""
        if sys.dont_write_bytecode:
            return
        target = self.path(name)
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=f".{target.stem}.", suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                out.write(self.encode(self.header(fields), value))
            os.replace(temporary, target)
            temporary = None
        except OSError:
            pass  # a read-only install: compiled again next time, as without this store
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
