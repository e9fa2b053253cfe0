"""Compiled templates kept beside the templates, as Python keeps its own bytecode.

Compiling the page templates took about 0,15 s CPU on every build. Jinja can keep the code it
compiles (a `BytecodeCache`); this one keeps it where Python keeps the `.pyc` of the core, in a
`__pycache__` folder beside the templates (or under `sys.pycache_prefix`), which git ignores.
It is compiled code, not build output: an entry holds the code of one template compiled from
one source text, so it can never make a page stale, and it is kept with `PARSITE_CACHE=off`
(which turns off the build cache of pages and downloads), written unless Python itself writes
no bytecode (`-B`, `PYTHONDONTWRITEBYTECODE`).

An entry is used only when all of its header matches: this format, Jinja's version, the Python
that compiled it (marshal and code objects change between versions), the environment's settings
that shape the compiled code, and the SHA-1 Jinja takes of the template's source; and when its
code is whole (its SHA-256). Anything else (truncated, garbled, stale, foreign) is ignored and
the template is compiled again. Nothing is unpickled: the code is read back with `marshal`,
as Python reads a `.pyc`, and only after the digest matched. Entries are written to a
temporary file and renamed in one step, so a killed build leaves no half entry and two builds at
once never read one; a folder that cannot be written is skipped (the template is compiled each
time, as before).
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

import jinja2
from jinja2.bccache import Bucket

FORMAT = b"parsite-compiled-template 1"


def settings(env: jinja2.Environment) -> str:
    """What of the environment shapes the code compiled from a template: its syntax and
    whitespace options, autoescaping, finalize, extensions, and each filter's and test's name
    with what it is passed (the compiler writes `context`/`environment` arguments into the code)."""

    def passes(functions: dict[str, Any]) -> list[tuple[str, str]]:
        return sorted((name, str(getattr(f, "jinja_pass_arg", ""))) for name, f in functions.items())

    shape = (
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.autoescape if isinstance(env.autoescape, bool) else getattr(env.autoescape, "__qualname__", "?"),
        getattr(env.finalize, "__qualname__", None),
        sorted(env.extensions),
        passes(env.filters),
        passes(env.tests),
    )
    return hashlib.sha256(repr(shape).encode("utf-8")).hexdigest()


def folder_beside(templates: Path) -> Path:
    """Where Python would keep the bytecode of a module in `templates`: `templates/__pycache__`,
    or its mirror under `sys.pycache_prefix` when one is set."""
    return Path(importlib.util.cache_from_source(str(templates / "_.py"))).parent


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates in `folder`, for environments with these `settings`."""

    def __init__(self, folder: Path, settings: str) -> None:
        self.folder = folder
        self.settings = settings

    def _path(self, bucket: Bucket) -> Path:
        # Jinja's key names the template and its file; the settings keep environments apart.
        name = hashlib.sha256(f"{self.settings}|{bucket.key}".encode()).hexdigest()[:32]
        return self.folder / f"{name}.jinja"

    def _header(self, bucket: Bucket) -> bytes:
        fields = (jinja2.__version__, sys.implementation.cache_tag or "", self.settings, bucket.checksum)
        return FORMAT + b" " + " ".join(fields).encode("utf-8") + b"\n"

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            data = self._path(bucket).read_bytes()
        except OSError:
            return
        code = self.decode(bucket, data)
        if code is not None:
            bucket.code = code

    def decode(self, bucket: Bucket, data: bytes) -> Any:
        """The code in an entry's bytes, or None if the entry is not whole or not for this source."""
        header = self._header(bucket)
        digest, _, payload = data[len(header) :].partition(b"\n")
        if not data.startswith(header) or digest != hashlib.sha256(payload).hexdigest().encode("ascii"):
            return None
        try:
            return marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            return None

    def encode(self, bucket: Bucket) -> bytes:
        payload = marshal.dumps(bucket.code)
        return self._header(bucket) + hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload

    def dump_bytecode(self, bucket: Bucket) -> None:
        if sys.dont_write_bytecode or bucket.code is None:
            return
        target = self._path(bucket)
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=f".{target.stem}.", suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                out.write(self.encode(bucket))
            os.replace(temporary, target)
            temporary = None
        except OSError:
            pass  # a read-only install: the template is compiled again next time, as without this cache
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
