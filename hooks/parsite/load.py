"""YAML → plain Python values, keeping the line and column of every key and value.

Safe loading only. Beyond what PyYAML checks, this rejects what would otherwise be
silently lost or dangerous: duplicate keys (PyYAML keeps the last one), anchors and
aliases (the "billion laughs" expansion), files that are not UTF-8. Every string is
normalised to NFC so that text typed with a decomposing input method is still found
by search.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem, format_key_path

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

KeyPath = tuple[str | int, ...]
Position = tuple[int, int]

# Scalars kept as the text the editor typed rather than converted by YAML:
# dates are parsed by the validator so "2024-02-31" gets a clear message instead of
# a PyYAML traceback, and the schema sees plain strings.
_KEEP_AS_TEXT = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"}


@dataclass
class Source:
    """One loaded data file: its value and where each part of it was written."""

    path: str  # as shown in messages, relative to the project root
    data: Any
    positions: dict[KeyPath, Position] = field(default_factory=dict)
    key_positions: dict[KeyPath, Position] = field(default_factory=dict)

    def position(self, path: KeyPath, *, key: bool = False) -> Position:
        """Line and column of the value at `path` (or of its key), nearest known parent."""
        table = self.key_positions if key else self.positions
        while path:
            if path in table:
                return table[path]
            if not key and path in self.key_positions:
                return self.key_positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def problem(self, path: KeyPath, message: str, *, key: bool = False) -> Problem:
        """A problem located at `path` in this file."""
        line, column = self.position(path, key=key)
        return Problem(self.path, line, column, format_key_path(path), message)


class _Builder:
    """Turns a composed node tree into Python values, recording positions."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.constructor = yaml.constructor.SafeConstructor()
        self.seen: set[int] = set()
        self.alias_reported = False

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        if id(node) in self.seen:
            # One message per file: an alias bomb would otherwise give thousands.
            if not self.alias_reported:
                self.alias_reported = True
                # The composed node keeps only the anchor's position: point at the enclosing value.
                self.problems.append(
                    self.source.problem(path, "không dùng neo và bí danh YAML (& và *): hãy viết đầy đủ giá trị")
                )
            return None
        mark = node.start_mark
        self.source.positions[path] = (mark.line + 1, mark.column + 1)
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag in _KEEP_AS_TEXT:
            return unicodedata.normalize("NFC", node.value)
        value = self.constructor.construct_object(node)
        if isinstance(value, str):
            return unicodedata.normalize("NFC", value)
        return value

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line = key_node.start_mark.line + 1
                self.problems.append(self.source.problem(path, f"dòng {line}: khóa phải là một chữ hoặc số đơn giản"))
                continue
            key = unicodedata.normalize("NFC", str(key_node.value))
            key_path = (*path, key)
            kmark = key_node.start_mark
            if key == "<<":
                self.source.key_positions[key_path] = (kmark.line + 1, kmark.column + 1)
                self.problems.append(
                    self.source.problem(key_path, "không dùng khóa gộp YAML (<<): hãy viết đầy đủ các khóa", key=True)
                )
                continue
            if key in result:
                self.source.key_positions[key_path] = (kmark.line + 1, kmark.column + 1)
                self.problems.append(
                    Problem(
                        self.source.path,
                        kmark.line + 1,
                        kmark.column + 1,
                        format_key_path(key_path),
                        f"khóa '{key}' bị lặp (đã có ở dòng {first_line[key]}); mỗi khóa chỉ được viết một lần",
                    )
                )
                continue
            first_line[key] = kmark.line + 1
            self.source.key_positions[key_path] = (kmark.line + 1, kmark.column + 1)
            result[key] = self.build(value_node, key_path)
        return result


def _decode(raw: bytes, display: str) -> tuple[str | None, list[Problem]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Problem(display, line, column, "", "tệp không phải mã UTF-8; hãy lưu lại tệp với bảng mã UTF-8")]
    return text.removeprefix("\ufeff"), []


def _syntax_problem(exc: yaml.YAMLError, display: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    detail = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"lỗi cú pháp YAML: {detail}"
    if context:
        message += f" ({context})"
    if "\t" in detail or "'\\t'" in detail:
        message += "; YAML không cho phép thụt lề bằng phím Tab, hãy dùng dấu cách"
    return Problem(display, line, column, "", message)


def load_text(text: str, display: str) -> tuple[Source, list[Problem]]:
    """Parse YAML text; return the source and the problems found while reading it."""
    source = Source(display, None)
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        return source, [Problem(display, 1, 1, "", "tệp rỗng: không có dữ liệu")]
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError as exc:
        return source, [_syntax_problem(exc, display)]
    builder = _Builder(source)
    source.data = builder.build(node, ()) if node is not None else None
    return source, builder.problems


# Far above any real plan (10,000 tasks take about 5 MB); a larger file is a mistake or an attack.
MAX_BYTES = 20 * 1024 * 1024


def load_file(path: Path, display: str) -> tuple[Source, list[Problem]]:
    """Read and parse one YAML file."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        message = f"tệp quá lớn ({size / 1024 / 1024:.0f} MB, tối đa {MAX_BYTES // 1024 // 1024} MB): không đọc"
        return Source(display, None), [Problem(display, 0, 0, "", message)]
    text, problems = _decode(path.read_bytes(), display)
    if text is None:
        return Source(display, None), problems
    return load_text(text, display)
