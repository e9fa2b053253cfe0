"""Compiled templates kept beside the templates, as Python keeps its own bytecode.

Compiling the page templates took about 0,15 s CPU on every build (0,35 s on a slow machine).
Jinja can keep the code it compiles (a `BytecodeCache`); this one keeps it in a
`parsite.compiled.CodeStore`, in a `__pycache__` folder beside the templates, where Python keeps
the `.pyc` of the core (what is kept, when, and why an entry is never trusted blindly: see there).

An entry is used only when all of its header matches: this format, Jinja's version, the Python
that compiled it, the environment's settings that shape the compiled code, and the SHA-1 Jinja
takes of the template's source; and when its code is whole (its SHA-256).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket

from .. import compiled

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


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates in `folder`, for environments with these `settings`."""

    def __init__(self, folder: Path, settings: str) -> None:
        self.folder = folder
        self.settings = settings
        self.store = compiled.CodeStore(folder, "jinja", FORMAT)

    def _name(self, bucket: Bucket) -> str:
        # Jinja's key names the template and its file; the settings keep environments apart.
        return hashlib.sha256(f"{self.settings}|{bucket.key}".encode()).hexdigest()[:32]

    def _fields(self, bucket: Bucket) -> tuple[str, ...]:
        return (jinja2.__version__, self.settings, bucket.checksum)

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.store.load(self._name(bucket), self._fields(bucket))
        if code is not None:
            bucket.code = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self.store.save(self._name(bucket), self._fields(bucket), bucket.code)
